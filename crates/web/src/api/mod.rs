//! The JSON API under `/api/v1`, for partner systems and tooling: bearer tokens, the same
//! need-to-know and audit as the pages, field errors in Dutch. Its OpenAPI 3.1 document is
//! generated from the same route table that builds the router, so the two cannot drift.

use crate::auth::ApiUser;
use crate::error::{ApiError, AppError};
use crate::pages::households::{parse_search, NewHouseholdForm, SearchForm};
use crate::AppState;

mod cases;
mod document;
mod fields;
pub mod schema;
mod signal_cases;
mod signals;
pub use document::openapi_document;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use serde_json::Value;
use crate::error::FieldError;
use domain::contact::Next;
use domain::model::{ContactKind, ContactOutcome, DayPart, Id};
use store::residents::{HouseholdDetail, HouseholdSummary, NewHousehold};
use store::Access;

/// A query parameter: a string, required or not, from a fixed list where `values` gives one.
pub struct QueryParam {
    pub name: &'static str,
    pub description: &'static str,
    pub required: bool,
    pub values: Option<fn() -> utoipa::openapi::schema::ObjectBuilder>,
}

/// One endpoint: method, path (OpenAPI style), handler and its documentation.
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub request: Option<&'static str>,
    /// Its own responses; `document.rs` adds what every operation shares (401 where it takes a
    /// token, 413 and 415 where it reads a body, 500).
    pub responses: &'static [(u16, &'static str, Option<&'static str>)],
    pub auth: bool,
    /// Takes an `Idempotency-Key` header.
    pub idempotent: bool,
    /// Query parameters.
    pub query: &'static [QueryParam],
    handler: fn() -> MethodRouter<AppState>,
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint {
            method: "get",
            path: "/openapi.json",
            summary: "Dit OpenAPI-document / this OpenAPI document",
            request: None,
            responses: &[(200, "OpenAPI 3.1", None)],
            auth: false,
            idempotent: false,
            query: &[],
            handler: || get(openapi),
        },
        Endpoint {
            method: "get",
            path: "/me",
            summary: "Wie ben ik / the authenticated account",
            request: None,
            responses: &[(200, "Account", Some("Me"))],
            auth: true,
            idempotent: false,
            query: &[],
            handler: || get(me),
        },
        Endpoint {
            method: "post",
            path: "/households/search",
            summary: "Huishoudens zoeken in het werkgebied / search households in the team's area",
            request: Some("HouseholdSearch"),
            responses: &[
                (200, "Gevonden huishoudens", Some("HouseholdList")),
                (400, "Geen geldige JSON of ongeldige invoer, met elk fout veld in invalid-params", Some("Problem")),
                (403, "Geen toegang", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[],
            handler: || post(search_households),
        },
        Endpoint {
            method: "post",
            path: "/households",
            summary: "Huishouden registreren / register a household with its first resident",
            request: Some("NewHousehold"),
            responses: &[
                (201, "Geregistreerd", Some("Created")),
                (400, "Geen geldige JSON of ongeldige invoer, met elk fout veld in invalid-params; er is niets opgeslagen", Some("Problem")),
                (403, "Geen toegang", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[],
            handler: || post(create_household),
        },
        Endpoint {
            method: "get",
            path: "/households/{id}",
            summary: "Eén huishouden / one household",
            request: None,
            responses: &[
                (200, "Huishouden", Some("Household")),
                (400, "Het nummer is geen positief geheel getal", Some("Problem")),
                (403, "Geen toegang", Some("Problem")),
                (404, "Bestaat niet of buiten het werkgebied", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[],
            handler: || get(household),
        },
        Endpoint {
            method: "post",
            path: "/signals",
            summary: "Signaal aanleveren (signaalpartner) / submit a signal (signal partner)",
            request: Some("NewSignal"),
            responses: &[
                (201, "Ontvangen; bij een herhaling met dezelfde Idempotency-Key en inhoud hetzelfde antwoord", Some("SignalReceipt")),
                (400, "Geen geldige JSON, geen Idempotency-Key, ongeldige invoer (elk fout veld in invalid-params), of deze Idempotency-Key hoort bij een ander signaal; er is niets opgeslagen", Some("Problem")),
                (403, "Alleen signaalpartners leveren signalen aan", Some("Problem")),
            ],
            auth: true,
            idempotent: true,
            query: &[],
            handler: || post(signals::submit_signal),
        },
        Endpoint {
            method: "get",
            path: "/signals/{id}",
            summary: "Status van een eigen signaal / status of one of your own signals",
            request: None,
            responses: &[
                (200, "Status en grove uitkomst; nooit notities, werkers of hulp", Some("SignalStatus")),
                (400, "Het nummer is geen positief geheel getal", Some("Problem")),
                (404, "Bestaat niet of is niet door uw organisatie aangeleverd", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[],
            handler: || get(signals::signal_status),
        },
        Endpoint {
            method: "get",
            path: "/households",
            summary: "Huishoudens op een adres in het werkgebied / households at an address in the team's area",
            request: None,
            responses: &[
                (200, "Huishoudens op dit adres die u mag zien (ook geen)", Some("HouseholdList")),
                (400, "Ongeldige of ontbrekende postcode of huisnummer, elk in invalid-params", Some("Problem")),
                (403, "Geen toegang", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[
                QueryParam { name: "postcode", description: "Bijvoorbeeld 1234AB of 1234 AB", required: true, values: None },
                QueryParam { name: "houseNumber", description: "Bijvoorbeeld 12, 12a of 12-2", required: true, values: None },
            ],
            handler: || get(households_at),
        },
        Endpoint {
            method: "post",
            path: "/contact-attempts",
            summary: "Contactpoging vastleggen / log a contact attempt; answers with the next proposal",
            request: Some("NewContactAttempt"),
            responses: &[
                (201, "Vastgelegd, met het voorstel voor de volgende poging (null als bereikt)", Some("ContactAttemptLogged")),
                (400, "Geen geldige JSON of ongeldige invoer, met elk fout veld in invalid-params; er is niets opgeslagen", Some("Problem")),
                (403, "Geen toegang", Some("Problem")),
                (404, "Huishouden bestaat niet of valt buiten uw werkgebied; er is niets opgeslagen", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[],
            handler: || post(log_contact_attempt),
        },
        Endpoint {
            method: "get",
            path: "/out-of-view",
            summary: "Uit beeld: huishoudens van het team zonder tijdig contact / the team's households out of view",
            request: None,
            responses: &[
                (200, "Uit beeld, grootste risico eerst", Some("OutOfViewList")),
                (403, "Geen toegang", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[],
            handler: || get(out_of_view),
        },
    ]
    .into_iter()
    .chain(signal_cases::endpoints())
    .chain(cases::endpoints())
    .collect()
}

/// The API's full semantic version (ADR API-57), sent as `API-Version` on every response and
/// given as `info.version`; its major version is the `/api/v1` in the URI (API-20).
pub const API_VERSION: &str = "1.1.0";

pub fn router() -> Router<AppState> {
    endpoints()
        .into_iter()
        .fold(Router::new(), |r, e| r.route(e.path, (e.handler)()))
        .fallback(api_not_found)
        .method_not_allowed_fallback(api_method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_JSON_BYTES))
        // Outermost, so errors from extractors, the body limit and the fallback carry it too.
        .layer(axum::middleware::map_response(with_api_version))
}

async fn with_api_version(mut response: Response) -> Response {
    response.headers_mut().insert("api-version", axum::http::HeaderValue::from_static(API_VERSION));
    response
}

async fn api_not_found() -> Response {
    AppError::NoEndpoint.problem()
}

async fn api_method_not_allowed() -> Response {
    AppError::MethodNotAllowed.problem()
}

/// The number in a path such as `/households/{id}`: a positive integer, or invalid input.
fn path_id(raw: &str) -> Result<Id, ApiError> {
    match raw.parse::<Id>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(AppError::Validation(vec![FieldError { field: "id", message_nl: "id: verwacht een positief geheel getal.".into(), message_en: "id: expected a positive whole number.".into() }]).into()),
    }
}

async fn openapi(State(state): State<AppState>) -> Json<Value> {
    Json(openapi_document(state.api_contact.as_deref()))
}

/// Whom the API's clients contact (ADR `/core/doc-openapi-contact`): `info.contact`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiContact {
    pub name: String,
    pub url: String,
    pub email: String,
}

impl ApiContact {
    /// Checked as the settings give it: a name, an https address, an e-mail address.
    pub fn new(name: &str, url: &str, email: &str) -> Result<ApiContact, String> {
        let (name, url, email) = (name.trim(), url.trim(), email.trim());
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            return Err("api.contact_name: geef een naam van 1 tot 200 tekens".into());
        }
        if !url.starts_with("https://") || url.len() <= "https://".len() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("api.contact_url: geef een https-adres, zoals https://gemeente.nl/api".into());
        }
        let valid_email = email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'));
        if !valid_email || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("api.contact_email: geef een e-mailadres, zoals api@gemeente.nl".into());
        }
        Ok(ApiContact { name: name.into(), url: url.into(), email: email.into() })
    }
}

/// The most a JSON body may hold: a signal or a household is a few kilobytes.
pub const MAX_JSON_BYTES: usize = 256 * 1024;

/// The query string, or invalid input when it cannot be read.
fn query_of<T>(query: Result<axum::extract::Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query.map(|axum::extract::Query(q)| q).map_err(|_| AppError::BadRequest("De zoekvraag in het adres is niet te lezen.", "The query string cannot be read.").into())
}

/// A JSON body or the reason it could not be read, as our JSON error with its own status.
fn body<T>(input: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    input.map(|Json(v)| v).map_err(|e| {
        tracing::info!(status = %e.status(), "unreadable JSON body");
        ApiError(match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge("De inhoud is te groot: hoogstens 256 kB.", "The body is too large: at most 256 kB."),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType(
                "Stuur de inhoud als JSON, met Content-Type: application/json.",
                "Send the body as JSON, with Content-Type: application/json.",
            ),
            _ => AppError::BadRequest("De inhoud is geen geldige JSON met de verwachte velden.", "The body is not valid JSON with the expected fields."),
        })
    })
}

/// The request keys of 0.1.0 and their lowerCamelCase names: both are accepted for one release
/// (CHANGELOG.md), and a field error names the new one.
const RENAMED: &[(&str, &str)] = &[
    ("household_id", "householdId"),
    ("day_part", "dayPart"),
    ("crisis_reason", "crisisReason"),
    ("warme_overdracht", "warmeOverdracht"),
    ("eigen_kenmerk", "eigenKenmerk"),
    ("house_number", "houseNumber"),
];

/// The name a client sends for a field the store or a parser names in snake_case.
fn api_name(field: &'static str) -> &'static str {
    RENAMED.iter().find(|(old, _)| *old == field).map_or(field, |(_, new)| new)
}

/// Field errors with the field names of the API.
fn api_errors(errors: Vec<FieldError>) -> AppError {
    let rename = |field: &'static str, message: String| match message.strip_prefix(field).and_then(|rest| rest.strip_prefix(':')) {
        Some(rest) => format!("{}:{rest}", api_name(field)),
        None => message,
    };
    AppError::Validation(
        errors.into_iter().map(|e| FieldError { field: api_name(e.field), message_nl: rename(e.field, e.message_nl), message_en: rename(e.field, e.message_en) }).collect(),
    )
}

async fn me(ApiUser(user): ApiUser) -> Json<schema::Me> {
    Json(schema::Me { id: user.id, username: user.username, display_name: user.display_name, role: user.role.code() })
}

fn summary_json(h: &HouseholdSummary) -> schema::HouseholdListItem {
    schema::HouseholdListItem { id: h.id, address: h.address.one_line(), buurt: h.address.buurt.clone(), buurt_code: h.address.buurt_code.clone(), members: h.members.clone() }
}

async fn search_households(State(state): State<AppState>, ApiUser(user): ApiUser, input: Result<Json<SearchForm>, JsonRejection>) -> Result<Json<schema::HouseholdList>, ApiError> {
    let form = body(input)?;
    let query = parse_search(&form).map_err(AppError::Validation)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/households/search", now: state.now() };
    let hits = state.store.search_households(&access, &query).await?;
    Ok(Json(schema::HouseholdList { households: hits.iter().map(summary_json).collect() }))
}

async fn create_household(State(state): State<AppState>, ApiUser(user): ApiUser, input: Result<Json<NewHouseholdForm>, JsonRejection>) -> Result<Response, ApiError> {
    let form = body(input)?;
    let new = NewHousehold::try_from(&form).map_err(AppError::Validation)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/households", now: state.now() };
    let id = state.store.create_household(&access, &new).await?;
    // Known to the linker at once: a partner's signal about the resident links without review.
    state.store.learn_household(&state.linker, id).await?;
    Ok((StatusCode::CREATED, Json(schema::Created { id })).into_response())
}

fn detail_json(h: &HouseholdDetail) -> schema::Household {
    use schema::*;
    let date = store::time_fmt::date;
    let a = &h.address;
    Household {
        id: h.id,
        address: Address { street: a.street.clone(), house_number: a.house_number.clone(), postcode: a.postcode.clone(), locality: a.locality.clone(), buurt: a.buurt.clone(), buurt_code: a.buurt_code.clone() },
        support: h.support.code(),
        multi_problem: h.multi_problem,
        members: h.members.iter().map(|p| Member { id: p.id, name: p.name.clone(), birth_date: date(p.birth_date), phone: p.phone.clone(), has_bsn: p.has_bsn }).collect(),
        signals: h
            .signals
            .iter()
            .map(|s| HouseholdSignal { id: s.id, kind: s.kind.code(), status: s.status.code(), signal_date: date(s.signal_date), pickup_deadline: date(s.deadline), crisis: s.crisis, partner: s.partner.clone(), amount_eur: s.amount_eur })
            .collect(),
        contact_attempts: h.attempts.iter().map(|t| HouseholdContactAttempt { at: t.at.clone(), kind: t.kind.code(), day_part: t.day_part.code(), reached: t.reached, outcome: t.outcome.map(|o| o.code()) }).collect(),
        cases: h.cases.iter().map(|c| HouseholdCase { id: c.id, opened: date(c.opened), closed: c.closed.map(date), models: c.models.iter().map(|m| m.code()).collect() }).collect(),
    }
}

async fn household(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>) -> Result<Json<schema::Household>, ApiError> {
    let id = path_id(&id)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /api/v1/households/{id}", now: state.now() };
    Ok(Json(detail_json(&state.store.household(&access, id).await?)))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddressQuery {
    #[serde(default)]
    postcode: String,
    /// `house_number` until 2.0.0 (CHANGELOG.md).
    #[serde(default, alias = "house_number")]
    house_number: String,
}

/// The households at one address that the caller may see (none is an empty list). Both
/// parameters are required; the address is the only search the field apps need.
async fn households_at(State(state): State<AppState>, ApiUser(user): ApiUser, query: Result<axum::extract::Query<AddressQuery>, QueryRejection>) -> Result<Json<schema::HouseholdList>, ApiError> {
    let q = query_of(query)?;
    let mut errors = Vec::new();
    if q.postcode.trim().is_empty() {
        errors.push(crate::error::FieldError::required("postcode", "Postcode", "Postcode"));
    }
    if q.house_number.trim().is_empty() {
        errors.push(crate::error::FieldError::required("huisnummer", "Huisnummer", "House number"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors).into());
    }
    let form = SearchForm { postcode: q.postcode, huisnummer: q.house_number, achternaam: String::new(), straat: String::new(), csrf: String::new() };
    let query = parse_search(&form).map_err(AppError::Validation)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /api/v1/households", now: state.now() };
    let hits = state.store.search_households(&access, &query).await?;
    Ok(Json(schema::HouseholdList { households: hits.iter().map(summary_json).collect() }))
}

/// A contact attempt from a field app, checked.
struct ParsedAttempt {
    household_id: Id,
    kind: ContactKind,
    at: time::OffsetDateTime,
    day_part: Option<DayPart>,
    outcome: ContactOutcome,
    note: Option<String>,
    crisis_reason: Option<String>,
}

/// A contact attempt as field apps send it; every field is checked and named when wrong.
fn parse_attempt(body: &Value, now: time::OffsetDateTime) -> Result<ParsedAttempt, Vec<FieldError>> {
    let mut errors = Vec::new();
    let err = |field: &'static str, nl: &str, en: &str| FieldError { field, message_nl: nl.into(), message_en: en.into() };
    let Some(o) = body.as_object() else { return Err(vec![err("contactAttempt", "Verwacht een JSON-object.", "Expected a JSON object.")]) };
    let known = schema::properties::<schema::NewContactAttempt>();
    for key in o.keys() {
        if !known.contains(key) && !RENAMED.iter().any(|(old, new)| old == key && known.iter().any(|k| k == new)) {
            errors.push(err("contactAttempt", "Onbekend veld in de contactpoging.", "Unknown field in the contact attempt."));
        }
    }
    // The lowerCamelCase name, or the 0.1.0 one.
    let get = |new: &str| o.get(new).or_else(|| RENAMED.iter().find(|(_, n)| *n == new).and_then(|(old, _)| o.get(*old)));
    let household = match get("householdId").and_then(Value::as_i64) {
        Some(id) if id > 0 => Some(id),
        _ => {
            errors.push(err("householdId", "householdId: verwacht het nummer van een huishouden.", "householdId: expected a household number."));
            None
        }
    };
    let kind = o.get("kind").and_then(Value::as_str).and_then(ContactKind::from_code);
    if kind.is_none() {
        let all: Vec<&str> = ContactKind::ALL.iter().map(|k| k.code()).collect();
        errors.push(FieldError { field: "kind", message_nl: format!("kind: kies uit {}.", all.join(", ")), message_en: format!("kind: choose from {}.", all.join(", ")) });
    }
    let at = o.get("at").and_then(Value::as_str).and_then(|t| time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok());
    match at {
        None => errors.push(err("at", "at: verwacht een tijdstip volgens RFC 3339, zoals 2026-11-28T14:30:00+01:00.", "at: expected an RFC 3339 time, like 2026-11-28T14:30:00+01:00.")),
        Some(t) if t > now + store::contact::FUTURE_TOLERANCE => errors.push(err("at", "at: de poging ligt in de toekomst.", "at: the attempt lies in the future.")),
        Some(_) => {}
    }
    let day_part = match get("dayPart") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_str().and_then(DayPart::from_code) {
            Some(p) => Some(p),
            None => {
                errors.push(err("dayPart", "dayPart: kies ochtend, middag of avond.", "dayPart: choose ochtend, middag or avond."));
                None
            }
        },
    };
    let reached = o.get("reached").and_then(Value::as_bool);
    if reached.is_none() {
        errors.push(err("reached", "reached: verwacht true of false.", "reached: expected true or false."));
    }
    let outcome = o.get("outcome").and_then(Value::as_str).and_then(ContactOutcome::from_code);
    match (outcome, reached) {
        (None, _) => {
            let all: Vec<&str> = ContactOutcome::ALL.iter().map(|k| k.code()).collect();
            errors.push(FieldError { field: "outcome", message_nl: format!("outcome: kies uit {}.", all.join(", ")), message_en: format!("outcome: choose from {}.", all.join(", ")) });
        }
        (Some(out), Some(r)) if out.reached() != r => {
            errors.push(err("outcome", "outcome: deze uitkomst past niet bij reached.", "outcome: this outcome does not match reached."));
        }
        _ => {}
    }
    let note = match o.get("note") {
        None | Some(Value::Null) => None,
        Some(Value::String(n)) if n.chars().count() <= 200 => Some(n.clone()),
        Some(_) => {
            errors.push(err("note", "note: tekst van hoogstens 200 tekens.", "note: text of at most 200 characters."));
            None
        }
    };
    let crisis_reason = match get("crisisReason") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) if r.chars().count() <= 500 => Some(r.clone()),
        Some(_) => {
            errors.push(err("crisisReason", "crisisReason: tekst van hoogstens 500 tekens.", "crisisReason: text of at most 500 characters."));
            None
        }
    };
    match (household, kind, at, outcome) {
        (Some(household_id), Some(kind), Some(at), Some(outcome)) if errors.is_empty() => Ok(ParsedAttempt { household_id, kind, at, day_part, outcome, note, crisis_reason }),
        _ => Err(errors),
    }
}

async fn log_contact_attempt(State(state): State<AppState>, ApiUser(user): ApiUser, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let body = body(input)?;
    let now = state.now();
    let p = parse_attempt(&body, now).map_err(AppError::Validation)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/contact-attempts", now };
    let attempt = store::contact::NewAttempt { household_id: p.household_id, kind: p.kind, at: p.at, day_part: p.day_part, outcome: p.outcome, note: p.note.as_deref(), crisis_reason: p.crisis_reason.as_deref() };
    let logged = state.store.log_contact_attempt(&access, &attempt).await.map_err(|e| match AppError::from(e) {
        AppError::Validation(errors) => api_errors(errors),
        other => other,
    })?;
    let next_proposal = match logged.next {
        Next::Try(p) => Some(schema::NextProposal { kind: p.kind.code(), day_part: p.day_part.code(), not_before: store::time_fmt::date(p.not_before) }),
        Next::Reached | Next::Discuss { .. } => None,
    };
    let case_discussion = matches!(logged.next, Next::Discuss { .. });
    Ok((StatusCode::CREATED, Json(schema::ContactAttemptLogged { id: logged.id, next_proposal, case_discussion })).into_response())
}

async fn out_of_view(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Vec<schema::OutOfViewItem>>, ApiError> {
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /api/v1/out-of-view", now };
    let rows = state.store.out_of_view(&access, now.date(), false).await?;
    Ok(Json(
        rows.iter()
            .map(|r| schema::OutOfViewItem { household_id: r.household_id, reason: r.reason.code(), reason_label: r.reason.label(true), days_overdue: r.reason.days_overdue(), crisis: r.crisis })
            .collect(),
    ))
}
