//! The case (traject) after first contact: opening it, its goals in the resident's own words,
//! small steps with a date and who does them, practical help, the intensity phase and lasting
//! contact, closing with a reason; the ZRM assessments of the domains that matter for it; the
//! household's network; and referrals with a warm handover, followed up until the partner
//! confirms that help started. The rules are `domain::case`'s; every read and change is audited
//! in its own transaction.

use crate::kernel::audit::AuditEvent;
use crate::kernel::db::Tx;
use crate::kernel::area::{team_scope, IN_TEAM_AREA};
use crate::kernel::households::{address_from, AddressLine, ADDRESS_COLUMNS};
use crate::kernel::error::invalid;
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use domain::case::{self as rules, Assessment, CheckOutcome, CloseReason, NetworkRole, Phase, ReferralTarget, ScoreError, ZrmDomain, ZrmScore};
use domain::model::{Id, OutreachModel};
use time::{Date, Duration};

mod network;
mod steps;

pub use steps::{JournalEntry, StepDue};
pub(crate) use steps::collect_steps_due;

/// A case as the worker opens it.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub household_id: Id,
    /// Usually today; earlier when work that started on paper is recorded (up to a year back).
    pub opened: Date,
    pub models: Vec<OutreachModel>,
    /// The ZRM domains that matter for the case's purpose; only these are ever scored.
    pub domains: Vec<ZrmDomain>,
    /// The first goal, in the resident's own words.
    pub goal: Option<&'a str>,
}

/// One change to an open case.
#[derive(Debug, Clone)]
pub enum CaseChange<'a> {
    Goal { words: &'a str },
    GoalReached { goal_id: Id, on: Date },
    Step { what: &'a str, who: &'a str, due_on: Date },
    StepDone { step_id: Id, on: Date },
    Help { what: &'a str, on: Date },
    Phase { phase: Phase, lasting_contact: bool },
    Domains { domains: Vec<ZrmDomain> },
    Close { reason: CloseReason, note: Option<&'a str>, on: Date },
    /// A dated note in the case journal, with its author.
    Journal { body: &'a str },
}

/// A referral with its warm handover.
#[derive(Debug, Clone)]
pub struct NewReferral<'a> {
    pub target: ReferralTarget,
    pub organisation: &'a str,
    pub reason: &'a str,
    pub referred_on: Date,
    /// The handover meeting of resident, worker and partner (held or planned).
    pub handover_on: Date,
    /// Who at the partner takes over.
    pub handover_with: Option<&'a str>,
    pub check_every_days: i64,
}

/// Someone in the household's network.
#[derive(Debug, Clone)]
pub struct NewMember<'a> {
    pub role: NetworkRole,
    pub name: &'a str,
    pub relation: Option<&'a str>,
    /// How to reach them (phone, via whom, where).
    pub reach: Option<&'a str>,
}

/// Everything the case page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    pub id: Id,
    pub household_id: Id,
    pub address: AddressLine,
    pub names: Vec<String>,
    pub opened: Date,
    pub closed: Option<Date>,
    pub close_reason: Option<CloseReason>,
    pub close_note: Option<String>,
    pub models: Vec<OutreachModel>,
    pub worker: Option<String>,
    pub phase: Phase,
    pub lasting_contact: bool,
    pub goals: Vec<Goal>,
    pub steps: Vec<Step>,
    pub help: Vec<Help>,
    pub domains: Vec<ZrmDomain>,
    pub assessments: Vec<Assessment>,
    pub network: Vec<Member>,
    pub referrals: Vec<ReferralView>,
    /// The case journal, newest first.
    pub journal: Vec<JournalEntry>,
    /// The special categories the case is marked with (they cover its goals, steps, help, ZRM
    /// scores, referrals, journal and network).
    pub sensitive: Vec<domain::model::Sensitive>,
    /// A marked case this reader may not read: that content is left out; whom to call.
    pub confidential: Option<crate::Withheld>,
}

