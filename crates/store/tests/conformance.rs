//! The conformance story every backend must pass: the same calls, the same answers, on
//! SQLite and on a throwaway PostgreSQL cluster.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use domain::model::{Role, SignalStatus};
use domain::{HouseNumber, PersonName, Postcode};
use store::residents::{HouseholdQuery, NewHousehold};
use store::{Access, Actor, NewUser, Store, StoreError};
use time::macros::{date, datetime};
use time::OffsetDateTime;

const NOW: OffsetDateTime = datetime!(2026-11-28 10:00 UTC);

fn sqlite_url(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("eropaf-test-{}-{name}-{}", std::process::id(), NOW.unix_timestamp()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite://{}", dir.join("eropaf.db").display())
}

fn postgres_url(name: &str) -> String {
    store::testing::shared().expect("PostgreSQL cluster").new_unique_database(name).expect("database")
}

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
    assert_eq!(store.pending_migrations().await.unwrap(), vec![1, 2, 3, 4, 5, 6, 7, 8, 9], "an empty database lacks every step (not ready)");
    assert_eq!(store.migrate().await.unwrap(), vec![1, 2, 3, 4, 5, 6, 7, 8, 9], "a new database gets every migration");
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

    accounts_and_sessions(&store).await;
    residents_need_to_know_and_audit(&store, &m).await;
    access_request_and_erasure(&store, &m).await;
    contact_follow_through(&store, &m).await;
    case_work(&store, &m).await;
    campaigns(&store, &m).await;
    audit_chain_is_append_only_and_tamper_evident(&store, url).await;
    store.close().await;
}

