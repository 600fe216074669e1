//! Door-to-door campaigns: the doors of an area (with who is left out and why), waves cut into
//! walk lists by the routing engine (one per walker-shift, one stop per entrance), a result per
//! door (a signal noted at a door goes to the team's weighing), the coverage, and entries too
//! fast to be real. The rules are `domain::campaign`'s. Walk lists show addresses, never names;
//! reading one and logging a result are audited in their own transaction.

use crate::audit::{self, AuditEvent};
use crate::residents::team_scope;
use crate::signals::{invalid, SignalPolicy};
use crate::{args, time_fmt, Access, Store, StoreError};
use domain::campaign::{self as rules, Coverage, DoorOutcome, Exclusion};
use domain::model::{DayPart, Id, PartnerType, SignalKind};
use domain::signal::{NewSignal, Reported};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};

/// What a coordinator chooses for a new campaign.
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub name: String,
    /// A wijk or buurt of the team's area.
    pub area_code: String,
    /// Optional narrowing: postcodes (1234 or 1234AB) and street names, one per line.
    pub streets: Option<String>,
    pub service_seconds: i64,
    pub speed_kmh: f64,
    /// A venue of the team to start from (its coordinates); otherwise the middle of the doors.
    pub start_venue: Option<Id>,
    /// Leave out addresses visited (a contact attempt or a door result) within this many days.
    pub recent_days: i64,
    pub wave: NewWave,
}

/// A wave: one walk on one day part by the chosen walkers, each one shift.
#[derive(Debug, Clone)]
pub struct NewWave {
    pub walk_on: Date,
    pub day_part: DayPart,
    pub shift_minutes: i64,
    pub walkers: Vec<Id>,
}

/// A result at a door, as a walker logs it.
#[derive(Debug, Clone)]
pub struct DoorEntry {
    pub outcome: DoorOutcome,
    pub note: Option<String>,
    /// For "come back at an agreed time".
    pub come_back_at: Option<OffsetDateTime>,
    /// For "signal noted": what kind of worry (the note says what).
    pub signal_kind: Option<SignalKind>,
    /// The resident asked not to be visited at the door again: later campaigns leave the
    /// address out.
    pub no_visit: bool,
}

/// A campaign in the team's list.
#[derive(Debug, Clone)]
pub struct CampaignRow {
    pub id: Id,
    pub name: String,
    pub area: String,
    pub created_on: Date,
    pub waves: i64,
    pub coverage: Coverage,
}

/// The campaign page.
#[derive(Debug, Clone)]
pub struct CampaignView {
    pub id: Id,
    pub name: String,
    pub area: String,
    pub streets: Option<String>,
    pub service_seconds: i64,
    pub speed_kmh: f64,
    pub start_label: String,
    pub recent_days: i64,
    pub coverage: Coverage,
    pub no_visit: usize,
    pub recent: usize,
    pub waves: Vec<WaveView>,
    pub flagged: Vec<Flag>,
    pub appointments: Vec<Appointment>,
}

#[derive(Debug, Clone)]
pub struct WaveView {
    pub id: Id,
    pub number: i64,
    pub walk_on: Date,
    pub day_part: DayPart,
    pub shift_minutes: i64,
    pub unplanned: i64,
    pub lists: Vec<ListRow>,
}

#[derive(Debug, Clone)]
pub struct ListRow {
    pub id: Id,
    pub walker: String,
    pub doors: i64,
    pub stops: i64,
    pub done: i64,
    pub planned_minutes: i64,
    pub walk_metres: i64,
}

