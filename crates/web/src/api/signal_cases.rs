//! The team's signal cases through the API: the lists of the screen "Signaalzaken" (open, due
//! soon, overdue, mine, to weigh, closed), one case with its signals and weighings, and closing
//! a case with its end result. Need-to-know and audit are the store's, as for the pages.

use super::schema::{codes, SignalCase, SignalCaseItem, SignalCaseList, SignalCaseSignal, SignalCaseWeighing};
use super::{api_errors, body, path_id, query_of};
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError, FieldError};
use crate::AppState;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::model::EndResult;
use serde_json::Value;
use store::signals::{CaseFilter, CaseRow};
use store::time_fmt::{date, instant};
use store::Access;

/// The lists by their code, as on the screen (`?lijst=`).
pub const LISTS: &[&str] = &["open", "binnenkort", "te-laat", "mijn", "te-wegen", "afgesloten"];

fn item(c: &CaseRow) -> SignalCaseItem {
    SignalCaseItem {
        id: c.id,
        household_id: c.household_id,
        address: c.address.clone(),
        stage: c.stage.code(),
        due_date: date(c.due_date),
        decision: c.decision.map(|d| d.code()),
        worker: c.worker.clone(),
        sources: c.sources.clone(),
        end_result: c.end_result.map(|r| r.code()),
        crisis: c.hint.crisis,
        priority: c.hint.text(true),
        review_on: c.review_on.map(date),
        weigh_by: c.weigh_by.map(date),
    }
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    list: Option<String>,
}

pub async fn list(State(state): State<AppState>, ApiUser(user): ApiUser, query: Result<Query<ListQuery>, QueryRejection>) -> Result<Json<SignalCaseList>, ApiError> {
    let q = query_of(query)?;
    let filter = match q.list.as_deref() {
        None => CaseFilter::Open,
        Some(code) => CaseFilter::from_code(code).ok_or_else(|| {
            let all = LISTS.join(", ");
            AppError::Validation(vec![FieldError { field: "list", message_nl: format!("list: kies uit {all}."), message_en: format!("list: choose from {all}.") }])
        })?,
    };
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /api/v1/signal-cases", now };
    let rows = state.store.signal_cases(&access, filter, now.date()).await?;
    Ok(Json(SignalCaseList { signal_cases: rows.iter().map(item).collect() }))
}

pub async fn one(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>) -> Result<Json<SignalCase>, ApiError> {
    let id = path_id(&id)?;
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /api/v1/signal-cases/{id}", now };
    let c = state.store.signal_case(&access, id, now.date()).await?;
    Ok(Json(SignalCase {
        case: item(&c.row),
        members: c.members.clone(),
        signals: c
            .signals
            .iter()
            .map(|s| SignalCaseSignal { id: s.id, signal_date: date(s.signal_date), kind: s.kind.code(), partner: s.partner.clone(), amount_eur: s.amount_eur, crisis: s.crisis, warm_handover: s.warm_handover })
            .collect(),
        weighings: c.weighings.iter().map(|w| SignalCaseWeighing { at: instant(w.at), decision: w.decision.code(), review_on: w.review_on.map(date), confirmed: w.confirmed.is_some() }).collect(),
        picked_up_on: c.picked_up_on.map(date),
        closed_on: c.closed_on.map(date),
        four_eyes: c.four_eyes,
    }))
}

/// `{"endResult": "…"}`: closes the case with the end result the team reports to the monitor.
pub async fn close(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let all: Vec<&str> = EndResult::ALL.iter().map(|r| r.code()).collect();
    let wrong = || AppError::Validation(vec![FieldError { field: "endResult", message_nl: format!("endResult: kies uit {}.", all.join(", ")), message_en: format!("endResult: choose from {}.", all.join(", ")) }]);
    let Some(o) = body.as_object() else { return Err(wrong().into()) };
    if o.keys().any(|k| k != "endResult") {
        return Err(AppError::Validation(vec![FieldError { field: "signalCase", message_nl: "Onbekend veld; alleen endResult.".into(), message_en: "Unknown field; only endResult.".into() }]).into());
    }
    let result = o.get("endResult").and_then(Value::as_str).and_then(EndResult::from_code).ok_or_else(wrong)?;
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/signal-cases/{id}/close", now };
    state.store.close_signal_case(&access, id, result, now.date()).await.map_err(|e| match AppError::from(e) {
        // The store names the screen's field.
        AppError::Validation(errors) => api_errors(errors.into_iter().map(|e| FieldError { field: if e.field == "resultaat" { "endResult" } else { e.field }, ..e }).collect()),
        other => other,
    })?;
    Ok((StatusCode::NO_CONTENT, ()).into_response())
}

/// The list codes as the document's enum.
pub fn list_schema() -> utoipa::openapi::schema::ObjectBuilder {
    codes(LISTS.iter().copied(), false)
}
