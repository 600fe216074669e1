//! The one error type at the HTTP edge: maps to status codes, logs server errors without
//! showing them, and carries field errors a form or API client can show — as a page, or as an
//! RFC 9457 problem for the API. Never personal data.

use crate::i18n::Lang;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use store::StoreError;

/// A field that failed validation: the form field's name and the message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message_nl: String,
    pub message_en: String,
}

impl FieldError {
    /// Prefixes the parser's reason with the field's Dutch and English label.
    pub fn from_parse(field: &'static str, label_nl: &str, label_en: &str, e: &domain::ParseError) -> FieldError {
        FieldError { field, message_nl: format!("{label_nl}: {}.", e.reason_nl), message_en: format!("{label_en}: {}.", e.reason_en) }
    }

    pub fn required(field: &'static str, label_nl: &str, label_en: &str) -> FieldError {
        FieldError { field, message_nl: format!("{label_nl}: vul dit veld in."), message_en: format!("{label_en}: this field is required.") }
    }

    pub fn message(&self, t: &Lang) -> &str {
        t.s(&self.message_nl, &self.message_en)
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("unauthorized")]
    Unauthorized,
    #[error("bad request")]
    BadRequest(&'static str, &'static str),
    /// The body is larger than the route takes.
    #[error("payload too large")]
    TooLarge(&'static str, &'static str),
    /// The body is not in the form the route takes (e.g. not JSON).
    #[error("unsupported media type")]
    UnsupportedMediaType(&'static str, &'static str),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The path exists, the method does not (API only; pages have no such route).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// No endpoint has this path (API only): unlike [`AppError::NotFound`], which is a record
    /// that does not exist or is out of reach, this says the address itself is wrong.
    #[error("no such endpoint")]
    NoEndpoint,
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Forbidden => AppError::Forbidden,
            StoreError::Invalid { field, message_nl, message_en } => AppError::Validation(vec![FieldError { field, message_nl, message_en }]),
            StoreError::Lines(lines) => AppError::Validation(
                lines.iter().map(|l| FieldError { field: "bestand", message_nl: l.to_string(), message_en: l.to_string() }).collect(),
            ),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::NoEndpoint => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::BadRequest(..) => StatusCode::BAD_REQUEST,
            AppError::TooLarge(..) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(..) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The status the API answers: invalid input is 400 there (ADR `/core/error-handling/invalid-input`);
    /// pages answer it with 422 and the form shown again.
    pub fn api_status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::BAD_REQUEST,
            other => other.status(),
        }
    }

    /// The problem's short title in Dutch and English: the same for every occurrence of its kind.
    fn title(&self) -> (&'static str, &'static str) {
        match self {
            AppError::NotFound | AppError::NoEndpoint => ("Niet gevonden", "Not found"),
            AppError::Forbidden => ("Geen toegang", "Forbidden"),
            AppError::Unauthorized => ("Niet aangemeld", "Unauthorized"),
            AppError::BadRequest(..) => ("Ongeldig verzoek", "Bad request"),
            AppError::TooLarge(..) => ("Te groot", "Payload too large"),
            AppError::UnsupportedMediaType(..) => ("Geen JSON", "Unsupported media type"),
            AppError::Validation(_) => ("Ongeldige invoer", "Invalid input"),
            AppError::MethodNotAllowed => ("Methode niet toegestaan", "Method not allowed"),
            AppError::Internal(_) => ("Interne fout", "Internal server error"),
        }
    }

    fn texts(&self) -> (&'static str, &'static str) {
        match self {
            AppError::NotFound => ("Deze pagina of dit gegeven bestaat niet, of u heeft er geen toegang toe.", "This page or record does not exist, or you have no access to it."),
            AppError::Forbidden => ("U heeft geen toegang tot deze pagina.", "You have no access to this page."),
            AppError::Unauthorized => ("Log eerst in.", "Please log in first."),
            AppError::BadRequest(nl, en) | AppError::TooLarge(nl, en) | AppError::UnsupportedMediaType(nl, en) => (nl, en),
            AppError::Validation(_) => ("Niet alle velden zijn goed ingevuld.", "Not all fields are filled in correctly."),
            AppError::MethodNotAllowed => ("Deze methode kan hier niet; zie het OpenAPI-document.", "This method is not allowed here; see the OpenAPI document."),
            AppError::NoEndpoint => ("De API heeft geen adres als dit; zie het OpenAPI-document.", "The API has no such address; see the OpenAPI document."),
            AppError::Internal(_) => ("Er ging iets mis aan onze kant. Probeer het later opnieuw.", "Something went wrong on our side. Please try again later."),
        }
    }

    /// Server errors go to the log with the occurrence's id, so that an administrator can find
    /// the one a user reports; store errors name tables and constraints, never values.
    fn log(&self, occurrence: &str) {
        if let AppError::Internal(detail) = self {
            tracing::error!(error = %detail, occurrence, "request failed");
        }
    }

    /// A Dutch (or English) error page.
    pub fn page(&self, t: Lang) -> Response {
        self.log(&occurrence_id());
        self.render(t)
    }

    fn render(&self, t: Lang) -> Response {
        let (nl, en) = self.texts();
        let page = crate::layout::ErrorPage { t, nav: crate::layout::Nav::anonymous(), message: t.s(nl, en).to_string() };
        (self.status(), crate::layout::render(&page)).into_response()
    }

    /// An RFC 9457 problem (`application/problem+json`), as the NL API Design Rules ask for
    /// every 4xx and 5xx: `type`, `title`, `status`, `detail` and `instance` (an id for this
    /// occurrence, in the log for server errors), Dutch first with English beside it, and for
    /// invalid input every bad field at once in `invalid-params`.
    pub fn problem(&self) -> Response {
        let instance = occurrence_id();
        self.log(&instance);
        let (detail, detail_en) = self.texts();
        let (title, title_en) = self.title();
        let status = self.api_status();
        let invalid_params = match self {
            AppError::Validation(fields) => fields.iter().map(|e| InvalidParam { name: e.field, reason: e.message_nl.clone(), reason_en: e.message_en.clone() }).collect(),
            _ => Vec::new(),
        };
        let body = Problem { kind: "about:blank", title, title_en, status: status.as_u16(), detail, detail_en, instance, invalid_params };
        let mut response = (status, serde_json::to_string(&body).unwrap_or_default()).into_response();
        response.headers_mut().insert(axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/problem+json"));
        if matches!(self, AppError::Unauthorized) {
            response.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// A problem according to RFC 9457 (`application/problem+json`), Dutch with English beside it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Altijd about:blank: de status zegt wat voor probleem het is
    #[serde(rename = "type")]
    #[schema(format = "uri-reference")]
    pub kind: &'static str,
    pub title: &'static str,
    #[serde(rename = "title-en")]
    pub title_en: &'static str,
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    pub detail: &'static str,
    #[serde(rename = "detail-en")]
    pub detail_en: &'static str,
    /// urn:uuid: van dit ene voorval; bij een serverfout staat het ook in het logboek
    #[schema(format = "uri")]
    pub instance: String,
    /// Bij ongeldige invoer: elk fout veld tegelijk
    #[serde(rename = "invalid-params", skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InvalidParam>,
}

/// One bad field of a request.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InvalidParam {
    /// De naam van het veld zoals u het stuurde
    pub name: &'static str,
    pub reason: String,
    #[serde(rename = "reason-en")]
    pub reason_en: String,
}

/// A fresh id for one occurrence of a problem, `urn:uuid:` and a random (version 4) UUID: it
/// says nothing about the request, so it may be shown and logged.
fn occurrence_id() -> String {
    format!("urn:uuid:{}", uuid::Builder::from_random_bytes(rand::random()).into_uuid())
}

/// Pages render errors as pages: in Dutch here, with the error kept on the response so that
/// [`localize`] renders it again in the language of the request. Handlers can therefore use `?`
/// on anything that converts into an `AppError` without knowing the language.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut response = self.page(Lang::Nl);
        response.extensions_mut().insert(Unlocalized(self));
        response
    }
}

/// An error page rendered in Dutch before the language of the request was known.
#[derive(Clone)]
struct Unlocalized(AppError);

/// Middleware: an error page a handler returned is shown in the language the user chose (the
/// language cookie, as everywhere else).
pub async fn localize(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = crate::i18n::lang_of(req.headers());
    let mut response = next.run(req).await;
    match response.extensions_mut().remove::<Unlocalized>() {
        Some(Unlocalized(error)) if lang != Lang::Nl => {
            let headers = response.headers().clone();
            let mut again = error.render(lang);
            for (name, value) in &headers {
                if !again.headers().contains_key(name) {
                    again.headers_mut().insert(name, value.clone());
                }
            }
            again
        }
        _ => response,
    }
}

/// Wraps an error for the JSON API.
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.problem()
    }
}

pub fn html(s: String) -> Html<String> {
    Html(s)
}
