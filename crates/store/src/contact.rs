//! Contact attempts and what follows them: the cadence's next proposal (a planned contact for
//! the worker), the team's case-discussion list when persistence runs out, and the households
//! that dropped out of view. The rules are `domain::contact`'s; here they meet the database,
//! each change audited in its own transaction.

use crate::kernel::audit::AuditEvent;
use crate::kernel::error::invalid;
use crate::kernel::area::{team_scope, IN_TEAM_AREA};
use crate::kernel::households::{address_from, language_notes, AddressLine, ADDRESS_COLUMNS};
pub use crate::kernel::households::LanguageNotes;
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use domain::contact::{self as rules, CadencePolicy, Contact, Next, OutOfView};
use domain::model::{Approach, Companion, ContactKind, ContactOutcome, DayPart, DiscussionOutcome, Ground, Id, Safety, SignalKind, SupportLevel};
use time::{Date, Duration, OffsetDateTime};

/// How far in the future an attempt's time may lie (clocks differ a little).
pub const FUTURE_TOLERANCE: Duration = Duration::minutes(5);

/// A contact attempt as a worker logs it.
#[derive(Debug, Clone)]
pub struct NewAttempt<'a> {
    pub household_id: Id,
    pub kind: ContactKind,
    pub at: OffsetDateTime,
    /// Filled from the time when not given.
    pub day_part: Option<DayPart>,
    pub outcome: ContactOutcome,
    pub note: Option<&'a str>,
    /// A home visit before the weighing, allowed only for a crisis signal: why it cannot wait.
    pub crisis_reason: Option<&'a str>,
}

/// A logged attempt and what Eropaf proposes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logged {
    pub id: Id,
    pub next: Next,
}


impl Store {
    /// Logs an attempt and, in the same transaction: picks up an open signal case (the first
    /// contact stops its pickup clock), replaces the household's proposal with the cadence's
    /// next one (a planned contact for this worker) or puts the household on the team's
    /// case-discussion list, and writes one audit record.
    pub async fn log_contact_attempt(&self, access: &Access<'_>, new: &NewAttempt<'_>) -> Result<Logged, StoreError> {
        self.log_contact_attempt_marked(access, new, &[]).await
    }

