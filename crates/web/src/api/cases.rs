//! Cases (trajecten) through the API, for a municipality's case system or a planning tool:
//! opening a case, the case file, and each change the case page makes — goals, steps,
//! practical help, phase, ZRM domains and assessments, journal, network, referrals with their
//! follow-up checks, closing. Every rule, need-to-know and audit is the store's, as for the page.

use super::fields::{store_error, Fields};
use super::schema::{self, properties};
use super::{body, path_id, Endpoint};
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError, FieldError};
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Json;
use domain::case::{CheckOutcome, CloseReason, NetworkRole, Phase, ReferralTarget, ZrmDomain, ZrmScore, DEFAULT_CHECK_EVERY_DAYS};
use domain::model::{Id, OutreachModel};
use serde_json::Value;
use store::cases::{CaseChange, CaseFile, NewMember, NewReferral};
use store::time_fmt::{date, instant};
use store::Access;

/// The store's field names (the case page's) and the API's.
const FIELDS: &[(&str, &str)] = &[
    ("traject", "case"),
    ("modellen", "models"),
    ("domeinen", "domains"),
    ("doel", "words"),
    ("doel-datum", "on"),
    ("stap", "what"),
    ("wie", "who"),
    ("stap-datum", "dueOn"),
    ("stap-gedaan", "on"),
    ("journaal", "body"),
    ("hulp", "what"),
    ("hulp-datum", "on"),
    ("toelichting", "note"),
    ("sluit-datum", "on"),
    ("zrm-datum", "on"),
    ("zrm", "scores"),
    ("netwerk-naam", "name"),
    ("netwerk-relatie", "relation"),
    ("netwerk-bereik", "reach"),
    ("organisatie", "organisation"),
    ("verwijsreden", "reason"),
    ("overdracht-met", "handoverWith"),
    ("nagaan-elke", "checkEveryDays"),
    ("verwezen-op", "referredOn"),
    ("overdracht-op", "handoverOn"),
    ("nagaan", "referral"),
    ("nagaan-notitie", "note"),
    ("nagaan-datum", "on"),
];

/// Opening names the first goal `goal`; "a case is already open" is about the household.
const OPEN_FIELDS: &[(&str, &str)] = &[("modellen", "models"), ("domeinen", "domains"), ("doel", "goal"), ("startdatum", "opened"), ("traject", "householdId")];

const CHANGED: &[(u16, &str, Option<&str>)] = &[
    (204, "Vastgelegd", None),
    (400, "Geen geldige JSON, ongeldige invoer (elk fout veld in invalid-params) of het traject is afgesloten; er is niets opgeslagen", Some("Problem")),
    (403, "Alleen het team / only the team", Some("Problem")),
    (404, "Bestaat niet of buiten het werkgebied", Some("Problem")),
];

const CREATED: &[(u16, &str, Option<&str>)] = &[
    (201, "Vastgelegd", Some("Created")),
    (400, "Geen geldige JSON, ongeldige invoer (elk fout veld in invalid-params) of het traject is afgesloten; er is niets opgeslagen", Some("Problem")),
    (403, "Alleen het team / only the team", Some("Problem")),
    (404, "Bestaat niet of buiten het werkgebied", Some("Problem")),
];