/// A walk list with entries too fast to be real.
#[derive(Debug, Clone)]
pub struct Flag {
    pub list_id: Id,
    pub wave: i64,
    pub walker: String,
    pub entries: usize,
    pub first_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct Appointment {
    pub list_id: Id,
    pub address: String,
    pub at: OffsetDateTime,
}

/// One walk list, for the phone and for paper.
#[derive(Debug, Clone)]
pub struct WalkList {
    pub id: Id,
    pub campaign_id: Id,
    pub campaign: String,
    pub wave: i64,
    pub walk_on: Date,
    pub day_part: DayPart,
    pub walker: String,
    pub planned_minutes: i64,
    pub walk_metres: i64,
    pub stops: Vec<Stop>,
}

impl WalkList {
    pub fn doors(&self) -> usize {
        self.stops.iter().map(|s| s.doors.len()).sum()
    }

    pub fn done(&self) -> usize {
        self.stops.iter().flat_map(|s| &s.doors).filter(|d| d.result.is_some()).count()
    }

    /// The first door without a result on this list.
    pub fn next_door(&self) -> Option<&Door> {
        self.stops.iter().flat_map(|s| &s.doors).find(|d| d.result.is_none())
    }

    pub fn door(&self, id: Id) -> Option<&Door> {
        self.stops.iter().flat_map(|s| &s.doors).find(|d| d.id == id)
    }
}

/// The doors behind one entrance.
#[derive(Debug, Clone)]
pub struct Stop {
    pub number: i64,
    pub street: String,
    pub postcode: String,
    pub doors: Vec<Door>,
}

#[derive(Debug, Clone)]
pub struct Door {
    pub id: Id,
    /// "Dorpsstraat 12a-2"
    pub label: String,
    /// This list's result.
    pub result: Option<(DoorOutcome, OffsetDateTime)>,
    /// Results of earlier waves, oldest first.
    pub earlier: Vec<DoorOutcome>,
}

/// A door to plan: its id and place.
struct PlanDoor {
    id: Id,
    x: f64,
    y: f64,
}

/// A campaign's settings that planning needs.
struct Settings {
    service_seconds: i64,
    speed_kmh: f64,
    start: (f64, f64),
}

impl Store {
    /// The team's wijk, (code, name): a campaign may cover it whole.
    pub async fn team_wijk(&self, team_id: Id) -> Result<(String, String), StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let r = tx.fetch_one("SELECT b.code, b.name FROM teams t JOIN neighbourhoods b ON b.code = t.wijk_code WHERE t.id = $1", &args![team_id]).await?;
        Ok((r.text(0)?, r.text(1)?))
    }

    /// Creates a campaign over an area: every address with coordinates in it (narrowed to the
    /// streets or postcodes given), excluded ones kept with the reason; then plans the first
    /// wave. Returns the campaign's id.
    pub async fn create_campaign(&self, access: &Access<'_>, new: &NewCampaign) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(invalid("naam", "Naam: vul een naam in van hoogstens 100 tekens.", "Name: fill in a name of at most 100 characters."));
        }
        if !(10..=1800).contains(&new.service_seconds) {
            return Err(invalid("deurtijd", "Tijd per deur: tussen 10 en 1800 seconden.", "Time per door: between 10 and 1800 seconds."));
        }
        if !(1.0..=10.0).contains(&new.speed_kmh) {
            return Err(invalid("snelheid", "Loopsnelheid: tussen 1 en 10 km/u.", "Walking speed: between 1 and 10 km/h."));
        }
        if !(0..=730).contains(&new.recent_days) {
            return Err(invalid("recent", "Kort geleden bezocht: tussen 0 en 730 dagen.", "Visited recently: between 0 and 730 days."));
        }
        let filter = StreetFilter::parse(new.streets.as_deref())?;
        check_wave(&new.wave, access.now.date())?;