    /// As [`Store::log_contact_attempt`], the note marked with special categories (only the
    /// workers on the household's case and the team lead read it, `kernel::sensitive`).
    pub async fn log_contact_attempt_marked(&self, access: &Access<'_>, new: &NewAttempt<'_>, marks: &[domain::model::Sensitive]) -> Result<Logged, StoreError> {
        let policy = &self.policies().cadence;
        let team = team_scope(access)?;
        if new.at > access.now + FUTURE_TOLERANCE {
            return Err(invalid("at", "Tijdstip: de poging ligt in de toekomst.", "Time: the attempt lies in the future."));
        }
        if new.at < access.now - Duration::days(366) {
            return Err(invalid("at", "Tijdstip: hoogstens een jaar terug.", "Time: at most a year ago."));
        }
        let note = domain::text::clean_note(new.note);
        if note.as_deref().is_some_and(|n| n.chars().count() > 200) {
            return Err(invalid("note", "Notitie: hoogstens 200 tekens.", "Note: at most 200 characters."));
        }
        let crisis_reason = domain::text::clean_note(new.crisis_reason).filter(|r| !r.trim().is_empty());
        if crisis_reason.as_deref().is_some_and(|r| !(10..=500).contains(&r.trim().chars().count())) {
            return Err(invalid("crisisreden", "Waarom dit niet kan wachten: licht in 10 tot 500 tekens toe.", "Why this cannot wait: explain in 10 to 500 characters."));
        }
        let mut tx = self.scoped(access).await?;
        tx.household(new.household_id).await?;
        let at = new.at.to_offset(time::UtcOffset::UTC);
        if new.kind == ContactKind::Huisbezoek {
            weighing_gate(&mut tx, new.household_id, crisis_reason.as_deref(), access.now).await?;
        }
        let day_part = new.day_part.unwrap_or_else(|| DayPart::at(at));
        let reached = new.outcome.reached();
        let id = tx
            .fetch_one(
                "INSERT INTO contact_attempts (household_id, worker_id, kind, at, day_part, reached, note, outcome, sensitive) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &args![new.household_id, access.actor.user_id, new.kind.code(), time_fmt::instant(at), day_part.code(), reached, note, new.outcome.code(), domain::model::Sensitive::join(marks)],
            )
            .await?
            .i64(0)?;
        if let Some(case) = tx
            .fetch_optional("SELECT id FROM signal_cases WHERE household_id = $1 AND stage IN ('nieuw', 'gewogen') ORDER BY id LIMIT 1", &args![new.household_id])
            .await?
        {
            let case_id = case.i64(0)?;
            tx.execute("UPDATE signal_cases SET stage = 'opgepakt', picked_up_on = $1 WHERE id = $2", &args![time_fmt::date(at.date()), case_id]).await?;
        }
        // Contact after a signal arrived is what the team did because of it: the received
        // signals of the household's picked-up case (this first contact's, or signals that
        // joined a case picked up before) that arrived before the attempt took place are picked
        // up now; an attempt logged afterwards for an earlier moment is not (`signals::partner`).
        tx.execute(
            "UPDATE signals SET status = 'opgepakt' WHERE status = 'ontvangen' AND received_at <= $2 AND signal_case_id IN \
             (SELECT id FROM signal_cases WHERE household_id = $1 AND stage = 'opgepakt')",
            &args![new.household_id, time_fmt::instant(at)],
        )
        .await?;
        let history = crate::kernel::households::attempts_of(&mut tx, new.household_id, None).await?;
        let has_phone = tx.fetch_i64("SELECT COUNT(*) FROM persons WHERE household_id = $1 AND phone IS NOT NULL", &args![new.household_id]).await? > 0;
        let next = rules::next_step(&history, has_phone, policy);
        // What was planned up to this attempt is done; an earlier proposal is replaced.
        tx.execute(
            "DELETE FROM planned_contacts WHERE household_id = $1 AND (proposed = TRUE OR planned_for <= $2)",
            &args![new.household_id, time_fmt::date(at.date())],
        )
        .await?;
        match next {
            Next::Try(p) => {
                tx.execute(
                    "INSERT INTO planned_contacts (household_id, worker_id, planned_for, kind, day_part, proposed) VALUES ($1, $2, $3, $4, $5, TRUE)",
                    &args![new.household_id, access.actor.user_id, time_fmt::date(p.not_before), p.kind.code(), p.day_part.code()],
                )
                .await?;
            }
            Next::Discuss { failures } => {
                let listed = tx.fetch_i64("SELECT COUNT(*) FROM case_discussions WHERE household_id = $1 AND discussed_at IS NULL", &args![new.household_id]).await?;
                if listed == 0 {
                    tx.execute(
                        "INSERT INTO case_discussions (household_id, team_id, added_at, failures) VALUES ($1, $2, $3, $4)",
                        &args![new.household_id, team, time_fmt::instant(access.now), failures as i64],
                    )
                    .await?;
                }
            }
            Next::Reached => {
                // Reached again: the household leaves the case-discussion list by itself.
                tx.execute(
                    "UPDATE case_discussions SET discussed_at = $1, outcome = 'bereikt' WHERE household_id = $2 AND discussed_at IS NULL",
                    &args![time_fmt::instant(access.now), new.household_id],
                )
                .await?;
            }
        }
        tx.record(AuditEvent::ContactAttemptCreate, Some(new.household_id), None).await?;
        tx.commit().await?;
        Ok(Logged { id, next })
    }

