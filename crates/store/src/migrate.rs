//! One migration history per backend, embedded in the binary; each step runs once, in order,
//! and is recorded in `schema_migrations`.

use crate::kernel::db::{Backend, Pool, Tx};
use crate::{args, StoreError};

/// (version, SQLite script, PostgreSQL script) — a new step adds both scripts.
const STEPS: &[(i64, &str, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_init.sql"), include_str!("../migrations/postgres/0001_init.sql")),
    (2, include_str!("../migrations/sqlite/0002_signals.sql"), include_str!("../migrations/postgres/0002_signals.sql")),
    (3, include_str!("../migrations/sqlite/0003_oidc.sql"), include_str!("../migrations/postgres/0003_oidc.sql")),
    (4, include_str!("../migrations/sqlite/0004_contact.sql"), include_str!("../migrations/postgres/0004_contact.sql")),
    (5, include_str!("../migrations/sqlite/0005_first_visit.sql"), include_str!("../migrations/postgres/0005_first_visit.sql")),
    (6, include_str!("../migrations/sqlite/0006_cases.sql"), include_str!("../migrations/postgres/0006_cases.sql")),
    (7, include_str!("../migrations/sqlite/0007_jobs.sql"), include_str!("../migrations/postgres/0007_jobs.sql")),
    (8, include_str!("../migrations/sqlite/0008_area_index.sql"), include_str!("../migrations/postgres/0008_area_index.sql")),
    (9, include_str!("../migrations/sqlite/0009_campaigns.sql"), include_str!("../migrations/postgres/0009_campaigns.sql")),
    (10, include_str!("../migrations/sqlite/0010_login_attempts.sql"), include_str!("../migrations/postgres/0010_login_attempts.sql")),
    (11, include_str!("../migrations/sqlite/0011_api_tokens.sql"), include_str!("../migrations/postgres/0011_api_tokens.sql")),
    (12, include_str!("../migrations/sqlite/0012_first_day.sql"), include_str!("../migrations/postgres/0012_first_day.sql")),
    (13, include_str!("../migrations/sqlite/0013_practice_rules.sql"), include_str!("../migrations/postgres/0013_practice_rules.sql")),
    (14, include_str!("../migrations/sqlite/0014_rights.sql"), include_str!("../migrations/postgres/0014_rights.sql")),
    (15, include_str!("../migrations/sqlite/0015_partners_reflection.sql"), include_str!("../migrations/postgres/0015_partners_reflection.sql")),
    (16, include_str!("../migrations/sqlite/0016_need_to_know.sql"), include_str!("../migrations/postgres/0016_need_to_know.sql")),
];

/// The name of the advisory lock (PostgreSQL) that schema changes take: several app servers
/// may start at once; one migrates, the others wait and then find nothing to do.
const SCHEMA_LOCK: i64 = 0x6572_6f70;

const HISTORY_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)";

pub(crate) async fn run(pool: &Pool) -> Result<Vec<i64>, StoreError> {
    pool.execute_script(HISTORY_TABLE).await?;
    let mut applied = Vec::new();
    for (version, sqlite, postgres) in STEPS {
        let mut tx = pool.begin().await?;
        lock(&mut tx).await?;
        if tx.fetch_optional("SELECT version FROM schema_migrations WHERE version = $1", &args![*version]).await?.is_some() {
            continue;
        }
        apply(&mut tx, *version, sqlite, postgres).await?;
        tx.commit().await?;
        tracing::info!(version, "schema migration applied");
        applied.push(*version);
    }
    Ok(applied)
}

/// The schema up to and including version `last`, inside the caller's transaction on an empty
/// database: a move gets the schema its source was made with, and a failed move leaves nothing.
pub(crate) async fn create_in(tx: &mut Tx, last: i64) -> Result<(), StoreError> {
    lock(tx).await?;
    tx.execute(HISTORY_TABLE, &[]).await?;
    for (version, sqlite, postgres) in STEPS.iter().filter(|(v, _, _)| *v <= last) {
        apply(tx, *version, sqlite, postgres).await?;
    }
    Ok(())
}

async fn lock(tx: &mut Tx) -> Result<(), StoreError> {
    if tx.backend() == Backend::Postgres {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &args![SCHEMA_LOCK]).await?;
    }
    Ok(())
}

/// Both backends run DDL transactionally, so a failed step leaves nothing behind.
async fn apply(tx: &mut Tx, version: i64, sqlite: &str, postgres: &str) -> Result<(), StoreError> {
    match tx {
        Tx::Sqlite(t) => {
            sqlx::raw_sql(sqlite).execute(&mut **t).await?;
        }
        Tx::Postgres(t) => {
            sqlx::raw_sql(postgres).execute(&mut **t).await?;
        }
    }
    // The database's clock, in the store's instant form (UTC RFC 3339): the app's clock is not
    // read below `app`, and a migration is the database's own bookkeeping.
    let now = match tx.backend() {
        Backend::Sqlite => "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        Backend::Postgres => "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
    };
    tx.execute(&format!("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, {now})"), &args![version]).await?;
    Ok(())
}

/// The versions this binary knows that the database has not applied yet (all of them for an
/// empty database).
pub(crate) async fn pending(pool: &Pool) -> Result<Vec<i64>, StoreError> {
    let mut tx = pool.begin_read().await?;
    let exists = match tx.backend() {
        Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        Backend::Postgres => "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
    };
    // No history table yet: nothing applied. Any other failure is an error, not "empty".
    let applied: Vec<i64> = if tx.fetch_i64(exists, &[]).await? == 0 {
        Vec::new()
    } else {
        tx.fetch_all("SELECT version FROM schema_migrations", &[]).await?.iter().map(|r| r.i64("version")).collect::<Result<_, _>>()?
    };
    Ok(STEPS.iter().map(|(v, _, _)| *v).filter(|v| !applied.contains(v)).collect())
}

/// Every version this binary knows, oldest first.
pub(crate) fn known() -> Vec<i64> {
    STEPS.iter().map(|(v, _, _)| *v).collect()
}
