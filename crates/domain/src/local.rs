//! Dutch time: the wall clock of Europe/Amsterdam (winter and summer time from the tz database,
//! compiled in), the part of the day a moment falls in, and the working days that skip Dutch
//! public holidays. Instants stay UTC everywhere else; this is where they meet the clock on
//! the wall.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset, Weekday};

fn amsterdam() -> &'static jiff::tz::TimeZone {
    static ZONE: OnceLock<jiff::tz::TimeZone> = OnceLock::new();
    // The bundled database always has the zone; a fixed CET would only be wrong in summer.
    ZONE.get_or_init(|| jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(1))))
}

/// The offset of Dutch time at an instant: +01:00 in winter, +02:00 in summer.
pub fn offset_at(at: OffsetDateTime) -> UtcOffset {
    let seconds = jiff::Timestamp::from_second(at.unix_timestamp()).map(|ts| amsterdam().to_offset(ts).seconds()).unwrap_or(3600);
    UtcOffset::from_whole_seconds(seconds).unwrap_or(UtcOffset::UTC)
}

/// The instant as the clock in the Netherlands shows it.
pub fn dutch(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(offset_at(at))
}

/// A wall-clock time in the Netherlands (a form's `datetime-local`) as an instant. In the hour
/// that does not exist (spring forward) it is read with the winter offset; in the hour that
/// comes twice (autumn) the first one is taken, as clocks and people do.
pub fn from_dutch(local: PrimitiveDateTime) -> OffsetDateTime {
    let civil = jiff::civil::DateTime::new(
        i16::try_from(local.year()).unwrap_or(2000),
        u8::from(local.month()) as i8,
        local.day() as i8,
        local.hour() as i8,
        local.minute() as i8,
        local.second() as i8,
        0,
    );
    civil
        .ok()
        .and_then(|c| amsterdam().to_ambiguous_timestamp(c).compatible().ok())
        .and_then(|ts| OffsetDateTime::from_unix_timestamp(ts.as_second()).ok())
        .unwrap_or_else(|| local.assume_offset(UtcOffset::from_hms(1, 0, 0).unwrap_or(UtcOffset::UTC)))
        .to_offset(UtcOffset::UTC)
}

/// Whether Liberation Day (5 May) is a day off: every year, or once in five years (2025, 2030,
/// …) as many collective agreements have it. A municipality's setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LiberationDay {
    #[default]
    Yearly,
    Lustrum,
}

impl LiberationDay {
    pub fn from_code(code: &str) -> Option<LiberationDay> {
        match code {
            "yearly" | "jaarlijks" => Some(LiberationDay::Yearly),
            "lustrum" | "eens-in-vijf-jaar" => Some(LiberationDay::Lustrum),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            LiberationDay::Yearly => "yearly",
            LiberationDay::Lustrum => "lustrum",
        }
    }
}

/// Easter Sunday (the anonymous Gregorian computus).
pub fn easter(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = if month == 3 { Month::March } else { Month::April };
    Date::from_calendar_date(year, month, day as u8).unwrap_or(Date::MIN)
}

/// The Dutch public holidays of a year: New Year's Day, Easter Monday, King's Day (27 April, or
/// the 26th when the 27th is a Sunday), Liberation Day (by the setting), Ascension Day, Whit
/// Monday and both Christmas days. Easter and Whit Sunday fall on Sundays anyway.
pub fn public_holidays(year: i32, liberation: LiberationDay) -> Vec<Date> {
    let day = |month: Month, d: u8| Date::from_calendar_date(year, month, d).ok();
    let easter = easter(year);
    let kings = day(Month::April, 27).map(|d| if d.weekday() == Weekday::Sunday { d - Duration::days(1) } else { d });
    let liberation = match liberation {
        LiberationDay::Yearly => day(Month::May, 5),
        LiberationDay::Lustrum if year % 5 == 0 => day(Month::May, 5),
        LiberationDay::Lustrum => None,
    };
    [day(Month::January, 1), Some(easter + Duration::days(1)), kings, liberation, Some(easter + Duration::days(39)), Some(easter + Duration::days(50)), day(Month::December, 25), day(Month::December, 26)]
        .into_iter()
        .flatten()
        .collect()
}

