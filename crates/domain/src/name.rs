//! Dutch person names: given names, initials, the surname prefix (tussenvoegsel: van, de,
//! van der, 't …) and the surname. Sorting and matching use the surname without its prefix.

use crate::error::ParseError;
use serde::{Deserialize, Serialize};

/// Surname prefixes as the BRP knows them, longest first so "van der" wins over "van".
pub const SURNAME_PREFIXES: &[&str] = &[
    "van de", "van der", "van den", "van het", "van 't", "in 't", "in het", "in de", "op de", "op den", "op het", "uit de",
    "uit den", "uit het", "aan de", "aan den", "aan het", "bij de", "voor de", "de la", "de l'", "van", "de", "der", "den",
    "het", "'t", "ter", "ten", "te", "la", "le", "el", "al", "d'", "op", "in", "uit", "bij", "aan", "von", "vd", "v.d.", "v/d",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    pub given_names: String,
    pub initials: String,
    pub prefix: String,
    pub surname: String,
}

impl PersonName {
    /// Builds a name from form fields; a prefix typed inside the surname field
    /// ("van den Berg") is split off when the prefix field is empty.
    pub fn parse(given_names: &str, prefix: &str, surname: &str) -> Result<PersonName, ParseError> {
        let given_names = collapse(given_names);
        let mut prefix = collapse(prefix).to_lowercase();
        let mut surname = collapse(surname);
        if prefix.is_empty() {
            let (p, s) = split_prefix(&surname);
            prefix = p;
            surname = s;
        }
        if surname.is_empty() {
            return Err(ParseError::new("achternaam", "vul een achternaam in", "enter a surname"));
        }
        for part in [&given_names, &prefix, &surname] {
            if part.chars().count() > 200 {
                return Err(ParseError::new("naam", "een naam is hoogstens 200 tekens", "a name is at most 200 characters"));
            }
            if part.chars().any(|c| c.is_control() || crate::text::is_bidi_control(c) || c == '\u{FEFF}' || c.is_ascii_digit() || matches!(c, '<' | '>' | '"' | ';' | '@')) {
                return Err(ParseError::new(
                    "naam",
                    "een naam bevat alleen letters, spaties, koppeltekens, punten en apostrofs",
                    "a name holds only letters, spaces, hyphens, dots and apostrophes",
                ));
            }
        }
        let initials = initials_of(&given_names);
        Ok(PersonName { given_names, initials, prefix, surname })
    }

    /// "Jan van den Berg"
    pub fn full(&self) -> String {
        [self.given_names.as_str(), self.prefix.as_str(), self.surname.as_str()]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// "Berg, J. van den" — how Dutch registers sort and list people.
    pub fn sortable(&self) -> String {
        let mut s = format!("{}, {}", self.surname, self.initials);
        if !self.prefix.is_empty() {
            s.push(' ');
            s.push_str(&self.prefix);
        }
        s
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "van den Berg" → ("van den", "Berg"); "Berg" → ("", "Berg"). Prefixes are ASCII and matched
/// byte for byte without case, so a Unicode letter whose lower case has another length (the
/// Kelvin sign) cannot shift the cut.
pub fn split_prefix(surname: &str) -> (String, String) {
    for p in SURNAME_PREFIXES {
        let Some(head) = surname.get(..p.len()) else { continue };
        if !head.eq_ignore_ascii_case(p) {
            continue;
        }
        let rest = &surname[p.len()..];
        let joined = p.ends_with('\'') && !rest.starts_with(' ');
        if (rest.starts_with(' ') || joined) && !rest.trim().is_empty() {
            return (head.to_ascii_lowercase(), rest.trim().to_string());
        }
    }
    (String::new(), surname.to_string())
}

/// "Jan Pieter" → "J.P."; "J.P." stays "J.P.".
pub fn initials_of(given_names: &str) -> String {
    given_names
        .split(|c: char| c.is_whitespace() || c == '.' || c == '-')
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphabetic())
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_prefix_typed_into_surname() {
        let n = PersonName::parse("Jan Pieter", "", "van den Berg");
        assert_eq!(n.as_ref().map(|n| (n.prefix.as_str(), n.surname.as_str(), n.initials.as_str())), Ok(("van den", "Berg", "J.P.")));
        assert_eq!(n.map(|n| n.sortable()), Ok("Berg, J.P. van den".to_string()));
        assert_eq!(split_prefix("'t Hart"), ("'t".to_string(), "Hart".to_string()));
        assert_eq!(split_prefix("d'Ancona"), ("d'".to_string(), "Ancona".to_string()));
        assert_eq!(split_prefix("Vandenberg"), (String::new(), "Vandenberg".to_string()));
        assert_eq!(split_prefix("Van"), (String::new(), "Van".to_string()));
    }

    /// Found by the fuzzer (fuzz/regressions/person_name): the Kelvin and Ångström signs lower-case
    /// to shorter letters and moved the cut between prefix and surname.
    #[test]
    fn prefix_split_is_not_moved_by_unicode_case_mapping() {
        assert_eq!(split_prefix("van \u{212a}x"), ("van".to_string(), "\u{212a}x".to_string()));
        assert_eq!(split_prefix("van \u{212b}berg"), ("van".to_string(), "\u{212b}berg".to_string()));
        assert_eq!(split_prefix("\u{212a}van x"), (String::new(), "\u{212a}van x".to_string()));
    }

    #[test]
    fn keeps_explicit_prefix_and_double_surnames() {
        let n = PersonName::parse("Fatima", "el", "Amrani-de Vries");
        assert_eq!(n.map(|n| n.full()), Ok("Fatima el Amrani-de Vries".to_string()));
    }

    #[test]
    fn refuses_empty_surname_and_markup() {
        assert!(PersonName::parse("Jan", "", "  ").is_err());
        assert!(PersonName::parse("Jan", "", "<script>").is_err());
        assert!(PersonName::parse("Jan2", "", "Berg").is_err());
        assert!(PersonName::parse("Jan", "", "Be\u{0}rg").is_err(), "NUL");
        assert!(PersonName::parse("Jan", "", "\u{202E}greB").is_err(), "a right-to-left override");
        assert!(PersonName::parse("Jan", "", "Berg\u{2069}").is_err(), "a bidirectional isolate");
    }
}
