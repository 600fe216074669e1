//! The burgerservicenummer: nine digits passing the 11-check. Optional and sensitive, so its
//! Debug form is redacted and it never appears in a message.

use crate::error::ParseError;
use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Bsn(String);

impl Bsn {
    /// Accepts nine digits (eight with a leading zero dropped is common in spreadsheets);
    /// spaces and dots between groups are ignored.
    pub fn parse(input: &str) -> Result<Bsn, ParseError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
        let err = |nl: &str, en: &str| ParseError::new("BSN", nl, en);
        if !digits.chars().all(|c| c.is_ascii_digit()) || !(8..=9).contains(&digits.len()) {
            return Err(err("een BSN bestaat uit negen cijfers", "a BSN is nine digits"));
        }
        let digits = format!("{digits:0>9}");
        let sum: i64 = digits
            .bytes()
            .enumerate()
            .map(|(i, b)| {
                let d = i64::from(b - b'0');
                if i == 8 { -d } else { d * (9 - i as i64) }
            })
            .sum();
        if sum % 11 != 0 || digits == "000000000" {
            return Err(err("dit BSN klopt niet (de elfproef faalt)", "this BSN is not valid (the 11-check fails)"));
        }
        Ok(Bsn(digits))
    }

    /// The nine digits, for storage only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Bsn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bsn(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_check() {
        assert!(Bsn::parse("111222333").is_ok());
        assert!(Bsn::parse("123456782").is_ok());
        assert!(Bsn::parse("1112.22.333").is_ok());
        assert!(Bsn::parse("123456789").is_err());
        assert!(Bsn::parse("000000000").is_err());
        assert!(Bsn::parse("12345678a").is_err());
        assert!(Bsn::parse("1234567").is_err());
    }

    #[test]
    fn debug_is_redacted() {
        let bsn = Bsn::parse("111222333").map(|b| format!("{b:?}"));
        assert_eq!(bsn, Ok("Bsn(***)".to_string()));
    }
}