/// Whether a date is a working day: Monday to Friday and not a public holiday.
pub fn is_working_day(date: Date, liberation: LiberationDay) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !public_holidays(date.year(), liberation).contains(&date)
}

/// `days` working days after `from`.
pub fn add_working_days(from: Date, days: u32, liberation: LiberationDay) -> Date {
    let mut date = from;
    let mut left = days;
    while left > 0 {
        let Some(next) = date.next_day() else { break };
        date = next;
        if is_working_day(date, liberation) {
            left -= 1;
        }
    }
    date
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn the_offset_changes_on_the_last_sundays_of_march_and_october() {
        assert_eq!(offset_at(datetime!(2026-03-29 00:59 UTC)).whole_hours(), 1);
        assert_eq!(offset_at(datetime!(2026-03-29 01:00 UTC)).whole_hours(), 2);
        assert_eq!(offset_at(datetime!(2026-10-25 00:59 UTC)).whole_hours(), 2);
        assert_eq!(offset_at(datetime!(2026-10-25 01:00 UTC)).whole_hours(), 1);
        assert_eq!(dutch(datetime!(2026-12-02 17:30 UTC)).hour(), 18);
    }

    #[test]
    fn wall_clock_times_from_a_form_become_instants() {
        assert_eq!(from_dutch(datetime!(2026-12-01 19:30)), datetime!(2026-12-01 18:30 UTC));
        assert_eq!(from_dutch(datetime!(2026-07-01 19:30)), datetime!(2026-07-01 17:30 UTC));
        // 02:30 on 25 October 2026 happens twice: the first (summer time) one.
        assert_eq!(from_dutch(datetime!(2026-10-25 02:30)), datetime!(2026-10-25 00:30 UTC));
    }

    #[test]
    fn easter_and_the_holidays_that_follow_it() {
        assert_eq!(easter(2026), date!(2026-04-05));
        assert_eq!(easter(2027), date!(2027-03-28));
        assert_eq!(easter(2025), date!(2025-04-20));
        let h = public_holidays(2026, LiberationDay::Yearly);
        for d in [date!(2026-01-01), date!(2026-04-06), date!(2026-04-27), date!(2026-05-05), date!(2026-05-14), date!(2026-05-25), date!(2026-12-25), date!(2026-12-26)] {
            assert!(h.contains(&d), "{d}");
        }
        // King's Day 2025 fell on a Sunday: the Saturday before.
        assert!(public_holidays(2025, LiberationDay::Yearly).contains(&date!(2025-04-26)));
        assert!(!public_holidays(2026, LiberationDay::Lustrum).contains(&date!(2026-05-05)));
        assert!(public_holidays(2030, LiberationDay::Lustrum).contains(&date!(2030-05-05)));
    }

    #[test]
    fn the_crisis_term_skips_weekends_and_holidays() {
        // A crisis signal on Wednesday 23 December 2026: Thursday 24, (25, 26 Christmas, 27 Sunday),
        // Monday 28, Tuesday 29.
        assert_eq!(add_working_days(date!(2026-12-23), 3, LiberationDay::Yearly), date!(2026-12-29));
        // Before Easter 2026: Thursday 2 April → Friday 3, (Easter Monday 6), Tuesday 7, Wednesday 8.
        assert_eq!(add_working_days(date!(2026-04-02), 3, LiberationDay::Yearly), date!(2026-04-08));
        // Liberation Day 2026 (a Tuesday) counts only when it is a yearly day off.
        assert_eq!(add_working_days(date!(2026-05-04), 1, LiberationDay::Yearly), date!(2026-05-06));
        assert_eq!(add_working_days(date!(2026-05-04), 1, LiberationDay::Lustrum), date!(2026-05-05));
        assert_eq!(add_working_days(date!(2026-11-27), 3, LiberationDay::Yearly), date!(2026-12-02), "a plain weekend");
    }
}
