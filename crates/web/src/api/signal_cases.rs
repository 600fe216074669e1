//! The team's signal cases through the API: the lists of the screen "Signaalzaken" (open, due
//! soon, overdue, mine, to weigh, closed), one case with its signals and weighings, and closing
//! a case with its end result. Need-to-know and audit are the store's, as for the pages.

use super::schema::{codes, SignalCase, SignalCaseItem, SignalCaseList, SignalCaseSignal, SignalCaseWeighing};
use super::fields::{renamed, store_error, Fields};
use super::schema::{properties, NewWeighing};
use super::{body, path_id, query_of, Endpoint, QueryParam};
use axum::routing::{get, post};
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

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint {
            method: "get",
            path: "/signal-cases",
            summary: "Signaalzaken van het team / the team's signal cases, most urgent first",
            request: None,
            responses: &[
                (200, "De zaken in deze lijst die u mag zien (ook geen)", Some("SignalCaseList")),
                (400, "Onbekende lijst", Some("Problem")),
                (403, "Alleen het team / only the team", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[QueryParam {
                name: "list",
                description: "open (standaard), binnenkort (eerste contact binnenkort), te-laat, mijn, te-wegen (opnieuw wegen), afgesloten",
                required: false,
                values: Some(list_schema),
            }],
            handler: || get(list),
        },
        Endpoint {
            method: "get",
            path: "/signal-cases/{id}",
            summary: "Eén signaalzaak met haar signalen en wegingen / one signal case",
            request: None,
            responses: &[
                (200, "De zaak; nooit de teksten van de weging of een vertrouwelijke zorg", Some("SignalCase")),
                (400, "Het nummer is geen positief geheel getal", Some("Problem")),
                (403, "Alleen het team / only the team", Some("Problem")),
                (404, "Bestaat niet of buiten het werkgebied", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[],
            handler: || get(one),
        },
        Endpoint {
            method: "post",
            path: "/signal-cases/{id}/weighings",
            summary: "Weging van een signaalzaak vastleggen / record the team's weighing of a signal case",
            request: Some("NewWeighing"),
            responses: &[
                (204, "Vastgelegd", None),
                (400, "Geen geldige JSON of ongeldige weging, met elk fout veld in invalid-params; er is niets opgeslagen", Some("Problem")),
                (403, "Alleen het team / only the team", Some("Problem")),
                (404, "Bestaat niet, is afgesloten of buiten het werkgebied", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[],
            handler: || post(weigh),
        },
        Endpoint {
            method: "post",
            path: "/signal-cases/{id}/close",
            summary: "Signaalzaak afsluiten met het eindresultaat / close a signal case with its end result",
            request: Some("CloseSignalCase"),
            responses: &[
                (204, "Afgesloten", None),
                (400, "Geen geldige JSON, ongeldig eindresultaat, of de zaak kan zo niet dicht (elk in invalid-params); er is niets opgeslagen", Some("Problem")),
                (403, "Alleen het team / only the team", Some("Problem")),
                (404, "Bestaat niet of buiten het werkgebied", Some("Problem")),
            ],
            auth: true,
            idempotent: false,
            query: &[],
            handler: || post(close),
        },
    ]
}

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
    let mut f = Fields::of(&body, "signalCase", &properties::<super::schema::CloseSignalCase>()).map_err(AppError::Validation)?;
    let result = f.choice::<EndResult>("endResult");
    let result = f.finish(result)?;
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/signal-cases/{id}/close", now };
    state.store.close_signal_case(&access, id, result, now.date()).await.map_err(store_error(SCREEN_FIELDS, "signalCase"))?;
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

/// A weighing as a planning tool or case system sends it; every field is checked and named,
/// with the store's own rules (`Weighing::problems`), before anything is written.
fn parse_weighing(body: &Value, today: time::Date) -> Result<store::signals::Weighing, AppError> {
    use domain::model::{Approach, Companion, Decision, Ground, OutreachModel, Safety};
    let mut f = Fields::of(body, "weighing", &properties::<NewWeighing>()).map_err(AppError::Validation)?;
    let grounds = f.list::<Ground>("grounds");
    let models = f.list::<OutreachModel>("models");
    let safety = f.choice::<Safety>("safety");
    let approach = f.choice::<Approach>("approach");
    let companion = f.choice::<Companion>("companion");
    let decision = f.choice::<Decision>("decision");
    let why_go = f.text("whyGo").unwrap_or_default();
    let why_not = f.text("whyNot");
    let proportionality = f.text("proportionality").unwrap_or_default();
    let worker_id = f.raw("workerId").filter(|v| !v.is_null()).and_then(|_| f.id("workerId"));
    let review_on = f.date("reviewOn");
    let closing = match f.text("closing") {
        None => None,
        Some(code) => match EndResult::from_code(&code) {
            Some(r) => Some(r),
            None => {
                f.push(FieldError { field: "closing", message_nl: "closing: kies een eindresultaat.".into(), message_en: "closing: choose an end result.".into() });
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
    let mut errors = f.into_errors();
    let named: Vec<&str> = errors.iter().map(|e| e.field).collect();
    errors.extend(renamed(SCREEN_FIELDS, "weighing", w.problems(today)).into_iter().filter(|e| !named.contains(&e.field)));
    if errors.is_empty() { Ok(w) } else { Err(AppError::Validation(errors)) }
}

/// Records the team's weighing of a case (a sub-resource, ADR "treat the operation as a sub-resource").
pub async fn weigh(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let now = state.now();
    let w = parse_weighing(&body, now.date())?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/signal-cases/{id}/weighings", now };
    state.store.weigh_signal_case(&access, id, &w).await.map_err(store_error(SCREEN_FIELDS, "weighing"))?;
    Ok((StatusCode::NO_CONTENT, ()).into_response())
}
