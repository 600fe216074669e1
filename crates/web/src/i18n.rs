//! The language of a page: Dutch first, English by the switch (a cookie, never the URL).
//! Templates write both texts inline: `{{ t.s("Zoeken", "Search") }}`.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

pub const LANG_COOKIE: &str = "eropaf-lang";

impl Lang {
    pub fn from_cookie(value: Option<&str>) -> Lang {
        match value {
            Some("en") => Lang::En,
            _ => Lang::Nl,
        }
    }

    /// Picks the text for this language.
    pub fn s<'a>(&self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::En => en,
        }
    }

    pub fn is_nl(&self) -> bool {
        *self == Lang::Nl
    }

    pub fn code(&self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    pub fn date(&self, d: &time::Date) -> String {
        format!("{:02}-{:02}-{}", d.day(), u8::from(d.month()), d.year())
    }
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language the user chose (the language cookie), Dutch when none.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    Lang::from_cookie(cookie(headers, LANG_COOKIE))
}

/// "28-11-2026 14:05" in Dutch time (CET/CEST by the EU rule).
pub fn local_time(at: &time::OffsetDateTime) -> String {
    let local = at.to_offset(dutch_offset(*at));
    format!("{:02}-{:02}-{} {:02}:{:02}", local.day(), u8::from(local.month()), local.year(), local.hour(), local.minute())
}

/// CET (+1), or CEST (+2) from the last Sunday of March to the last Sunday of October, 01:00 UTC.
pub(crate) fn dutch_offset(at: time::OffsetDateTime) -> time::UtcOffset {
    let year = at.year();
    let last_sunday = |month: time::Month| -> Option<time::OffsetDateTime> {
        let last = time::Date::from_calendar_date(year, month, 31).ok()?;
        let back = last.weekday().number_days_from_sunday();
        Some((last - time::Duration::days(i64::from(back))).with_hms(1, 0, 0).ok()?.assume_utc())
    };
    match (last_sunday(time::Month::March), last_sunday(time::Month::October)) {
        (Some(start), Some(end)) if at >= start && at < end => time::UtcOffset::from_hms(2, 0, 0).unwrap_or(time::UtcOffset::UTC),
        _ => time::UtcOffset::from_hms(1, 0, 0).unwrap_or(time::UtcOffset::UTC),
    }
}
