//! Coverage: the team's campaigns, one campaign with its waves, lists, flags and the doors still open.

use crate::kernel::area::team_scope;
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use super::{door_label, record_read, Appointment, CampaignRow, CampaignView, Flag, ListRow, WaveView};
use domain::campaign::{self as rules, Coverage, DoorOutcome, Exclusion};
use domain::model::{DayPart, Id};
use std::collections::HashMap;
use time::OffsetDateTime;


impl Store {
    /// The team's campaigns, newest first, with their coverage.
    pub async fn campaigns(&self, access: &Access<'_>) -> Result<Vec<CampaignRow>, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
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
        let mut tx = self.scoped(access).await?;
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
        // The appointments show addresses: the households living there are in the record.
        let households = tx
            .fetch_all(
                "SELECT DISTINCT h.id FROM door_results r JOIN campaign_doors d ON d.id = r.door_id JOIN households h ON h.address_id = d.address_id \
                 WHERE d.campaign_id = $1 AND r.outcome = 'terugkomen' AND r.come_back_at >= $2 ORDER BY h.id",
                &args![campaign_id, time_fmt::instant(access.now)],
            )
            .await?;
        record_read(&mut tx, &households).await?;
        tx.commit().await?;
        Ok(view)
    }

}

/// Every door's results, in time order, and each list's entries for the plausibility check.
pub(super) struct Results {
    pub(super) doors: HashMap<Id, Vec<DoorOutcome>>,
    excluded: HashMap<Id, Exclusion>,
    by_list: HashMap<Id, Vec<(OffsetDateTime, DoorOutcome)>>,
}

impl Results {
    fn coverage(&self) -> Coverage {
        Coverage::of(self.doors.iter().map(|(id, r)| if self.excluded.contains_key(id) { None } else { Some(r.as_slice()) }))
    }
}

pub(super) async fn door_results(tx: &mut crate::kernel::db::Tx, campaign_id: Id) -> Result<Results, StoreError> {
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