    /// The team lead records what the case discussion decided for a household on the list; it
    /// leaves the list and the decision shows on the household page. Stopping needs the reason.
    pub async fn decide_discussion(&self, access: &Access<'_>, household_id: Id, outcome: DiscussionOutcome, note: &str) -> Result<(), StoreError> {
        let team = team_scope(access)?;
        if access.actor.role != domain::model::Role::TeamLead {
            return Err(StoreError::Forbidden);
        }
        if !DiscussionOutcome::CHOICES.contains(&outcome) {
            return Err(invalid("besluit", "Besluit: kies wat het casusoverleg besloot.", "Decision: choose what the case discussion decided."));
        }
        let note = domain::text::clean(note);
        let note = note.trim();
        let length = note.chars().count();
        if length > 500 || (outcome == DiscussionOutcome::Stoppen && length < 10) {
            return Err(invalid("toelichting", "Toelichting: hoogstens 500 tekens; bij stoppen ten minste 10 tekens met de reden.", "Explanation: at most 500 characters; when stopping at least 10 characters with the reason."));
        }
        let mut tx = self.scoped(access).await?;
        tx.household(household_id).await?;
        let changed = tx
            .execute(
                "UPDATE case_discussions SET discussed_at = $1, outcome = $2, outcome_note = $3, discussed_by = $4 WHERE household_id = $5 AND team_id = $6 AND discussed_at IS NULL",
                &args![time_fmt::instant(access.now), outcome.code(), Some(note).filter(|n| !n.is_empty()), access.actor.user_id, household_id, team],
            )
            .await?;
        if changed == 0 {
            return Err(invalid("besluit", "Dit huishouden staat niet (meer) op de lijst voor het casusoverleg.", "This household is not (or no longer) on the case-discussion list."));
        }
        tx.record(AuditEvent::DiscussionDecide, Some(household_id), None).await?;
        tx.commit().await
    }

    /// The worker plans the next contact differently from the proposal, with the reason.
    pub async fn plan_contact(&self, access: &Access<'_>, household_id: Id, kind: ContactKind, day_part: DayPart, on: Date, reason: &str) -> Result<(), StoreError> {
        team_scope(access)?;
        let reason = domain::text::clean(reason);
        let reason = reason.trim();
        if !(5..=200).contains(&reason.chars().count()) {
            return Err(invalid("reden", "Reden: leg in 5 tot 200 tekens uit waarom u anders plant.", "Reason: explain in 5 to 200 characters why you plan differently."));
        }
        if on < access.now.date() {
            return Err(invalid("datum", "Datum: kies vandaag of later.", "Date: choose today or later."));
        }
        let mut tx = self.scoped(access).await?;
        tx.household(household_id).await?;
        tx.execute("DELETE FROM planned_contacts WHERE household_id = $1 AND proposed = TRUE", &args![household_id]).await?;
        tx.execute(
            "INSERT INTO planned_contacts (household_id, worker_id, planned_for, kind, day_part, proposed, override_reason) VALUES ($1, $2, $3, $4, $5, FALSE, $6)",
            &args![household_id, access.actor.user_id, time_fmt::date(on), kind.code(), day_part.code(), reason],
        )
        .await?;
        tx.record(AuditEvent::ContactPlan, Some(household_id), None).await?;
        tx.commit().await
    }

