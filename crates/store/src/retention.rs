//! Retention per data category (AVG art. 5(1)(e)) and the purge job that carries it out, and
//! the processing register (art. 30) generated from the same categories.
//!
//! Outreach data is kept only as long as its purpose needs it: a signal that led to nothing, a
//! contact attempt outside a case, a closed case each have a term, counted from their own date.
//! While a household has an open case, or a case closed within the case term, its signals and
//! contact history belong to that case file and stay. The base registry (households, persons,
//! addresses, taken over from the BRP) is not purged by term: it follows the registration, and
//! erasure on request is `rights::erase_household`. The audit trail is not purged: it is the
//! accountability for all of the above (NEN 7513: at least five years).
//!
//! Every purge writes, in its own transaction, one audit record per household it touched,
//! with what was removed and why, so the chain stays verifiable and the privacy officer sees it.

use crate::kernel::audit::{self, Entry};
use crate::kernel::time_fmt;
use crate::{args, Store, StoreError};
use crate::kernel::db::{Tx, Value};
use domain::model::{EndResult, Id};
use serde::Serialize;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

pub use crate::kernel::policy::RetentionPolicy;

/// What one purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    pub cases: u64,
    pub signals: u64,
    pub contact_attempts: u64,
    pub planned_contacts: u64,
    pub signal_cases: u64,
    /// Households whose data was touched (one audit record each).
    pub households: u64,
    /// Ended sessions and old login failures and attempt counters (no personal data about residents).
    pub sessions: u64,
    pub login_failures: u64,
}

/// One category of personal data, as the processing register lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Category {
    pub key: &'static str,
    pub name: (&'static str, &'static str),
    pub data: (&'static str, &'static str),
    pub subjects: (&'static str, &'static str),
    pub purpose: (&'static str, &'static str),
    pub legal_basis: (&'static str, &'static str),
    pub recipients: (&'static str, &'static str),
}

