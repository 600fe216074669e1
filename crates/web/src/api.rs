//! The JSON API under `/api/v1`, for partner systems and tooling: bearer tokens, the same
//! need-to-know and audit as the pages, field errors in Dutch. Its OpenAPI 3.1 document is
//! generated from the same route table that builds the router, so the two cannot drift.

use crate::auth::ApiUser;
use crate::error::{ApiError, AppError};
use crate::pages::households::{parse_search, NewHouseholdForm, SearchForm};
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use serde_json::{json, Value};
use store::residents::{HouseholdDetail, HouseholdSummary, NewHousehold};
use store::Access;

/// One endpoint: method, path (OpenAPI style), handler and its documentation.
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub request: Option<&'static str>,
    pub responses: &'static [(u16, &'static str, Option<&'static str>)],
    pub auth: bool,
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
            handler: || get(openapi),
        },
        Endpoint {
            method: "get",
            path: "/me",
            summary: "Wie ben ik / the authenticated account",
            request: None,
            responses: &[(200, "Account", Some("Me")), (401, "Geen of ongeldig token", Some("Error"))],
            auth: true,
            handler: || get(me),
        },
        Endpoint {
            method: "post",
            path: "/households/search",
            summary: "Huishoudens zoeken in het werkgebied / search households in the team's area",
            request: Some("HouseholdSearch"),
            responses: &[
                (200, "Gevonden huishoudens", Some("HouseholdList")),
                (400, "Geen geldige JSON / the body is not valid JSON", Some("Error")),
                (401, "Geen of ongeldig token", Some("Error")),
                (403, "Geen toegang", Some("Error")),
                (422, "Ongeldige invoer", Some("Error")),
            ],
            auth: true,
            handler: || post(search_households),
        },
        Endpoint {
            method: "post",
            path: "/households",
            summary: "Huishouden registreren / register a household with its first resident",
            request: Some("NewHousehold"),
            responses: &[
                (201, "Geregistreerd", Some("Created")),
                (400, "Geen geldige JSON / the body is not valid JSON", Some("Error")),
                (401, "Geen of ongeldig token", Some("Error")),
                (403, "Geen toegang", Some("Error")),
                (422, "Ongeldige invoer; er is niets opgeslagen", Some("Error")),
            ],
            auth: true,
            handler: || post(create_household),
        },
        Endpoint {
            method: "get",
            path: "/households/{id}",
            summary: "Eén huishouden / one household",
            request: None,
            responses: &[
                (200, "Huishouden", Some("Household")),
                (401, "Geen of ongeldig token", Some("Error")),
                (403, "Geen toegang", Some("Error")),
                (404, "Bestaat niet of buiten het werkgebied", Some("Error")),
            ],
            auth: true,
            handler: || get(household),
        },
    ]
}

pub fn router() -> Router<AppState> {
    endpoints().into_iter().fold(Router::new(), |r, e| r.route(e.path, (e.handler)())).fallback(api_not_found)
}

async fn api_not_found() -> Response {
    AppError::NotFound.json()
}

async fn openapi() -> Json<Value> {
    Json(openapi_document())
}

/// A JSON body or the reason it could not be read, as our JSON error.
fn body<T>(input: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    input.map(|Json(v)| v).map_err(|e| {
        tracing::info!(status = %e.status(), "unreadable JSON body");
        ApiError(AppError::BadRequest(
            "De inhoud is geen geldige JSON met de verwachte velden.",
            "The body is not valid JSON with the expected fields.",
        ))
    })
}

async fn me(ApiUser(user): ApiUser) -> Json<Value> {
    Json(json!({"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role.code()}))
}

fn summary_json(h: &HouseholdSummary) -> Value {
    json!({"id": h.id, "address": h.address.one_line(), "buurt": h.address.buurt, "members": h.members})
}

async fn search_households(State(state): State<AppState>, ApiUser(user): ApiUser, input: Result<Json<SearchForm>, JsonRejection>) -> Result<Json<Value>, ApiError> {
    let form = body(input)?;
    let query = parse_search(&form).map_err(AppError::Validation)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/households/search", now: state.now() };
    let hits = state.store.search_households(&access, &query).await?;
    Ok(Json(json!({"households": hits.iter().map(summary_json).collect::<Vec<_>>()})))
}

async fn create_household(State(state): State<AppState>, ApiUser(user): ApiUser, input: Result<Json<NewHouseholdForm>, JsonRejection>) -> Result<Response, ApiError> {
    let form = body(input)?;
    let new = NewHousehold::try_from(&form).map_err(AppError::Validation)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/households", now: state.now() };
    let id = state.store.create_household(&access, &new).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id})).into_response()).into_response())
}

fn detail_json(h: &HouseholdDetail) -> Value {
    json!({
        "id": h.id,
        "address": {"street": h.address.street, "house_number": h.address.house_number, "postcode": h.address.postcode, "locality": h.address.locality, "buurt": h.address.buurt},
        "support": h.support.code(),
        "multi_problem": h.multi_problem,
        "members": h.members.iter().map(|p| json!({"id": p.id, "name": p.name, "birth_date": store::time_fmt::date(p.birth_date), "phone": p.phone, "has_bsn": p.has_bsn})).collect::<Vec<_>>(),
        "signals": h.signals.iter().map(|s| json!({"id": s.id, "kind": s.kind.code(), "status": s.status.code(), "signal_date": store::time_fmt::date(s.signal_date), "pickup_deadline": store::time_fmt::date(s.deadline), "crisis": s.crisis, "partner": s.partner, "amount_eur": s.amount_eur})).collect::<Vec<_>>(),
        "contact_attempts": h.attempts.iter().map(|a| json!({"at": a.at, "kind": a.kind.code(), "day_part": a.day_part.code(), "reached": a.reached})).collect::<Vec<_>>(),
        "cases": h.cases.iter().map(|c| json!({"id": c.id, "opened": store::time_fmt::date(c.opened), "closed": c.closed.map(store::time_fmt::date), "models": c.models.iter().map(|m| m.code()).collect::<Vec<_>>()})).collect::<Vec<_>>(),
    })
}

