//! The municipality's addresses from a BAG extract: every address where people can live
//! (a `woonfunctie`), in the buurten the areas import brought. A municipality starts with
//! addresses and no residents; households come with the first signal, door or registration.

use crate::kernel::access::Setup;
use crate::kernel::audit::{self, AuditEvent};
use crate::kernel::households::{self, AddressCounts};
use crate::{Store, StoreError};
use domain::campaign::BagFile;
use domain::csv::CsvError;
use std::collections::HashSet;

/// What an address import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddressReport {
    pub added: usize,
    pub known: usize,
    /// Objects without a woonfunctie (offices, shops, sheds), left out.
    pub skipped: usize,
}

impl Store {
    /// Stores a BAG file's addresses, all or nothing: every address must lie in a buurt of the
    /// municipality, each one that does not is named with its line. Re-importing the same file
    /// adds nothing. `progress(done)` follows large files.
    pub async fn import_municipal_addresses(&self, setup: &Setup<'_>, file: &BagFile, progress: &(dyn Fn(usize) + Send + Sync)) -> Result<AddressReport, StoreError> {
        setup.check()?;
        let mut tx = self.pool().begin().await?;
        let municipality = super::required(&mut tx).await?;
        let mut buurten: HashSet<String> = HashSet::new();
        for r in tx.fetch_all("SELECT code FROM neighbourhoods WHERE level = 'buurt'", &[]).await? {
            buurten.insert(r.text(0)?);
        }
        let outside: Vec<CsvError> = file
            .addresses
            .iter()
            .filter(|a| !buurten.contains(&a.buurt.code()))
            .map(|a| CsvError { line: a.line, message: format!("veld buurtcode: {} is geen buurt van gemeente {}", a.buurt, municipality.code) })
            .collect();
        if !outside.is_empty() {
            return Err(StoreError::Lines(outside));
        }
        let AddressCounts { added, known } = households::import_addresses(&mut tx, &file.addresses, progress).await?;
        let detail = format!("{added} adressen nieuw, {known} al bekend, {} zonder woonfunctie", file.skipped);
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::AddressImport, detail)]).await?;
        tx.commit().await?;
        Ok(AddressReport { added, known, skipped: file.skipped })
    }
}
