//! How dates and instants are written in the database: ISO text that sorts the same on both
//! backends ('2026-11-28', '2026-11-28T15:04:05Z', always UTC).

use crate::StoreError;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

pub fn instant(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC).replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

pub fn parse_instant(s: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|_| StoreError::corrupt("instant"))
}

pub fn date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub fn parse_date(s: &str) -> Result<Date, StoreError> {
    domain::parse_date(s).map_err(|_| StoreError::corrupt("date"))
}