    /// The next planned contact of a household in the actor's area (proposal or own plan).
    pub async fn next_contact(&self, access: &Access<'_>, household_id: Id) -> Result<Option<PlannedNext>, StoreError> {
        team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
        tx.household(household_id).await?;
        let row = tx
            .fetch_optional(
                "SELECT pc.planned_for, pc.kind, pc.day_part, pc.proposed, pc.override_reason, u.display_name FROM planned_contacts pc \
                 LEFT JOIN users u ON u.id = pc.worker_id WHERE pc.household_id = $1 ORDER BY pc.planned_for, pc.id LIMIT 1",
                &args![household_id],
            )
            .await?;
        let discussion = tx.fetch_i64("SELECT COUNT(*) FROM case_discussions WHERE household_id = $1 AND discussed_at IS NULL", &args![household_id]).await? > 0;
        let decided = tx
            .fetch_optional(
                "SELECT d.outcome, d.outcome_note, d.discussed_at, u.display_name FROM case_discussions d LEFT JOIN users u ON u.id = d.discussed_by \
                 WHERE d.household_id = $1 AND d.discussed_at IS NOT NULL AND d.outcome IS NOT NULL ORDER BY d.discussed_at DESC, d.id DESC LIMIT 1",
                &args![household_id],
            )
            .await?
            .map(|r| -> Result<_, StoreError> {
                Ok(Discussed {
                    outcome: DiscussionOutcome::from_code(&r.text(0)?).ok_or_else(|| StoreError::corrupt("discussion outcome"))?,
                    note: r.opt_text(1)?,
                    at: time_fmt::parse_instant(&r.text(2)?)?,
                    by: r.opt_text(3)?,
                })
            })
            .transpose()?;
        let planned = row
            .map(|r| -> Result<_, StoreError> {
                Ok(Planned {
                    on: time_fmt::parse_date(&r.text(0)?)?,
                    kind: ContactKind::from_code(&r.text(1)?).ok_or_else(|| StoreError::corrupt("contact kind"))?,
                    day_part: DayPart::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("day part"))?,
                    proposed: r.bool(3)?,
                    reason: r.opt_text(4)?,
                    by: r.opt_text(5)?,
                })
            })
            .transpose()?;
        let awaits_weighing = at_the_door(&mut tx, household_id).await?.is_some_and(|(_, c)| domain::contact::home_visit_gate(&c, false).is_err());
        Ok(Some(PlannedNext { planned, on_case_discussion: discussion, discussed: decided, awaits_weighing })
            .filter(|p| p.planned.is_some() || p.on_case_discussion || p.discussed.is_some() || p.awaits_weighing))
    }

    /// The team's households that dropped out of view on `today`, riskiest first; with `mine`,
    /// only those the actor is involved in (planned, attempted or assigned). Each household
    /// shown is one audit record.
    pub async fn out_of_view(&self, access: &Access<'_>, today: Date, mine: bool) -> Result<Vec<OutOfViewRow>, StoreError> {
        let policy = &self.policies().cadence;
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let rows = collect_out_of_view(&mut tx, team, access.actor.user_id, today, policy, mine).await?;
        let shown: Vec<Id> = rows.iter().map(|r| r.household_id).collect();
        tx.record_households(AuditEvent::HouseholdList, &shown).await?;
        tx.commit().await?;
        Ok(rows)
    }
}

/// The out-of-view rows without auditing, for callers that audit what they show as a whole.
pub(crate) async fn collect_out_of_view(tx: &mut crate::kernel::db::Tx, team: Id, user_id: Id, today: Date, policy: &CadencePolicy, mine: bool) -> Result<Vec<OutOfViewRow>, StoreError> {
    let sql = format!(
        "SELECT h.id, h.support, h.multi_problem, {ADDRESS_COLUMNS}, \
         (SELECT MIN(c.opened) FROM cases c WHERE c.household_id = h.id AND c.closed IS NULL), \
         (SELECT MIN(sc.opened_at) FROM signal_cases sc WHERE sc.household_id = h.id AND sc.stage IN ('gewogen', 'opgepakt') AND (sc.decision IS NULL OR sc.decision = 'gaan')), \
         (SELECT COUNT(*) FROM signal_cases sc WHERE sc.household_id = h.id AND sc.stage IN ('gewogen', 'opgepakt') AND sc.crisis = TRUE), \
         (SELECT MAX(ca.at) FROM contact_attempts ca WHERE ca.household_id = h.id AND ca.reached = TRUE), \
         (SELECT MAX(ca.at) FROM contact_attempts ca WHERE ca.household_id = h.id), \
         (SELECT MIN(pc.planned_for) FROM planned_contacts pc WHERE pc.household_id = h.id), \
         (SELECT COUNT(*) FROM planned_contacts pc WHERE pc.household_id = h.id AND pc.worker_id = $2) \
           + (SELECT COUNT(*) FROM contact_attempts ca WHERE ca.household_id = h.id AND ca.worker_id = $2) \
           + (SELECT COUNT(*) FROM signal_cases sc WHERE sc.household_id = h.id AND sc.worker_id = $2) \
         {IN_TEAM_AREA} \
         WHERE EXISTS (SELECT 1 FROM cases c WHERE c.household_id = h.id AND c.closed IS NULL) \
            OR EXISTS (SELECT 1 FROM signal_cases sc WHERE sc.household_id = h.id AND sc.stage IN ('gewogen', 'opgepakt') AND (sc.decision IS NULL OR sc.decision = 'gaan'))"
    );
    let day = |text: Option<String>| -> Result<Option<Date>, StoreError> {
        text.map(|t| if t.len() > 10 { time_fmt::parse_instant(&t).map(|i| i.date()) } else { time_fmt::parse_date(&t) }).transpose()
    };
    let mut rows = Vec::new();
    for r in tx.fetch_all(&sql, &args![team, user_id]).await? {
        if mine && r.i64(17)? == 0 {
            continue;
        }
        let Some(since) = [day(r.opt_text(11)?)?, day(r.opt_text(12)?)?].into_iter().flatten().min() else { continue };
        let facts = Contact { since, last_reached: day(r.opt_text(14)?)?, last_attempt: day(r.opt_text(15)?)?, planned: day(r.opt_text(16)?)? };
        let Some(reason) = rules::out_of_view(&facts, today, policy) else { continue };
        rows.push(OutOfViewRow {
            household_id: r.i64(0)?,
            address: address_from(&r, 3)?,
            support: SupportLevel::from_code(&r.text(1)?).ok_or_else(|| StoreError::corrupt("support level"))?,
            multi_problem: r.bool(2)?,
            crisis: r.i64(13)? > 0,
            reason,
        });
    }
    rows.sort_by_key(|row| (!row.crisis, std::cmp::Reverse(row.support), !row.multi_problem, std::cmp::Reverse(row.reason.days_overdue()), row.household_id));
    Ok(rows)
}

