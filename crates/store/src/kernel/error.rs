//! The store's one error type and the one constructor of a rule's refusal.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("configuration: {0}")]
    Config(String),
    #[error("not found")]
    NotFound,
    /// The actor may not see or do this (need-to-know).
    #[error("forbidden")]
    Forbidden,
    /// Input that passed parsing but breaks a rule of the data, with a Dutch message.
    #[error("invalid: {field}: {message_en}")]
    Invalid { field: &'static str, message_nl: String, message_en: String },
    /// A file whose rows break a rule of the data (an address outside the municipality's
    /// buurten): every bad line named, nothing stored.
    #[error("invalid file: {} bad lines", .0.len())]
    Lines(Vec<domain::csv::CsvError>),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn corrupt(what: impl Into<String>) -> StoreError {
        StoreError::Corrupt(what.into())
    }

    /// A unique-constraint violation, which forms report as "already exists".
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// Input that breaks a rule of the data: the form field and the message in Dutch and English.
pub(crate) fn invalid(field: &'static str, nl: &str, en: &str) -> StoreError {
    StoreError::Invalid { field, message_nl: nl.into(), message_en: en.into() }
}
