//! Signals from partner systems: submitted once however often they are retried
//! (`Idempotency-Key`), every wrong field named at once, and the sender's own view of a signal.

use super::{api_errors, api_name, body, path_id, schema};
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError};
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::model::Role;
use serde_json::Value;
use store::Access;
use crate::pages::forms::{static_field, SIGNAL_FIELDS};

/// A signal body as the named text fields the one signal parser reads. Unknown fields and
/// values of the wrong JSON type are errors, so a partner system finds its mistakes at once.
fn signal_fields(body: &Value) -> Result<std::collections::HashMap<String, String>, Vec<crate::error::FieldError>> {
    use crate::error::FieldError;
    let mut out = std::collections::HashMap::new();
    let mut errors = Vec::new();
    let Some(top) = body.as_object() else {
        return Err(vec![FieldError { field: "signaal", message_nl: "Verwacht een JSON-object.".into(), message_en: "Expected a JSON object.".into() }]);
    };
    let mut take = |key: &str, v: &Value, errors: &mut Vec<FieldError>| {
        let text = match (key, v) {
            (_, Value::Null) => return,
            ("crisissignaal" | "warme_overdracht", Value::Bool(b)) => b.to_string(),
            ("bedrag", Value::Number(n)) if n.is_i64() => n.to_string(),
            (_, Value::String(s)) if !matches!(key, "crisissignaal" | "warme_overdracht" | "bedrag") => s.clone(),
            _ => {
                let f = static_field(key);
                let f = api_name(f);
                errors.push(FieldError { field: f, message_nl: format!("{f}: verkeerd soort waarde."), message_en: format!("{f}: wrong kind of value.") });
                return;
            }
        };
        out.insert(key.to_string(), text);
    };
    for (k, v) in top {
        match k.as_str() {
            "client" => match v.as_object() {
                Some(client) => {
                    for (ck, cv) in client {
                        if SIGNAL_FIELDS[8..].contains(&ck.as_str()) {
                            take(ck, cv, &mut errors);
                        } else {
                            errors.push(FieldError { field: "client", message_nl: "client: onbekend veld.".into(), message_en: "client: unknown field.".into() });
                        }
                    }
                }
                None => errors.push(FieldError { field: "client", message_nl: "client: verwacht een object.".into(), message_en: "client: expected an object.".into() }),
            },
            // The partner's own reference, checked by the store (`signals::partner_reference`).
            "eigenKenmerk" | "eigen_kenmerk" => take("eigen_kenmerk", v, &mut errors),
            "warmeOverdracht" => take("warme_overdracht", v, &mut errors),
            // Special categories the signal touches, read by the parser (`domain::signal`).
            "vertrouwelijk" => take("vertrouwelijk", v, &mut errors),
            key if SIGNAL_FIELDS[..7].contains(&key) => take(key, v, &mut errors),
            _ => errors.push(FieldError { field: "signaal", message_nl: "Onbekend veld in het signaal.".into(), message_en: "Unknown field in the signal.".into() }),
        }
    }
    if !top.contains_key("client") {
        errors.push(FieldError::required("client", "client", "client"));
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn partner_of(user: &store::User) -> Result<i64, ApiError> {
    match (user.role, user.partner_id) {
        (Role::Partner, Some(p)) => Ok(p),
        _ => Err(ApiError(AppError::Forbidden)),
    }
}

pub async fn submit_signal(State(state): State<AppState>, ApiUser(user): ApiUser, headers: axum::http::HeaderMap, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let partner_id = partner_of(&user)?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200 && k.bytes().all(|b| (b'!'..=b'~').contains(&b)))
        .ok_or(ApiError(AppError::BadRequest(
            "Geef een Idempotency-Key-header mee (1 tot 200 zichtbare tekens), één per signaal.",
            "Send an Idempotency-Key header (1 to 200 visible characters), one per signal.",
        )))?
        .to_string();
    let body = body(input)?;
    let fields = signal_fields(&body).map_err(api_errors)?;
    let now = state.now();
    let partner_type = state.store.partner_type(partner_id).await?;
    let reference = store::signals::partner_reference(fields.get("eigen_kenmerk").map(String::as_str).unwrap_or(""));
    let signal = domain::signal::parse_signal(&|k| fields.get(k).cloned(), Some(partner_type), now.date());
    // Every field that is not right is named at once.
    let (reference, signal) = match (reference, signal) {
        (Ok(r), Ok(s)) => (r, s),
        (reference, signal) => {
            let mut errors = Vec::new();
            if let Err(e) = reference {
                errors.push(crate::pages::forms::field_error(e)?);
            }
            if let Err(more) = signal {
                errors.extend(crate::pages::forms::field_errors(more));
            }
            return Err(api_errors(errors).into());
        }
    };
    // The canonical body (keys sorted) decides whether a retry is the same signal.
    let body_hash = crate::auth::secret_hash(&body.to_string());
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/signals", now };
    let intake = state.store.intake_idempotent_with_reference(&access, &state.linker, &key, &body_hash, reference.as_deref(), &signal).await?;
    Ok((StatusCode::CREATED, Json(schema::SignalReceipt { id: intake.signal_id, status: intake.status.code() })).into_response())
}

pub async fn signal_status(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>) -> Result<Json<schema::SignalStatusView>, ApiError> {
    let id = path_id(&id)?;
    // Anyone but the sending organisation gets the same answer as for a signal that does not exist.
    let partner_id = partner_of(&user).map_err(|_| AppError::NotFound)?;
    let s = state.store.partner_signal(partner_id, id).await?;
    Ok(Json(schema::SignalStatusView {
        id: s.id,
        signal_date: store::time_fmt::date(s.signal_date),
        kind: s.kind.code(),
        status: s.status.code(),
        result: s.result.map(|r| r.code()),
        eigen_kenmerk: s.reference,
    }))
}