        let mut tx = self.pool().begin_read().await?;
        tx.fetch_optional(
                "SELECT b.name FROM neighbourhoods b JOIN teams t ON t.id = $1 WHERE b.code = $2 AND (b.code = t.wijk_code OR b.parent_code = t.wijk_code)",
                &args![team, new.area_code.as_str()],
            )
            .await?
            .ok_or_else(|| invalid("gebied", "Gebied: kies een wijk of buurt van het team.", "Area: choose a wijk or buurt of the team."))?;
        let rows = tx
            .fetch_all(
                "SELECT a.id, a.x, a.y, a.postcode, a.street FROM addresses a JOIN neighbourhoods b ON b.code = a.buurt_code \
                 WHERE (b.code = $1 OR b.parent_code = $1) AND a.x IS NOT NULL AND a.y IS NOT NULL ORDER BY a.id",
                &args![new.area_code.as_str()],
            )
            .await?;
        let mut doors = Vec::new();
        for r in &rows {
            if filter.admits(&r.text(3)?, &r.text(4)?) {
                doors.push(PlanDoor { id: r.i64(0)?, x: r.f64(1)?, y: r.f64(2)? });
            }
        }
        if doors.is_empty() {
            return Err(invalid(
                "gebied",
                "Gebied: er zijn (in deze straten) nog geen adressen met coördinaten. Importeer eerst een BAG-adressenbestand.",
                "Area: there are no addresses with coordinates (in these streets) yet. Import a BAG address file first.",
            ));
        }
        let no_visit: std::collections::HashSet<Id> =
            tx.fetch_all("SELECT address_id FROM no_visit_addresses", &[]).await?.iter().map(|r| r.i64(0)).collect::<Result<_, _>>()?;
        let since = time_fmt::instant(access.now - Duration::days(new.recent_days));
        let mut recent = std::collections::HashSet::new();
        if new.recent_days > 0 {
            for r in tx
                .fetch_all(
                    "SELECT h.address_id FROM contact_attempts c JOIN households h ON h.id = c.household_id WHERE c.at >= $1 \
                     UNION SELECT d.address_id FROM door_results r JOIN campaign_doors d ON d.id = r.door_id WHERE r.at >= $1",
                    &args![since],
                )
                .await?
            {
                recent.insert(r.i64(0)?);
            }
        }
        let (start_label, start) = match new.start_venue {
            Some(v) => {
                let r = tx
                    .fetch_optional("SELECT name, x, y FROM venues WHERE id = $1 AND team_id = $2", &args![v, team])
                    .await?
                    .ok_or_else(|| invalid("start", "Startpunt: kies een vindplaats van het team.", "Start: choose a venue of the team."))?;
                match (r.opt_f64(1)?, r.opt_f64(2)?) {
                    (Some(x), Some(y)) => (r.text(0)?, Some((x, y))),
                    _ => return Err(invalid("start", "Startpunt: deze vindplaats heeft geen coördinaten.", "Start: this venue has no coordinates.")),
                }
            }
            None => ("Midden van het gebied".to_string(), None),
        };
        drop(tx);
        let exclusion = |id: Id| {
            if no_visit.contains(&id) {
                Some(Exclusion::NoVisit)
            } else if recent.contains(&id) {
                Some(Exclusion::Recent)
            } else {
                None
            }
        };
        let to_plan: Vec<&PlanDoor> = doors.iter().filter(|d| exclusion(d.id).is_none()).collect();
        let start = start.unwrap_or_else(|| {
            let c = routing::centroid(&doors.iter().map(|d| routing::Point { x: d.x, y: d.y }).collect::<Vec<_>>());
            (c.x, c.y)
        });
        let settings = Settings { service_seconds: new.service_seconds, speed_kmh: new.speed_kmh, start };
        let plan = route(&settings, &to_plan, &new.wave).await?;

