//! A municipality's set-up, from an empty database to a team at work: the municipality
//! itself, its wijken and buurten with CBS's key figures (`areas`), teams and the areas they
//! cover (`teams`), and the addresses where people live (`addresses`). Changes come from an
//! administrator on screen or the operator's command line ([`Setup`]); each is written whole
//! or not at all, with its audit record in the same transaction.

mod addresses;
mod areas;
mod teams;

pub use addresses::AddressReport;
pub use areas::{AreaReport, AreaRow};
pub use teams::TeamRow;

use crate::kernel::access::Setup;
use crate::kernel::audit::{self, AuditEvent};
use crate::kernel::{error::invalid, time_fmt};
use crate::{args, Store, StoreError};
use domain::AreaCode;

/// The CBS municipality this database serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub code: AreaCode,
    pub name: String,
}

impl Store {
    /// Sets the municipality, once per database: the CBS code (GM and four digits) and name.
    pub async fn init_municipality(&self, setup: &Setup<'_>, code: &str, name: &str) -> Result<Municipality, StoreError> {
        setup.check()?;
        let code = match AreaCode::parse(code) {
            Ok(c @ AreaCode::Gemeente(_)) => c,
            _ => return Err(invalid("code", "Code: de CBS-gemeentecode is GM met vier cijfers, bijvoorbeeld GM0344.", "Code: the CBS municipality code is GM with four digits, e.g. GM0344.")),
        };
        let name = domain::text::clean_line(name).trim().to_string();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(invalid("naam", "Naam: vul de naam van de gemeente in (hoogstens 80 tekens).", "Name: fill in the municipality's name (at most 80 characters)."));
        }
        let mut tx = self.pool().begin().await?;
        if let Some(r) = tx.fetch_optional("SELECT code FROM municipality WHERE id = 1", &[]).await? {
            let existing = r.text(0)?;
            return Err(StoreError::Invalid {
                field: "code",
                message_nl: format!("Code: deze database hoort al bij gemeente {existing}; dat verandert niet."),
                message_en: format!("Code: this database already belongs to municipality {existing}; that does not change."),
            });
        }
        tx.execute("INSERT INTO municipality (id, code, name, created_at) VALUES (1, $1, $2, $3)", &args![code.code(), name.as_str(), time_fmt::instant(setup.now())]).await?;
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::MunicipalityChange, format!("gemeente {code}"))]).await?;
        tx.commit().await?;
        Ok(Municipality { code, name })
    }

    /// The municipality, once it is set.
    pub async fn municipality(&self) -> Result<Option<Municipality>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        municipality_of(&mut tx).await
    }
}

async fn municipality_of(tx: &mut crate::kernel::db::Tx) -> Result<Option<Municipality>, StoreError> {
    let Some(r) = tx.fetch_optional("SELECT code, name FROM municipality WHERE id = 1", &[]).await? else { return Ok(None) };
    let code = AreaCode::parse(&r.text(0)?).map_err(|_| StoreError::corrupt("municipality code"))?;
    Ok(Some(Municipality { code, name: r.text(1)? }))
}

/// The municipality, or the refusal that names the first step.
async fn required(tx: &mut crate::kernel::db::Tx) -> Result<Municipality, StoreError> {
    municipality_of(tx).await?.ok_or_else(|| {
        invalid("gemeente", "Stel eerst de gemeente in (eropaf municipality init of Beheer › Gemeente en gebieden).", "Set the municipality first (eropaf municipality init or Admin › Municipality and areas).")
    })
}
