//! The conformance story every backend must pass: the same calls, the same answers, on
//! SQLite and on a throwaway PostgreSQL cluster. Each story runs here once per backend; its
//! chapters are in the modules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;

mod access;
mod campaigns;
mod casework;
mod retention;

use common::{postgres_url, sqlite_url, NOW};
use store::Store;

#[tokio::test]
async fn story_on_sqlite() {
    story(&sqlite_url("story")).await;
}

#[tokio::test]
async fn story_on_postgres() {
    story(&postgres_url("story")).await;
}

async fn story(url: &str) {
    let store = Store::connect(url).await.unwrap();
    assert_eq!(store.pending_migrations().await.unwrap(), Store::known_migrations(), "an empty database lacks every step (not ready)");
    assert_eq!(store.migrate().await.unwrap(), Store::known_migrations(), "a new database gets every migration");
    assert!(store.pending_migrations().await.unwrap().is_empty(), "then none is pending (ready)");
    assert!(store.migrate().await.unwrap().is_empty(), "migrating again changes nothing");
    assert!(store.healthy().await);

    let m = synth::generate(&synth::Config { households: 400, seed: 7, today: NOW.date() });
    store.load_municipality(&m, NOW).await.unwrap();
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.households, m.households.len() as i64);
    assert_eq!(counts.persons, m.persons.len() as i64);
    assert_eq!(counts.signals, m.signals.len() as i64);
    assert_eq!(counts.contact_attempts, m.contact_attempts.len() as i64);
    assert_eq!(counts.audit_events, m.households.len() as i64, "one audit event per household loaded");
    // Loading twice is refused and changes nothing.
    assert!(store.load_municipality(&m, NOW).await.is_err());
    assert_eq!(store.counts().await.unwrap(), counts);

    access::accounts_and_sessions(&store).await;
    access::residents_need_to_know_and_audit(&store, &m).await;
    access::access_request_and_erasure(&store, &m).await;
    casework::contact_follow_through(&store, &m).await;
    casework::case_work(&store, &m).await;
    campaigns::campaigns(&store, &m).await;
    access::audit_chain_is_append_only_and_tamper_evident(&store, url).await;
    store.close().await;
}

#[tokio::test]
async fn retention_on_sqlite() {
    retention::retention(&sqlite_url("retention")).await;
}

#[tokio::test]
async fn retention_on_postgres() {
    retention::retention(&postgres_url("retention")).await;
}