        let mut tx = self.pool().begin().await?;
        check_walkers(&mut tx, team, &new.wave.walkers).await?;
        let campaign_id = tx
            .fetch_one(
                "INSERT INTO campaigns (team_id, name, area_code, streets, service_seconds, speed_kmh, start_label, start_x, start_y, recent_days, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                &args![
                    team,
                    name,
                    new.area_code.as_str(),
                    filter.text(),
                    new.service_seconds,
                    new.speed_kmh,
                    start_label,
                    start.0,
                    start.1,
                    new.recent_days,
                    time_fmt::instant(access.now),
                    access.actor.user_id
                ],
            )
            .await?
            .i64(0)?;
        let mut door_ids = HashMap::new();
        for d in &doors {
            let id = tx
                .fetch_one(
                    "INSERT INTO campaign_doors (campaign_id, address_id, excluded) VALUES ($1, $2, $3) RETURNING id",
                    &args![campaign_id, d.id, exclusion(d.id).map(|e| e.code())],
                )
                .await?
                .i64(0)?;
            door_ids.insert(d.id, id);
        }
        let planned: Vec<PlanDoor> = to_plan.iter().map(|d| PlanDoor { id: door_ids.get(&d.id).copied().unwrap_or_default(), x: d.x, y: d.y }).collect();
        write_wave(&mut tx, campaign_id, 1, &new.wave, &planned, &plan, access.now).await?;
        audit::record(&mut tx, access, AuditEvent::CampaignPlan, None, None).await?;
        tx.commit().await?;
        Ok(campaign_id)
    }

    /// Plans the next wave: the doors nobody was reached at so far (not home, inaccessible, or
    /// not visited yet), at another day part than the wave before.
    pub async fn plan_next_wave(&self, access: &Access<'_>, campaign_id: Id, wave: &NewWave) -> Result<i64, StoreError> {
        let team = team_scope(access)?;
        check_wave(wave, access.now.date())?;
        let mut tx = self.pool().begin_read().await?;
        let settings = settings(&mut tx, team, campaign_id).await?;
        let last = tx
            .fetch_optional("SELECT number, day_part FROM campaign_waves WHERE campaign_id = $1 ORDER BY number DESC LIMIT 1", &args![campaign_id])
            .await?;
        let (number, last_part) = match last {
            Some(r) => (r.i64(0)? + 1, DayPart::from_code(&r.text(1)?)),
            None => (1, None),
        };
        if last_part == Some(wave.day_part) {
            return Err(invalid(
                "dagdeel",
                "Dagdeel: kies een ander dagdeel dan de vorige ronde, zodat je andere bewoners thuis treft.",
                "Day part: choose another day part than the previous wave, to find other residents at home.",
            ));
        }
        let doors = open_doors(&mut tx, campaign_id).await?;
        drop(tx);
        if doors.is_empty() {
            return Err(invalid("ronde", "Er zijn geen deuren meer om opnieuw te bezoeken.", "There are no doors left to visit again."));
        }
        let refs: Vec<&PlanDoor> = doors.iter().collect();
        let plan = route(&settings, &refs, wave).await?;
        let mut tx = self.pool().begin().await?;
        check_walkers(&mut tx, team, &wave.walkers).await?;
        write_wave(&mut tx, campaign_id, number, wave, &doors, &plan, access.now).await?;
        audit::record(&mut tx, access, AuditEvent::CampaignPlan, None, None).await?;
        tx.commit().await?;
        Ok(number)
    }

    /// The team's campaigns, newest first, with their coverage.
    pub async fn campaigns(&self, access: &Access<'_>) -> Result<Vec<CampaignRow>, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT c.id, c.name, b.name, c.created_at, (SELECT COUNT(*) FROM campaign_waves w WHERE w.campaign_id = c.id) \
                 FROM campaigns c JOIN neighbourhoods b ON b.code = c.area_code WHERE c.team_id = $1 ORDER BY c.created_at DESC, c.id DESC",
                &args![team],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let id = r.i64(0)?;
            out.push(CampaignRow {
                id,
                name: r.text(1)?,
                area: r.text(2)?,
                created_on: time_fmt::parse_instant(&r.text(3)?)?.date(),
                waves: r.i64(4)?,
                coverage: door_results(&mut tx, id).await?.coverage(),
            });
        }
        Ok(out)
    }

    /// The campaign page: coverage, waves and their lists, flags, agreed return visits.
    pub async fn campaign(&self, access: &Access<'_>, campaign_id: Id) -> Result<CampaignView, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.pool().begin().await?;
        let r = tx
            .fetch_optional(
                "SELECT c.name, b.name, c.streets, c.service_seconds, c.speed_kmh, c.start_label, c.recent_days FROM campaigns c \
                 JOIN neighbourhoods b ON b.code = c.area_code WHERE c.id = $1 AND c.team_id = $2",
                &args![campaign_id, team],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let results = door_results(&mut tx, campaign_id).await?;
        let mut view = CampaignView {
            id: campaign_id,
            name: r.text(0)?,
            area: r.text(1)?,
            streets: r.opt_text(2)?,
            service_seconds: r.i64(3)?,
            speed_kmh: r.f64(4)?,
            start_label: r.text(5)?,
            recent_days: r.i64(6)?,
            coverage: results.coverage(),
            no_visit: results.excluded.values().filter(|e| **e == Exclusion::NoVisit).count(),
            recent: results.excluded.values().filter(|e| **e == Exclusion::Recent).count(),
            waves: Vec::new(),
            flagged: Vec::new(),
            appointments: Vec::new(),
        };
        for w in tx
            .fetch_all("SELECT id, number, walk_on, day_part, shift_minutes, unplanned FROM campaign_waves WHERE campaign_id = $1 ORDER BY number", &args![campaign_id])
            .await?
        {
            let wave_id = w.i64(0)?;
            let mut lists = Vec::new();
            for l in tx
                .fetch_all(
                    "SELECT l.id, u.display_name, l.planned_seconds, l.walk_metres, \
                     (SELECT COUNT(*) FROM walk_stops s WHERE s.walk_list_id = l.id), \
                     (SELECT COUNT(DISTINCT s.stop) FROM walk_stops s WHERE s.walk_list_id = l.id), \
                     (SELECT COUNT(DISTINCT r.door_id) FROM door_results r WHERE r.walk_list_id = l.id) \
                     FROM walk_lists l JOIN users u ON u.id = l.walker_id WHERE l.wave_id = $1 ORDER BY l.id",
                    &args![wave_id],
                )
                .await?
            {
                lists.push(ListRow {
                    id: l.i64(0)?,
                    walker: l.text(1)?,
                    planned_minutes: (l.i64(2)? + 59) / 60,
                    walk_metres: l.i64(3)?,
                    doors: l.i64(4)?,
                    stops: l.i64(5)?,
                    done: l.i64(6)?,
                });
            }
            let number = w.i64(1)?;
            for list in &lists {
                let entries: Vec<(OffsetDateTime, DoorOutcome)> = results.by_list.get(&list.id).cloned().unwrap_or_default();
                let flags = rules::implausible(&entries);
                let flagged: Vec<usize> = flags.iter().enumerate().filter(|(_, f)| **f).map(|(i, _)| i).collect();
                if let Some(first) = flagged.first() {
                    view.flagged.push(Flag { list_id: list.id, wave: number, walker: list.walker.clone(), entries: flagged.len(), first_at: entries[*first].0 });
                }
            }
            view.waves.push(WaveView {
                id: wave_id,
                number,
                walk_on: time_fmt::parse_date(&w.text(2)?)?,
                day_part: DayPart::from_code(&w.text(3)?).ok_or_else(|| StoreError::corrupt("day part"))?,
                shift_minutes: w.i64(4)?,
                unplanned: w.i64(5)?,
                lists,
            });
        }
        for a in tx
            .fetch_all(
                "SELECT r.walk_list_id, r.come_back_at, a.street, a.house_number, a.house_letter, a.house_addition FROM door_results r \
                 JOIN campaign_doors d ON d.id = r.door_id JOIN addresses a ON a.id = d.address_id \
                 WHERE d.campaign_id = $1 AND r.outcome = 'terugkomen' AND r.come_back_at >= $2 ORDER BY r.come_back_at",
                &args![campaign_id, time_fmt::instant(access.now)],
            )
            .await?
        {
            view.appointments.push(Appointment {
                list_id: a.i64(0)?,
                at: time_fmt::parse_instant(&a.text(1)?)?,
                address: door_label(&a.text(2)?, a.i64(3)?, a.opt_text(4)?, a.opt_text(5)?),
            });
        }
        audit::record(&mut tx, access, AuditEvent::WalkListRead, None, None).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// One walk list with its stops, doors and results; audited.
    pub async fn walk_list(&self, access: &Access<'_>, list_id: Id) -> Result<WalkList, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.pool().begin().await?;
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
        audit::record(&mut tx, access, AuditEvent::WalkListRead, None, None).await?;
        tx.commit().await?;
        Ok(list)
    }

    /// Logs a result at a door of a walk list; "signal noted" also stores a signal about the
    /// household living there (registering the household when nobody is known at the address)
    /// for the team's weighing, in the same transaction. Returns the signal's id, if any.
    pub async fn record_door(&self, access: &Access<'_>, list_id: Id, door_id: Id, entry: &DoorEntry, policy: &SignalPolicy) -> Result<Option<Id>, StoreError> {
        let team = team_scope(access)?;
        let note = entry.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 500) {
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
        let mut tx = self.pool().begin().await?;
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
                    let h = tx
                        .fetch_one("INSERT INTO households (address_id, support, multi_problem) VALUES ($1, 'self-reliant', FALSE) RETURNING id", &args![address_id])
                        .await?
                        .i64(0)?;
                    audit::record(&mut tx, access, AuditEvent::HouseholdCreate, Some(h), None).await?;
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
                concern: note.map(str::to_string),
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
        audit::record(&mut tx, access, AuditEvent::DoorResultCreate, household, None).await?;
        tx.commit().await?;
        Ok(signal_id)
    }
}

/// "Dorpsstraat 12a-2"
fn door_label(street: &str, number: i64, letter: Option<String>, addition: Option<String>) -> String {
    let mut s = format!("{street} {number}{}", letter.unwrap_or_default());
    if let Some(a) = addition.filter(|a| !a.is_empty()) {
        s.push('-');
        s.push_str(&a);
    }
    s
}

fn check_wave(wave: &NewWave, today: Date) -> Result<(), StoreError> {
    if !(30..=480).contains(&wave.shift_minutes) {
        return Err(invalid("dienst", "Dienst: tussen 30 en 480 minuten.", "Shift: between 30 and 480 minutes."));
    }
    if wave.walkers.is_empty() || wave.walkers.len() > 20 {
        return Err(invalid("lopers", "Lopers: kies 1 tot 20 collega's.", "Walkers: choose 1 to 20 colleagues."));
    }
    if wave.walk_on < today - Duration::days(1) || wave.walk_on > today + Duration::days(366) {
        return Err(invalid("datum", "Datum: vandaag of later, binnen een jaar.", "Date: today or later, within a year."));
    }
    Ok(())
}

/// Every walker must be a worker or team lead of the team.
async fn check_walkers(tx: &mut crate::db::Tx, team: Id, walkers: &[Id]) -> Result<(), StoreError> {
    for w in walkers {
        let ok = tx
            .fetch_optional("SELECT id FROM users WHERE id = $1 AND team_id = $2 AND role IN ('worker', 'team-lead') AND NOT disabled", &args![*w, team])
            .await?;
        if ok.is_none() {
            return Err(invalid("lopers", "Lopers: kies collega's uit het eigen team.", "Walkers: choose colleagues of the team."));
        }
    }
    Ok(())
}

async fn settings(tx: &mut crate::db::Tx, team: Id, campaign_id: Id) -> Result<Settings, StoreError> {
    let r = tx
        .fetch_optional("SELECT service_seconds, speed_kmh, start_x, start_y FROM campaigns WHERE id = $1 AND team_id = $2", &args![campaign_id, team])
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Settings { service_seconds: r.i64(0)?, speed_kmh: r.f64(1)?, start: (r.f64(2)?, r.f64(3)?) })
}

