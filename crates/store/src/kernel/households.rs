//! Households, their addresses and members: the rows every feature reads, and the one way to
//! create them (each creation writes its audit record).

use super::audit::{AuditEvent, Entry, Recorder};
use super::db::{self, Row, Tx, Value};
use super::error::StoreError;
use super::time_fmt;
use crate::args;
use domain::model::{Id, SupportLevel};
use domain::{Bsn, HouseNumber, PersonName, Postcode};
use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct AddressLine {
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub locality: String,
    /// The buurt's name, for people.
    pub buurt: String,
    /// Its CBS code (BU + 8 digits), for systems: what registering a household asks for.
    pub buurt_code: String,
}

pub(crate) const ADDRESS_COLUMNS: &str = "a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality, b.name, b.code";

pub(crate) fn address_from(row: &Row, first: usize) -> Result<AddressLine, StoreError> {
    let number = row.i64(first + 1)?;
    let letter = row.opt_text(first + 2)?;
    let addition = row.opt_text(first + 3)?;
    let house_number = HouseNumber::new(
        u32::try_from(number).map_err(|_| StoreError::corrupt("house number"))?,
        letter.and_then(|l| l.chars().next()),
        addition.as_deref(),
    )
    .map_err(|_| StoreError::corrupt("house number"))?;
    let postcode = Postcode::parse(&row.text(first + 4)?).map_err(|_| StoreError::corrupt("postcode"))?;
    Ok(AddressLine {
        street: row.text(first)?,
        house_number: house_number.to_string(),
        postcode: postcode.display(),
        locality: row.text(first + 5)?,
        buurt: row.text(first + 6)?,
        buurt_code: row.text(first + 7)?,
    })
}

/// "Jan van den Berg" from the given-names, prefix and surname columns starting at `first`.
pub(crate) fn full_name(row: &Row, first: usize) -> Result<String, StoreError> {
    let parts = [row.text(first)?, row.text(first + 1)?, row.text(first + 2)?];
    Ok(parts.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "))
}

async fn insert_person(
    tx: &mut Tx,
    household_id: Id,
    name: &PersonName,
    birth_date: Date,
    bsn: Option<&Bsn>,
    phone: Option<&str>,
) -> Result<Id, StoreError> {
    tx.fetch_one(
        "INSERT INTO persons (household_id, given_names, initials, surname_prefix, surname, surname_key, birth_date, bsn, phone) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        &args![
            household_id,
            name.given_names.as_str(),
            name.initials.as_str(),
            name.prefix.as_str(),
            name.surname.as_str(),
            name.surname.to_lowercase(),
            time_fmt::date(birth_date),
            bsn.map(|b| b.expose().to_string()),
            phone
        ],
    )
    .await?
    .i64(0)
}

/// The households at one exact address (letter and addition included), by number; none is a
/// field error on the postcode, for the forms that look an address up.
pub(crate) async fn households_at(tx: &mut Tx, postcode: &Postcode, house_number: &HouseNumber) -> Result<Vec<Id>, StoreError> {
    let mut sql = String::from("SELECT h.id FROM households h JOIN addresses a ON a.id = h.address_id WHERE a.postcode = $1 AND a.house_number = $2");
    let mut values: Vec<Value> = args![postcode.as_str(), i64::from(house_number.number)].into();
    for (column, value) in [("a.house_letter", house_number.letter.map(String::from)), ("a.house_addition", house_number.addition.clone())] {
        match value {
            Some(v) => {
                values.push(v.into());
                sql.push_str(&format!(" AND {column} = ${}", values.len()));
            }
            None => sql.push_str(&format!(" AND {column} IS NULL")),
        }
    }
    sql.push_str(" ORDER BY h.id");
    let ids: Vec<Id> = tx.fetch_all(&sql, &values).await?.iter().map(|r| r.i64(0)).collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(StoreError::Invalid {
            field: "postcode",
            message_nl: "Op dit adres is geen huishouden bekend.".into(),
            message_en: "No household is known at this address.".into(),
        });
    }
    Ok(ids)
}

