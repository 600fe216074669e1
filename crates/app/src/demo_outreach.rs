//! The demo town's going out: venues with presence sessions, two information sessions, and a
//! door-to-door campaign in progress (the first wave walked a week ago in the afternoon, with
//! its results, one walker's burst of too-fast entries, and the second wave planned for an
//! evening). Everything goes through the store's own functions, at the moments it happened.

use domain::campaign::{DoorOutcome, VenueKind};
use domain::model::{DayPart, SignalKind};
use rand::{Rng, SeedableRng};
use store::campaigns::{DoorEntry, NewCampaign, NewWave};
use store::outreach::{NewInfoSession, NewPresence, NewVenue};
use store::{Access, Store};
use time::{Duration, OffsetDateTime, Time};

pub async fn seed(store: &Store, m: &synth::Municipality, worker: &store::User, wijk: &domain::AreaCode, now: OffsetDateTime) -> Result<(), String> {
    let err = |e: store::StoreError| format!("demo-campagne: {e}");
    let team = worker.team_id.ok_or("werker zonder team")?;
    let actor = worker.actor();
    let at = |now: OffsetDateTime| Access { actor: &actor, route: "eropaf demo", now };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(6);

    // The buurt of the team's wijk with the most addresses.
    let mut counts: std::collections::HashMap<String, (usize, f64, f64)> = std::collections::HashMap::new();
    for a in m.addresses.iter().filter(|a| a.buurt.parent().as_ref() == Some(wijk)) {
        let e = counts.entry(a.buurt.code()).or_default();
        *e = (e.0 + 1, e.1 + a.point.x, e.2 + a.point.y);
    }
    let (buurt, (n, sx, sy)) = counts.into_iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(&a.0))).ok_or("wijk zonder adressen")?;
    let (cx, cy) = (sx / n as f64, sy / n as f64);

    // Venues, with presence over the last weeks.
    let venues = [
        ("Buurthuis De Schakel", VenueKind::CommunityCentre, "Schakelplein 1", Some((cx, cy))),
        ("Speeltuin en park De Wilg", VenueKind::Park, "ingang Wilgenlaan", Some((cx + 180.0, cy - 120.0))),
        ("Winkelcentrum Het Hof", VenueKind::Shop, "bij de supermarkt", None),
        ("Basisschool De Regenboog", VenueKind::School, "schoolplein, na schooltijd", None),
    ];
    let topics = ["energierekening en toeslagen", "eenzaamheid, koffie-uurtje", "schulden, brieven lezen", "opvoeden en school", "gezondheid en beweging"];
    let mut start_venue = None;
    for (i, (name, kind, place, point)) in venues.iter().enumerate() {
        let id = store
            .add_venue(&at(now - Duration::days(60)), &NewVenue { name: (*name).into(), kind: *kind, place: (*place).into(), x: point.map(|p| p.0), y: point.map(|p| p.1) })
            .await
            .map_err(err)?;
        if i == 0 {
            start_venue = Some(id);
        }
        for week in 0..(4 - i as i64).max(1) {
            let day = now - Duration::days(3 + 7 * week + i as i64);
            let p = NewPresence {
                on_date: day.date(),
                start_time: format!("{:02}:{:02}", 10 + (week + i as i64) % 6, if week % 2 == 0 { 0 } else { 30 }),
                minutes: 90 + 30 * (week % 3),
                conversations: rng.gen_range(2..12),
                topics: topics[(i + week as usize) % topics.len()].into(),
                signals_noted: i64::from(rng.gen_bool(0.3)),
                note: None,
            };
            store.log_presence(&at(day), id, &p).await.map_err(err)?;
        }
    }
    for (days, location, audience, with, topics, attendance, follow_ups) in [
        (12, "Moskee Al Fath, zaal", "moeders van de taalles", Some("Stichting Vrouwen Samen (migrantenzelforganisatie)"), "brieven van de Belastingdienst, toeslagen, waar je hulp vraagt", 23, 4),
        (26, "Buurthuis De Schakel", "ouderen uit de flats", None, "rondkomen met AOW, energietoeslag, eenzaamheid", 17, 3),
    ] {
        let s = NewInfoSession {
            on_date: (now - Duration::days(days)).date(),
            location: location.into(),
            audience: audience.into(),
            organised_with: with.map(String::from),
            topics: topics.into(),
            attendance,
            follow_ups,
        };
        store.add_info_session(&at(now - Duration::days(days)), &s).await.map_err(err)?;
    }

    // The campaign: planned a week ago for that afternoon, two walkers of the team.
    let mut walkers: Vec<i64> = vec![worker.id];
    walkers.extend(store.team_workers(team).await.map_err(err)?.into_iter().map(|(id, _)| id).filter(|id| *id != worker.id).take(1));
    let walk_day = (now - Duration::days(7)).date();
    let planned_at = walk_day.with_time(Time::from_hms(8, 30, 0).map_err(|e| e.to_string())?).assume_utc();
    let new = NewCampaign {
        name: "Kennismaken in de buurt".into(),
        area_code: buurt,
        streets: None,
        service_seconds: 90,
        speed_kmh: 4.5,
        start_venue,
        recent_days: 30,
        wave: NewWave { walk_on: walk_day, day_part: DayPart::Middag, shift_minutes: 180, walkers: walkers.clone() },
    };
    let campaign = store.create_campaign(&at(planned_at), &new).await.map_err(err)?;
    let view = store.campaign(&at(planned_at), campaign).await.map_err(err)?;
    let lists: Vec<i64> = view.waves.first().map(|w| w.lists.iter().map(|l| l.id).collect()).unwrap_or_default();
    for (k, list_id) in lists.iter().enumerate() {
        let list = store.walk_list(&at(planned_at), *list_id).await.map_err(err)?;
        let doors: Vec<i64> = list.stops.iter().flat_map(|s| s.doors.iter().map(|d| d.id)).collect();
        // The second walker stopped early on a long list; the first walked the whole list.
        let walked = if k == 0 || doors.len() < 20 { doors.len() } else { doors.len() * 4 / 5 };
        let mut t = walk_day.with_time(Time::from_hms(12, 30, 0).map_err(|e| e.to_string())?).assume_utc();
        for (i, door) in doors.iter().take(walked).enumerate() {
            // A burst of entries 5 seconds apart: logged afterwards from memory, or not walked.
            let burst = k + 1 == lists.len() && (1..9).contains(&i);
            t += if burst { Duration::seconds(5) } else { Duration::seconds(rng.gen_range(70..170)) };
            let roll: f64 = rng.gen();
            let outcome = match roll {
                r if burst || r < 0.72 => DoorOutcome::NotHome,
                r if r < 0.84 => DoorOutcome::Talked,
                r if r < 0.88 => DoorOutcome::Refused,
                r if r < 0.90 => DoorOutcome::Moved,
                r if r < 0.93 => DoorOutcome::Inaccessible,
                r if r < 0.95 => DoorOutcome::LanguageBarrier,
                r if r < 0.97 => DoorOutcome::ComeBack,
                _ => DoorOutcome::SignalNoted,
            };
            let (note, come_back_at, signal_kind) = match outcome {
                DoorOutcome::ComeBack => (None, Some(now + Duration::days(2) + Duration::hours(rng.gen_range(0..6))), None),
                DoorOutcome::SignalNoted => {
                    let (kind, text) = [
                        (SignalKind::Eenzaamheid, "Oudere man alleen, zegt dat hij al weken niemand spreekt."),
                        (SignalKind::Zorgen, "Post stapelt zich op achter de deur; bewoonster oogt verward."),
                        (SignalKind::Vervuiling, "Sterke geur en afval in het portiek bij deze deur."),
                    ][rng.gen_range(0..3)];
                    (Some(text.to_string()), None, Some(kind))
                }
                DoorOutcome::LanguageBarrier => (Some("Arabisch; terug met tolk of sleutelpersoon".to_string()), None, None),
                _ => (None, None, None),
            };
            // Some who refused ask not to be visited again; later campaigns leave them out.
            let no_visit = outcome == DoorOutcome::Refused && rng.gen_bool(0.5);
            let entry = DoorEntry { outcome, note, come_back_at, signal_kind, no_visit };
            store.record_door(&at(t), *list_id, *door, &entry).await.map_err(err)?;
        }
    }
    // The second wave: the doors where nobody was reached, on an evening this week.
    let wave = NewWave { walk_on: now.date() + Duration::days(2), day_part: DayPart::Avond, shift_minutes: 150, walkers };
    store.plan_next_wave(&at(now), campaign, &wave).await.map_err(err)?;
    Ok(())
}
