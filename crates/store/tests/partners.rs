//! A partner recognises its own signals, and help stays apart from enforcement (issue 21), on
//! SQLite and PostgreSQL: the partner's own reference is checked and stored with the signal;
//! its status list shows the reference and the address as it reported them; its search (by
//! reference, postcode and house number, date) finds only its own signals, never another
//! partner's with the same reference or address; an enforcement partner still sees no more than
//! status and coarse result; and no worker or team lead can belong to an enforcement partner.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{postgres_url, sqlite_url, NOW};
use domain::model::{PartnerType, Role, SignalChannel, SignalStatus};
use domain::signal::{parse_signal, NewSignal};
use std::collections::HashMap;
use std::sync::RwLock;
use store::linking::LinkPolicy;
use store::signals::{partner_reference, PartnerSearch, Source};
use store::{Access, Actor, NewUser, Setup, Store, StoreError};

#[tokio::test]
async fn a_partner_finds_its_own_signals_on_sqlite() {
    own_signals(&sqlite_url("partner-own")).await;
}

#[tokio::test]
async fn a_partner_finds_its_own_signals_on_postgres() {
    own_signals(&postgres_url("partner_own")).await;
}

#[tokio::test]
async fn no_team_member_of_an_enforcement_partner_on_sqlite() {
    enforcement_apart(&sqlite_url("enforcement-apart")).await;
}

#[tokio::test]
async fn no_team_member_of_an_enforcement_partner_on_postgres() {
    enforcement_apart(&postgres_url("enforcement_apart")).await;
}

