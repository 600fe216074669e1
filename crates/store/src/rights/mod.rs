//! Residents' rights under the AVG, carried out by the privacy officer, per person: the access
//! request (art. 15) of one resident — their own data, the household data that concerns them,
//! who looked at it and why, never a housemate's — or of a household that asks together (every
//! adult's consent recorded); erasure (art. 17) of one resident, the household and housemates
//! kept, or of a whole household. All audited; erasure leaves the audit chain verifiable.
//! `export` builds both exports, `erase` both erasures, `trail` is the privacy officer's reading
//! of the audit trail (one line per view, the flags to look into and their handling).

mod erase;
mod export;
pub mod trail;

use crate::kernel::audit::{self, AuditEvent};
use crate::{args, Access, Store, StoreError};
use domain::address::{HouseNumber, Postcode};
use domain::model::{Id, Role};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportPerson {
    pub id: Id,
    pub given_names: String,
    pub surname_prefix: String,
    pub surname: String,
    pub birth_date: String,
    pub bsn: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportSignal {
    pub id: Id,
    pub partner: Option<String>,
    pub kind: String,
    pub channel: String,
    pub status: String,
    pub signal_date: String,
    pub amount_eur: Option<i64>,
    pub crisis: bool,
    /// The name as the partner reported it; left out of one resident's export when the signal
    /// is about the household as a whole (it may name a housemate).
    pub reported_name: Option<String>,
    pub reported_address: String,
    pub concern: Option<String>,
    /// How linking found the household (automatic, after review, new household).
    pub link_state: String,
    pub warm_handover: bool,
    /// The kind of informal reporter (neighbour, shopkeeper, …). Who they are and how to reach
    /// them is left out: the rights of others (AVG art. 15(4)) protect the reporter.
    pub reporter_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportAttempt {
    pub at: String,
    pub kind: String,
    pub day_part: String,
    pub reached: bool,
    /// How it ended (issue 5); attempts logged before have none.
    pub outcome: Option<String>,
    pub worker: Option<String>,
    pub note: Option<String>,
}

/// A contact planned with the household: Eropaf's proposal, or a worker's plan with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportPlanned {
    pub planned_for: String,
    pub kind: String,
    pub day_part: String,
    pub worker: Option<String>,
    pub proposed: bool,
    pub reason: Option<String>,
}

/// The household on the team's case-discussion list after failed attempts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportDiscussion {
    pub added_at: String,
    pub failures: i64,
    pub discussed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportCase {
    pub id: Id,
    pub opened: String,
    pub closed: Option<String>,
    pub models: Vec<String>,
    pub phase: String,
    pub lasting_contact: bool,
    pub close_reason: Option<String>,
    pub close_note: Option<String>,
    pub zrm_domains: Vec<String>,
}

/// A row of the case work under a case (goal, step, help, ZRM score, referral, check), as the
/// resident reads it: which case, when, what.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportCaseItem {
    pub case: Id,
    pub date: String,
    pub what: String,
    pub who: Option<String>,
    pub until: Option<String>,
}

/// Someone in the household's network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportMember {
    pub role: String,
    /// Left out of one resident's export: the people around the household have rights too.
    pub name: Option<String>,
    pub relation: Option<String>,
    pub reach: Option<String>,
}

/// A dated note of the case journal, with its author.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportJournal {
    pub case: Id,
    pub at: String,
    pub by: Option<String>,
    pub body: String,
}

/// A decision of the team on the household's support level, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportSupportDecision {
    pub at: String,
    pub support: String,
    pub multi_problem: bool,
    pub reason: String,
    pub by: Option<String>,
}

/// A signal case (DDAS Vroegsignaalzaak) and every weighing of it: why the team went (or not)
/// uninvited, on what ground, how, and who decided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportSignalCase {
    pub id: Id,
    pub opened_at: String,
    pub stage: String,
    pub due_date: String,
    pub crisis: bool,
    pub worker: Option<String>,
    pub picked_up_on: Option<String>,
    pub closed_on: Option<String>,
    pub end_result: Option<String>,
    pub weighings: Vec<ExportWeighing>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportWeighing {
    pub at: String,
    pub by: Option<String>,
    pub grounds: String,
    pub why_go: String,
    pub why_not: Option<String>,
    pub proportionality: String,
    pub safety: String,
    pub models: String,
    pub approach: String,
    pub companion: String,
    pub decision: String,
}