/// The categories of personal data Eropaf processes. The register pairs each with its term.
pub const CATEGORIES: &[Category] = &[
    Category {
        key: "basis",
        name: ("Huishoudens en bewoners", "Households and residents"),
        data: ("naam, geboortedatum, adres, telefoon, BSN (als bekend)", "name, birth date, address, phone, BSN (when known)"),
        subjects: ("bewoners van het werkgebied", "residents of the area"),
        purpose: ("weten wie er woont, om signalen aan het juiste huishouden te koppelen", "knowing who lives where, to link signals to the right household"),
        legal_basis: ("wettelijke taak (AVG art. 6 lid 1 sub e; Wmo 2015, Wgs)", "public task (GDPR art. 6(1)(e); Wmo 2015, Wgs)"),
        recipients: ("het wijkteam van het gebied", "the neighbourhood team of the area"),
    },
    Category {
        key: "signalen",
        name: ("Signalen", "Signals"),
        data: (
            "zorg of achterstand, bedrag, melder, datum, status, het eigen kenmerk van de signaalpartner; de weging van het team (grond, waarom, besluit, datum om opnieuw te kijken, wie woog en wie bevestigde); of de melder iets terug hoorde (alleen welke korte boodschap, nooit de inhoud)",
            "concern or arrears, amount, reporter, date, status, the signal partner's own reference; the team's weighing (ground, why, decision, date to look again, who weighed and who confirmed); whether the reporter heard back (only which short message, never the content)",
        ),
        subjects: ("bewoners over wie een signaal binnenkwam", "residents a signal was about"),
        purpose: ("vroegsignalering: beoordelen of het team erop af gaat", "early warning: weighing whether the team goes"),
        legal_basis: ("wettelijke taak (Wgs art. 3a, 4a; Wmo 2015)", "public task (Wgs art. 3a, 4a; Wmo 2015)"),
        recipients: ("het wijkteam; de melder ziet alleen de status van eigen signalen", "the team; the reporter sees only the status of its own signals"),
    },
    Category {
        key: "contact",
        name: ("Contactpogingen en afspraken", "Contact attempts and appointments"),
        data: (
            "soort contact, moment, dagdeel (Nederlandse tijd), bereikt, korte notitie; de reden van een crisisbezoek vóór de weging; wat het casusoverleg besloot",
            "kind of contact, time, part of the day (Dutch time), reached, short note; the reason for a crisis visit before the weighing; what the case discussion decided",
        ),
        subjects: ("bewoners die het team probeert te bereiken", "residents the team tries to reach"),
        purpose: ("outreach: volhouden tot er contact is", "outreach: persisting until there is contact"),
        legal_basis: ("wettelijke taak (Wmo 2015, Wgs)", "public task (Wmo 2015, Wgs)"),
        recipients: ("het wijkteam", "the neighbourhood team"),
    },
    Category {
        key: "trajecten",
        name: ("Trajecten", "Cases"),
        data: (
            "doelen, stappen, praktische hulp, fase, werkwijze, ZRM-scores van de relevante domeinen, verwijzingen, zorgen (ook bijzondere persoonsgegevens); het journaal (gedateerde aantekeningen met de naam van wie schreef); het netwerk (naam, rol, hoe te bereiken)",
            "goals, steps, practical help, phase, approach, ZRM scores of the relevant domains, referrals, concerns (including special categories); the journal (dated notes with the author's name); the network (name, role, how to reach)",
        ),
        subjects: ("bewoners met wie het team werkt; mensen in hun netwerk", "residents the team works with; people in their network"),
        purpose: ("hulp bieden en volgen", "giving and following help"),
        legal_basis: ("wettelijke taak; art. 9 lid 2 sub h/g AVG met Wmo 2015", "public task; GDPR art. 9(2)(h)/(g) with Wmo 2015"),
        recipients: ("het wijkteam; partners alleen bij een warme overdracht met toestemming", "the team; partners only on a warm handover with consent"),
    },
    Category {
        key: "bijzonder",
        name: ("Bijzondere en strafrechtelijke persoonsgegevens (AVG art. 9 en 10)", "Special categories and criminal-law data (GDPR art. 9 and 10)"),
        data: (
            "wat een signaal, een contactnotitie of een traject zegt over huiselijk geweld en de veiligheid van kinderen, psychiatrie, verslaving of justitie; een signaal over huiselijk geweld is dat altijd, de werker of partner markeert de rest",
            "what a signal, a contact note or a case says about domestic violence and child safety, psychiatry, addiction or justice; a domestic-violence signal always is, the worker or partner marks the rest",
        ),
        subjects: ("bewoners over wie het gaat; soms huisgenoten", "the residents concerned; sometimes housemates"),
        purpose: ("hulp bieden waar het nodig is, zonder dat het hele team meeleest", "giving help where it is needed, without the whole team reading along"),
        legal_basis: (
            "art. 9 lid 2 sub g en h AVG met de Wmo 2015 en de Wet verplichte meldcode; art. 10 AVG met art. 33 UAVG",
            "GDPR art. 9(2)(g) and (h) with Wmo 2015 and the mandatory reporting code act; GDPR art. 10 with art. 33 UAVG",
        ),
        recipients: (
            "alleen de werker op het (signaal)traject van het huishouden en de teamleider; een ervaringsdeskundige als de werker het deelt; een collega van de wijk na noodtoegang met reden (vastgelegd, tot het einde van de werkdag, zichtbaar voor de privacyfunctionaris)",
            "only the worker on the household's (signal) case and the team lead; an experience expert when the worker shares it; a colleague of the wijk after breaking the glass with a reason (recorded, until the end of the working day, visible to the privacy officer)",
        ),
    },
    Category {
        key: "audit",
        name: ("Auditspoor", "Audit trail"),
        data: ("wie welk dossier inzag of wijzigde, wanneer, waarom", "who read or changed which file, when, why"),
        subjects: ("bewoners en medewerkers", "residents and staff"),
        purpose: ("verantwoording en toezicht op toegang (NEN 7513)", "accountability and oversight of access (NEN 7513)"),
        legal_basis: ("wettelijke verplichting (AVG art. 5 lid 2, art. 32)", "legal obligation (GDPR art. 5(2), art. 32)"),
        recipients: ("de privacyfunctionaris", "the privacy officer"),
    },
    Category {
        key: "rechten",
        name: ("Verzoeken van bewoners (inzage en wissen)", "Residents' requests (access and erasure)"),
        data: (
            "per verzoek: welke bewoner of welk huishouden, wanneer, door welke privacyfunctionaris; bij een inzage voor het hele huishouden wie van de volwassen bewoners instemde (nummers, geen namen); bij het nagaan van het auditspoor de notitie van de privacyfunctionaris",
            "per request: which resident or household, when, by which privacy officer; for an export of the whole household which adult residents consented (numbers, no names); when reviewing the audit trail the privacy officer's note",
        ),
        subjects: ("bewoners die om inzage of wissen vragen; medewerkers wier toegang is nagegaan", "residents asking for access or erasure; staff whose access was reviewed"),
        purpose: (
            "de rechten van bewoners per persoon uitvoeren (AVG art. 15 en 17): een bewoner ziet wat over hem of haar is vastgelegd, nooit de gegevens van een huisgenoot; een huishouden samen alleen met ieders toestemming",
            "carrying out residents' rights per person (GDPR art. 15 and 17): a resident sees what is recorded about them, never a housemate's data; a household together only with everyone's consent",
        ),
        legal_basis: ("wettelijke verplichting (AVG art. 12, 15, 17, 5 lid 2)", "legal obligation (GDPR art. 12, 15, 17, 5(2))"),
        recipients: ("de privacyfunctionaris; de bewoner zelf (de inzage)", "the privacy officer; the resident themselves (the export)"),
    },
    Category {
        key: "accounts",
        name: ("Accounts en sessies", "Accounts and sessions"),
        data: ("naam, rol, team, inlogmomenten", "name, role, team, sign-in times"),
        subjects: ("medewerkers en partners", "staff and partners"),
        purpose: ("toegang alleen voor wie het nodig heeft", "access only for those who need it"),
        legal_basis: ("gerechtvaardigd belang en wettelijke verplichting (AVG art. 32)", "legitimate interest and legal obligation (GDPR art. 32)"),
        recipients: ("de beheerder", "the administrator"),
    },
];

