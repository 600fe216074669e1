//! Moving up from the embedded database to PostgreSQL (issue 9, `eropaf migrate-db`).
//!
//! The target must be empty. In one transaction it gets the schema the source was made with and
//! every table is copied, ids included, in foreign-key order, from one read snapshot of the
//! source. Before the transaction commits, the copy is checked: every table holds as many rows
//! as the source's, and the audit chain recomputes with the same head. A failed move leaves the
//! target as empty as it was. Bringing the schema up to date afterwards
//! is the ordinary `migrate`.

use crate::kernel::audit::{verify_chain, ChainCheck};
use crate::kernel::db::{Backend, Row, Tx, Value};
use crate::kernel::db::{insert_flat, reset_identities};
use crate::{args, migrate, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};

/// What was moved, for the command's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The schema version of the source, and so of the copy before it is migrated further.
    pub schema_version: i64,
    /// Every table with its number of rows, in the order they were copied.
    pub tables: Vec<(String, i64)>,
    pub audit_records: i64,
    pub audit_head: String,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Int,
    Real,
    Text,
    Bool,
}

/// Source rows read per query; the inserts split them further by the parameter limit.
const PAGE: i64 = 20_000;

fn refuse(message: impl Into<String>) -> StoreError {
    StoreError::Config(message.into())
}

impl Store {
    /// Copies this SQLite database into the empty PostgreSQL database `target`, checked before
    /// it commits. See the module documentation.
    pub async fn copy_to_postgres(&self, target: &Store) -> Result<Moved, StoreError> {
        if self.backend() != Backend::Sqlite || target.backend() != Backend::Postgres {
            return Err(refuse("migrate-db verhuist van SQLite (--from sqlite://…) naar PostgreSQL (--to postgres://…)"));
        }
        let mut src = self.pool().begin_read().await?;
        let version = source_version(&mut src).await?;
        let source_head = match verify_chain(&mut src).await? {
            ChainCheck::Intact { head, .. } => head,
            ChainCheck::Broken { seq, reason, .. } => {
                return Err(refuse(format!("de auditketen van de bron is verbroken bij volgnummer {seq} ({reason}); er is niets verhuisd")))
            }
        };
        if !target.is_blank().await? {
            return Err(refuse("de doeldatabase is niet leeg; verhuis naar een nieuwe, lege PostgreSQL-database"));
        }
        let tables = copy_order(&mut src).await?;
        let mut dst = target.pool().begin().await?;
        migrate::create_in(&mut dst, version).await?;
        // The schema's own seed rows (the audit chain's genesis head) make way for the source's.
        for table in tables.iter().rev() {
            if dst.fetch_i64(&format!("SELECT COUNT(*) FROM {table}"), &[]).await? > 0 {
                dst.execute(&format!("DELETE FROM {table}"), &[]).await?;
            }
        }
        let mut moved = Vec::with_capacity(tables.len());
        for table in &tables {
            let columns = columns_of(&mut src, &mut dst, table).await?;
            let copied = copy_table(&mut src, &mut dst, table, &columns).await?;
            let expected = src.fetch_i64(&format!("SELECT COUNT(*) FROM {table}"), &[]).await?;
            let landed = dst.fetch_i64(&format!("SELECT COUNT(*) FROM {table}"), &[]).await?;
            if copied != expected || landed != expected {
                return Err(refuse(format!("{table}: {expected} rijen in de bron, {landed} in de kopie; er is niets verhuisd")));
            }
            moved.push((table.clone(), landed));
        }
        reset_identities(&mut dst).await?;
        let (audit_records, audit_head) = match verify_chain(&mut dst).await? {
            ChainCheck::Intact { records, head } if head == source_head => (records, head),
            ChainCheck::Intact { head, .. } => return Err(refuse(format!("de kop van de auditketen verschilt ({head} tegen {source_head}); er is niets verhuisd"))),
            ChainCheck::Broken { seq, reason, .. } => return Err(refuse(format!("de gekopieerde auditketen is verbroken bij volgnummer {seq} ({reason}); er is niets verhuisd"))),
        };
        dst.commit().await?;
        target.refresh_statistics().await?;
        Ok(Moved { schema_version: version, tables: moved, audit_records, audit_head })
    }
}