/// The doors of a campaign that the next wave takes: not excluded, nobody reached yet.
async fn open_doors(tx: &mut crate::db::Tx, campaign_id: Id) -> Result<Vec<PlanDoor>, StoreError> {
    let results = door_results(tx, campaign_id).await?;
    let rows = tx
        .fetch_all(
            "SELECT d.id, a.x, a.y FROM campaign_doors d JOIN addresses a ON a.id = d.address_id WHERE d.campaign_id = $1 AND d.excluded IS NULL ORDER BY d.id",
            &args![campaign_id],
        )
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let id = r.i64(0)?;
        if results.doors.get(&id).is_none_or(|o| rules::in_next_wave(o)) {
            out.push(PlanDoor { id, x: r.f64(1)?, y: r.f64(2)? });
        }
    }
    Ok(out)
}

/// Every door's results, in time order, and each list's entries for the plausibility check.
struct Results {
    doors: HashMap<Id, Vec<DoorOutcome>>,
    excluded: HashMap<Id, Exclusion>,
    by_list: HashMap<Id, Vec<(OffsetDateTime, DoorOutcome)>>,
}

impl Results {
    fn coverage(&self) -> Coverage {
        Coverage::of(self.doors.iter().map(|(id, r)| if self.excluded.contains_key(id) { None } else { Some(r.as_slice()) }))
    }
}

