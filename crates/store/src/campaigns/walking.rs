//! Walking: a walk list on a phone or on paper, and a result per door (a signal noted at a door goes to the weighing).

use crate::kernel::audit::{self, AuditEvent, Recorder};
use crate::kernel::households;
use crate::kernel::area::team_scope;
use crate::kernel::error::invalid;
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use super::{door_label, record_read, Door, DoorEntry, Stop, WalkList};
use domain::campaign::DoorOutcome;
use domain::model::{DayPart, Id, PartnerType, SignalKind};
use domain::signal::{NewSignal, Reported};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};


impl Store {
    /// One walk list with its stops, doors and results; audited.
    pub async fn walk_list(&self, access: &Access<'_>, list_id: Id) -> Result<WalkList, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let r = tx
            .fetch_optional(
                "SELECT c.id, c.name, w.number, w.walk_on, w.day_part, u.display_name, l.planned_seconds, l.walk_metres FROM walk_lists l \
                 JOIN campaign_waves w ON w.id = l.wave_id JOIN campaigns c ON c.id = w.campaign_id JOIN users u ON u.id = l.walker_id \
                 WHERE l.id = $1 AND c.team_id = $2",
                &args![list_id, team],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let wave = r.i64(2)?;
        let mut list = WalkList {
            id: list_id,
            campaign_id: r.i64(0)?,
            campaign: r.text(1)?,
            wave,
            walk_on: time_fmt::parse_date(&r.text(3)?)?,
            day_part: DayPart::from_code(&r.text(4)?).ok_or_else(|| StoreError::corrupt("day part"))?,
            walker: r.text(5)?,
            planned_minutes: (r.i64(6)? + 59) / 60,
            walk_metres: r.i64(7)?,
            stops: Vec::new(),
        };
        let mut results: HashMap<Id, (DoorOutcome, OffsetDateTime)> = HashMap::new();
        let mut earlier: HashMap<Id, Vec<DoorOutcome>> = HashMap::new();
        for x in tx
            .fetch_all(
                "SELECT r.door_id, r.walk_list_id, r.outcome, r.at FROM door_results r JOIN walk_stops s ON s.door_id = r.door_id AND s.walk_list_id = $1 ORDER BY r.at, r.id",
                &args![list_id],
            )
            .await?
        {
            let outcome = DoorOutcome::from_code(&x.text(2)?).ok_or_else(|| StoreError::corrupt("door outcome"))?;
            if x.i64(1)? == list_id {
                results.insert(x.i64(0)?, (outcome, time_fmt::parse_instant(&x.text(3)?)?));
            } else {
                earlier.entry(x.i64(0)?).or_default().push(outcome);
            }
        }
        for d in tx
            .fetch_all(
                "SELECT s.stop, s.door_id, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode FROM walk_stops s \
                 JOIN campaign_doors d ON d.id = s.door_id JOIN addresses a ON a.id = d.address_id \
                 WHERE s.walk_list_id = $1 ORDER BY s.stop, a.street, a.house_number, a.house_letter, a.house_addition",
                &args![list_id],
            )
            .await?
        {
            let number = d.i64(0)?;
            let door_id = d.i64(1)?;
            let street = d.text(2)?;
            let door = Door {
                id: door_id,
                label: door_label(&street, d.i64(3)?, d.opt_text(4)?, d.opt_text(5)?),
                result: results.get(&door_id).copied(),
                earlier: earlier.remove(&door_id).unwrap_or_default(),
            };
            match list.stops.last_mut() {
                Some(s) if s.number == number => s.doors.push(door),
                _ => list.stops.push(Stop { number, street, postcode: d.text(6)?, doors: vec![door] }),
            }
        }
        // Every household living at a listed address is in the record, so its access export
        // shows that its door was on this list.
        let households = tx
            .fetch_all(
                "SELECT DISTINCT h.id FROM walk_stops s JOIN campaign_doors d ON d.id = s.door_id JOIN households h ON h.address_id = d.address_id \
                 WHERE s.walk_list_id = $1 ORDER BY h.id",
                &args![list_id],
            )
            .await?;
        record_read(&mut tx, &households).await?;
        tx.commit().await?;
        Ok(list)
    }

    /// Logs a result at a door of a walk list; "signal noted" also stores a signal about the
    /// household living there (registering the household when nobody is known at the address)
    /// for the team's weighing, in the same transaction. Returns the signal's id, if any.
    pub async fn record_door(&self, access: &Access<'_>, list_id: Id, door_id: Id, entry: &DoorEntry) -> Result<Option<Id>, StoreError> {
        let policy = &self.policies().signals;
        let team = team_scope(access)?;
        let note = domain::text::clean_note(entry.note.as_deref());
        if note.as_deref().is_some_and(|n| n.chars().count() > 500) {
            return Err(invalid("notitie", "Notitie: hoogstens 500 tekens.", "Note: at most 500 characters."));
        }
        let come_back = match (entry.outcome, entry.come_back_at) {
            (DoorOutcome::ComeBack, None) => {
                return Err(invalid("terugkomen", "Terugkomen: vul de afgesproken datum en tijd in.", "Come back: fill in the agreed date and time."));
            }
            (DoorOutcome::ComeBack, Some(at)) if at <= access.now || at > access.now + Duration::days(90) => {
                return Err(invalid("terugkomen", "Terugkomen: de afspraak ligt in de komende 90 dagen.", "Come back: the appointment lies within the next 90 days."));
            }
            (DoorOutcome::ComeBack, Some(at)) => Some(time_fmt::instant(at)),
            _ => None,
        };
        if entry.outcome == DoorOutcome::SignalNoted && note.is_none() {
            return Err(invalid("notitie", "Signaal: beschrijf in de notitie wat je zag of hoorde.", "Signal: describe in the note what you saw or heard."));
        }
        let mut tx = self.scoped(access).await?;
        let door = tx
            .fetch_optional(
                "SELECT d.address_id, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality FROM walk_stops s \
                 JOIN walk_lists l ON l.id = s.walk_list_id JOIN campaign_waves w ON w.id = l.wave_id JOIN campaigns c ON c.id = w.campaign_id \
                 JOIN campaign_doors d ON d.id = s.door_id JOIN addresses a ON a.id = d.address_id \
                 WHERE s.walk_list_id = $1 AND s.door_id = $2 AND c.team_id = $3",
                &args![list_id, door_id, team],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let address_id = door.i64(0)?;
        let mut household = tx.fetch_optional("SELECT id FROM households WHERE address_id = $1 ORDER BY id LIMIT 1", &args![address_id]).await?.map(|r| r.i64(0)).transpose()?;
        let mut signal_id = None;
        if entry.outcome == DoorOutcome::SignalNoted {
            let household_id = match household {
                Some(h) => h,
                None => {
                    let mut entries = Vec::new();
                    let h = households::create_household(&mut tx, address_id, &Recorder::of(access), &mut entries).await?;
                    audit::append(&mut tx, &entries).await?;
                    h
                }
            };
            household = Some(household_id);
            let number = u32::try_from(door.i64(2)?).map_err(|_| StoreError::corrupt("house number"))?;
            let letter = door.opt_text(3)?.and_then(|l| l.chars().next());
            let addition = door.opt_text(4)?;
            let signal = NewSignal {
                kind: entry.signal_kind.unwrap_or(SignalKind::Zorgen),
                partner_type: PartnerType::Overige,
                partner_name: None,
                signal_date: access.now.date(),
                origin_date: None,
                amount_eur: None,
                crisis: false,
                warm_handover: false,
                concern: note.clone(),
                sensitive: Vec::new(),
                resident: Reported {
                    bsn: None,
                    initials: String::new(),
                    given_names: String::new(),
                    prefix: String::new(),
                    surname: String::new(),
                    birth_date: None,
                    street: door.text(1)?,
                    house_number: domain::HouseNumber::new(number, letter, addition.as_deref()).ok(),
                    postcode: domain::Postcode::parse(&door.text(5)?).ok(),
                    locality: door.text(6)?,
                    phone: None,
                    email: None,
                },
            };
            signal_id = Some(crate::signals::door_signal(&mut tx, access, household_id, &signal, policy).await?);
        }
        tx.execute(
            "INSERT INTO door_results (door_id, walk_list_id, household_id, worker_id, outcome, at, come_back_at, note, signal_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &args![door_id, list_id, household, access.actor.user_id, entry.outcome.code(), time_fmt::instant(access.now), come_back, note, signal_id],
        )
        .await?;
        if entry.no_visit {
            tx.execute(
                "INSERT INTO no_visit_addresses (address_id, since) VALUES ($1, $2) ON CONFLICT (address_id) DO NOTHING",
                &args![address_id, time_fmt::date(access.now.date())],
            )
            .await?;
        }
        tx.record(AuditEvent::DoorResultCreate, household, None).await?;
        tx.commit().await?;
        Ok(signal_id)
    }
}