fn endpoint(method: &'static str, path: &'static str, summary: &'static str, request: Option<&'static str>, responses: &'static [(u16, &'static str, Option<&'static str>)], handler: fn() -> axum::routing::MethodRouter<AppState>) -> Endpoint {
    Endpoint { method, path, summary, request, responses, auth: true, idempotent: false, query: &[], handler }
}

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        endpoint("post", "/cases", "Traject openen voor een huishouden / open a case for a household", Some("NewCase"), &[
            (201, "Geopend", Some("Created")),
            (400, "Geen geldige JSON, ongeldige invoer (elk fout veld in invalid-params) of er loopt al een traject; er is niets opgeslagen", Some("Problem")),
            (403, "Alleen het team / only the team", Some("Problem")),
            (404, "Huishouden bestaat niet of valt buiten het werkgebied", Some("Problem")),
        ], || post(open)),
        endpoint("get", "/cases/{id}", "Eén traject met doelen, stappen, ZRM, netwerk en verwijzingen / one case", None, &[
            (200, "Het traject; bij een vertrouwelijk traject dat u niet mag lezen alleen dat het er is en bij wie u terecht kunt", Some("Case")),
            (400, "Het nummer is geen positief geheel getal", Some("Problem")),
            (403, "Alleen het team / only the team", Some("Problem")),
            (404, "Bestaat niet of buiten het werkgebied", Some("Problem")),
        ], || get(one)),
        endpoint("post", "/cases/{id}/goals", "Doel toevoegen, in de woorden van de bewoner / add a goal", Some("NewGoal"), CHANGED, || post(goal)),
        endpoint("post", "/cases/{id}/goals/{goalId}/reached", "Doel bereikt / a goal reached", Some("Dated"), CHANGED, || post(goal_reached)),
        endpoint("post", "/cases/{id}/steps", "Kleine stap plannen / plan a small step", Some("NewStep"), CHANGED, || post(step)),
        endpoint("post", "/cases/{id}/steps/{stepId}/done", "Stap gedaan / a step done", Some("Dated"), CHANGED, || post(step_done)),
        endpoint("post", "/cases/{id}/help", "Praktische hulp vastleggen / record practical help", Some("NewHelp"), CHANGED, || post(help)),
        endpoint("put", "/cases/{id}/phase", "Fase van het traject / the case's phase", Some("CasePhase"), CHANGED, || put(phase)),
        endpoint("put", "/cases/{id}/domains", "ZRM-domeinen van het traject / the case's ZRM domains", Some("CaseDomains"), CHANGED, || put(domains)),
        endpoint("post", "/cases/{id}/journal", "Notitie in het journaal / a note in the case journal", Some("NewJournalEntry"), CHANGED, || post(journal)),
        endpoint("post", "/cases/{id}/close", "Traject afsluiten met een reden / close a case with a reason", Some("CloseCase"), CHANGED, || post(close)),
        endpoint("post", "/cases/{id}/zrm-assessments", "ZRM-meting van de domeinen van het traject / a ZRM assessment", Some("NewAssessment"), CREATED, || post(assess)),
        endpoint("post", "/cases/{id}/network", "Iemand uit het netwerk toevoegen / add someone to the network", Some("NewNetworkMember"), CREATED, || post(add_member)),
        endpoint("delete", "/cases/{id}/network/{memberId}", "Iemand uit het netwerk weghalen / remove someone from the network", None, &[
            (204, "Weggehaald", None),
            (400, "Een nummer is geen positief geheel getal, of het traject is afgesloten", Some("Problem")),
            (403, "Alleen het team / only the team", Some("Problem")),
            (404, "Bestaat niet of buiten het werkgebied", Some("Problem")),
        ], || delete(remove_member)),
        endpoint("post", "/cases/{id}/referrals", "Verwijzen met warme overdracht / refer with a warm handover", Some("NewReferral"), CREATED, || post(refer)),
        endpoint("post", "/referrals/{id}/checks", "Verwijzing nagaan / follow up a referral", Some("NewReferralCheck"), &[
            (204, "Vastgelegd", None),
            (400, "Geen geldige JSON, ongeldige invoer (elk fout veld in invalid-params) of de verwijzing is al afgerond; er is niets opgeslagen", Some("Problem")),
            (403, "Alleen het team / only the team", Some("Problem")),
            (404, "Bestaat niet of buiten het werkgebied", Some("Problem")),
        ], || post(check)),
    ]
}