async fn door_results(tx: &mut crate::db::Tx, campaign_id: Id) -> Result<Results, StoreError> {
    let mut out = Results { doors: HashMap::new(), excluded: HashMap::new(), by_list: HashMap::new() };
    for r in tx.fetch_all("SELECT id, excluded FROM campaign_doors WHERE campaign_id = $1", &args![campaign_id]).await? {
        let id = r.i64(0)?;
        out.doors.insert(id, Vec::new());
        if let Some(e) = r.opt_text(1)? {
            out.excluded.insert(id, Exclusion::from_code(&e).ok_or_else(|| StoreError::corrupt("exclusion"))?);
        }
    }
    for r in tx
        .fetch_all(
            "SELECT r.door_id, r.walk_list_id, r.outcome, r.at FROM door_results r JOIN campaign_doors d ON d.id = r.door_id WHERE d.campaign_id = $1 ORDER BY r.at, r.id",
            &args![campaign_id],
        )
        .await?
    {
        let outcome = DoorOutcome::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("door outcome"))?;
        out.doors.entry(r.i64(0)?).or_default().push(outcome);
        out.by_list.entry(r.i64(1)?).or_default().push((time_fmt::parse_instant(&r.text(3)?)?, outcome));
    }
    Ok(out)
}

/// Cuts the doors into walk lists with the routing engine, off the async threads (it is CPU
/// work: local search over the doors).
async fn route(settings: &Settings, doors: &[&PlanDoor], wave: &NewWave) -> Result<routing::Plan, StoreError> {
    let points: Vec<routing::Point> = doors.iter().map(|d| routing::Point { x: d.x, y: d.y }).collect();
    let params = routing::PlanParams {
        walkers: wave.walkers.len(),
        shift_seconds: (wave.shift_minutes * 60) as f64,
        service_seconds: settings.service_seconds as f64,
        speed_m_per_s: settings.speed_kmh / 3.6,
        start: Some(routing::Point { x: settings.start.0, y: settings.start.1 }),
        balanced: true,
    };
    tokio::task::spawn_blocking(move || routing::plan(&points, &params))
        .await
        .map_err(|e| StoreError::Config(format!("planning: {e}")))?
        .map_err(|e| invalid("ronde", &format!("Planning: {e}"), &format!("Planning: {e}")))
}

