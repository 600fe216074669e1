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
