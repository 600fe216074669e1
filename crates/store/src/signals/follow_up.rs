//! What follows a weighing: four eyes (a second person confirms before a home visit) and the
//! reporter who asked to hear back (a task until the feedback is recorded).

use super::team::{address_text, open_case, CASE_FROM};
use crate::kernel::area;
use crate::kernel::audit::AuditEvent;
use crate::kernel::db::Tx;
use crate::kernel::error::invalid;
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use domain::model::{FeedbackMessage, FeedbackWish, Id};
use time::Date;

impl Store {
    /// Four eyes: a second person of the team (team lead or colleague, not the one who weighed)
    /// confirms the latest weighing; only then may a home visit follow.
    pub async fn confirm_weighing(&self, access: &Access<'_>, case_id: Id) -> Result<(), StoreError> {
        let team = area::team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let (household_id, _) = open_case(&mut tx, team, case_id).await?;
        let Some(latest) = tx
            .fetch_optional("SELECT id, user_id, confirmed_by FROM signal_weighings WHERE signal_case_id = $1 ORDER BY at DESC, id DESC LIMIT 1", &args![case_id])
            .await?
        else {
            return Err(invalid("bevestigen", "Er is nog geen weging om te bevestigen.", "There is no weighing to confirm yet."));
        };
        if latest.i64(1)? == access.actor.user_id {
            return Err(invalid("bevestigen", "Vier ogen: een ander dan wie woog bevestigt de weging.", "Four eyes: someone other than the one who weighed confirms the weighing."));
        }
        if latest.opt_i64(2)?.is_some() {
            return Err(invalid("bevestigen", "Deze weging is al bevestigd.", "This weighing has already been confirmed."));
        }
        tx.execute("UPDATE signal_weighings SET confirmed_by = $1, confirmed_at = $2 WHERE id = $3", &args![access.actor.user_id, time_fmt::instant(access.now), latest.i64(0)?])
            .await?;
        tx.record(AuditEvent::SignalConfirm, Some(household_id), None).await?;
        tx.commit().await
    }

    /// The team lead turns four eyes on or off for the team.
    pub async fn set_four_eyes(&self, access: &Access<'_>, on: bool) -> Result<(), StoreError> {
        let team = area::team_scope(access)?;
        if access.actor.role != domain::model::Role::TeamLead {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.scoped(access).await?;
        tx.execute("UPDATE teams SET four_eyes = $1 WHERE id = $2", &args![on, team]).await?;
        tx.record(AuditEvent::TeamChange, None, None).await?;
        tx.commit().await
    }

    /// Whether the actor's team weighs with four eyes.
    pub async fn four_eyes(&self, access: &Access<'_>) -> Result<bool, StoreError> {
        let team = area::team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
        tx.fetch_one("SELECT four_eyes FROM teams WHERE id = $1", &args![team]).await?.bool(0)
    }

    /// Records that the reporter of a signal heard back, at minimal disclosure (never content).
    /// The feedback task on "mijn dag" is then done.
    pub async fn record_feedback(&self, access: &Access<'_>, signal_id: Id, message: FeedbackMessage) -> Result<(), StoreError> {
        let team = area::team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let sql = format!("SELECT sc.household_id, s.feedback_given_at, s.reporter_feedback {CASE_FROM} JOIN signals s ON s.signal_case_id = sc.id WHERE s.id = $2");
        let row = tx.fetch_optional(&sql, &args![team, signal_id]).await?.ok_or(StoreError::NotFound)?;
        if row.opt_text(1)?.is_some() {
            return Err(invalid("terugkoppeling", "Terugkoppeling: voor dit signaal is al teruggekoppeld.", "Feedback: this reporter has already heard back."));
        }
        if row.opt_text(2)?.and_then(|w| FeedbackWish::from_code(&w)).is_none_or(|w| w == FeedbackWish::Nee) {
            return Err(invalid("terugkoppeling", "Terugkoppeling: de melder vroeg niet om terugkoppeling.", "Feedback: the reporter did not ask to hear back."));
        }
        tx.execute(
            "UPDATE signals SET feedback_given_at = $1, feedback_message = $2, feedback_by = $3 WHERE id = $4",
            &args![time_fmt::instant(access.now), message.code(), access.actor.user_id, signal_id],
        )
        .await?;
        tx.record(AuditEvent::ReporterFeedback, Some(row.i64(0)?), None).await?;
        tx.commit().await
    }
}

/// A reporter who asked to hear back and has not yet: a task on "mijn dag" until the worker
/// records it, due within the pickup term.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackTask {
    pub signal_id: Id,
    pub case_id: Id,
    pub household_id: Id,
    pub address: String,
    pub wish: FeedbackWish,
    pub due: Date,
}

/// The feedback tasks of the actor (a worker: the cases they go to; `team_wide`: the team's),
/// without auditing.
pub(crate) async fn collect_feedback(tx: &mut Tx, team: Id, user_id: Id, team_wide: bool, policy: &crate::signals::SignalPolicy) -> Result<Vec<FeedbackTask>, StoreError> {
    let sql = format!(
        "SELECT s.id, sc.id, sc.household_id, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality, s.reporter_feedback, s.signal_date, s.crisis \
         {CASE_FROM} JOIN signals s ON s.signal_case_id = sc.id \
         WHERE s.reporter_feedback IS NOT NULL AND s.reporter_feedback <> 'nee' AND s.feedback_given_at IS NULL AND ($2 OR sc.worker_id = $3) \
         ORDER BY s.signal_date, s.id LIMIT 100"
    );
    let mut out = Vec::new();
    for r in tx.fetch_all(&sql, &args![team, team_wide, user_id]).await? {
        let Some(wish) = r.opt_text(9)?.and_then(|w| FeedbackWish::from_code(&w)) else { continue };
        out.push(FeedbackTask {
            signal_id: r.i64(0)?,
            case_id: r.i64(1)?,
            household_id: r.i64(2)?,
            address: address_text(&r, 3)?,
            wish,
            due: policy.due_date(time_fmt::parse_date(&r.text(10)?)?, r.bool(11)?),
        });
    }
    Ok(out)
}