/// Door to door (issue 6): a campaign over a buurt leaves out who asked not to be visited,
/// cuts the doors into walk lists within the shift, logs results (a signal goes to the team's
/// weighing), re-plans only the doors nobody was reached at, at another day part, flags a burst
/// of entries, and is invisible to another team. Venues and information sessions likewise.
async fn campaigns(store: &Store, m: &synth::Municipality) {
    use domain::campaign::{DoorOutcome, VenueKind};
    use domain::model::DayPart;
    use store::campaigns::{DoorEntry, NewCampaign, NewWave};
    use store::outreach::{NewInfoSession, NewPresence, NewVenue};
    let team = m.teams[0].id;
    let workers: Vec<_> = m.workers.iter().filter(|w| w.role == Role::Worker && w.team_id == Some(team)).collect();
    let actor = Actor { user_id: workers[0].id, role: Role::Worker, team_id: Some(team), partner_id: None };
    let at = |now: OffsetDateTime| Access { actor: &actor, route: "test", now };
    let other_team = m.teams.iter().find(|t| t.id != team).unwrap();
    let stranger_user = m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(other_team.id)).unwrap();
    let stranger = Actor { user_id: stranger_user.id, role: Role::Worker, team_id: Some(other_team.id), partner_id: None };
    let invalid = |e: StoreError| match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other}"),
    };
    // The buurt of team 0 with the most addresses.
    let buurt = m
        .buurten
        .iter()
        .filter(|b| b.code.parent().as_ref() == Some(&m.teams[0].wijk))
        .max_by_key(|b| m.addresses.iter().filter(|a| a.buurt == b.code).count())
        .unwrap();
    let doors = m.addresses.iter().filter(|a| a.buurt == buurt.code).count();
    assert!(doors > 10, "the test needs a buurt with doors ({doors})");

    let venue = store.add_venue(&at(NOW), &NewVenue { name: "Buurthuis".into(), kind: VenueKind::CommunityCentre, place: "Plein 1".into(), x: Some(155_000.0), y: None }).await;
    assert_eq!(invalid(venue.unwrap_err()), "x", "x without y is refused");
    let venue = store.add_venue(&at(NOW), &NewVenue { name: "Buurthuis".into(), kind: VenueKind::CommunityCentre, place: "Plein 1".into(), x: None, y: None }).await.unwrap();
    let presence = NewPresence { on_date: NOW.date(), start_time: "14:00".into(), minutes: 90, conversations: 5, topics: "toeslagen".into(), signals_noted: 1, note: None };
    assert_eq!(invalid(store.log_presence(&at(NOW), venue, &NewPresence { start_time: "25:00".into(), ..presence.clone() }).await.unwrap_err()), "begin");
    store.log_presence(&at(NOW), venue, &presence).await.unwrap();
    assert!(matches!(store.log_presence(&Access { actor: &stranger, route: "test", now: NOW }, venue, &presence).await, Err(StoreError::NotFound)), "another team's venue is not there");
    let (v, sessions) = store.venue(&at(NOW), venue).await.unwrap();
    assert_eq!((v.sessions, v.conversations, sessions.len()), (1, 5, 1));
    let info = NewInfoSession { on_date: NOW.date(), location: "Moskee".into(), audience: "moeders".into(), organised_with: Some("MZO".into()), topics: "brieven".into(), attendance: 20, follow_ups: 3 };
    store.add_info_session(&at(NOW), &info).await.unwrap();
    assert_eq!(store.info_sessions(&at(NOW)).await.unwrap().len(), 1);
    assert!(store.info_sessions(&Access { actor: &stranger, route: "test", now: NOW }).await.unwrap().is_empty());

    let wave = NewWave { walk_on: NOW.date(), day_part: DayPart::Middag, shift_minutes: 120, walkers: vec![workers[0].id, workers[1].id] };
    let new = NewCampaign { name: "Kennismaken".into(), area_code: buurt.code.code(), streets: None, service_seconds: 60, speed_kmh: 4.5, start_venue: None, recent_days: 0, wave: wave.clone() };
    assert_eq!(invalid(store.create_campaign(&at(NOW), &NewCampaign { area_code: other_team.wijk.code(), ..new.clone() }).await.unwrap_err()), "gebied");
    assert_eq!(invalid(store.create_campaign(&at(NOW), &NewCampaign { wave: NewWave { walkers: vec![stranger_user.id], ..wave.clone() }, ..new.clone() }).await.unwrap_err()), "lopers");
    let campaign = store.create_campaign(&at(NOW), &new).await.unwrap();
    let view = store.campaign(&at(NOW), campaign).await.unwrap();
    // Every address of the buurt with coordinates (an erasure earlier in the story may have
    // taken one).
    assert!(view.coverage.doors <= doors && view.coverage.doors + 2 >= doors, "{} doors of {doors}", view.coverage.doors);
    let doors = view.coverage.doors;
    assert_eq!(view.waves.len(), 1);
    let lists = &view.waves[0].lists;
    assert_eq!(lists.len(), 2, "one walk list per walker");
    let planned: i64 = lists.iter().map(|l| l.doors).sum();
    assert_eq!(planned + view.waves[0].unplanned, doors as i64, "every door planned or named unplanned");
    for l in lists {
        assert!(l.planned_minutes <= 120, "a list stays within the shift ({} min)", l.planned_minutes);
    }
    assert!(matches!(store.campaign(&Access { actor: &stranger, route: "test", now: NOW }, campaign).await, Err(StoreError::NotFound)));
    assert!(matches!(store.walk_list(&Access { actor: &stranger, route: "test", now: NOW }, lists[0].id).await, Err(StoreError::NotFound)));

    // Walking the first list: a signal, a talk, a burst of not-home entries.
    let list = store.walk_list(&at(NOW), lists[0].id).await.unwrap();
    let ids: Vec<i64> = list.stops.iter().flat_map(|s| s.doors.iter().map(|d| d.id)).collect();
    assert!(ids.len() >= 8, "the first list has doors ({})", ids.len());
    let policy = store::signals::SignalPolicy::default();
    let entry = |outcome| DoorEntry { outcome, note: None, come_back_at: None, signal_kind: None, no_visit: false };
    let t0 = NOW + time::Duration::hours(3);
    assert_eq!(invalid(store.record_door(&at(t0), list.id, ids[0], &entry(DoorOutcome::SignalNoted), &policy).await.unwrap_err()), "notitie", "a signal needs a note");
    assert_eq!(invalid(store.record_door(&at(t0), list.id, ids[0], &entry(DoorOutcome::ComeBack), &policy).await.unwrap_err()), "terugkomen");
    let cases_before = store.signal_case_counts(&at(t0), t0.date(), &policy).await.unwrap();
    let signals_before = store.counts().await.unwrap().signals;
    let signal = store
        .record_door(&at(t0), list.id, ids[0], &DoorEntry { note: Some("Post stapelt zich op.".into()), ..entry(DoorOutcome::SignalNoted) }, &policy)
        .await
        .unwrap();
    assert!(signal.is_some());
    assert_eq!(store.counts().await.unwrap().signals, signals_before + 1, "the door's signal is stored");
    let cases_after = store.signal_case_counts(&at(t0), t0.date(), &policy).await.unwrap();
    assert!(cases_after.iter().sum::<i64>() >= cases_before.iter().sum::<i64>(), "and reaches the team's signal cases");
    store
        .record_door(&at(t0 + time::Duration::minutes(3)), list.id, ids[1], &DoorEntry { no_visit: true, ..entry(DoorOutcome::Talked) }, &policy)
        .await
        .unwrap();
    for (i, id) in ids[2..8].iter().enumerate() {
        store.record_door(&at(t0 + time::Duration::minutes(10) + time::Duration::seconds(5 * i as i64)), list.id, *id, &entry(DoorOutcome::NotHome), &policy).await.unwrap();
    }
    assert!(matches!(
        store.record_door(&Access { actor: &stranger, route: "test", now: t0 }, list.id, ids[9.min(ids.len() - 1)], &entry(DoorOutcome::Talked), &policy).await,
        Err(StoreError::NotFound)
    ));
    let view = store.campaign(&at(t0), campaign).await.unwrap();
    assert_eq!((view.coverage.visited, view.coverage.reached, view.coverage.signals), (8, 2, 1));
    assert_eq!(view.flagged.len(), 1, "six entries in 25 seconds are flagged");
    assert_eq!(view.flagged[0].entries, 6);
    assert_eq!(view.coverage.open, doors - 2, "everyone but the two reached goes into the next wave");

    // The next wave: the same day part is refused; another takes only the doors not reached.
    let next = NewWave { walk_on: NOW.date() + time::Duration::days(2), ..wave.clone() };
    assert_eq!(invalid(store.plan_next_wave(&at(t0), campaign, &next).await.unwrap_err()), "dagdeel");
    assert_eq!(store.plan_next_wave(&at(t0), campaign, &NewWave { day_part: DayPart::Avond, ..next }).await.unwrap(), 2);
    let view = store.campaign(&at(t0), campaign).await.unwrap();
    let second: i64 = view.waves[1].lists.iter().map(|l| l.doors).sum::<i64>() + view.waves[1].unplanned;
    assert_eq!(second, doors as i64 - 2);
    let list2 = store.walk_list(&at(t0), view.waves[1].lists[0].id).await.unwrap();
    assert!(list2.stops.iter().flat_map(|s| &s.doors).all(|d| d.id != ids[0] && d.id != ids[1]), "reached doors are not visited again");

    // A later campaign over the same buurt leaves out who asked not to be visited, and, on
    // request, the doors visited recently.
    let later = store.create_campaign(&at(t0), &NewCampaign { name: "Later".into(), recent_days: 0, ..new.clone() }).await.unwrap();
    let view = store.campaign(&at(t0), later).await.unwrap();
    assert_eq!((view.no_visit, view.recent), (1, 0));
    let recent = store.create_campaign(&at(t0), &NewCampaign { name: "Recent".into(), recent_days: 30, ..new.clone() }).await.unwrap();
    let view = store.campaign(&at(t0), recent).await.unwrap();
    assert_eq!(view.no_visit, 1);
    assert!(view.recent >= 7, "the seven other doors walked were visited recently (and any with a recent contact attempt): {}", view.recent);
}

