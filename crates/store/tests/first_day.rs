//! A municipality's first day (issue 20), on SQLite and PostgreSQL: from an empty database to a
//! worker of a new team seeing a partner's signal about a BAG address of the team's wijk — and
//! a worker of another team not seeing it — with the files in the shapes CBS and the BAG
//! really have (`testdata/first-day/`), and every refused file changing nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{postgres_url, sqlite_url, NOW};
use domain::model::{LinkState, PartnerType, Role, SupportLevel};
use domain::signal::parse_signal;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use store::linking::LinkPolicy;
use store::signals::{CaseFilter, Source};
use store::{Access, Actor, Setup, Store, StoreError};

const KERNCIJFERS_2023: &[u8] = include_bytes!("../../../testdata/first-day/kerncijfers-2023.csv");
const KERNCIJFERS_2024: &[u8] = include_bytes!("../../../testdata/first-day/kerncijfers-2024.csv");
const KERNCIJFERS_FOUT: &[u8] = include_bytes!("../../../testdata/first-day/kerncijfers-fout.csv");
const BAG: &[u8] = include_bytes!("../../../testdata/first-day/bag-adressen.csv");
const BAG_FOUT: &[u8] = include_bytes!("../../../testdata/first-day/bag-adressen-fout.csv");

#[tokio::test]
async fn first_day_on_sqlite() {
    first_day(&sqlite_url("first-day")).await;
}

#[tokio::test]
async fn first_day_on_postgres() {
    first_day(&postgres_url("first_day")).await;
}

const CLI: Setup<'static> = Setup::Cli { command: "test", now: NOW };

/// What the database holds, to show that a refusal changed nothing.
async fn counts(store: &Store) -> (i64, i64, i64, i64) {
    let c = store.counts().await.unwrap();
    let areas = store.areas().await.unwrap().len() as i64;
    let teams = store.teams().await.unwrap().len() as i64;
    let addresses: i64 = store.areas().await.unwrap().iter().map(|a| a.addresses).sum();
    (addresses, areas, teams, c.audit_events)
}

fn cbs(bytes: &[u8], m: &store::setup::Municipality) -> Vec<domain::cbs::CbsArea> {
    domain::cbs::kerncijfers(&domain::csv::parse(bytes).unwrap(), &m.code, &m.name).unwrap()
}

fn bag(bytes: &[u8]) -> domain::campaign::BagFile {
    domain::campaign::bag_addresses(&domain::csv::parse(bytes).unwrap()).unwrap()
}

