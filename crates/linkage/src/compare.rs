//! Comparators: each field of a pair of records falls into one graded level, best first, or is
//! null (one side unknown: no evidence either way). Every comparator is symmetric.

use crate::normalize::Normalized;
use crate::role::Role;
use crate::similarity::{edits_at_most, jaro_winkler_if_at_least, within_edits};
use serde::{Deserialize, Serialize};

/// The level of a field that one side does not know.
pub const NULL: u8 = u8::MAX;

/// What is compared. A field is in the model when one of its roles is in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    GivenName,
    Surname,
    BirthDate,
    /// Street, house number (with letter and addition) and postcode as one field: they are not
    /// independent (a Dutch postcode and number name one address), so counting each apart
    /// would make every housemate and neighbour look like a match.
    Address,
    AddressExtra,
    Locality,
    Region,
    Phone,
    Email,
    Bsn,
    Identifier,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::GivenName,
        Field::Surname,
        Field::BirthDate,
        Field::Address,
        Field::AddressExtra,
        Field::Locality,
        Field::Region,
        Field::Phone,
        Field::Email,
        Field::Bsn,
        Field::Identifier,
    ];

    /// The input roles that feed this field.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Field::GivenName => &[Role::GivenName, Role::Initials, Role::FullName],
            Field::Surname => &[Role::Surname, Role::FullName],
            Field::BirthDate => &[Role::BirthDate],
            Field::Address => &[Role::Street, Role::HouseNumber, Role::Postcode],
            Field::AddressExtra => &[Role::AddressExtra],
            Field::Locality => &[Role::Locality],
            Field::Region => &[Role::Region],
            Field::Phone => &[Role::Phone],
            Field::Email => &[Role::Email],
            Field::Bsn => &[Role::Bsn],
            Field::Identifier => &[Role::Identifier],
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Field::GivenName => "given_name",
            Field::Surname => "surname",
            Field::BirthDate => "birth_date",
            Field::Address => "address",
            Field::AddressExtra => "address_extra",
            Field::Locality => "locality",
            Field::Region => "region",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::Bsn => "bsn",
            Field::Identifier => "identifier",
        }
    }

    /// Dutch and English name, for the review screen.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Field::GivenName => ("Voornaam", "Given name"),
            Field::Surname => ("Achternaam", "Surname"),
            Field::BirthDate => ("Geboortedatum", "Birth date"),
            Field::Address => ("Adres", "Address"),
            Field::AddressExtra => ("Adresregel 2", "Address line 2"),
            Field::Locality => ("Woonplaats", "Locality"),
            Field::Region => ("Regio", "Region"),
            Field::Phone => ("Telefoon", "Phone"),
            Field::Email => ("E-mail", "Email"),
            Field::Bsn => ("BSN", "BSN"),
            Field::Identifier => ("Kenmerk", "Identifier"),
        }
    }

    /// The levels, best first, in Dutch and English.
    pub fn levels(self) -> &'static [(&'static str, &'static str)] {
        const EXACT_CLOSE_OTHER: &[(&str, &str)] = &[("gelijk", "exact"), ("lijkt sterk", "very similar"), ("anders", "different")];
        const EXACT_OTHER: &[(&str, &str)] = &[("gelijk", "exact"), ("anders", "different")];
        const EXACT_TYPO_OTHER: &[(&str, &str)] = &[("gelijk", "exact"), ("één tikfout", "one typo"), ("anders", "different")];
        match self {
            Field::GivenName => &[("gelijk", "exact"), ("lijkt sterk", "very similar"), ("voorletters passen", "initials compatible"), ("anders", "different")],
            Field::Surname => &[("gelijk", "exact"), ("lijkt sterk", "very similar"), ("lijkt", "similar"), ("anders", "different")],
            Field::BirthDate => &[("gelijk", "exact"), ("één tikfout of dag/maand omgedraaid", "one typo or day/month swapped"), ("twee tikfouten", "two typos"), ("anders", "different")],
            Field::Address => &[
                ("zelfde adres", "same address"),
                ("zelfde nummer, straat of postcode gelijk", "same number, street or postcode equal"),
                ("zelfde nummer, straat of postcode lijkt", "same number, street or postcode similar"),
                ("zelfde straat en postcode, ander nummer", "same street and postcode, other number"),
                ("zelfde straat of postcode, ander nummer", "same street or postcode, other number"),
                ("anders", "different"),
            ],
            Field::AddressExtra | Field::Locality => EXACT_CLOSE_OTHER,
            Field::Region | Field::Email => EXACT_OTHER,
            Field::Phone | Field::Bsn | Field::Identifier => EXACT_TYPO_OTHER,
        }
    }

    /// Where someone lives rather than who they are: people move, and partners' address data
    /// lags behind the registry, so these fields can be left out to ask "the same person,
    /// wherever they live?" (see `online::Index::link_person`).
    pub fn is_location(self) -> bool {
        matches!(self, Field::Address | Field::AddressExtra | Field::Locality | Field::Region)
    }

    /// Fields whose exact agreement counts more for a rare value than for a common one.
    pub fn term_frequency(self) -> bool {
        matches!(self, Field::GivenName | Field::Surname | Field::Address | Field::Locality | Field::AddressExtra)
    }

    /// The value whose frequency adjusts an exact agreement, for each value a record has.
    pub fn tf_values(self, r: &Normalized) -> Vec<&str> {
        match self {
            Field::Surname => r.surname.iter().map(String::as_str).collect(),
            _ => self.tf_value(r).into_iter().collect(),
        }
    }

    /// As [`Field::tf_values`] for the fields with one value per record (all but the surname).
    pub fn tf_value(self, r: &Normalized) -> Option<&str> {
        let value = match self {
            Field::GivenName => r.first_given(),
            Field::Address => r.address_key(),
            Field::Locality => &r.locality,
            Field::AddressExtra => &r.address_extra,
            _ => "",
        };
        (!value.is_empty()).then_some(value)
    }

    /// The level of this field for a pair, or [`NULL`].
    pub fn compare(self, a: &Normalized, b: &Normalized) -> u8 {
        self.compare_at(a, b, &mut || address(a, b))
    }

    /// As [`Field::compare`], with the address level from `address` (computed once per pair
    /// by [`compare_all`]).
    fn compare_at(self, a: &Normalized, b: &Normalized, address: &mut dyn FnMut() -> u8) -> u8 {
        match self {
            Field::GivenName => given_name(a, b),
            Field::Surname => surname(a, b),
            Field::BirthDate => birth_date(&a.birth_date, &b.birth_date),
            Field::Address => address(),
            Field::AddressExtra => exact_close(&a.address_extra, &b.address_extra, 0.9),
            Field::Locality => beyond_address(address, exact_close(&a.locality, &b.locality, 0.9)),
            Field::Region => beyond_address(address, exact(&a.region, &b.region)),
            Field::Phone => household_contact(address, exact_typo(&a.phone, &b.phone)),
            Field::Email => household_contact(address, exact(&a.email, &b.email)),
            Field::Bsn => exact_typo(&a.bsn, &b.bsn),
            Field::Identifier => exact_typo(&a.identifier, &b.identifier),
        }
    }
}