/// Persistence and keeping in view (issue 5), with a controlled clock: a failed visit proposes
/// the next attempt, a missed proposal puts the household out of view, the worker may plan
/// otherwise with a reason, the team's number of failures puts it on the case-discussion list,
/// and another team's household cannot be touched.
async fn contact_follow_through(store: &Store, m: &synth::Municipality) {
    use domain::contact::{CadencePolicy, Next, OutOfView};
    use domain::model::{ContactKind, ContactOutcome, DayPart};
    use store::contact::NewAttempt;
    let team_of = |household_id: i64| {
        let h = m.households.iter().find(|h| h.id == household_id).unwrap();
        let wijk = m.addresses[(h.address_id - 1) as usize].buurt.parent().unwrap();
        m.teams.iter().find(|t| t.wijk == wijk).unwrap().id
    };
    // A household the team registered, without history, with a case opened on 1 November.
    let team = m.teams[0].id;
    let worker = m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(team)).unwrap();
    let lead = m.workers.iter().find(|w| w.role == Role::TeamLead && w.team_id == Some(team)).unwrap();
    let actor = Actor { user_id: worker.id, role: Role::Worker, team_id: Some(team), partner_id: None };
    let access = Access { actor: &actor, route: "test", now: NOW };
    let buurt = m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&m.teams[0].wijk)).unwrap();
    let new = NewHousehold {
        street: "Volhoudstraat".into(),
        house_number: HouseNumber::parse("3").unwrap(),
        postcode: Postcode::parse("9998 AA").unwrap(),
        locality: "Testdorp".into(),
        buurt_code: buurt.code.code(),
        name: PersonName::parse("Ria", "", "Dekker").unwrap(),
        birth_date: date!(1971 - 03 - 02),
        bsn: None,
        phone: Some("0612345678".into()),
    };
    let h = store.create_household(&access, &new).await.unwrap();
    let case = store::cases::NewCase { household_id: h, opened: date!(2026 - 11 - 01), models: vec![domain::model::OutreachModel::Hulp], domains: vec![domain::case::ZrmDomain::Financien], goal: None };
    store.open_case(&access, &case).await.unwrap();
    let policy = CadencePolicy { failures_before_discussion: 3, ..CadencePolicy::default() };
    let attempt = |at: OffsetDateTime, kind: ContactKind, outcome: ContactOutcome| NewAttempt { household_id: h, kind, at, day_part: None, outcome, note: None };

    // Monday morning, not home: the evening, two days later, planned for this worker.
    let monday = datetime!(2026-11-16 10:00 UTC);
    let logged = store.log_contact_attempt(&access, &attempt(monday, ContactKind::Huisbezoek, ContactOutcome::NietThuis), &policy).await.unwrap();
    let Next::Try(p) = logged.next else { panic!("{:?}", logged.next) };
    assert_eq!((p.kind, p.day_part, p.not_before), (ContactKind::Huisbezoek, DayPart::Avond, date!(2026-11-18)));
    let next = store.next_contact(&access, h).await.unwrap().unwrap();
    assert_eq!(next.planned.as_ref().map(|p| (p.on, p.kind, p.day_part, p.proposed)), Some((date!(2026-11-18), ContactKind::Huisbezoek, DayPart::Avond, true)));

    // Nobody went on the 18th: on the 28th the household is ten days out of view, for the worker and the team.
    let audit_before = store.counts().await.unwrap().audit_events;
    let mine = store.out_of_view(&access, NOW.date(), &policy, true).await.unwrap();
    let row = mine.iter().find(|r| r.household_id == h).expect("out of view for the worker");
    assert_eq!(row.reason, OutOfView::PlannedOverdue { planned: date!(2026-11-18), days: 10 });
    assert_eq!(store.counts().await.unwrap().audit_events - audit_before, mine.len() as i64, "one record per household shown");
    let other = m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(team) && w.id != worker.id);
    if let Some(other) = other {
        let other_actor = Actor { user_id: other.id, role: Role::Worker, team_id: Some(team), partner_id: None };
        let theirs = store.out_of_view(&Access { actor: &other_actor, route: "test", now: NOW }, NOW.date(), &policy, true).await.unwrap();
        assert!(theirs.iter().all(|r| r.household_id != h), "not on another worker's own list");
    }

    // Planning otherwise needs a reason and a date from today; then the household is in view again.
    let refused = store.plan_contact(&access, h, ContactKind::Telefoon, DayPart::Middag, date!(2026-11-29), " ").await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid { field: "reden", .. }), "{refused}");
    let refused = store.plan_contact(&access, h, ContactKind::Telefoon, DayPart::Middag, date!(2026-11-27), "werkt overdag").await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid { field: "datum", .. }), "{refused}");
    store.plan_contact(&access, h, ContactKind::Telefoon, DayPart::Middag, date!(2026-11-30), "werkt overdag, bellen in pauze").await.unwrap();
    let next = store.next_contact(&access, h).await.unwrap().unwrap();
    let planned = next.planned.unwrap();
    assert_eq!((planned.on, planned.kind, planned.proposed, planned.reason.as_deref()), (date!(2026-11-30), ContactKind::Telefoon, false, Some("werkt overdag, bellen in pauze")));
    assert!(store.out_of_view(&access, NOW.date(), &policy, true).await.unwrap().iter().all(|r| r.household_id != h), "a contact still to come keeps it in view");

    // Two more failures make three: the team's case discussion, not another proposal.
    store.log_contact_attempt(&access, &attempt(datetime!(2026-11-20 18:30 UTC), ContactKind::Huisbezoek, ContactOutcome::NietThuis), &policy).await.unwrap();
    let third = store.log_contact_attempt(&access, &attempt(datetime!(2026-11-24 13:00 UTC), ContactKind::Telefoon, ContactOutcome::NietThuis), &policy).await.unwrap();
    assert_eq!(third.next, Next::Discuss { failures: 3 });
    assert!(store.next_contact(&access, h).await.unwrap().unwrap().on_case_discussion);
    let lead_actor = Actor { user_id: lead.id, role: Role::TeamLead, team_id: Some(team), partner_id: None };
    let day = store.my_day(&Access { actor: &lead_actor, route: "test", now: NOW }, NOW.date(), &policy).await.unwrap();
    assert!(day.discussions.iter().any(|d| d.household_id == h && d.failures == 3), "on the team lead's list");

    // Reached: no proposal; what was planned before stays, the discussion stays until held.
    let reached = store.log_contact_attempt(&access, &attempt(NOW - time::Duration::hours(1), ContactKind::Huisbezoek, ContactOutcome::Gesproken), &policy).await.unwrap();
    assert_eq!(reached.next, Next::Reached);

    // The resident's access request shows all of it: outcomes, the own plan with its reason, the discussion.
    let officer = Actor { user_id: 1, role: Role::PrivacyOfficer, team_id: None, partner_id: None };
    let export = store.export_household(&Access { actor: &officer, route: "test", now: NOW }, h).await.unwrap();
    assert_eq!(export.contact_attempts.iter().filter(|a| a.outcome.as_deref() == Some("niet-thuis")).count(), 3);
    assert!(export.planned_contacts.iter().any(|p| !p.proposed && p.reason.as_deref() == Some("werkt overdag, bellen in pauze")));
    assert_eq!(export.case_discussions.iter().map(|d| d.failures).collect::<Vec<_>>(), vec![3]);

    // Bad input and another team's household: refused, nothing written.
    let before = store.counts().await.unwrap();
    let future = store.log_contact_attempt(&access, &attempt(NOW + time::Duration::hours(1), ContactKind::Telefoon, ContactOutcome::NietThuis), &policy).await.unwrap_err();
    assert!(matches!(future, StoreError::Invalid { field: "at", .. }), "{future}");
    let foreign = m.households.iter().find(|x| team_of(x.id) != team).unwrap();
    let refused = store.log_contact_attempt(&access, &NewAttempt { household_id: foreign.id, ..attempt(NOW, ContactKind::Telefoon, ContactOutcome::NietThuis) }, &policy).await.unwrap_err();
    assert!(matches!(refused, StoreError::NotFound), "{refused}");
    assert!(matches!(store.next_contact(&access, foreign.id).await, Err(StoreError::NotFound)));
    assert_eq!(store.counts().await.unwrap(), before, "nothing written");
}

