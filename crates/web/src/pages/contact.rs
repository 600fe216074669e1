//! Logging contact on the household page: an attempt in at most three taps (the kind is
//! preselected from Eropaf's proposal, then the outcome, then save), a card left behind in one
//! tap, and planning the next contact differently from the proposal, with a reason.

use super::households::household_page;
use super::forms::field_error;
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use domain::model::{ContactKind, ContactOutcome, DayPart, DiscussionOutcome};
use store::contact::NewAttempt;
use store::Access;

fn household_id(id: &str) -> Result<i64, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

fn pick<T>(value: &str, parse: fn(&str) -> Option<T>, field: &'static str, nl: &str, en: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    let parsed = parse(value.trim());
    if parsed.is_none() {
        errors.push(FieldError { field, message_nl: format!("{nl}: kies er een."), message_en: format!("{en}: choose one.") });
    }
    parsed
}

#[derive(serde::Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    soort: String,
    #[serde(default)]
    uitkomst: String,
    #[serde(default)]
    dagdeel: String,
    #[serde(default)]
    notitie: String,
    #[serde(default)]
    crisisreden: String,
    /// A special category the note touches (none: not sensitive).
    #[serde(default)]
    vertrouwelijk: String,
    #[serde(default)]
    csrf: String,
}

pub async fn log(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<ContactForm>) -> Result<Response, AppError> {
    let id = household_id(&id)?;
    user.check_csrf(&f.csrf)?;
    let mut errors = Vec::new();
    let kind = pick(&f.soort, ContactKind::from_code, "soort", "Hoe", "How", &mut errors);
    let outcome = pick(&f.uitkomst, ContactOutcome::from_code, "uitkomst", "Uitkomst", "Outcome", &mut errors);
    let day_part = pick(&f.dagdeel, DayPart::from_code, "dagdeel", "Dagdeel", "Part of day", &mut errors);
    if let (Some(kind), Some(outcome), Some(day_part)) = (kind, outcome, day_part) {
        let now = state.now();
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /huishoudens/{id}/contact", now };
        let note = Some(f.notitie.as_str()).filter(|n| !n.trim().is_empty());
        let crisis_reason = Some(f.crisisreden.as_str()).filter(|r| !r.trim().is_empty());
        let attempt = NewAttempt { household_id: id, kind, at: now, day_part: Some(day_part), outcome, note, crisis_reason };
        let marks: Vec<domain::model::Sensitive> = domain::model::Sensitive::from_code(&f.vertrouwelijk).into_iter().collect();
        match state.store.log_contact_attempt_marked(&access, &attempt, &marks).await {
            Ok(_) => return Ok(Redirect::to(&format!("/huishoudens/{id}?gedaan=contact#kop-poging")).into_response()),
            Err(e) => {
                let mut err = field_error(e)?;
                if err.field == "note" {
                    err.field = "notitie";
                }
                errors.push(err);
            }
        }
    }
    household_page(&state, &user, id, "POST /huishoudens/{id}/contact", false, None, errors, false).await
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// A card left behind: one tap, logged as an attempt that has not reached anyone yet.
pub async fn card(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<CsrfOnly>) -> Result<Response, AppError> {
    let id = household_id(&id)?;
    user.check_csrf(&f.csrf)?;
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /huishoudens/{id}/kaartje", now };
    let attempt = NewAttempt { household_id: id, kind: ContactKind::Kaartje, at: now, day_part: None, outcome: ContactOutcome::GeenReactie, note: None, crisis_reason: None };
    match state.store.log_contact_attempt(&access, &attempt).await {
        Ok(_) => Ok(Redirect::to(&format!("/huishoudens/{id}?gedaan=kaartje#kop-poging")).into_response()),
        Err(e) => Err(AppError::from(e)),
    }
}

#[derive(serde::Deserialize)]
pub struct DiscussionForm {
    #[serde(default)]
    besluit: String,
    #[serde(default)]
    toelichting: String,
    #[serde(default)]
    csrf: String,
}

/// The team lead records the case discussion's outcome for a household on the list.
pub async fn discussed(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<DiscussionForm>) -> Result<Response, AppError> {
    let id = household_id(&id)?;
    user.check_csrf(&f.csrf)?;
    let mut errors = Vec::new();
    if let Some(outcome) = pick(&f.besluit, DiscussionOutcome::from_code, "besluit", "Besluit", "Decision", &mut errors) {
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /huishoudens/{id}/casusoverleg", now: state.now() };
        match state.store.decide_discussion(&access, id, outcome, &f.toelichting).await {
            Ok(()) => return Ok(Redirect::to("/mijn-dag#kop-casusoverleg").into_response()),
            Err(e) => errors.push(field_error(e)?),
        }
    }
    // Refused: back on "mijn dag" with the error at this household's form and what was sent.
    let refused = super::households::RefusedDecision { household_id: id, decision: f.besluit, note: f.toelichting, errors };
    super::households::my_day_page(&state, &user, "POST /huishoudens/{id}/casusoverleg", Some(refused)).await
}

#[derive(serde::Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    soort: String,
    #[serde(default)]
    dagdeel: String,
    #[serde(default)]
    datum: String,
    #[serde(default)]
    reden: String,
    #[serde(default)]
    csrf: String,
}