/// Who looked at or changed the file, when, through which route and why. A list view that
/// showed the household is one entry (NEN 7513: the record names every household shown).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportAccess {
    pub at: String,
    pub event: String,
    /// The event in plain Dutch.
    pub what: String,
    pub user: Option<String>,
    pub role: Option<String>,
    pub on_behalf_of: Option<String>,
    pub route: String,
    pub reason: Option<String>,
}

/// Everything Eropaf holds about one household (a household that asks together), or about one
/// resident (`person_id` set: `persons` holds that resident only, and every section only what
/// concerns them), for an access request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResidentExport {
    pub household_id: Id,
    /// The resident this export is for; none when the household asked together.
    pub person_id: Option<Id>,
    /// The residents who consented to a household export (every adult).
    pub consented: Vec<Id>,
    /// When the export was made (RFC 3339, UTC).
    pub made_at: String,
    pub address: String,
    pub buurt: String,
    pub support: String,
    pub multi_problem: bool,
    pub preferred_language: Option<String>,
    pub interpreter_needed: bool,
    pub network_approach: bool,
    pub culture_note: Option<String>,
    pub persons: Vec<ExportPerson>,
    pub signals: Vec<ExportSignal>,
    pub signal_cases: Vec<ExportSignalCase>,
    pub contact_attempts: Vec<ExportAttempt>,
    pub planned_contacts: Vec<ExportPlanned>,
    pub case_discussions: Vec<ExportDiscussion>,
    pub cases: Vec<ExportCase>,
    pub case_goals: Vec<ExportCaseItem>,
    pub case_steps: Vec<ExportCaseItem>,
    pub case_help: Vec<ExportCaseItem>,
    pub zrm_scores: Vec<ExportCaseItem>,
    pub referrals: Vec<ExportCaseItem>,
    pub referral_checks: Vec<ExportCaseItem>,
    pub case_journal: Vec<ExportJournal>,
    pub support_decisions: Vec<ExportSupportDecision>,
    pub network: Vec<ExportMember>,
    pub accesses: Vec<ExportAccess>,
    /// What a resident's own export holds back because it may concern a housemate (AVG art.
    /// 15(4)): confidential worries about the household, confidential contact notes, cases
    /// marked confidential. The privacy officer reviews each before it is given; a household
    /// export with every adult's consent holds nothing back.
    pub held_back: Vec<HeldBack>,
}

/// One item a resident's export held back for the privacy officer's review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HeldBack {
    /// What it is: `signaal`, `notitie` or `traject`.
    pub kind: &'static str,
    /// Its date (the signal date, the attempt's time, the case's opening), as stored.
    pub date: String,
    /// The case, for a case.
    pub case: Option<Id>,
}

impl HeldBack {
    pub(crate) fn signal(date: String) -> HeldBack {
        HeldBack { kind: "signaal", date, case: None }
    }
    pub(crate) fn note(date: String) -> HeldBack {
        HeldBack { kind: "notitie", date, case: None }
    }
    pub(crate) fn case(case: Id, date: String) -> HeldBack {
        HeldBack { kind: "traject", date, case: Some(case) }
    }

    /// In plain Dutch (or English) for the officer's page and the printed export.
    pub fn label(&self, nl: bool) -> &'static str {
        match (self.kind, nl) {
            ("signaal", true) => "De toelichting bij een vertrouwelijk signaal over het huishouden",
            ("signaal", false) => "The details of a confidential signal about the household",
            ("notitie", true) => "Een vertrouwelijke notitie bij een contactpoging",
            ("notitie", false) => "A confidential note on a contact attempt",
            (_, true) => "De inhoud van een vertrouwelijk traject (doelen, stappen, hulp, ZRM-scores, verwijzingen, journaal)",
            (_, false) => "The content of a confidential case (goals, steps, help, ZRM scores, referrals, journal)",
        }
    }
}

