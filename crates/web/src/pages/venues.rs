//! Being where people are: the team's venues (vindplaatsen) with their presence sessions, and
//! information sessions (voorlichting). Counts and topics only, never residents' names.

use super::forms::{field_error, first, grouped, parse_id};
use super::forms::Field;
use crate::layout::{render, Nav};
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use domain::campaign::VenueKind;
use std::collections::HashMap;
use store::outreach::{InfoSession, NewInfoSession, NewPresence, NewVenue, Presence, Venue};
use store::Access;

type FormMap = HashMap<String, Vec<String>>;

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    gedaan: Option<String>,
}

#[derive(Template)]
#[template(path = "venues.html")]
pub struct VenuesPage {
    pub t: Lang,
    pub nav: Nav,
    pub venues: Vec<Venue>,
    pub sessions: Vec<InfoSession>,
    pub errors: Vec<FieldError>,
    pub form: FormMap,
    pub done: Option<String>,
}

impl VenuesPage {
    fn venue_kinds(&self) -> &'static [VenueKind] {
        VenueKind::ALL
    }

    fn field(&self, name: &'static str, nl: &str, en: &str) -> Field {
        Field::new(name, self.t.s(nl, en), self.value(name), &self.errors, &self.t)
    }

    fn value<'a>(&'a self, name: &str) -> &'a str {
        first(&self.form, name)
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message(&self.t))
    }
}

async fn venues_page(state: &AppState, user: &PageUser, form: FormMap, errors: Vec<FieldError>, done: Option<String>) -> Result<Response, AppError> {
    let t = user.lang;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /vindplaatsen", now: state.now() };
    let venues = state.store.venues(&access).await?;
    let sessions = state.store.info_sessions(&access).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut r = render(&VenuesPage { t, nav: user.nav("/vindplaatsen"), venues, sessions, errors, form, done });
    *r.status_mut() = status;
    Ok(r)
}

pub async fn list(State(state): State<AppState>, user: PageUser, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    let mut form = FormMap::new();
    form.insert("v-datum".into(), vec![store::time_fmt::date(state.now().date())]);
    let done = q.gedaan.filter(|d| matches!(d.as_str(), "vindplaats" | "voorlichting"));
    venues_page(&state, &user, form, Vec::new(), done).await
}

fn count(form: &FormMap, name: &'static str, nl: &str, en: &str, errors: &mut Vec<FieldError>) -> i64 {
    match first(form, name).trim() {
        "" => 0,
        v => v.parse().unwrap_or_else(|_| {
            errors.push(FieldError { field: name, message_nl: format!("{nl}: vul een aantal in."), message_en: format!("{en}: fill in a number.") });
            0
        }),
    }
}

fn coordinate(form: &FormMap, name: &'static str, errors: &mut Vec<FieldError>) -> Option<f64> {
    match first(form, name).trim() {
        "" => None,
        v => v.replace(',', ".").parse().map_err(|_| errors.push(FieldError { field: name, message_nl: format!("{name}: vul RD-meters in."), message_en: format!("{name}: fill in RD metres.") })).ok(),
    }
}

pub async fn add_venue(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let mut errors = Vec::new();
    let kind = VenueKind::from_code(first(&form, "soort"));
    if kind.is_none() {
        errors.push(FieldError { field: "soort", message_nl: "Soort plek: kies er een.".into(), message_en: "Kind of place: choose one.".into() });
    }
    let (x, y) = (coordinate(&form, "x", &mut errors), coordinate(&form, "y", &mut errors));
    if let Some(kind) = kind.filter(|_| errors.is_empty()) {
        let new = NewVenue { name: first(&form, "naam").into(), kind, place: first(&form, "plek").into(), x, y };
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /vindplaatsen", now: state.now() };
        match state.store.add_venue(&access, &new).await {
            Ok(_) => return Ok(Redirect::to("/vindplaatsen?gedaan=vindplaats").into_response()),
            Err(e) => errors.push(field_error(e)?),
        }
    }
    venues_page(&state, &user, form, errors, None).await
}

