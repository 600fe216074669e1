//! Dutch address parts as the BAG defines them: postcode, house number with letter and
//! addition, and RD coordinates (EPSG:28992, metres).

use crate::error::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;

/// A Dutch postcode, stored canonically as `1234AB`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    /// Accepts `1234AB`, `1234 ab`, `1234  AB` (four digits, then spaces or none, then two
    /// letters); refuses a leading zero, the letter pairs SA, SD, SS, and spaces inside the
    /// digits or the letters (`12 34AB`).
    pub fn parse(input: &str) -> Result<Postcode, ParseError> {
        let s = input.trim();
        let (digits, letters) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
        // ASCII only: Unicode case mapping would turn `ﬀ` into `FF` or `ı` into `I`.
        let compact = format!("{digits}{}", letters.trim_start()).to_ascii_uppercase();
        let err = |nl: &str, en: &str| ParseError::new("postcode", nl, en);
        let bytes = compact.as_bytes();
        if digits.len() != 4 || bytes.len() != 6 {
            return Err(err(
                "een postcode bestaat uit vier cijfers en twee letters, zoals 1234 AB",
                "a postcode is four digits and two letters, like 1234 AB",
            ));
        }
        let (digits, letters) = bytes.split_at(4);
        if !digits.iter().all(u8::is_ascii_digit) || !letters.iter().all(u8::is_ascii_uppercase) {
            return Err(err(
                "een postcode bestaat uit vier cijfers en twee letters, zoals 1234 AB",
                "a postcode is four digits and two letters, like 1234 AB",
            ));
        }
        if digits[0] == b'0' {
            return Err(err("een postcode begint niet met een 0", "a postcode does not start with 0"));
        }
        if matches!(letters, b"SA" | b"SD" | b"SS") {
            return Err(err("de letters SA, SD en SS komen in postcodes niet voor", "the letters SA, SD and SS are not used in postcodes"));
        }
        Ok(Postcode(compact))
    }

    /// `1234AB`
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `1234 AB`, as written on letters.
    pub fn display(&self) -> String {
        format!("{} {}", &self.0[..4], &self.0[4..])
    }

    /// The four digits (the postcode area).
    pub fn digits(&self) -> u16 {
        self.0[..4].parse().unwrap_or(0)
    }
}

impl fmt::Debug for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Postcode({})", self.0)
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl TryFrom<String> for Postcode {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Postcode::parse(&s)
    }
}

impl From<Postcode> for String {
    fn from(p: Postcode) -> String {
        p.0
    }
}

/// A BAG house number: number 1–99999, an optional letter and an optional addition of up to
/// four letters or digits ("12", "12a", "12-A", "12 hs", "12-2", "12 A 3").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HouseNumber {
    pub number: u32,
    pub letter: Option<char>,
    pub addition: Option<String>,
}