fn invalid_field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn first_day(url: &str) {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();

    // Nothing works before the municipality is set.
    assert_eq!(invalid_field(store.add_team(&CLI, "Team Centrum", &["WK099901".into()]).await.unwrap_err()), "gemeente");
    assert_eq!(invalid_field(store.init_municipality(&CLI, "GM999", "Eropafdam").await.unwrap_err()), "code", "GM with four digits");
    assert_eq!(invalid_field(store.init_municipality(&CLI, "WK099901", "Eropafdam").await.unwrap_err()), "code", "a wijk is no municipality");
    let m = store.init_municipality(&CLI, "gm0999", "Eropafdam").await.unwrap();
    assert_eq!(m.code.code(), "GM0999");
    assert_eq!(invalid_field(store.init_municipality(&CLI, "GM0998", "Buurdorp").await.unwrap_err()), "code", "once per database");

    // The areas of 2023: only Eropafdam's, with the key figures; "." is unknown, not 0.
    let report = store.import_areas(&CLI, 2023, &cbs(KERNCIJFERS_2023, &m)).await.unwrap();
    assert_eq!((report.added, report.updated, report.gone.len()), (7, 0, 0), "2 wijken and 5 buurten");
    let areas = store.areas().await.unwrap();
    assert!(areas.iter().all(|a| a.code.starts_with("WK0999") || a.code.starts_with("BU0999")), "the neighbour's rows are skipped");
    let turfwijk = areas.iter().find(|a| a.code == "BU09990202").unwrap();
    assert_eq!((turfwijk.year, turfwijk.low_income_pct), (Some(2023), None), "a secret figure stays unknown");
    assert!(turfwijk.inhabitants.is_some_and(|n| n > 0));

    // A refused areas file changes nothing: the reader names every bad line.
    let before = counts(&store).await;
    let lines = domain::cbs::kerncijfers(&domain::csv::parse(KERNCIJFERS_FOUT).unwrap(), &m.code, &m.name).unwrap_err();
    let named: Vec<usize> = lines.iter().map(|e| e.line).collect();
    for line in [12, 13, 15, 17, 18] {
        assert!(named.contains(&line), "line {line} named: {lines:?}");
    }
    let other = store::setup::Municipality { code: domain::AreaCode::parse("GM0998").unwrap(), name: "Buurdorp".into() };
    let foreign = cbs(KERNCIJFERS_2023, &other);
    assert_eq!(invalid_field(store.import_areas(&CLI, 2023, &foreign).await.unwrap_err()), "bestand", "another municipality's areas");
    assert_eq!(counts(&store).await, before);

    // Teams over wijken or buurten; unknown, foreign and overlapping areas refused.
    let centrum = store.add_team(&CLI, "Team Centrum", &["WK099901".into()]).await.unwrap();
    assert_eq!(invalid_field(store.add_team(&CLI, "Team X", &["WK099909".into()]).await.unwrap_err()), "gebieden", "unknown");
    assert_eq!(invalid_field(store.add_team(&CLI, "Team X", &["BU09980101".into()]).await.unwrap_err()), "gebieden", "another municipality's");
    assert_eq!(invalid_field(store.add_team(&CLI, "Team X", &["BU09990101".into()]).await.unwrap_err()), "gebieden", "a buurt of Team Centrum");
    assert_eq!(invalid_field(store.add_team(&CLI, "team centrum", &["WK099902".into()]).await.unwrap_err()), "naam", "the same name");
    let veenen = store.add_team(&CLI, "Team De Veenen", &["BU09990201".into()]).await.unwrap();
    store.set_team_areas(&CLI, veenen, &["BU09990201".into(), "BU09990202".into()]).await.unwrap();
    let teams = store.teams().await.unwrap();
    let t = teams.iter().find(|t| t.id == veenen).unwrap();
    assert_eq!(t.buurten, 2);

    // Addresses from the BAG: homes only; every bad line named; the same file twice adds nothing.
    let before = counts(&store).await;
    let bad = domain::campaign::bag_addresses(&domain::csv::parse(BAG_FOUT).unwrap()).unwrap_err();
    let named: Vec<usize> = bad.iter().map(|e| e.line).collect();
    for line in [4, 5, 6, 10, 11, 12] {
        assert!(named.contains(&line), "line {line} named: {bad:?}");
    }
    let mut outside = bag(BAG);
    outside.addresses[3].buurt = domain::AreaCode::parse("BU09980101").unwrap();
    let line = outside.addresses[3].line;
    match store.import_municipal_addresses(&CLI, &outside, &|_| {}).await.unwrap_err() {
        StoreError::Lines(lines) => assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), vec![line], "an address outside the municipality"),
        other => panic!("{other:?}"),
    }
    assert_eq!(counts(&store).await, before, "a refused file changes nothing");
    let file = bag(BAG);
    let first = store.import_municipal_addresses(&CLI, &file, &|_| {}).await.unwrap();
    assert_eq!((first.added, first.known, first.skipped), (34, 0, 6));
    let again = store.import_municipal_addresses(&CLI, &file, &|_| {}).await.unwrap();
    assert_eq!((again.added, again.known), (0, 34), "re-importing adds nothing");
    assert_eq!(store.counts().await.unwrap().households, 0, "a municipality starts with addresses, not residents");

    // Accounts: a worker in each team, a partner with its system account.
    let partner = store.create_partner("Woonstichting Eropafdam", PartnerType::Huur).await.unwrap();
    let user = |username: &str, role: Role, team_id: Option<i64>, partner_id: Option<i64>| store::NewUser { username: username.into(), display_name: username.into(), role, team_id, partner_id, models: vec![] };
    let w1 = store.create_user(&user("w1", Role::Worker, Some(centrum), None), None, NOW).await.unwrap();
    let w2 = store.create_user(&user("w2", Role::Worker, Some(veenen), None), None, NOW).await.unwrap();
    let p1 = store.create_user(&user("corporatie", Role::Partner, None, Some(partner)), None, NOW).await.unwrap();

    // The partner's signal about Kerkstraat 10 (Binnenstad, wijk Centrum), where nobody is
    // registered: a household opens at that BAG address, in Team Centrum's sight only.
    let linker = Arc::new(RwLock::new(store.linker(LinkPolicy::default(), NOW).await.unwrap()));
    let fields: HashMap<&str, &str> = [
        ("signaalpartner_type", "Huur"),
        ("signaaldatum", "2026-11-20"),
        ("bedrag", "1200"),
        ("crisissignaal", "nee"),
        ("warme_overdracht", "nee"),
        ("voorletters", "A."),
        ("voornaam", "Anouk"),
        ("voorvoegsel", "de"),
        ("achternaam", "Vries"),
        ("geboortedatum", "1984-05-06"),
        ("straatnaam", "Kerkstraat"),
        ("huisnummer", "10"),
        ("postcode", "9991AC"),
        ("plaatsnaam", "Eropafdam"),
    ]
    .into_iter()
    .collect();
    let signal = parse_signal(&|k| fields.get(k).map(|v| v.to_string()), None, NOW.date()).unwrap();
    let partner_actor = Actor { user_id: p1, role: Role::Partner, team_id: None, partner_id: Some(partner) };
    let partner_access = Access { actor: &partner_actor, route: "POST /api/v1/signals", now: NOW };
    let addresses_before = counts(&store).await.0;
    let intake = store.intake_signal(&partner_access, &linker, &Source::Partner { partner_id: partner, channel: domain::model::SignalChannel::Api }, &signal).await.unwrap();
    assert_eq!(intake.link_state, LinkState::NieuwHuishouden);
    let household = intake.household_id.unwrap();
    assert_eq!(counts(&store).await.0, addresses_before, "the known address is used, not a copy");

    let a1 = Actor { user_id: w1, role: Role::Worker, team_id: Some(centrum), partner_id: None };
    let access1 = Access { actor: &a1, route: "test", now: NOW };
    let cases = store.signal_cases(&access1, CaseFilter::Open, NOW.date()).await.unwrap();
    assert!(cases.iter().any(|c| Some(c.id) == intake.signal_case_id), "Team Centrum sees the signal case");
    let detail = store.household(&access1, household).await.unwrap();
    assert_eq!(detail.address.buurt_code, "BU09990101");
    assert_eq!(detail.members.len(), 1);

    let a2 = Actor { user_id: w2, role: Role::Worker, team_id: Some(veenen), partner_id: None };
    let access2 = Access { actor: &a2, route: "test", now: NOW };
    assert!(!store.signal_cases(&access2, CaseFilter::Open, NOW.date()).await.unwrap().iter().any(|c| Some(c.id) == intake.signal_case_id));
    assert!(matches!(store.household(&access2, household).await, Err(StoreError::NotFound)), "another team does not see it");

    // The team decides the support level, with a reason; the other team can't.
    assert_eq!(invalid_field(store.set_support(&access1, household, SupportLevel::Intensive, true, "x").await.unwrap_err()), "reden");
    store.set_support(&access1, household, SupportLevel::Intensive, true, "Huurachterstand en geen contact met de schuldhulp").await.unwrap();
    let detail = store.household(&access1, household).await.unwrap();
    assert_eq!((detail.support, detail.multi_problem, detail.support_history.len()), (SupportLevel::Intensive, true, 1));
    assert!(matches!(store.set_support(&access2, household, SupportLevel::SelfReliant, false, "Dit is niet ons huishouden hoor").await, Err(StoreError::NotFound)));

    // Moving a buurt to another team moves need-to-know with it at once.
    store.set_team_areas(&CLI, centrum, &["BU09990102".into(), "BU09990103".into()]).await.unwrap();
    store.set_team_areas(&CLI, veenen, &["WK099902".into(), "BU09990101".into()]).await.unwrap();
    assert!(matches!(store.household(&access1, household).await, Err(StoreError::NotFound)));
    assert!(store.household(&access2, household).await.is_ok());

    // Next year's figures: a renamed buurt, a new one (in Team De Veenen's wijk, so in its
    // sight), one gone (still used by addresses, so kept and reported).
    let report = store.import_areas(&CLI, 2024, &cbs(KERNCIJFERS_2024, &m)).await.unwrap();
    assert_eq!(report.added, 1);
    assert_eq!(report.gone, vec![("BU09990103".to_string(), true)]);
    let areas = store.areas().await.unwrap();
    assert_eq!(areas.iter().find(|a| a.code == "BU09990102").map(|a| a.name.as_str()), Some("Havenkwartier-Oost"));
    assert!(areas.iter().any(|a| a.code == "BU09990103"), "a gone area in use is kept");
    assert_eq!(areas.iter().find(|a| a.code == "BU09990203").and_then(|a| a.team.as_deref()), Some("Team De Veenen"));
    assert_eq!(areas.iter().find(|a| a.code == "BU09990202").and_then(|a| a.year), Some(2024));

    // Every set-up change is in the audit trail, and the chain holds.
    let summary = store.audit_summary(NOW - time::Duration::days(1)).await.unwrap();
    let count = |event: &str| summary.iter().find(|r| r.event == event).map_or(0, |r| r.count);
    assert_eq!(count("municipality.change"), 1);
    assert_eq!(count("area.import"), 2);
    assert_eq!(count("address.import"), 2);
    assert_eq!(count("team.change"), 5, "two teams added, areas set three times");
    assert_eq!(count("household.support"), 1);
    assert!(matches!(store.verify_audit_chain().await.unwrap(), store::audit::ChainCheck::Intact { .. }));
    store.close().await;
}
