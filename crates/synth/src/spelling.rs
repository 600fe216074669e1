//! How partners write a resident's name and address: each formal partner's system has its own
//! house style (sortable, upper case, postcode and number only), informal reporters vary, all make typos.

use crate::names::fold_ascii;
use crate::{pick, pick_weighted};
use domain::model::{Address, PartnerKind, PartnerType};
use domain::{HouseNumber, PersonName};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameStyle {
    /// "Jan Pieter van den Berg"
    Full,
    /// "Jan van den Berg"
    FirstGiven,
    /// "J.P. van den Berg"
    Initials,
    /// "J.P. v.d. Berg"
    InitialsShortPrefix,
    /// "JP van den Berg"
    InitialsNoDots,
    /// "Berg, J.P. van den"
    Sortable,
    /// "Van den Berg, J.P."
    PrefixFirst,
    /// "Berg van den JP"
    SurnameFirst,
    /// "mevrouw Van den Berg"
    Salutation,
    /// "fam. Van den Berg"
    Family,
    /// "Jan Berg": the prefix forgotten.
    DropPrefix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddressStyle {
    Street,
    StreetPostcode,
    /// "1234AB 12": debt-signal files often key on postcode and number alone.
    PostcodeOnly,
    StreetLocality,
    Informal,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    name: NameStyle,
    address: AddressStyle,
    upper: bool,
    ascii: bool,
    abbreviate: bool,
    /// Informal reporters write differently every time.
    per_signal: bool,
    typo_rate: f64,
}

pub(crate) fn style_for(rng: &mut ChaCha8Rng, partner_type: PartnerType) -> Style {
    use NameStyle::*;
    if partner_type.kind() == PartnerKind::Informal {
        return informal_style(rng);
    }
    if partner_type == PartnerType::Huur {
        return Style {
            name: *pick(rng, &[InitialsShortPrefix, Initials, Sortable]),
            address: *pick(rng, &[AddressStyle::Street, AddressStyle::StreetPostcode]),
            upper: rng.gen_bool(0.2),
            ascii: rng.gen_bool(0.7),
            abbreviate: true,
            per_signal: false,
            typo_rate: 0.03,
        };
    }
    if partner_type.is_financial() {
        return Style {
            name: *pick(rng, &[Sortable, SurnameFirst, PrefixFirst, Initials, InitialsNoDots]),
            address: pick_weighted(rng, &[(AddressStyle::PostcodeOnly, 4), (AddressStyle::StreetPostcode, 6)]),
            upper: rng.gen_bool(0.5),
            ascii: true,
            abbreviate: rng.gen_bool(0.5),
            per_signal: false,
            typo_rate: 0.02,
        };
    }
    Style {
        name: *pick(rng, &[Full, FirstGiven, Initials, Sortable]),
        address: *pick(rng, &[AddressStyle::Street, AddressStyle::StreetPostcode, AddressStyle::StreetLocality]),
        upper: rng.gen_bool(0.1),
        ascii: rng.gen_bool(0.3),
        abbreviate: rng.gen_bool(0.3),
        per_signal: false,
        typo_rate: 0.05,
    }
}

fn informal_style(rng: &mut ChaCha8Rng) -> Style {
    use NameStyle::*;
    Style {
        name: pick_weighted(rng, &[(Full, 2), (FirstGiven, 3), (Salutation, 4), (Family, 2), (DropPrefix, 2), (Initials, 1)]),
        address: AddressStyle::Informal,
        upper: false,
        ascii: rng.gen_bool(0.3),
        abbreviate: rng.gen_bool(0.2),
        per_signal: true,
        typo_rate: 0.08,
    }
}

pub(crate) fn report_name(rng: &mut ChaCha8Rng, style: &Style, name: &PersonName, female: bool) -> String {
    use NameStyle::*;
    let style = if style.per_signal { informal_style(rng) } else { *style };
    let first = name.given_names.split_whitespace().next().unwrap_or("");
    let (prefix, surname, initials) = (name.prefix.as_str(), name.surname.as_str(), name.initials.as_str());
    let mut out = match style.name {
        Full => name.full(),
        FirstGiven => join(&[first, prefix, surname]),
        Initials => join(&[initials, prefix, surname]),
        InitialsShortPrefix => join(&[initials, &short_prefix(rng, prefix), surname]),
        InitialsNoDots => join(&[&initials.replace('.', ""), prefix, surname]),
        Sortable => name.sortable(),
        PrefixFirst => format!("{}, {initials}", join(&[&capitalise(prefix), surname])),
        SurnameFirst => join(&[surname, prefix, &initials.replace('.', "")]),
        Salutation => {
            let title = if female { *pick(rng, &["mevrouw", "Mevr.", "mw."]) } else { *pick(rng, &["meneer", "Dhr.", "dhr."]) };
            join(&[title, &capitalise(prefix), surname])
        }
        Family => join(&[*pick(rng, &["familie", "Fam.", "fam."]), &capitalise(prefix), surname]),
        DropPrefix => join(&[first, surname]),
    };
    if style.ascii {
        out = fold_ascii(&out);
    }
    out = noise(rng, &out, style.typo_rate);
    if style.upper {
        out = out.to_uppercase();
    }
    out
}

pub(crate) fn report_address(rng: &mut ChaCha8Rng, style: &Style, address: &Address) -> String {
    let style = if style.per_signal { informal_style(rng) } else { *style };
    let informal = style.address == AddressStyle::Informal;
    // Dropping the flat number is the commonest error; informal reporters often don't know it.
    let drop_addition = rng.gen_bool(if informal { 0.25 } else { 0.04 });
    let number = render_number(rng, &address.house_number, drop_addition);
    let mut street = address.street.clone();
    if style.abbreviate {
        street = abbreviate_street(rng, &street);
    }
    street = noise(rng, &street, style.typo_rate);
    let postcode = if rng.gen_bool(0.5) { address.postcode.display() } else { address.postcode.as_str().to_string() };
    let locality = &address.locality;
    let mut out = match style.address {
        AddressStyle::Street => format!("{street} {number}"),
        AddressStyle::StreetPostcode => format!("{street} {number}, {postcode} {locality}"),
        AddressStyle::PostcodeOnly => format!("{postcode} {number}"),
        AddressStyle::StreetLocality => format!("{street} {number} {locality}"),
        AddressStyle::Informal => match rng.gen_range(0..10) {
            0..=5 => format!("{street} {number}"),
            6 | 7 => format!("{street} nr. {number}"),
            8 => format!("{street} {number}, {locality}"),
            _ => format!("{street} (ongeveer nr. {number})"),
        },
    };
    if style.ascii {
        out = fold_ascii(&out);
    }
    if style.upper {
        out = out.to_uppercase();
    }
    out
}

pub(crate) fn render_number(rng: &mut ChaCha8Rng, house_number: &HouseNumber, drop_addition: bool) -> String {
    let mut out = house_number.number.to_string();
    if let Some(letter) = house_number.letter {
        match rng.gen_range(0..10) {
            0..=3 => out.push(letter.to_ascii_lowercase()),
            4..=6 => out.push(letter),
            7 | 8 => out.push_str(&format!("-{letter}")),
            _ => out.push_str(&format!(" {letter}")),
        }
    }
    let Some(addition) = house_number.addition.as_deref().filter(|_| !drop_addition) else { return out };
    if let Ok(floor) = addition.parse::<usize>() {
        // Amsterdam writes floors in Roman numerals ("12-III"); some write "2e" for the floor.
        match rng.gen_range(0..10) {
            0..=3 => out.push_str(&format!("-{floor}")),
            4 | 5 => out.push_str(&format!(" {floor}")),
            6 => out.push_str(&format!("/{floor}")),
            7 | 8 => out.push_str(&format!("-{}", ROMAN.get(floor.wrapping_sub(1)).copied().unwrap_or(addition))),
            _ => out.push_str(&format!(" {floor}e")),
        }
    } else {
        match rng.gen_range(0..10) {
            0..=3 => out.push_str(&format!(" {}", addition.to_lowercase())),
            4..=7 => out.push_str(&format!("-{addition}")),
            _ => out.push_str(&addition.to_lowercase()),
        }
    }
    out
}

const ROMAN: &[&str] = &["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

const TITLES: &[(&str, &str)] = &[
    ("Burgemeester ", "Burg. "),
    ("Professor ", "Prof. "),
    ("Dokter ", "Dr. "),
    ("Minister ", "Min. "),
    ("Wethouder ", "Weth. "),
    ("Meester ", "Mr. "),
    ("Sint ", "St. "),
    ("Pastoor ", "Past. "),
    ("Generaal ", "Gen. "),
    ("Prinses ", "Pr. "),
    ("Prins ", "Pr. "),
    ("Koningin ", "Kon. "),
    ("Koning ", "Kon. "),
    ("Korte ", "K. "),
    ("Lange ", "L. "),
    ("Van ", "v. "),
];

pub(crate) fn abbreviate_street(rng: &mut ChaCha8Rng, street: &str) -> String {
    let mut out = street.to_string();
    for (long, short) in TITLES {
        if let Some(rest) = out.strip_prefix(long) {
            out = format!("{short}{rest}");
            break;
        }
    }
    if let Some(stem) = out.strip_suffix("straat") {
        out = format!("{stem}{}", pick(rng, &["str.", "str"]));
    } else if let Some(stem) = out.strip_suffix("laan").filter(|_| rng.gen_bool(0.3)) {
        out = format!("{stem}ln");
    } else if let Some(stem) = out.strip_suffix("plein").filter(|_| rng.gen_bool(0.3)) {
        out = format!("{stem}pl.");
    }
    out
}

/// "van der" → "v.d." / "vd" / "v/d", as forms with short fields force.
pub(crate) fn short_prefix(rng: &mut ChaCha8Rng, prefix: &str) -> String {
    match prefix {
        "van der" | "van den" | "van de" => pick(rng, &["v.d.", "vd", "v/d", "v.d."]).to_string(),
        "van" => pick(rng, &["v.", "van"]).to_string(),
        "van 't" => "v. 't".to_string(),
        other => other.to_string(),
    }
}

/// ij written as y ("Dijkstra" → "Dykstra"), and now and then a swapped or dropped letter.
pub(crate) fn noise(rng: &mut ChaCha8Rng, text: &str, typo_rate: f64) -> String {
    let mut out = text.to_string();
    if out.contains("ij") && rng.gen_bool(0.15) {
        out = out.replacen("ij", "y", 1);
    } else if out.contains("IJ") && rng.gen_bool(0.15) {
        out = out.replacen("IJ", "Y", 1);
    }
    if rng.gen_bool(typo_rate.clamp(0.0, 1.0)) {
        out = typo(rng, &out);
    }
    out
}

pub(crate) fn typo(rng: &mut ChaCha8Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    // First letters of words are rarely mistyped, so only letters inside a word are candidates.
    let inner: Vec<usize> = (1..chars.len()).filter(|&i| chars[i].is_alphabetic() && chars[i - 1].is_alphabetic()).collect();
    if inner.len() < 3 {
        return text.to_string();
    }
    let i = inner[rng.gen_range(0..inner.len())];
    if rng.gen_bool(0.5) && chars.get(i + 1).is_some_and(|c| c.is_alphabetic()) {
        chars.swap(i, i + 1);
    } else {
        chars.remove(i);
    }
    chars.into_iter().collect()
}

pub(crate) fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn join(parts: &[&str]) -> String {
    parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(" ")
}
