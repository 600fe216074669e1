//! The one error a parser gives: which kind of value was wrong and why, in Dutch and English.
//! Messages never repeat the rejected input, so they are safe to log and to show.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The kind of value, e.g. "postcode"; the edge adds the form field's label.
    pub what: &'static str,
    pub reason_nl: String,
    pub reason_en: String,
}

impl ParseError {
    pub fn new(what: &'static str, reason_nl: impl Into<String>, reason_en: impl Into<String>) -> Self {
        ParseError { what, reason_nl: reason_nl.into(), reason_en: reason_en.into() }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what, self.reason_en)
    }
}

impl std::error::Error for ParseError {}
