//! Review: signals linking was not sure about, both records side by side, resolved by the team.

use crate::kernel::audit::{self, AuditEvent, Entry, Recorder};
use crate::kernel::area;
use crate::linking::{Linker, Match};
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use domain::model::{
    EndResult, Id, SignalKind, SignalStatus,
};
use std::collections::HashMap;
use std::sync::RwLock;
use time::Date;

use super::StoredReported;
use super::intake::{bundle, commit, create_household, households_at, read_linker, team_of_postcode, Batch};
use super::team::address_text;
use crate::kernel::error::invalid;

// ---------------------------------------------------------------------------------------------
// Review: signals linking was not sure about.

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    pub signal_id: Id,
    pub signal_date: Date,
    pub kind: SignalKind,
    pub partner: Option<String>,
    pub reported_name: String,
    pub reported_address: String,
    pub score: Option<f64>,
}

/// A candidate shown beside the reported resident: only people in the team's own area.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewCandidate {
    pub person_id: Option<Id>,
    pub household_id: Id,
    pub name: String,
    pub birth_date: Option<Date>,
    pub address: String,
    pub phone: Option<String>,
    pub probability: Option<f64>,
    pub explanation: Option<linkage::model::Explanation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewDetail {
    pub item: ReviewItem,
    pub reported: StoredReported,
    pub candidates: Vec<ReviewCandidate>,
    /// A new household can be made: the address is in the team's area and unknown.
    pub can_create: bool,
}

/// What the reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolution {
    /// This is the household (and, when known, the person).
    Attach { household_id: Id, person_id: Option<Id> },
    /// Nobody known: register a new household at the reported address.
    NewHousehold,
    /// Not someone this municipality can help (DDAS signal status), closed without a case.
    Close(EndResult),
}

impl Store {
    /// Signals waiting for review in the actor's team (and those no team's area holds).
    pub async fn review_queue(&self, access: &Access<'_>) -> Result<Vec<ReviewItem>, StoreError> {
        let team = area::team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let rows = tx
            .fetch_all(
                "SELECT s.id, s.signal_date, s.kind, p.name, s.reported_name, s.reported_address, s.link_score FROM signals s \
                 LEFT JOIN partners p ON p.id = s.partner_id WHERE s.link_state = 'te-beoordelen' AND s.closed_result IS NULL \
                 AND (s.team_id = $1 OR (s.team_id IS NULL AND $2)) ORDER BY s.crisis DESC, s.signal_date, s.id LIMIT 200",
                &args![team, super::sees_unrouted(access)],
            )
            .await?;
        let items = rows.iter().map(review_item).collect::<Result<Vec<_>, _>>()?;
        if !items.is_empty() {
            audit::append(&mut tx, &[Entry::of(access, AuditEvent::SignalReviewList, None, None)]).await?;
        }
        tx.commit().await?;
        Ok(items)
    }

