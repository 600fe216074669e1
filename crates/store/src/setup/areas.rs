//! The municipality's wijken and buurten from CBS's "Kerncijfers wijken en buurten", with the
//! key figures per area and year. A later year's file renames and adds; an area that is gone
//! from the file is reported and kept (households, addresses and teams may still point at it).

use super::required;
use crate::kernel::access::Setup;
use crate::kernel::area;
use crate::kernel::audit::{self, AuditEvent};
use crate::kernel::db::Value;
use crate::kernel::error::invalid;
use crate::{args, Store, StoreError};
use domain::cbs::CbsArea;
use domain::AreaCode;
use std::collections::HashSet;

/// What an import changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AreaReport {
    pub year: i32,
    pub added: usize,
    pub updated: usize,
    /// Known wijken and buurten the file no longer has, each with whether something still
    /// uses it (addresses, teams, buurten of a wijk); all are kept.
    pub gone: Vec<(String, bool)>,
}

/// One wijk or buurt, with its latest key figures, for the admin's overview.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub year: Option<i64>,
    pub inhabitants: Option<i64>,
    pub households: Option<i64>,
    pub low_income_pct: Option<f64>,
    pub addresses: i64,
    pub team: Option<String>,
}

/// The gemeente an area code lies in (itself for a gemeente).
fn gemeente_of(code: &AreaCode) -> AreaCode {
    let mut c = code.clone();
    while let Some(p) = c.parent() {
        c = p;
    }
    c
}

impl Store {
    /// Stores the areas of one year's file (read whole by `domain::cbs::kerncijfers`), all or
    /// nothing: names and figures of known codes are updated, new codes added.
    pub async fn import_areas(&self, setup: &Setup<'_>, year: i32, areas: &[CbsArea]) -> Result<AreaReport, StoreError> {
        setup.check()?;
        if !(1990..=2100).contains(&year) {
            return Err(invalid("jaar", "Jaar: het jaar van de kerncijfers, bijvoorbeeld 2024.", "Year: the year of the key figures, e.g. 2024."));
        }
        let mut tx = self.pool().begin().await?;
        let municipality = required(&mut tx).await?;
        let mut known: HashSet<String> = HashSet::new();
        for r in tx.fetch_all("SELECT code FROM neighbourhoods", &[]).await? {
            known.insert(r.text(0)?);
        }
        let mut report = AreaReport { year, ..AreaReport::default() };
        let mut in_file: HashSet<String> = HashSet::new();
        // Wijken before buurten: a buurt points at its wijk.
        let mut ordered: Vec<&CbsArea> = areas.iter().collect();
        ordered.sort_by_key(|a| match a.code {
            AreaCode::Gemeente(_) => 0,
            AreaCode::Wijk(_) => 1,
            AreaCode::Buurt(_) => 2,
        });
        for a in ordered {
            if gemeente_of(&a.code) != municipality.code {
                return Err(StoreError::Invalid {
                    field: "bestand",
                    message_nl: format!("Bestand: regel {}: {} hoort niet bij gemeente {}.", a.line, a.code, municipality.code),
                    message_en: format!("File: line {}: {} is not of municipality {}.", a.line, a.code, municipality.code),
                });
            }
            let code = a.code.code();
            let level = match a.code {
                AreaCode::Gemeente(_) => None,
                AreaCode::Wijk(_) => Some("wijk"),
                AreaCode::Buurt(_) => Some("buurt"),
            };
            if let Some(level) = level {
                let name = domain::text::clean_line(&a.name).trim().to_string();
                let parent = match a.code {
                    AreaCode::Buurt(_) => a.code.parent().map(|p| p.code()),
                    _ => None,
                };
                tx.execute(
                    "INSERT INTO neighbourhoods (code, level, name, parent_code) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code",
                    &args![code.as_str(), level, name.as_str(), parent],
                )
                .await?;
                if known.contains(&code) {
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
            }
            let f = &a.figures;
            tx.execute("DELETE FROM area_figures WHERE code = $1 AND year = $2", &args![code.as_str(), i64::from(year)]).await?;
            tx.execute(
                "INSERT INTO area_figures (code, year, inhabitants, households, household_size, density, low_income_pct, social_minimum_pct, urbanity, address_density) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &args![code.as_str(), i64::from(year), f.inhabitants, f.households, f.household_size, f.density, f.low_income_pct, f.social_minimum_pct, f.urbanity, f.address_density],
            )
            .await?;
            in_file.insert(code);
        }
        let mut gone: Vec<String> = known.into_iter().filter(|c| !in_file.contains(c)).collect();
        gone.sort();
        for code in gone {
            let used = tx
                .fetch_i64(
                    "SELECT (SELECT COUNT(*) FROM addresses WHERE buurt_code = $1) + (SELECT COUNT(*) FROM team_areas WHERE area_code = $1) \
                     + (SELECT COUNT(*) FROM neighbourhoods WHERE parent_code = $1)",
                    &[Value::from(code.as_str())],
                )
                .await?;
            report.gone.push((code, used > 0));
        }
        area::refresh_team_buurten(&mut tx).await?;
        let detail = format!("jaar {year}: {} nieuw, {} bijgewerkt, {} niet meer in het bestand", report.added, report.updated, report.gone.len());
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::AreaImport, detail)]).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Every wijk and buurt with its latest figures, wijken each followed by their buurten.
    pub async fn areas(&self) -> Result<Vec<AreaRow>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT n.code, n.name, n.level, n.parent_code, f.year, f.inhabitants, f.households, f.low_income_pct, \
                 (SELECT COUNT(*) FROM addresses a WHERE a.buurt_code = n.code), \
                 (SELECT t.name FROM team_buurten tb JOIN teams t ON t.id = tb.team_id WHERE tb.buurt_code = n.code) \
                 FROM neighbourhoods n LEFT JOIN area_figures f ON f.code = n.code AND f.year = (SELECT MAX(year) FROM area_figures g WHERE g.code = n.code) \
                 ORDER BY COALESCE(n.parent_code, n.code), n.level DESC, n.code",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AreaRow {
                    code: r.text(0)?,
                    name: r.text(1)?,
                    level: r.text(2)?,
                    parent_code: r.opt_text(3)?,
                    year: r.opt_i64(4)?,
                    inhabitants: r.opt_i64(5)?,
                    households: r.opt_i64(6)?,
                    low_income_pct: r.opt_f64(7)?,
                    addresses: r.i64(8)?,
                    team: r.opt_text(9)?,
                })
            })
            .collect()
    }
}
