//! The team's signal cases through the API: the lists of the screen "Signaalzaken" (open, due
//! soon, overdue, mine, to weigh, closed), one case with its signals and weighings, and closing
//! a case with its end result. Need-to-know and audit are the store's, as for the pages.

use super::schema::{codes, SignalCase, SignalCaseItem, SignalCaseList, SignalCaseSignal, SignalCaseWeighing};
use super::{body, path_id, query_of};
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
    state.store.close_signal_case(&access, id, result, now.date()).await.map_err(|e| match e {
        store::StoreError::Invalid { .. } => AppError::Validation(screen_errors([e])),
        other => AppError::from(other),
    })?;
    Ok((StatusCode::NO_CONTENT, ()).into_response())
}

/// The list codes as the document's enum.
pub fn list_schema() -> utoipa::openapi::schema::ObjectBuilder {
    codes(LISTS.iter().copied(), false)
}

/// The screen's field names in the store's rules for signal cases, and the API's names for them.
const SCREEN_FIELDS: &[(&str, &str)] = &[
    ("resultaat", "endResult"),
    ("grond", "grounds"),
    ("waarom", "whyGo"),
    ("waarom-niet", "whyNot"),
    ("proportionaliteit", "proportionality"),
    ("veiligheid", "safety"),
    ("model", "models"),
    ("benadering", "approach"),
    ("wie", "companion"),
    ("besluit", "decision"),
    ("werker", "workerId"),
    ("herweging", "reviewOn"),
    ("afsluitreden", "closing"),
];

/// Store errors as field errors named as the API names the fields.
fn screen_errors(errors: impl IntoIterator<Item = store::StoreError>) -> Vec<FieldError> {
    let mut out = Vec::new();
    for e in errors {
        match AppError::from(e) {
            AppError::Validation(fields) => out.extend(fields.into_iter().map(|f| FieldError { field: SCREEN_FIELDS.iter().find(|(screen, _)| *screen == f.field).map_or(f.field, |(_, api)| api), ..f })),
            _ => out.push(FieldError { field: "weighing", message_nl: "De weging kan zo niet worden vastgelegd.".into(), message_en: "The weighing cannot be recorded like this.".into() }),
        }
    }
    out
}

