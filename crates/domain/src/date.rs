//! Dates as partners and forms write them: ISO (2026-03-01) and Dutch (1-3-2026, 01-03-2026).

use crate::error::ParseError;
use time::{Date, Month};

pub fn parse_date(input: &str) -> Result<Date, ParseError> {
    let err = || ParseError::new("datum", "schrijf een datum als 31-12-2026 of 2026-12-31", "write a date as 31-12-2026 or 2026-12-31");
    let parts: Vec<&str> = input.trim().split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else { return Err(err()) };
    let num = |s: &str| -> Result<i32, ParseError> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        s.parse().map_err(|_| err())
    };
    let (year, month, day) = if a.len() == 4 { (num(a)?, num(b)?, num(c)?) } else if c.len() == 4 { (num(c)?, num(b)?, num(a)?) } else { return Err(err()) };
    if !(1850..=2200).contains(&year) {
        return Err(ParseError::new("datum", "het jaartal ligt niet tussen 1850 en 2200", "the year is not between 1850 and 2200"));
    }
    let month = u8::try_from(month).ok().and_then(|m| Month::try_from(m).ok()).ok_or_else(err)?;
    let day = u8::try_from(day).map_err(|_| err())?;
    Date::from_calendar_date(year, month, day)
        .map_err(|_| ParseError::new("datum", "deze datum bestaat niet", "this date does not exist"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn iso_and_dutch_forms() {
        assert_eq!(parse_date("2026-03-01"), Ok(date!(2026 - 03 - 01)));
        assert_eq!(parse_date("1-3-2026"), Ok(date!(2026 - 03 - 01)));
        assert_eq!(parse_date("01/03/2026"), Ok(date!(2026 - 03 - 01)));
        assert_eq!(parse_date("29.02.2024"), Ok(date!(2024 - 02 - 29)));
    }

    #[test]
    fn refuses_impossible_dates() {
        for s in ["2026-02-30", "31-4-2026", "2026-13-01", "01-01-26", "", "1-1-1700", "x-1-2026", "2026-1"] {
            assert!(parse_date(s).is_err(), "{s}");
        }
    }
}
