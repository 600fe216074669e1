//! Need-to-know per field on screen: breaking the glass for a household's sensitive data (a
//! worker of the wijk who is not on the case, with a reason, until the end of the working day),
//! the experience expert's own households, their assignment and the share with them, and
//! marking a signal's subjects. The rule itself is the store's (`kernel::sensitive`); pages show
//! "Vertrouwelijk" with whom to call where it held.

use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::layout::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use store::Access;

#[derive(Template)]
#[template(path = "confidential_open.html")]
pub struct OpenPage {
    pub t: Lang,
    pub nav: Nav,
    pub household: i64,
    pub reason: String,
    pub reason_error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct OpenForm {
    #[serde(default)]
    reden: String,
    #[serde(default)]
    csrf: String,
}

/// Break the glass for the household's sensitive data; back to the full file when granted.
pub async fn open(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<OpenForm>) -> Result<Response, AppError> {
    let id = super::forms::parse_id(&id)?;
    user.check_csrf(&f.csrf)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /huishoudens/{id}/vertrouwelijk", now: state.now() };
    match state.store.open_sensitive(&access, id, &f.reden).await {
        Ok(_) => Ok(Redirect::to(&format!("/huishoudens/{id}?dossier=volledig")).into_response()),
        Err(e) => match AppError::from(e) {
            AppError::Validation(errors) => {
                let t = user.lang;
                let reason_error = errors.iter().find(|e: &&FieldError| e.field == "reden").map(|e| e.message(&t).to_string());
                let page = OpenPage { t, nav: user.nav("/huishoudens"), household: id, reason: f.reden.clone(), reason_error };
                let mut r = render(&page);
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(r)
            }
            other => Err(other),
        },
    }
}

#[derive(Template)]
#[template(path = "my_households.html")]
pub struct MyHouseholdsPage {
    pub t: Lang,
    pub nav: Nav,
    pub households: Vec<(i64, store::residents::AddressLine)>,
}

/// The experience expert's landing page: the households assigned to them.
pub async fn my_households(State(state): State<AppState>, user: PageUser) -> Result<Response, AppError> {
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /mijn-huishoudens", now: state.now() };
    let households = state.store.my_households(&access).await?;
    Ok(render(&MyHouseholdsPage { t: user.lang, nav: user.nav("/mijn-huishoudens"), households }))
}

#[derive(serde::Deserialize, Default)]
pub struct ExpertForm {
    #[serde(default)]
    deskundige: String,
    #[serde(default)]
    csrf: String,
}

/// Assigns one of the team's experience experts to the household (`/ervaringsdeskundige`), or
/// shares its sensitive data with the one assigned (`/ervaringsdeskundige/delen`); back to the
/// household's page.
pub async fn expert(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<ExpertForm>) -> Result<Response, AppError> {
    expert_act(state, user, id, f, false).await
}

pub async fn expert_share(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<ExpertForm>) -> Result<Response, AppError> {
    expert_act(state, user, id, f, true).await
}

async fn expert_act(state: AppState, user: PageUser, id: String, f: ExpertForm, share: bool) -> Result<Response, AppError> {
    let id = super::forms::parse_id(&id)?;
    user.check_csrf(&f.csrf)?;
    let actor = user.actor();
    let route = if share { "POST /huishoudens/{id}/ervaringsdeskundige/delen" } else { "POST /huishoudens/{id}/ervaringsdeskundige" };
    let access = Access { actor: &actor, route, now: state.now() };
    let Ok(expert) = f.deskundige.parse::<i64>() else {
        let e = FieldError { field: "deskundige", message_nl: "Ervaringsdeskundige: kies wie.".into(), message_en: "Experience expert: choose who.".into() };
        return super::households::household_page(&state, &user, id, route, false, None, vec![e], true).await;
    };
    if share {
        state.store.share_sensitive(&access, id, expert).await?;
    } else {
        state.store.assign_expert(&access, id, expert).await?;
    }
    let done = if share { "gedeeld" } else { "deskundige" };
    Ok(Redirect::to(&format!("/huishoudens/{id}?dossier=volledig&gedaan={done}#kop-deskundige")).into_response())
}

/// Marks one of the case's signals with the special categories it touches (none ticked lifts
/// the marks); back to its signal case.
pub async fn mark_signal(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let signal_id = super::forms::parse_id(&id)?;
    let form = super::forms::grouped(pairs);
    user.check_csrf(super::forms::first(&form, "csrf"))?;
    let case_id = super::forms::parse_id(super::forms::first(&form, "zaak"))?;
    let marks = super::forms::codes(&form, "vertrouwelijk", domain::model::Sensitive::from_code);
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /signalen/{id}/vertrouwelijk", now: state.now() };
    state.store.mark_signal_sensitive(&access, signal_id, &marks).await?;
    Ok(Redirect::to(&format!("/signaalzaken/{case_id}?gedaan=vertrouwelijk#signaal-{signal_id}")).into_response())
}
