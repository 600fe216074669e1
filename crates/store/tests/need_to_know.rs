//! Need-to-know per field (issue 21), on SQLite and PostgreSQL: a domestic-violence concern,
//! a contact note and a case marked sensitive are read by the worker on the household's (signal)
//! case and the team lead; a colleague of the same wijk sees that there is a case, its phase and
//! whom to call, and reads the rest only after breaking the glass with a reason — audited, on the
//! privacy officer's flags, until the end of the working day. An experience expert reaches only
//! the households assigned to them and reads no sensitive data until the case's worker shares it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{postgres_url, sqlite_url, NOW};
use domain::model::{Approach, Companion, ContactKind, ContactOutcome, Decision, Ground, OutreachModel, PartnerType, Role, Safety, Sensitive, SignalChannel, SignalKind};
use domain::case::ZrmDomain;
use domain::{HouseNumber, PersonName, Postcode};
use std::sync::RwLock;
use store::cases::{CaseChange, NewCase};
use store::contact::NewAttempt;
use store::residents::NewHousehold;
use store::signals::{Source, Weighing};
use store::{Access, Actor, NewUser, Store, StoreError};
use time::macros::date;
use time::Duration;

const CONCERN: &str = "GEHEIM-zorg: de buurvrouw hoort geregeld geschreeuw en slaan.";
const NOTE: &str = "GEHEIM-notitie: behandeling bij de GGZ.";
const GOAL: &str = "GEHEIM-doel: afkicken lukt met steun.";

struct Town {
    store: Store,
    m: synth::Municipality,
    worker: Actor,
    colleague: Actor,
    lead: Actor,
    expert: Actor,
    linker: RwLock<store::linking::Linker>,
    partner: i64,
}

async fn town(url: &str) -> Town {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let m = synth::generate(&synth::Config { households: 200, seed: 21, today: NOW.date() });
    store.load_municipality(&m, NOW).await.unwrap();
    let team = m.teams[0].id;
    let mut workers = m.workers.iter().filter(|w| w.role == Role::Worker && w.team_id == Some(team));
    let (w, c) = (workers.next().unwrap(), workers.next().unwrap());
    let l = m.workers.iter().find(|w| w.role == Role::TeamLead && w.team_id == Some(team)).unwrap();
    let expert = NewUser { username: "ervaring1".into(), display_name: "Eva Ervaring".into(), role: Role::ExperienceExpert, team_id: Some(team), partner_id: None, models: vec![] };
    let expert = store.create_user(&expert, None, NOW).await.unwrap();
    let actor = |id, role| Actor { user_id: id, role, team_id: Some(team), partner_id: None };
    let linker = RwLock::new(store.linker(store::linking::LinkPolicy::default(), NOW).await.unwrap());
    let partner = store.create_partner("Woonstichting Test", PartnerType::Huur).await.unwrap();
    Town {
        worker: actor(w.id, Role::Worker),
        colleague: actor(c.id, Role::Worker),
        lead: actor(l.id, Role::TeamLead),
        expert: actor(expert, Role::ExperienceExpert),
        store,
        m,
        linker,
        partner,
    }
}

fn at<'a>(actor: &'a Actor) -> Access<'a> {
    Access { actor, route: "test", now: NOW }
}

impl Town {
    /// A household in the team's area with a domestic-violence signal, weighed "gaan" with the
    /// worker as who goes: (household, signal case).
    async fn violence_case(&self, number: &str, surname: &str) -> (i64, i64) {
        self.case_with(number, surname, "huiselijk-geweld", "").await
    }

