//! The thin dispatch under the store: one SQL text in a portable subset (`$1` placeholders,
//! `RETURNING`, TEXT dates, BOOLEAN) runs on SQLite or PostgreSQL, values typed by [`Value`].

use crate::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{ConnectOptions, Postgres, Row as _, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A bound parameter. Nulls are typed so PostgreSQL can infer the parameter's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(Some(v))
    }
}
impl From<Option<f64>> for Value {
    fn from(v: Option<f64>) -> Self {
        Value::Real(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(Some(v))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_string))
    }
}

/// Builds a `[Value; N]` from mixed arguments: `&args![id, name, None::<String>]`.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => { [$($crate::kernel::db::Value::from($v)),*] };
}

/// The `n`th (1-based) bind placeholder of a generated statement whose parameters appear in
/// order. Hand-written queries use `$n` on both backends; statements with thousands of
/// parameters use SQLite's anonymous `?`, because binding a numbered or named parameter looks its
/// name up in a list (`sqlite3_bind_parameter_name`), which makes binding them quadratic.
pub fn placeholder(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${n}"),
    }
}

#[derive(Clone)]
pub(crate) enum Pool {
    /// SQLite takes one writer at a time; a pool of one for writes avoids lock-upgrade
    /// failures, readers run beside it under WAL.
    Sqlite { write: sqlx::SqlitePool, read: sqlx::SqlitePool },
    Postgres(sqlx::PgPool),
}

impl Pool {
    pub(crate) async fn connect(url: &str) -> Result<Pool, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
                .map_err(|e| StoreError::Config(format!("ongeldige SQLite-URL: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("temp_store", "memory")
                .pragma("cache_size", "-32000")
                // Statement text is ids and placeholders only, but long and noisy.
                .log_statements(log::LevelFilter::Trace)
                .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(1));
            let write = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
            let read = SqlitePoolOptions::new().max_connections(8).connect_with(options.read_only(true)).await?;
            Ok(Pool::Sqlite { write, read })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Config(format!("ongeldige PostgreSQL-URL: {e}")))?
                // Our queries are short index lookups whose cost estimates can pass the JIT
                // threshold; compiling them costs ~40 ms a query (seconds per page under load).
                .options([("jit", "off")])
                .log_statements(log::LevelFilter::Trace)
                .log_slow_statements(log::LevelFilter::Off, Duration::from_secs(1));
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Pool::Postgres(pool))
        } else {
            Err(StoreError::Config("de database-URL begint met sqlite:// of postgres://".into()))
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite { write, .. } => Tx::Sqlite(write.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A read-only transaction for data that is not personal (counts, health).
    pub(crate) async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite { read, .. } => Tx::Sqlite(read.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub(crate) async fn execute_script(&self, sql: &str) -> Result<(), StoreError> {
        match self {
            Pool::Sqlite { write, .. } => {
                sqlx::raw_sql(sql).execute(write).await?;
            }
            Pool::Postgres(p) => {
                sqlx::raw_sql(sql).execute(p).await?;
            }
        }
        Ok(())
    }

    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite { write, read } => {
                read.close().await;
                write.close().await;
            }
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// One transaction on either backend. Dropped without `commit`, it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for v in $args {
            q = match v {
                Value::Int(x) => q.bind(*x),
                Value::Real(x) => q.bind(*x),
                Value::Text(x) => q.bind(x.clone()),
                Value::Bool(x) => q.bind(*x),
            };
        }
        q
    }};
}

impl Tx {
    pub async fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_all!(sqlx::query(sql), args).execute(&mut **tx).await?.rows_affected(),
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql), args).execute(&mut **tx).await?.rows_affected(),
        })
    }

    pub async fn fetch_all(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_all!(sqlx::query(sql), args).fetch_all(&mut **tx).await?.into_iter().map(Row::Sqlite).collect(),
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql), args).fetch_all(&mut **tx).await?.into_iter().map(Row::Postgres).collect(),
        })
    }

    pub async fn fetch_optional(&mut self, sql: &str, args: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_all!(sqlx::query(sql), args).fetch_optional(&mut **tx).await?.map(Row::Sqlite),
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql), args).fetch_optional(&mut **tx).await?.map(Row::Postgres),
        })
    }

    pub async fn fetch_one(&mut self, sql: &str, args: &[Value]) -> Result<Row, StoreError> {
        self.fetch_optional(sql, args).await?.ok_or(StoreError::NotFound)
    }

    /// `SELECT COUNT(*)`-style single integers.
    pub async fn fetch_i64(&mut self, sql: &str, args: &[Value]) -> Result<i64, StoreError> {
        self.fetch_one(sql, args).await?.i64(0)
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}

/// A result row; columns are read by index or name with the type the caller expects.
pub enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

pub trait ColumnIndex: sqlx::ColumnIndex<SqliteRow> + sqlx::ColumnIndex<PgRow> + Copy {}
impl ColumnIndex for usize {}
impl ColumnIndex for &str {}

macro_rules! getter {
    ($name:ident, $t:ty) => {
        pub fn $name<I: ColumnIndex>(&self, col: I) -> Result<$t, StoreError> {
            Ok(match self {
                Row::Sqlite(r) => r.try_get::<$t, _>(col)?,
                Row::Postgres(r) => r.try_get::<$t, _>(col)?,
            })
        }
    };
}

impl Row {
    getter!(i64, i64);
    getter!(opt_i64, Option<i64>);
    getter!(f64, f64);
    getter!(opt_f64, Option<f64>);
    getter!(text, String);
    getter!(opt_text, Option<String>);
    getter!(bool, bool);
    getter!(opt_bool, Option<bool>);
}

/// Stays below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
const MAX_PARAMS: usize = 30_000;

/// `N` columns, each row `N` values: the compiler checks they agree.
pub(crate) async fn insert_rows<const N: usize>(tx: &mut Tx, table: &str, columns: &[&str; N], rows: Vec<[Value; N]>) -> Result<(), StoreError> {
    let flat: Vec<Value> = rows.into_iter().flatten().collect();
    insert_flat(tx, table, columns, &flat).await
}

/// Multi-row inserts of `values`, `columns.len()` values per row, as few statements as the
/// parameter limit allows.
pub(crate) async fn insert_flat<S: AsRef<str>>(tx: &mut Tx, table: &str, columns: &[S], values: &[Value]) -> Result<(), StoreError> {
    let per_row = columns.len().max(1);
    let rows_per_stmt = (MAX_PARAMS / per_row).max(1);
    let names: Vec<&str> = columns.iter().map(AsRef::as_ref).collect();
    for chunk in values.chunks(rows_per_stmt * per_row) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
        let mut n = 0;
        for i in 0..chunk.len() / per_row {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..per_row {
                if c > 0 {
                    sql.push(',');
                }
                n += 1;
                sql.push_str(&placeholder(tx.backend(), n));
            }
            sql.push(')');
        }
        tx.execute(&sql, chunk).await?;
    }
    Ok(())
}

/// Explicit ids bypass PostgreSQL's identity sequences: moves every sequence past its table's
/// rows after a bulk load or a move. SQLite takes the next rowid by itself.
pub(crate) async fn reset_identities(tx: &mut Tx) -> Result<(), StoreError> {
    if tx.backend() != Backend::Postgres {
        return Ok(());
    }
    let identities = tx
        .fetch_all("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'", &[])
        .await?;
    for r in &identities {
        let (table, column) = (r.text(0)?, r.text(1)?);
        let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', '{column}'), COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)");
        tx.fetch_optional(&sql, &[]).await?;
    }
    Ok(())
}
