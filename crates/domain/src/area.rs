//! CBS area codes: gemeente GM+4, wijk WK+6, buurt BU+8 digits. A wijk code starts with its
//! gemeente's four digits, a buurt code with its wijk's six.

use crate::error::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum AreaCode {
    Gemeente(String),
    Wijk(String),
    Buurt(String),
}

impl AreaCode {
    pub fn parse(input: &str) -> Result<AreaCode, ParseError> {
        let s = input.trim().to_ascii_uppercase();
        // Cut on a character boundary: `split_at(2)` panics inside a character such as `€`.
        let (prefix, digits) = s.split_at(s.char_indices().nth(2).map_or(s.len(), |(at, _)| at));
        let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        match (prefix, digits.len()) {
            ("GM", 4) if all_digits => Ok(AreaCode::Gemeente(digits.to_string())),
            ("WK", 6) if all_digits => Ok(AreaCode::Wijk(digits.to_string())),
            ("BU", 8) if all_digits => Ok(AreaCode::Buurt(digits.to_string())),
            _ => Err(ParseError::new(
                "gebiedscode",
                "een CBS-gebiedscode is GM met 4, WK met 6 of BU met 8 cijfers",
                "a CBS area code is GM with 4, WK with 6 or BU with 8 digits",
            )),
        }
    }

    pub fn wijk(gemeente: u16, wijk: u8) -> AreaCode {
        AreaCode::Wijk(format!("{gemeente:04}{wijk:02}"))
    }

    pub fn buurt(gemeente: u16, wijk: u8, buurt: u8) -> AreaCode {
        AreaCode::Buurt(format!("{gemeente:04}{wijk:02}{buurt:02}"))
    }

    /// The area this one lies in: a buurt's wijk, a wijk's gemeente.
    pub fn parent(&self) -> Option<AreaCode> {
        match self {
            AreaCode::Gemeente(_) => None,
            AreaCode::Wijk(d) => Some(AreaCode::Gemeente(d[..4].to_string())),
            AreaCode::Buurt(d) => Some(AreaCode::Wijk(d[..6].to_string())),
        }
    }

    pub fn code(&self) -> String {
        match self {
            AreaCode::Gemeente(d) => format!("GM{d}"),
            AreaCode::Wijk(d) => format!("WK{d}"),
            AreaCode::Buurt(d) => format!("BU{d}"),
        }
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl TryFrom<String> for AreaCode {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        AreaCode::parse(&s)
    }
}

impl From<AreaCode> for String {
    fn from(a: AreaCode) -> String {
        a.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_nests() {
        let bu = AreaCode::parse("bu03440102");
        assert_eq!(bu, Ok(AreaCode::Buurt("03440102".into())));
        let wk = bu.ok().and_then(|b| b.parent());
        assert_eq!(wk.as_ref().map(AreaCode::code), Some("WK034401".to_string()));
        assert_eq!(wk.and_then(|w| w.parent()).map(|g| g.code()), Some("GM0344".to_string()));
        assert_eq!(AreaCode::buurt(344, 1, 2).code(), "BU03440102");
    }

    #[test]
    fn refuses_wrong_lengths_and_prefixes() {
        for s in ["GM344", "WK0344011", "BU0344010", "XX0344", "BU0344010a", "", "G", "€", "G€0344", "é", "NL00"] {
            assert!(AreaCode::parse(s).is_err(), "{s}");
        }
    }
}
