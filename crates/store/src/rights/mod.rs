//! Residents' rights under the AVG, carried out by the privacy officer: the access request
//! (art. 15: everything recorded about a household, and who looked at it and why) and erasure
//! (art. 17). Both are audited; erasure leaves the audit chain whole and verifiable.

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
    pub reported_name: String,
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
    pub name: String,
    pub relation: Option<String>,
    pub reach: Option<String>,
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

/// Who looked at or changed the file, when, through which route and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportAccess {
    pub at: String,
    pub event: String,
    pub user: Option<String>,
    pub role: Option<String>,
    pub on_behalf_of: Option<String>,
    pub route: String,
    pub reason: Option<String>,
}

/// Everything Eropaf holds about one household, for an access request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResidentExport {
    pub household_id: Id,
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
    pub network: Vec<ExportMember>,
    pub accesses: Vec<ExportAccess>,
}

/// How the privacy officer finds a resident's file: by the address the resident gives, or by
/// the household number (from the audit trail or an earlier request).
#[derive(Debug, Clone)]
pub enum RightsLookup {
    Address(Postcode, HouseNumber),
    Household(Id),
}

fn privacy_officer_only(access: &Access<'_>) -> Result<(), StoreError> {
    if access.actor.role == Role::PrivacyOfficer { Ok(()) } else { Err(StoreError::Forbidden) }
}

