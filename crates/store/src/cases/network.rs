//! The household's network (family, neighbours, professionals, key figures), kept with its
//! case: adding or removing someone is a change to the case, so it goes through the one check
//! of every case action ([`open_case_in_area`]) and a closed case refuses it.

use super::{line, open_case_in_area, optional_line, NewMember};
use crate::kernel::area::{team_scope, IN_TEAM_AREA};
use crate::kernel::audit::AuditEvent;
use crate::kernel::db::Tx;
use crate::kernel::error::invalid;
use crate::kernel::Scoped;
use crate::{args, Access, Store, StoreError};
use domain::model::Id;

/// The case a change to the household's network belongs to: its open case, else its latest
/// (closed) case, which the one check then refuses. `NotFound` out of the area.
async fn case_of_household(tx: &mut Tx, team: Id, household_id: Id) -> Result<Id, StoreError> {
    let sql = format!(
        "SELECT c.id {IN_TEAM_AREA} JOIN cases c ON c.household_id = h.id WHERE h.id = $2 \
         ORDER BY CASE WHEN c.closed IS NULL THEN 0 ELSE 1 END, c.opened DESC, c.id DESC LIMIT 1"
    );
    match tx.fetch_optional(&sql, &args![team, household_id]).await? {
        Some(r) => r.i64(0),
        None => {
            crate::kernel::area::in_area(tx, team, household_id).await?;
            Err(invalid("traject", "Dit huishouden heeft geen traject; het netwerk hoort bij een traject.", "This household has no case; the network belongs to a case."))
        }
    }
}

async fn insert(mut tx: Scoped<'_>, household_id: Id, m: &NewMember<'_>) -> Result<Id, StoreError> {
    let name = line(m.name, "netwerk-naam", (1, 100), "Naam", "Name")?;
    let relation = optional_line(m.relation, "netwerk-relatie", 100, "Relatie of rol", "Relation or role")?;
    let reach = optional_line(m.reach, "netwerk-bereik", 150, "Hoe te bereiken", "How to reach")?;
    let id = tx
        .fetch_one(
            "INSERT INTO network_members (household_id, role, name, relation, reach) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &args![household_id, m.role.code(), name, relation, reach],
        )
        .await?
        .i64(0)?;
    tx.record(AuditEvent::NetworkUpdate, Some(household_id), None).await?;
    tx.commit().await?;
    Ok(id)
}

async fn delete(mut tx: Scoped<'_>, household_id: Id, member_id: Id) -> Result<(), StoreError> {
    if tx.execute("DELETE FROM network_members WHERE id = $1 AND household_id = $2", &args![member_id, household_id]).await? == 0 {
        return Err(StoreError::NotFound);
    }
    tx.record(AuditEvent::NetworkUpdate, Some(household_id), None).await?;
    tx.commit().await
}

impl Store {
    /// Adds someone to the network of the case's household; refused once the case is closed.
    pub async fn add_case_network_member(&self, access: &Access<'_>, case_id: Id, m: &NewMember<'_>) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let (household_id, _) = open_case_in_area(&mut tx, team, case_id).await?;
        insert(tx, household_id, m).await
    }

    /// Removes someone from the network of the case's household (no longer involved); refused
    /// once the case is closed.
    pub async fn remove_case_network_member(&self, access: &Access<'_>, case_id: Id, member_id: Id) -> Result<(), StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let (household_id, _) = open_case_in_area(&mut tx, team, case_id).await?;
        delete(tx, household_id, member_id).await
    }

    /// As [`Store::add_case_network_member`], by household: through its open case; refused when
    /// it has none (its latest case is closed, or it never had one).
    pub async fn add_network_member(&self, access: &Access<'_>, household_id: Id, m: &NewMember<'_>) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let case_id = case_of_household(&mut tx, team, household_id).await?;
        open_case_in_area(&mut tx, team, case_id).await?;
        insert(tx, household_id, m).await
    }

    /// As [`Store::remove_case_network_member`], by household, through its open case.
    pub async fn remove_network_member(&self, access: &Access<'_>, household_id: Id, member_id: Id) -> Result<(), StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let case_id = case_of_household(&mut tx, team, household_id).await?;
        open_case_in_area(&mut tx, team, case_id).await?;
        delete(tx, household_id, member_id).await
    }
}
