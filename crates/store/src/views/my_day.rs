//! "Mijn dag": what a worker (or a team lead, for the team) does today, read across the
//! features in one transaction — the signals to pick up, the planned contacts, who is out of
//! view, the case-discussion list and the referrals to follow up. Audited per household shown.

use crate::kernel::area::{team_scope, HOUSEHOLD_IN_TEAM_AREA};
use crate::kernel::audit::AuditEvent;
use crate::kernel::households::{address_from, AddressLine, ADDRESS_COLUMNS};
use crate::kernel::time_fmt;
use crate::residents::{signal_from, SignalView, SIGNAL_COLUMNS};
use crate::{args, cases, contact, signals, Access, Store, StoreError};
use domain::model::{ContactKind, DayPart, Id, Role, SignalStatus};
use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct SignalToPickUp {
    pub signal: SignalView,
    pub household_id: Option<Id>,
    pub address: Option<AddressLine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedContact {
    pub household_id: Id,
    pub address: AddressLine,
    pub planned_for: Date,
    pub kind: ContactKind,
    pub day_part: DayPart,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MyDay {
    pub signals: Vec<SignalToPickUp>,
    pub planned: Vec<PlannedContact>,
    /// The worker's own households out of view (a team lead: the team's), riskiest first.
    pub out_of_view: Vec<contact::OutOfViewRow>,
    /// For a team lead: the households on the case-discussion list.
    pub discussions: Vec<contact::DiscussionRow>,
    /// Referrals to follow up (check due or stalled): the worker's own, a team lead's team's.
    pub referrals: Vec<cases::ReferralRow>,
    /// Steps of open cases that fall due today or are overdue (a team lead: the team's).
    pub steps: Vec<cases::StepDue>,
    /// Reporters who asked to hear back and have not yet (a team lead: the team's).
    pub feedback: Vec<signals::FeedbackTask>,
    /// Signal cases to weigh (again): a monitored case's review date came, a crisis visit went
    /// before the weighing (a worker: their own and unassigned ones).
    pub to_weigh: Vec<signals::CaseRow>,
}

impl Store {
    /// "Mijn dag": the team's signals still to pick up (crisis and nearest deadline first) and
    /// this worker's planned contacts up to tomorrow. Audited per household shown.
    pub async fn my_day(&self, access: &Access<'_>, today: Date) -> Result<MyDay, StoreError> {
        let (signal_policy, cadence) = (&self.policies().signals, &self.policies().cadence);
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let sql = format!(
            "SELECT {SIGNAL_COLUMNS}, h.id, {ADDRESS_COLUMNS} FROM signals s LEFT JOIN partners p ON p.id = s.partner_id \
             JOIN households h ON h.id = s.household_id {HOUSEHOLD_IN_TEAM_AREA} \
             WHERE s.status = $2 ORDER BY s.crisis DESC, s.signal_date, s.id LIMIT 100"
        );
        let mut signals = Vec::new();
        for r in tx.fetch_all(&sql, &args![team, SignalStatus::Ontvangen.code()]).await? {
            let household_id = r.opt_i64(9)?;
            let withheld = match household_id {
                Some(h) => tx.withheld(h).await?.is_some(),
                None => true,
            };
            signals.push(SignalToPickUp { signal: signal_from(&r, 0, signal_policy, withheld)?, household_id, address: Some(address_from(&r, 10)?) });
        }
        signals.sort_by_key(|s| (!s.signal.crisis, s.signal.deadline));

        let sql = format!(
            "SELECT pc.household_id, pc.planned_for, pc.kind, pc.day_part, {ADDRESS_COLUMNS} FROM planned_contacts pc \
             JOIN households h ON h.id = pc.household_id JOIN addresses a ON a.id = h.address_id \
             JOIN neighbourhoods b ON b.code = a.buurt_code \
             WHERE pc.worker_id = $1 AND pc.planned_for <= $2 ORDER BY pc.planned_for, pc.id LIMIT 100"
        );
        let tomorrow = today.next_day().unwrap_or(today);
        let mut planned = Vec::new();
        for r in tx.fetch_all(&sql, &args![access.actor.user_id, time_fmt::date(tomorrow)]).await? {
            planned.push(PlannedContact {
                household_id: r.i64(0)?,
                planned_for: time_fmt::parse_date(&r.text(1)?)?,
                kind: ContactKind::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("contact kind"))?,
                day_part: DayPart::from_code(&r.text(3)?).ok_or_else(|| StoreError::corrupt("day part"))?,
                address: address_from(&r, 4)?,
            });
        }
        // Out of view: a worker's own households, the whole team's for a team lead, who also
        // sees the case-discussion list.
        let lead = access.actor.role == Role::TeamLead;
        let out_of_view = contact::collect_out_of_view(&mut tx, team, access.actor.user_id, today, cadence, !lead).await?;
        let discussions = if lead { contact::collect_discussions(&mut tx, team).await? } else { Vec::new() };
        let referrals = cases::collect_referrals(&mut tx, team, access.actor.user_id, today, cadence.referral_stalled_days, !lead).await?;
        let steps = cases::collect_steps_due(&mut tx, team, access.actor.user_id, today, !lead).await?;
        let feedback = signals::collect_feedback(&mut tx, team, access.actor.user_id, lead, signal_policy).await?;
        let to_weigh = signals::collect_to_weigh(&mut tx, team, access.actor.user_id, lead, today, signal_policy.liberation_day).await?;
        let mut shown: Vec<Id> = signals
            .iter()
            .filter_map(|s| s.household_id)
            .chain(planned.iter().map(|p| p.household_id))
            .chain(out_of_view.iter().map(|o| o.household_id))
            .chain(discussions.iter().map(|d| d.household_id))
            .chain(referrals.iter().map(|r| r.household_id))
            .chain(steps.iter().map(|s| s.household_id))
            .chain(feedback.iter().map(|f| f.household_id))
            .chain(to_weigh.iter().map(|c| c.household_id))
            .collect();
        shown.sort_unstable();
        shown.dedup();
        tx.record_households(AuditEvent::HouseholdList, &shown).await?;
        tx.commit().await?;
        Ok(MyDay { signals, planned, out_of_view, discussions, referrals, steps, feedback, to_weigh })
    }

}
