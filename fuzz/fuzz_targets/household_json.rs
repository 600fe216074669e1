//! The JSON importer shape: a body for `POST /api/v1/households` deserialised into
//! `web::pages::households::NewHouseholdForm` with serde_json, then converted with
//! `store::residents::NewHousehold::try_from(&form)`.
//!
//! Input that is valid JSON is used as the body. Any other input is split at `|` into the form's
//! eleven fields (straat|huisnummer|postcode|woonplaats|buurt|voornamen|tussenvoegsel|achternaam|
//! geboortedatum|bsn|telefoon), written as a JSON object and read back, so arbitrary text reaches
//! every field through the JSON layer.
//!
//! Invariants: the conversion agrees field by field with the domain parsers; it succeeds exactly
//! when no field is wrong, and then the value's own fields convert to the same value again; on
//! failure it names each wrong field once, with messages in both languages that never repeat
//! what was typed.
#![no_main]

use domain::{Bsn, HouseNumber, PersonName, Postcode};
use eropaf_fuzz::{assert_not_echoed, collapse, fields, text};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;
use store::residents::NewHousehold;
use web::pages::households::NewHouseholdForm;

const FIELDS: [&str; 11] =
    ["straat", "huisnummer", "postcode", "woonplaats", "buurt", "voornamen", "tussenvoegsel", "achternaam", "geboortedatum", "bsn", "telefoon"];

fn form_json(values: &[&str]) -> serde_json::Value {
    let map: serde_json::Map<String, serde_json::Value> =
        FIELDS.iter().zip(values).map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string()))).collect();
    serde_json::Value::Object(map)
}

fn values(f: &NewHouseholdForm) -> [&str; 11] {
    [&f.straat, &f.huisnummer, &f.postcode, &f.woonplaats, &f.buurt, &f.voornamen, &f.tussenvoegsel, &f.achternaam, &f.geboortedatum, &f.bsn, &f.telefoon]
}

/// Which fields the form must reject, worked out from the rules and the domain parsers directly.
fn expected_errors(f: &NewHouseholdForm) -> BTreeSet<&'static str> {
    let mut wrong = BTreeSet::new();
    for (value, field, max) in [(&f.straat, "straat", 100), (&f.woonplaats, "woonplaats", 80), (&f.buurt, "buurt", 20)] {
        let v = collapse(value);
        if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
            wrong.insert(field);
        }
    }
    if HouseNumber::parse(&f.huisnummer).is_err() {
        wrong.insert("huisnummer");
    }
    if Postcode::parse(&f.postcode).is_err() {
        wrong.insert("postcode");
    }
    if let Err(e) = PersonName::parse(&f.voornamen, &f.tussenvoegsel, &f.achternaam) {
        wrong.insert(if e.what == "achternaam" { "achternaam" } else { "voornamen" });
    }
    if f.geboortedatum.trim().is_empty() || domain::parse_date(&f.geboortedatum).is_err() {
        wrong.insert("geboortedatum");
    }
    if !f.bsn.trim().is_empty() && Bsn::parse(&f.bsn).is_err() {
        wrong.insert("bsn");
    }
    let phone: String = f.telefoon.chars().filter(|c| !c.is_whitespace()).collect();
    if !phone.is_empty() && (phone.len() > 16 || !phone.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+')) {
        wrong.insert("telefoon");
    }
    wrong
}

fn check(form: &NewHouseholdForm) {
    let expected = expected_errors(form);
    match NewHousehold::try_from(form) {
        Ok(n) => {
            assert!(expected.is_empty(), "accepted, but these fields are wrong: {expected:?}");
            assert_eq!(n.street, collapse(&form.straat));
            assert_eq!(n.locality, collapse(&form.woonplaats));
            assert_eq!(n.buurt_code, collapse(&form.buurt));
            assert_eq!(Ok(&n.house_number), HouseNumber::parse(&form.huisnummer).as_ref());
            assert_eq!(Ok(&n.postcode), Postcode::parse(&form.postcode).as_ref());
            assert_eq!(Ok(&n.name), PersonName::parse(&form.voornamen, &form.tussenvoegsel, &form.achternaam).as_ref());
            assert_eq!(Ok(n.birth_date), domain::parse_date(&form.geboortedatum));
            let bsn = if form.bsn.trim().is_empty() { None } else { Bsn::parse(&form.bsn).ok() };
            assert_eq!(n.bsn, bsn);
            if let Some(p) = &n.phone {
                assert!(!p.is_empty() && p.len() <= 16 && p.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+'), "phone {p:?}");
            }
            // What is stored, written out in the form again, is accepted as the same household.
            let date = n.birth_date;
            let again = NewHouseholdForm {
                straat: n.street.clone(),
                huisnummer: n.house_number.to_string(),
                postcode: n.postcode.display(),
                woonplaats: n.locality.clone(),
                buurt: n.buurt_code.clone(),
                voornamen: n.name.given_names.clone(),
                tussenvoegsel: n.name.prefix.clone(),
                achternaam: n.name.surname.clone(),
                geboortedatum: format!("{:02}-{:02}-{}", date.day(), u8::from(date.month()), date.year()),
                bsn: n.bsn.as_ref().map(|b| b.expose().to_string()).unwrap_or_default(),
                telefoon: n.phone.clone().unwrap_or_default(),
                csrf: String::new(),
            };
            match NewHousehold::try_from(&again) {
                Ok(m) => {
                    assert_eq!(
                        (&m.street, &m.house_number, &m.postcode, &m.locality, &m.buurt_code, &m.name, m.birth_date, &m.bsn, &m.phone),
                        (&n.street, &n.house_number, &n.postcode, &n.locality, &n.buurt_code, &n.name, n.birth_date, &n.bsn, &n.phone),
                        "the stored household, written out again, converts to another value"
                    );
                }
                Err(errors) => panic!("the stored household, written out again, is refused: {errors:?}"),
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without saying why");
            let named: Vec<&str> = errors.iter().map(|e| e.field).collect();
            let unique: BTreeSet<&str> = named.iter().copied().collect();
            assert_eq!(unique.len(), named.len(), "a field is named twice: {named:?}");
            assert_eq!(unique, expected, "the fields named wrong differ from the rules");
            for e in &errors {
                assert!(FIELDS.contains(&e.field), "unknown field {:?}", e.field);
                assert!(!e.message_nl.trim().is_empty() && !e.message_en.trim().is_empty(), "{e:?}");
                for value in values(form) {
                    assert_not_echoed(value, &e.message_nl, e.field);
                    assert_not_echoed(value, &e.message_en, e.field);
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(form) = serde_json::from_slice::<NewHouseholdForm>(data) {
        check(&form);
        return;
    }
    let input = text(data);
    let parts = fields(&input, FIELDS.len());
    let json = serde_json::to_vec(&form_json(&parts)).expect("a map of strings serialises");
    let form: NewHouseholdForm = match serde_json::from_slice(&json) {
        Ok(form) => form,
        Err(e) => panic!("a JSON object of eleven strings is not read as the form: {e}"),
    };
    assert_eq!(values(&form), <[&str; 11]>::try_from(parts.as_slice()).expect("eleven fields"), "JSON changed the text");
    check(&form);
});
