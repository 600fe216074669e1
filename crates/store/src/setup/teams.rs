//! Teams and the wijken or buurten they work in. What a team may see follows from these areas
//! (`kernel::area`), so a change here changes need-to-know at once.

use crate::kernel::access::Setup;
use crate::kernel::area;
use crate::kernel::audit::{self, AuditEvent};
use crate::kernel::db::Tx;
use crate::kernel::error::invalid;
use crate::{args, Store, StoreError};
use domain::model::Id;
use domain::AreaCode;

/// A team with its areas, for the lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRow {
    pub id: Id,
    pub name: String,
    /// (code, name) of the wijken and buurten it was given.
    pub areas: Vec<(String, String)>,
    pub buurten: i64,
    pub addresses: i64,
    pub accounts: i64,
}

impl Store {
    /// A new team over wijken or buurten of the municipality.
    pub async fn add_team(&self, setup: &Setup<'_>, name: &str, codes: &[String]) -> Result<Id, StoreError> {
        setup.check()?;
        let name = team_name(name)?;
        let mut tx = self.pool().begin().await?;
        super::required(&mut tx).await?;
        if tx.fetch_optional("SELECT id FROM teams WHERE LOWER(name) = LOWER($1)", &args![name.as_str()]).await?.is_some() {
            return Err(invalid("naam", "Naam: er is al een team met deze naam.", "Name: there is already a team with this name."));
        }
        let areas = checked_areas(&mut tx, codes).await?;
        // teams.wijk_code (schema 1) names the team's first wijk, for older readers.
        let home = areas.iter().find_map(|a| match a {
            AreaCode::Wijk(_) => Some(a.code()),
            AreaCode::Buurt(_) => a.parent().map(|w| w.code()),
            AreaCode::Gemeente(_) => None,
        });
        let id = tx.fetch_one("INSERT INTO teams (name, wijk_code) VALUES ($1, $2) RETURNING id", &args![name.as_str(), home]).await?.i64(0)?;
        write_areas(&mut tx, id, &areas).await?;
        let detail = format!("team {id}: nieuw, gebieden {}", codes_text(&areas));
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::TeamChange, detail)]).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Gives a team other areas; households outside them leave its sight at once.
    pub async fn set_team_areas(&self, setup: &Setup<'_>, team_id: Id, codes: &[String]) -> Result<(), StoreError> {
        setup.check()?;
        let mut tx = self.pool().begin().await?;
        tx.fetch_optional("SELECT id FROM teams WHERE id = $1", &args![team_id]).await?.ok_or(StoreError::NotFound)?;
        let areas = checked_areas(&mut tx, codes).await?;
        tx.execute("DELETE FROM team_areas WHERE team_id = $1", &args![team_id]).await?;
        write_areas(&mut tx, team_id, &areas).await?;
        let detail = format!("team {team_id}: gebieden {}", codes_text(&areas));
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::TeamChange, detail)]).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every team with its areas and counts, by name.
    pub async fn teams(&self) -> Result<Vec<TeamRow>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT t.id, t.name, (SELECT COUNT(*) FROM team_buurten tb WHERE tb.team_id = t.id), \
                 (SELECT COUNT(*) FROM team_buurten tb JOIN addresses a ON a.buurt_code = tb.buurt_code WHERE tb.team_id = t.id), \
                 (SELECT COUNT(*) FROM users u WHERE u.team_id = t.id) FROM teams t ORDER BY t.name",
                &[],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id = r.i64(0)?;
            let areas = area::team_areas(&mut tx, id).await?.into_iter().map(|(code, name, _)| (code, name)).collect();
            out.push(TeamRow { id, name: r.text(1)?, areas, buurten: r.i64(2)?, addresses: r.i64(3)?, accounts: r.i64(4)? });
        }
        Ok(out)
    }
}

fn team_name(name: &str) -> Result<String, StoreError> {
    let name = domain::text::clean_line(name).trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(invalid("naam", "Naam: vul de naam van het team in (hoogstens 80 tekens).", "Name: fill in the team's name (at most 80 characters)."));
    }
    Ok(name)
}

/// The codes as wijken or buurten the municipality knows; every unknown one named.
async fn checked_areas(tx: &mut Tx, codes: &[String]) -> Result<Vec<AreaCode>, StoreError> {
    let municipality = super::required(tx).await?;
    let mut areas: Vec<AreaCode> = Vec::new();
    let mut wrong: Vec<String> = Vec::new();
    for raw in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let Ok(code) = AreaCode::parse(raw) else {
            wrong.push(format!("{raw} (geen wijk- of buurtcode)"));
            continue;
        };
        let known = tx.fetch_optional("SELECT level FROM neighbourhoods WHERE code = $1", &args![code.code()]).await?.is_some();
        let ours = code.code()[2..].starts_with(&municipality.code.code()[2..]);
        match (&code, ours, known) {
            (AreaCode::Gemeente(_), _, _) => wrong.push(format!("{raw} (een gemeente; kies wijken of buurten)")),
            (_, false, _) => wrong.push(format!("{raw} (van een andere gemeente)")),
            (_, true, false) => wrong.push(format!("{raw} (onbekend; importeer eerst de gebieden)")),
            _ if areas.contains(&code) => {}
            _ => areas.push(code),
        }
    }
    if !wrong.is_empty() {
        return Err(StoreError::Invalid {
            field: "gebieden",
            message_nl: format!("Gebieden: {}.", wrong.join(", ")),
            message_en: format!("Areas: not wijken or buurten of the municipality: {}.", wrong.join(", ")),
        });
    }
    if areas.is_empty() {
        return Err(invalid("gebieden", "Gebieden: kies ten minste één wijk of buurt.", "Areas: choose at least one wijk or buurt."));
    }
    Ok(areas)
}

async fn write_areas(tx: &mut Tx, team_id: Id, areas: &[AreaCode]) -> Result<(), StoreError> {
    for a in areas {
        tx.execute("INSERT INTO team_areas (team_id, area_code) VALUES ($1, $2)", &args![team_id, a.code()]).await?;
    }
    area::refresh_team_buurten(tx).await
}

fn codes_text(areas: &[AreaCode]) -> String {
    areas.iter().map(AreaCode::code).collect::<Vec<_>>().join(",")
}
