//! The audit trail as the privacy officer reads it: one line per act (a list view that showed
//! 36 households is one line with its count, while its records still name every household, so
//! each resident's export lists it — NEN 7513), filtered by resident, household, user, period
//! and kind; the flags to look into ("om na te gaan") by Dutch day, and their handling with a
//! note, itself audited. Ids and staff names only, never case content.

use super::privacy_officer_only;
use crate::kernel::audit::{self, AuditEvent};
use crate::kernel::db::{Tx, Value};
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use domain::model::Id;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

/// Opening more households than this on one day is flagged.
pub const MANY_RESIDENTS_PER_DAY: i64 = 25;

/// What the privacy officer filters the trail on; `from`..`until` is the period (until exclusive).
#[derive(Debug, Clone)]
pub struct TrailFilter {
    pub household_id: Option<Id>,
    /// The records naming this resident, and those naming their household and no other resident.
    pub person_id: Option<Id>,
    pub username: Option<String>,
    /// An event code (`AuditEvent::code`).
    pub event: Option<String>,
    pub from: OffsetDateTime,
    pub until: OffsetDateTime,
}

/// One act in the trail: the records one user wrote at one moment with one event (a list view,
/// a search, a single read), with how many records and households it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailLine {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub event: String,
    pub user: Option<String>,
    pub on_behalf_of: Option<String>,
    pub route: String,
    pub reason: Option<String>,
    pub records: i64,
    pub households: i64,
    /// The household, when the act named exactly one.
    pub household_id: Option<Id>,
    /// The resident, when the act named exactly one.
    pub person_id: Option<Id>,
}

impl TrailLine {
    pub fn label(&self, dutch: bool) -> &'static str {
        AuditEvent::label_of(&self.event, dutch)
    }
}

/// A flag the privacy officer looked into: by whom, when, and the note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub by: String,
    pub at: OffsetDateTime,
    pub note: String,
}

/// Something in the trail worth a second look, per user and Dutch day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// `many-residents` (one user opened more households in a day than the threshold),
    /// `outside-area` (a worker or team lead touched households outside their team's wijk,
    /// after break-the-glass or otherwise), `break-glass`, `export` or `erasure` (always reviewed).
    pub kind: &'static str,
    pub user: Option<String>,
    /// The Dutch day, ISO (`2026-12-02`).
    pub day: String,
    pub count: i64,
    /// The event the flag's records carry, for the link to them (none: several kinds).
    pub event: Option<&'static str>,
    /// Set when the privacy officer marked it handled and no new records came since.
    pub handled: Option<Review>,
}

pub const ANOMALY_KINDS: &[&str] = &["many-residents", "outside-area", "break-glass", "export", "erasure"];

/// A record as the flags count it: the user, the instant, the household.
type FlagRow = (Option<String>, String, Option<Id>);
/// Counts per (user, Dutch day).
type PerDay = BTreeMap<(Option<String>, String), i64>;

fn dutch_day(at: &str) -> Result<String, StoreError> {
    Ok(time_fmt::date(domain::local::dutch(time_fmt::parse_instant(at)?).date()))
}

/// The start of a Dutch day, as an instant.
pub fn dutch_midnight(day: Date) -> OffsetDateTime {
    domain::local::from_dutch(day.midnight())
}

/// Counts per (user, Dutch day): distinct households, or records when `distinct` is false.
fn per_day(rows: &[FlagRow], distinct: bool) -> Result<PerDay, StoreError> {
    let mut sets: BTreeMap<(Option<String>, String), (i64, std::collections::BTreeSet<Id>)> = BTreeMap::new();
    for (user, at, household) in rows {
        let entry = sets.entry((user.clone(), dutch_day(at)?)).or_default();
        entry.0 += 1;
        if let Some(h) = household {
            entry.1.insert(*h);
        }
    }
    Ok(sets.into_iter().map(|(k, (n, hs))| (k, if distinct { hs.len() as i64 } else { n })).collect())
}