/// The source's schema version; its steps must be the first ones this binary knows.
async fn source_version(src: &mut Tx) -> Result<i64, StoreError> {
    let versions = match src.fetch_all("SELECT version FROM schema_migrations ORDER BY version", &[]).await {
        Ok(rows) => rows.iter().map(|r| r.i64(0)).collect::<Result<Vec<_>, _>>()?,
        Err(StoreError::Database(_)) => Vec::new(),
        Err(e) => return Err(e),
    };
    let known = migrate::known();
    match versions.last() {
        None => Err(refuse("de bron heeft geen Eropaf-schema")),
        Some(&v) if known.starts_with(&versions) => Ok(v),
        Some(_) => Err(refuse(format!("de bron heeft schemaversies {versions:?}; deze eropaf kent {known:?} (gebruik de nieuwste eropaf)"))),
    }
}

/// The source's tables, each after the tables its foreign keys point to.
async fn copy_order(src: &mut Tx) -> Result<Vec<String>, StoreError> {
    let names = src
        .fetch_all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name", &[])
        .await?;
    let mut pending: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &names {
        let table = r.text(0)?;
        let refs = src.fetch_all("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)", &args![table.as_str()]).await?;
        let deps = refs.iter().map(|d| d.text(0)).collect::<Result<BTreeSet<_>, _>>()?.into_iter().filter(|d| *d != table).collect();
        pending.insert(table, deps);
    }
    let mut order: Vec<String> = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready: Vec<String> = pending.iter().filter(|(_, deps)| deps.iter().all(|d| order.contains(d))).map(|(t, _)| t.clone()).collect();
        if ready.is_empty() {
            return Err(refuse(format!("de verwijzingen tussen {:?} zijn rond; geen kopieervolgorde", pending.keys().collect::<Vec<_>>())));
        }
        for t in ready {
            pending.remove(&t);
            order.push(t);
        }
    }
    Ok(order)
}

/// The target's columns of `table` with their kinds; the source must have the same names.
async fn columns_of(src: &mut Tx, dst: &mut Tx, table: &str) -> Result<Vec<(String, Kind)>, StoreError> {
    let rows = dst
        .fetch_all(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            &args![table],
        )
        .await?;
    let mut columns = Vec::with_capacity(rows.len());
    for r in &rows {
        let (name, data_type) = (r.text(0)?, r.text(1)?);
        let kind = match data_type.as_str() {
            "bigint" | "integer" | "smallint" => Kind::Int,
            "double precision" | "real" => Kind::Real,
            "text" | "character varying" => Kind::Text,
            "boolean" => Kind::Bool,
            other => return Err(refuse(format!("{table}.{name}: kolomtype {other} wordt niet verhuisd"))),
        };
        columns.push((name, kind));
    }
    let source: BTreeSet<String> = src.fetch_all("SELECT name FROM pragma_table_info($1)", &args![table]).await?.iter().map(|r| r.text(0)).collect::<Result<_, _>>()?;
    let target: BTreeSet<String> = columns.iter().map(|(n, _)| n.clone()).collect();
    if source != target {
        return Err(refuse(format!("{table}: de kolommen van bron en doel verschillen ({source:?} tegen {target:?})")));
    }
    Ok(columns)
}

/// Copies one table in pages by rowid; returns the number of rows copied.
async fn copy_table(src: &mut Tx, dst: &mut Tx, table: &str, columns: &[(String, Kind)]) -> Result<i64, StoreError> {
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let select = format!("SELECT rowid, {} FROM {table} WHERE rowid > $1 ORDER BY rowid LIMIT {PAGE}", names.join(", "));
    let (mut after, mut copied) = (i64::MIN, 0i64);
    loop {
        let rows = src.fetch_all(&select, &args![after]).await?;
        let Some(last) = rows.last() else { break };
        after = last.i64(0)?;
        let mut values = Vec::with_capacity(rows.len() * columns.len());
        for row in &rows {
            for (i, (name, kind)) in columns.iter().enumerate() {
                values.push(read(row, i + 1, *kind).map_err(|e| refuse(format!("{table}.{name}, rij {}: {e}", row.i64(0).unwrap_or_default())))?);
            }
        }
        insert_flat(dst, table, &names, &values).await?;
        copied += rows.len() as i64;
    }
    Ok(copied)
}

fn read(row: &Row, i: usize, kind: Kind) -> Result<Value, StoreError> {
    Ok(match kind {
        Kind::Int => Value::Int(row.opt_i64(i)?),
        Kind::Real => Value::Real(row.opt_f64(i)?),
        Kind::Text => Value::Text(row.opt_text(i)?),
        Kind::Bool => Value::Bool(row.opt_bool(i)?),
    })
}
