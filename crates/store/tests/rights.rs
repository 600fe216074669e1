//! Residents' rights per person (issue 21), on SQLite and PostgreSQL: in a household of two
//! adults, one resident's access export holds their own data, the household's shared data and
//! who looked at it — never the housemate's name, birth date, BSN, phone, a signal (and its
//! sensitive concern) about the housemate, or an informal reporter's identity; a household
//! export needs every adult's consent and stores it; erasing one resident leaves the housemate,
//! the household and the audit chain intact, and is refused (saying why) while help is under
//! way. The privacy officer's trail: one line per act, filters, flags handled with a note.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{postgres_url, sqlite_url, NOW};
use domain::model::Role;
use store::residents::HouseholdQuery;
use store::rights::trail::TrailFilter;
use store::rights::RightsLookup;
use store::{Access, Actor, NewUser, Store, StoreError};

#[tokio::test]
async fn rights_per_person_on_sqlite() {
    rights(&sqlite_url("rights")).await;
}

#[tokio::test]
async fn rights_per_person_on_postgres() {
    rights(&postgres_url("rights")).await;
}

async fn raw(url: &str, sql: &str) {
    if url.starts_with("sqlite://") {
        let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(url).await.unwrap();
        sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
    } else {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(url).await.unwrap();
        sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
    }
}

