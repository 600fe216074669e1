//! The one need-to-know rule: a team works in the wijken and buurten the administrator gave it
//! (`team_areas`) and reaches the households whose address lies in a buurt of those areas; a
//! buurt belongs to one team at most (`team_buurten`, kept by [`refresh_team_buurten`] from
//! `team_areas` whenever either the areas or the teams change). Other roles reach no household
//! by team. Every query that selects residents' data by team builds on the fragments below, so
//! the rule is spelled here and nowhere else. Out of area looks the same as nonexistent
//! (`NotFound`).

use super::access::Access;
use super::db::{Tx, Value};
use super::error::StoreError;
use crate::args;
use domain::model::Id;

/// The rule itself: the team `t` covers the buurt `b`.
macro_rules! team_covers_buurt {
    () => {
        "EXISTS (SELECT 1 FROM team_buurten tb WHERE tb.buurt_code = b.code AND tb.team_id = t.id)"
    };
}

/// From the household `h` to its address `a`, its buurt `b` and the team `t` that covers it.
macro_rules! household_area {
    () => {
        // The rule as a join (the same as `team_covers_buurt!`), so the planner can start from
        // the team: team → its buurten → their addresses → the households there.
        "JOIN addresses a ON a.id = h.address_id JOIN neighbourhoods b ON b.code = a.buurt_code \
         JOIN team_buurten tb ON tb.buurt_code = b.code JOIN teams t ON t.id = tb.team_id"
    };
}

/// …only when `t` is the team `$1`.
macro_rules! household_in_team_area {
    () => {
        concat!($crate::kernel::area::household_area!(), " AND t.id = $1")
    };
}

pub(crate) use {household_area, household_in_team_area, team_covers_buurt};

/// The team `t` covers the buurt `b`.
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
        // An experience expert works in the team's area, on their assigned households only
        // (`sensitive::reach`).
        Role::Worker | Role::TeamLead | Role::ExperienceExpert => access.actor.team_id.ok_or(StoreError::Forbidden),
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

/// The area codes a team may act on as a whole (a campaign over them): its own wijken and
/// buurten, and the buurten it covers; `Some(name)` when `code` is one of them.
pub(crate) async fn team_area_name(tx: &mut Tx, team: Id, code: &str) -> Result<Option<String>, StoreError> {
    let sql = format!(
        "SELECT b.name FROM neighbourhoods b JOIN teams t ON t.id = $1 WHERE b.code = $2 \
         AND (EXISTS (SELECT 1 FROM team_areas ta WHERE ta.team_id = t.id AND ta.area_code = b.code) OR {TEAM_COVERS_BUURT})"
    );
    tx.fetch_optional(&sql, &[Value::from(team), Value::from(code)]).await?.map(|r| r.text(0)).transpose()
}

/// The wijken and buurten the team was given, (code, name, level), wijken first.
pub(crate) async fn team_areas(tx: &mut Tx, team: Id) -> Result<Vec<(String, String, String)>, StoreError> {
    let rows = tx
        .fetch_all(
            "SELECT b.code, b.name, b.level FROM team_areas ta JOIN neighbourhoods b ON b.code = ta.area_code WHERE ta.team_id = $1 ORDER BY b.level DESC, b.name",
            &args![team],
        )
        .await?;
    rows.iter().map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?))).collect()
}

/// Recomputes which team covers which buurt from the areas the teams were given: a wijk brings
/// all its buurten, a buurt itself. Two teams on one buurt is refused, naming the buurt, so
/// need-to-know and the routing of signals stay unambiguous.
pub(crate) async fn refresh_team_buurten(tx: &mut Tx) -> Result<(), StoreError> {
    const COVERED: &str = "SELECT b.code AS buurt_code, ta.team_id FROM team_areas ta JOIN neighbourhoods b \
        ON b.level = 'buurt' AND (b.code = ta.area_code OR b.parent_code = ta.area_code)";
    let clash = tx
        .fetch_optional(&format!("SELECT c.buurt_code, COUNT(DISTINCT c.team_id) FROM ({COVERED}) c GROUP BY c.buurt_code HAVING COUNT(DISTINCT c.team_id) > 1 ORDER BY 1 LIMIT 1"), &[])
        .await?;
    if let Some(r) = clash {
        let code = r.text(0)?;
        return Err(StoreError::Invalid {
            field: "gebieden",
            message_nl: format!("Gebieden: buurt {code} hoort dan bij twee teams; een buurt hoort bij één team."),
            message_en: format!("Areas: buurt {code} would belong to two teams; a buurt belongs to one team."),
        });
    }
    tx.execute("DELETE FROM team_buurten", &[]).await?;
    tx.execute(&format!("INSERT INTO team_buurten (buurt_code, team_id) SELECT DISTINCT c.buurt_code, c.team_id FROM ({COVERED}) c"), &[]).await?;
    Ok(())
}

/// Whether the buurt lies in the team's area.
pub(crate) async fn buurt_in_area(tx: &mut Tx, team: Id, buurt_code: &str) -> Result<bool, StoreError> {
    let sql = format!("SELECT b.code FROM neighbourhoods b JOIN teams t ON {TEAM_COVERS_BUURT} WHERE t.id = $1 AND b.code = $2 AND b.level = 'buurt'");
    Ok(tx.fetch_optional(&sql, &[Value::from(team), Value::from(buurt_code)]).await?.is_some())
}
