//! What keeps a case moving between visits: the steps that fall due (on "mijn dag") and the
//! case journal, dated notes with their author.

use crate::kernel::area::IN_TEAM_AREA;
use crate::kernel::db::Tx;
use crate::kernel::households::{address_from, AddressLine, ADDRESS_COLUMNS};
use crate::kernel::time_fmt;
use crate::{args, StoreError};
use domain::model::Id;
use time::{Date, OffsetDateTime};

/// A note in the case journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub at: OffsetDateTime,
    pub author: String,
    pub body: String,
}

/// A step of an open case that is due (today or earlier) and not done.
#[derive(Debug, Clone, PartialEq)]
pub struct StepDue {
    pub step_id: Id,
    pub case_id: Id,
    pub household_id: Id,
    pub address: AddressLine,
    pub what: String,
    pub who: String,
    pub due_on: Date,
}

/// The case's journal, newest first.
pub(super) async fn journal(tx: &mut Tx, case_id: Id) -> Result<Vec<JournalEntry>, StoreError> {
    let rows = tx
        .fetch_all(
            "SELECT j.at, u.display_name, j.body FROM case_journal j JOIN users u ON u.id = j.author_id WHERE j.case_id = $1 ORDER BY j.at DESC, j.id DESC",
            &args![case_id],
        )
        .await?;
    rows.iter().map(|r| Ok(JournalEntry { at: time_fmt::parse_instant(&r.text(0)?)?, author: r.text(1)?, body: r.text(2)? })).collect()
}

/// The steps due on `today` in the team's open cases (`mine`: the cases the worker holds),
/// longest overdue first, without auditing.
pub(crate) async fn collect_steps_due(tx: &mut Tx, team: Id, user_id: Id, today: Date, mine: bool) -> Result<Vec<StepDue>, StoreError> {
    let sql = format!(
        "SELECT s.id, c.id, h.id, s.what, s.who, s.due_on, {ADDRESS_COLUMNS} {IN_TEAM_AREA} JOIN cases c ON c.household_id = h.id \
         JOIN case_steps s ON s.case_id = c.id WHERE c.closed IS NULL AND s.done_on IS NULL AND s.due_on <= $2 AND (NOT $3 OR c.worker_id = $4) \
         ORDER BY s.due_on, s.id LIMIT 100"
    );
    let mut out = Vec::new();
    for r in tx.fetch_all(&sql, &args![team, time_fmt::date(today), mine, user_id]).await? {
        out.push(StepDue {
            step_id: r.i64(0)?,
            case_id: r.i64(1)?,
            household_id: r.i64(2)?,
            what: r.text(3)?,
            who: r.text(4)?,
            due_on: time_fmt::parse_date(&r.text(5)?)?,
            address: address_from(&r, 6)?,
        });
    }
    Ok(out)
}
