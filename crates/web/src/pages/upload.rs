//! A file upload form (multipart): its text fields, the CSRF token checked, and one file of at
//! most `max_file` bytes; what the import pages share. A file that is too large or missing is a
//! field error on "bestand", so the page can show it beside the field.

use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use std::collections::HashMap;

pub struct Upload {
    pub fields: HashMap<String, String>,
    /// The file's bytes, or why there is none to read.
    pub file: Result<Vec<u8>, FieldError>,
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// The body's limit on the route is the file's limit plus this much for the other fields.
pub const FORM_OVERHEAD: usize = 64 * 1024;

/// The page's limit: at most `bytes` of file, and what the page says about it (Dutch, English).
pub struct Limit {
    pub bytes: usize,
    pub nl: &'static str,
    pub en: &'static str,
}

pub async fn read(user: &PageUser, multipart: Result<Multipart, MultipartRejection>, limit: &Limit) -> Result<Upload, AppError> {
    let max_file = limit.bytes;
    let too_large = || FieldError { field: "bestand", message_nl: limit.nl.into(), message_en: limit.en.into() };
    let bad = |status: StatusCode| match status {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge(limit.nl, limit.en),
        _ => AppError::BadRequest("Het formulier is niet goed verstuurd; probeer het opnieuw.", "The form was not sent properly; please try again."),
    };
    let mut multipart = multipart.map_err(|e| bad(e.status()))?;
    let mut fields = HashMap::new();
    let mut file = Err(FieldError { field: "bestand", message_nl: "Bestand: kies een CSV-bestand.".into(), message_en: "File: choose a CSV file.".into() });
    while let Some(field) = multipart.next_field().await.map_err(|e| bad(e.status()))? {
        match field.name().unwrap_or("").to_string() {
            name if name == "bestand" => {
                let bytes = field.bytes().await.map_err(|e| bad(e.status()))?;
                file = if bytes.len() > max_file {
                    Err(too_large())
                } else if bytes.is_empty() {
                    file
                } else {
                    Ok(bytes.to_vec())
                };
            }
            name => {
                let text = field.text().await.map_err(|e| bad(e.status()))?;
                fields.insert(name, text);
            }
        }
    }
    user.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    Ok(Upload { fields, file })
}

/// A BAG address file read whole, or every bad line as text.
pub fn bag_file(bytes: &[u8]) -> Result<domain::campaign::BagFile, Vec<String>> {
    let table = domain::csv::parse(bytes).map_err(|e| vec![e.to_string()])?;
    domain::campaign::bag_addresses(&table).map_err(|errors| errors.iter().map(ToString::to_string).collect())
}

/// The store's refusal of a file's lines as text, other refusals as a field error.
pub fn store_refusal(e: store::StoreError) -> Result<(Vec<FieldError>, Vec<String>), AppError> {
    match e {
        store::StoreError::Lines(lines) => Ok((Vec::new(), lines.iter().map(ToString::to_string).collect())),
        e => Ok((vec![super::forms::field_error(e)?], Vec::new())),
    }
}
