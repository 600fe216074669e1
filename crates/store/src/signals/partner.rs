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

use crate::kernel::time_fmt;
use crate::{args, Store, StoreError};
use domain::model::{
    EndResult, Id, PartnerResult,
    PartnerType, SignalKind, SignalStatus,
};
use time::Date;


// ---------------------------------------------------------------------------------------------
// What a partner sees of its own signals.

/// A partner's view of one of its signals: status and coarse result, nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerStatus {
    pub id: Id,
    pub signal_date: Date,
    pub kind: SignalKind,
    pub status: SignalStatus,
    pub result: Option<PartnerResult>,
}

const PARTNER_STATUS_SQL: &str = "SELECT s.id, s.signal_date, s.kind, s.status, sc.end_result, s.closed_result FROM signals s \
     LEFT JOIN signal_cases sc ON sc.id = s.signal_case_id";

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
    })
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

    /// The partner's type, for the form and the API.
    pub async fn partner_type(&self, partner_id: Id) -> Result<PartnerType, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let r = tx.fetch_optional("SELECT partner_type FROM partners WHERE id = $1", &args![partner_id]).await?.ok_or(StoreError::NotFound)?;
        PartnerType::from_code(&r.text(0)?).ok_or_else(|| StoreError::corrupt("partner type"))
    }
}