    /// One signal in review, side by side with its candidates in the team's area, each with
    /// the weight of every field. Audited per candidate shown.
    pub async fn review_detail(&self, access: &Access<'_>, linker: &RwLock<Linker>, signal_id: Id) -> Result<ReviewDetail, StoreError> {
        let team = area::team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let row = tx
            .fetch_optional(
                "SELECT s.id, s.signal_date, s.kind, p.name, s.reported_name, s.reported_address, s.link_score, s.reported FROM signals s \
                 LEFT JOIN partners p ON p.id = s.partner_id WHERE s.id = $1 AND s.link_state = 'te-beoordelen' AND s.closed_result IS NULL \
                 AND (s.team_id = $2 OR (s.team_id IS NULL AND $3))",
                &args![signal_id, team, super::sees_unrouted(access)],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let item = review_item(&row)?;
        let reported: StoredReported = row.opt_text(7)?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
        let found: Vec<Match> = read_linker(linker)?.candidates(&reported.to_reported(), 0.001);
        let mut candidates = Vec::new();
        let in_area = concat!(
            "SELECT p.id, p.given_names, p.surname_prefix, p.surname, p.birth_date, p.phone, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality \
             FROM persons p JOIN households h ON h.id = p.household_id ",
            area::household_in_team_area!(),
            " WHERE p.id = $2"
        );
        for m in found {
            if let Some(r) = tx.fetch_optional(in_area, &args![team, m.person_id]).await? {
                candidates.push(ReviewCandidate {
                    person_id: Some(m.person_id),
                    household_id: m.household_id,
                    name: [r.text(1)?, r.text(2)?, r.text(3)?].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "),
                    birth_date: Some(time_fmt::parse_date(&r.text(4)?)?),
                    phone: r.opt_text(5)?,
                    address: address_text(&r, 6)?,
                    probability: Some(m.probability),
                    explanation: m.explanation,
                });
            }
        }
        // Households at the reported address, when linking found nobody there.
        let reported_r = reported.to_reported();
        let mut can_create = false;
        if let (Some(pc), Some(h)) = (reported_r.postcode.as_ref(), reported_r.house_number.as_ref()) {
            let sql = concat!(
                "SELECT h.id, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality FROM households h ",
                area::household_in_team_area!(),
                " WHERE a.postcode = $2 AND a.house_number = $3 AND COALESCE(a.house_letter, '') = $4 AND COALESCE(a.house_addition, '') = $5 ORDER BY h.id"
            );
            let at_address = tx
                .fetch_all(sql, &args![team, pc.as_str(), i64::from(h.number), h.letter.map(String::from).unwrap_or_default(), h.addition.clone().unwrap_or_default()])
                .await?;
            for r in &at_address {
                let household_id = r.i64(0)?;
                if !candidates.iter().any(|c| c.household_id == household_id) {
                    candidates.push(ReviewCandidate {
                        person_id: None,
                        household_id,
                        name: String::new(),
                        birth_date: None,
                        phone: None,
                        address: address_text(r, 1)?,
                        probability: None,
                        explanation: None,
                    });
                }
            }
            let mut cache = HashMap::new();
            let area = team_of_postcode(&mut tx, &mut cache, pc.as_str()).await?;
            can_create = at_address.is_empty() && households_at(&mut tx, &reported_r).await? == 0 && area.is_some_and(|(t, _)| t == team);
        }
        let mut entries = vec![Entry::of(access, AuditEvent::SignalReviewRead, None, None)];
        entries.extend(candidates.iter().map(|c| Entry::of(access, AuditEvent::PersonRead, Some(c.household_id), c.person_id)));
        audit::append(&mut tx, &entries).await?;
        tx.commit().await?;
        Ok(ReviewDetail { item, reported, candidates, can_create })
    }

    /// Settles a signal in review. Attaching bundles it into the household's signal case.
    pub async fn resolve_review(
        &self,
        access: &Access<'_>,
        linker: &RwLock<Linker>,
        signal_id: Id,
        resolution: Resolution,
    ) -> Result<Option<Id>, StoreError> {
        let policy = &self.policies().signals;
        let team = area::team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let row = tx
            .fetch_optional(
                "SELECT reported, signal_date, crisis FROM signals WHERE id = $1 AND link_state = 'te-beoordelen' AND closed_result IS NULL AND (team_id = $2 OR (team_id IS NULL AND $3))",
                &args![signal_id, team, super::sees_unrouted(access)],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let reported: StoredReported = row.opt_text(0)?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
        let r = reported.to_reported();
        let due = policy.due_date(time_fmt::parse_date(&row.text(1)?)?, row.bool(2)?);
        let crisis = row.bool(2)?;
        let mut batch = Batch::default();
        let recorder = Recorder { access: Some(access), route: access.route, now: access.now };
        let (household_id, person_id) = match resolution {
            Resolution::Close(result) => {
                if !result.not_picked_up() {
                    return Err(invalid("resultaat", "Kies een reden waarom het signaal niet wordt opgepakt.", "Choose why the signal is not picked up."));
                }
                tx.execute("UPDATE signals SET status = 'afgesloten', link_state = 'beoordeeld', closed_result = $1 WHERE id = $2", &args![result.code(), signal_id])
                    .await?;
                audit::append(&mut tx, &[Entry::of(access, AuditEvent::SignalReviewResolve, None, None)]).await?;
                tx.commit().await?;
                return Ok(None);
            }
            Resolution::Attach { household_id, person_id } => {
                tx.household(household_id).await?;
                if let Some(p) = person_id {
                    tx.fetch_optional("SELECT id FROM persons WHERE id = $1 AND household_id = $2", &args![p, household_id]).await?.ok_or(StoreError::NotFound)?;
                }
                (household_id, person_id)
            }
            Resolution::NewHousehold => {
                let pc = r.postcode.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default();
                let area = team_of_postcode(&mut tx, &mut batch.teams, &pc).await?;
                match area {
                    Some((t, buurt)) if t == team && households_at(&mut tx, &r).await? == 0 && r.house_number.is_some() => {
                        create_household(&mut tx, &mut batch, &recorder, &r, &buurt).await?
                    }
                    _ => {
                        return Err(invalid(
                            "adres",
                            "Op dit adres is al een huishouden bekend, of het ligt buiten het werkgebied van uw team; koppel het signaal aan een huishouden.",
                            "A household is already known at this address, or it lies outside your team's area; attach the signal to a household.",
                        ))
                    }
                }
            }
        };
        // Received, whatever the case it joins went through before (the rule is in `partner`).
        let (case_id, _) = bundle(&mut tx, &mut batch, household_id, Some(team), due, crisis, access.now).await?;
        let status = SignalStatus::Ontvangen;
        tx.execute(
            "UPDATE signals SET household_id = $1, person_id = $2, signal_case_id = $3, link_state = 'beoordeeld', status = $4, team_id = $5 WHERE id = $6",
            &args![household_id, person_id, case_id, status.code(), team, signal_id],
        )
        .await?;
        batch.audit.push(Entry::of(access, AuditEvent::SignalReviewResolve, Some(household_id), person_id));
        commit(tx.into_tx(), batch, linker, "review").await?;
        Ok(Some(case_id))
    }
}

fn review_item(r: &crate::kernel::db::Row) -> Result<ReviewItem, StoreError> {
    Ok(ReviewItem {
        signal_id: r.i64(0)?,
        signal_date: time_fmt::parse_date(&r.text(1)?)?,
        kind: SignalKind::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("signal kind"))?,
        partner: r.opt_text(3)?,
        reported_name: r.text(4)?,
        reported_address: r.text(5)?,
        score: r.opt_f64(6)?,
    })
}