async fn anomalies(tx: &mut Tx, from: OffsetDateTime, until: OffsetDateTime, threshold: i64) -> Result<Vec<Anomaly>, StoreError> {
    let (from, until) = (time_fmt::instant(from), time_fmt::instant(until));
    let rows = |rs: Vec<crate::kernel::db::Row>| -> Result<Vec<FlagRow>, StoreError> {
        rs.iter().map(|r| Ok((r.opt_text(0)?, r.text(1)?, r.opt_i64(2)?))).collect()
    };
    let mut out = Vec::new();
    let mut push = |kind: &'static str, event: Option<&'static str>, counts: PerDay, min: i64| {
        for ((user, day), count) in counts.into_iter().rev() {
            if count > min {
                out.push(Anomaly { kind, user, day, count, event, handled: None });
            }
        }
    };
    let reads = tx
        .fetch_all(
            "SELECT u.username, e.at, e.household_id FROM audit_events e JOIN users u ON u.id = e.user_id WHERE e.at >= $1 AND e.at < $2 AND e.event = 'household.read'",
            &args![from.as_str(), until.as_str()],
        )
        .await?;
    push("many-residents", Some("household.read"), per_day(&rows(reads)?, true)?, threshold);
    // Households of another team's wijk, by where they live now (an erased household is gone
    // from this count; its break-the-glass record stays below).
    let outside = tx
        .fetch_all(
            concat!(
                "SELECT u.username, e.at, e.household_id FROM audit_events e JOIN users u ON u.id = e.user_id \
                 JOIN teams t ON t.id = u.team_id JOIN households h ON h.id = e.household_id JOIN addresses a ON a.id = h.address_id \
                 JOIN neighbourhoods b ON b.code = a.buurt_code \
                 WHERE e.at >= $1 AND e.at < $2 AND e.event <> 'household.break-glass' AND NOT (",
                crate::kernel::area::team_covers_buurt!(),
                ")"
            ),
            &args![from.as_str(), until.as_str()],
        )
        .await?;
    push("outside-area", None, per_day(&rows(outside)?, true)?, 0);
    for (kind, events) in [
        ("break-glass", &["household.break-glass"][..]),
        ("export", &["household.export", "person.export"][..]),
        ("erasure", &["household.erase", "person.erase"][..]),
    ] {
        let list = events.iter().map(|e| format!("'{e}'")).collect::<Vec<_>>().join(", ");
        let found = tx
            .fetch_all(
                &format!("SELECT u.username, e.at, e.household_id FROM audit_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.at >= $1 AND e.at < $2 AND e.event IN ({list})"),
                &args![from.as_str(), until.as_str()],
            )
            .await?;
        push(kind, if events.len() == 1 { Some(events[0]) } else { None }, per_day(&rows(found)?, false)?, 0);
    }
    out.sort_by(|a, b| b.day.cmp(&a.day));
    // A flag is handled when the officer's latest review covered at least as many records.
    for a in &mut out {
        let review = tx
            .fetch_optional(
                "SELECT u.display_name, r.handled_at, r.note, r.covered FROM audit_reviews r JOIN users u ON u.id = r.handled_by \
                 WHERE r.kind = $1 AND r.username = $2 AND r.day = $3 ORDER BY r.id DESC LIMIT 1",
                &args![a.kind, a.user.clone().unwrap_or_default(), a.day.as_str()],
            )
            .await?;
        if let Some(r) = review {
            if r.i64(3)? >= a.count {
                a.handled = Some(Review { by: r.text(0)?, at: time_fmt::parse_instant(&r.text(1)?)?, note: r.text(2)? });
            }
        }
    }
    Ok(out)
}