fn invalid_field(e: StoreError) -> (&'static str, String) {
    match e {
        StoreError::Invalid { field, message_nl, .. } => (field, message_nl),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A signal about someone at 9998 AB `number`, a street no team covers (so it waits for review
/// and the test does not depend on the town's households).
fn signal_at(surname: &str, number: &str, date: &str) -> NewSignal {
    let fields: HashMap<&str, String> = [
        ("soort", "zorgen"),
        ("signaaldatum", date),
        ("zorg", "Zorgen over de bewoner"),
        ("achternaam", surname),
        ("straatnaam", "Teststraat"),
        ("huisnummer", number),
        ("postcode", "9998AB"),
        ("plaatsnaam", "Testdorp"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();
    parse_signal(&|k| fields.get(k).cloned(), Some(PartnerType::Huur), NOW.date()).unwrap()
}

async fn partner_actor(store: &Store, username: &str, partner: i64) -> Actor {
    let new = NewUser { username: username.into(), display_name: username.into(), role: Role::Partner, team_id: None, partner_id: Some(partner), models: vec![] };
    Actor { user_id: store.create_user(&new, None, NOW).await.unwrap(), role: Role::Partner, team_id: None, partner_id: Some(partner) }
}

async fn own_signals(url: &str) {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let m = synth::generate(&synth::Config { households: 120, seed: 11, today: NOW.date() });
    store.load_municipality(&m, NOW).await.unwrap();
    let linker = RwLock::new(store.linker(LinkPolicy::default(), NOW).await.unwrap());

    // The reference: trimmed, optional, one line of ordinary characters, at most 40.
    assert_eq!(partner_reference("  KL-2026-0042 ").unwrap().as_deref(), Some("KL-2026-0042"));
    assert_eq!(partner_reference("   ").unwrap(), None, "blank is none");
    for bad in ["KL\u{7}42", "regel\nnog een", "abc\u{202E}fed", &"x".repeat(41)] {
        let (field, message) = invalid_field(partner_reference(bad).unwrap_err());
        assert_eq!(field, "eigen_kenmerk");
        assert!(message.starts_with("Uw eigen kenmerk:"), "the refusal names the field by its label: {message}");
    }
    assert!(partner_reference(&"é".repeat(40)).is_ok(), "forty characters, not bytes");

    let corporation = store.create_partner("Woonstede Testdorp", PartnerType::Huur).await.unwrap();
    let other = store.create_partner("Energie Testdorp", PartnerType::Energie).await.unwrap();
    let police = store.create_partner("Politie Testdorp", PartnerType::Politie).await.unwrap();
    let (a, b, p) = (partner_actor(&store, "woonstede", corporation).await, partner_actor(&store, "energie", other).await, partner_actor(&store, "politie", police).await);
    let form = |partner| Source::Partner { partner_id: partner, channel: SignalChannel::Formulier };
    let at = |actor| Access { actor, route: "POST /partner/signaal", now: NOW };

    // The corporation's signals, one with its own reference; the energy company sends about
    // the same address, with the same reference text.
    let mine = store.intake_with_reference(&at(&a), &linker, &form(corporation), Some(" HUUR-778 "), &signal_at("Visser", "12", "2026-11-20")).await.unwrap();
    let mine_too = store.intake_with_reference(&at(&a), &linker, &form(corporation), None, &signal_at("Bakker", "14", "2026-11-25")).await.unwrap();
    let theirs = store.intake_with_reference(&at(&b), &linker, &form(other), Some("huur-778"), &signal_at("Visser", "12", "2026-11-20")).await.unwrap();
    let api = Access { actor: &a, route: "POST /api/v1/signals", now: NOW };
    let by_api = store.intake_idempotent_with_reference(&api, &linker, "k-1", "h-1", Some("HUUR-779"), &signal_at("Smit", "12", "2026-11-26")).await.unwrap();

    // The status list: the reference and the address as the partner reported them.
    let list = store.partner_statuses(corporation, 50).await.unwrap();
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    assert_eq!(ids, vec![by_api.signal_id, mine_too.signal_id, mine.signal_id], "its own signals, newest first, and no other partner's");
    let first = list.iter().find(|s| s.id == mine.signal_id).unwrap();
    assert_eq!(first.reference.as_deref(), Some("HUUR-778"), "stored trimmed");
    assert_eq!(first.address, "Teststraat 12, 9998 AB Testdorp");
    assert_eq!(list.iter().find(|s| s.id == by_api.signal_id).unwrap().reference.as_deref(), Some("HUUR-779"), "through the API too");
    assert_eq!(list.iter().find(|s| s.id == mine_too.signal_id).unwrap().reference, None);

    // Search by reference: without regard to case, only its own.
    let search = |reference: Option<&str>, postcode: Option<&str>, number: Option<&str>, date: Option<&str>| PartnerSearch {
        reference: reference.map(String::from),
        postcode: postcode.map(|p| domain::Postcode::parse(p).unwrap()),
        house_number: number.map(|n| domain::HouseNumber::parse(n).unwrap()),
        date: date.map(|d| domain::date::parse_date(d).unwrap()),
    };
    let found = |partner, s: PartnerSearch| {
        let store = store.clone();
        async move { store.partner_search(partner, &s, 50).await.unwrap().into_iter().map(|x| x.id).collect::<Vec<_>>() }
    };
    assert_eq!(found(corporation, search(Some("huur-778"), None, None, None)).await, vec![mine.signal_id]);
    assert_eq!(found(other, search(Some("HUUR-778"), None, None, None)).await, vec![theirs.signal_id], "the other partner finds only its own signal with that reference");
    assert_eq!(found(police, search(Some("HUUR-778"), None, None, None)).await, Vec::<i64>::new(), "and a third nothing");
    assert_eq!(found(corporation, search(Some("HUUR-77"), None, None, None)).await, Vec::<i64>::new(), "a reference matches whole");

    // By postcode and house number, by date: never the other partner's signal at that address.
    assert_eq!(found(corporation, search(None, Some("9998 ab"), Some("12"), None)).await, vec![by_api.signal_id, mine.signal_id]);
    assert_eq!(found(corporation, search(None, Some("9998AB"), None, None)).await, vec![by_api.signal_id, mine_too.signal_id, mine.signal_id]);
    assert_eq!(found(corporation, search(None, Some("9998AB"), Some("12a"), None)).await, Vec::<i64>::new(), "a letter searched for must be there");
    assert_eq!(found(other, search(None, Some("9998AB"), Some("12"), None)).await, vec![theirs.signal_id]);
    assert_eq!(found(corporation, search(None, None, None, Some("20-11-2026"))).await, vec![mine.signal_id]);
    assert_eq!(found(corporation, search(Some("HUUR-778"), None, None, Some("25-11-2026"))).await, Vec::<i64>::new(), "every part must match");
    // Every search over the town's own signals stays within the partner's.
    let town_partner = m.partners[0].id;
    let theirs_in_town: Vec<i64> = store.partner_statuses(town_partner, 1000).await.unwrap().into_iter().map(|s| s.id).collect();
    for s in store.partner_search(corporation, &search(None, None, None, Some("20-11-2026")), 1000).await.unwrap() {
        assert!(!theirs_in_town.contains(&s.id), "a town partner's signal in another partner's search");
    }

    // A reference is the partner's: a worker's signal carrying one is refused, nothing stored.
    let team = &m.teams[0];
    let worker = m.workers.iter().find(|w| w.team_id == Some(team.id) && w.role == Role::Worker).unwrap();
    let w = Actor { user_id: worker.id, role: Role::Worker, team_id: Some(team.id), partner_id: None };
    let before = store.counts().await.unwrap();
    let refused = store.intake_with_reference(&at(&w), &linker, &Source::Worker { channel: SignalChannel::Werker, reporter: None }, Some("X-1"), &signal_at("Visser", "12", "2026-11-20")).await;
    assert_eq!(invalid_field(refused.unwrap_err()).0, "eigen_kenmerk");
    let bad = store.intake_with_reference(&at(&a), &linker, &form(corporation), Some("KL\u{0}1"), &signal_at("Visser", "12", "2026-11-20")).await;
    assert_eq!(invalid_field(bad.unwrap_err()).0, "eigen_kenmerk");
    let after = store.counts().await.unwrap();
    assert_eq!((after.signals, after.audit_events), (before.signals, before.audit_events), "a refused signal leaves no signal and no event");

    // An enforcement partner's view is status and coarse result; what it recognises its signal
    // by is what it gave itself.
    let reported = store.intake_with_reference(&at(&p), &linker, &form(police), Some("PV-2026-1"), &signal_at("Visser", "12", "2026-11-27")).await.unwrap();
    let view = store.partner_signal(police, reported.signal_id).await.unwrap();
    assert_eq!((view.status, view.result, view.reference.as_deref(), view.address.as_str()), (SignalStatus::Ontvangen, None, Some("PV-2026-1"), "Teststraat 12, 9998 AB Testdorp"));
    assert!(matches!(store.partner_signal(police, mine.signal_id).await, Err(StoreError::NotFound)), "another partner's signal does not exist for it");
}

async fn enforcement_apart(url: &str) {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let cli = Setup::Cli { command: "test", now: NOW };
    let police = store.add_partner(&cli, "Politie Eenheid Testdorp", PartnerType::Politie).await.unwrap();
    let inspection = store.add_partner(&cli, "Toezicht en Handhaving", PartnerType::Handhaving).await.unwrap();
    let before = store.counts().await.unwrap();
    let member = |username: &str, role: Role, partner: i64| NewUser { username: username.into(), display_name: "Naam".into(), role, team_id: Some(1), partner_id: Some(partner), models: vec![] };

    for (role, partner) in [(Role::Worker, police), (Role::TeamLead, police), (Role::Worker, inspection)] {
        let (field, message) = invalid_field(store.add_account(&cli, &member("agent", role, partner), None).await.unwrap_err());
        assert_eq!(field, "partner");
        assert!(message.contains("politie of handhaving") && message.contains("hulp en handhaving blijven gescheiden"), "a clear reason: {message}");
        // And by the store's lower way in as well (the demo, the tests).
        assert_eq!(invalid_field(store.create_user(&member("agent2", role, partner), None, NOW).await.unwrap_err()).0, "partner");
    }
    let after = store.counts().await.unwrap();
    assert_eq!((after.users, after.audit_events), (before.users, before.audit_events), "nothing stored, nothing recorded");
    assert!(store.user_by_username("agent").await.unwrap().is_none());

    // The police's own partner account is fine: it sends signals and reads their status.
    let partner = NewUser { username: "politie-meldpunt".into(), display_name: "Meldpunt".into(), role: Role::Partner, team_id: None, partner_id: Some(police), models: vec![] };
    store.add_account(&cli, &partner, None).await.unwrap();
}
