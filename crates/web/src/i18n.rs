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

    /// An instant as the Dutch clock shows it, "28-11-2026 14:05".
    pub fn time(&self, at: &time::OffsetDateTime) -> String {
        local_time(at)
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

/// "28-11-2026 14:05" in Dutch time (winter and summer time, `domain::local`).
pub fn local_time(at: &time::OffsetDateTime) -> String {
    let local = domain::local::dutch(*at);
    format!("{:02}-{:02}-{} {:02}:{:02}", local.day(), u8::from(local.month()), local.year(), local.hour(), local.minute())
}
