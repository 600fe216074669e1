//! The access export (AVG art. 15), of one resident or of a household that asks together: one
//! builder, narrowed by [`Scope`] in its queries, so what a resident's export leaves out (a
//! housemate's data, signals about a housemate and their signal cases, the trail's records that
//! name a housemate, the network's names, an informal reporter) is left out in one place.

use super::*;
use crate::kernel::db::Tx;
use crate::kernel::time_fmt;

/// Whose export: one resident, or the household with the residents who consented.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Person(Id),
    Household(&'a [Id]),
}

impl Scope<'_> {
    fn person(&self) -> Option<Id> {
        match self {
            Scope::Person(p) => Some(*p),
            Scope::Household(_) => None,
        }
    }
}

impl Store {
    /// The file of a household that asks together (AVG art. 15): refused unless every adult of
    /// the household consented (`consented`: their person numbers), and the consent is stored
    /// with the request. Audited as a household export naming who consented.
    pub async fn export_household(&self, access: &Access<'_>, household_id: Id, consented: &[Id]) -> Result<ResidentExport, StoreError> {
        privacy_officer_only(access)?;
        let mut tx = self.pool().begin().await?;
        tx.fetch_optional("SELECT id FROM households WHERE id = $1", &args![household_id]).await?.ok_or(StoreError::NotFound)?;
        let mut members = Vec::new();
        let mut missing = Vec::new();
        for r in tx.fetch_all("SELECT id, birth_date FROM persons WHERE household_id = $1 ORDER BY id", &args![household_id]).await? {
            let id = r.i64(0)?;
            members.push(id);
            if is_adult(&r.text(1)?, access.now) && !consented.contains(&id) {
                missing.push(id.to_string());
            }
        }
        if consented.iter().any(|c| !members.contains(c)) {
            return Err(invalid_consent("Toestemming: alleen bewoners van dit huishouden kunnen instemmen.", "Consent: only residents of this household can consent."));
        }
        if !missing.is_empty() {
            let list = missing.join(", ");
            return Err(invalid_consent(
                &format!("Toestemming: een inzage voor het hele huishouden vraagt de toestemming van alle volwassen bewoners; die van bewoner {list} ontbreekt. Een bewoner die alleen voor zichzelf vraagt, krijgt een inzage per bewoner."),
                &format!("Consent: an export for the whole household needs the consent of every adult resident; resident {list} has not consented. A resident who asks for themselves gets an export per resident."),
            ));
        }
        let mut consent: Vec<Id> = consented.to_vec();
        consent.sort_unstable();
        consent.dedup();
        let at = time_fmt::instant(access.now);
        for person in &consent {
            tx.execute(
                "INSERT INTO rights_consents (household_id, person_id, requested_at, officer_id) VALUES ($1, $2, $3, $4)",
                &args![household_id, *person, at.as_str(), access.actor.user_id],
            )
            .await?;
        }
        let mut entry = audit::Entry::of(access, AuditEvent::HouseholdExport, Some(household_id), None);
        entry.reason = Some(format!("toestemming van bewoner {}", consent.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")));
        audit::append(&mut tx, &[entry]).await?;
        let export = build(&mut tx, access, household_id, Scope::Household(&consent)).await?;
        tx.commit().await?;
        Ok(export)
    }

    /// One resident's own file (AVG art. 15): their data, the household data that concerns them
    /// (address, shared contact attempts, case work, the signals and signal cases that are not
    /// about another resident) and who accessed it and why — never a housemate's name, birth
    /// date, BSN or phone, a signal about a housemate, or an informal reporter. Audited as a
    /// person export.
    pub async fn export_person(&self, access: &Access<'_>, person_id: Id) -> Result<ResidentExport, StoreError> {
        privacy_officer_only(access)?;
        let mut tx = self.pool().begin().await?;
        let household_id = tx.fetch_optional("SELECT household_id FROM persons WHERE id = $1", &args![person_id]).await?.ok_or(StoreError::NotFound)?.i64(0)?;
        audit::record(&mut tx, access, AuditEvent::PersonExport, Some(household_id), Some(person_id)).await?;
        let export = build(&mut tx, access, household_id, Scope::Person(person_id)).await?;
        tx.commit().await?;
        Ok(export)
    }
}

fn invalid_consent(nl: &str, en: &str) -> StoreError {
    StoreError::Invalid { field: "toestemming", message_nl: nl.into(), message_en: en.into() }
}

/// Reads the file inside the export's transaction (its audit record is written already, so the
/// export is the last access the resident sees).
async fn build(tx: &mut Tx, access: &Access<'_>, household_id: Id, scope: Scope<'_>) -> Result<ResidentExport, StoreError> {
    // $1 is always the household; $2 the resident (0 for a household, which no person has).
    let person = scope.person().unwrap_or(0);
    let hp = args![household_id, person];
    let one = scope.person().is_some();
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
    let persons_sql = if one {
        "SELECT id, given_names, surname_prefix, surname, birth_date, bsn, phone FROM persons WHERE household_id = $1 AND id = $2 ORDER BY id"
    } else {
        "SELECT id, given_names, surname_prefix, surname, birth_date, bsn, phone FROM persons WHERE household_id = $1 AND $2 = 0 ORDER BY id"
    };
    let mut persons = Vec::new();
    for r in tx.fetch_all(persons_sql, &hp).await? {
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
    // A signal is in a resident's export when it is about them or about the household as a whole.
    let signal_in_scope = if one { "(s.person_id = $2 OR s.person_id IS NULL)" } else { "$2 = 0" };
    let mut signals = Vec::new();
    let mut held_back = Vec::new();
    for r in tx
        .fetch_all(
            &format!(
                "SELECT s.id, p.name, s.kind, s.channel, s.status, s.signal_date, s.amount_eur, s.crisis, s.reported_name, s.reported_address, s.concern, \
                 s.link_state, s.warm_handover, s.reporter_type, s.person_id, {} FROM signals s LEFT JOIN partners p ON p.id = s.partner_id \
                 WHERE s.household_id = $1 AND {signal_in_scope} ORDER BY s.signal_date, s.id",
                crate::kernel::sensitive::signal_sensitive!()
            ),
            &hp,
        )
        .await?
    {
        let about_them = !one || r.opt_i64(14)? == Some(person);
        // A confidential worry about the household as a whole may be about a housemate (AVG
        // art. 15(4)): held back for the privacy officer's review.
        let hold = one && !about_them && r.bool(15)?;
        if hold {
            held_back.push(HeldBack::signal(r.text(5)?));
        }
        signals.push(ExportSignal {
            id: r.i64(0)?,
            partner: r.opt_text(1)?,
            kind: r.text(2)?,
            channel: r.text(3)?,
            status: r.text(4)?,
            signal_date: r.text(5)?,
            amount_eur: r.opt_i64(6)?,
            crisis: r.bool(7)?,
            reported_name: if about_them { Some(r.text(8)?) } else { None },
            reported_address: r.text(9)?,
            concern: if hold { None } else { r.opt_text(10)? },
            link_state: r.text(11)?,
            warm_handover: r.bool(12)?,
            reporter_type: r.opt_text(13)?,
        });
    }
    // A signal case is left out of a resident's export when every signal in it is about another
    // resident: its weighing is about them.
    let case_in_scope = if one {
        "NOT (EXISTS (SELECT 1 FROM signals x WHERE x.signal_case_id = sc.id) \
         AND NOT EXISTS (SELECT 1 FROM signals x WHERE x.signal_case_id = sc.id AND (x.person_id = $2 OR x.person_id IS NULL)))"
    } else {
        "$2 = 0"
    };
    let mut signal_cases = Vec::new();
    for r in tx
        .fetch_all(
            &format!(
                "SELECT sc.id, sc.opened_at, sc.stage, sc.due_date, sc.crisis, u.display_name, sc.picked_up_on, sc.closed_on, sc.end_result \
                 FROM signal_cases sc LEFT JOIN users u ON u.id = sc.worker_id WHERE sc.household_id = $1 AND {case_in_scope} ORDER BY sc.opened_at, sc.id"
            ),
            &hp,
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
    let mut contact_attempts = Vec::new();
    for r in tx
        .fetch_all(
            "SELECT c.at, c.kind, c.day_part, c.reached, u.display_name, c.note, c.outcome, c.sensitive IS NOT NULL FROM contact_attempts c LEFT JOIN users u ON u.id = c.worker_id \
             WHERE c.household_id = $1 ORDER BY c.at, c.id",
            &args![household_id],
        )
        .await?
    {
        // A confidential note in a resident's own export: held back for review (art. 15(4)).
        let hold = one && r.bool(7)? && r.opt_text(5)?.is_some();
        if hold {
            held_back.push(HeldBack::note(r.text(0)?));
        }
        let note = if hold { None } else { r.opt_text(5)? };
        contact_attempts.push(ExportAttempt { at: r.text(0)?, kind: r.text(1)?, day_part: r.text(2)?, reached: r.bool(3)?, worker: r.opt_text(4)?, note, outcome: r.opt_text(6)? });
    }
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
    let (mut cases, mut held_cases) = (Vec::new(), Vec::new());
    for r in tx
        .fetch_all("SELECT id, opened, closed, phase, lasting_contact, close_reason, close_note, sensitive IS NOT NULL FROM cases WHERE household_id = $1 ORDER BY opened, id", &args![household_id])
        .await?
    {
        let id = r.i64(0)?;
        // A case marked confidential is the household's: in one resident's export its content
        // (goals, steps, help, ZRM scores, referrals, journal, closing note) waits for review.
        let hold = one && r.bool(7)?;
        if hold {
            held_cases.push(id);
            held_back.push(HeldBack::case(id, r.text(1)?));
        }
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
            close_note: if hold { None } else { r.opt_text(6)? },
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
        let mut kept = Vec::new();
        for r in &rows {
            let case = r.i64(0)?;
            if !held_cases.contains(&case) {
                kept.push(ExportCaseItem { case, date: r.text(1)?, what: r.text(2)?, who: r.opt_text(3)?, until: r.opt_text(4)? });
            }
        }
        items.push(kept);
    }
    let [case_goals, case_steps, case_help, zrm_scores, referrals, referral_checks]: [Vec<ExportCaseItem>; 6] =
        items.try_into().map_err(|_| StoreError::corrupt("export sections"))?;
    let case_journal = tx
        .fetch_all(
            "SELECT j.case_id, j.at, u.display_name, j.body FROM case_journal j JOIN cases c ON c.id = j.case_id LEFT JOIN users u ON u.id = j.author_id \
             WHERE c.household_id = $1 ORDER BY j.at, j.id",
            &args![household_id],
        )
        .await?
        .iter()
        .map(|r| Ok(ExportJournal { case: r.i64(0)?, at: r.text(1)?, by: r.opt_text(2)?, body: r.text(3)? }))
        .collect::<Result<Vec<_>, StoreError>>()?
        .into_iter()
        .filter(|j| !held_cases.contains(&j.case))
        .collect();
    let support_decisions = tx
        .fetch_all(
            "SELECT d.decided_at, d.support, d.multi_problem, d.reason, u.display_name FROM support_decisions d LEFT JOIN users u ON u.id = d.decided_by \
             WHERE d.household_id = $1 ORDER BY d.decided_at, d.id",
            &args![household_id],
        )
        .await?
        .iter()
        .map(|r| Ok(ExportSupportDecision { at: r.text(0)?, support: r.text(1)?, multi_problem: r.bool(2)?, reason: r.text(3)?, by: r.opt_text(4)? }))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let network = tx
        .fetch_all("SELECT role, name, relation, reach FROM network_members WHERE household_id = $1 ORDER BY role, id", &args![household_id])
        .await?
        .iter()
        .map(|r| {
            Ok(ExportMember {
                role: r.text(0)?,
                name: if one { None } else { Some(r.text(1)?) },
                relation: r.opt_text(2)?,
                reach: if one { None } else { r.opt_text(3)? },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    // The trail: the records naming the household and not another resident, or naming them.
    let trail_in_scope = if one { "((e.household_id = $1 AND (e.person_id IS NULL OR e.person_id = $2)) OR e.person_id = $2)" } else { "(e.household_id = $1 AND $2 = 0)" };
    let mut accesses = Vec::new();
    for r in tx
        .fetch_all(
            &format!(
                "SELECT MIN(e.at), e.event, u.display_name, u.role, e.on_behalf_of, e.route, e.reason, MIN(e.seq) FROM audit_events e LEFT JOIN users u ON u.id = e.user_id \
                 WHERE {trail_in_scope} GROUP BY e.at, e.event, e.user_id, u.display_name, u.role, e.on_behalf_of, e.route, e.reason ORDER BY MIN(e.seq)"
            ),
            &hp,
        )
        .await?
    {
        let event = r.text(1)?;
        accesses.push(ExportAccess {
            at: r.text(0)?,
            what: AuditEvent::label_of(&event, true).to_string(),
            event,
            user: r.opt_text(2)?,
            role: r.opt_text(3)?,
            on_behalf_of: r.opt_text(4)?,
            route: r.text(5)?,
            reason: r.opt_text(6)?,
        });
    }
    let language = crate::kernel::households::language_notes(tx, household_id).await?;
    Ok(ResidentExport {
        household_id,
        person_id: scope.person(),
        consented: match scope {
            Scope::Household(c) => c.to_vec(),
            Scope::Person(_) => Vec::new(),
        },
        made_at: time_fmt::instant(access.now),
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
        case_journal,
        support_decisions,
        network,
        accesses,
        held_back,
    })
}