impl HouseNumber {
    /// From separate BAG fields (number, letter, addition), as files and forms deliver them.
    pub fn new(number: u32, letter: Option<char>, addition: Option<&str>) -> Result<HouseNumber, ParseError> {
        let err = |nl: &str, en: &str| ParseError::new("huisnummer", nl, en);
        if !(1..=99_999).contains(&number) {
            return Err(err("een huisnummer ligt tussen 1 en 99999", "a house number lies between 1 and 99999"));
        }
        let letter = match letter {
            Some(c) if c.is_ascii_alphabetic() => Some(c.to_ascii_uppercase()),
            Some(_) => return Err(err("een huisletter is één letter van A tot Z", "a house letter is one letter from A to Z")),
            None => None,
        };
        let addition = match addition.map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) if a.len() <= 4 && a.chars().all(|c| c.is_ascii_alphanumeric()) => Some(a.to_ascii_uppercase()),
            Some(_) => {
                return Err(err(
                    "een huisnummertoevoeging is hoogstens vier letters of cijfers",
                    "a house number addition is at most four letters or digits",
                ))
            }
            None => None,
        };
        // Written out, "12-A" reads as house letter A; a lone letter is the letter, not an addition.
        if letter.is_none() && addition.as_deref().is_some_and(|a| a.len() == 1 && a.chars().all(|c| c.is_ascii_alphabetic())) {
            return Err(err(
                "een losse letter na het huisnummer is de huisletter, geen toevoeging",
                "a lone letter after the house number is the house letter, not an addition",
            ));
        }
        Ok(HouseNumber { number, letter, addition })
    }

    /// Parses the forms people write; a single letter right after the number is the BAG
    /// letter, anything after a separator is the addition.
    pub fn parse(input: &str) -> Result<HouseNumber, ParseError> {
        let err = |nl: &str, en: &str| ParseError::new("huisnummer", nl, en);
        let s = input.trim();
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        if digits_end == 0 {
            return Err(err("een huisnummer begint met een getal, zoals 12 of 12a", "a house number starts with a number, like 12 or 12a"));
        }
        let number: u32 = s[..digits_end]
            .parse()
            .map_err(|_| err("het huisnummer is te groot", "the house number is too large"))?;
        if !(1..=99_999).contains(&number) {
            return Err(err("een huisnummer ligt tussen 1 en 99999", "a house number lies between 1 and 99999"));
        }
        let rest = &s[digits_end..];
        let parts: Vec<&str> = rest.split(['-', ' ', '/']).filter(|p| !p.is_empty()).collect();
        let (mut letter, mut addition_parts) = (None, Vec::new());
        for (i, part) in parts.iter().enumerate() {
            if !part.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(err(
                    "een huisnummertoevoeging bevat alleen letters en cijfers",
                    "a house number addition holds only letters and digits",
                ));
            }
            // "12a", "12 A", "12-A": a lone letter directly following is the BAG letter.
            let lone_letter = part.len() == 1 && part.chars().all(|c| c.is_ascii_alphabetic());
            if i == 0 && lone_letter {
                letter = part.chars().next().map(|c| c.to_ascii_uppercase());
            } else if i == 0 && !rest.starts_with(['-', ' ', '/']) && part.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && part.len() > 1 {
                // "12a3" → letter A, addition 3; "12hs" → addition HS
                let first = part.chars().next().unwrap_or('A');
                let tail = &part[1..];
                if tail.chars().all(|c| c.is_ascii_digit()) {
                    letter = Some(first.to_ascii_uppercase());
                    addition_parts.push(tail.to_string());
                } else {
                    addition_parts.push(part.to_ascii_uppercase());
                }
            } else {
                addition_parts.push(part.to_ascii_uppercase());
            }
        }
        let addition = if addition_parts.is_empty() { None } else { Some(addition_parts.concat()) };
        if addition.as_ref().is_some_and(|a| a.len() > 4) {
            return Err(err(
                "een huisnummertoevoeging is hoogstens vier tekens",
                "a house number addition is at most four characters",
            ));
        }
        Ok(HouseNumber { number, letter, addition })
    }
}

impl fmt::Display for HouseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number)?;
        if let Some(l) = self.letter {
            write!(f, "{l}")?;
        }
        if let Some(a) = &self.addition {
            write!(f, "-{a}")?;
        }
        Ok(())
    }
}

/// A point in the Dutch national grid (Rijksdriehoeksstelsel, EPSG:28992), in metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RdPoint {
    pub x: f64,
    pub y: f64,
}

impl RdPoint {
    /// The RD grid's x over the Netherlands' land and coastal waters, in metres.
    pub const X_BOUNDS: RangeInclusive<f64> = 0.0..=300_000.0;
    /// The RD grid's y over the Netherlands' land and coastal waters, in metres.
    pub const Y_BOUNDS: RangeInclusive<f64> = 289_000.0..=629_000.0;

    /// A point within [`RdPoint::X_BOUNDS`] and [`RdPoint::Y_BOUNDS`].
    pub fn new(x: f64, y: f64) -> Result<RdPoint, ParseError> {
        let inside = Self::X_BOUNDS.contains(&x) && Self::Y_BOUNDS.contains(&y);
        if !inside {
            return Err(ParseError::new(
                "RD-coördinaat",
                "RD-coördinaten liggen tussen x 0–300000 en y 289000–629000 meter",
                "RD coordinates lie within x 0–300000 and y 289000–629000 metres",
            ));
        }
        Ok(RdPoint { x, y })
    }

