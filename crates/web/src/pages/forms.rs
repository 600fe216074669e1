//! What every form shares: the text input with its label and error (`Field`, rendered by the
//! `field` macro), reading a posted form, turning the parser's and the store's refusals into
//! field errors.

use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use std::collections::HashMap;

/// A text input with its label, value and error, rendered by the `field` macro.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
    pub hint: Option<String>,
    pub autocomplete: &'static str,
    pub required: bool,
    pub kind: &'static str,
}

impl Field {
    pub fn new(name: &'static str, label: &str, value: &str, errors: &[FieldError], t: &Lang) -> Field {
        Field {
            name,
            label: label.to_string(),
            value: value.to_string(),
            error: errors.iter().find(|e| e.field == name).map(|e| e.message(t).to_string()),
            hint: None,
            autocomplete: "off",
            required: false,
            kind: "text",
        }
    }

    pub fn hint(mut self, hint: &str) -> Field {
        self.hint = Some(hint.to_string());
        self
    }

    pub fn autocomplete(mut self, a: &'static str) -> Field {
        self.autocomplete = a;
        self
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn kind(mut self, k: &'static str) -> Field {
        self.kind = k;
        self
    }

    /// The ids the input is described by: its hint and its error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-fout", self.name));
        }
        ids.join(" ")
    }
}

/// The field names of a signal (DDAS terms), as `'static` names for field errors.
pub const SIGNAL_FIELDS: &[&str] = &[
    "soort", "signaaldatum", "ontstaansdatum", "bedrag", "crisissignaal", "warme_overdracht", "zorg", "client", "bsn", "voorletters", "voornaam",
    "voorvoegsel", "achternaam", "geboortedatum", "straatnaam", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "plaatsnaam", "telefoon", "email",
];

/// Fields of a signal beside the DDAS ones: the partner's own reference and the confidential
/// subjects.
const OWN_SIGNAL_FIELDS: &[&str] = &["eigen_kenmerk", "vertrouwelijk"];

pub fn static_field(name: &str) -> &'static str {
    SIGNAL_FIELDS.iter().chain(OWN_SIGNAL_FIELDS).copied().find(|f| *f == name).unwrap_or("signaal")
}

/// The parser's errors as form/API field errors: "bedrag: schrijf het bedrag in hele euro's…".
pub fn field_errors(errors: Vec<domain::signal::FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError { field: static_field(&e.field), message_nl: format!("{}: {}.", e.field, e.reason_nl), message_en: format!("{}: {}.", e.field, e.reason_en) })
        .collect()
}

/// A rule the store refused as a field error the form shows; any other error is a page.
pub(crate) fn field_error(e: store::StoreError) -> Result<FieldError, AppError> {
    match e {
        store::StoreError::Invalid { field, message_nl, message_en } => Ok(FieldError { field, message_nl, message_en }),
        e => Err(AppError::from(e)),
    }
}


pub(crate) fn parse_id(id: &str) -> Result<i64, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

/// A posted form as field → values (checkboxes repeat their name).
pub(crate) fn grouped(pairs: Vec<(String, String)>) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in pairs {
        m.entry(k).or_default().push(v);
    }
    m
}

pub(crate) fn first<'a>(form: &'a HashMap<String, Vec<String>>, name: &str) -> &'a str {
    form.get(name).and_then(|v| v.first()).map(String::as_str).unwrap_or("")
}

pub(crate) fn codes<T: Copy>(form: &HashMap<String, Vec<String>>, name: &str, parse: fn(&str) -> Option<T>) -> Vec<T> {
    form.get(name).map(|v| v.iter().filter_map(|c| parse(c)).collect()).unwrap_or_default()
}

pub(crate) fn pick<T>(form: &HashMap<String, Vec<String>>, name: &'static str, parse: fn(&str) -> Option<T>, nl: &str, en: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    let v = parse(first(form, name));
    if v.is_none() {
        errors.push(FieldError { field: name, message_nl: format!("{nl}: maak een keuze."), message_en: format!("{en}: make a choice.") });
    }
    v
}