/// Writes a wave: one walk list per walker, doors at one place sharing a stop number.
async fn write_wave(tx: &mut crate::db::Tx, campaign_id: Id, number: i64, wave: &NewWave, doors: &[PlanDoor], plan: &routing::Plan, now: OffsetDateTime) -> Result<(), StoreError> {
    let settings = tx.fetch_one("SELECT service_seconds, speed_kmh, start_x, start_y FROM campaigns WHERE id = $1", &args![campaign_id]).await?;
    let (service, speed, start) = (settings.i64(0)? as f64, settings.f64(1)? / 3.6, routing::Point { x: settings.f64(2)?, y: settings.f64(3)? });
    let wave_id = tx
        .fetch_one(
            "INSERT INTO campaign_waves (campaign_id, number, walk_on, day_part, shift_minutes, planned_at, unplanned) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &args![campaign_id, number, time_fmt::date(wave.walk_on), wave.day_part.code(), wave.shift_minutes, time_fmt::instant(now), plan.unplanned.len() as i64],
        )
        .await?
        .i64(0)?;
    for (walker, route) in wave.walkers.iter().zip(&plan.routes) {
        // The closed tour from the start through the list's doors and back.
        let points: Vec<routing::Point> = std::iter::once(start).chain(route.iter().map(|i| routing::Point { x: doors[*i].x, y: doors[*i].y })).collect();
        let walk = if route.is_empty() { 0.0 } else { routing::tour_length(&points, &(0..points.len()).collect::<Vec<_>>()) };
        let seconds = walk / speed + service * route.len() as f64;
        let list_id = tx
            .fetch_one(
                "INSERT INTO walk_lists (wave_id, walker_id, planned_seconds, walk_metres) VALUES ($1, $2, $3, $4) RETURNING id",
                &args![wave_id, *walker, seconds.round() as i64, walk.round() as i64],
            )
            .await?
            .i64(0)?;
        let mut stop = 0i64;
        let mut at: Option<(f64, f64)> = None;
        for i in route {
            let d = &doors[*i];
            if at != Some((d.x, d.y)) {
                stop += 1;
                at = Some((d.x, d.y));
            }
            tx.execute("INSERT INTO walk_stops (walk_list_id, door_id, stop) VALUES ($1, $2, $3)", &args![list_id, d.id, stop]).await?;
        }
    }
    Ok(())
}