fn case_json(c: &CaseFile, today: time::Date) -> schema::Case {
    use schema::*;
    Case {
        id: c.id,
        household_id: c.household_id,
        address: c.address.one_line(),
        names: c.names.clone(),
        opened: date(c.opened),
        closed: c.closed.map(date),
        close_reason: c.close_reason.map(|r| r.code()),
        close_note: c.close_note.clone(),
        models: c.models.iter().map(|m| m.code()).collect(),
        worker: c.worker.clone(),
        phase: c.phase.code(),
        lasting_contact: c.lasting_contact,
        goals: c.goals.iter().map(|g| CaseGoal { id: g.id, words: g.words.clone(), added_on: date(g.added_on), reached_on: g.reached_on.map(date) }).collect(),
        steps: c.steps.iter().map(|s| CaseStep { id: s.id, what: s.what.clone(), who: s.who.clone(), due_on: date(s.due_on), done_on: s.done_on.map(date) }).collect(),
        help: c.help.iter().map(|h| CaseHelp { given_on: date(h.given_on), what: h.what.clone() }).collect(),
        domains: c.domains.iter().map(|d| d.code()).collect(),
        assessments: c.assessments.iter().map(|a| CaseAssessment { on: date(a.on), scores: a.scores.iter().map(|(d, s)| ZrmScoreView { domain: d.code(), score: s.value() }).collect() }).collect(),
        network: c.network.iter().map(|m| NetworkMember { id: m.id, role: m.role.code(), name: m.name.clone(), relation: m.relation.clone(), reach: m.reach.clone() }).collect(),
        referrals: c
            .referrals
            .iter()
            .map(|r| {
                let facts = r.facts();
                CaseReferral {
                    id: r.id,
                    target: r.target.code(),
                    organisation: r.organisation.clone(),
                    reason: r.reason.clone(),
                    referred_on: date(r.referred_on),
                    handover_on: r.handover_on.map(date),
                    handover_with: r.handover_with.clone(),
                    check_every_days: r.check_every_days,
                    started_on: r.started_on.map(date),
                    ended_on: r.ended_on.map(date),
                    worker: r.worker.clone(),
                    next_check: (!facts.settled).then(|| date(facts.next_check().max(today))),
                    checks: r.checks.iter().map(|k| ReferralCheck { on: date(k.on), outcome: k.outcome.code(), note: k.note.clone() }).collect(),
                }
            })
            .collect(),
        journal: c.journal.iter().map(|j| CaseJournalEntry { at: instant(j.at), author: j.author.clone(), body: j.body.clone() }).collect(),
        sensitive: c.sensitive.iter().map(|s| s.code()).collect(),
        withheld: c.confidential.as_ref().map(|w| Withheld { worker: w.worker.clone() }),
    }
}

/// The body as fields, checked against the request schema `T`.
fn fields<'a, T: utoipa::PartialSchema>(body: &'a Value, what: &'static str) -> Result<Fields<'a>, ApiError> {
    Fields::of(body, what, &properties::<T>()).map_err(|e| AppError::Validation(e).into())
}

fn created(id: Id) -> Response {
    (StatusCode::CREATED, Json(schema::Created { id })).into_response()
}

fn done() -> Response {
    (StatusCode::NO_CONTENT, ()).into_response()
}

async fn open(State(state): State<AppState>, ApiUser(user): ApiUser, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let body = body(input)?;
    let now = state.now();
    let mut f = fields::<schema::NewCase>(&body, "case")?;
    let household_id = f.id("householdId");
    let opened = f.date("opened").unwrap_or(now.date());
    let models = f.list::<OutreachModel>("models");
    let domains = f.list::<ZrmDomain>("domains");
    let goal = f.text("goal");
    let household_id = f.finish(household_id)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/cases", now };
    let new = store::cases::NewCase { household_id, opened, models, domains, goal: goal.as_deref() };
    let id = state.store.open_case(&access, &new).await.map_err(store_error(OPEN_FIELDS, "case"))?;
    Ok(created(id))
}

async fn one(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>) -> Result<Json<schema::Case>, ApiError> {
    let id = path_id(&id)?;
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /api/v1/cases/{id}", now };
    Ok(Json(case_json(&state.store.case_file(&access, id).await?, now.date())))
}