impl RetentionPolicy {
    /// The term of a category, in Dutch and English words.
    pub fn term_of(&self, key: &str) -> (String, String) {
        match key {
            "basis" => ("zolang de bewoner in het werkgebied ingeschreven staat; wissen op verzoek (art. 17), per bewoner of per huishouden".into(), "while the resident is registered in the area; erasure on request (art. 17), per resident or per household".into()),
            "signalen" => (
                format!(
                    "zolang de signaalzaak open is; na sluiten {} dagen als het signaal niet werd opgepakt of geen hulp nodig was, anders {} dagen; een signaal zonder signaalzaak {} dagen na de signaaldatum; bij een traject als het traject",
                    self.signal_case_days, self.case_days, self.signal_days
                ),
                format!(
                    "while the signal case is open; after closing {} days when it was not picked up or no help was needed, else {} days; a signal without a signal case {} days after the signal date; with a case as the case",
                    self.signal_case_days, self.case_days, self.signal_days
                ),
            ),
            "contact" => (
                format!("{} dagen buiten een traject; anders als het traject", self.contact_days),
                format!("{} days outside a case; otherwise as the case", self.contact_days),
            ),
            "trajecten" => (format!("{} dagen na het sluiten", self.case_days), format!("{} days after closing", self.case_days)),
            "bijzonder" => ("als het signaal, de contactpoging of het traject waar ze bij horen".into(), "as the signal, contact attempt or case they belong to".into()),
            "audit" => ("ten minste 5 jaar (NEN 7513); niet door de opschoning gewist".into(), "at least 5 years (NEN 7513); not removed by the purge".into()),
            "rechten" => ("als het auditspoor: ten minste 5 jaar, ook na het wissen van de bewoner (alleen nummers)".into(), "as the audit trail: at least 5 years, also after the resident is erased (numbers only)".into()),
            _ => ("sessies 12 uur, mislukte inlogpogingen 1 dag; accounts tot ze worden opgeheven".into(), "sessions 12 hours, failed sign-ins 1 day; accounts until removed".into()),
        }
    }
}

