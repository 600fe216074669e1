//! Backups (issue 9). SQLite: `VACUUM INTO` writes a consistent snapshot to a new file while the
//! server runs (it reads in one transaction on a read connection; writers go on under WAL).
//! PostgreSQL: `pg_dump --format=custom` reads an exported snapshot ([`PgSnapshot`]) while the
//! same snapshot gives the counts and the audit chain head of the very moment it dumps, so a
//! restore can be compared with it; `pg_restore` puts it back (the `eropaf` command runs both).

use crate::kernel::audit::{verify_chain, ChainCheck};
use crate::kernel::db::{Pool, Tx};
use crate::{counts_in, Counts, Store, StoreError};
use std::path::Path;

/// A PostgreSQL transaction held open at one moment (repeatable read), exported so `pg_dump
/// --snapshot=ID` dumps exactly what it sees.
pub struct PgSnapshot {
    tx: Tx,
    pub id: String,
}

impl PgSnapshot {
    /// The counts and the audit chain of the snapshot's moment; ends the snapshot.
    pub async fn holdings(mut self) -> Result<(Counts, ChainCheck), StoreError> {
        holdings_in(&mut self.tx).await
    }
}

async fn holdings_in(tx: &mut Tx) -> Result<(Counts, ChainCheck), StoreError> {
    let counts = counts_in(tx).await?;
    let chain = verify_chain(tx).await?;
    Ok((counts, chain))
}

impl Store {
    /// Writes a consistent copy of the SQLite database to `out`, which must not exist yet.
    pub async fn backup_to(&self, out: &Path) -> Result<(), StoreError> {
        if out.exists() {
            return Err(StoreError::Config(format!("{} bestaat al; een back-up overschrijft niets", out.display())));
        }
        match &self.pool {
            Pool::Sqlite { read, .. } => {
                sqlx::query("VACUUM INTO ?").bind(out.to_string_lossy().into_owned()).execute(read).await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StoreError::Config("PostgreSQL: de back-up maakt pg_dump van een geëxporteerde snapshot (export_snapshot)".into())),
        }
    }

    /// Opens and exports a snapshot for `pg_dump --snapshot` (PostgreSQL only).
    pub async fn export_snapshot(&self) -> Result<PgSnapshot, StoreError> {
        let Pool::Postgres(_) = &self.pool else {
            return Err(StoreError::Config("een snapshot exporteren kan alleen op PostgreSQL".into()));
        };
        let mut tx = self.pool.begin_read().await?;
        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", &[]).await?;
        let id = tx.fetch_one("SELECT pg_export_snapshot()", &[]).await?.text(0)?;
        Ok(PgSnapshot { tx, id })
    }

    /// The database's counts and audit chain, read in one transaction.
    pub async fn holdings(&self) -> Result<(Counts, ChainCheck), StoreError> {
        let mut tx = self.pool.begin_read().await?;
        holdings_in(&mut tx).await
    }

    /// SQLite's own check of every page and index: `["ok"]` when sound. PostgreSQL checks its
    /// pages itself (data checksums); there this is `["ok"]` once the database answers.
    pub async fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        match &self.pool {
            Pool::Sqlite { read, .. } => {
                let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check").fetch_all(read).await?;
                Ok(rows.into_iter().map(|(r,)| r).collect())
            }
            Pool::Postgres(_) => Ok(if self.healthy().await { vec!["ok".into()] } else { vec!["database niet bereikbaar".into()] }),
        }
    }
}