/// The optional narrowing of a campaign: postcodes (4 digits, or 6 characters) and streets.
struct StreetFilter {
    lines: Vec<String>,
}

impl StreetFilter {
    fn parse(text: Option<&str>) -> Result<StreetFilter, StoreError> {
        let lines: Vec<String> = text.unwrap_or("").lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
        if lines.len() > 200 || lines.iter().any(|l| l.chars().count() > 80) {
            return Err(invalid("straten", "Straten of postcodes: hoogstens 200 regels van 80 tekens.", "Streets or postcodes: at most 200 lines of 80 characters."));
        }
        Ok(StreetFilter { lines })
    }

    fn text(&self) -> Option<String> {
        if self.lines.is_empty() {
            None
        } else {
            Some(self.lines.join("\n"))
        }
    }

    fn admits(&self, postcode: &str, street: &str) -> bool {
        if self.lines.is_empty() {
            return true;
        }
        let pc = postcode.replace(' ', "").to_uppercase();
        self.lines.iter().any(|l| {
            let compact = l.replace(' ', "").to_uppercase();
            let is_postcode = compact.len() >= 4 && compact[..4].chars().all(|c| c.is_ascii_digit());
            if is_postcode {
                pc.starts_with(&compact)
            } else {
                l.to_lowercase() == street.to_lowercase()
            }
        })
    }
}
