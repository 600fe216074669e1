//! Backups (issue 9). SQLite: `VACUUM INTO` writes a consistent snapshot to a new file while the
//! server runs (it reads in one transaction on a read connection; writers go on under WAL).
//! PostgreSQL: `pg_dump --format=custom` and `pg_restore`, as the README describes.

use crate::db::Pool;
use crate::{Store, StoreError};
use std::path::Path;

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
            Pool::Postgres(_) => Err(StoreError::Config("PostgreSQL: maak de back-up met pg_dump --format=custom en herstel met pg_restore (zie README)".into())),
        }
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