impl Store {
    /// Removes what has outlived its term at `now`, in one transaction, with one audit record
    /// per household touched. Running it again at the same `now` removes nothing.
    pub async fn purge_expired(&self, now: OffsetDateTime) -> Result<PurgeReport, StoreError> {
        let policy = &self.policies().retention;
        let mut tx = self.pool().begin().await?;
        let report = purge_in(&mut tx, policy, now).await?;
        tx.commit().await?;
        tracing::info!(cases = report.cases, signals = report.signals, contact_attempts = report.contact_attempts, households = report.households, "retention purge");
        Ok(report)
    }

    /// The scheduled purge: once a day across every app server on this database. Each server
    /// may call it as often as it likes; the first to claim the day's row in `job_runs`, inside
    /// the purge's own transaction, runs it; the others get `None`. A run that fails rolls its
    /// claim back, so the next call (on any server) tries again.
    pub async fn daily_purge(&self, now: OffsetDateTime, instance: &str) -> Result<Option<PurgeReport>, StoreError> {
        let policy = &self.policies().retention;
        let mut tx = self.pool().begin().await?;
        let claimed = tx
            .execute(
                "INSERT INTO job_runs (job, run_on, instance, started_at) VALUES ($1, $2, $3, $4) ON CONFLICT (job, run_on) DO NOTHING",
                &args![PURGE_JOB, time_fmt::date(now.date()), instance, time_fmt::instant(now)],
            )
            .await?;
        if claimed == 0 {
            return Ok(None);
        }
        let report = purge_in(&mut tx, policy, now).await?;
        tx.commit().await?;
        tracing::info!(cases = report.cases, signals = report.signals, contact_attempts = report.contact_attempts, households = report.households, "daily retention purge");
        Ok(Some(report))
    }
}

/// The name of the daily purge in `job_runs`.
pub const PURGE_JOB: &str = "retention-purge";