impl CaseFile {
    /// The case as a reader sees it who may not read its sensitive content: that there is a
    /// case, its phase, models and dates, and whom to call.
    fn withhold(mut self, withheld: crate::Withheld) -> CaseFile {
        (self.goals, self.steps, self.help, self.assessments) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        (self.network, self.referrals, self.journal, self.close_note) = (Vec::new(), Vec::new(), Vec::new(), None);
        self.confidential = Some(withheld);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    pub id: Id,
    pub words: String,
    pub added_on: Date,
    pub reached_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: Id,
    pub what: String,
    pub who: String,
    pub due_on: Date,
    pub done_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Help {
    pub given_on: Date,
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: Id,
    pub role: NetworkRole,
    pub name: String,
    pub relation: Option<String>,
    pub reach: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralView {
    pub id: Id,
    pub target: ReferralTarget,
    pub organisation: String,
    pub reason: String,
    pub referred_on: Date,
    pub handover_on: Option<Date>,
    pub handover_with: Option<String>,
    pub check_every_days: i64,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
    pub worker: Option<String>,
    pub checks: Vec<Check>,
}

impl ReferralView {
    /// The facts the follow-up rule needs.
    pub fn facts(&self) -> rules::Referral {
        rules::Referral {
            referred_on: self.referred_on,
            handover_on: self.handover_on,
            check_every_days: self.check_every_days,
            last_check: self.checks.iter().map(|c| c.on).max(),
            settled: self.started_on.is_some() || self.ended_on.is_some(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub on: Date,
    pub outcome: CheckOutcome,
    pub note: Option<String>,
}

/// A referral on the worker's list: its check is due, or it is stalled.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralRow {
    pub referral_id: Id,
    pub case_id: Id,
    pub household_id: Id,
    pub address: AddressLine,
    pub target: ReferralTarget,
    pub organisation: String,
    pub follow_up: rules::FollowUp,
}

/// A note of `min..=max` characters, cleaned (`domain::text::clean`: no control characters but
/// tab and line feed, no bidirectional overrides) and trimmed, or the field's error.
fn text(value: &str, field: &'static str, bounds: (usize, usize), nl: &str, en: &str) -> Result<String, StoreError> {
    within(domain::text::clean(value), field, bounds, nl, en)
}

/// As [`text`], for one line (a name, an organisation): tabs and line breaks become spaces.
fn line(value: &str, field: &'static str, bounds: (usize, usize), nl: &str, en: &str) -> Result<String, StoreError> {
    within(domain::text::clean_line(value), field, bounds, nl, en)
}

fn within(value: String, field: &'static str, (min, max): (usize, usize), nl: &str, en: &str) -> Result<String, StoreError> {
    let v = value.trim();
    let n = v.chars().count();
    if n < min || n > max {
        let (nl, en) = if min <= 1 { (format!("{nl}: vul dit in, hoogstens {max} tekens."), format!("{en}: fill this in, at most {max} characters.")) } else {
            (format!("{nl}: {min} tot {max} tekens."), format!("{en}: {min} to {max} characters."))
        };
        return Err(invalid(field, &nl, &en));
    }
    Ok(v.to_string())
}

/// An optional note of at most `max` characters, cleaned as [`text`]; blank is none.
fn optional(value: Option<&str>, field: &'static str, max: usize, nl: &str, en: &str) -> Result<Option<String>, StoreError> {
    at_most(domain::text::clean_note(value), field, max, nl, en)
}

/// An optional line of at most `max` characters, cleaned as [`line`]; blank is none.
fn optional_line(value: Option<&str>, field: &'static str, max: usize, nl: &str, en: &str) -> Result<Option<String>, StoreError> {
    at_most(domain::text::clean_line_opt(value), field, max, nl, en)
}

fn at_most(value: Option<String>, field: &'static str, max: usize, nl: &str, en: &str) -> Result<Option<String>, StoreError> {
    match value {
        Some(v) if v.chars().count() > max => Err(invalid(field, &format!("{nl}: hoogstens {max} tekens."), &format!("{en}: at most {max} characters."))),
        other => Ok(other),
    }
}

/// A date on which something happened: not in the future, not before `from`.
fn happened(on: Date, from: Date, today: Date, field: &'static str) -> Result<(), StoreError> {
    if on > today {
        return Err(invalid(field, "Datum: ligt in de toekomst.", "Date: lies in the future."));
    }
    if on < from {
        return Err(invalid(field, "Datum: ligt vóór de start van het traject.", "Date: lies before the case was opened."));
    }
    Ok(())
}

/// The household of a case in the actor's team area, with its opening and closing date; not
/// found otherwise (need-to-know: out of area looks like nonexistent).
async fn case_in_area(tx: &mut Tx, team: Id, case_id: Id) -> Result<(Id, Date, Option<Date>), StoreError> {
    let sql = format!("SELECT h.id, c.opened, c.closed {IN_TEAM_AREA} JOIN cases c ON c.household_id = h.id WHERE c.id = $2");
    let row = tx.fetch_optional(&sql, &args![team, case_id]).await?.ok_or(StoreError::NotFound)?;
    Ok((row.i64(0)?, time_fmt::parse_date(&row.text(1)?)?, row.opt_text(2)?.map(|d| time_fmt::parse_date(&d)).transpose()?))
}

/// The one check every change to a case goes through (its goals, steps, help, phase, domains,
/// closing, ZRM, referrals and the household's network): as [`case_in_area`], and a closed case
/// is refused with one message. Only following up a referral already made goes on after closing
/// (handed over is not yet helped), through [`case_in_area`].
pub(crate) async fn open_case_in_area(tx: &mut Tx, team: Id, case_id: Id) -> Result<(Id, Date), StoreError> {
    match case_in_area(tx, team, case_id).await? {
        (household, opened, None) => Ok((household, opened)),
        (_, _, Some(_)) => Err(invalid("traject", "Dit traject is afgesloten; het kan niet meer worden gewijzigd.", "This case is closed; it can no longer be changed.")),
    }
}

fn check_domains(domains: &[ZrmDomain]) -> Result<(), StoreError> {
    if domains.is_empty() {
        return Err(invalid("domeinen", "ZRM-domeinen: kies de domeinen die voor dit traject van belang zijn (minstens één).", "ZRM domains: choose the domains that matter for this case (at least one)."));
    }
    Ok(())
}

async fn replace_domains(tx: &mut Tx, case_id: Id, domains: &[ZrmDomain]) -> Result<(), StoreError> {
    tx.execute("DELETE FROM case_domains WHERE case_id = $1", &args![case_id]).await?;
    let mut unique = domains.to_vec();
    unique.sort_unstable();
    unique.dedup();
    for d in unique {
        tx.execute("INSERT INTO case_domains (case_id, domain) VALUES ($1, $2)", &args![case_id, d.code()]).await?;
    }
    Ok(())
}

fn date_of(text: Option<String>) -> Result<Option<Date>, StoreError> {
    text.map(|t| time_fmt::parse_date(&t)).transpose()
}

impl Store {
    /// Opens a case for a household in the actor's area; one open case per household.
    pub async fn open_case(&self, access: &Access<'_>, new: &NewCase<'_>) -> Result<Id, StoreError> {
        team_scope(access)?;
        if new.models.is_empty() {
            return Err(invalid("modellen", "Model: kies minstens één model van outreachend werken.", "Model: choose at least one outreach model."));
        }
        check_domains(&new.domains)?;
        let goal = optional(new.goal, "doel", 300, "Doel", "Goal")?;
        if new.opened > access.now.date() || new.opened < access.now.date() - Duration::days(366) {
            return Err(invalid("startdatum", "Startdatum: vandaag of hoogstens een jaar terug.", "Start date: today or at most a year ago."));
        }
        let mut tx = self.scoped(access).await?;
        tx.household(new.household_id).await?;
        if tx.fetch_i64("SELECT COUNT(*) FROM cases WHERE household_id = $1 AND closed IS NULL", &args![new.household_id]).await? > 0 {
            return Err(invalid("traject", "Er loopt al een traject met dit huishouden.", "A case with this household is already open."));
        }
        let today = time_fmt::date(new.opened);
        let id = tx
            .fetch_one("INSERT INTO cases (household_id, opened, worker_id, phase) VALUES ($1, $2, $3, $4) RETURNING id", &args![new.household_id, today.clone(), access.actor.user_id, Phase::Vertrouwen.code()])
            .await?
            .i64(0)?;
        let mut models = new.models.clone();
        models.sort_unstable();
        models.dedup();
        for m in models {
            tx.execute("INSERT INTO case_models (case_id, model) VALUES ($1, $2)", &args![id, m.code()]).await?;
        }
        replace_domains(&mut tx, id, &new.domains).await?;
        if let Some(words) = goal {
            tx.execute("INSERT INTO case_goals (case_id, words, added_on) VALUES ($1, $2, $3)", &args![id, words, today]).await?;
        }
        tx.record(AuditEvent::CaseCreate, Some(new.household_id), None).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The open case of a household in the actor's area, if any (an id: not audited).
    pub async fn open_case_of(&self, access: &Access<'_>, household_id: Id) -> Result<Option<Id>, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
        let sql = format!("SELECT c.id {IN_TEAM_AREA} JOIN cases c ON c.household_id = h.id WHERE h.id = $2 AND c.closed IS NULL");
        tx.fetch_optional(&sql, &args![team, household_id]).await?.map(|r| r.i64(0)).transpose()
    }

    /// The household of a case in the actor's area (an id, no resident data: not audited).
    pub async fn case_household(&self, access: &Access<'_>, case_id: Id) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
        Ok(case_in_area(&mut tx, team, case_id).await?.0)
    }

    /// The case page's content. One audit record.
    pub async fn case_file(&self, access: &Access<'_>, case_id: Id) -> Result<CaseFile, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let (household_id, _, _) = case_in_area(&mut tx, team, case_id).await?;
        crate::kernel::sensitive::reach(&mut tx, access, household_id).await?;
        let mut file = load_case(&mut tx, case_id).await?;
        if !file.sensitive.is_empty() {
            if let Some(w) = tx.withheld(household_id).await? {
                file = file.withhold(w);
            }
        }
        tx.record(AuditEvent::CaseRead, Some(household_id), None).await?;
        tx.commit().await?;
        Ok(file)
    }

    /// One change to an open case, validated, in one audited transaction.
    pub async fn change_case(&self, access: &Access<'_>, case_id: Id, change: &CaseChange<'_>) -> Result<(), StoreError> {
        let team = team_scope(access)?;
        let today = access.now.date();
        let mut tx = self.scoped(access).await?;
        let (household_id, opened) = open_case_in_area(&mut tx, team, case_id).await?;
        let mut event = AuditEvent::CaseUpdate;
        match change {
            CaseChange::Goal { words } => {
                let words = text(words, "doel", (3, 300), "Doel", "Goal")?;
                tx.execute("INSERT INTO case_goals (case_id, words, added_on) VALUES ($1, $2, $3)", &args![case_id, words, time_fmt::date(today)]).await?;
            }
            CaseChange::GoalReached { goal_id, on } => {
                happened(*on, opened, today, "doel-datum")?;
                let n = tx.execute("UPDATE case_goals SET reached_on = $1 WHERE id = $2 AND case_id = $3 AND reached_on IS NULL", &args![time_fmt::date(*on), *goal_id, case_id]).await?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
            }
            CaseChange::Step { what, who, due_on } => {
                let what = text(what, "stap", (3, 200), "Stap", "Step")?;
                let who = line(who, "wie", (1, 80), "Wie doet het", "Who does it")?;
                if *due_on < today || *due_on > today + Duration::days(366) {
                    return Err(invalid("stap-datum", "Wanneer: kies een datum vanaf vandaag, binnen een jaar.", "When: choose a date from today, within a year."));
                }
                tx.execute("INSERT INTO case_steps (case_id, what, who, due_on) VALUES ($1, $2, $3, $4)", &args![case_id, what, who, time_fmt::date(*due_on)]).await?;
            }
            CaseChange::Journal { body } => {
                let body = text(body, "journaal", (3, 4000), "Journaal", "Journal")?;
                tx.execute(
                    "INSERT INTO case_journal (case_id, author_id, at, body) VALUES ($1, $2, $3, $4)",
                    &args![case_id, access.actor.user_id, time_fmt::instant(access.now), body],
                )
                .await?;
            }
            CaseChange::StepDone { step_id, on } => {
                happened(*on, opened, today, "stap-gedaan")?;
                let n = tx.execute("UPDATE case_steps SET done_on = $1 WHERE id = $2 AND case_id = $3 AND done_on IS NULL", &args![time_fmt::date(*on), *step_id, case_id]).await?;
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
            }
            CaseChange::Help { what, on } => {
                let what = text(what, "hulp", (3, 200), "Praktische hulp", "Practical help")?;
                happened(*on, opened, today, "hulp-datum")?;
                tx.execute("INSERT INTO case_help (case_id, given_on, what) VALUES ($1, $2, $3)", &args![case_id, time_fmt::date(*on), what]).await?;
            }
            CaseChange::Phase { phase, lasting_contact } => {
                tx.execute("UPDATE cases SET phase = $1, lasting_contact = $2 WHERE id = $3", &args![phase.code(), *lasting_contact, case_id]).await?;
            }
            CaseChange::Domains { domains } => {
                check_domains(domains)?;
                replace_domains(&mut tx, case_id, domains).await?;
            }
            CaseChange::Close { reason, note, on } => {
                let note = optional(*note, "toelichting", 500, "Toelichting", "Explanation")?;
                if *reason == CloseReason::Anders && note.is_none() {
                    return Err(invalid("toelichting", "Toelichting: bij een andere reden is een toelichting verplicht.", "Explanation: required with another reason."));
                }
                happened(*on, opened, today, "sluit-datum")?;
                tx.execute("UPDATE cases SET closed = $1, close_reason = $2, close_note = $3 WHERE id = $4", &args![time_fmt::date(*on), reason.code(), note, case_id]).await?;
                event = AuditEvent::CaseClose;
            }
        }
        tx.record(event, Some(household_id), None).await?;
        tx.commit().await
    }

    /// Records a ZRM assessment of the case's relevant domains only.
    pub async fn record_zrm(&self, access: &Access<'_>, case_id: Id, on: Date, scores: &[(ZrmDomain, ZrmScore)]) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let (household_id, opened) = open_case_in_area(&mut tx, team, case_id).await?;
        happened(on, opened, access.now.date(), "zrm-datum")?;
        let relevant = domains_of(&mut tx, case_id).await?;
        rules::check_scores(&relevant, scores).map_err(|e| match e {
            ScoreError::Empty => invalid("zrm", "ZRM: geef minstens één domein een score.", "ZRM: score at least one domain."),
            ScoreError::NotRelevant(d) => invalid(
                "zrm",
                &format!("ZRM: {} hoort niet bij de doelen van dit traject en wordt niet gescoord.", d.label_nl()),
                &format!("ZRM: {} is not part of this case's purpose and is not scored.", d.label_en()),
            ),
            ScoreError::Twice(d) => invalid("zrm", &format!("ZRM: {} staat er twee keer in.", d.label_nl()), &format!("ZRM: {} appears twice.", d.label_en())),
        })?;
        let id = tx
            .fetch_one("INSERT INTO zrm_assessments (case_id, assessed_on, worker_id) VALUES ($1, $2, $3) RETURNING id", &args![case_id, time_fmt::date(on), access.actor.user_id])
            .await?
            .i64(0)?;
        for (domain, score) in scores {
            tx.execute("INSERT INTO zrm_scores (assessment_id, domain, score) VALUES ($1, $2, $3)", &args![id, domain.code(), i64::from(score.value())]).await?;
        }
        tx.record(AuditEvent::ZrmCreate, Some(household_id), None).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Refers the household to a partner, with the warm handover meeting; the referral is then
    /// followed up every `check_every_days` until the partner confirms that help started.
    pub async fn refer(&self, access: &Access<'_>, case_id: Id, r: &NewReferral<'_>) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let organisation = line(r.organisation, "organisatie", (2, 120), "Organisatie", "Organisation")?;
        let reason = text(r.reason, "verwijsreden", (5, 300), "Waarom deze verwijzing", "Why this referral")?;
        let with = optional_line(r.handover_with, "overdracht-met", 100, "Met wie bij de partner", "With whom at the partner")?;
        if !(1..=90).contains(&r.check_every_days) {
            return Err(invalid("nagaan-elke", "Nagaan: elke 1 tot 90 dagen.", "Follow up: every 1 to 90 days."));
        }
        let today = access.now.date();
        let mut tx = self.scoped(access).await?;
        let (household_id, opened) = open_case_in_area(&mut tx, team, case_id).await?;
        happened(r.referred_on, opened, today, "verwezen-op")?;
        if r.handover_on < r.referred_on || r.handover_on > r.referred_on + Duration::days(60) {
            return Err(invalid("overdracht-op", "Warme overdracht: plan het gesprek op of na de verwijsdatum, binnen 60 dagen.", "Warm handover: plan the meeting on or after the referral date, within 60 days."));
        }
        let id = tx
            .fetch_one(
                "INSERT INTO referrals (case_id, household_id, worker_id, target, organisation, reason, referred_on, handover_on, handover_with, check_every_days) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &args![case_id, household_id, access.actor.user_id, r.target.code(), organisation, reason, time_fmt::date(r.referred_on), time_fmt::date(r.handover_on), with, r.check_every_days],
            )
            .await?
            .i64(0)?;
        tx.record(AuditEvent::ReferralCreate, Some(household_id), None).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A follow-up check of a referral: help started (the partner confirmed), not yet (the next
    /// check follows after the agreed interval), or broken off. Returns the case.
    pub async fn check_referral(&self, access: &Access<'_>, referral_id: Id, on: Date, outcome: CheckOutcome, note: Option<&str>) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let note = optional(note, "nagaan-notitie", 200, "Notitie", "Note")?;
        if outcome != CheckOutcome::Gestart && note.is_none() {
            return Err(invalid("nagaan-notitie", "Notitie: schrijf kort op wat u hoorde en wat u nu doet.", "Note: write briefly what you heard and what you do now."));
        }
        let mut tx = self.scoped(access).await?;
        let row = tx.fetch_optional("SELECT case_id, referred_on, started_on, ended_on FROM referrals WHERE id = $1", &args![referral_id]).await?.ok_or(StoreError::NotFound)?;
        let case_id = row.i64(0)?;
        // Referrals stay followed up after their case closed (handed over is not yet helped).
        let (household_id, _, _) = case_in_area(&mut tx, team, case_id).await?;
        if row.opt_text(2)?.is_some() || row.opt_text(3)?.is_some() {
            return Err(invalid("nagaan", "Deze verwijzing is al afgerond.", "This referral is already settled."));
        }
        happened(on, time_fmt::parse_date(&row.text(1)?)?, access.now.date(), "nagaan-datum")?;
        tx.execute("INSERT INTO referral_checks (referral_id, checked_on, outcome, note) VALUES ($1, $2, $3, $4)", &args![referral_id, time_fmt::date(on), outcome.code(), note]).await?;
        match outcome {
            CheckOutcome::Gestart => tx.execute("UPDATE referrals SET started_on = $1 WHERE id = $2", &args![time_fmt::date(on), referral_id]).await?,
            CheckOutcome::Afgebroken => tx.execute("UPDATE referrals SET ended_on = $1 WHERE id = $2", &args![time_fmt::date(on), referral_id]).await?,
            CheckOutcome::NogNiet => 0,
        };
        tx.record(AuditEvent::ReferralCheck, Some(household_id), None).await?;
        tx.commit().await?;
        Ok(case_id)
    }
}

async fn domains_of(tx: &mut Tx, case_id: Id) -> Result<Vec<ZrmDomain>, StoreError> {
    let mut domains = Vec::new();
    for r in tx.fetch_all("SELECT domain FROM case_domains WHERE case_id = $1", &args![case_id]).await? {
        domains.push(ZrmDomain::from_code(&r.text(0)?).ok_or_else(|| StoreError::corrupt("zrm domain"))?);
    }
    domains.sort_unstable();
    Ok(domains)
}

async fn referrals_of(tx: &mut Tx, case_id: Id) -> Result<Vec<ReferralView>, StoreError> {
    let mut referrals = Vec::new();
    let sql = "SELECT r.id, r.target, r.organisation, r.reason, r.referred_on, r.handover_on, r.handover_with, r.check_every_days, r.started_on, r.ended_on, u.display_name \
               FROM referrals r LEFT JOIN users u ON u.id = r.worker_id WHERE r.case_id = $1 ORDER BY r.referred_on, r.id";
    for r in tx.fetch_all(sql, &args![case_id]).await? {
        let id = r.i64(0)?;
        let mut checks = Vec::new();
        for c in tx.fetch_all("SELECT checked_on, outcome, note FROM referral_checks WHERE referral_id = $1 ORDER BY checked_on, id", &args![id]).await? {
            checks.push(Check {
                on: time_fmt::parse_date(&c.text(0)?)?,
                outcome: CheckOutcome::from_code(&c.text(1)?).ok_or_else(|| StoreError::corrupt("check outcome"))?,
                note: c.opt_text(2)?,
            });
        }
        referrals.push(ReferralView {
            id,
            target: ReferralTarget::from_code(&r.text(1)?).ok_or_else(|| StoreError::corrupt("referral target"))?,
            organisation: r.text(2)?,
            reason: r.text(3)?,
            referred_on: time_fmt::parse_date(&r.text(4)?)?,
            handover_on: date_of(r.opt_text(5)?)?,
            handover_with: r.opt_text(6)?,
            check_every_days: r.i64(7)?,
            started_on: date_of(r.opt_text(8)?)?,
            ended_on: date_of(r.opt_text(9)?)?,
            worker: r.opt_text(10)?,
            checks,
        });
    }
    Ok(referrals)
}

/// A case with everything under it, without auditing (callers audit what they show).
pub(crate) async fn load_case(tx: &mut Tx, case_id: Id) -> Result<CaseFile, StoreError> {
    let sql = format!(
        "SELECT c.household_id, c.opened, c.closed, c.close_reason, c.close_note, c.phase, c.lasting_contact, u.display_name, c.sensitive, {ADDRESS_COLUMNS} \
         FROM cases c JOIN households h ON h.id = c.household_id JOIN addresses a ON a.id = h.address_id JOIN neighbourhoods b ON b.code = a.buurt_code \
         LEFT JOIN users u ON u.id = c.worker_id WHERE c.id = $1"
    );
    let r = tx.fetch_one(&sql, &args![case_id]).await?;
    let household_id = r.i64(0)?;
    let names = tx
        .fetch_all("SELECT given_names, surname_prefix, surname FROM persons WHERE household_id = $1 ORDER BY birth_date, id", &args![household_id])
        .await?
        .iter()
        .map(|p| crate::kernel::households::full_name(p, 0))
        .collect::<Result<Vec<_>, _>>()?;
    let mut models = Vec::new();
    for m in tx.fetch_all("SELECT model FROM case_models WHERE case_id = $1 ORDER BY model", &args![case_id]).await? {
        models.push(OutreachModel::from_code(&m.text(0)?).ok_or_else(|| StoreError::corrupt("outreach model"))?);
    }
    let mut goals = Vec::new();
    for g in tx.fetch_all("SELECT id, words, added_on, reached_on FROM case_goals WHERE case_id = $1 ORDER BY added_on, id", &args![case_id]).await? {
        goals.push(Goal { id: g.i64(0)?, words: g.text(1)?, added_on: time_fmt::parse_date(&g.text(2)?)?, reached_on: date_of(g.opt_text(3)?)? });
    }
    let mut steps = Vec::new();
    for s in tx.fetch_all("SELECT id, what, who, due_on, done_on FROM case_steps WHERE case_id = $1 ORDER BY due_on, id", &args![case_id]).await? {
        steps.push(Step { id: s.i64(0)?, what: s.text(1)?, who: s.text(2)?, due_on: time_fmt::parse_date(&s.text(3)?)?, done_on: date_of(s.opt_text(4)?)? });
    }
    let mut help = Vec::new();
    for h in tx.fetch_all("SELECT given_on, what FROM case_help WHERE case_id = $1 ORDER BY given_on, id", &args![case_id]).await? {
        help.push(Help { given_on: time_fmt::parse_date(&h.text(0)?)?, what: h.text(1)? });
    }
    let mut assessments: Vec<(Id, Assessment)> = Vec::new();
    for s in tx
        .fetch_all(
            "SELECT z.id, z.assessed_on, s.domain, s.score FROM zrm_assessments z JOIN zrm_scores s ON s.assessment_id = z.id WHERE z.case_id = $1 ORDER BY z.assessed_on, z.id, s.domain",
            &args![case_id],
        )
        .await?
    {
        let id = s.i64(0)?;
        let domain = ZrmDomain::from_code(&s.text(2)?).ok_or_else(|| StoreError::corrupt("zrm domain"))?;
        let score = ZrmScore::from_code(&s.i64(3)?.to_string()).ok_or_else(|| StoreError::corrupt("zrm score"))?;
        match assessments.last_mut() {
            Some((last, a)) if *last == id => a.scores.push((domain, score)),
            _ => assessments.push((id, Assessment { on: time_fmt::parse_date(&s.text(1)?)?, scores: vec![(domain, score)] })),
        }
    }
    let mut network = Vec::new();
    for m in tx.fetch_all("SELECT id, role, name, relation, reach FROM network_members WHERE household_id = $1 ORDER BY role, id", &args![household_id]).await? {
        network.push(Member {
            id: m.i64(0)?,
            role: NetworkRole::from_code(&m.text(1)?).ok_or_else(|| StoreError::corrupt("network role"))?,
            name: m.text(2)?,
            relation: m.opt_text(3)?,
            reach: m.opt_text(4)?,
        });
    }
    Ok(CaseFile {
        id: case_id,
        household_id,
        address: address_from(&r, 9)?,
        names,
        opened: time_fmt::parse_date(&r.text(1)?)?,
        closed: date_of(r.opt_text(2)?)?,
        close_reason: r.opt_text(3)?.and_then(|c| CloseReason::from_code(&c)),
        close_note: r.opt_text(4)?,
        models,
        worker: r.opt_text(7)?,
        phase: Phase::from_code(&r.text(5)?).ok_or_else(|| StoreError::corrupt("phase"))?,
        lasting_contact: r.bool(6)?,
        goals,
        steps,
        help,
        domains: domains_of(tx, case_id).await?,
        assessments: assessments.into_iter().map(|(_, a)| a).collect(),
        network,
        referrals: referrals_of(tx, case_id).await?,
        journal: steps::journal(tx, case_id).await?,
        sensitive: domain::model::Sensitive::split(r.opt_text(8)?.as_deref()),
        confidential: None,
    })
}

/// The referrals on a worker's list (a team lead: the team's) on `today`: a check is due or
/// the referral stalled; stalled first, then the longest overdue. Without auditing.
pub(crate) async fn collect_referrals(tx: &mut Tx, team: Id, user_id: Id, today: Date, stalled_after_days: i64, mine: bool) -> Result<Vec<ReferralRow>, StoreError> {
    let sql = format!(
        "SELECT r.id, r.case_id, h.id, r.target, r.organisation, r.referred_on, r.handover_on, r.check_every_days, r.worker_id, \
         (SELECT MAX(rc.checked_on) FROM referral_checks rc WHERE rc.referral_id = r.id), {ADDRESS_COLUMNS} \
         {IN_TEAM_AREA} JOIN referrals r ON r.household_id = h.id WHERE r.started_on IS NULL AND r.ended_on IS NULL"
    );
    let mut rows = Vec::new();
    for r in tx.fetch_all(&sql, &args![team]).await? {
        if mine && r.i64(8)? != user_id {
            continue;
        }
        let facts = rules::Referral {
            referred_on: time_fmt::parse_date(&r.text(5)?)?,
            handover_on: date_of(r.opt_text(6)?)?,
            check_every_days: r.i64(7)?,
            last_check: date_of(r.opt_text(9)?)?,
            settled: false,
        };
        let Some(follow_up) = facts.follow_up(today, stalled_after_days) else { continue };
        rows.push(ReferralRow {
            referral_id: r.i64(0)?,
            case_id: r.i64(1)?,
            household_id: r.i64(2)?,
            target: ReferralTarget::from_code(&r.text(3)?).ok_or_else(|| StoreError::corrupt("referral target"))?,
            organisation: r.text(4)?,
            address: address_from(&r, 10)?,
            follow_up,
        });
    }
    rows.sort_by_key(|r| (!r.follow_up.is_stalled(), r.follow_up.due(), r.referral_id));
    Ok(rows)
}
