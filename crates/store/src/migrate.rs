//! One migration history per backend, embedded in the binary; each step runs once, in order,
//! and is recorded in `schema_migrations`.

use crate::db::{Backend, Pool};
use crate::{args, StoreError};

/// (version, SQLite script, PostgreSQL script) — a new step adds both scripts.
const STEPS: &[(i64, &str, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_init.sql"), include_str!("../migrations/postgres/0001_init.sql")),
    (2, include_str!("../migrations/sqlite/0002_signals.sql"), include_str!("../migrations/postgres/0002_signals.sql")),
    (3, include_str!("../migrations/sqlite/0003_oidc.sql"), include_str!("../migrations/postgres/0003_oidc.sql")),
    (4, include_str!("../migrations/sqlite/0004_contact.sql"), include_str!("../migrations/postgres/0004_contact.sql")),
    (5, include_str!("../migrations/sqlite/0005_first_visit.sql"), include_str!("../migrations/postgres/0005_first_visit.sql")),
    (6, include_str!("../migrations/sqlite/0006_cases.sql"), include_str!("../migrations/postgres/0006_cases.sql")),
];

pub(crate) async fn run(pool: &Pool) -> Result<Vec<i64>, StoreError> {
    pool.execute_script("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
        .await?;
    let mut applied = Vec::new();
    for (version, sqlite, postgres) in STEPS {
        let mut tx = pool.begin().await?;
        if tx.fetch_optional("SELECT version FROM schema_migrations WHERE version = $1", &args![*version]).await?.is_some() {
            continue;
        }
        let script = match pool.backend() {
            Backend::Sqlite => sqlite,
            Backend::Postgres => postgres,
        };
        // Both backends run DDL transactionally, so a failed step leaves nothing behind.
        match &mut tx {
            crate::db::Tx::Sqlite(t) => {
                sqlx::raw_sql(script).execute(&mut **t).await?;
            }
            crate::db::Tx::Postgres(t) => {
                sqlx::raw_sql(script).execute(&mut **t).await?;
            }
        }
        tx.execute("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", &args![*version, "migrated"]).await?;
        tx.commit().await?;
        tracing::info!(version, "schema migration applied");
        applied.push(*version);
    }
    Ok(applied)
}

/// The versions this binary knows that the database has not applied yet (all of them for an
/// empty database).
pub(crate) async fn pending(pool: &Pool) -> Result<Vec<i64>, StoreError> {
    let mut tx = pool.begin_read().await?;
    let applied: Vec<i64> = match tx.fetch_all("SELECT version FROM schema_migrations", &[]).await {
        Ok(rows) => rows.iter().map(|r| r.i64(0)).collect::<Result<_, _>>()?,
        // No table yet: nothing applied.
        Err(StoreError::Database(_)) => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(STEPS.iter().map(|(v, _, _)| *v).filter(|v| !applied.contains(v)).collect())
}