    /// As `violence_case`, with a signal of this kind marked with these subjects
    /// (`vertrouwelijk`, as a form or the API sends it).
    async fn case_with(&self, number: &str, surname: &str, kind: &str, marks: &str) -> (i64, i64) {
        let buurt = self.m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&self.m.teams[0].wijk)).unwrap();
        let new = NewHousehold {
            street: "Vertrouwenstraat".into(),
            house_number: HouseNumber::parse(number).unwrap(),
            postcode: Postcode::parse("9997 AB").unwrap(),
            locality: "Testdorp".into(),
            buurt_code: buurt.code.code(),
            name: PersonName::parse("Noor", "", surname).unwrap(),
            birth_date: date!(1985 - 03 - 02),
            bsn: None,
            phone: None,
        };
        let household = self.store.create_household(&at(&self.worker), &new).await.unwrap();
        *self.linker.write().unwrap() = self.store.linker(store::linking::LinkPolicy::default(), NOW).await.unwrap();
        let fields: std::collections::HashMap<&str, String> = [
            ("signaaldatum", "2026-11-27"),
            ("soort", kind),
            ("vertrouwelijk", marks),
            ("zorg", CONCERN),
            ("crisissignaal", "nee"),
            ("warme_overdracht", "nee"),
            ("voorletters", "N."),
            ("voornaam", "Noor"),
            ("achternaam", surname),
            ("geboortedatum", "1985-03-02"),
            ("straatnaam", "Vertrouwenstraat"),
            ("huisnummer", number),
            ("postcode", "9997AB"),
            ("plaatsnaam", "Testdorp"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
        let signal = domain::signal::parse_signal(&|k| fields.get(k).cloned(), Some(PartnerType::Huur), NOW.date()).unwrap();
        let source = Source::Partner { partner_id: self.partner, channel: SignalChannel::Formulier };
        let intake = self.store.intake_signal(&at(&self.lead), &self.linker, &source, &signal).await.unwrap();
        assert_eq!(intake.household_id, Some(household));
        let case = intake.signal_case_id.unwrap();
        let w = Weighing {
            grounds: vec![Ground::SchadeZelf],
            why_go: "GEHEIM-weging: signalen van geweld, kinderen in huis.".into(),
            why_not: None,
            proportionality: "Een aangekondigd bezoek met een aanbod van hulp.".into(),
            safety: Safety::GeenSignalen,
            models: vec![OutreachModel::Hulp],
            approach: Approach::Aangekondigd,
            companion: Companion::Alleen,
            decision: Decision::Gaan,
            worker_id: Some(self.worker.user_id),
            review_on: None,
            closing: None,
        };
        self.store.weigh_signal_case(&at(&self.lead), case, &w).await.unwrap();
        (household, case)
    }
}

macro_rules! on_both {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                super::$body(&super::sqlite_url(stringify!($name))).await;
            }
            #[tokio::test]
            async fn on_postgres() {
                super::$body(&super::postgres_url(stringify!($name))).await;
            }
        }
    };
}

on_both!(sensitive_concern, sensitive_concern_body);
on_both!(notes_and_case, notes_and_case_body);
on_both!(experience_expert, experience_expert_body);
on_both!(marked_signals, marked_signals_body);

fn refusal<T: std::fmt::Debug>(r: Result<T, StoreError>) -> &'static str {
    match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The involved worker and the team lead read a domestic-violence concern; a colleague of the
/// wijk sees the case, its phase and the worker's name, breaks the glass with a reason (audited,
/// flagged for the privacy officer) and then reads it until the end of the day.
async fn sensitive_concern_body(url: &str) {
    let t = town(url).await;
    let s = &t.store;
    let (household, case) = t.violence_case("1", "Veilig").await;
    let worker_name = t.m.workers.iter().find(|w| w.id == t.worker.user_id).unwrap().display_name.clone();
    for reader in [&t.worker, &t.lead] {
        let h = s.household(&at(reader), household).await.unwrap();
        assert_eq!(h.signals[0].concern.as_deref(), Some(CONCERN), "{:?} reads the concern", reader.role);
        assert_eq!(h.signals[0].kind, SignalKind::HuiselijkGeweld);
        assert!(h.confidential.is_none());
        let c = s.signal_case(&at(reader), case, NOW.date()).await.unwrap();
        assert_eq!(c.signals[0].concern.as_deref(), Some(CONCERN));
        assert!(c.weighings[0].why_go.starts_with("GEHEIM-weging"));
    }
    // A colleague of the same wijk: that there is a case, its phase, whom to call; no content.
    let h = s.household(&at(&t.colleague), household).await.unwrap();
    assert!(h.signals[0].confidential && h.signals[0].concern.is_none(), "the colleague does not read the concern");
    assert_eq!(h.signals[0].kind, SignalKind::Zorgen, "nor that it is about domestic violence");
    assert_eq!(h.confidential.as_ref().unwrap().worker.as_deref(), Some(worker_name.as_str()), "but whom to call");
    let c = s.signal_case(&at(&t.colleague), case, NOW.date()).await.unwrap();
    assert!(c.signals[0].concern.is_none() && c.weighings[0].why_go.is_empty() && c.weighings[0].proportionality.is_empty());
    assert_eq!(c.row.worker.as_deref(), Some(worker_name.as_str()));
    assert!(c.confidential.is_some());
    let debug = format!("{h:?}{c:?}{:?}", s.my_day(&at(&t.colleague), NOW.date()).await.unwrap());
    assert!(!debug.contains("GEHEIM"), "nothing sensitive in anything the colleague reads");

    // Breaking the glass: a reason that reads as one, then audited and flagged.
    assert_eq!(refusal(s.open_sensitive(&at(&t.colleague), household, "nodig").await), "reden");
    assert_eq!(refusal(s.open_sensitive(&at(&t.worker), household, "De bewoner belt nu en de collega is ziek.").await), "reden", "the worker reads it already");
    let until = s.open_sensitive(&at(&t.colleague), household, "De bewoner belt nu in paniek en de betrokken collega is ziek.").await.unwrap();
    assert!(until > NOW && until <= NOW + Duration::days(1), "until the end of the working day");
    let h = s.household(&at(&t.colleague), household).await.unwrap();
    assert_eq!(h.signals[0].concern.as_deref(), Some(CONCERN), "after breaking the glass the colleague reads it");
    let trail = s.audit_search(&store::audit::AuditFilter { household_id: Some(household), username: None, event: Some("household.break-glass".into()), since: NOW - Duration::days(1) }, 10).await.unwrap();
    assert_eq!(trail.len(), 1);
    assert!(trail[0].reason.as_deref().unwrap().contains("betrokken collega is ziek"), "audited with the reason");
    let flags = s.audit_anomalies(NOW - Duration::days(1), 1000).await.unwrap();
    assert!(flags.iter().any(|f| f.kind == "break-glass"), "on the privacy officer's flags: {flags:?}");
    // The next working day the glass is whole again.
    let tomorrow = Access { actor: &t.colleague, route: "test", now: NOW + Duration::days(1) };
    assert!(s.household(&tomorrow, household).await.unwrap().signals[0].concern.is_none());
}