/// A weighing as a planning tool or case system sends it; every field is checked and named,
/// with the store's own rules (`Weighing::problems`), before anything is written.
fn parse_weighing(body: &Value, today: time::Date) -> Result<store::signals::Weighing, Vec<FieldError>> {
    use domain::model::{Approach, Companion, Decision, Ground, OutreachModel, Safety};
    let mut errors = Vec::new();
    let err = |field: &'static str, nl: String, en: String| FieldError { field, message_nl: nl, message_en: en };
    let Some(o) = body.as_object() else { return Err(vec![err("weighing", "Verwacht een JSON-object.".into(), "Expected a JSON object.".into())]) };
    let known = super::schema::properties::<super::schema::NewWeighing>();
    if o.keys().any(|k| !known.contains(k)) {
        errors.push(err("weighing", "Onbekend veld in de weging.".into(), "Unknown field in the weighing.".into()));
    }
    fn choice<T: Copy>(o: &serde_json::Map<String, Value>, key: &'static str, all: &[T], code: fn(T) -> &'static str, parse: fn(&str) -> Option<T>, errors: &mut Vec<FieldError>) -> Option<T> {
        let v = o.get(key).and_then(Value::as_str).and_then(parse);
        if v.is_none() {
            let list: Vec<&str> = all.iter().map(|x| code(*x)).collect();
            errors.push(FieldError { field: key, message_nl: format!("{key}: kies uit {}.", list.join(", ")), message_en: format!("{key}: choose from {}.", list.join(", ")) });
        }
        v
    }
    fn list<T: Copy>(o: &serde_json::Map<String, Value>, key: &'static str, all: &[T], code: fn(T) -> &'static str, parse: fn(&str) -> Option<T>, errors: &mut Vec<FieldError>) -> Vec<T> {
        let items = o.get(key).and_then(Value::as_array);
        let parsed: Option<Vec<T>> = items.and_then(|a| a.iter().map(|v| v.as_str().and_then(parse)).collect());
        if parsed.is_none() {
            let list: Vec<&str> = all.iter().map(|x| code(*x)).collect();
            errors.push(FieldError { field: key, message_nl: format!("{key}: een lijst uit {}.", list.join(", ")), message_en: format!("{key}: a list from {}.", list.join(", ")) });
        }
        parsed.unwrap_or_default()
    }
    let text = |key: &'static str, errors: &mut Vec<FieldError>| match o.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push(FieldError { field: key, message_nl: format!("{key}: verwacht tekst."), message_en: format!("{key}: expected text.") });
            None
        }
    };
    let grounds = list(o, "grounds", Ground::ALL, Ground::code, Ground::from_code, &mut errors);
    let models = list(o, "models", OutreachModel::ALL, OutreachModel::code, OutreachModel::from_code, &mut errors);
    let safety = choice(o, "safety", Safety::ALL, Safety::code, Safety::from_code, &mut errors);
    let approach = choice(o, "approach", Approach::ALL, Approach::code, Approach::from_code, &mut errors);
    let companion = choice(o, "companion", Companion::ALL, Companion::code, Companion::from_code, &mut errors);
    let decision = choice(o, "decision", Decision::ALL, Decision::code, Decision::from_code, &mut errors);
    let why_go = text("whyGo", &mut errors).unwrap_or_default();
    let why_not = text("whyNot", &mut errors);
    let proportionality = text("proportionality", &mut errors).unwrap_or_default();
    let worker_id = match o.get("workerId") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64().filter(|id| *id > 0) {
            Some(id) => Some(id),
            None => {
                errors.push(err("workerId", "workerId: verwacht het nummer van een werker van het team.".into(), "workerId: expected the number of one of the team's workers.".into()));
                None
            }
        },
    };
    let review_on = match text("reviewOn", &mut errors) {
        None => None,
        Some(d) => match time::Date::parse(&d, &time::format_description::well_known::Iso8601::DATE) {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(err("reviewOn", "reviewOn: verwacht een datum als 2026-12-31.".into(), "reviewOn: expected a date like 2026-12-31.".into()));
                None
            }
        },
    };
    let closing = match text("closing", &mut errors) {
        None => None,
        Some(code) => match EndResult::from_code(&code) {
            Some(r) => Some(r),
            None => {
                errors.push(err("closing", "closing: kies een eindresultaat.".into(), "closing: choose an end result.".into()));
                None
            }
        },
    };
    // Where a choice is wrong, a stand-in lets the store's rules name every other field too.
    let w = store::signals::Weighing {
        grounds,
        why_go,
        why_not,
        proportionality,
        safety: safety.unwrap_or(Safety::GeenSignalen),
        models,
        approach: approach.unwrap_or(Approach::Afspraak),
        companion: companion.unwrap_or(Companion::Alleen),
        decision: decision.unwrap_or(Decision::Verwijzen),
        worker_id,
        review_on,
        closing,
    };
    let named: Vec<&str> = errors.iter().map(|e| e.field).collect();
    errors.extend(screen_errors(w.problems(today)).into_iter().filter(|e| !named.contains(&e.field)));
    if errors.is_empty() { Ok(w) } else { Err(errors) }
}

/// Records the team's weighing of a case (a sub-resource, ADR "treat the operation as a sub-resource").
pub async fn weigh(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let now = state.now();
    let w = parse_weighing(&body, now.date()).map_err(AppError::Validation)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/signal-cases/{id}/weighings", now };
    state.store.weigh_signal_case(&access, id, &w).await.map_err(|e| match e {
        store::StoreError::Invalid { .. } => AppError::Validation(screen_errors([e])),
        other => AppError::from(other),
    })?;
    Ok((StatusCode::NO_CONTENT, ()).into_response())
}
