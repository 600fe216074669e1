//! Being where people are: venues (vindplaatsen) with presence sessions, and information
//! sessions (voorlichting). These hold no resident's data (counts and topics, never names), so
//! they need no audit record; they are the team's own, by need-to-know.
//! Also the BAG-shaped address import that gives a new area its doors.

use crate::kernel::audit::AuditEvent;
use crate::kernel::area::{self, team_scope};
use crate::kernel::error::invalid;
use crate::kernel::households::{self, AddressCounts};
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use domain::campaign::{BagFile, VenueKind};
use domain::csv::CsvError;
use domain::model::Id;
use time::Date;

#[derive(Debug, Clone)]
pub struct NewVenue {
    pub name: String,
    pub kind: VenueKind,
    pub place: String,
    pub x: Option<f64>,
    pub y: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Venue {
    pub id: Id,
    pub name: String,
    pub kind: VenueKind,
    pub place: String,
    pub has_point: bool,
    pub sessions: i64,
    pub conversations: i64,
    pub last: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct NewPresence {
    pub on_date: Date,
    /// "HH:MM"
    pub start_time: String,
    pub minutes: i64,
    pub conversations: i64,
    pub topics: String,
    pub signals_noted: i64,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Presence {
    pub id: Id,
    pub worker: String,
    pub on_date: Date,
    pub start_time: String,
    pub minutes: i64,
    pub conversations: i64,
    pub topics: String,
    pub signals_noted: i64,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewInfoSession {
    pub on_date: Date,
    pub location: String,
    pub audience: String,
    pub organised_with: Option<String>,
    pub topics: String,
    pub attendance: i64,
    pub follow_ups: i64,
}

#[derive(Debug, Clone)]
pub struct InfoSession {
    pub id: Id,
    pub worker: String,
    pub new: NewInfoSession,
}

/// A required text, cleaned (`domain::text::clean`) and trimmed, of at most `max` characters.
fn text(field: &'static str, value: &str, max: usize, nl: &str, en: &str) -> Result<String, StoreError> {
    let v = domain::text::clean(value);
    let v = v.trim();
    if v.is_empty() || v.chars().count() > max {
        return Err(invalid(field, &format!("{nl}: vul dit in, hoogstens {max} tekens."), &format!("{en}: fill this in, at most {max} characters.")));
    }
    Ok(v.to_string())
}

fn count(field: &'static str, v: i64, max: i64, nl: &str, en: &str) -> Result<(), StoreError> {
    if !(0..=max).contains(&v) {
        return Err(invalid(field, &format!("{nl}: een aantal van 0 tot {max}."), &format!("{en}: a number from 0 to {max}.")));
    }
    Ok(())
}

impl Store {
    pub async fn add_venue(&self, access: &Access<'_>, v: &NewVenue) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let name = text("naam", &v.name, 100, "Naam", "Name")?;
        let place = text("plek", &v.place, 200, "Plek", "Place")?;
        if v.x.is_some() != v.y.is_some() || v.x.is_some_and(|x| !(0.0..=300_000.0).contains(&x)) || v.y.is_some_and(|y| !(289_000.0..=629_000.0).contains(&y)) {
            return Err(invalid("x", "Coördinaten: vul x en y samen in, in RD-meters (x 0–300000, y 289000–629000).", "Coordinates: fill in x and y together, in RD metres."));
        }
        let mut tx = self.scoped(access).await?;
        let id = tx
            .fetch_one(
                "INSERT INTO venues (team_id, name, kind, place, x, y) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &args![team, name, v.kind.code(), place, v.x, v.y],
            )
            .await?
            .i64(0)?;
        tx.commit().await?;
        Ok(id)
    }

    /// The team's venues with how often and how much the team was there.
    pub async fn venues(&self, access: &Access<'_>) -> Result<Vec<Venue>, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
        let rows = tx
            .fetch_all(
                "SELECT v.id, v.name, v.kind, v.place, v.x IS NOT NULL, COUNT(p.id), CAST(COALESCE(SUM(p.conversations), 0) AS BIGINT), MAX(p.on_date) \
                 FROM venues v LEFT JOIN presence_sessions p ON p.venue_id = v.id WHERE v.team_id = $1 \
                 GROUP BY v.id, v.name, v.kind, v.place, v.x ORDER BY v.name",
                &args![team],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Venue {
                    id: r.i64(0)?,
                    name: r.text(1)?,
                    kind: VenueKind::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("venue kind"))?,
                    place: r.text(3)?,
                    has_point: r.bool(4)?,
                    sessions: r.i64(5)?,
                    conversations: r.i64(6)?,
                    last: r.opt_text(7)?.map(|d| time_fmt::parse_date(&d)).transpose()?,
                })
            })
            .collect()
    }

    /// One venue and its presence sessions, newest first.
    pub async fn venue(&self, access: &Access<'_>, venue_id: Id) -> Result<(Venue, Vec<Presence>), StoreError> {
        let venue = self.venues(access).await?.into_iter().find(|v| v.id == venue_id).ok_or(StoreError::NotFound)?;
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT p.id, COALESCE(u.display_name, ''), p.on_date, p.start_time, p.minutes, p.conversations, p.topics, p.signals_noted, p.note \
                 FROM presence_sessions p LEFT JOIN users u ON u.id = p.worker_id WHERE p.venue_id = $1 ORDER BY p.on_date DESC, p.start_time DESC, p.id DESC",
                &args![venue_id],
            )
            .await?;
        let sessions = rows
            .iter()
            .map(|r| {
                Ok(Presence {
                    id: r.i64(0)?,
                    worker: r.text(1)?,
                    on_date: time_fmt::parse_date(&r.text(2)?)?,
                    start_time: r.text(3)?,
                    minutes: r.i64(4)?,
                    conversations: r.i64(5)?,
                    topics: r.text(6)?,
                    signals_noted: r.i64(7)?,
                    note: r.opt_text(8)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((venue, sessions))
    }

    /// Logs a presence session at one of the team's venues.
    pub async fn log_presence(&self, access: &Access<'_>, venue_id: Id, p: &NewPresence) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        if p.on_date > access.now.date() {
            return Err(invalid("datum", "Datum: vandaag of eerder.", "Date: today or earlier."));
        }
        let valid_time = p.start_time.len() == 5
            && p.start_time.as_bytes()[2] == b':'
            && p.start_time[..2].parse::<u8>().is_ok_and(|h| h < 24)
            && p.start_time[3..].parse::<u8>().is_ok_and(|m| m < 60);
        if !valid_time {
            return Err(invalid("begin", "Begintijd: als uu:mm, bijvoorbeeld 14:30.", "Start time: as hh:mm, for example 14:30."));
        }
        if !(5..=720).contains(&p.minutes) {
            return Err(invalid("duur", "Duur: tussen 5 en 720 minuten.", "Length: between 5 and 720 minutes."));
        }
        count("gesprekken", p.conversations, 500, "Gesprekken", "Conversations")?;
        count("signalen", p.signals_noted, 100, "Signalen", "Signals")?;
        let topics = text("onderwerpen", &p.topics, 300, "Onderwerpen", "Topics")?;
        let note = domain::text::clean_note(p.note.as_deref());
        if note.as_deref().is_some_and(|n| n.chars().count() > 500) {
            return Err(invalid("notitie", "Notitie: hoogstens 500 tekens (geen namen van bewoners).", "Note: at most 500 characters (no residents' names)."));
        }
        let mut tx = self.scoped(access).await?;
        tx.fetch_optional("SELECT id FROM venues WHERE id = $1 AND team_id = $2", &args![venue_id, team]).await?.ok_or(StoreError::NotFound)?;
        let id = tx
            .fetch_one(
                "INSERT INTO presence_sessions (venue_id, worker_id, on_date, start_time, minutes, conversations, topics, signals_noted, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &args![venue_id, access.actor.user_id, time_fmt::date(p.on_date), p.start_time.as_str(), p.minutes, p.conversations, topics, p.signals_noted, note],
            )
            .await?
            .i64(0)?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn add_info_session(&self, access: &Access<'_>, s: &NewInfoSession) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        if s.on_date > access.now.date() + time::Duration::days(366) {
            return Err(invalid("datum", "Datum: binnen een jaar.", "Date: within a year."));
        }
        let location = text("locatie", &s.location, 200, "Locatie", "Location")?;
        let audience = text("publiek", &s.audience, 200, "Publiek", "Audience")?;
        let topics = text("onderwerpen", &s.topics, 300, "Onderwerpen", "Topics")?;
        let with = domain::text::clean_line_opt(s.organised_with.as_deref());
        if with.as_deref().is_some_and(|w| w.chars().count() > 200) {
            return Err(invalid("samen_met", "Samen met: hoogstens 200 tekens.", "Organised with: at most 200 characters."));
        }
        count("aanwezig", s.attendance, 5000, "Aanwezigen", "Attendance")?;
        count("vervolg", s.follow_ups, 5000, "Vervolgcontacten", "Follow-up contacts")?;
        let mut tx = self.scoped(access).await?;
        let id = tx
            .fetch_one(
                "INSERT INTO info_sessions (team_id, worker_id, on_date, location, audience, organised_with, topics, attendance, follow_ups) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &args![team, access.actor.user_id, time_fmt::date(s.on_date), location, audience, with, topics, s.attendance, s.follow_ups],
            )
            .await?
            .i64(0)?;
        tx.commit().await?;
        Ok(id)
    }

    /// The team's information sessions, newest first.
    pub async fn info_sessions(&self, access: &Access<'_>) -> Result<Vec<InfoSession>, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
        let rows = tx
            .fetch_all(
                "SELECT s.id, COALESCE(u.display_name, ''), s.on_date, s.location, s.audience, s.organised_with, s.topics, s.attendance, s.follow_ups \
                 FROM info_sessions s LEFT JOIN users u ON u.id = s.worker_id WHERE s.team_id = $1 ORDER BY s.on_date DESC, s.id DESC",
                &args![team],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(InfoSession {
                    id: r.i64(0)?,
                    worker: r.text(1)?,
                    new: NewInfoSession {
                        on_date: time_fmt::parse_date(&r.text(2)?)?,
                        location: r.text(3)?,
                        audience: r.text(4)?,
                        organised_with: r.opt_text(5)?,
                        topics: r.text(6)?,
                        attendance: r.i64(7)?,
                        follow_ups: r.i64(8)?,
                    },
                })
            })
            .collect()
    }

    /// Adds the addresses of a BAG file to the team's area, all or nothing: the same reader and
    /// writer as the municipality's import, and every address must lie in a buurt of the team
    /// (each one that does not is named with its line). Re-importing the same file adds nothing.
    pub async fn import_addresses(&self, access: &Access<'_>, file: &BagFile) -> Result<AddressCounts, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let ours: std::collections::HashSet<String> = area::team_buurten(&mut tx, team).await?.into_iter().map(|(code, _)| code).collect();
        let outside: Vec<CsvError> = file
            .addresses
            .iter()
            .filter(|a| !ours.contains(&a.buurt.code()))
            .map(|a| CsvError { line: a.line, message: format!("veld buurtcode: {} is geen buurt van het werkgebied van uw team", a.buurt) })
            .collect();
        if !outside.is_empty() {
            return Err(StoreError::Lines(outside));
        }
        let counts = households::import_addresses(&mut tx, &file.addresses, &|_| {}).await?;
        tx.record(AuditEvent::AddressImport, None, None).await?;
        tx.commit().await?;
        Ok(counts)
    }
}