/// The fields of the model for inputs that have these roles.
pub fn fields_for(roles: &[Role]) -> Vec<Field> {
    Field::ALL.iter().copied().filter(|f| f.roles().iter().any(|r| roles.contains(r))).collect()
}

/// The level of each of `fields` for a pair, appended to `out`.
pub fn compare_all(fields: &[Field], a: &Normalized, b: &Normalized, out: &mut Vec<u8>) {
    let mut known = None;
    let mut address_level = || *known.get_or_insert_with(|| address(a, b));
    out.extend(fields.iter().map(|f| f.compare_at(a, b, &mut address_level)));
}

fn exact(a: &str, b: &str) -> u8 {
    match (a.is_empty() || b.is_empty(), a == b) {
        (true, _) => NULL,
        (false, true) => 0,
        (false, false) => 1,
    }
}

fn exact_close(a: &str, b: &str, close: f64) -> u8 {
    if a.is_empty() || b.is_empty() {
        NULL
    } else if a == b {
        0
    } else if jaro_winkler_if_at_least(a, b, close).is_some() {
        1
    } else {
        2
    }
}

fn exact_typo(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        NULL
    } else if a == b {
        0
    } else if within_edits(a, b, 1) {
        1
    } else {
        2
    }
}

/// Full names when both sides have them; otherwise whether the initials fit ("J." fits
/// "Jan Pieter", "J.P." fits "J.").
fn given_name(a: &Normalized, b: &Normalized) -> u8 {
    let (ga, gb) = (a.first_given(), b.first_given());
    if !ga.is_empty() && !gb.is_empty() {
        if ga == gb {
            return 0;
        }
        let shared_name = a.given.iter().any(|x| b.given.contains(x));
        return if shared_name || jaro_winkler_if_at_least(ga, gb, 0.88).is_some() { 1 } else { 3 };
    }
    let (ia, ib) = (a.initials.as_str(), b.initials.as_str());
    if ia.is_empty() || ib.is_empty() {
        return NULL;
    }
    if ia.starts_with(ib) || ib.starts_with(ia) {
        2
    } else {
        3
    }
}

