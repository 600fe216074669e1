//! The one need-to-know rule: a team works in one wijk and reaches the households whose
//! address lies in a buurt of that wijk; other roles reach no household by team. Every query
//! that selects residents' data by team builds on the fragments below, so the rule is spelled
//! here and nowhere else. Out of area looks the same as nonexistent (`NotFound`).

use super::access::Access;
use super::db::{Tx, Value};
use super::error::StoreError;
use super::Scoped;
use crate::args;
use domain::model::Id;

/// The rule itself: the team `t` covers the buurt `b`.
macro_rules! team_covers_buurt {
    () => {
        "t.wijk_code = b.parent_code"
    };
}

/// From the household `h` to its address `a`, its buurt `b` and the team `t` that covers it.
macro_rules! household_area {
    () => {
        concat!("JOIN addresses a ON a.id = h.address_id JOIN neighbourhoods b ON b.code = a.buurt_code JOIN teams t ON ", $crate::kernel::area::team_covers_buurt!())
    };
}

/// …only when `t` is the team `$1`.
macro_rules! household_in_team_area {
    () => {
        concat!($crate::kernel::area::household_area!(), " AND t.id = $1")
    };
}

pub(crate) use {household_area, household_in_team_area, team_covers_buurt};

/// `b.parent_code = t.wijk_code`, for the buurten `b` of a team `t`.
pub(crate) const TEAM_COVERS_BUURT: &str = team_covers_buurt!();

/// Joins from `h` to `a`, `b` and the team `t` of its area (any team).
pub(crate) const HOUSEHOLD_AREA: &str = household_area!();

/// Joins from `h` to `a`, `b` and `t`, only when `t` is the team `$1`.
pub(crate) const HOUSEHOLD_IN_TEAM_AREA: &str = household_in_team_area!();

/// `FROM households h` with `a`, `b` and `t`, only the households of the team `$1`'s area.
pub(crate) const IN_TEAM_AREA: &str = concat!("FROM households h ", household_area!(), " AND t.id = $1");

/// The team whose area the actor may see; other roles see no residents at all.
pub(crate) fn team_scope(access: &Access<'_>) -> Result<Id, StoreError> {
    use domain::model::Role;
    match access.actor.role {
        Role::Worker | Role::TeamLead => access.actor.team_id.ok_or(StoreError::Forbidden),
        Role::Partner | Role::PrivacyOfficer | Role::Admin => Err(StoreError::Forbidden),
    }
}

/// `NotFound` unless the household lies in the team's area.
pub(crate) async fn in_area(tx: &mut Tx, team: Id, household_id: Id) -> Result<(), StoreError> {
    let sql = format!("SELECT h.id {IN_TEAM_AREA} WHERE h.id = $2");
    tx.fetch_optional(&sql, &args![team, household_id]).await?.ok_or(StoreError::NotFound)?;
    Ok(())
}

/// The team whose area the household lies in, if any team covers it.
pub(crate) async fn team_of_household(tx: &mut Tx, household_id: Id) -> Result<Option<Id>, StoreError> {
    let sql = format!("SELECT t.id FROM households h {HOUSEHOLD_AREA} WHERE h.id = $1");
    tx.fetch_optional(&sql, &args![household_id]).await?.map(|r| r.i64(0)).transpose()
}

/// The buurten of the team's area, (code, name) by name.
pub(crate) async fn team_buurten(tx: &mut Tx, team: Id) -> Result<Vec<(String, String)>, StoreError> {
    let sql = format!("SELECT b.code, b.name FROM neighbourhoods b JOIN teams t ON {TEAM_COVERS_BUURT} WHERE t.id = $1 ORDER BY b.name");
    let rows = tx.fetch_all(&sql, &args![team]).await?;
    rows.iter().map(|r| Ok((r.text(0)?, r.text(1)?))).collect()
}

/// Whether the buurt lies in the team's area.
pub(crate) async fn buurt_in_area(tx: &mut Tx, team: Id, buurt_code: &str) -> Result<bool, StoreError> {
    let sql = format!("SELECT b.code FROM neighbourhoods b JOIN teams t ON {TEAM_COVERS_BUURT} WHERE t.id = $1 AND b.code = $2 AND b.level = 'buurt'");
    Ok(tx.fetch_optional(&sql, &[Value::from(team), Value::from(buurt_code)]).await?.is_some())
}

impl Scoped<'_> {
    /// `NotFound` unless the household lies in this team's area.
    pub(crate) async fn household(&mut self, household_id: Id) -> Result<(), StoreError> {
        let team = self.team;
        in_area(self, team, household_id).await
    }
}