fn refusal(e: StoreError) -> (&'static str, String, String) {
    match e {
        StoreError::Invalid { field, message_nl, message_en } => (field, message_nl, message_en),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn rights(url: &str) {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let m = synth::generate(&synth::Config { households: 300, seed: 11, today: NOW.date() });
    store.load_municipality(&m, NOW).await.unwrap();
    let officer_id = store
        .create_user(&NewUser { username: "fg".into(), display_name: "Functionaris Gegevensbescherming".into(), role: Role::PrivacyOfficer, team_id: None, partner_id: None, models: vec![] }, None, NOW)
        .await
        .unwrap();
    let officer = Actor { user_id: officer_id, role: Role::PrivacyOfficer, team_id: None, partner_id: None };
    let access = Access { actor: &officer, route: "test", now: NOW };

    // A household of two (or more) persons without an open case or open signal case.
    let open_case: std::collections::HashSet<i64> = m.cases.iter().filter(|c| c.closed.is_none()).map(|c| c.household_id).collect();
    let open_signal: std::collections::HashSet<i64> = m.signal_cases.iter().filter(|c| c.closed_on.is_none()).map(|c| c.household_id).collect();
    let home = m
        .households
        .iter()
        .find(|h| !open_case.contains(&h.id) && !open_signal.contains(&h.id) && m.persons.iter().filter(|p| p.household_id == h.id).count() >= 2)
        .expect("a household of two without help under way");
    let members: Vec<i64> = m.persons.iter().filter(|p| p.household_id == home.id).map(|p| p.id).collect();
    let (anna, bram) = (members[0], members[1]);
    // Known values, so their absence can be checked.
    raw(url, &format!("UPDATE persons SET given_names = 'Annelotte', birth_date = '1980-04-02', phone = '0611111111', bsn = '111222333' WHERE id = {anna}")).await;
    raw(url, &format!("UPDATE persons SET given_names = 'Zebediah', birth_date = '1971-07-13', phone = '0699999999', bsn = '999888777' WHERE id = {bram}")).await;
    for &other in &members[2..] {
        raw(url, &format!("UPDATE persons SET birth_date = '2015-01-01' WHERE id = {other}")).await; // children, no consent needed
    }
    // A signal about Bram with a sensitive concern, from an informal reporter; one about Anna.
    raw(
        url,
        &format!(
            "INSERT INTO signals (household_id, person_id, kind, channel, status, signal_date, received_at, reported_name, reported_address, concern, reporter_type, reporter_contact) \
             VALUES ({h}, {bram}, 'zorgen', 'formulier', 'afgerond', '2026-10-01', '2026-10-01T09:00:00Z', 'Zebediah Zeldzaam', 'Dorpsstraat 1', 'Zebediah drinkt elke avond, verslaving', 'buurtbewoner', 'Buurvrouw Klaasje 0655555555'); \
             INSERT INTO signals (household_id, person_id, kind, channel, status, signal_date, received_at, reported_name, reported_address, concern) \
             VALUES ({h}, {anna}, 'huurachterstand', 'bestand', 'afgerond', '2026-10-02', '2026-10-02T09:00:00Z', 'Annelotte Eigen', 'Dorpsstraat 1', 'huur twee maanden achter')",
            h = home.id
        ),
    )
    .await;

    // Confidential records about the household as a whole (AVG art. 15(4)): a domestic-violence
    // worry with no resident named, a note marked psychiatry, a closed case marked addiction.
    let worker = m.workers.iter().find(|w| w.role == Role::Worker && w.team_id.is_some()).unwrap();
    raw(
        url,
        &format!(
            "INSERT INTO signals (household_id, kind, channel, status, signal_date, received_at, reported_name, reported_address, concern) \
             VALUES ({h}, 'huiselijk-geweld', 'formulier', 'afgerond', '2026-10-04', '2026-10-04T09:00:00Z', '', 'Dorpsstraat 1', 'GEHEIM-hg: geschreeuw in huis'); \
             INSERT INTO contact_attempts (household_id, worker_id, kind, at, day_part, reached, note, outcome, sensitive) \
             VALUES ({h}, {w}, 'telefoon', '2026-10-05T08:30:00Z', 'ochtend', TRUE, 'GEHEIM-notitie: behandeling GGZ', 'gesproken', 'psychiatrie'); \
             INSERT INTO cases (household_id, opened, closed, close_note, sensitive, worker_id) VALUES ({h}, '2026-01-05', '2026-06-01', 'GEHEIM-afsluiting', 'verslaving', {w}); \
             INSERT INTO case_journal (case_id, author_id, at, body) VALUES ((SELECT MAX(id) FROM cases WHERE household_id = {h}), {w}, '2026-02-01T10:00:00Z', 'GEHEIM-journaal: terugval');",
            h = home.id,
            w = worker.id
        ),
    )
    .await;

    // A worker of the team reads the household: a household-level record, in both exports.
    let worker_actor = Actor { user_id: worker.id, role: Role::Worker, team_id: worker.team_id, partner_id: None };
    let worker_access = Access { actor: &worker_actor, route: "GET /huishoudens/{id}", now: NOW - time::Duration::hours(2) };
    let read = store.household(&worker_access, home.id).await;

    // The officer finds the household: one search-hit record per resident, one line in the trail.
    let found = store.rights_lookup(&access, &RightsLookup::Household(home.id)).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].residents.len(), members.len());
    assert!(found[0].residents.iter().filter(|r| r.adult).count() == 2, "the two adults are marked adult");
    assert!(matches!(store.export_person(&Access { actor: &worker_actor, route: "test", now: NOW }, anna).await, Err(StoreError::Forbidden)), "only the privacy officer");

    // Anna's own export.
    let export = store.export_person(&access, anna).await.unwrap();
    let json = serde_json::to_string(&export).unwrap();
    assert_eq!(export.person_id, Some(anna));
    assert_eq!(export.persons.iter().map(|p| p.id).collect::<Vec<_>>(), vec![anna], "only her own person record");
    assert!(json.contains("Annelotte") && json.contains("0611111111") && json.contains("huur twee maanden achter"), "her own data and the signal about her");
    for secret in ["Zebediah", "1971-07-13", "0699999999", "999888777", "verslaving", "Klaasje", "0655555555"] {
        assert!(!json.contains(secret), "the housemate's data or the reporter's identity leaked: {secret}");
    }
    assert!(export.signals.iter().all(|s| s.reported_name.as_deref() != Some("Zebediah Zeldzaam")));
    assert!(!json.contains("GEHEIM"), "what is confidential about the household waits for review: {json}");
    let held: Vec<&str> = export.held_back.iter().map(|h| h.kind).collect();
    assert_eq!(held, ["signaal", "notitie", "traject"], "each held back item is listed for the officer");
    assert!(export.contact_attempts.iter().any(|a| a.at == "2026-10-05T08:30:00Z" && a.note.is_none()), "the attempt itself is hers, the note not yet");
    assert!(!export.address.is_empty() && !export.contact_attempts.is_empty() || m.contact_attempts.iter().all(|a| a.household_id != home.id), "the shared contact attempts are hers too");
    assert_eq!(export.contact_attempts.len(), m.contact_attempts.iter().filter(|a| a.household_id == home.id).count() + 1);
    let events: Vec<&str> = export.accesses.iter().map(|a| a.event.as_str()).collect();
    if read.is_ok() {
        assert!(events.contains(&"household.read"), "who read the household file: {events:?}");
    }
    assert_eq!(events.iter().filter(|e| **e == "household.search-hit").count(), 1, "the officer's lookup once, her record only");
    assert_eq!(events.last(), Some(&"person.export"), "the export itself is the last access");
    assert!(export.accesses.iter().all(|a| !a.what.contains('.')), "plain Dutch, no codes: {:?}", export.accesses.iter().map(|a| &a.what).collect::<Vec<_>>());

    // Bram's export has his signal and not Anna's.
    let his = serde_json::to_string(&store.export_person(&access, bram).await.unwrap()).unwrap();
    assert!(his.contains("Zebediah") && his.contains("verslaving") && !his.contains("Annelotte") && !his.contains("huur twee maanden achter"));
    assert!(!his.contains("Klaasje"), "never the informal reporter");

    // The household asking together: every adult's consent, stored.
    let before = store.counts().await.unwrap();
    let (field, nl, en) = refusal(store.export_household(&access, home.id, &[anna]).await.unwrap_err());
    assert_eq!(field, "toestemming");
    assert!(nl.contains(&format!("bewoner {bram}")) && !nl.contains("Zebediah") && en.contains("consent"), "{nl} / {en}");
    assert_eq!(store.counts().await.unwrap(), before, "a refused export leaves no record");
    let together = store.export_household(&access, home.id, &[anna, bram]).await.unwrap();
    assert_eq!(together.persons.len(), members.len());
    assert_eq!(together.consented, vec![anna.min(bram), anna.max(bram)]);
    let all = serde_json::to_string(&together).unwrap();
    assert!(together.held_back.is_empty() && ["GEHEIM-hg", "GEHEIM-notitie", "GEHEIM-afsluiting", "GEHEIM-journaal"].iter().all(|x| all.contains(x)), "asked together, nothing is held back");
    let trail = store.audit_for_household(home.id).await.unwrap();
    let last = trail.last().unwrap();
    assert_eq!(last.event, "household.export");
    assert!(last.reason.as_deref().unwrap().contains(&bram.to_string()), "who consented is in the trail");

    // The trail as the officer reads it: the lookup is one line naming two records.
    let filter = TrailFilter { household_id: Some(home.id), person_id: None, username: Some("fg".into()), event: Some("household.search-hit".into()), from: NOW - time::Duration::days(1), until: NOW + time::Duration::days(1) };
    let lines = store.audit_trail(&filter, 50).await.unwrap();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!((lines[0].records, lines[0].households, lines[0].household_id, lines[0].person_id), (members.len() as i64, 1, Some(home.id), None));
    assert_eq!(lines[0].label(true), "Huishouden gevonden bij zoeken");
    let by_person = store.audit_trail(&TrailFilter { household_id: None, person_id: Some(bram), username: None, event: None, ..filter.clone() }, 50).await.unwrap();
    assert!(by_person.iter().any(|l| l.event == "person.export" && l.person_id == Some(bram)));
    assert!(!by_person.iter().any(|l| l.person_id == Some(anna)), "the filter by resident leaves the housemate's records out");
    // A worker's list view (search hits for many households) is one line with its count.
    let address = &m.addresses[(home.address_id - 1) as usize];
    let query = HouseholdQuery { postcode: Some(address.postcode.clone()), house_number: None, surname: None, street: None };
    if let Ok(hits) = store.search_households(&Access { actor: &worker_actor, route: "POST /huishoudens", now: NOW }, &query).await {
        let list = store
            .audit_trail(&TrailFilter { household_id: None, person_id: None, username: Some(worker.username.clone()), event: Some("household.search-hit".into()), ..filter.clone() }, 50)
            .await
            .unwrap();
        if hits.len() > 1 {
            assert_eq!(list.len(), 1, "one view, one line");
            assert_eq!(list[0].households, hits.len() as i64);
        }
    }

    // Flags: the exports of today are listed; marked handled with a note (audited); a new export
    // the same day puts the flag back.
    let day = time::macros::date!(2026 - 11 - 28).to_string();
    let flags = store.audit_anomalies(NOW - time::Duration::days(1), 25).await.unwrap();
    let flag = flags.iter().find(|a| a.kind == "export" && a.user.as_deref() == Some("fg")).unwrap();
    assert_eq!((flag.day.as_str(), flag.count, flag.handled.is_none()), (day.as_str(), 3, true));
    assert_eq!(refusal(store.audit_review(&access, "export", "fg", &day, "  ").await.unwrap_err()).0, "notitie");
    assert_eq!(refusal(store.audit_review(&access, "export", "iemand", &day, "nagegaan").await.unwrap_err()).0, "notitie", "not on the list");
    store.audit_review(&access, "export", "fg", &day, "Verzoeken van de bewoners van 28 november, identiteit gecontroleerd").await.unwrap();
    let flag = store.audit_anomalies(NOW - time::Duration::days(1), 25).await.unwrap().into_iter().find(|a| a.kind == "export" && a.user.as_deref() == Some("fg")).unwrap();
    assert_eq!(flag.handled.map(|h| h.note), Some("Verzoeken van de bewoners van 28 november, identiteit gecontroleerd".to_string()));
    let reviews = store.audit_trail(&TrailFilter { household_id: None, person_id: None, username: None, event: Some("audit.review".into()), ..filter.clone() }, 5).await.unwrap();
    assert_eq!(reviews.len(), 1, "handling a flag is audited");

    // Erasure of one resident: refused while help is under way, saying why.
    raw(url, &format!("INSERT INTO cases (household_id, opened) VALUES ({}, '2026-11-01')", home.id)).await;
    let before = store.counts().await.unwrap();
    let (field, nl, en) = refusal(store.erase_person(&access, anna, "verzoek van de bewoner").await.unwrap_err());
    assert_eq!(field, "traject");
    assert!(nl.contains("traject") && en.contains("case"), "{nl} / {en}");
    raw(url, &format!("UPDATE cases SET closed = '2026-11-20' WHERE household_id = {}", home.id)).await;
    raw(
        url,
        &format!(
            "INSERT INTO signal_cases (household_id, stage, opened_at, due_date) VALUES ({h}, 'nieuw', '2026-11-27T10:00:00Z', '2026-12-10'); \
             UPDATE signals SET signal_case_id = (SELECT MAX(id) FROM signal_cases WHERE household_id = {h}) WHERE person_id = {anna}",
            h = home.id
        ),
    )
    .await;
    let (field, nl, en) = refusal(store.erase_person(&access, anna, "verzoek van de bewoner").await.unwrap_err());
    assert_eq!(field, "signaalzaak");
    assert!(nl.contains("signaalzaak") && en.contains("signal case"), "{nl} / {en}");
    assert_eq!(store.counts().await.unwrap(), before, "refusals change nothing");
    assert_eq!(refusal(store.erase_person(&access, anna, " ").await.unwrap_err()).0, "reden");
    raw(url, &format!("UPDATE signal_cases SET stage = 'afgesloten', closed_on = '2026-11-28' WHERE household_id = {}", home.id)).await;

    store.erase_person(&access, anna, "verzoek van de bewoner van 28 november, geen bewaarplicht").await.unwrap();
    let after = store.counts().await.unwrap();
    assert_eq!((after.households, after.persons, after.signals), (before.households, before.persons - 1, before.signals - 1), "she and the signal about her");
    assert!(matches!(store.export_person(&access, anna).await, Err(StoreError::NotFound)));
    let his = store.export_person(&access, bram).await.unwrap();
    assert_eq!(his.household_id, home.id, "the household stays");
    assert_eq!(his.persons[0].given_names, "Zebediah", "the housemate stays intact");
    assert_eq!(his.persons[0].phone.as_deref(), Some("0699999999"));
    assert!(his.signals.iter().any(|s| s.concern.as_deref() == Some("Zebediah drinkt elke avond, verslaving")), "with the signal about him");
    assert!(!serde_json::to_string(&his).unwrap().contains("Annelotte"));
    let trail = store.audit_for_household(home.id).await.unwrap();
    assert!(trail.iter().any(|a| a.event == "person.erase" && a.person_id == Some(anna) && a.reason.as_deref() == Some("verzoek van de bewoner van 28 november, geen bewaarplicht")));
    assert!(matches!(store.verify_audit_chain().await.unwrap(), store::audit::ChainCheck::Intact { .. }), "the audit chain stays verifiable");
    assert!(matches!(store.erase_person(&access, anna, "nogmaals").await, Err(StoreError::NotFound)));
    store.close().await;
}
