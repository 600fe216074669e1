//! Need-to-know per field, the acts around it (the rule itself is `kernel::sensitive`): marking
//! a signal or a case with special categories, breaking the glass for a household's sensitive
//! data with a reason (until the end of the Dutch working day, audited as break-the-glass so
//! the privacy officer's flags list it), and the experience expert's assignments and the share
//! of the sensitive data with them. Every act is audited in its own transaction.

use crate::kernel::audit::{self, AuditEvent};
use crate::kernel::households::{address_from, AddressLine, ADDRESS_COLUMNS};
use crate::kernel::area::IN_TEAM_AREA;
use crate::kernel::{error::invalid, time_fmt, Scoped};
use crate::{args, Access, Store, StoreError};
use domain::model::{Id, Role, Sensitive};
use time::OffsetDateTime;

/// Until when a colleague's break-the-glass for sensitive data holds: the end of the Dutch
/// day it was given on.
pub fn sensitive_grant_until(now: OffsetDateTime) -> OffsetDateTime {
    let today = domain::local::dutch(now).date();
    domain::local::from_dutch(today.next_day().unwrap_or(today).midnight())
}

fn reason_of(reason: &str) -> Result<String, StoreError> {
    let reason = domain::text::clean(reason).trim().to_string();
    let n = reason.chars().count();
    if !(20..=500).contains(&n) || !domain::text::reads_as_reason(&reason) {
        return Err(invalid(
            "reden",
            "Reden: leg in 20 tot 500 tekens en een paar woorden uit waarom u deze vertrouwelijke gegevens nu nodig heeft.",
            "Reason: explain in 20 to 500 characters and a few words why you need this confidential data now.",
        ));
    }
    Ok(reason)
}

/// Whether the actor is a worker on the household's case or signal case, or its team lead.
async fn on_the_case(tx: &mut Scoped<'_>, access: &Access<'_>, household_id: Id) -> Result<bool, StoreError> {
    if access.actor.role == Role::TeamLead {
        return Ok(true);
    }
    Ok(access.actor.role == Role::Worker
        && tx
            .fetch_optional(
                "SELECT 1 WHERE EXISTS (SELECT 1 FROM cases WHERE household_id = $1 AND worker_id = $2) OR EXISTS (SELECT 1 FROM signal_cases WHERE household_id = $1 AND worker_id = $2)",
                &args![household_id, access.actor.user_id],
            )
            .await?
            .is_some())
}

/// The household an experience expert of the actor's team is assigned to (`NotFound` for an
/// account that is not one).
async fn expert_of_team(tx: &mut Scoped<'_>, access: &Access<'_>, expert: Id) -> Result<(), StoreError> {
    tx.fetch_optional("SELECT id FROM users WHERE id = $1 AND role = $2 AND team_id = $3 AND NOT disabled", &args![expert, Role::ExperienceExpert.code(), access.actor.team_id])
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(())
}

/// An experience expert of the team as a household's page shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertOnHousehold {
    pub id: Id,
    pub name: String,
    pub assigned: bool,
    pub shared: bool,
}

impl Store {
    /// Break the glass for a household's sensitive data: a worker of the wijk who is not on the
    /// case reads it until the end of the working day, for a stated reason. Audited as
    /// break-the-glass with the reason (the privacy officer's flags list it). Refused when the
    /// worker may read it already. Returns until when.
    pub async fn open_sensitive(&self, access: &Access<'_>, household_id: Id, reason: &str) -> Result<OffsetDateTime, StoreError> {
        if access.actor.role != Role::Worker {
            return Err(StoreError::Forbidden);
        }
        let reason = reason_of(reason)?;
        let mut tx = self.scoped(access).await?;
        tx.household(household_id).await?;
        if tx.withheld(household_id).await?.is_none() {
            return Err(invalid("reden", "U leest deze gegevens al; noodtoegang is niet nodig.", "You can read this data already; breaking the glass is not needed."));
        }
        let until = sensitive_grant_until(access.now);
        tx.execute(
            "INSERT INTO sensitive_grants (user_id, household_id, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &args![access.actor.user_id, household_id, reason.as_str(), time_fmt::instant(access.now), time_fmt::instant(until)],
        )
        .await?;
        let mut entry = audit::Entry::of(access, AuditEvent::BreakGlass, Some(household_id), None);
        entry.reason = Some(format!("vertrouwelijke gegevens: {reason}"));
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await?;
        tracing::warn!(user_id = access.actor.user_id, "break the glass for sensitive data");
        Ok(until)
    }