async fn household(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /api/v1/households/{id}", now: state.now() };
    Ok(Json(detail_json(&state.store.household(&access, id).await?)))
}

fn schemas() -> Value {
    let s = |props: Value, required: &[&str]| json!({"type": "object", "properties": props, "required": required});
    let text = json!({"type": "string"});
    let opt_text = json!({"type": ["string", "null"]});
    json!({
        "Error": s(json!({
            "error": text, "error_en": text,
            "fields": {"type": "array", "items": s(json!({"field": text, "message": text, "message_en": text}), &["field", "message", "message_en"])}
        }), &["error", "error_en", "fields"]),
        "Me": s(json!({"id": {"type": "integer"}, "username": text, "display_name": text, "role": {"type": "string", "enum": domain::model::Role::ALL.iter().map(|r| r.code()).collect::<Vec<_>>()}}), &["id", "username", "display_name", "role"]),
        "HouseholdSearch": json!({"type": "object", "properties": {
            "postcode": {"type": "string", "description": "Bijvoorbeeld 1234 AB", "maxLength": 20},
            "huisnummer": {"type": "string", "description": "Bijvoorbeeld 12a of 12-2", "maxLength": 20},
            "achternaam": {"type": "string", "maxLength": 100},
            "straat": {"type": "string", "maxLength": 100}
        }}),
        "HouseholdList": s(json!({"households": {"type": "array", "items": s(json!({
            "id": {"type": "integer"}, "address": text, "buurt": text, "members": {"type": "array", "items": text}
        }), &["id", "address", "buurt", "members"])}}), &["households"]),
        "NewHousehold": s(json!({
            "straat": text, "huisnummer": text, "postcode": text, "woonplaats": text,
            "buurt": {"type": "string", "description": "CBS-buurtcode, BU + 8 cijfers, in het werkgebied van het team"},
            "voornamen": text, "tussenvoegsel": text, "achternaam": text,
            "geboortedatum": {"type": "string", "description": "31-12-1960 of 1960-12-31"},
            "bsn": {"type": "string", "description": "Niet verplicht; moet de elfproef doorstaan"},
            "telefoon": text
        }), &["straat", "huisnummer", "postcode", "woonplaats", "buurt", "achternaam", "geboortedatum"]),
        "Created": s(json!({"id": {"type": "integer"}}), &["id"]),
        "Household": s(json!({
            "id": {"type": "integer"},
            "address": s(json!({"street": text, "house_number": text, "postcode": text, "locality": text, "buurt": text}), &["street", "house_number", "postcode", "locality", "buurt"]),
            "support": text, "multi_problem": {"type": "boolean"},
            "members": {"type": "array", "items": s(json!({"id": {"type": "integer"}, "name": text, "birth_date": {"type": "string", "format": "date"}, "phone": opt_text, "has_bsn": {"type": "boolean"}}), &["id", "name", "birth_date", "phone", "has_bsn"])},
            "signals": {"type": "array", "items": s(json!({"id": {"type": "integer"}, "kind": text, "status": text, "signal_date": {"type": "string", "format": "date"}, "pickup_deadline": {"type": "string", "format": "date"}, "crisis": {"type": "boolean"}, "partner": opt_text, "amount_eur": {"type": ["integer", "null"]}}), &["id", "kind", "status", "signal_date", "pickup_deadline", "crisis", "partner", "amount_eur"])},
            "contact_attempts": {"type": "array", "items": s(json!({"at": {"type": "string", "format": "date-time"}, "kind": text, "day_part": text, "reached": {"type": "boolean"}}), &["at", "kind", "day_part", "reached"])},
            "cases": {"type": "array", "items": s(json!({"id": {"type": "integer"}, "opened": {"type": "string", "format": "date"}, "closed": {"type": ["string", "null"], "format": "date"}, "models": {"type": "array", "items": text}}), &["id", "opened", "closed", "models"])}
        }), &["id", "address", "support", "multi_problem", "members", "signals", "contact_attempts", "cases"])
    })
}

/// The OpenAPI 3.1 document of exactly the endpoints in [`endpoints`].
pub fn openapi_document() -> Value {
    let mut paths = serde_json::Map::new();
    for e in endpoints() {
        let mut responses = serde_json::Map::new();
        for (code, description, schema) in e.responses {
            let mut r = json!({"description": description});
            if let Some(name) = schema {
                r["content"] = json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}});
            } else if *code == 200 {
                r["content"] = json!({"application/json": {"schema": {"type": "object"}}});
            }
            responses.insert(code.to_string(), r);
        }
        let mut op = json!({"summary": e.summary, "operationId": format!("{}{}", e.method, e.path.replace(['/', '{', '}', '.'], "_")), "responses": responses});
        if let Some(req) = e.request {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{req}")}}}});
        }
        if e.path.contains("{id}") {
            op["parameters"] = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}]);
        }
        op["security"] = if e.auth { json!([{"bearer": []}]) } else { json!([]) };
        let entry = paths.entry(e.path.to_string()).or_insert_with(|| json!({}));
        entry[e.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Eropaf API", "version": env!("CARGO_PKG_VERSION"), "description": "JSON-API van Eropaf, het werksysteem voor outreachend werken van sociale wijkteams."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas(), "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Token van `eropaf token create NAME`"}}}
    })
}
