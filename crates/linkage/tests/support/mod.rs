//! The Dutch partner extracts of `synth::extracts` as linkage records, shared by the quality
//! test and the online benchmark (which includes this file by path).
#![allow(dead_code)]

use linkage::{RawRecord, Role};
use synth::extracts::ExtractRow;

/// The roles of the extracts' columns (as in `synth::extracts::FIELDS_TOML`).
pub const DUTCH_ROLES: &[Role] = &[
    Role::GivenName,
    Role::Initials,
    Role::SurnamePrefix,
    Role::Surname,
    Role::BirthDate,
    Role::Street,
    Role::HouseNumber,
    Role::HouseLetter,
    Role::HouseNumberAddition,
    Role::Postcode,
    Role::Locality,
    Role::Phone,
    Role::Email,
];

pub fn raw(x: &ExtractRow) -> RawRecord {
    let values = [
        &x.voornamen,
        &x.voorletters,
        &x.voorvoegsel,
        &x.achternaam,
        &x.geboortedatum,
        &x.straat,
        &x.huisnummer,
        &x.huisletter,
        &x.toevoeging,
        &x.postcode,
        &x.woonplaats,
        &x.telefoon,
        &x.email,
    ];
    let mut r = RawRecord::new(x.id.as_str());
    for (role, value) in DUTCH_ROLES.iter().zip(values) {
        r.set(*role, value.as_str());
    }
    r
}