    /// Marks one of the team's signals with special categories (a domestic-violence signal is
    /// sensitive by its kind already). Audited.
    pub async fn mark_signal_sensitive(&self, access: &Access<'_>, signal_id: Id, marks: &[Sensitive]) -> Result<(), StoreError> {
        let mut tx = self.scoped(access).await?;
        let r = tx.fetch_optional("SELECT household_id, sensitive FROM signals WHERE id = $1 AND household_id IS NOT NULL", &args![signal_id]).await?.ok_or(StoreError::NotFound)?;
        let (household_id, current) = (r.i64(0)?, r.opt_text(1)?);
        self.mark(tx, access, household_id, current, "UPDATE signals SET sensitive = $1 WHERE id = $2", signal_id, marks).await
    }

    /// Marks a case with special categories: they cover its goals, steps, help, ZRM scores,
    /// referrals, journal and network. Audited.
    pub async fn mark_case_sensitive(&self, access: &Access<'_>, case_id: Id, marks: &[Sensitive]) -> Result<(), StoreError> {
        let mut tx = self.scoped(access).await?;
        let r = tx.fetch_optional("SELECT household_id, sensitive FROM cases WHERE id = $1", &args![case_id]).await?.ok_or(StoreError::NotFound)?;
        let (household_id, current) = (r.i64(0)?, r.opt_text(1)?);
        self.mark(tx, access, household_id, current, "UPDATE cases SET sensitive = $1 WHERE id = $2", case_id, marks).await
    }

    /// Any worker of the wijk who reads a record may mark it (that only narrows who reads it);
    /// changing or lifting marks that are there is for who reads the sensitive data.
    #[allow(clippy::too_many_arguments)]
    async fn mark(&self, mut tx: Scoped<'_>, access: &Access<'_>, household_id: Id, current: Option<String>, sql: &str, id: Id, marks: &[Sensitive]) -> Result<(), StoreError> {
        tx.household(household_id).await?;
        if !matches!(access.actor.role, Role::Worker | Role::TeamLead) {
            return Err(StoreError::Forbidden);
        }
        if current.is_some() && tx.withheld(household_id).await?.is_some() {
            return Err(StoreError::Forbidden);
        }
        let stored = Sensitive::join(marks);
        tx.execute(sql, &args![stored.clone(), id]).await?;
        let mut entry = audit::Entry::of(access, AuditEvent::HouseholdUpdate, Some(household_id), None);
        entry.reason = Some(format!("vertrouwelijk: {}", stored.as_deref().unwrap_or("geen")));
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await
    }

    /// Assigns an experience expert of the team to a household, by the team lead or a worker
    /// on the household's case. Audited. Assigning twice is one assignment.
    pub async fn assign_expert(&self, access: &Access<'_>, household_id: Id, expert: Id) -> Result<(), StoreError> {
        let mut tx = self.scoped(access).await?;
        tx.household(household_id).await?;
        if !on_the_case(&mut tx, access, household_id).await? {
            return Err(StoreError::Forbidden);
        }
        expert_of_team(&mut tx, access, expert).await?;
        tx.execute(
            "INSERT INTO household_assignments (household_id, user_id, assigned_by, assigned_at) VALUES ($1, $2, $3, $4) ON CONFLICT (household_id, user_id) DO NOTHING",
            &args![household_id, expert, access.actor.user_id, time_fmt::instant(access.now)],
        )
        .await?;
        let mut entry = audit::Entry::of(access, AuditEvent::HouseholdUpdate, Some(household_id), None);
        entry.reason = Some(format!("ervaringsdeskundige toegewezen: gebruiker {expert}"));
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await
    }