fn surname(a: &Normalized, b: &Normalized) -> u8 {
    if a.surname.is_empty() || b.surname.is_empty() {
        return NULL;
    }
    if a.surname_hashes.iter().any(|h| b.surname_hashes.contains(h)) && a.surname.iter().any(|f| b.surname.contains(f)) {
        return 0;
    }
    let best = a.surname.iter().take(2).flat_map(|x| b.surname.iter().take(2).map(move |y| jaro_winkler_if_at_least(x, y, 0.84).unwrap_or(0.0))).fold(0.0, f64::max);
    if best >= 0.92 {
        1
    } else if best >= 0.84 {
        2
    } else {
        3
    }
}

fn birth_date(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return NULL;
    }
    if a == b {
        return 0;
    }
    let swapped = a.len() == 8 && b.len() == 8 && a[..4] == b[..4] && a[4..6] == b[6..] && a[6..] == b[4..6];
    match edits_at_most(a, b, 2) {
        _ if swapped => 1,
        Some(1) => 1,
        Some(_) => 2,
        None => 3,
    }
}

/// Housemates share a landline, the contract holder's mobile, a family e-mail address: at the
/// same address, agreeing on them says nothing the address did not already say, so agreement
/// is null there (counting both would make every housemate a match). A different number
/// still counts: it is someone else's, or the same person's other one, as EM measures.
fn household_contact(address: &mut dyn FnMut() -> u8, level: u8) -> u8 {
    if level != NULL && level + 1 < Field::Phone.levels().len() as u8 && address() <= 1 {
        NULL
    } else {
        level
    }
}

/// The locality (and region) are part of the address: at the same address they add nothing,
/// so there they are null; between different addresses (someone who moved within the town)
/// they count.
fn beyond_address(address: &mut dyn FnMut() -> u8, level: u8) -> u8 {
    if level != NULL && address() <= 1 {
        NULL
    } else {
        level
    }
}

