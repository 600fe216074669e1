//! What a partner sees of its own signals: only what happened because of that signal, after it
//! arrived (issue 27, finding 1). The status is the signal's own, and it moves only through acts
//! the team records after the signal was stored, in those acts' own transactions:
//!
//! * `ontvangen` at intake (and when review attaches it), always: also when it joins a signal
//!   case the team picked up or weighed before, so a partner cannot learn from the answer, or
//!   from reading it back, whether the team already works with someone;
//! * `opgepakt` when a contact attempt with the household is logged that took place at or after
//!   the signal's `received_at`, while the signal is in the household's picked-up case: the first
//!   contact that picks the case up, or any later one for a signal that joined an already
//!   picked-up case (`Store::log_contact_attempt`). An attempt logged for a moment before the
//!   signal arrived was not because of it and moves nothing;
//! * `afgesloten` when its case is closed (`close_signal_case`) or review closes it unlinked,
//!   with only the coarse result (`EndResult::for_partner`).
//!
//! A signal about a stranger and one about someone the team works with therefore read the same
//! until the team does something after they arrived.

use crate::kernel::error::invalid;
use crate::kernel::time_fmt;
use crate::{args, Store, StoreError};
use domain::model::{EndResult, Id, PartnerResult, PartnerType, SignalKind, SignalStatus};
use domain::{HouseNumber, Postcode};
use time::Date;

// ---------------------------------------------------------------------------------------------
// The partner's own reference.

/// The longest reference a partner may give (a case or customer number, a short text).
pub const REFERENCE_MAX_CHARS: usize = 40;

/// The partner's own reference for a signal as given on the form or in the API: trimmed, none
/// when blank, at most [`REFERENCE_MAX_CHARS`] characters on one line. A control character or
/// a bidirectional override is refused, not dropped: a reference is matched exactly later, so
/// it is stored as the partner typed it or not at all. The refusal names the field by its label.
pub fn partner_reference(raw: &str) -> Result<Option<String>, StoreError> {
    let r = raw.trim();
    if r.is_empty() {
        return Ok(None);
    }
    if r.chars().any(|c| c.is_control() || domain::text::is_bidi_control(c) || matches!(c, '\u{FEFF}' | '\u{2028}' | '\u{2029}')) {
        return Err(invalid(
            "eigen_kenmerk",
            "Uw eigen kenmerk: gebruik alleen gewone tekens op één regel (letters, cijfers, leestekens).",
            "Your own reference: use ordinary characters on one line only (letters, digits, punctuation).",
        ));
    }
    if r.chars().count() > REFERENCE_MAX_CHARS {
        return Err(invalid(
            "eigen_kenmerk",
            "Uw eigen kenmerk: hoogstens 40 tekens, bijvoorbeeld uw dossier- of klantnummer.",
            "Your own reference: at most 40 characters, for example your case or customer number.",
        ));
    }
    Ok(Some(r.to_string()))
}

// ---------------------------------------------------------------------------------------------
// What a partner sees of its own signals.

/// A partner's view of one of its signals: status and coarse result, and what the partner
/// itself gave to recognise it (its reference, the address as it reported it), nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerStatus {
    pub id: Id,
    pub signal_date: Date,
    pub kind: SignalKind,
    pub status: SignalStatus,
    pub result: Option<PartnerResult>,
    /// The partner's own reference, when it gave one.
    pub reference: Option<String>,
    /// The address as the partner reported it ("Dorpsstraat 12a, 1234 AB Plaats"), never the
    /// address the registry or the team holds.
    pub address: String,
}

/// What a partner searches its own signals by; every given part must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartnerSearch {
    /// Its own reference, whole, without regard to case.
    pub reference: Option<String>,
    /// The postcode as it reported it, with the house number if given.
    pub postcode: Option<Postcode>,
    pub house_number: Option<HouseNumber>,
    /// The signal date.
    pub date: Option<Date>,
}

impl PartnerSearch {
    pub fn is_empty(&self) -> bool {
        self.reference.is_none() && self.postcode.is_none() && self.house_number.is_none() && self.date.is_none()
    }
}

const PARTNER_STATUS_SQL: &str = "SELECT s.id, s.signal_date, s.kind, s.status, sc.end_result, s.closed_result, s.partner_reference, s.reported_address, s.reported \
     FROM signals s LEFT JOIN signal_cases sc ON sc.id = s.signal_case_id";