/// How the privacy officer finds a resident's file: by the address the resident gives, or by
/// the household number (from the audit trail or an earlier request).
#[derive(Debug, Clone)]
pub enum RightsLookup {
    Address(Postcode, HouseNumber),
    Household(Id),
}

/// One resident of a household found for a request: enough for the officer to tell who is who
/// against the resident's identity document (initials, birth date), and whether they are adult.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightsResident {
    pub id: Id,
    pub initials: String,
    pub birth_date: String,
    pub adult: bool,
}

/// A household found for a request, with its residents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RightsHousehold {
    pub id: Id,
    pub residents: Vec<RightsResident>,
}

pub(crate) fn privacy_officer_only(access: &Access<'_>) -> Result<(), StoreError> {
    if access.actor.role == Role::PrivacyOfficer { Ok(()) } else { Err(StoreError::Forbidden) }
}

/// Adult on the Dutch date of `now`: eighteen or older.
pub(crate) fn is_adult(birth_date: &str, now: time::OffsetDateTime) -> bool {
    let today = domain::local::dutch(now).date();
    let Ok(born) = time::Date::parse(birth_date, time::macros::format_description!("[year]-[month]-[day]")) else { return true };
    let years = today.year() - born.year() - i32::from((u8::from(today.month()), today.day()) < (u8::from(born.month()), born.day()));
    years >= 18
}

/// The officer's ground for an erasure: required, at most 500 characters.
pub(crate) fn erasure_reason(reason: &str) -> Result<String, StoreError> {
    let reason = domain::text::clean(reason);
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(StoreError::Invalid {
            field: "reden",
            message_nl: "Reden: geef in hoogstens 500 tekens de grond voor het wissen.".into(),
            message_en: "Reason: give the ground for erasure in at most 500 characters.".into(),
        });
    }
    Ok(reason.to_string())
}

impl Store {
    /// The households at an address (or with a number), with their residents' initials and
    /// birth dates, for the privacy officer who must find a resident's file for a request. Each
    /// resident shown is one search-hit record naming them (a household without residents, one
    /// naming the household).
    pub async fn rights_lookup(&self, access: &Access<'_>, query: &RightsLookup) -> Result<Vec<RightsHousehold>, StoreError> {
        privacy_officer_only(access)?;
        let mut tx = self.pool().begin().await?;
        let ids = match query {
            RightsLookup::Address(postcode, house_number) => crate::kernel::households::households_at(&mut tx, postcode, house_number).await?,
            RightsLookup::Household(id) => match tx.fetch_optional("SELECT id FROM households WHERE id = $1", &args![*id]).await? {
                Some(row) => vec![row.i64(0)?],
                None => {
                    return Err(StoreError::Invalid {
                        field: "huishouden",
                        message_nl: "Huishouden: er is geen huishouden met dit nummer.".into(),
                        message_en: "Household: there is no household with this number.".into(),
                    })
                }
            },
        };
        let mut found = Vec::new();
        let mut entries = Vec::new();
        for id in ids {
            let mut residents = Vec::new();
            for r in tx.fetch_all("SELECT id, initials, birth_date FROM persons WHERE household_id = $1 ORDER BY birth_date, id", &args![id]).await? {
                let birth_date = r.text(2)?;
                residents.push(RightsResident { id: r.i64(0)?, initials: r.text(1)?, adult: is_adult(&birth_date, access.now), birth_date });
            }
            if residents.is_empty() {
                entries.push(audit::Entry::of(access, AuditEvent::HouseholdSearchHit, Some(id), None));
            }
            entries.extend(residents.iter().map(|p| audit::Entry::of(access, AuditEvent::HouseholdSearchHit, Some(id), Some(p.id))));
            found.push(RightsHousehold { id, residents });
        }
        audit::append(&mut tx, &entries).await?;
        tx.commit().await?;
        Ok(found)
    }
}