/// A contact note and a case marked sensitive: the worker and the team lead read them, a
/// colleague sees the case and its phase without goals, steps, ZRM or journal.
async fn notes_and_case_body(url: &str) {
    let t = town(url).await;
    let s = &t.store;
    let (household, _) = t.violence_case("2", "Notitie").await;
    let attempt = NewAttempt { household_id: household, kind: ContactKind::Telefoon, at: NOW, day_part: None, outcome: ContactOutcome::Gesproken, note: Some(NOTE), crisis_reason: None };
    s.log_contact_attempt_marked(&at(&t.worker), &attempt, &[Sensitive::Psychiatrie]).await.unwrap();
    let note_of = |h: &store::HouseholdDetail| h.attempts.iter().find_map(|a| a.note.clone());
    assert_eq!(note_of(&s.household(&at(&t.worker), household).await.unwrap()).as_deref(), Some(NOTE));
    assert_eq!(note_of(&s.household(&at(&t.lead), household).await.unwrap()).as_deref(), Some(NOTE));
    let h = s.household(&at(&t.colleague), household).await.unwrap();
    assert!(note_of(&h).is_none() && h.attempts.iter().any(|a| a.confidential));

    let new = NewCase { household_id: household, opened: NOW.date(), models: vec![OutreachModel::Hulp], domains: vec![ZrmDomain::Middelengebruik], goal: Some(GOAL) };
    let case = s.open_case(&at(&t.worker), &new).await.unwrap();
    s.change_case(&at(&t.worker), case, &CaseChange::Journal { body: "GEHEIM-journaal: terugval na de kerst." }).await.unwrap();
    // A colleague who reads the unmarked case may mark it (that only narrows who reads it)…
    s.mark_case_sensitive(&at(&t.colleague), case, &[Sensitive::Verslaving]).await.unwrap();
    // …but not lift or change a mark once the case is out of their reading.
    assert!(matches!(s.mark_case_sensitive(&at(&t.colleague), case, &[]).await, Err(StoreError::Forbidden)), "only who reads it lifts it");
    s.mark_case_sensitive(&at(&t.worker), case, &[Sensitive::Verslaving]).await.unwrap();
    for reader in [&t.worker, &t.lead] {
        let f = s.case_file(&at(reader), case).await.unwrap();
        assert_eq!(f.goals[0].words, GOAL);
        assert_eq!(f.sensitive, vec![Sensitive::Verslaving]);
        assert!(f.confidential.is_none());
    }
    let f = s.case_file(&at(&t.colleague), case).await.unwrap();
    assert!(f.goals.is_empty() && f.journal.is_empty() && f.steps.is_empty() && f.assessments.is_empty() && f.network.is_empty());
    assert!(f.confidential.is_some() && f.worker.is_some(), "the colleague sees the case, its phase ({:?}) and whom to call", f.phase);
    assert!(!format!("{f:?}").contains("GEHEIM"));
}