/// One change to an open case through the store's `change_case`.
async fn change(state: &AppState, user: &store::User, id: Id, route: &'static str, change: &CaseChange<'_>) -> Result<Response, ApiError> {
    let actor = user.actor();
    let access = Access { actor: &actor, route, now: state.now() };
    state.store.change_case(&access, id, change).await.map_err(store_error(FIELDS, "case"))?;
    Ok(done())
}

async fn goal(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let mut f = fields::<schema::NewGoal>(&body, "goal")?;
    let words = f.required_text("words");
    f.finish(Some(()))?;
    change(&state, &user, id, "POST /api/v1/cases/{id}/goals", &CaseChange::Goal { words: &words }).await
}

/// Two numbers in a path such as `/cases/{id}/steps/{stepId}/done`.
fn path_ids(raw: &(String, String)) -> Result<(Id, Id), ApiError> {
    Ok((path_id(&raw.0)?, path_id(&raw.1)?))
}

/// The day in a `Dated` body; today when left out.
fn dated(body: &Value, today: time::Date) -> Result<time::Date, ApiError> {
    let mut f = fields::<schema::Dated>(body, "body")?;
    let on = f.date("on").unwrap_or(today);
    Ok(f.finish(Some(on))?)
}

async fn goal_reached(State(state): State<AppState>, ApiUser(user): ApiUser, Path(ids): Path<(String, String)>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let (id, goal_id) = path_ids(&ids)?;
    let on = dated(&body(input)?, state.now().date())?;
    change(&state, &user, id, "POST /api/v1/cases/{id}/goals/{goalId}/reached", &CaseChange::GoalReached { goal_id, on }).await
}

async fn step(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let mut f = fields::<schema::NewStep>(&body, "step")?;
    let what = f.required_text("what");
    let who = f.required_text("who");
    let due_on = f.required_date("dueOn");
    let due_on = f.finish(due_on)?;
    change(&state, &user, id, "POST /api/v1/cases/{id}/steps", &CaseChange::Step { what: &what, who: &who, due_on }).await
}

async fn step_done(State(state): State<AppState>, ApiUser(user): ApiUser, Path(ids): Path<(String, String)>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let (id, step_id) = path_ids(&ids)?;
    let on = dated(&body(input)?, state.now().date())?;
    change(&state, &user, id, "POST /api/v1/cases/{id}/steps/{stepId}/done", &CaseChange::StepDone { step_id, on }).await
}

async fn help(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let mut f = fields::<schema::NewHelp>(&body, "help")?;
    let what = f.required_text("what");
    let on = f.date("on").unwrap_or(state.now().date());
    f.finish(Some(()))?;
    change(&state, &user, id, "POST /api/v1/cases/{id}/help", &CaseChange::Help { what: &what, on }).await
}

async fn phase(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let mut f = fields::<schema::CasePhase>(&body, "phase")?;
    let phase = f.choice::<Phase>("phase");
    let lasting_contact = f.flag("lastingContact", false);
    let phase = f.finish(phase)?;
    change(&state, &user, id, "PUT /api/v1/cases/{id}/phase", &CaseChange::Phase { phase, lasting_contact }).await
}

async fn domains(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let mut f = fields::<schema::CaseDomains>(&body, "domains")?;
    let domains = f.list::<ZrmDomain>("domains");
    let domains = f.finish(Some(domains))?;
    change(&state, &user, id, "PUT /api/v1/cases/{id}/domains", &CaseChange::Domains { domains }).await
}

async fn journal(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let mut f = fields::<schema::NewJournalEntry>(&body, "journal")?;
    let text = f.required_text("body");
    f.finish(Some(()))?;
    change(&state, &user, id, "POST /api/v1/cases/{id}/journal", &CaseChange::Journal { body: &text }).await
}

async fn close(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let mut f = fields::<schema::CloseCase>(&body, "close")?;
    let reason = f.choice::<CloseReason>("reason");
    let note = f.text("note");
    let on = f.date("on").unwrap_or(state.now().date());
    let reason = f.finish(reason)?;
    change(&state, &user, id, "POST /api/v1/cases/{id}/close", &CaseChange::Close { reason, note: note.as_deref(), on }).await
}

