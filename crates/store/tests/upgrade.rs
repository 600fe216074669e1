//! Upgrades (issue 9): a database made by an earlier release migrates to the current schema
//! and keeps its data and its audit chain, on SQLite and, moved there by `migrate-db`, on
//! PostgreSQL. `tests/data/schema-v5.db` is a 40-household demo
//! database made by `eropaf demo --households 40 --seed 11` at commit 24656ce (schema version 5,
//! synthetic people only), with an open case (the version-5 `cases` row: no phase, no worker)
//! added to every third household with `sqlite3`; add a fixture like it when a release changes
//! the schema.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use store::audit::ChainCheck;
use store::{Access, Store};
use time::macros::datetime;

fn fixture_copy(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("eropaf-upgrade-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("eropaf.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/schema-v5.db"), &db).unwrap();
    let url = format!("sqlite://{}", db.display());
    (dir, url)
}

/// Two id columns of a query, read around the store (the store has no call for "every case").
async fn ids(url: &str, sql: &str) -> Vec<(i64, i64)> {
    use sqlx::Connection;
    if url.starts_with("sqlite://") {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
    }
}

#[tokio::test]
async fn a_schema_5_database_migrates_to_the_current_schema_and_keeps_everything() {
    let (dir, url) = fixture_copy("sqlite");
    let store = Store::connect(&url).await.unwrap();
    upgrade_keeps_everything(store, &url).await;
    let _ = std::fs::remove_dir_all(dir);
}

/// The same database moved to PostgreSQL by `migrate-db` (which keeps its schema version 5)
/// and upgraded there; a move into a database that is not empty, or of a source whose audit
/// chain was tampered with, is refused and writes nothing.
#[tokio::test]
async fn a_schema_5_database_moved_to_postgres_upgrades_there_and_a_bad_move_writes_nothing() {
    let (dir, url) = fixture_copy("postgres");
    let source = Store::connect(&url).await.unwrap();
    let cluster = store::testing::shared().unwrap();
    let pg_url = cluster.new_unique_database("upgrade").unwrap();
    let target = Store::connect(&pg_url).await.unwrap();
    let moved = source.copy_to_postgres(&target).await.unwrap();
    assert_eq!(moved.schema_version, 5);
    assert!(moved.tables.iter().any(|(t, n)| t == "cases" && *n == 15), "{:?}", moved.tables);
    let ChainCheck::Intact { records, head } = source.verify_audit_chain().await.unwrap() else { panic!() };
    assert_eq!((moved.audit_records, &moved.audit_head), (records, &head));
    assert_eq!(target.counts().await.unwrap(), source.counts().await.unwrap());

    let refused = source.copy_to_postgres(&target).await.unwrap_err().to_string();
    assert!(refused.contains("niet leeg"), "{refused}");
    assert_eq!(target.counts().await.unwrap(), source.counts().await.unwrap(), "nothing copied twice");

    // Someone got past the triggers and changed a record: the move is refused, the target
    // stays empty (no schema either), so it can be retried once the source is sorted out.
    {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("DROP TRIGGER audit_events_no_update").execute(&mut c).await.unwrap();
        sqlx::query("UPDATE audit_events SET route = 'gewijzigd' WHERE seq = 7").execute(&mut c).await.unwrap();
    }
    let fresh = Store::connect(&cluster.new_unique_database("upgrade_refused").unwrap()).await.unwrap();
    let refused = source.copy_to_postgres(&fresh).await.unwrap_err().to_string();
    assert!(refused.contains("volgnummer 7"), "{refused}");
    assert!(fresh.is_blank().await.unwrap(), "a refused move leaves the target empty");
    fresh.close().await;
    source.close().await;

    upgrade_keeps_everything(target, &pg_url).await;
    let _ = std::fs::remove_dir_all(dir);
}

async fn upgrade_keeps_everything(store: Store, url: &str) {
    assert_eq!(store.pending_migrations().await.unwrap(), Store::known_migrations().split_off(5), "made at version 5: not ready until migrated");
    let before = store.counts().await.unwrap();
    let ChainCheck::Intact { records, head } = store.verify_audit_chain().await.unwrap() else { panic!("the fixture's chain is intact") };
    assert_eq!(store.migrate().await.unwrap(), Store::known_migrations().split_off(5));
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
    let cases = ids(url, "SELECT id, household_id FROM cases ORDER BY id").await;
    let mut seen = None;
    for (id, household_id) in &cases {
        if let Ok(file) = store.case_file(&access, *id).await {
            assert_eq!((file.household_id, file.phase, file.domains.len()), (*household_id, domain::case::Phase::Vertrouwen, 0));
            seen = Some(file);
            break;
        }
    }
    assert!(seen.is_some(), "a case of the worker's team among {} cases", cases.len());
    let households = ids(url, "SELECT id, id FROM households WHERE id NOT IN (SELECT household_id FROM cases WHERE closed IS NULL) ORDER BY id").await;
    let new = |household_id| store::cases::NewCase {
        household_id,
        opened: now.date(),
        models: vec![domain::model::OutreachModel::Hulp],
        domains: vec![domain::case::ZrmDomain::Financien],
        goal: Some("Weer overzicht over de post"),
    };
    let mut opened = false;
    for (h, _) in households {
        if store.open_case(&access, &new(h)).await.is_ok() {
            opened = true;
            break;
        }
    }
    assert!(opened, "a new case on an old household");
    assert!(matches!(store.verify_audit_chain().await.unwrap(), ChainCheck::Intact { records: r, .. } if r > records), "new records join the old chain");
    store.close().await;
}
