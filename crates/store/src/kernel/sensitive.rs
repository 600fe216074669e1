//! Need-to-know per field, written once: who may read a household's special categories (AVG
//! art. 9 and 10 — domestic violence and child safety, psychiatry, addiction, justice) marked
//! on its signals, contact notes and case. The workers on the household's case
//! (`cases.worker_id`) or signal case (`signal_cases.worker_id`) and the team lead of the
//! household's team read them; another worker of the wijk sees that there is a case, its phase
//! and whom to call, and may break the glass with a reason for the rest of the working day
//! (`sensitive_grants`, audited as break-the-glass); an experience expert reads them when the
//! case's worker shared them (`household_assignments.shared_at`). Every read that returns such
//! content asks [`withheld`] (or `Scoped::withheld`) and leaves the content out when it answers
//! `Some`.
//!
//! An experience expert reaches only the households assigned to them ([`reach`]): out of their
//! assignments a household is `NotFound`, as another team's is.

use super::access::Access;
use super::db::Tx;
use super::error::StoreError;
use super::{area, time_fmt, Scoped};
use crate::args;
use domain::model::{Id, Role};

/// What a reader who may not read the sensitive data sees instead: that it is there, and whom
/// to call (the worker on the household's case or signal case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    /// The involved worker's name, if a worker is on the case.
    pub worker: Option<String>,
}

/// A signal `s` whose content is sensitive: domestic violence by its kind, or marked.
macro_rules! signal_sensitive {
    () => {
        "(s.kind = 'huiselijk-geweld' OR s.sensitive IS NOT NULL)"
    };
}
pub(crate) use signal_sensitive;

/// `None` when the actor may read the household's sensitive data, else what they see instead.
/// The caller has established that the household is within the actor's reach.
pub(crate) async fn withheld(tx: &mut Tx, access: &Access<'_>, household_id: Id) -> Result<Option<Withheld>, StoreError> {
    let user = access.actor.user_id;
    let may = match access.actor.role {
        Role::TeamLead => access.actor.team_id.is_some() && area::team_of_household(tx, household_id).await? == access.actor.team_id,
        Role::Worker => {
            tx.fetch_optional(
                "SELECT 1 WHERE EXISTS (SELECT 1 FROM cases WHERE household_id = $1 AND worker_id = $2) \
                 OR EXISTS (SELECT 1 FROM signal_cases WHERE household_id = $1 AND worker_id = $2) \
                 OR EXISTS (SELECT 1 FROM sensitive_grants WHERE household_id = $1 AND user_id = $2 AND expires_at > $3)",
                &args![household_id, user, time_fmt::instant(access.now)],
            )
            .await?
            .is_some()
        }
        Role::ExperienceExpert => tx
            .fetch_optional("SELECT 1 FROM household_assignments WHERE household_id = $1 AND user_id = $2 AND shared_at IS NOT NULL", &args![household_id, user])
            .await?
            .is_some(),
        Role::Partner | Role::PrivacyOfficer | Role::Admin => false,
    };
    if may {
        return Ok(None);
    }
    Ok(Some(Withheld { worker: involved_worker(tx, household_id).await? }))
}

/// The worker to call about the household: the open case's, else the newest signal case's.
pub(crate) async fn involved_worker(tx: &mut Tx, household_id: Id) -> Result<Option<String>, StoreError> {
    for sql in [
        "SELECT u.display_name FROM cases c JOIN users u ON u.id = c.worker_id WHERE c.household_id = $1 ORDER BY CASE WHEN c.closed IS NULL THEN 0 ELSE 1 END, c.opened DESC, c.id DESC LIMIT 1",
        "SELECT u.display_name FROM signal_cases sc JOIN users u ON u.id = sc.worker_id WHERE sc.household_id = $1 ORDER BY sc.opened_at DESC, sc.id DESC LIMIT 1",
    ] {
        if let Some(r) = tx.fetch_optional(sql, &args![household_id]).await? {
            return Ok(Some(r.text(0)?));
        }
    }
    Ok(None)
}

/// `NotFound` for an experience expert out of their assignments (or the cases they were made
/// who goes for in a weighing); anyone else passes (their reach is the team's area, `area`).
pub(crate) async fn reach(tx: &mut Tx, access: &Access<'_>, household_id: Id) -> Result<(), StoreError> {
    if access.actor.role != Role::ExperienceExpert {
        return Ok(());
    }
    let sql = "SELECT 1 WHERE EXISTS (SELECT 1 FROM household_assignments WHERE household_id = $1 AND user_id = $2) \
               OR EXISTS (SELECT 1 FROM signal_cases WHERE household_id = $1 AND worker_id = $2) OR EXISTS (SELECT 1 FROM cases WHERE household_id = $1 AND worker_id = $2)";
    tx.fetch_optional(sql, &args![household_id, access.actor.user_id])
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(())
}

impl Scoped<'_> {
    /// `None` when this actor may read the household's sensitive data (see [`withheld`]).
    pub(crate) async fn withheld(&mut self, household_id: Id) -> Result<Option<Withheld>, StoreError> {
        let access = self.access;
        withheld(&mut self.tx, access, household_id).await
    }
}
