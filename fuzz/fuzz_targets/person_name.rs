//! domain::PersonName::parse(given_names, prefix, surname), the three fields split from the
//! input at `|` (`Jan Pieter||van den Berg`).
//!
//! Invariants: no panic; an accepted name has a surname, no control characters, digits or markup,
//! whitespace collapsed, initials derived from the given names, a prefix in lower case; the
//! value's own fields parse back to the same value; the prefix and surname are the input's
//! surname field split, not rewritten.
#![no_main]

use domain::PersonName;
use eropaf_fuzz::{assert_clean_parse_error, collapse, fields, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    let f = fields(&input, 3);
    let (given, prefix, surname) = (f[0], f[1], f[2]);
    match PersonName::parse(given, prefix, surname) {
        Ok(n) => {
            let ctx = format!("parse({given:?}, {prefix:?}, {surname:?}) = {n:?}");
            assert!(!n.surname.is_empty(), "{ctx}: empty surname");
            for part in [&n.given_names, &n.prefix, &n.surname] {
                assert_eq!(part, &collapse(part), "{ctx}: whitespace not collapsed");
                assert!(part.chars().count() <= 200, "{ctx}: longer than 200");
                assert!(
                    !part.chars().any(|c| c.is_control() || c.is_ascii_digit() || matches!(c, '<' | '>' | '"' | ';' | '@')),
                    "{ctx}: forbidden character kept"
                );
            }
            assert_eq!(n.given_names, collapse(given), "{ctx}");
            assert_eq!(n.prefix, n.prefix.to_lowercase(), "{ctx}: prefix not lower case");
            assert_eq!(n.initials, domain::name::initials_of(&n.given_names), "{ctx}");
            if collapse(prefix).is_empty() {
                // Split off from the surname field: together they are that field again.
                let rejoined = collapse(&format!("{} {}", n.prefix, n.surname));
                let joined_apostrophe = format!("{}{}", n.prefix, n.surname);
                let field = collapse(surname);
                assert!(
                    rejoined.to_lowercase() == field.to_lowercase() || joined_apostrophe.to_lowercase() == field.to_lowercase(),
                    "{ctx}: prefix and surname are not the surname field {field:?} split"
                );
                assert!(field.ends_with(&n.surname), "{ctx}: surname is not the end of the field {field:?}");
            } else {
                assert_eq!(n.prefix, collapse(prefix).to_lowercase(), "{ctx}");
                assert_eq!(n.surname, collapse(surname), "{ctx}");
            }
            // The stored fields build the same name again.
            let again = PersonName::parse(&n.given_names, &n.prefix, &n.surname);
            assert_eq!(again.as_ref(), Ok(&n), "{ctx}: its own fields parse to {again:?}");
            assert!(n.full().contains(&n.surname));
            assert!(n.sortable().starts_with(&n.surname));
        }
        Err(e) => {
            for field in [given, prefix, surname] {
                assert_clean_parse_error(field, &e);
            }
        }
    }
});