/// The case after first contact (issue 5), with a controlled clock: opening it (one open case
/// per household), goals, steps and help, the ZRM of the relevant domains only, the network,
/// and a referral that returns to the worker's list each time its check falls due, marked
/// stalled when help has not started after four weeks, until the partner confirms the start;
/// closing with a reason; another team cannot see or touch it; the access request shows it.
async fn case_work(store: &Store, m: &synth::Municipality) {
    use domain::case::{self as rules, CheckOutcome, CloseReason, FollowUp, NetworkRole, Phase, ReferralTarget, ZrmDomain as D, ZrmScore as S};
    use domain::contact::CadencePolicy;
    use domain::model::OutreachModel;
    use store::cases::{CaseChange, NewCase, NewMember, NewReferral};
    let team = m.teams[0].id;
    let worker = m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(team)).unwrap();
    let actor = Actor { user_id: worker.id, role: Role::Worker, team_id: Some(team), partner_id: None };
    let at = |now: OffsetDateTime| Access { actor: &actor, route: "test", now };
    let access = at(NOW);
    let buurt = m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&m.teams[0].wijk)).unwrap();
    let new = NewHousehold {
        street: "Trajectstraat".into(),
        house_number: HouseNumber::parse("5").unwrap(),
        postcode: Postcode::parse("9998 AB").unwrap(),
        locality: "Testdorp".into(),
        buurt_code: buurt.code.code(),
        name: PersonName::parse("Sem", "van", "Leeuwen").unwrap(),
        birth_date: date!(1988 - 07 - 14),
        bsn: None,
        phone: None,
    };
    let h = store.create_household(&access, &new).await.unwrap();
    let invalid = |e: StoreError| match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other}"),
    };

    // Opening: a model and the relevant ZRM domains are required; one open case per household.
    let case = NewCase { household_id: h, opened: date!(2026 - 10 - 01), models: vec![OutreachModel::Hulp], domains: vec![D::Financien, D::Huisvesting], goal: Some("Rust in mijn hoofd") };
    let before = store.counts().await.unwrap();
    assert_eq!(invalid(store.open_case(&access, &NewCase { models: vec![], ..case.clone() }).await.unwrap_err()), "modellen");
    assert_eq!(invalid(store.open_case(&access, &NewCase { domains: vec![], ..case.clone() }).await.unwrap_err()), "domeinen");
    assert_eq!(store.counts().await.unwrap(), before, "a refused opening writes nothing");
    let case_id = store.open_case(&access, &case).await.unwrap();
    assert_eq!(invalid(store.open_case(&access, &case).await.unwrap_err()), "traject", "one open case per household");

    // ZRM: only the case's domains are scored; a refused assessment writes nothing.
    let before = store.counts().await.unwrap();
    assert_eq!(invalid(store.record_zrm(&access, case_id, date!(2026 - 10 - 02), &[(D::Financien, S::Acuut), (D::Justitie, S::Beperkt)]).await.unwrap_err()), "zrm");
    assert_eq!(invalid(store.record_zrm(&access, case_id, date!(2026 - 11 - 29), &[(D::Financien, S::Acuut)]).await.unwrap_err()), "zrm-datum");
    assert_eq!(store.counts().await.unwrap(), before);
    store.record_zrm(&access, case_id, date!(2026 - 10 - 02), &[(D::Financien, S::Acuut), (D::Huisvesting, S::NietZelfredzaam)]).await.unwrap();
    store.record_zrm(&access, case_id, date!(2026 - 11 - 20), &[(D::Financien, S::Beperkt)]).await.unwrap();

    // Steps from today, help given, the phase, the network.
    let step = |due_on| CaseChange::Step { what: "Samen naar de bank", who: "Bewoner en werker", due_on };
    assert_eq!(invalid(store.change_case(&access, case_id, &step(date!(2026 - 11 - 27))).await.unwrap_err()), "stap-datum");
    store.change_case(&access, case_id, &step(date!(2026 - 12 - 03))).await.unwrap();
    store.change_case(&access, case_id, &CaseChange::Help { what: "Boodschappen gebracht", on: date!(2026 - 11 - 02) }).await.unwrap();
    store.change_case(&access, case_id, &CaseChange::Phase { phase: Phase::ContactHouden, lasting_contact: true }).await.unwrap();
    store.add_network_member(&access, h, &NewMember { role: NetworkRole::Familie, name: "Kees (broer)", relation: Some("Belt wekelijks"), reach: None }).await.unwrap();

    // A referral with a warm handover; its check falls due 14 days after the handover.
    let referral = NewReferral {
        target: ReferralTarget::Schuldhulp,
        organisation: "Kredietbank",
        reason: "Betalingsachterstanden bij drie partijen",
        referred_on: date!(2026 - 11 - 10),
        handover_on: date!(2026 - 11 - 12),
        handover_with: Some("intaker"),
        check_every_days: 14,
    };
    assert_eq!(invalid(store.refer(&access, case_id, &NewReferral { handover_on: date!(2026 - 11 - 09), ..referral.clone() }).await.unwrap_err()), "overdracht-op");
    let rid = store.refer(&access, case_id, &referral).await.unwrap();
    let policy = CadencePolicy::default();
    let listed = |now: OffsetDateTime| {
        let access = at(now);
        async move { store.my_day(&access, now.date(), &policy).await.unwrap().referrals.into_iter().find(|r| r.referral_id == rid).map(|r| r.follow_up) }
    };
    assert_eq!(listed(datetime!(2026-11-25 09:00 UTC)).await, None, "not due before the check");
    assert_eq!(listed(NOW).await, Some(FollowUp::CheckDue { due: date!(2026 - 11 - 26) }), "due: on the worker's list");
    assert_eq!(invalid(store.check_referral(&access, rid, NOW.date(), CheckOutcome::NogNiet, None).await.unwrap_err()), "nagaan-notitie");
    store.check_referral(&access, rid, NOW.date(), CheckOutcome::NogNiet, Some("Intake nog niet gepland")).await.unwrap();
    assert_eq!(listed(NOW).await, None, "checked: off the list until the next check");
    let later = datetime!(2026-12-12 09:00 UTC);
    assert_eq!(listed(later).await, Some(FollowUp::Stalled { due: date!(2026 - 12 - 12), days: 32 }), "back on the list, stalled");
    store.check_referral(&at(later), rid, later.date(), CheckOutcome::Gestart, None).await.unwrap();
    assert_eq!(listed(datetime!(2027-01-15 09:00 UTC)).await, None, "help started: followed up no more");
    assert_eq!(invalid(store.check_referral(&at(later), rid, later.date(), CheckOutcome::NogNiet, Some("nogmaals")).await.unwrap_err()), "nagaan");

    // The case page holds all of it.
    let file = store.case_file(&access, case_id).await.unwrap();
    assert_eq!(file.goals.iter().map(|g| g.words.as_str()).collect::<Vec<_>>(), vec!["Rust in mijn hoofd"]);
    assert_eq!(rules::progress(&file.assessments, D::Financien), vec![(date!(2026 - 10 - 02), S::Acuut), (date!(2026 - 11 - 20), S::Beperkt)]);
    assert_eq!(rules::progress(&file.assessments, D::Huisvesting).len(), 1);
    assert_eq!((file.phase, file.lasting_contact, file.steps.len(), file.help.len(), file.network.len()), (Phase::ContactHouden, true, 1, 1, 1));
    assert_eq!(file.referrals[0].started_on, Some(date!(2026 - 12 - 12)));
    assert_eq!(file.referrals[0].checks.len(), 2);

    // Another team sees nothing of it and changes nothing.
    let other = m.workers.iter().find(|w| w.role == Role::Worker && w.team_id.is_some() && w.team_id != Some(team)).unwrap();
    let other_actor = Actor { user_id: other.id, role: Role::Worker, team_id: other.team_id, partner_id: None };
    let other_access = Access { actor: &other_actor, route: "test", now: NOW };
    assert!(matches!(store.case_file(&other_access, case_id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.change_case(&other_access, case_id, &CaseChange::Goal { words: "iets anders" }).await, Err(StoreError::NotFound)));
    assert!(matches!(store.refer(&other_access, case_id, &referral).await, Err(StoreError::NotFound)));

    // Closing takes a reason (with an explanation for "other"); a closed case is not changed.
    let close = |reason, note| CaseChange::Close { reason, note, on: NOW.date() };
    assert_eq!(invalid(store.change_case(&access, case_id, &close(CloseReason::Anders, None)).await.unwrap_err()), "toelichting");
    store.change_case(&access, case_id, &close(CloseReason::DoelenBereikt, None)).await.unwrap();
    assert_eq!(invalid(store.change_case(&access, case_id, &CaseChange::Goal { words: "nog een doel" }).await.unwrap_err()), "traject");
    let closed = store.case_file(&access, case_id).await.unwrap();
    assert_eq!((closed.closed, closed.close_reason), (Some(NOW.date()), Some(CloseReason::DoelenBereikt)));

    // The resident's access request shows the case work; every act is in the audit trail.
    let officer = Actor { user_id: 1, role: Role::PrivacyOfficer, team_id: None, partner_id: None };
    let export = store.export_household(&Access { actor: &officer, route: "test", now: NOW }, h).await.unwrap();
    assert_eq!(export.cases[0].close_reason.as_deref(), Some("doelen-bereikt"));
    assert_eq!(export.case_goals[0].what, "Rust in mijn hoofd");
    assert_eq!((export.zrm_scores.len(), export.referrals.len(), export.referral_checks.len()), (3, 1, 2));
    assert_eq!(export.network[0].name, "Kees (broer)");
    let events: Vec<String> = store.audit_for_household(h).await.unwrap().into_iter().map(|a| a.event).collect();
    for e in ["case.create", "zrm.create", "case.update", "network.update", "referral.create", "referral.check", "case.read", "case.close"] {
        assert!(events.iter().any(|x| x == e), "{e} in {events:?}");
    }
}