async fn assess(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let now = state.now();
    let mut f = fields::<schema::NewAssessment>(&body, "assessment")?;
    let on = f.date("on").unwrap_or(now.date());
    let mut scores = Vec::new();
    match f.raw("scores").and_then(Value::as_object) {
        Some(map) => {
            for (key, value) in map {
                let domain = ZrmDomain::from_code(key);
                let score = value.as_u64().and_then(|v| ZrmScore::from_code(&v.to_string()));
                match (domain, score) {
                    (Some(d), Some(s)) => scores.push((d, s)),
                    (None, _) => f.push(FieldError { field: "scores", message_nl: "scores: een onbekend ZRM-domein.".into(), message_en: "scores: an unknown ZRM domain.".into() }),
                    (Some(d), None) => f.push(FieldError {
                        field: "scores",
                        message_nl: format!("scores: {}: een score van 1 tot 5.", d.code()),
                        message_en: format!("scores: {}: a score from 1 to 5.", d.code()),
                    }),
                }
            }
        }
        None => f.push(FieldError { field: "scores", message_nl: "scores: per ZRM-domein een score van 1 tot 5.".into(), message_en: "scores: a score from 1 to 5 per ZRM domain.".into() }),
    }
    f.finish(Some(()))?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/cases/{id}/zrm-assessments", now };
    let id = state.store.record_zrm(&access, id, on, &scores).await.map_err(store_error(FIELDS, "case"))?;
    Ok(created(id))
}

async fn add_member(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let mut f = fields::<schema::NewNetworkMember>(&body, "networkMember")?;
    let role = f.choice::<NetworkRole>("role");
    let name = f.required_text("name");
    let relation = f.text("relation");
    let reach = f.text("reach");
    let role = f.finish(role)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/cases/{id}/network", now: state.now() };
    let member = NewMember { role, name: &name, relation: relation.as_deref(), reach: reach.as_deref() };
    let id = state.store.add_case_network_member(&access, id, &member).await.map_err(store_error(FIELDS, "case"))?;
    Ok(created(id))
}

async fn remove_member(State(state): State<AppState>, ApiUser(user): ApiUser, Path(ids): Path<(String, String)>) -> Result<Response, ApiError> {
    let (id, member_id) = path_ids(&ids)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "DELETE /api/v1/cases/{id}/network/{memberId}", now: state.now() };
    state.store.remove_case_network_member(&access, id, member_id).await.map_err(store_error(FIELDS, "case"))?;
    Ok(done())
}

async fn refer(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let now = state.now();
    let mut f = fields::<schema::NewReferral>(&body, "referral")?;
    let target = f.choice::<ReferralTarget>("target");
    let organisation = f.required_text("organisation");
    let reason = f.required_text("reason");
    let referred_on = f.date("referredOn").unwrap_or(now.date());
    let handover_on = f.required_date("handoverOn");
    let handover_with = f.text("handoverWith");
    let check_every_days = f.number("checkEveryDays", 1..=90).unwrap_or(DEFAULT_CHECK_EVERY_DAYS);
    let (target, handover_on) = f.finish(target.zip(handover_on))?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/cases/{id}/referrals", now };
    let r = NewReferral { target, organisation: &organisation, reason: &reason, referred_on, handover_on, handover_with: handover_with.as_deref(), check_every_days };
    let id = state.store.refer(&access, id, &r).await.map_err(store_error(FIELDS, "case"))?;
    Ok(created(id))
}

async fn check(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<String>, input: Result<Json<Value>, JsonRejection>) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let body = body(input)?;
    let now = state.now();
    let mut f = fields::<schema::NewReferralCheck>(&body, "check")?;
    let outcome = f.choice::<CheckOutcome>("outcome");
    let note = f.text("note");
    let on = f.date("on").unwrap_or(now.date());
    let outcome = f.finish(outcome)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /api/v1/referrals/{id}/checks", now };
    state.store.check_referral(&access, id, on, outcome, note.as_deref()).await.map_err(store_error(FIELDS, "referral"))?;
    Ok(done())
}