    /// The case's worker (or the team lead) shares the household's sensitive data with the
    /// experience expert assigned to it. Audited.
    pub async fn share_sensitive(&self, access: &Access<'_>, household_id: Id, expert: Id) -> Result<(), StoreError> {
        let mut tx = self.scoped(access).await?;
        tx.household(household_id).await?;
        if !on_the_case(&mut tx, access, household_id).await? {
            return Err(StoreError::Forbidden);
        }
        let n = tx
            .execute(
                "UPDATE household_assignments SET shared_by = $1, shared_at = $2 WHERE household_id = $3 AND user_id = $4",
                &args![access.actor.user_id, time_fmt::instant(access.now), household_id, expert],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let mut entry = audit::Entry::of(access, AuditEvent::HouseholdUpdate, Some(household_id), None);
        entry.reason = Some(format!("vertrouwelijke gegevens gedeeld met ervaringsdeskundige: gebruiker {expert}"));
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await
    }

    /// The households assigned to this experience expert, by address. Audited per household.
    pub async fn my_households(&self, access: &Access<'_>) -> Result<Vec<(Id, AddressLine)>, StoreError> {
        let team = crate::kernel::area::team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let sql = format!(
            "SELECT h.id, {ADDRESS_COLUMNS} {IN_TEAM_AREA} JOIN household_assignments ha ON ha.household_id = h.id WHERE ha.user_id = $2 ORDER BY a.street, a.house_number, h.id"
        );
        let rows = tx.fetch_all(&sql, &args![team, access.actor.user_id]).await?;
        let out = rows.iter().map(|r| Ok((r.i64(0)?, address_from(r, 1)?))).collect::<Result<Vec<_>, StoreError>>()?;
        tx.record_households(AuditEvent::HouseholdList, &out.iter().map(|(id, _)| *id).collect::<Vec<_>>()).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The team's experience experts as a household's page offers them: whether each is
    /// assigned to it and has its sensitive data shared. Empty for a reader who may not
    /// assign one (only the team lead and a worker on the household's case may).
    pub async fn household_experts(&self, access: &Access<'_>, household_id: Id) -> Result<Vec<ExpertOnHousehold>, StoreError> {
        let mut tx = self.scoped(access).await?;
        tx.household(household_id).await?;
        if !on_the_case(&mut tx, access, household_id).await? {
            return Ok(Vec::new());
        }
        let rows = tx
            .fetch_all(
                "SELECT u.id, u.display_name, ha.user_id IS NOT NULL, ha.shared_at IS NOT NULL FROM users u \
                 LEFT JOIN household_assignments ha ON ha.user_id = u.id AND ha.household_id = $1 \
                 WHERE u.team_id = $2 AND u.role = $3 AND NOT u.disabled ORDER BY u.display_name, u.id",
                &args![household_id, access.actor.team_id, Role::ExperienceExpert.code()],
            )
            .await?;
        let out = rows.iter().map(|r| Ok(ExpertOnHousehold { id: r.i64(0)?, name: r.text(1)?, assigned: r.bool(2)?, shared: r.bool(3)? })).collect::<Result<Vec<_>, StoreError>>()?;
        tx.commit().await?;
        Ok(out)
    }

    /// The team's experience experts, (id, name), for assigning one to a household.
    pub async fn team_experts(&self, team_id: Id) -> Result<Vec<(Id, String)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx.fetch_all("SELECT id, display_name FROM users WHERE team_id = $1 AND role = $2 AND NOT disabled ORDER BY display_name", &args![team_id, Role::ExperienceExpert.code()]).await?;
        rows.iter().map(|r| Ok((r.i64(0)?, r.text(1)?))).collect()
    }
}