/// Street and postcode each give exact (0), similar (1), different (2) or unknown (NULL);
/// the house number decides whether it is the same door.
fn address(a: &Normalized, b: &Normalized) -> u8 {
    let street = exact_close(&a.street, &b.street, 0.9);
    let postcode = postcode(&a.postcode, &b.postcode);
    let number = match (a.house_number, b.house_number) {
        (Some(x), Some(y)) if x == y && a.house_suffix == b.house_suffix => Some(true),
        (Some(x), Some(y)) if x == y => Some(false),
        _ => None,
    };
    // A house number alone (no street, no postcode on one side) says nothing about where.
    if street == NULL && postcode == NULL {
        return NULL;
    }
    let parts = [street, postcode];
    let exact = parts.iter().filter(|&&p| p == 0).count();
    let known = parts.iter().filter(|&&p| p != NULL).count();
    let different = parts.contains(&2);
    let similar = parts.contains(&1);
    match number {
        Some(true) if exact > 0 && !different => 0,
        Some(_) if exact > 0 => 1,
        Some(_) if similar => 2,
        _ if exact > 0 && exact == known => 3,
        _ if exact > 0 => 4,
        _ => 5,
    }
}

fn postcode(a: &str, b: &str) -> u8 {
    if a.is_empty() || b.is_empty() {
        return NULL;
    }
    if a == b {
        return 0;
    }
    let same_digits = a.len() == 6 && b.len() == 6 && a[..4] == b[..4];
    if same_digits || within_edits(a, b, 1) {
        1
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::RawRecord;

    fn rec(pairs: &[(Role, &str)]) -> Normalized {
        let mut r = RawRecord::new("x");
        for (role, v) in pairs {
            r.set(*role, *v);
        }
        Normalized::of(&r)
    }

    #[test]
    fn the_issue_example_agrees_on_every_field() {
        let a = rec(&[(Role::FullName, "J. v.d. Berg"), (Role::Street, "Dorpsstr 12-A")]);
        let b = rec(&[(Role::GivenName, "Jan"), (Role::SurnamePrefix, "van den"), (Role::Surname, "Berg"), (Role::Street, "Dorpsstraat"), (Role::HouseNumber, "12a")]);
        assert_eq!(Field::GivenName.compare(&a, &b), 2);
        assert_eq!(Field::Surname.compare(&a, &b), 0);
        assert_eq!(Field::Address.compare(&a, &b), 0);
    }

    #[test]
    fn given_name_levels() {
        let jan = rec(&[(Role::GivenName, "Jan Pieter")]);
        assert_eq!(Field::GivenName.compare(&jan, &rec(&[(Role::GivenName, "Jan")])), 0);
        assert_eq!(Field::GivenName.compare(&jan, &rec(&[(Role::GivenName, "Pieter")])), 1);
        assert_eq!(Field::GivenName.compare(&jan, &rec(&[(Role::GivenName, "Jann")])), 1);
        assert_eq!(Field::GivenName.compare(&jan, &rec(&[(Role::Initials, "J.")])), 2);
        assert_eq!(Field::GivenName.compare(&jan, &rec(&[(Role::Initials, "J.P.")])), 2);
        assert_eq!(Field::GivenName.compare(&jan, &rec(&[(Role::Initials, "M.")])), 3);
        assert_eq!(Field::GivenName.compare(&jan, &rec(&[(Role::GivenName, "Joost")])), 3);
        assert_eq!(Field::GivenName.compare(&jan, &rec(&[])), NULL);
    }

    #[test]
    fn a_shared_phone_counts_only_between_addresses() {
        let home = [(Role::Street, "Dorpsstraat 1"), (Role::Postcode, "1234AB"), (Role::Phone, "0301234567"), (Role::Locality, "Utrecht")];
        let moved = [(Role::Street, "Kerkweg 3"), (Role::Postcode, "9999ZZ"), (Role::Phone, "+31 30 123 4567"), (Role::Locality, "Utrecht")];
        let housemate = [(Role::Street, "Dorpsstraat 1"), (Role::Postcode, "1234AB"), (Role::Phone, "0612345678")];
        assert_eq!(Field::Phone.compare(&rec(&home), &rec(&home)), NULL);
        assert_eq!(Field::Phone.compare(&rec(&home), &rec(&housemate)), 2, "a different number still counts");
        assert_eq!(Field::Phone.compare(&rec(&home), &rec(&moved)), 0);
        assert_eq!(Field::Locality.compare(&rec(&home), &rec(&home)), NULL);
        assert_eq!(Field::Locality.compare(&rec(&home), &rec(&moved)), 0);
        assert_eq!(Field::Email.compare(&rec(&home), &rec(&moved)), NULL, "no e-mail on either side");
    }

    #[test]
    fn birth_date_near_misses() {
        assert_eq!(birth_date("19800312", "19800312"), 0);
        assert_eq!(birth_date("19800312", "19801203"), 1, "day and month swapped");
        assert_eq!(birth_date("19800312", "19800313"), 1);
        assert_eq!(birth_date("19800312", "19810313"), 2);
        assert_eq!(birth_date("19800312", "19650101"), 3);
        assert_eq!(birth_date("", "19650101"), NULL);
    }

    #[test]
    fn address_levels_from_door_to_elsewhere() {
        let home = rec(&[(Role::Street, "Dorpsstraat"), (Role::HouseNumber, "12-A"), (Role::Postcode, "1234 AB")]);
        let level = |pairs: &[(Role, &str)]| Field::Address.compare(&home, &rec(pairs));
        assert_eq!(level(&[(Role::Street, "Dorpsstr 12a"), (Role::Postcode, "1234ab")]), 0);
        assert_eq!(level(&[(Role::Street, "Dorpsstraat"), (Role::HouseNumber, "12 b"), (Role::Postcode, "1234AB")]), 1, "another door behind the same number");
        assert_eq!(level(&[(Role::Street, "Dorpstraat"), (Role::HouseNumber, "12a"), (Role::Postcode, "1243AB")]), 2, "typos in street and postcode");
        assert_eq!(level(&[(Role::Street, "Dorpsstraat"), (Role::HouseNumber, "14"), (Role::Postcode, "1234AB")]), 3, "the neighbours");
        assert_eq!(level(&[(Role::Street, "Kerkweg"), (Role::HouseNumber, "3"), (Role::Postcode, "1234AB")]), 4);
        assert_eq!(level(&[(Role::Street, "Kerkweg"), (Role::HouseNumber, "12a"), (Role::Postcode, "9999ZZ")]), 5, "moved");
        assert_eq!(level(&[(Role::Locality, "Utrecht")]), NULL);
        // Found by the fuzzer: only a number on both sides is no address.
        let number_only = rec(&[(Role::HouseNumber, "12")]);
        assert_eq!(Field::Address.compare(&number_only, &number_only), NULL);
        assert_eq!(postcode("1234AB", "1234AC"), 1);
        assert_eq!(postcode("1234AB", "9999ZZ"), 2);
    }

    #[test]
    fn every_field_has_its_levels() {
        let a = rec(&[(Role::GivenName, "Jan"), (Role::Surname, "Berg"), (Role::BirthDate, "1980-03-12"), (Role::Street, "Dorpsstraat 1"), (Role::AddressExtra, "x"), (Role::Postcode, "1234AB"), (Role::Locality, "Utrecht"), (Role::Region, "ut"), (Role::Phone, "0612345678"), (Role::Email, "a@b.nl"), (Role::Bsn, "123456782"), (Role::Identifier, "77")]);
        let far = rec(&[(Role::GivenName, "Zygmunt"), (Role::Surname, "Qwerty"), (Role::BirthDate, "2001-11-30"), (Role::Street, "Laan 99"), (Role::AddressExtra, "qqqq"), (Role::Postcode, "9999ZZ"), (Role::Locality, "Zwolle"), (Role::Region, "ov"), (Role::Phone, "0201111111"), (Role::Email, "q@z.nl"), (Role::Bsn, "999999999"), (Role::Identifier, "4412")]);
        for &f in Field::ALL.iter().filter(|f| !matches!(f, Field::Phone | Field::Email | Field::Locality | Field::Region)) {
            assert_eq!(f.compare(&a, &a), 0, "{f:?}");
            assert_eq!(usize::from(f.compare(&a, &far)), f.levels().len() - 1, "{f:?}");
        }
    }
}