pub async fn add_info_session(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let mut errors = Vec::new();
    let on_date = domain::parse_date(first(&form, "v-datum")).map_err(|e| errors.push(FieldError::from_parse("v-datum", "Datum", "Date", &e))).ok();
    let attendance = count(&form, "aanwezig", "Aanwezigen", "Attendance", &mut errors);
    let follow_ups = count(&form, "vervolg", "Vervolgcontacten", "Follow-up contacts", &mut errors);
    if let Some(on_date) = on_date.filter(|_| errors.is_empty()) {
        let new = NewInfoSession {
            on_date,
            location: first(&form, "locatie").into(),
            audience: first(&form, "publiek").into(),
            organised_with: Some(first(&form, "samen_met").to_string()),
            topics: first(&form, "onderwerpen").into(),
            attendance,
            follow_ups,
        };
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /voorlichting", now: state.now() };
        match state.store.add_info_session(&access, &new).await {
            Ok(_) => return Ok(Redirect::to("/vindplaatsen?gedaan=voorlichting#kop-voorlichting").into_response()),
            Err(e) => errors.push(field_error(e)?),
        }
    }
    venues_page(&state, &user, form, errors, None).await
}

#[derive(Template)]
#[template(path = "venue.html")]
pub struct VenuePage {
    pub t: Lang,
    pub nav: Nav,
    pub venue: Venue,
    pub sessions: Vec<Presence>,
    pub errors: Vec<FieldError>,
    pub form: FormMap,
    pub done: bool,
}

impl VenuePage {
    fn field(&self, name: &'static str, nl: &str, en: &str) -> Field {
        Field::new(name, self.t.s(nl, en), self.value(name), &self.errors, &self.t)
    }

    fn value<'a>(&'a self, name: &str) -> &'a str {
        first(&self.form, name)
    }
}

async fn venue_page(state: &AppState, user: &PageUser, id: i64, form: FormMap, errors: Vec<FieldError>, done: bool) -> Result<Response, AppError> {
    let t = user.lang;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /vindplaatsen/{id}", now: state.now() };
    let (venue, sessions) = state.store.venue(&access, id).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut r = render(&VenuePage { t, nav: user.nav("/vindplaatsen"), venue, sessions, errors, form, done });
    *r.status_mut() = status;
    Ok(r)
}

pub async fn venue(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut form = FormMap::new();
    form.insert("datum".into(), vec![store::time_fmt::date(state.now().date())]);
    form.insert("duur".into(), vec!["120".into()]);
    venue_page(&state, &user, id, form, Vec::new(), q.gedaan.is_some()).await
}

pub async fn log_presence(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let mut errors = Vec::new();
    let on_date = domain::parse_date(first(&form, "datum")).map_err(|e| errors.push(FieldError::from_parse("datum", "Datum", "Date", &e))).ok();
    let minutes = count(&form, "duur", "Duur", "Length", &mut errors);
    let conversations = count(&form, "gesprekken", "Gesprekken", "Conversations", &mut errors);
    let signals_noted = count(&form, "signalen", "Signalen", "Signals", &mut errors);
    if let Some(on_date) = on_date.filter(|_| errors.is_empty()) {
        let new = NewPresence {
            on_date,
            start_time: first(&form, "begin").trim().to_string(),
            minutes,
            conversations,
            topics: first(&form, "onderwerpen").into(),
            signals_noted,
            note: Some(first(&form, "notitie").to_string()),
        };
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /vindplaatsen/{id}/aanwezigheid", now: state.now() };
        match state.store.log_presence(&access, id, &new).await {
            Ok(_) => return Ok(Redirect::to(&format!("/vindplaatsen/{id}?gedaan=ja")).into_response()),
            Err(store::StoreError::NotFound) => return Err(AppError::NotFound),
            Err(e) => errors.push(field_error(e)?),
        }
    }
    venue_page(&state, &user, id, form, errors, false).await
}