/// The team's case-discussion list (households where persistence ran out), oldest first,
/// without auditing.
pub(crate) async fn collect_discussions(tx: &mut crate::kernel::db::Tx, team: Id) -> Result<Vec<DiscussionRow>, StoreError> {
    let sql = format!(
        "SELECT d.household_id, d.added_at, d.failures, {ADDRESS_COLUMNS} FROM case_discussions d JOIN households h ON h.id = d.household_id \
         JOIN addresses a ON a.id = h.address_id JOIN neighbourhoods b ON b.code = a.buurt_code \
         WHERE d.team_id = $1 AND d.discussed_at IS NULL ORDER BY d.added_at, d.id"
    );
    let mut rows = Vec::new();
    for r in tx.fetch_all(&sql, &args![team]).await? {
        rows.push(DiscussionRow { household_id: r.i64(0)?, added_at: time_fmt::parse_instant(&r.text(1)?)?, failures: r.i64(2)?, address: address_from(&r, 3)? });
    }
    Ok(rows)
}

/// The next contact of a household, and whether it is on the case-discussion list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedNext {
    pub planned: Option<Planned>,
    pub on_case_discussion: bool,
    /// What the last case discussion about the household decided.
    pub discussed: Option<Discussed>,
    /// A home visit would be refused now (the signal is not weighed, not decided to go, or
    /// awaits the second pair of eyes): the form does not offer it first.
    pub awaits_weighing: bool,
}

/// A case discussion's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discussed {
    pub outcome: DiscussionOutcome,
    pub note: Option<String>,
    pub at: OffsetDateTime,
    /// The team lead who recorded it (none when Eropaf did: reached again).
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub on: Date,
    pub kind: ContactKind,
    pub day_part: DayPart,
    /// Eropaf's proposal (true) or the worker's own plan.
    pub proposed: bool,
    /// Why an own plan differs from the proposal.
    pub reason: Option<String>,
    /// The worker it is planned for.
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutOfViewRow {
    pub household_id: Id,
    pub address: AddressLine,
    pub support: SupportLevel,
    pub multi_problem: bool,
    pub crisis: bool,
    pub reason: OutOfView,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiscussionRow {
    pub household_id: Id,
    pub added_at: OffsetDateTime,
    pub failures: i64,
    pub address: AddressLine,
}


/// What a worker reads before a first visit, and nothing more: why the team goes, how safely,
/// in what way, in which language, to whom. The history stays out of it (reading a thick file
/// first gets in the way of an open first contact); the full file is one audited step away.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub household_id: Id,
    pub address: AddressLine,
    pub names: Vec<String>,
    pub signals: Vec<SignalKind>,
    pub grounds: Vec<Ground>,
    pub why_go: String,
    pub safety: Safety,
    pub approach: Approach,
    pub companion: Companion,
    pub language: LanguageNotes,
    /// A sensitive signal on the case this reader may not read: `why_go` and that signal's
    /// kind are left out; whom to call.
    pub confidential: Option<crate::Withheld>,
}