/// The proposal overridden: another kind, part of the day or date, with the reason why.
pub async fn plan(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<PlanForm>) -> Result<Response, AppError> {
    let id = household_id(&id)?;
    user.check_csrf(&f.csrf)?;
    let mut errors = Vec::new();
    let kind = pick(&f.soort, ContactKind::from_code, "plan-soort", "Hoe", "How", &mut errors);
    let day_part = pick(&f.dagdeel, DayPart::from_code, "plan-dagdeel", "Dagdeel", "Part of day", &mut errors);
    let date = domain::parse_date(&f.datum).map_err(|e| errors.push(FieldError::from_parse("plan-datum", "Datum", "Date", &e))).ok();
    if let (Some(kind), Some(day_part), Some(date)) = (kind, day_part, date) {
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /huishoudens/{id}/plannen", now: state.now() };
        match state.store.plan_contact(&access, id, kind, day_part, date, &f.reden).await {
            Ok(()) => return Ok(Redirect::to(&format!("/huishoudens/{id}?gedaan=plan#kop-poging")).into_response()),
            Err(e) => {
                let mut err = field_error(e)?;
                err.field = match err.field {
                    "reden" => "plan-reden",
                    "datum" => "plan-datum",
                    other => other,
                };
                errors.push(err);
            }
        }
    }
    household_page(&state, &user, id, "POST /huishoudens/{id}/plannen", false, None, errors, true).await
}

#[derive(serde::Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    taal: String,
    #[serde(default)]
    tolk: String,
    #[serde(default)]
    netwerk: String,
    #[serde(default)]
    cultuur: String,
    #[serde(default)]
    csrf: String,
}

/// The resident's language and cultural notes, read in the first-visit brief.
pub async fn language(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<LanguageForm>) -> Result<Response, AppError> {
    let id = household_id(&id)?;
    user.check_csrf(&f.csrf)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /huishoudens/{id}/taal", now: state.now() };
    let notes = store::contact::LanguageNotes {
        preferred_language: Some(f.taal),
        interpreter_needed: f.tolk == "ja",
        network_approach: f.netwerk == "ja",
        culture_note: Some(f.cultuur),
    };
    match state.store.set_language_notes(&access, id, &notes).await {
        Ok(()) => Ok(Redirect::to(&format!("/huishoudens/{id}?dossier=volledig&gedaan=taal#kop-taal")).into_response()),
        Err(e) => {
            let err = field_error(e)?;
            household_page(&state, &user, id, "POST /huishoudens/{id}/taal", false, None, vec![err], true).await
        }
    }
}