    pub fn distance_m(&self, other: &RdPoint) -> f64 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode_accepts_common_forms_and_canonicalises() {
        for input in ["1234AB", "1234 ab", " 1234  Ab "] {
            assert_eq!(Postcode::parse(input).map(|p| p.as_str().to_string()), Ok("1234AB".to_string()));
        }
        assert_eq!(Postcode::parse("3511 LX").map(|p| p.display()), Ok("3511 LX".to_string()));
    }

    #[test]
    fn postcode_refuses_what_postnl_does_not_issue() {
        for input in ["0123AB", "0123 AB", "1234SA", "1234 SD", "1234ss", "1234 SS", "123AB", "12345A", "1234A", "ABCD12", "", "1234ÄB", "12 34AB", "1234 A B", "AB 1234", "1234-AB"] {
            assert!(Postcode::parse(input).is_err(), "{input} should be refused");
        }
    }

    #[test]
    fn house_number_forms_people_write() {
        let hn = |s| HouseNumber::parse(s).map(|h| h.to_string());
        assert_eq!(hn("12"), Ok("12".into()));
        assert_eq!(hn("12a"), Ok("12A".into()));
        assert_eq!(hn("12-A"), Ok("12A".into()));
        assert_eq!(hn("12 A"), Ok("12A".into()));
        assert_eq!(hn("12 hs"), Ok("12-HS".into()));
        assert_eq!(hn("12 bis"), Ok("12-BIS".into()));
        assert_eq!(hn("12-2"), Ok("12-2".into()));
        assert_eq!(hn("12a3"), Ok("12A-3".into()));
        assert_eq!(hn("12 A 3"), Ok("12A-3".into()));
        assert!(HouseNumber::parse("a12").is_err());
        assert!(HouseNumber::parse("0").is_err());
        assert!(HouseNumber::parse("100000").is_err());
        assert!(HouseNumber::parse("12-toolong").is_err());
        assert!(HouseNumber::parse("12 #").is_err());
        assert!(HouseNumber::parse("").is_err());
    }

    #[test]
    fn house_number_new_round_trips() {
        let h = HouseNumber::new(7, Some('b'), Some("2"));
        assert_eq!(h.map(|h| h.to_string()), Ok("7B-2".into()));
        for (n, l, a) in [(12, None, Some("HS")), (1, Some('A'), Some("B")), (3, None, Some("1A")), (99_999, Some('z'), None)] {
            let h = HouseNumber::new(n, l, a);
            assert!(h.is_ok(), "{n} {l:?} {a:?}");
            let h = h.unwrap_or(HouseNumber { number: 1, letter: None, addition: None });
            assert_eq!(HouseNumber::parse(&h.to_string()), Ok(h));
        }
    }

    /// Found by the fuzzer (fuzz/regressions/house_number): each was built into a text that
    /// parsed back as a different house number.
    #[test]
    fn house_number_new_refuses_what_it_cannot_write_back() {
        assert!(HouseNumber::new(1, Some('1'), None).is_err(), "a digit as letter made number 11");
        assert!(HouseNumber::new(1, Some('\n'), None).is_err(), "a newline letter was dropped");
        assert!(HouseNumber::new(1, None, Some("A B")).is_err(), "an addition with a space was joined");
        assert!(HouseNumber::new(1, None, Some("-")).is_err(), "a separator addition was dropped");
        assert!(HouseNumber::new(0, Some('2'), None).is_err(), "number 0 with letter 2 gave 2");
        assert!(HouseNumber::new(1, None, Some("A")).is_err(), "a lone letter addition reads back as the letter");
    }

    /// Found by the fuzzer (fuzz/regressions/postcode): Unicode case mapping made letters.
    #[test]
    fn postcode_refuses_letters_that_only_uppercase_to_ascii() {
        assert!(Postcode::parse("1234\u{fb00}").is_err(), "the ligature ff");
        assert!(Postcode::parse("1234\u{131}\u{131}").is_err(), "dotless i");
    }

    #[test]
    fn rd_point_bounds() {
        assert!(RdPoint::new(155_000.0, 463_000.0).is_ok());
        assert!(RdPoint::new(-1.0, 463_000.0).is_err());
        assert!(RdPoint::new(155_000.0, 100.0).is_err());
        assert!(RdPoint::new(f64::NAN, 463_000.0).is_err());
    }
}