/// The known address at exactly this postcode and number (letter and addition included), with
/// its buurt: a municipality's addresses come from the BAG before anyone lives there in Eropaf.
pub(crate) async fn address_at(tx: &mut Tx, postcode: &Postcode, house_number: &HouseNumber) -> Result<Option<(Id, String)>, StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT id, buurt_code FROM addresses WHERE postcode = $1 AND house_number = $2 AND COALESCE(house_letter, '') = $3 AND COALESCE(house_addition, '') = $4 ORDER BY id LIMIT 1",
            &args![
                postcode.as_str(),
                i64::from(house_number.number),
                house_number.letter.map(String::from).unwrap_or_default(),
                house_number.addition.clone().unwrap_or_default()
            ],
        )
        .await?;
    row.map(|r| Ok((r.i64(0)?, r.text(1)?))).transpose()
}

/// The address as given: the known one when there is one (its id and buurt), else a new one in
/// `a.buurt_code`.
pub(crate) async fn address_for(tx: &mut Tx, a: &NewAddress<'_>) -> Result<(Id, String), StoreError> {
    match address_at(tx, a.postcode, a.house_number).await? {
        Some(known) => Ok(known),
        None => Ok((insert_address(tx, a).await?, a.buurt_code.to_string())),
    }
}

/// A new address, as the forms, the intake and the address file give it.
pub(crate) struct NewAddress<'a> {
    pub street: &'a str,
    pub house_number: &'a HouseNumber,
    pub postcode: &'a Postcode,
    pub locality: &'a str,
    pub buurt_code: &'a str,
}

pub(crate) async fn insert_address(tx: &mut Tx, a: &NewAddress<'_>) -> Result<Id, StoreError> {
    let (street, locality) = (domain::text::clean_line(a.street), domain::text::clean_line(a.locality));
    tx.fetch_one(
        "INSERT INTO addresses (street, house_number, house_letter, house_addition, postcode, locality, buurt_code) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &args![
            street.trim(),
            i64::from(a.house_number.number),
            a.house_number.letter.map(String::from),
            a.house_number.addition.clone(),
            a.postcode.as_str(),
            locality.trim(),
            a.buurt_code
        ],
    )
    .await?
    .i64(0)
}

/// The one way a household comes into being: at an address, self-reliant until a worker says
/// otherwise, with its "household.create" record added to `audit` (the caller appends, so an
/// import can write its records in bulk).
pub(crate) async fn create_household(tx: &mut Tx, address_id: Id, recorder: &Recorder<'_>, audit: &mut Vec<Entry>) -> Result<Id, StoreError> {
    let id = tx
        .fetch_one("INSERT INTO households (address_id, support, multi_problem) VALUES ($1, $2, FALSE) RETURNING id", &args![address_id, SupportLevel::SelfReliant.code()])
        .await?
        .i64(0)?;
    audit.push(recorder.entry(AuditEvent::HouseholdCreate, Some(id), None, None));
    Ok(id)
}

/// A member of a household, with their "person.create" record added to `audit`.
pub(crate) async fn create_person(
    tx: &mut Tx,
    household_id: Id,
    person: (&PersonName, Date, Option<&Bsn>, Option<&str>),
    recorder: &Recorder<'_>,
    audit: &mut Vec<Entry>,
) -> Result<Id, StoreError> {
    let (name, birth_date, bsn, phone) = person;
    let id = insert_person(tx, household_id, name, birth_date, bsn, phone).await?;
    audit.push(recorder.entry(AuditEvent::PersonCreate, Some(household_id), Some(id), None));
    Ok(id)
}

/// The resident's language and cultural notes, read before a visit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageNotes {
    pub preferred_language: Option<String>,
    pub interpreter_needed: bool,
    /// The family or network is approached first (e.g. through a key figure).
    pub network_approach: bool,
    pub culture_note: Option<String>,
}

pub(crate) async fn language_notes(tx: &mut Tx, household_id: Id) -> Result<LanguageNotes, StoreError> {
    let r = tx.fetch_one("SELECT preferred_language, interpreter_needed, network_approach, culture_note FROM households WHERE id = $1", &args![household_id]).await?;
    Ok(LanguageNotes { preferred_language: r.opt_text(0)?, interpreter_needed: r.bool(1)?, network_approach: r.bool(2)?, culture_note: r.opt_text(3)? })
}