async fn access_request_and_erasure(store: &Store, m: &synth::Municipality) {
    let officer = Actor { user_id: 1, role: Role::PrivacyOfficer, team_id: None, partner_id: None };
    let access = Access { actor: &officer, route: "test", now: NOW };
    let worker = m.workers.iter().find(|w| w.role == Role::Worker).unwrap();
    let worker_actor = Actor { user_id: worker.id, role: Role::Worker, team_id: worker.team_id, partner_id: None };
    let worker_access = Access { actor: &worker_actor, route: "test", now: NOW };

    // A household with signals and contact history, and one with a case still open.
    let open_case = m.cases.iter().find(|c| c.closed.is_none()).map(|c| c.household_id);
    let full = m
        .households
        .iter()
        .find(|h| {
            Some(h.id) != open_case
                && m.signal_cases.iter().any(|c| c.household_id == h.id && c.decision.is_some())
                && !m.cases.iter().any(|c| c.household_id == h.id && c.closed.is_none())
        })
        .unwrap();
    assert!(matches!(store.export_household(&worker_access, full.id).await, Err(StoreError::Forbidden)), "only the privacy officer exports");

    let export = store.export_household(&access, full.id).await.unwrap();
    assert_eq!(export.persons.len(), m.persons.iter().filter(|p| p.household_id == full.id).count());
    assert_eq!(export.signals.len(), m.signals.iter().filter(|s| s.household_id == Some(full.id)).count());
    assert_eq!(export.contact_attempts.len(), m.contact_attempts.iter().filter(|a| a.household_id == full.id).count());
    // The signal cases with the team's weighing: why they went uninvited, and who decided.
    let cases: Vec<_> = m.signal_cases.iter().filter(|c| c.household_id == full.id).collect();
    assert_eq!(export.signal_cases.len(), cases.len());
    let weighed = export.signal_cases.iter().flat_map(|c| &c.weighings).count();
    assert_eq!(weighed, cases.iter().filter(|c| c.decision.is_some() && c.worker_id.is_some()).count(), "every weighing is in the export");
    assert!(export.signal_cases.iter().flat_map(|c| &c.weighings).all(|w| !w.why_go.is_empty() && w.by.is_some()));
    assert_eq!(export.accesses.first().map(|a| a.event.as_str()), Some("demo.load"), "who created the file");
    assert_eq!(export.accesses.last().map(|a| a.event.as_str()), Some("household.export"), "the export itself is on the list");

    let before = store.counts().await.unwrap();
    assert!(matches!(store.erase_household(&access, full.id, " ").await, Err(StoreError::Invalid { field: "reden", .. })));
    assert!(matches!(store.erase_household(&worker_access, full.id, "verzoek").await, Err(StoreError::Forbidden)));
    if let Some(open) = open_case {
        assert!(matches!(store.erase_household(&access, open, "verzoek bewoner").await, Err(StoreError::Invalid { field: "traject", .. })));
    }
    assert_eq!(store.counts().await.unwrap(), before, "refused erasures change nothing");

    store.erase_household(&access, full.id, "verzoek bewoner art. 17, geen bewaarplicht").await.unwrap();
    let after = store.counts().await.unwrap();
    assert_eq!(after.households, before.households - 1);
    assert_eq!(after.persons, before.persons - export.persons.len() as i64);
    assert_eq!(after.signals, before.signals - export.signals.len() as i64);
    assert!(matches!(store.export_household(&access, full.id).await, Err(StoreError::NotFound)));
    let trail = store.audit_for_household(full.id).await.unwrap();
    let last = trail.last().unwrap();
    assert_eq!((last.event.as_str(), last.reason.as_deref()), ("household.erase", Some("verzoek bewoner art. 17, geen bewaarplicht")));
    assert!(matches!(store.verify_audit_chain().await.unwrap(), store::audit::ChainCheck::Intact { .. }), "erasure leaves the chain verifiable");
}

