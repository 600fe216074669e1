//! The retention terms and the daily purge.

use crate::common::NOW;
use store::Store;

/// The purge job removes exactly what outlived its term — closed cases past the case term,
/// signals and contact attempts that no remaining case holds on to — writes one audit record
/// per household it touched, leaves the chain verifiable, and removes nothing on a second run.
/// Scheduled by several app servers, it runs once a day.
pub async fn retention(url: &str) {
    use std::collections::HashSet;
    use store::retention::RetentionPolicy;
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let m = synth::generate(&synth::Config { households: 400, seed: 11, today: NOW.date() });
    store.load_municipality(&m, NOW).await.unwrap();
    let before = store.counts().await.unwrap();

    // Purge 800 days after the data was made: every closed case is past its term, while
    // households with an open case keep their signals and contact history.
    let later = NOW + time::Duration::days(800);
    let policy = RetentionPolicy::default();
    let day = |d: u32| later.date() - time::Duration::days(i64::from(d));
    let expired_case = |c: &domain::model::Case| c.closed.is_some_and(|closed| closed < day(policy.case_days));
    let held: HashSet<i64> = m.cases.iter().filter(|c| !expired_case(c)).map(|c| c.household_id).collect();
    let cases = m.cases.iter().filter(|c| expired_case(c)).count() as u64;
    // Every demo signal belongs to a signal case: closed ones go with their case (both terms
    // have passed by then), open ones stay.
    let closed: Vec<&domain::model::SignalCase> =
        m.signal_cases.iter().filter(|c| c.stage == domain::model::CaseStage::Afgesloten && !held.contains(&c.household_id)).collect();
    let signal_cases = closed.len() as u64;
    let signals = closed.iter().map(|c| c.signal_ids.len()).sum::<usize>() as u64;
    assert!(m.signal_cases.iter().any(|c| c.stage != domain::model::CaseStage::Afgesloten), "some signal cases stay open");
    let attempts = m.contact_attempts.iter().filter(|a| a.at < later - time::Duration::days(i64::from(policy.contact_days)) && !held.contains(&a.household_id)).count() as u64;
    assert!(cases > 0 && signals > 0 && attempts > 0, "the test data has something to purge: {cases} {signals} {attempts}");
    assert!(signals < m.signals.len() as u64 && attempts < m.contact_attempts.len() as u64, "and something to keep");

    // Two app servers on this database schedule the daily purge at the same moment: one runs it.
    let other = Store::connect(url).await.unwrap();
    let (a, b) = tokio::join!(store.daily_purge(later, "server-a"), other.daily_purge(later, "server-b"));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.is_some() != b.is_some(), "exactly one server runs the day's purge: {a:?} {b:?}");
    let report = a.or(b).unwrap();
    assert!(other.daily_purge(later + time::Duration::hours(3), "server-b").await.unwrap().is_none(), "not again that day");
    other.close().await;
    assert_eq!((report.cases, report.signals, report.contact_attempts, report.signal_cases), (cases, signals, attempts, signal_cases));
    let after = store.counts().await.unwrap();
    assert_eq!(after.signals, before.signals - signals as i64);
    assert_eq!(after.contact_attempts, before.contact_attempts - attempts as i64);
    assert_eq!(after.households, before.households, "the base registry is not purged by term");
    let purge_records = after.audit_events - before.audit_events;
    assert!(purge_records as u64 >= report.households && report.households > 0, "one audit record per household touched");
    assert!(matches!(store.verify_audit_chain().await.unwrap(), store::audit::ChainCheck::Intact { .. }));

    // The records say what and why, never who.
    let some = closed[0].household_id;
    let trail = store.audit_for_household(some).await.unwrap();
    let last = trail.last().unwrap();
    assert_eq!((last.event.as_str(), last.user_id, last.route.as_str()), ("retention.purge", None, "retention purge"));
    assert!(last.reason.as_deref().unwrap().starts_with("bewaartermijn verstreken: "), "{:?}", last.reason);

    let again = store.daily_purge(later + time::Duration::days(1), "server-a").await.unwrap().expect("the next day it runs again");
    assert_eq!((again.cases, again.signals, again.contact_attempts, again.planned_contacts, again.households), (0, 0, 0, 0, 0), "nothing left to purge");
    assert_eq!(store.counts().await.unwrap().audit_events, after.audit_events, "and no audit records for nothing");
    store.close().await;
}