async fn purge_in(tx: &mut Tx, policy: &RetentionPolicy, now: OffsetDateTime) -> Result<PurgeReport, StoreError> {
    let today = now.date();
    let case_cutoff = time_fmt::date(today - Duration::days(i64::from(policy.case_days)));
    let signal_cutoff = time_fmt::date(today - Duration::days(i64::from(policy.signal_days)));
    let contact_cutoff = time_fmt::instant(now - Duration::days(i64::from(policy.contact_days)));
    let mut report = PurgeReport::default();
    let mut touched: BTreeMap<Option<Id>, [u64; 5]> = BTreeMap::new();

    // In this order: closed cases and signal cases past their term first, then what no
    // remaining case holds on to. Each kind is counted per household (for the audit
    // records), then deleted.
    const NO_CASE: &str = "NOT EXISTS (SELECT 1 FROM cases c WHERE c.household_id = t.household_id)";
    let short: Vec<String> = EndResult::ALL.iter().filter(|e| e.short_retention()).map(|e| format!("'{}'", e.code())).collect();
    let closed_signal_case = format!(
        "sc.stage = 'afgesloten' AND ((sc.end_result IN ({}) AND sc.closed_on < $1) OR sc.closed_on < $2) \
         AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.household_id = sc.household_id)",
        short.join(", ")
    );
    let signal_case_cutoff = time_fmt::date(today - Duration::days(i64::from(policy.signal_case_days)));
    let two = || -> Vec<Value> { args![signal_case_cutoff.clone(), case_cutoff.clone()].into() };
    // (table, condition on `t`, arguments, slot in the per-household counts)
    let kinds: [(&str, String, Vec<Value>, usize); 9] = [
        ("cases", "t.closed IS NOT NULL AND t.closed < $1".to_string(), args![case_cutoff.clone()].into(), 0),
        // The network map is part of the case work: it goes when no case is left.
        ("network_members", NO_CASE.to_string(), Vec::new(), 0),
        ("signals", format!("t.signal_case_id IN (SELECT sc.id FROM signal_cases sc WHERE {closed_signal_case})"), two(), 1),
        ("signal_cases", format!("t.id IN (SELECT sc.id FROM signal_cases sc WHERE {closed_signal_case})"), two(), 4),
        ("signals", format!("t.signal_case_id IS NULL AND t.signal_date < $1 AND (t.household_id IS NULL OR {NO_CASE})"), args![signal_cutoff].into(), 1),
        ("contact_attempts", format!("t.at < $1 AND {NO_CASE}"), args![contact_cutoff.clone()].into(), 2),
        // A result at a door of a campaign is a contact attempt at that address (counted so).
        ("door_results", format!("t.at < $1 AND (t.household_id IS NULL OR {NO_CASE})"), args![contact_cutoff.clone()].into(), 2),
        ("planned_contacts", format!("t.planned_for < $1 AND {NO_CASE}"), args![time_fmt::date(today - Duration::days(i64::from(policy.contact_days)))].into(), 3),
        // A place on the case-discussion list follows the contact attempts that led to it.
        ("case_discussions", format!("t.added_at < $1 AND {NO_CASE}"), args![contact_cutoff.clone()].into(), 3),
    ];
    let mut removed = [0u64; 5];
    for (table, condition, values, slot) in kinds {
        let from = format!("FROM {table} t WHERE {condition}");
        for row in tx.fetch_all(&format!("SELECT t.household_id, COUNT(*) {from} GROUP BY t.household_id"), &values).await? {
            touched.entry(row.opt_i64(0)?).or_default()[slot] += row.i64(1)? as u64;
        }
        removed[slot] += tx.execute(&format!("DELETE FROM {table} WHERE id IN (SELECT t.id {from})"), &values).await?;
    }
    [report.cases, report.signals, report.contact_attempts, report.planned_contacts, report.signal_cases] = removed;

    let entries: Vec<Entry> = touched
        .iter()
        .map(|(household_id, [cases, signals, attempts, planned, signal_cases])| Entry {
            at: time_fmt::instant(now),
            event: audit::AuditEvent::RetentionPurge.code().to_string(),
            household_id: *household_id,
            person_id: None,
            user_id: None,
            on_behalf_of: None,
            route: "retention purge".to_string(),
            reason: Some(format!(
                "bewaartermijn verstreken: {cases} trajecten of netwerkleden, {signal_cases} signaalzaken, {signals} signalen, {attempts} contactpogingen, {planned} afspraken of vermeldingen voor het casusoverleg (termijnen {} / {} / {} / {} dagen)",
                policy.case_days, policy.signal_case_days, policy.signal_days, policy.contact_days
            )),
        })
        .collect();
    report.households = entries.iter().filter(|e| e.household_id.is_some()).count() as u64;
    audit::append(tx, &entries).await?;

    // Housekeeping: sessions past their absolute or idle limit, old login failures.
    let (absolute, idle, day) = (time_fmt::instant(now - Duration::hours(12)), time_fmt::instant(now - Duration::minutes(30)), time_fmt::instant(now - Duration::days(1)));
    report.sessions = tx.execute("DELETE FROM sessions WHERE created_at < $1 OR last_seen_at < $2", &args![absolute, idle]).await?;
    report.login_failures = tx.execute("DELETE FROM login_failures WHERE at < $1", &args![day.as_str()]).await?;
    report.login_failures += tx.execute("DELETE FROM login_attempts WHERE window_start < $1", &args![day]).await?;
    // A retry comes within minutes; a month covers any partner system's retry policy.
    tx.execute("DELETE FROM idempotency_keys WHERE created_at < $1", &args![time_fmt::instant(now - Duration::days(30))]).await?;
    // Password-reset codes once used or expired: nothing left to redeem.
    tx.execute("DELETE FROM password_resets WHERE used_at IS NOT NULL OR expires_at < $1", &args![time_fmt::instant(now)]).await?;
    Ok(report)
}
