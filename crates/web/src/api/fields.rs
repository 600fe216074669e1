//! Reading a JSON request body field by field: every wrong field is collected with its own
//! reason (ADR `/core/error-handling/all-errors`), so a client learns everything at once; and
//! the store's refusals, which name the screen's fields, renamed to the API's names.

use crate::error::{AppError, FieldError};
use domain::model::{Coded, Id};
use serde_json::{Map, Value};
use time::Date;

/// A JSON object being read; errors pile up until [`Fields::finish`].
pub struct Fields<'a> {
    o: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

fn err(field: &'static str, nl: String, en: String) -> FieldError {
    FieldError { field, message_nl: nl, message_en: en }
}

impl<'a> Fields<'a> {
    /// `body` must be an object whose keys are all in `known` (the request schema's properties);
    /// `what` names the body in the error when it is not (e.g. `case`).
    pub fn of(body: &'a Value, what: &'static str, known: &[String]) -> Result<Fields<'a>, Vec<FieldError>> {
        let Some(o) = body.as_object() else { return Err(vec![err(what, "Verwacht een JSON-object.".into(), "Expected a JSON object.".into())]) };
        let mut errors = Vec::new();
        let unknown: Vec<&str> = o.keys().filter(|k| !known.contains(k)).map(String::as_str).collect();
        if !unknown.is_empty() {
            let (all, names) = (known.join(", "), unknown.len());
            errors.push(err(what, format!("Onbekend veld ({names}); bekend zijn: {all}."), format!("Unknown field ({names}); known are: {all}.")));
        }
        Ok(Fields { o, errors })
    }

    /// An optional text; `null` is none.
    pub fn text(&mut self, key: &'static str) -> Option<String> {
        match self.o.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.errors.push(err(key, format!("{key}: verwacht tekst."), format!("{key}: expected text.")));
                None
            }
        }
    }

    /// A text that must be there (its length is the store's rule).
    pub fn required_text(&mut self, key: &'static str) -> String {
        if self.o.get(key).is_none_or(Value::is_null) {
            self.errors.push(err(key, format!("{key}: vul dit in."), format!("{key}: this field is required.")));
            return String::new();
        }
        self.text(key).unwrap_or_default()
    }

    /// An optional date as `2026-12-31`.
    pub fn date(&mut self, key: &'static str) -> Option<Date> {
        let text = self.text(key)?;
        match Date::parse(&text, &time::format_description::well_known::Iso8601::DATE) {
            Ok(d) => Some(d),
            Err(_) => {
                self.errors.push(err(key, format!("{key}: verwacht een datum als 2026-12-31."), format!("{key}: expected a date like 2026-12-31.")));
                None
            }
        }
    }

    /// A date that must be there.
    pub fn required_date(&mut self, key: &'static str) -> Option<Date> {
        if self.o.get(key).is_none_or(Value::is_null) {
            self.errors.push(err(key, format!("{key}: verwacht een datum als 2026-12-31."), format!("{key}: expected a date like 2026-12-31.")));
            return None;
        }
        self.date(key)
    }

    /// One code from a fixed list; required.
    pub fn choice<T: Coded>(&mut self, key: &'static str) -> Option<T> {
        let v = self.o.get(key).and_then(Value::as_str).and_then(T::from_code);
        if v.is_none() {
            let all = T::codes().join(", ");
            self.errors.push(err(key, format!("{key}: kies uit {all}."), format!("{key}: choose from {all}.")));
        }
        v
    }

    /// A list of codes from a fixed list, at least one.
    pub fn list<T: Coded>(&mut self, key: &'static str) -> Vec<T> {
        let items = self.o.get(key).and_then(Value::as_array).filter(|a| !a.is_empty());
        let parsed: Option<Vec<T>> = items.and_then(|a| a.iter().map(|v| v.as_str().and_then(T::from_code)).collect());
        if parsed.is_none() {
            let all = T::codes().join(", ");
            self.errors.push(err(key, format!("{key}: een lijst van minstens één uit {all}."), format!("{key}: a list of at least one from {all}.")));
        }
        parsed.unwrap_or_default()
    }

    /// A yes or no; `default` when absent.
    pub fn flag(&mut self, key: &'static str, default: bool) -> bool {
        match self.o.get(key) {
            None | Some(Value::Null) => default,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.errors.push(err(key, format!("{key}: verwacht true of false."), format!("{key}: expected true or false.")));
                default
            }
        }
    }

    /// An optional whole number within `range`.
    pub fn number(&mut self, key: &'static str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
        match self.o.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_i64().filter(|n| range.contains(n)) {
                Some(n) => Some(n),
                None => {
                    let (lo, hi) = (range.start(), range.end());
                    self.errors.push(err(key, format!("{key}: een geheel getal van {lo} tot {hi}."), format!("{key}: a whole number from {lo} to {hi}.")));
                    None
                }
            },
        }
    }

    /// The number of something the client refers to (a household, a worker); required.
    pub fn id(&mut self, key: &'static str) -> Option<Id> {
        let v = self.o.get(key).and_then(Value::as_i64).filter(|id| *id > 0);
        if v.is_none() {
            self.errors.push(err(key, format!("{key}: verwacht een positief geheel getal."), format!("{key}: expected a positive whole number.")));
        }
        v
    }

    /// The raw value of a key, for a shape of its own (a map of scores).
    pub fn raw(&self, key: &str) -> Option<&'a Value> {
        self.o.get(key)
    }

    /// Adds an error found outside these readers.
    pub fn push(&mut self, e: FieldError) {
        self.errors.push(e);
    }

    /// The errors so far, and the fields they name.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// The value when every field was right, or all the errors.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, AppError> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(AppError::Validation(self.errors)),
        }
    }
}

/// The store's refusal of a rule, with the screen's field name replaced by the API's from
/// `names` (screen, API); any other store error as itself. A refusal that names no field of
/// the request is named `what`.
pub fn store_error(names: &'static [(&'static str, &'static str)], what: &'static str) -> impl Fn(store::StoreError) -> AppError {
    move |e| match e {
        store::StoreError::Invalid { .. } => AppError::Validation(renamed(names, what, [e])),
        other => AppError::from(other),
    }
}

/// Store refusals as field errors named as the API names the fields.
pub fn renamed(names: &[(&'static str, &'static str)], what: &'static str, errors: impl IntoIterator<Item = store::StoreError>) -> Vec<FieldError> {
    let mut out = Vec::new();
    for e in errors {
        match AppError::from(e) {
            AppError::Validation(fields) => out.extend(fields.into_iter().map(|f| FieldError { field: names.iter().find(|(screen, _)| *screen == f.field).map_or(what, |(_, api)| api), ..f })),
            _ => out.push(err(what, "Dit kan zo niet worden vastgelegd.".into(), "This cannot be recorded like this.".into())),
        }
    }
    out
}