async fn raw(url: &str, sql: &str) -> Result<(), String> {
    if url.starts_with("sqlite://") {
        let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(url).await.map_err(|e| e.to_string())?;
        sqlx::raw_sql(sql).execute(&mut c).await.map(|_| ()).map_err(|e| e.to_string())
    } else {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(url).await.map_err(|e| e.to_string())?;
        sqlx::raw_sql(sql).execute(&mut c).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

async fn audit_chain_is_append_only_and_tamper_evident(store: &Store, url: &str) {
    let counts = store.counts().await.unwrap();
    let check = store.verify_audit_chain().await.unwrap();
    assert!(matches!(check, store::audit::ChainCheck::Intact { records, .. } if records == counts.audit_events), "{check:?}");
    // Nobody going through the database as the application does can change or remove records.
    let err = raw(url, "UPDATE audit_events SET route = 'x' WHERE seq = 5").await.unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    let err = raw(url, "DELETE FROM audit_events WHERE seq = 5").await.unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    // Someone who drops the guard and edits a record is caught at that record.
    let drop_guard = if url.starts_with("sqlite://") {
        "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
    } else {
        "DROP TRIGGER audit_events_no_update ON audit_events;"
    };
    raw(url, drop_guard).await.unwrap();
    raw(url, "UPDATE audit_events SET user_id = 999 WHERE seq = 7").await.unwrap();
    let check = store.verify_audit_chain().await.unwrap();
    assert!(matches!(check, store::audit::ChainCheck::Broken { seq: 7, reason: "content changed", .. }), "{check:?}");
    raw(url, "DELETE FROM audit_events WHERE seq = 3").await.unwrap();
    let check = store.verify_audit_chain().await.unwrap();
    assert!(matches!(check, store::audit::ChainCheck::Broken { seq: 3, reason: "record missing", .. }), "{check:?}");
}

async fn accounts_and_sessions(store: &Store) {
    let new = NewUser { username: "tester".into(), display_name: "Tester".into(), role: Role::Admin, team_id: None, partner_id: None, models: vec![] };
    let id = store.create_user(&new, Some("hash"), NOW).await.unwrap();
    let dup = store.create_user(&new, Some("hash"), NOW).await.unwrap_err();
    assert!(dup.is_unique_violation(), "a second user with the same name is a unique violation: {dup}");
    let (user, hash) = store.user_for_login("tester").await.unwrap().unwrap();
    assert_eq!((user.id, user.role, hash.as_deref()), (id, Role::Admin, Some("hash")));
    assert!(store.user_for_login("nobody").await.unwrap().is_none());

    store.create_api_token(id, "tokenhash", NOW).await.unwrap();
    assert_eq!(store.user_for_token("tokenhash").await.unwrap().map(|u| u.id), Some(id));
    assert!(store.user_for_token("other").await.unwrap().is_none());

    store.create_session("s1", id, "csrf1", true, NOW).await.unwrap();
    let s = store.session("s1").await.unwrap().unwrap();
    assert_eq!((s.user_id, s.csrf_token.as_str(), s.created_at, s.complete), (id, "csrf1", NOW, true));
    // TOTP: a secret, and each time step accepted once.
    assert_eq!(store.totp_secret(id).await.unwrap(), None);
    store.set_totp_secret(id, Some("JBSWY3DPEHPK3PXP")).await.unwrap();
    assert!(store.use_totp_step(id, 100).await.unwrap());
    assert!(!store.use_totp_step(id, 100).await.unwrap(), "the same step twice is refused");
    assert!(!store.use_totp_step(id, 99).await.unwrap(), "an earlier step is refused");
    assert_eq!(store.totp_secret(id).await.unwrap(), Some(("JBSWY3DPEHPK3PXP".to_string(), Some(100))));
    store.touch_session("s1", NOW + time::Duration::minutes(5)).await.unwrap();
    assert_eq!(store.session("s1").await.unwrap().unwrap().last_seen_at, NOW + time::Duration::minutes(5));
    store.create_session("s3", id, "csrf3", false, NOW).await.unwrap();
    assert!(!store.session("s3").await.unwrap().unwrap().complete, "a password-only session is not complete");
    // Disabling an account ends its sessions and tokens at once.
    store.set_user_disabled(id, true).await.unwrap();
    assert!(store.session("s1").await.unwrap().is_none());
    assert!(store.user_for_token("tokenhash").await.unwrap().is_none());
    store.create_session("s2", id, "csrf2", true, NOW).await.unwrap();
    store.delete_session("s2").await.unwrap();
    assert!(store.session("s2").await.unwrap().is_none());

    // OpenID Connect: an account bound to one subject, a subject to one account.
    assert!(store.user_for_oidc_subject("idp-17").await.unwrap().is_none());
    store.set_oidc_subject(id, Some("idp-17")).await.unwrap();
    assert_eq!(store.user_for_oidc_subject("idp-17").await.unwrap().map(|u| u.id), Some(id));
    let other = NewUser { username: "other".into(), ..new.clone() };
    let other = store.create_user(&other, None, NOW).await.unwrap();
    let taken = store.set_oidc_subject(other, Some("idp-17")).await.unwrap_err();
    assert!(matches!(taken, store::StoreError::Invalid { field: "oidc_subject", .. }), "{taken}");
    store.set_oidc_subject(id, None).await.unwrap();
    assert!(store.user_for_oidc_subject("idp-17").await.unwrap().is_none(), "unbound");
    // A login under way is taken once, and not after it expired; starting one clears old ones.
    let ten = time::Duration::minutes(10);
    store.start_oidc_login("state-a", "nonce-a", "verifier-a", NOW, NOW - ten).await.unwrap();
    assert_eq!(store.take_oidc_login("state-a", NOW - ten).await.unwrap(), Some(("nonce-a".into(), "verifier-a".into())));
    assert_eq!(store.take_oidc_login("state-a", NOW - ten).await.unwrap(), None, "used once");
    store.start_oidc_login("state-b", "nonce-b", "verifier-b", NOW, NOW - ten).await.unwrap();
    let later = NOW + time::Duration::minutes(11);
    assert_eq!(store.take_oidc_login("state-b", later - ten).await.unwrap(), None, "expired");
    store.start_oidc_login("state-c", "nonce-c", "verifier-c", NOW, NOW - ten).await.unwrap();
    store.start_oidc_login("state-d", "nonce-d", "verifier-d", later, later - ten).await.unwrap();
    assert_eq!(store.take_oidc_login("state-c", NOW - ten).await.unwrap(), None, "cleared by a later start");
}

async fn residents_need_to_know_and_audit(store: &Store, m: &synth::Municipality) {
    let team = &m.teams[0];
    let other_team = &m.teams[1];
    let worker = m.workers.iter().find(|w| w.team_id == Some(team.id) && w.role == Role::Worker).unwrap();
    let actor = Actor { user_id: worker.id, role: Role::Worker, team_id: Some(team.id), partner_id: None };
    let access = Access { actor: &actor, route: "test", now: NOW };

    let in_wijk = |team: &domain::model::Team| {
        let buurten: Vec<_> = m.buurten.iter().filter(|b| b.code.parent().as_ref() == Some(&team.wijk)).map(|b| b.code.clone()).collect();
        m.households.iter().find(|h| {
            let a = &m.addresses[(h.address_id - 1) as usize];
            buurten.contains(&a.buurt)
        })
    };
    let own = in_wijk(team).unwrap();
    let foreign = in_wijk(other_team).unwrap();
    let own_address = &m.addresses[(own.address_id - 1) as usize];

    // Postcode + house number finds the household, with its members.
    let query = HouseholdQuery { postcode: Some(own_address.postcode.clone()), house_number: Some(own_address.house_number.clone()), ..Default::default() };
    let hits = store.search_households(&access, &query).await.unwrap();
    assert!(hits.iter().any(|h| h.id == own.id), "search by postcode and house number finds the household");
    let members = m.persons.iter().filter(|p| p.household_id == own.id).count();
    assert_eq!(hits.iter().find(|h| h.id == own.id).unwrap().members.len(), members);
    let audit = store.audit_for_household(own.id).await.unwrap();
    assert!(audit.iter().any(|a| a.event == "household.search-hit" && a.user_id == Some(worker.id) && a.route == "test"));

    // By surname, with the prefix typed or not.
    let person = m.persons.iter().find(|p| p.household_id == own.id).unwrap();
    let with_prefix = format!("{} {}", person.name.prefix, person.name.surname);
    for surname in [person.name.surname.clone(), with_prefix.trim().to_string(), person.name.surname.to_uppercase()] {
        let q = HouseholdQuery { surname: Some(surname.clone()), ..Default::default() };
        let hits = store.search_households(&access, &q).await.unwrap();
        assert!(hits.iter().any(|h| h.id == own.id), "surname search '{surname}' finds the household");
    }

    // Outside the team's wijk: invisible, and reading it looks like it does not exist.
    let foreign_address = &m.addresses[(foreign.address_id - 1) as usize];
    let q = HouseholdQuery { postcode: Some(foreign_address.postcode.clone()), house_number: Some(foreign_address.house_number.clone()), ..Default::default() };
    assert!(store.search_households(&access, &q).await.unwrap().iter().all(|h| h.id != foreign.id));
    assert!(matches!(store.household(&access, foreign.id).await, Err(StoreError::NotFound)));
    assert!(store.audit_for_household(foreign.id).await.unwrap().iter().all(|a| a.user_id != Some(worker.id)), "a refused read leaves no read event");

    // The household page, audited in the same transaction.
    let detail = store.household(&access, own.id).await.unwrap();
    assert_eq!(detail.members.len(), members);
    assert_eq!(detail.signals.len(), m.signals.iter().filter(|s| s.household_id == Some(own.id)).count());
    assert_eq!(detail.attempts.len(), m.contact_attempts.iter().filter(|a| a.household_id == own.id).count());
    assert!(store.audit_for_household(own.id).await.unwrap().iter().any(|a| a.event == "household.read"));

    // Roles that see no case content get nothing.
    for role in [Role::Partner, Role::PrivacyOfficer, Role::Admin] {
        let other = Actor { user_id: worker.id, role, team_id: Some(team.id), partner_id: None };
        let a = Access { actor: &other, route: "test", now: NOW };
        assert!(matches!(store.household(&a, own.id).await, Err(StoreError::Forbidden)), "{role:?} may not read households");
        assert!(matches!(store.search_households(&a, &query).await, Err(StoreError::Forbidden)));
    }

    // Mijn dag: only the team's signals still to pick up.
    let day = store.my_day(&access, NOW.date(), &Default::default()).await.unwrap();
    let own_households: Vec<i64> = m
        .households
        .iter()
        .filter(|h| {
            let a = &m.addresses[(h.address_id - 1) as usize];
            a.buurt.parent().as_ref() == Some(&team.wijk)
        })
        .map(|h| h.id)
        .collect();
    let expected = m.signals.iter().filter(|s| s.status == SignalStatus::Ontvangen && s.household_id.is_some_and(|h| own_households.contains(&h))).count();
    assert_eq!(day.signals.len(), expected.min(100));
    assert!(day.signals.iter().all(|s| s.signal.status == SignalStatus::Ontvangen));

    // Registering: all or nothing.
    let buurt = m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&team.wijk)).unwrap();
    let foreign_buurt = m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&other_team.wijk)).unwrap();
    let mut new = NewHousehold {
        street: "Teststraat".into(),
        house_number: HouseNumber::parse("7b").unwrap(),
        postcode: Postcode::parse("9999 ZZ").unwrap(),
        locality: "Testdorp".into(),
        buurt_code: foreign_buurt.code.code(),
        name: PersonName::parse("Jan Pieter", "", "van den Berg").unwrap(),
        birth_date: date!(1960 - 05 - 04),
        bsn: Some(domain::Bsn::parse("111222333").unwrap()),
        phone: None,
    };
    let before = store.counts().await.unwrap();
    assert!(matches!(store.create_household(&access, &new).await, Err(StoreError::Invalid { field: "buurt", .. })));
    assert_eq!(store.counts().await.unwrap(), before, "a refused registration writes nothing");
    new.buurt_code = buurt.code.code();
    let id = store.create_household(&access, &new).await.unwrap();
    let after = store.counts().await.unwrap();
    assert_eq!((after.households, after.persons), (before.households + 1, before.persons + 1));
    let events: Vec<String> = store.audit_for_household(id).await.unwrap().into_iter().map(|a| a.event).collect();
    assert_eq!(events, vec!["household.create", "person.create"]);
    let detail = store.household(&access, id).await.unwrap();
    assert_eq!(detail.members[0].name, "Jan Pieter van den Berg");
    assert!(detail.members[0].has_bsn);
    assert_eq!(detail.address.house_number, "7B");
    let q = HouseholdQuery { postcode: Some(Postcode::parse("9999ZZ").unwrap()), house_number: Some(HouseNumber::parse("7-B").unwrap()), ..Default::default() };
    assert_eq!(store.search_households(&access, &q).await.unwrap().iter().map(|h| h.id).collect::<Vec<_>>(), vec![id]);

    // Break the glass: with a stated reason, for four hours, audited with the reason.
    let short = store.break_glass(&access, &foreign_address.postcode, &foreign_address.house_number, "nodig").await;
    assert!(matches!(short, Err(StoreError::Invalid { field: "reden", .. })), "a reason of substance is required");
    let reason = "crisis: bewoner belt suïcidaal, eigen team niet bereikbaar";
    let opened = store.break_glass(&access, &foreign_address.postcode, &foreign_address.house_number, reason).await.unwrap();
    assert!(opened.contains(&foreign.id));
    let detail = store.household(&access, foreign.id).await.unwrap();
    assert!(detail.via_break_glass);
    let trail = store.audit_for_household(foreign.id).await.unwrap();
    let glass = trail.iter().find(|a| a.event == "household.break-glass").unwrap();
    assert_eq!((glass.user_id, glass.reason.as_deref()), (Some(worker.id), Some(reason)));
    assert_eq!(trail.last().map(|a| (a.event.as_str(), a.reason.as_deref())), Some(("household.read", Some("noodtoegang"))));
    let later = Access { actor: &actor, route: "test", now: NOW + time::Duration::hours(5) };
    assert!(matches!(store.household(&later, foreign.id).await, Err(StoreError::NotFound)), "the grant expires");
    let colleague = Actor { user_id: worker.id + 1, ..actor.clone() };
    let other = Access { actor: &colleague, route: "test", now: NOW };
    assert!(matches!(store.household(&other, foreign.id).await, Err(StoreError::NotFound)), "a grant is personal");
    let anomalies = store.audit_anomalies(NOW - time::Duration::days(1), 25).await.unwrap();
    assert!(anomalies.iter().any(|a| a.kind == "break-glass"), "break the glass is reported to the privacy officer");
}

