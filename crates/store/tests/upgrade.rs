//! Upgrades (issue 9): a database made by an earlier release migrates to the current schema
//! and keeps its data and its audit chain. `tests/data/schema-v5.db` is a 40-household demo
//! database made by `eropaf demo --households 40 --seed 11` at commit 24656ce (schema version 5,
//! synthetic people only), with an open case (the version-5 `cases` row: no phase, no worker)
//! added to every third household with `sqlite3`; add a fixture like it when a release changes
//! the schema.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use store::audit::ChainCheck;
use store::{Access, Store};
use time::macros::datetime;

#[tokio::test]
async fn a_schema_5_database_migrates_to_the_current_schema_and_keeps_everything() {
    let dir = std::env::temp_dir().join(format!("eropaf-upgrade-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("eropaf.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/schema-v5.db"), &db).unwrap();
    let store = Store::connect(&format!("sqlite://{}", db.display())).await.unwrap();

    assert_eq!(store.pending_migrations().await.unwrap(), vec![6], "made at version 5: not ready until migrated");
    let before = store.counts().await.unwrap();
    let ChainCheck::Intact { records, head } = store.verify_audit_chain().await.unwrap() else { panic!("the fixture's chain is intact") };
    assert_eq!(store.migrate().await.unwrap(), vec![6]);
    assert!(store.pending_migrations().await.unwrap().is_empty());
    assert_eq!(store.counts().await.unwrap(), before, "no data lost or added");
    assert_eq!(store.verify_audit_chain().await.unwrap(), ChainCheck::Intact { records, head }, "the same chain, the same head");
    assert_eq!(store.integrity_check().await.unwrap(), vec!["ok".to_string()]);

    // The old data works with the new features: the demo worker opens the case page of a case
    // made before cases had phases (it starts in the first phase), and opens a new case.
    let worker = store.user_by_id(store.busiest_worker().await.unwrap().unwrap()).await.unwrap().unwrap();
    let actor = worker.actor();
    let now = datetime!(2026-11-28 10:00 UTC);
    let access = Access { actor: &actor, route: "test", now };
    let mut pool = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let cases: Vec<(i64, i64)> = sqlx::query_as("SELECT id, household_id FROM cases ORDER BY id").fetch_all(&mut pool).await.unwrap();
    let mut seen = None;
    for (id, household_id) in &cases {
        if let Ok(file) = store.case_file(&access, *id).await {
            assert_eq!((file.household_id, file.phase, file.domains.len()), (*household_id, domain::case::Phase::Vertrouwen, 0));
            seen = Some(file);
            break;
        }
    }
    assert!(seen.is_some(), "a case of the worker's team among {} cases", cases.len());
    let households: Vec<(i64,)> = sqlx::query_as("SELECT id FROM households WHERE id NOT IN (SELECT household_id FROM cases WHERE closed IS NULL) ORDER BY id").fetch_all(&mut pool).await.unwrap();
    let new = |household_id| store::cases::NewCase {
        household_id,
        opened: now.date(),
        models: vec![domain::model::OutreachModel::Hulp],
        domains: vec![domain::case::ZrmDomain::Financien],
        goal: Some("Weer overzicht over de post"),
    };
    let mut opened = false;
    for (h,) in households {
        if store.open_case(&access, &new(h)).await.is_ok() {
            opened = true;
            break;
        }
    }
    assert!(opened, "a new case on an old household");
    assert!(matches!(store.verify_audit_chain().await.unwrap(), ChainCheck::Intact { records: r, .. } if r > records), "new records join the old chain");
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
