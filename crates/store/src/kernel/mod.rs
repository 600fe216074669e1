//! The store's kernel: what every feature builds on and nothing in it imports a feature.
//! The dispatch over both backends (`db`), the one error type, who acts (`access`), the
//! need-to-know rule (`area`) and the transaction bound to it (`Scoped`), the audit writer,
//! time formatting, the policies set when the store is opened, and households, addresses and
//! persons with the one way to create them.

pub mod access;
pub(crate) mod area;
pub mod audit;
pub mod db;
pub mod error;
pub(crate) mod households;
pub mod metrics;
pub mod policy;
pub mod sensitive;
pub mod time_fmt;

use access::Access;
use db::Tx;
use domain::model::Id;
use error::StoreError;

/// A read-write transaction bound to an actor of a team, obtained only through
/// [`crate::Store::scoped`] after the actor's team is checked: features reach households
/// through it (`household`, and queries built on `area`'s fragments with the team as `$1`)
/// and write the audit record of what they read or changed before `commit`.
pub(crate) struct Scoped<'a> {
    tx: Tx,
    team: Id,
    access: &'a Access<'a>,
}

impl<'a> Scoped<'a> {
    /// One audit record of this act, in this transaction.
    pub(crate) async fn record(&mut self, event: audit::AuditEvent, household_id: Option<Id>, person_id: Option<Id>) -> Result<(), StoreError> {
        let access = self.access;
        audit::record(&mut self.tx, access, event, household_id, person_id).await
    }

    /// One audit record per household shown.
    pub(crate) async fn record_households(&mut self, event: audit::AuditEvent, household_ids: &[Id]) -> Result<(), StoreError> {
        let access = self.access;
        audit::record_households(&mut self.tx, access, event, household_ids).await
    }

    /// `NotFound` unless the household lies in this team's area (`area`) and, for an
    /// experience expert, is assigned to them (`sensitive::reach`).
    pub(crate) async fn household(&mut self, household_id: Id) -> Result<(), StoreError> {
        let (team, access) = (self.team, self.access);
        area::in_area(&mut self.tx, team, household_id).await?;
        sensitive::reach(&mut self.tx, access, household_id).await
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await
    }

    /// The transaction itself, for a commit that does more than commit (the intake's batch,
    /// which then teaches the linker); the reads it bounds are done by then.
    pub(crate) fn into_tx(self) -> Tx {
        self.tx
    }
}

impl std::ops::Deref for Scoped<'_> {
    type Target = Tx;
    fn deref(&self) -> &Tx {
        &self.tx
    }
}

impl std::ops::DerefMut for Scoped<'_> {
    fn deref_mut(&mut self) -> &mut Tx {
        &mut self.tx
    }
}

impl crate::Store {
    /// A transaction for the actor's team: refused (`Forbidden`) for roles without one.
    pub(crate) async fn scoped<'a>(&self, access: &'a Access<'a>) -> Result<Scoped<'a>, StoreError> {
        let team = area::team_scope(access)?;
        Ok(Scoped { tx: self.pool().begin().await?, team, access })
    }

    /// A read-only transaction for the actor's team (lists that write no audit record).
    pub(crate) async fn scoped_read<'a>(&self, access: &'a Access<'a>) -> Result<Scoped<'a>, StoreError> {
        let team = area::team_scope(access)?;
        Ok(Scoped { tx: self.pool().begin_read().await?, team, access })
    }
}