#[tokio::test]
async fn retention_on_sqlite() {
    retention(&sqlite_url("retention")).await;
}

#[tokio::test]
async fn retention_on_postgres() {
    retention(&postgres_url("retention")).await;
}

/// The purge job removes exactly what outlived its term — closed cases past the case term,
/// signals and contact attempts that no remaining case holds on to — writes one audit record
/// per household it touched, leaves the chain verifiable, and removes nothing on a second run.
/// Scheduled by several app servers, it runs once a day.
async fn retention(url: &str) {
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
    let (a, b) = tokio::join!(store.daily_purge(&policy, later, "server-a"), other.daily_purge(&policy, later, "server-b"));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.is_some() != b.is_some(), "exactly one server runs the day's purge: {a:?} {b:?}");
    let report = a.or(b).unwrap();
    assert!(other.daily_purge(&policy, later + time::Duration::hours(3), "server-b").await.unwrap().is_none(), "not again that day");
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

    let again = store.daily_purge(&policy, later + time::Duration::days(1), "server-a").await.unwrap().expect("the next day it runs again");
    assert_eq!((again.cases, again.signals, again.contact_attempts, again.planned_contacts, again.households), (0, 0, 0, 0, 0), "nothing left to purge");
    assert_eq!(store.counts().await.unwrap().audit_events, after.audit_events, "and no audit records for nothing");
    store.close().await;
}
