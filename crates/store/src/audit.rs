//! The audit trail: who read or changed which resident's data, when, through which route and
//! on whose behalf. Written only inside the transaction of the act it records.

use crate::db::{placeholder, Tx, Value};
use crate::{args, time_fmt, Access, StoreError};
use domain::model::Id;

/// What happened to a resident's data; codes are stable, they end up in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    HouseholdCreate,
    HouseholdRead,
    HouseholdList,
    HouseholdSearchHit,
    PersonCreate,
    PersonRead,
    SignalCreate,
    ContactAttemptCreate,
    DemoLoad,
}

impl AuditEvent {
    pub fn code(self) -> &'static str {
        match self {
            AuditEvent::HouseholdCreate => "household.create",
            AuditEvent::HouseholdRead => "household.read",
            AuditEvent::HouseholdList => "household.list",
            AuditEvent::HouseholdSearchHit => "household.search-hit",
            AuditEvent::PersonCreate => "person.create",
            AuditEvent::PersonRead => "person.read",
            AuditEvent::SignalCreate => "signal.create",
            AuditEvent::ContactAttemptCreate => "contact-attempt.create",
            AuditEvent::DemoLoad => "demo.load",
        }
    }
}

/// One audit row as stored, for checks and (later) the audit viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: Id,
    pub at: String,
    pub event: String,
    pub household_id: Option<Id>,
    pub person_id: Option<Id>,
    pub user_id: Option<Id>,
    pub on_behalf_of: Option<String>,
    pub route: String,
    pub reason: Option<String>,
}

pub(crate) async fn record(
    tx: &mut Tx,
    access: &Access<'_>,
    event: AuditEvent,
    household_id: Option<Id>,
    person_id: Option<Id>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_events (at, event, household_id, person_id, user_id, on_behalf_of, route, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &args![
            time_fmt::instant(access.now),
            event.code(),
            household_id,
            person_id,
            Some(access.actor.user_id),
            access.actor.partner_id.map(|p| format!("partner:{p}")),
            access.route,
            None::<String>
        ],
    )
    .await?;
    Ok(())
}

/// Many households at once (search hits, lists) in as few statements as possible.
pub(crate) async fn record_households(tx: &mut Tx, access: &Access<'_>, event: AuditEvent, household_ids: &[Id]) -> Result<(), StoreError> {
    let at = time_fmt::instant(access.now);
    let on_behalf = access.actor.partner_id.map(|p| format!("partner:{p}"));
    for chunk in household_ids.chunks(200) {
        let mut sql = String::from("INSERT INTO audit_events (at, event, household_id, user_id, on_behalf_of, route) VALUES ");
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        for (i, id) in chunk.iter().enumerate() {
            let b = i * 6;
            if i > 0 {
                sql.push(',');
            }
            let p: Vec<String> = (1..=6).map(|k| placeholder(tx.backend(), b + k)).collect();
            sql.push_str(&format!("({})", p.join(",")));
            values.extend(args![at.as_str(), event.code(), *id, access.actor.user_id, on_behalf.clone(), access.route]);
        }
        tx.execute(&sql, &values).await?;
    }
    Ok(())
}

impl crate::Store {
    /// The audit events about one household, oldest first (for tests and the privacy officer).
    pub async fn audit_for_household(&self, household_id: Id) -> Result<Vec<AuditRecord>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT id, at, event, household_id, person_id, user_id, on_behalf_of, route, reason \
                 FROM audit_events WHERE household_id = $1 ORDER BY id",
                &args![household_id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRecord {
                    id: r.i64(0)?,
                    at: r.text(1)?,
                    event: r.text(2)?,
                    household_id: r.opt_i64(3)?,
                    person_id: r.opt_i64(4)?,
                    user_id: r.opt_i64(5)?,
                    on_behalf_of: r.opt_text(6)?,
                    route: r.text(7)?,
                    reason: r.opt_text(8)?,
                })
            })
            .collect()
    }
}

/// How often each kind of event happened since a moment, and by how many users: what the
/// privacy officer sees first, without any case content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSummaryRow {
    pub event: String,
    pub count: i64,
    pub users: i64,
}

impl crate::Store {
    pub async fn audit_summary(&self, since: time::OffsetDateTime) -> Result<Vec<AuditSummaryRow>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT event, COUNT(*), COUNT(DISTINCT user_id) FROM audit_events WHERE at >= $1 GROUP BY event ORDER BY event",
                &args![time_fmt::instant(since)],
            )
            .await?;
        rows.iter().map(|r| Ok(AuditSummaryRow { event: r.text(0)?, count: r.i64(1)?, users: r.i64(2)? })).collect()
    }
}