/// An experience expert reaches only the households assigned to them, reads no sensitive data
/// until the case's worker shares it, and each step is audited.
async fn experience_expert_body(url: &str) {
    let t = town(url).await;
    let s = &t.store;
    let (household, case) = t.violence_case("3", "Ervaring").await;
    let (other, _) = t.violence_case("4", "Ander").await;
    assert!(matches!(s.household(&at(&t.expert), household).await, Err(StoreError::NotFound)), "not assigned: not found");
    assert!(matches!(s.assign_expert(&at(&t.colleague), household, t.expert.user_id).await, Err(StoreError::Forbidden)), "a colleague not on the case does not assign");
    assert!(matches!(s.assign_expert(&at(&t.worker), household, t.worker.user_id).await, Err(StoreError::NotFound)), "only an experience expert of the team");
    s.assign_expert(&at(&t.worker), household, t.expert.user_id).await.unwrap();
    assert!(matches!(s.household(&at(&t.expert), other).await, Err(StoreError::NotFound)), "another household of the wijk stays out of reach");
    let h = s.household(&at(&t.expert), household).await.unwrap();
    assert!(h.signals[0].concern.is_none() && h.confidential.is_some(), "assigned, but no sensitive data");
    assert_eq!(s.my_households(&at(&t.expert)).await.unwrap().iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![household]);
    assert!(matches!(s.share_sensitive(&at(&t.colleague), household, t.expert.user_id).await, Err(StoreError::Forbidden)));
    s.share_sensitive(&at(&t.worker), household, t.expert.user_id).await.unwrap();
    let h = s.household(&at(&t.expert), household).await.unwrap();
    assert_eq!(h.signals[0].concern.as_deref(), Some(CONCERN), "shared by the case's worker");
    assert!(matches!(s.open_sensitive(&at(&t.expert), other, "De bewoner belt nu in paniek en niemand neemt op.").await, Err(StoreError::Forbidden)), "an expert does not break the glass");
    let trail = s.audit_search(&store::audit::AuditFilter { household_id: Some(household), username: None, event: Some("household.update".into()), since: NOW - Duration::days(1) }, 10).await.unwrap();
    let reasons: Vec<String> = trail.iter().filter_map(|r| r.reason.clone()).collect();
    assert!(reasons.iter().any(|r| r.starts_with("ervaringsdeskundige toegewezen")) && reasons.iter().any(|r| r.starts_with("vertrouwelijke gegevens gedeeld")), "{reasons:?}");
    let _ = case;
    assert!(s.team_experts(t.m.teams[0].id).await.unwrap().iter().any(|(id, _)| *id == t.expert.user_id));
}

/// A signal marked confidential as it comes in (the partner's form and the API send
/// `vertrouwelijk`) is read as a domestic-violence signal is; an ordinary signal can be marked
/// later by any worker who reads it, and only who reads the sensitive data lifts the mark.
async fn marked_signals_body(url: &str) {
    let t = town(url).await;
    let s = &t.store;
    let concern_of = |h: &store::HouseholdDetail| h.signals.iter().find_map(|x| x.concern.clone());
    let (marked, _) = t.case_with("5", "Gemarkeerd", "zorgen", "psychiatrie").await;
    assert_eq!(concern_of(&s.household(&at(&t.worker), marked).await.unwrap()).as_deref(), Some(CONCERN));
    assert_eq!(concern_of(&s.household(&at(&t.lead), marked).await.unwrap()).as_deref(), Some(CONCERN));
    let h = s.household(&at(&t.colleague), marked).await.unwrap();
    assert!(concern_of(&h).is_none() && h.signals.iter().all(|x| x.confidential), "{:?}", h.signals);
    assert!(!format!("{h:?}").contains("GEHEIM"));

    let (plain, _) = t.case_with("6", "Gewoon", "zorgen", "").await;
    let h = s.household(&at(&t.colleague), plain).await.unwrap();
    assert_eq!(concern_of(&h).as_deref(), Some(CONCERN), "an unmarked worry is the wijk's to read");
    let signal = h.signals[0].id;
    s.mark_signal_sensitive(&at(&t.colleague), signal, &[Sensitive::Verslaving]).await.unwrap();
    assert!(concern_of(&s.household(&at(&t.colleague), plain).await.unwrap()).is_none(), "marked, it is out of the colleague's reading");
    assert_eq!(concern_of(&s.household(&at(&t.worker), plain).await.unwrap()).as_deref(), Some(CONCERN));
    assert!(matches!(s.mark_signal_sensitive(&at(&t.colleague), signal, &[]).await, Err(StoreError::Forbidden)));
    s.mark_signal_sensitive(&at(&t.worker), signal, &[]).await.unwrap();
    assert_eq!(concern_of(&s.household(&at(&t.colleague), plain).await.unwrap()).as_deref(), Some(CONCERN), "the worker lifted the mark");
}