impl Store {
    /// Users who opened more than `threshold` households on one Dutch day, workers who touched
    /// households outside their team's area, and every break-the-glass, export and erasure,
    /// each with its handling when the privacy officer looked into it.
    pub async fn audit_anomalies(&self, since: OffsetDateTime, threshold: i64) -> Result<Vec<Anomaly>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        anomalies(&mut tx, since, time::macros::datetime!(9999-12-31 0:00 UTC), threshold).await
    }

    /// Marks a flag as looked into, with the officer's note (kept with the review, not in the
    /// trail). Refused when the flag is not (or no longer) on the list. Audited.
    pub async fn audit_review(&self, access: &Access<'_>, kind: &str, username: &str, day: &str, note: &str) -> Result<(), StoreError> {
        privacy_officer_only(access)?;
        let note = domain::text::clean(note);
        let note = note.trim();
        if note.is_empty() || note.chars().count() > 500 {
            return Err(crate::kernel::error::invalid("notitie", "Notitie: schrijf in hoogstens 500 tekens wat u naging en wat eruit kwam.", "Note: write in at most 500 characters what you looked into and what came of it."));
        }
        let not_listed = || crate::kernel::error::invalid("notitie", "Dit punt staat niet (meer) op de lijst om na te gaan.", "This item is not (or no longer) on the list to review.");
        let kind = ANOMALY_KINDS.iter().find(|k| **k == kind).ok_or_else(not_listed)?;
        let date = time_fmt::parse_date(day).map_err(|_| not_listed())?;
        let mut tx = self.pool().begin().await?;
        let found = anomalies(&mut tx, dutch_midnight(date), dutch_midnight(date.next_day().unwrap_or(date)), MANY_RESIDENTS_PER_DAY).await?;
        let flag = found.iter().find(|a| a.kind == *kind && a.user.as_deref().unwrap_or("") == username && a.day == day).ok_or_else(not_listed)?;
        tx.execute(
            "INSERT INTO audit_reviews (kind, username, day, covered, note, handled_by, handled_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &args![*kind, username, day, flag.count, note, access.actor.user_id, time_fmt::instant(access.now)],
        )
        .await?;
        let mut entry = audit::Entry::of(access, AuditEvent::AuditReview, None, None);
        entry.reason = Some(format!("{kind}, gebruiker {}, {day}, {} records", if username.is_empty() { "–" } else { username }, flag.count));
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The trail, one line per act, newest first, at most `limit` lines.
    pub async fn audit_trail(&self, f: &TrailFilter, limit: i64) -> Result<Vec<TrailLine>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let mut sql = String::from(
            "SELECT MAX(e.seq), e.at, e.event, u.username, e.on_behalf_of, e.route, e.reason, COUNT(*), COUNT(DISTINCT e.household_id), \
             MIN(e.household_id), MAX(e.household_id), MIN(e.person_id), MAX(e.person_id), COUNT(e.person_id) \
             FROM audit_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.at >= $1 AND e.at < $2",
        );
        let mut values: Vec<Value> = args![time_fmt::instant(f.from), time_fmt::instant(f.until)].into();
        if let Some(h) = f.household_id {
            values.push(h.into());
            sql.push_str(&format!(" AND e.household_id = ${}", values.len()));
        }
        if let Some(p) = f.person_id {
            let household = tx.fetch_optional("SELECT household_id FROM persons WHERE id = $1", &args![p]).await?.map(|r| r.i64(0)).transpose()?;
            values.push(p.into());
            let n = values.len();
            match household {
                Some(h) => {
                    values.push(h.into());
                    sql.push_str(&format!(" AND (e.person_id = ${n} OR (e.person_id IS NULL AND e.household_id = ${}))", n + 1));
                }
                None => sql.push_str(&format!(" AND e.person_id = ${n}")),
            }
        }
        if let Some(u) = &f.username {
            values.push(u.clone().into());
            sql.push_str(&format!(" AND u.username = ${}", values.len()));
        }
        if let Some(ev) = &f.event {
            values.push(ev.clone().into());
            sql.push_str(&format!(" AND e.event = ${}", values.len()));
        }
        values.push(limit.into());
        sql.push_str(&format!(
            " GROUP BY e.at, e.event, e.user_id, u.username, e.on_behalf_of, e.route, e.reason ORDER BY MAX(e.seq) DESC LIMIT ${}",
            values.len()
        ));
        tx.fetch_all(&sql, &values)
            .await?
            .iter()
            .map(|r| {
                let one = |min: Option<Id>, max: Option<Id>| if min == max { min } else { None };
                let person = if r.i64(13)? == r.i64(7)? { one(r.opt_i64(11)?, r.opt_i64(12)?) } else { None };
                Ok(TrailLine {
                    seq: r.i64(0)?,
                    at: time_fmt::parse_instant(&r.text(1)?)?,
                    event: r.text(2)?,
                    user: r.opt_text(3)?,
                    on_behalf_of: r.opt_text(4)?,
                    route: r.text(5)?,
                    reason: r.opt_text(6)?,
                    records: r.i64(7)?,
                    households: r.i64(8)?,
                    household_id: one(r.opt_i64(9)?, r.opt_i64(10)?),
                    person_id: person,
                })
            })
            .collect()
    }
}
