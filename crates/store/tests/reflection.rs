//! The team's reflection (intervisie, seed §3.3; issue 21), on SQLite and PostgreSQL: a dilemma
//! that names a resident of the household the worker started from is refused, naming the field
//! and never the name, and nothing is stored or recorded; one without names is stored without
//! the household; the team records what it weighed and concluded; the quarter's list is the
//! team's own, and another team's reflection does not exist for it; the acts are team acts in
//! the audit trail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{postgres_url, sqlite_url, NOW};
use domain::model::Role;
use store::audit::AuditFilter;
use store::reflection::{NewDilemma, Quarter, Theme};
use store::{Access, Actor, Store, StoreError};
use time::macros::datetime;

#[tokio::test]
async fn reflection_on_sqlite() {
    story(&sqlite_url("reflection")).await;
}

#[tokio::test]
async fn reflection_on_postgres() {
    story(&postgres_url("reflection")).await;
}

fn refusal(e: StoreError) -> (&'static str, String, String) {
    match e {
        StoreError::Invalid { field, message_nl, message_en } => (field, message_nl, message_en),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn story(url: &str) {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let m = synth::generate(&synth::Config { households: 200, seed: 5, today: NOW.date() });
    store.load_municipality(&m, NOW).await.unwrap();
    // Today, 2 December 2026: the fourth quarter.
    let now = datetime!(2026-12-02 14:00 UTC);
    let member = |team: usize, role: Role| {
        let w = m.workers.iter().find(|w| w.team_id == Some(m.teams[team].id) && w.role == role).unwrap();
        Actor { user_id: w.id, role, team_id: Some(m.teams[team].id), partner_id: None }
    };
    let (worker, lead, other_team) = (member(0, Role::Worker), member(0, Role::TeamLead), member(1, Role::Worker));
    let at = |a| Access { actor: a, route: "POST /intervisie", now };
    let in_team = |t: usize, h: &domain::model::Household| m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&m.teams[t].wijk);
    let household = m.households.iter().find(|h| in_team(0, h) && m.persons.iter().filter(|p| p.household_id == h.id).count() >= 1).unwrap();
    let resident = m.persons.iter().find(|p| p.household_id == household.id).unwrap();
    let surname = resident.name.surname.clone();
    let given = resident.name.given_names.split_whitespace().next().unwrap().to_string();
    let new = |dilemma: &str, question: &str, household_id| NewDilemma { theme: Theme::HelpAndControl, dilemma: dilemma.into(), question: question.into(), household_id };
    let before = store.counts().await.unwrap();

    // A dilemma naming the household's resident, in any case, is refused, naming the field;
    // nothing is stored and nothing recorded.
    let naming = format!("Mevrouw {} wil geen hulp, maar de kinderen lijden eronder.", surname.to_uppercase());
    let (field, nl, en) = refusal(store.bring_dilemma(&at(&worker), &new(&naming, "Gaan we toch langs?", Some(household.id))).await.unwrap_err());
    assert_eq!(field, "dilemma");
    assert!(nl.starts_with("Het dilemma:") && nl.contains("naam"), "{nl}");
    assert!(!nl.to_lowercase().contains(&surname.to_lowercase()) && !en.to_lowercase().contains(&surname.to_lowercase()), "the refusal never echoes the name");
    let asking = format!("Moet ik {given} bellen of langsgaan?");
    let (field, nl, _) = refusal(store.bring_dilemma(&at(&worker), &new("De bewoner wil geen hulp.", &asking, Some(household.id))).await.unwrap_err());
    assert_eq!(field, "vraag", "the question is checked too");
    assert!(!nl.contains(&given));
    let (field, _, _) = refusal(store.bring_dilemma(&at(&worker), &new("De bewoner woont op 1234 AB en wil geen hulp.", "Wat doen we?", None)).await.unwrap_err());
    assert_eq!(field, "dilemma", "a postcode identifies too, with or without a household");
    let after = store.counts().await.unwrap();
    assert_eq!(after.audit_events, before.audit_events, "a refused dilemma records nothing");
    assert!(store.reflections(&at(&worker), Quarter::at(now)).await.unwrap().is_empty(), "and stores nothing");

    // A household outside the team's area cannot be used to probe names.
    let foreign = m.households.iter().find(|h| in_team(1, h)).unwrap();
    assert!(matches!(store.bring_dilemma(&at(&worker), &new("De bewoner wil geen hulp.", "Wat doen we?", Some(foreign.id))).await, Err(StoreError::NotFound)));

    // Without names: stored, without the household.
    let dilemma = "De moeder wil geen hulp; de school maakt zich zorgen over de kinderen. Hoe ver gaan we zonder haar instemming?";
    let id = store.bring_dilemma(&at(&worker), &new(dilemma, "Wanneer is aandringen nog hulp?", Some(household.id))).await.unwrap();
    let list = store.reflections(&at(&lead), Quarter::at(now)).await.unwrap();
    assert_eq!(list.len(), 1, "the team lead sees the team's reflection");
    assert_eq!((list[0].id, list[0].dilemma.as_str(), list[0].quarter.label()), (id, dilemma, "2026 K4".to_string()));
    assert!(!list[0].is_concluded());

    // The stored row holds no household: nothing in the table points to one.
    let schema = store.schema().await.unwrap();
    let columns: Vec<&str> = schema.tables["reflections"].keys().map(String::as_str).collect();
    assert!(columns.contains(&"dilemma"));
    assert!(columns.iter().all(|c| !c.contains("household") && !c.contains("person") && !c.contains("user")), "{columns:?}");

    // The team records what it weighed and concluded; the conclusion is checked for identifiers.
    let (field, _, _) = refusal(store.conclude_reflection(&at(&lead), id, "Belang van de kinderen tegen haar autonomie.", "Bel 06-12345678 morgen").await.unwrap_err());
    assert_eq!(field, "conclusie");
    store.conclude_reflection(&at(&lead), id, "Belang van de kinderen tegen haar autonomie.", "Eerst via de school een warme overdracht; aandringen pas na een tweede signaal.").await.unwrap();
    let done = store.reflection(&at(&worker), id).await.unwrap();
    assert_eq!(done.concluded.as_deref(), Some("Eerst via de school een warme overdracht; aandringen pas na een tweede signaal."));
    assert_eq!(done.concluded_on, Some(time::macros::date!(2026 - 12 - 02)));

    // Another team: its list is empty, the reflection does not exist for it, it can't conclude it.
    assert!(store.reflections(&at(&other_team), Quarter::at(now)).await.unwrap().is_empty());
    assert!(matches!(store.reflection(&at(&other_team), id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.conclude_reflection(&at(&other_team), id, "Iets anders gewogen.", "Iets anders besloten.").await, Err(StoreError::NotFound)));
    assert_eq!(store.reflection_quarters(&at(&worker)).await.unwrap(), vec![Quarter::at(now)]);
    assert!(store.reflection_quarters(&at(&other_team)).await.unwrap().is_empty());
    // Roles outside a team have no reflection at all.
    let partner = Actor { user_id: worker.user_id, role: Role::Partner, team_id: None, partner_id: Some(1) };
    assert!(matches!(store.reflections(&at(&partner), Quarter::at(now)).await, Err(StoreError::Forbidden)));

    // Team acts in the trail: ids and the quarter, no text; the name check on the household's
    // own trail, without the reflection.
    let since = now - time::Duration::days(1);
    let rows = |event: &str| {
        let store = store.clone();
        let filter = AuditFilter { household_id: None, username: None, event: Some(event.into()), since };
        async move { store.audit_search(&filter, 100).await.unwrap() }
    };
    let created = rows("reflection.create").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].household_id, None, "a team act, no household");
    assert_eq!(created[0].reason.as_deref(), Some(format!("team {}: intervisie {id} ingebracht, 2026-K4", m.teams[0].id).as_str()));
    assert_eq!(rows("reflection.conclude").await.len(), 1);
    let checked = rows("reflection.name-check").await;
    assert_eq!((checked.len(), checked[0].household_id, checked[0].reason.clone()), (1, Some(household.id), None));
}
