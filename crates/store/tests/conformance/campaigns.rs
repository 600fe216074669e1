//! Door to door, venues and information sessions.

use crate::common::NOW;
use domain::model::Role;
use store::{Access, Actor, Store, StoreError};
use time::OffsetDateTime;

/// Door to door (issue 6): a campaign over a buurt leaves out who asked not to be visited,
/// cuts the doors into walk lists within the shift, logs results (a signal goes to the team's
/// weighing), re-plans only the doors nobody was reached at, at another day part, flags a burst
/// of entries, and is invisible to another team. Venues and information sessions likewise.
pub async fn campaigns(store: &Store, m: &synth::Municipality) {
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
    let entry = |outcome| DoorEntry { outcome, note: None, come_back_at: None, signal_kind: None, no_visit: false };
    let t0 = NOW + time::Duration::hours(3);
    assert_eq!(invalid(store.record_door(&at(t0), list.id, ids[0], &entry(DoorOutcome::SignalNoted)).await.unwrap_err()), "notitie", "a signal needs a note");
    assert_eq!(invalid(store.record_door(&at(t0), list.id, ids[0], &entry(DoorOutcome::ComeBack)).await.unwrap_err()), "terugkomen");
    let cases_before = store.signal_case_counts(&at(t0), t0.date()).await.unwrap();
    let signals_before = store.counts().await.unwrap().signals;
    let signal = store
        .record_door(&at(t0), list.id, ids[0], &DoorEntry { note: Some("Post stapelt zich op.".into()), ..entry(DoorOutcome::SignalNoted) })
        .await
        .unwrap();
    assert!(signal.is_some());
    assert_eq!(store.counts().await.unwrap().signals, signals_before + 1, "the door's signal is stored");
    let cases_after = store.signal_case_counts(&at(t0), t0.date()).await.unwrap();
    assert!(cases_after.iter().sum::<i64>() >= cases_before.iter().sum::<i64>(), "and reaches the team's signal cases");
    // Issue 27, finding 9: a walk list shows addresses with door results, so every household
    // living at a listed door is in the read's audit record (and in its access export).
    let household = store.inspect().await.unwrap().fetch_i64("SELECT household_id FROM signals WHERE id = $1", &[signal.unwrap().into()]).await.unwrap();
    let reads = |h: i64| async move { store.audit_for_household(h).await.unwrap().iter().filter(|r| r.event == "walk-list.read").count() };
    let before = reads(household).await;
    store.walk_list(&at(t0), list.id).await.unwrap();
    assert_eq!(reads(household).await, before + 1, "the household at the door is in the walk list's read record");
    // Issue 21: a door-to-door visit is not the home visit a signal waits for. A later talk at
    // the same door leaves the household's signal case as it was (an unweighed case is not
    // picked up by it) and is no contact attempt on the household.
    let facts = |h: i64| async move {
        let mut db = store.inspect().await.unwrap();
        let picked = db.fetch_i64("SELECT COUNT(*) FROM signal_cases WHERE household_id = $1 AND stage = 'opgepakt'", &[h.into()]).await.unwrap();
        let attempts = db.fetch_i64("SELECT COUNT(*) FROM contact_attempts WHERE household_id = $1", &[h.into()]).await.unwrap();
        (picked, attempts)
    };
    let facts_before = facts(household).await;
    store.record_door(&at(t0 + time::Duration::minutes(1)), list.id, ids[0], &entry(DoorOutcome::Talked)).await.unwrap();
    assert_eq!(facts(household).await, facts_before, "the door's talk picks no signal case up and is no contact attempt");
    store
        .record_door(&at(t0 + time::Duration::minutes(3)), list.id, ids[1], &DoorEntry { no_visit: true, ..entry(DoorOutcome::Talked) })
        .await
        .unwrap();
    for (i, id) in ids[2..8].iter().enumerate() {
        store.record_door(&at(t0 + time::Duration::minutes(10) + time::Duration::seconds(5 * i as i64)), list.id, *id, &entry(DoorOutcome::NotHome)).await.unwrap();
    }
    assert!(matches!(
        store.record_door(&Access { actor: &stranger, route: "test", now: t0 }, list.id, ids[9.min(ids.len() - 1)], &entry(DoorOutcome::Talked)).await,
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