impl Store {
    /// The first-visit brief, when a first visit is due: the team decided to go (a signal case
    /// weighed "gaan", not closed) and no attempt has reached the household since that case
    /// opened. None otherwise (then the household page shows the file). One audit record.
    pub async fn first_visit_brief(&self, access: &Access<'_>, household_id: Id) -> Result<Option<Brief>, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let sql = format!("SELECT h.id, {ADDRESS_COLUMNS} {IN_TEAM_AREA} WHERE h.id = $2");
        let Some(row) = tx.fetch_optional(&sql, &args![team, household_id]).await? else { return Ok(None) };
        crate::kernel::sensitive::reach(&mut tx, access, household_id).await?;
        let address = address_from(&row, 1)?;
        let case = tx
            .fetch_optional(
                "SELECT sc.id FROM signal_cases sc WHERE sc.household_id = $1 AND sc.stage IN ('gewogen', 'opgepakt') AND sc.decision = 'gaan' \
                 AND NOT EXISTS (SELECT 1 FROM contact_attempts ca WHERE ca.household_id = sc.household_id AND ca.reached = TRUE AND ca.at >= sc.opened_at) \
                 ORDER BY sc.opened_at DESC, sc.id DESC LIMIT 1",
                &args![household_id],
            )
            .await?;
        let Some(case) = case else { return Ok(None) };
        let case_id = case.i64(0)?;
        let Some(w) = tx
            .fetch_optional(
                "SELECT grounds, why_go, safety, approach, companion FROM signal_weighings WHERE signal_case_id = $1 ORDER BY at DESC, id DESC LIMIT 1",
                &args![case_id],
            )
            .await?
        else {
            return Ok(None);
        };
        let withheld = tx.withheld(household_id).await?;
        let sql = concat!("SELECT DISTINCT s.kind, ", crate::kernel::sensitive::signal_sensitive!(), " FROM signals s WHERE s.signal_case_id = $1 ORDER BY 1");
        let rows = tx.fetch_all(sql, &args![case_id]).await?;
        let hidden = withheld.is_some() && rows.iter().any(|r| r.bool(1).unwrap_or(true));
        let mut signals = Vec::new();
        for r in rows.iter().filter(|r| withheld.is_none() || !r.bool(1).unwrap_or(true)) {
            signals.push(SignalKind::from_code(&r.text(0)?).ok_or_else(|| StoreError::corrupt("signal kind"))?);
        }
        let names = tx
            .fetch_all("SELECT id, given_names, surname_prefix, surname FROM persons WHERE household_id = $1 ORDER BY birth_date, id", &args![household_id])
            .await?
            .iter()
            .map(|r| crate::kernel::households::full_name(r, 1))
            .collect::<Result<Vec<_>, _>>()?;
        let brief = Brief {
            household_id,
            address,
            names,
            signals,
            grounds: w.text(0)?.split(',').filter_map(Ground::from_code).collect(),
            why_go: if hidden { String::new() } else { w.text(1)? },
            safety: Safety::from_code(&w.text(2)?).ok_or_else(|| StoreError::corrupt("safety"))?,
            approach: Approach::from_code(&w.text(3)?).ok_or_else(|| StoreError::corrupt("approach"))?,
            companion: Companion::from_code(&w.text(4)?).ok_or_else(|| StoreError::corrupt("companion"))?,
            language: language_notes(&mut tx, household_id).await?,
            confidential: withheld.filter(|_| hidden),
        };
        tx.record(AuditEvent::HouseholdBrief, Some(household_id), None).await?;
        tx.commit().await?;
        Ok(Some(brief))
    }

