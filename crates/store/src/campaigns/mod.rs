//! Door-to-door campaigns: the doors of an area (with who is left out and why), waves cut into
//! walk lists by the routing engine (one per walker-shift, one stop per entrance), a result per
//! door (a signal noted at a door goes to the team's weighing), the coverage, and entries too
//! fast to be real. The rules are `domain::campaign`'s. Walk lists show addresses, never names;
//! reading one and logging a result are audited in their own transaction.


mod coverage;
mod planning;
mod walking;

use domain::campaign::{Coverage, DoorOutcome};
use domain::model::{DayPart, Id, SignalKind};
use time::{Date, OffsetDateTime};


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


/// "Dorpsstraat 12a-2"
pub(super) fn door_label(street: &str, number: i64, letter: Option<String>, addition: Option<String>) -> String {
    let mut s = format!("{street} {number}{}", letter.unwrap_or_default());
    if let Some(a) = addition.filter(|a| !a.is_empty()) {
        s.push('-');
        s.push_str(&a);
    }
    s
}

/// The audit record of a page that shows addresses with door results: one per household living
/// at a shown address, or one without a household when none is known there.
pub(super) async fn record_read(tx: &mut crate::kernel::Scoped<'_>, households: &[crate::kernel::db::Row]) -> Result<(), crate::StoreError> {
    let ids = households.iter().map(|r| r.i64(0)).collect::<Result<Vec<Id>, _>>()?;
    if ids.is_empty() {
        tx.record(crate::kernel::audit::AuditEvent::WalkListRead, None, None).await
    } else {
        tx.record_households(crate::kernel::audit::AuditEvent::WalkListRead, &ids).await
    }
}