/// What an address file added: new addresses, and those already known (left as they are,
/// except that a known address without coordinates gets the file's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddressCounts {
    pub added: usize,
    pub known: usize,
}

/// The key an address is known by: postcode, number, letter, addition.
fn address_key(postcode: &str, number: i64, letter: &str, addition: &str) -> String {
    format!("{postcode}|{number}|{}|{}", letter.to_ascii_uppercase(), addition.to_ascii_uppercase())
}

/// Writes the addresses of a BAG-shaped file (already read whole by `domain::campaign`, each
/// buurt checked by the caller): the one way addresses come in from a file, for the
/// municipality's import and a team's upload alike. Re-importing the same file adds nothing.
/// Calls `progress(done)` after each block, for large files.
pub(crate) async fn import_addresses(tx: &mut Tx, rows: &[domain::campaign::BagAddress], progress: &(dyn Fn(usize) + Send + Sync)) -> Result<AddressCounts, StoreError> {
    use std::collections::HashMap;
    let mut known: HashMap<String, (Id, bool)> = HashMap::new();
    for r in tx.fetch_all("SELECT id, postcode, house_number, COALESCE(house_letter, ''), COALESCE(house_addition, ''), x FROM addresses", &[]).await? {
        let key = address_key(&r.text(1)?, r.i64(2)?, &r.text(3)?, &r.text(4)?);
        known.insert(key, (r.i64(0)?, r.opt_f64(5)?.is_none()));
    }
    let mut counts = AddressCounts::default();
    let mut fresh: Vec<Value> = Vec::new();
    const COLUMNS: [&str; 9] = ["street", "house_number", "house_letter", "house_addition", "postcode", "locality", "buurt_code", "x", "y"];
    for a in rows {
        let letter = a.number.letter.map(String::from);
        let addition = a.number.addition.clone();
        let key = address_key(a.postcode.as_str(), i64::from(a.number.number), letter.as_deref().unwrap_or(""), addition.as_deref().unwrap_or(""));
        match known.get(&key) {
            Some((id, without_point)) => {
                counts.known += 1;
                if *without_point {
                    tx.execute("UPDATE addresses SET x = $1, y = $2 WHERE id = $3", &args![a.point.x, a.point.y, *id]).await?;
                }
            }
            None => {
                counts.added += 1;
                fresh.extend(args![
                    domain::text::clean_line(&a.street).trim(),
                    i64::from(a.number.number),
                    letter,
                    addition,
                    a.postcode.as_str(),
                    domain::text::clean_line(&a.city).trim(),
                    a.buurt.code(),
                    a.point.x,
                    a.point.y
                ]);
            }
        }
    }
    const BLOCK: usize = 5_000 * COLUMNS.len();
    let mut done = counts.known;
    for block in fresh.chunks(BLOCK) {
        db::insert_flat(tx, "addresses", &COLUMNS, block).await?;
        done += block.len() / COLUMNS.len();
        progress(done);
    }
    Ok(counts)
}

/// A household's contact attempts from `since` on (all of them: `None`), oldest first, as the
/// cadence rules read them.
pub(crate) async fn attempts_of(tx: &mut Tx, household_id: Id, since: Option<&str>) -> Result<Vec<domain::contact::Attempt>, StoreError> {
    let rows = tx
        .fetch_all("SELECT at, kind, day_part, reached FROM contact_attempts WHERE household_id = $1 AND at >= $2 ORDER BY at, id", &args![household_id, since.unwrap_or("")])
        .await?;
    rows.iter()
        .map(|r| {
            Ok(domain::contact::Attempt {
                at: time_fmt::parse_instant(&r.text(0)?)?,
                kind: domain::model::ContactKind::from_code(&r.text(1)?).ok_or_else(|| StoreError::corrupt("contact kind"))?,
                day_part: domain::model::DayPart::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("day part"))?,
                reached: r.bool(3)?,
            })
        })
        .collect()
}
