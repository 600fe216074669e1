//! Planning: a campaign over the doors of an area with its exclusions, and each wave cut into walk lists by the routing engine, written in one transaction.

use crate::kernel::audit::AuditEvent;
use crate::kernel::area;
use crate::kernel::area::team_scope;
use crate::kernel::error::invalid;
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use super::{NewCampaign, NewWave};
use domain::campaign::{self as rules, Exclusion};
use domain::model::{DayPart, Id};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};

use super::coverage::door_results;

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
    /// The wijken and buurten the team was given, (code, name, level), wijken first: a
    /// campaign may cover one whole.
    pub async fn team_areas(&self, team_id: Id) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        area::team_areas(&mut tx, team_id).await
    }

    /// Creates a campaign over an area: every address with coordinates in it (narrowed to the
    /// streets or postcodes given), excluded ones kept with the reason; then plans the first
    /// wave. Returns the campaign's id.
    pub async fn create_campaign(&self, access: &Access<'_>, new: &NewCampaign) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let name = domain::text::clean_line(&new.name);
        let name = name.trim();
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
        let streets = domain::text::clean_note(new.streets.as_deref());
        let filter = StreetFilter::parse(streets.as_deref())?;
        check_wave(&new.wave, access.now.date())?;

        let mut tx = self.scoped_read(access).await?;
        area::team_area_name(&mut tx, team, new.area_code.as_str())
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

        let mut tx = self.scoped(access).await?;
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
        tx.record(AuditEvent::CampaignPlan, None, None).await?;
        tx.commit().await?;
        Ok(campaign_id)
    }

    /// Plans the next wave: the doors nobody was reached at so far (not home, inaccessible, or
    /// not visited yet), at another day part than the wave before.
    pub async fn plan_next_wave(&self, access: &Access<'_>, campaign_id: Id, wave: &NewWave) -> Result<i64, StoreError> {
        let team = team_scope(access)?;
        check_wave(wave, access.now.date())?;
        let mut tx = self.scoped_read(access).await?;
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
        let mut tx = self.scoped(access).await?;
        check_walkers(&mut tx, team, &wave.walkers).await?;
        write_wave(&mut tx, campaign_id, number, wave, &doors, &plan, access.now).await?;
        tx.record(AuditEvent::CampaignPlan, None, None).await?;
        tx.commit().await?;
        Ok(number)
    }

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

/// Every walker must be a worker, team lead or experience expert of the team.
async fn check_walkers(tx: &mut crate::kernel::db::Tx, team: Id, walkers: &[Id]) -> Result<(), StoreError> {
    for w in walkers {
        let ok = tx
            .fetch_optional("SELECT id FROM users WHERE id = $1 AND team_id = $2 AND role IN ('worker', 'team-lead', 'ervaringsdeskundige') AND NOT disabled", &args![*w, team])
            .await?;
        if ok.is_none() {
            return Err(invalid("lopers", "Lopers: kies collega's uit het eigen team.", "Walkers: choose colleagues of the team."));
        }
    }
    Ok(())
}

async fn settings(tx: &mut crate::kernel::db::Tx, team: Id, campaign_id: Id) -> Result<Settings, StoreError> {
    let r = tx
        .fetch_optional("SELECT service_seconds, speed_kmh, start_x, start_y FROM campaigns WHERE id = $1 AND team_id = $2", &args![campaign_id, team])
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Settings { service_seconds: r.i64(0)?, speed_kmh: r.f64(1)?, start: (r.f64(2)?, r.f64(3)?) })
}

/// The doors of a campaign that the next wave takes: not excluded, nobody reached yet.
async fn open_doors(tx: &mut crate::kernel::db::Tx, campaign_id: Id) -> Result<Vec<PlanDoor>, StoreError> {
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
async fn write_wave(tx: &mut crate::kernel::db::Tx, campaign_id: Id, number: i64, wave: &NewWave, doors: &[PlanDoor], plan: &routing::Plan, now: OffsetDateTime) -> Result<(), StoreError> {
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