    /// Records the resident's language and cultural notes; audited as a change.
    pub async fn set_language_notes(&self, access: &Access<'_>, household_id: Id, notes: &LanguageNotes) -> Result<(), StoreError> {
        team_scope(access)?;
        let (language, note) = (domain::text::clean_line_opt(notes.preferred_language.as_deref()), domain::text::clean_note(notes.culture_note.as_deref()));
        if language.as_deref().is_some_and(|l| l.chars().count() > 60) {
            return Err(invalid("taal", "Taal: hoogstens 60 tekens.", "Language: at most 60 characters."));
        }
        if note.as_deref().is_some_and(|n| n.chars().count() > 300) {
            return Err(invalid("cultuur", "Notitie over cultuur en aanpak: hoogstens 300 tekens.", "Note on culture and approach: at most 300 characters."));
        }
        let mut tx = self.scoped(access).await?;
        tx.household(household_id).await?;
        tx.execute(
            "UPDATE households SET preferred_language = $1, interpreter_needed = $2, network_approach = $3, culture_note = $4 WHERE id = $5",
            &args![language, notes.interpreter_needed, notes.network_approach, note, household_id],
        )
        .await?;
        tx.record(AuditEvent::HouseholdUpdate, Some(household_id), None).await?;
        tx.commit().await
    }
}

/// The weighing gate before a home visit (`domain::contact::home_visit_gate`) on the
/// household's signal case that is not picked up yet. A crisis visit before the weighing is
/// recorded on the case with its reason, and listed to be weighed within a working day.
async fn weighing_gate(tx: &mut crate::kernel::Scoped<'_>, household_id: Id, crisis_reason: Option<&str>, now: OffsetDateTime) -> Result<(), StoreError> {
    use domain::contact::{home_visit_gate, VisitRefused};
    let Some((case_id, at_the_door)) = at_the_door(tx, household_id).await? else { return Ok(()) };
    match home_visit_gate(&at_the_door, crisis_reason.is_some()) {
        Ok(false) => Ok(()),
        Ok(true) => {
            tx.execute(
                "UPDATE signal_cases SET visited_first_at = $1, visited_first_reason = $2 WHERE id = $3",
                &args![time_fmt::instant(now), crisis_reason.map(str::trim), case_id],
            )
            .await?;
            Ok(())
        }
        Err(VisitRefused::NotWeighed) => Err(invalid(
            "soort",
            "Soort contact: een huisbezoek kan pas na de weging van het signaal. Eerst bellen, een brief of een kaartje kan wel; bij een crisis kunt u eerst gaan als u toelicht waarom het niet kan wachten.",
            "Kind of contact: a home visit comes only after the signal is weighed. A call, letter or card can come first; in a crisis you may go first when you explain why it cannot wait.",
        )),
        Err(VisitRefused::NotDecidedToGo) => Err(invalid(
            "soort",
            "Soort contact: het team besloot (nog) niet om erop af te gaan. Weeg het signaal opnieuw als de situatie anders is.",
            "Kind of contact: the team did not decide to go (yet). Weigh the signal again if the situation has changed.",
        )),
        Err(VisitRefused::AwaitsConfirmation) => Err(invalid(
            "soort",
            "Soort contact: uw team werkt met vier ogen; een collega of de teamleider bevestigt eerst de weging.",
            "Kind of contact: your team works with four eyes; a colleague or the team lead confirms the weighing first.",
        )),
    }
}

/// The household's signal case not picked up yet, as the weighing gate sees it.
async fn at_the_door(tx: &mut crate::kernel::db::Tx, household_id: Id) -> Result<Option<(Id, domain::contact::CaseAtTheDoor)>, StoreError> {
    let Some(case) = tx
        .fetch_optional(
            "SELECT sc.id, sc.decision, sc.crisis, t.four_eyes, \
             (SELECT COUNT(*) FROM signal_weighings sw WHERE sw.signal_case_id = sc.id), \
             (SELECT sw.confirmed_by FROM signal_weighings sw WHERE sw.signal_case_id = sc.id ORDER BY sw.at DESC, sw.id DESC LIMIT 1) \
             FROM signal_cases sc JOIN teams t ON t.id = sc.team_id WHERE sc.household_id = $1 AND sc.stage IN ('nieuw', 'gewogen') ORDER BY sc.id LIMIT 1",
            &args![household_id],
        )
        .await?
    else {
        return Ok(None);
    };
    let weighed = case.i64(4)? > 0;
    Ok(Some((
        case.i64(0)?,
        domain::contact::CaseAtTheDoor {
            weighed,
            decided_to_go: case.opt_text(1)?.as_deref() == Some(domain::model::Decision::Gaan.code()),
            awaits_confirmation: case.bool(3)? && weighed && case.opt_i64(5)?.is_none(),
            crisis: case.bool(2)?,
        },
    )))
}