impl Store {
    /// The households at an address, for the privacy officer who must find a resident's file
    /// for an access or erasure request: their numbers only, each hit audited as a search hit.
    pub async fn rights_lookup(&self, access: &Access<'_>, query: &RightsLookup) -> Result<Vec<Id>, StoreError> {
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
        audit::record_households(&mut tx, access, AuditEvent::HouseholdSearchHit, &ids).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// The complete file of a household (AVG art. 15), audited as an export.
    pub async fn export_household(&self, access: &Access<'_>, household_id: Id) -> Result<ResidentExport, StoreError> {
        privacy_officer_only(access)?;
        let mut tx = self.pool().begin().await?;
        let h = tx
            .fetch_optional(
                "SELECT h.support, h.multi_problem, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality, b.name \
                 FROM households h JOIN addresses a ON a.id = h.address_id JOIN neighbourhoods b ON b.code = a.buurt_code WHERE h.id = $1",
                &args![household_id],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let address = format!(
            "{} {}{}{}, {} {}",
            h.text(2)?,
            h.i64(3)?,
            h.opt_text(4)?.unwrap_or_default(),
            h.opt_text(5)?.map(|a| format!("-{a}")).unwrap_or_default(),
            h.text(6)?,
            h.text(7)?
        );
        let mut persons = Vec::new();
        for r in tx
            .fetch_all("SELECT id, given_names, surname_prefix, surname, birth_date, bsn, phone FROM persons WHERE household_id = $1 ORDER BY id", &args![household_id])
            .await?
        {
            persons.push(ExportPerson {
                id: r.i64(0)?,
                given_names: r.text(1)?,
                surname_prefix: r.text(2)?,
                surname: r.text(3)?,
                birth_date: r.text(4)?,
                bsn: r.opt_text(5)?,
                phone: r.opt_text(6)?,
            });
        }
        let mut signals = Vec::new();
        for r in tx
            .fetch_all(
                "SELECT s.id, p.name, s.kind, s.channel, s.status, s.signal_date, s.amount_eur, s.crisis, s.reported_name, s.reported_address, s.concern, \
                 s.link_state, s.warm_handover, s.reporter_type FROM signals s LEFT JOIN partners p ON p.id = s.partner_id WHERE s.household_id = $1 ORDER BY s.signal_date, s.id",
                &args![household_id],
            )
            .await?
        {
            signals.push(ExportSignal {
                id: r.i64(0)?,
                partner: r.opt_text(1)?,
                kind: r.text(2)?,
                channel: r.text(3)?,
                status: r.text(4)?,
                signal_date: r.text(5)?,
                amount_eur: r.opt_i64(6)?,
                crisis: r.bool(7)?,
                reported_name: r.text(8)?,
                reported_address: r.text(9)?,
                concern: r.opt_text(10)?,
                link_state: r.text(11)?,
                warm_handover: r.bool(12)?,
                reporter_type: r.opt_text(13)?,
            });
        }
        let mut signal_cases = Vec::new();
        for r in tx
            .fetch_all(
                "SELECT sc.id, sc.opened_at, sc.stage, sc.due_date, sc.crisis, u.display_name, sc.picked_up_on, sc.closed_on, sc.end_result \
                 FROM signal_cases sc LEFT JOIN users u ON u.id = sc.worker_id WHERE sc.household_id = $1 ORDER BY sc.opened_at, sc.id",
                &args![household_id],
            )
            .await?
        {
            let id = r.i64(0)?;
            let mut weighings = Vec::new();
            for w in tx
                .fetch_all(
                    "SELECT w.at, u.display_name, w.grounds, w.why_go, w.why_not, w.proportionality, w.safety, w.models, w.approach, w.companion, w.decision \
                     FROM signal_weighings w LEFT JOIN users u ON u.id = w.user_id WHERE w.signal_case_id = $1 ORDER BY w.at, w.id",
                    &args![id],
                )
                .await?
            {
                weighings.push(ExportWeighing {
                    at: w.text(0)?,
                    by: w.opt_text(1)?,
                    grounds: w.text(2)?,
                    why_go: w.text(3)?,
                    why_not: w.opt_text(4)?,
                    proportionality: w.text(5)?,
                    safety: w.text(6)?,
                    models: w.text(7)?,
                    approach: w.text(8)?,
                    companion: w.text(9)?,
                    decision: w.text(10)?,
                });
            }
            signal_cases.push(ExportSignalCase {
                id,
                opened_at: r.text(1)?,
                stage: r.text(2)?,
                due_date: r.text(3)?,
                crisis: r.bool(4)?,
                worker: r.opt_text(5)?,
                picked_up_on: r.opt_text(6)?,
                closed_on: r.opt_text(7)?,
                end_result: r.opt_text(8)?,
                weighings,
            });
        }
        let attempt = |r: &crate::kernel::db::Row| -> Result<ExportAttempt, StoreError> {
            Ok(ExportAttempt { at: r.text(0)?, kind: r.text(1)?, day_part: r.text(2)?, reached: r.bool(3)?, worker: r.opt_text(4)?, note: r.opt_text(5)?, outcome: r.opt_text(6)? })
        };
        let contact_attempts = tx
            .fetch_all(
                "SELECT c.at, c.kind, c.day_part, c.reached, u.display_name, c.note, c.outcome FROM contact_attempts c LEFT JOIN users u ON u.id = c.worker_id \
                 WHERE c.household_id = $1 ORDER BY c.at, c.id",
                &args![household_id],
            )
            .await?
            .iter()
            .map(attempt)
            .collect::<Result<Vec<_>, _>>()?;
        let planned_contacts = tx
            .fetch_all(
                "SELECT pc.planned_for, pc.kind, pc.day_part, u.display_name, pc.proposed, pc.override_reason FROM planned_contacts pc LEFT JOIN users u ON u.id = pc.worker_id \
                 WHERE pc.household_id = $1 ORDER BY pc.planned_for, pc.id",
                &args![household_id],
            )
            .await?
            .iter()
            .map(|r| Ok(ExportPlanned { planned_for: r.text(0)?, kind: r.text(1)?, day_part: r.text(2)?, worker: r.opt_text(3)?, proposed: r.bool(4)?, reason: r.opt_text(5)? }))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let case_discussions = tx
            .fetch_all("SELECT added_at, failures, discussed_at FROM case_discussions WHERE household_id = $1 ORDER BY added_at, id", &args![household_id])
            .await?
            .iter()
            .map(|r| Ok(ExportDiscussion { added_at: r.text(0)?, failures: r.i64(1)?, discussed_at: r.opt_text(2)? }))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut cases = Vec::new();
        for r in tx
            .fetch_all("SELECT id, opened, closed, phase, lasting_contact, close_reason, close_note FROM cases WHERE household_id = $1 ORDER BY opened, id", &args![household_id])
            .await?
        {
            let id = r.i64(0)?;
            let models = tx.fetch_all("SELECT model FROM case_models WHERE case_id = $1 ORDER BY model", &args![id]).await?.iter().map(|m| m.text(0)).collect::<Result<Vec<_>, _>>()?;
            let zrm_domains = tx.fetch_all("SELECT domain FROM case_domains WHERE case_id = $1 ORDER BY domain", &args![id]).await?.iter().map(|m| m.text(0)).collect::<Result<Vec<_>, _>>()?;
            cases.push(ExportCase {
                id,
                opened: r.text(1)?,
                closed: r.opt_text(2)?,
                models,
                phase: r.text(3)?,
                lasting_contact: r.bool(4)?,
                close_reason: r.opt_text(5)?,
                close_note: r.opt_text(6)?,
                zrm_domains,
            });
        }
        // Each query: case, date, what, who (or null), until (or null).
        let in_cases = "c.household_id = $1";
        let mut items = Vec::new();
        for sql in [
            format!("SELECT g.case_id, g.added_on, g.words, NULL, g.reached_on FROM case_goals g JOIN cases c ON c.id = g.case_id WHERE {in_cases} ORDER BY g.added_on, g.id"),
            format!("SELECT s.case_id, s.due_on, s.what, s.who, s.done_on FROM case_steps s JOIN cases c ON c.id = s.case_id WHERE {in_cases} ORDER BY s.due_on, s.id"),
            format!("SELECT p.case_id, p.given_on, p.what, NULL, NULL FROM case_help p JOIN cases c ON c.id = p.case_id WHERE {in_cases} ORDER BY p.given_on, p.id"),
            format!(
                "SELECT z.case_id, z.assessed_on, s.domain || ': ' || CAST(s.score AS TEXT), NULL, NULL FROM zrm_assessments z JOIN zrm_scores s ON s.assessment_id = z.id \
                 JOIN cases c ON c.id = z.case_id WHERE {in_cases} ORDER BY z.assessed_on, z.id, s.domain"
            ),
            "SELECT r.case_id, r.referred_on, r.target || ': ' || r.organisation || ' (' || r.reason || ')', r.handover_with, COALESCE(r.started_on, r.ended_on) \
             FROM referrals r WHERE r.household_id = $1 ORDER BY r.referred_on, r.id"
                .to_string(),
            "SELECT r.case_id, k.checked_on, k.outcome || COALESCE(': ' || k.note, ''), NULL, NULL FROM referral_checks k JOIN referrals r ON r.id = k.referral_id \
             WHERE r.household_id = $1 ORDER BY k.checked_on, k.id"
                .to_string(),
        ] {
            let rows = tx.fetch_all(&sql, &args![household_id]).await?;
            items.push(
                rows.iter()
                    .map(|r| Ok(ExportCaseItem { case: r.i64(0)?, date: r.text(1)?, what: r.text(2)?, who: r.opt_text(3)?, until: r.opt_text(4)? }))
                    .collect::<Result<Vec<_>, StoreError>>()?,
            );
        }
        let [case_goals, case_steps, case_help, zrm_scores, referrals, referral_checks]: [Vec<ExportCaseItem>; 6] =
            items.try_into().map_err(|_| StoreError::corrupt("export sections"))?;
        let network = tx
            .fetch_all("SELECT role, name, relation, reach FROM network_members WHERE household_id = $1 ORDER BY role, id", &args![household_id])
            .await?
            .iter()
            .map(|r| Ok(ExportMember { role: r.text(0)?, name: r.text(1)?, relation: r.opt_text(2)?, reach: r.opt_text(3)? }))
            .collect::<Result<Vec<_>, StoreError>>()?;
        // The export itself is the last access the resident will see.
        audit::record(&mut tx, access, AuditEvent::HouseholdExport, Some(household_id), None).await?;
        let mut accesses = Vec::new();
        for r in tx
            .fetch_all(
                "SELECT e.at, e.event, u.display_name, u.role, e.on_behalf_of, e.route, e.reason FROM audit_events e LEFT JOIN users u ON u.id = e.user_id \
                 WHERE e.household_id = $1 ORDER BY e.seq",
                &args![household_id],
            )
            .await?
        {
            accesses.push(ExportAccess {
                at: r.text(0)?,
                event: r.text(1)?,
                user: r.opt_text(2)?,
                role: r.opt_text(3)?,
                on_behalf_of: r.opt_text(4)?,
                route: r.text(5)?,
                reason: r.opt_text(6)?,
            });
        }
        let language = crate::kernel::households::language_notes(&mut tx, household_id).await?;
        tx.commit().await?;
        Ok(ResidentExport {
            household_id,
            address,
            buurt: h.text(8)?,
            support: h.text(0)?,
            multi_problem: h.bool(1)?,
            preferred_language: language.preferred_language,
            interpreter_needed: language.interpreter_needed,
            network_approach: language.network_approach,
            culture_note: language.culture_note,
            persons,
            signals,
            signal_cases,
            contact_attempts,
            planned_contacts,
            case_discussions,
            cases,
            case_goals,
            case_steps,
            case_help,
            zrm_scores,
            referrals,
            referral_checks,
            network,
            accesses,
        })
    }

    /// Erases a household and everything about it (AVG art. 17), all or nothing. Refused while
    /// a case is open, because the help under way is a legal ground to keep the file. The audit
    /// records stay (they hold ids, not content), so the chain still verifies.
    pub async fn erase_household(&self, access: &Access<'_>, household_id: Id, reason: &str) -> Result<(), StoreError> {
        privacy_officer_only(access)?;
        let reason = domain::text::clean(reason);
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(StoreError::Invalid {
                field: "reden",
                message_nl: "Reden: geef in hoogstens 500 tekens de grond voor het wissen.".into(),
                message_en: "Reason: give the ground for erasure in at most 500 characters.".into(),
            });
        }
        let mut tx = self.pool().begin().await?;
        let address_id = tx.fetch_optional("SELECT address_id FROM households WHERE id = $1", &args![household_id]).await?.ok_or(StoreError::NotFound)?.i64(0)?;
        if tx.fetch_i64("SELECT COUNT(*) FROM cases WHERE household_id = $1 AND closed IS NULL", &args![household_id]).await? > 0 {
            return Err(StoreError::Invalid {
                field: "traject",
                message_nl: "Er loopt nog een traject met dit huishouden; sluit dat eerst af.".into(),
                message_en: "A case with this household is still open; close it first.".into(),
            });
        }
        for sql in [
            "DELETE FROM signals WHERE household_id = $1",
            "DELETE FROM contact_attempts WHERE household_id = $1",
            "DELETE FROM planned_contacts WHERE household_id = $1",
            "DELETE FROM case_discussions WHERE household_id = $1",
            "DELETE FROM referrals WHERE household_id = $1",
            "DELETE FROM cases WHERE household_id = $1",
            "DELETE FROM network_members WHERE household_id = $1",
            "DELETE FROM persons WHERE household_id = $1",
            "DELETE FROM households WHERE id = $1",
        ] {
            tx.execute(sql, &args![household_id]).await?;
        }
        tx.execute("DELETE FROM addresses WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM households WHERE address_id = $1)", &args![address_id]).await?;
        let mut entry = audit::Entry::of(access, AuditEvent::HouseholdErase, Some(household_id), None);
        entry.reason = Some(reason.to_string());
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await?;
        tracing::info!(household_id, "household erased");
        Ok(())
    }
}
