//! Persistence for Eropaf: SQLite (embedded, default) and PostgreSQL behind one `Store`.
//! Every read or change of a resident's data writes its audit event in the same transaction.

mod kernel;

pub mod accounts;
mod backup;
pub mod campaigns;
pub mod cases;
pub mod confidential;
pub mod contact;
pub mod ddas;
pub mod linking;
mod load;
pub mod outreach;
pub mod reflection;
mod migrate;
pub mod residents;
pub mod retention;
pub mod rights;
pub mod schema;
pub mod setup;
pub mod signals;
pub mod testing;
pub mod transfer;
pub mod views;

pub use kernel::access::{Access, Actor, Setup};
pub use kernel::error::StoreError;
pub use kernel::policy::Policies;
pub use kernel::sensitive::Withheld;
pub use kernel::{audit, db, metrics, time_fmt};

pub use accounts::{ApiTokenInfo, NewUser, SessionRecord, User, API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS};
pub use backup::PgSnapshot;
pub use audit::AuditEvent;
pub use db::Backend;
pub use residents::{HouseholdDetail, HouseholdQuery, HouseholdSummary, NewHousehold};
pub use views::my_day::MyDay;

use db::Pool;

#[derive(Clone)]
pub struct Store {
    pool: Pool,
    policies: Policies,
}

impl Store {
    /// Connects to `sqlite://PATH` (created when missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Ok(Store { pool: Pool::connect(url).await?, policies: Policies::default() })
    }

    /// The store with the municipality's terms, which every feature applies from then on.
    pub fn with_policies(mut self, policies: Policies) -> Store {
        self.policies = policies;
        self
    }

    pub fn policies(&self) -> &Policies {
        &self.policies
    }

    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    /// Brings the schema up to date; returns the versions applied now.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        migrate::run(&self.pool).await
    }

    /// The schema versions this binary has that the database lacks (`/readyz`: an instance
    /// serves only on a current schema).
    pub async fn pending_migrations(&self) -> Result<Vec<i64>, StoreError> {
        migrate::pending(&self.pool).await
    }

    /// Every schema version this binary knows, in order.
    pub fn known_migrations() -> Vec<i64> {
        migrate::known()
    }

    /// True when no schema step has been applied yet: an empty database, which may receive a
    /// restore or a move.
    pub async fn is_blank(&self) -> Result<bool, StoreError> {
        Ok(self.pending_migrations().await?.len() == migrate::known().len())
    }

    /// True when the database answers a query.
    pub async fn healthy(&self) -> bool {
        match self.pool.begin_read().await {
            Ok(mut tx) => tx.fetch_i64("SELECT CAST(1 AS BIGINT)", &[]).await.is_ok(),
            Err(_) => false,
        }
    }

    pub async fn close(&self) {
        self.pool.close().await
    }

    /// A read-only transaction for harnesses that check what a server stored (the crash
    /// harness): counts and ids only, never for serving residents' data (no audit).
    pub async fn inspect(&self) -> Result<db::Tx, StoreError> {
        self.pool.begin_read().await
    }

    /// Open and idle connections per pool, for the metrics.
    pub fn pool_stats(&self) -> metrics::PoolStats {
        match &self.pool {
            Pool::Sqlite { write, read } => vec![("sqlite_write", write.size(), write.num_idle()), ("sqlite_read", read.size(), read.num_idle())],
            Pool::Postgres(p) => vec![("postgres", p.size(), p.num_idle())],
        }
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Counts of what is stored, without personal data: for the demo banner and checks.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let mut tx = self.pool.begin_read().await?;
        counts_in(&mut tx).await
    }
}

/// The counts as one transaction sees them.
pub(crate) async fn counts_in(tx: &mut db::Tx) -> Result<Counts, StoreError> {
    let q = [
        "SELECT COUNT(*) FROM households",
        "SELECT COUNT(*) FROM persons",
        "SELECT COUNT(*) FROM signals",
        "SELECT COUNT(*) FROM contact_attempts",
        "SELECT COUNT(*) FROM users",
        "SELECT COUNT(*) FROM audit_events",
    ];
    let mut out = [0i64; 6];
    for (i, sql) in q.iter().enumerate() {
        out[i] = tx.fetch_i64(sql, &[]).await?;
    }
    Ok(Counts {
        households: out[0],
        persons: out[1],
        signals: out[2],
        contact_attempts: out[3],
        users: out[4],
        audit_events: out[5],
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub households: i64,
    pub persons: i64,
    pub signals: i64,
    pub contact_attempts: i64,
    pub users: i64,
    pub audit_events: i64,
}