fn partner_status(r: &crate::kernel::db::Row) -> Result<PartnerStatus, StoreError> {
    let status = SignalStatus::from_code(&r.text(3)?).ok_or_else(|| StoreError::corrupt("signal status"))?;
    let result = if status == SignalStatus::Afgesloten {
        r.opt_text(4)?.or(r.opt_text(5)?).and_then(|e| EndResult::from_code(&e)).map(EndResult::for_partner).or(Some(PartnerResult::NietOpgepakt))
    } else {
        None
    };
    Ok(PartnerStatus {
        id: r.i64(0)?,
        signal_date: time_fmt::parse_date(&r.text(1)?)?,
        kind: SignalKind::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("signal kind"))?,
        status,
        result,
        reference: r.opt_text(6)?,
        address: r.opt_text(7)?.unwrap_or_default(),
    })
}

/// Whether the signal's reported house number is the one searched for: the number, and the
/// letter and addition when the search gives them.
fn same_house(reported: Option<&str>, wanted: &HouseNumber) -> bool {
    let Some(stored) = reported.and_then(|j| serde_json::from_str::<super::StoredReported>(j).ok()) else { return false };
    let letter = |l: Option<&str>| l.and_then(|l| l.chars().next()).map(|c| c.to_ascii_lowercase());
    stored.house_number == Some(wanted.number)
        && (wanted.letter.is_none() || letter(stored.house_letter.as_deref()) == wanted.letter.map(|c| c.to_ascii_lowercase()))
        && (wanted.addition.is_none() || stored.house_addition.as_deref().map(str::to_lowercase) == wanted.addition.as_deref().map(str::to_lowercase))
}

impl Store {
    /// One signal's status for the partner that sent it; another partner gets `NotFound`.
    pub async fn partner_signal(&self, partner_id: Id, signal_id: Id) -> Result<PartnerStatus, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("{PARTNER_STATUS_SQL} WHERE s.id = $1 AND s.partner_id = $2");
        partner_status(&tx.fetch_optional(&sql, &args![signal_id, partner_id]).await?.ok_or(StoreError::NotFound)?)
    }

    /// The partner's most recent signals with their status and coarse result.
    pub async fn partner_statuses(&self, partner_id: Id, limit: i64) -> Result<Vec<PartnerStatus>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("{PARTNER_STATUS_SQL} WHERE s.partner_id = $1 ORDER BY s.signal_date DESC, s.id DESC LIMIT $2");
        tx.fetch_all(&sql, &args![partner_id, limit]).await?.iter().map(partner_status).collect()
    }

    /// The partner's own signals that match `search` (newest first, at most `limit`): never
    /// another partner's, whatever is searched for. An empty search is the recent list.
    pub async fn partner_search(&self, partner_id: Id, search: &PartnerSearch, limit: i64) -> Result<Vec<PartnerStatus>, StoreError> {
        if search.is_empty() {
            return self.partner_statuses(partner_id, limit).await;
        }
        let mut tx = self.pool().begin_read().await?;
        let mut sql = format!("{PARTNER_STATUS_SQL} WHERE s.partner_id = $1");
        let mut values: Vec<crate::kernel::db::Value> = args![partner_id].into();
        if let Some(r) = &search.reference {
            values.extend(args![r.to_lowercase()]);
            sql.push_str(&format!(" AND LOWER(s.partner_reference) = ${}", values.len()));
        }
        if let Some(d) = search.date {
            values.extend(args![time_fmt::date(d)]);
            sql.push_str(&format!(" AND s.signal_date = ${}", values.len()));
        }
        if let Some(p) = &search.postcode {
            // The reported address line holds the postcode as "1234 AB" after the comma.
            values.extend(args![format!("%, {}%", p.display())]);
            sql.push_str(&format!(" AND s.reported_address LIKE ${}", values.len()));
        }
        // The house number is compared in full below, so the limit is applied after it.
        sql.push_str(" ORDER BY s.signal_date DESC, s.id DESC");
        let mut out = Vec::new();
        for r in tx.fetch_all(&sql, &values).await? {
            if let Some(h) = &search.house_number {
                if !same_house(r.opt_text(8)?.as_deref(), h) {
                    continue;
                }
            }
            out.push(partner_status(&r)?);
            if out.len() as i64 >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// The partner's type, for the form and the API.
    pub async fn partner_type(&self, partner_id: Id) -> Result<PartnerType, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let r = tx.fetch_optional("SELECT partner_type FROM partners WHERE id = $1", &args![partner_id]).await?.ok_or(StoreError::NotFound)?;
        PartnerType::from_code(&r.text(0)?).ok_or_else(|| StoreError::corrupt("partner type"))
    }
}
