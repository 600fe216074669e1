//! Door-to-door campaigns: the team's campaigns, planning one (area, exclusions, walkers and
//! shift), the campaign page (coverage, waves and walk lists, entries too fast to be real,
//! agreed return visits, the next wave), the walk list on a phone (the next door and its
//! result in one tap) and on paper, and the BAG-shaped address import that gives an area its
//! doors.

use super::forms::{field_error, first, grouped, parse_id};
use super::upload;
use crate::layout::{render, Nav};
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use domain::campaign::DoorOutcome;
use domain::model::{DayPart, Id, SignalKind};
use std::collections::HashMap;
use store::campaigns::{CampaignRow, CampaignView, DoorEntry, NewCampaign, NewWave, WalkList};
use store::outreach::Venue;
use store::Access;
use time::OffsetDateTime;

type FormMap = HashMap<String, Vec<String>>;


// ---------------------------------------------------------------------------------------------
// The list and a new campaign.

#[derive(Template)]
#[template(path = "campaigns.html")]
pub struct CampaignsPage {
    pub t: Lang,
    pub nav: Nav,
    pub campaigns: Vec<CampaignRow>,
}

pub async fn list(State(state): State<AppState>, user: PageUser) -> Result<Response, AppError> {
    let t = user.lang;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /campagnes", now: state.now() };
    let campaigns = state.store.campaigns(&access).await?;
    Ok(render(&CampaignsPage { t, nav: user.nav("/campagnes"), campaigns }))
}

#[derive(Template)]
#[template(path = "campaign_new.html")]
pub struct NewCampaignPage {
    pub t: Lang,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub form: FormMap,
    pub areas: Vec<(String, String)>,
    pub walkers: Vec<(Id, String)>,
    pub venues: Vec<Venue>,
}

impl NewCampaignPage {
    fn day_parts(&self) -> &'static [DayPart] {
        DayPart::ALL
    }

    fn value<'a>(&'a self, name: &str) -> &'a str {
        first(&self.form, name)
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message(&self.t))
    }

    fn walker_checked(&self, id: &Id) -> bool {
        self.form.get("lopers").is_some_and(|v| v.iter().any(|w| *w == id.to_string()))
    }
}

async fn new_page(state: &AppState, user: &PageUser, form: FormMap, errors: Vec<FieldError>) -> Result<NewCampaignPage, AppError> {
    let t = user.lang;
    let team = user.user.team_id.ok_or(AppError::Forbidden)?;
    let whole: Vec<(String, String)> = state
        .store
        .team_areas(team)
        .await?
        .into_iter()
        .filter(|(_, _, level)| level == "wijk")
        .map(|(code, name, _)| (code, format!("{name} ({})", t.s("hele wijk", "whole wijk"))))
        .collect();
    let mut areas = whole;
    areas.extend(state.store.team_buurten(team).await?);
    let walkers = state.store.team_workers(team).await?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /campagnes/nieuw", now: state.now() };
    let venues = state.store.venues(&access).await?.into_iter().filter(|v| v.has_point).collect();
    Ok(NewCampaignPage { t, nav: user.nav("/campagnes"), errors, form, areas, walkers, venues })
}

pub async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, AppError> {
    let mut form = FormMap::new();
    let tomorrow = state.now().date().next_day().unwrap_or(state.now().date());
    for (k, v) in [("deurtijd", "90".to_string()), ("snelheid", "4,5".into()), ("recent", "60".into()), ("dienst", "120".into()), ("dagdeel", "middag".into()), ("datum", store::time_fmt::date(tomorrow))] {
        form.insert(k.into(), vec![v]);
    }
    form.insert("lopers".into(), vec![user.user.id.to_string()]);
    Ok(render(&new_page(&state, &user, form, Vec::new()).await?))
}

fn number<T: std::str::FromStr>(form: &FormMap, name: &'static str, nl: &str, en: &str, errors: &mut Vec<FieldError>) -> Option<T> {
    let v = first(form, name).trim().replace(',', ".");
    let parsed = v.parse::<T>().ok();
    if parsed.is_none() {
        errors.push(FieldError { field: name, message_nl: format!("{nl}: vul een getal in."), message_en: format!("{en}: fill in a number.") });
    }
    parsed
}

/// The wave part of a form: date, day part, shift length, walkers.
fn wave_of(form: &FormMap, errors: &mut Vec<FieldError>) -> Option<NewWave> {
    let walk_on = match domain::parse_date(first(form, "datum")) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(FieldError::from_parse("datum", "Datum", "Date", &e));
            None
        }
    };
    let day_part = DayPart::from_code(first(form, "dagdeel"));
    if day_part.is_none() {
        errors.push(FieldError { field: "dagdeel", message_nl: "Dagdeel: kies er een.".into(), message_en: "Day part: choose one.".into() });
    }
    let shift_minutes = number::<i64>(form, "dienst", "Dienst (minuten)", "Shift (minutes)", errors);
    let walkers: Vec<Id> = form.get("lopers").map(|v| v.iter().filter_map(|w| w.parse().ok()).collect()).unwrap_or_default();
    if walkers.is_empty() {
        errors.push(FieldError { field: "lopers", message_nl: "Lopers: kies wie er lopen.".into(), message_en: "Walkers: choose who walks.".into() });
    }
    Some(NewWave { walk_on: walk_on?, day_part: day_part?, shift_minutes: shift_minutes?, walkers })
}

pub async fn create(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let mut errors = Vec::new();
    let service_seconds = number::<i64>(&form, "deurtijd", "Tijd per deur", "Time per door", &mut errors);
    let speed_kmh = number::<f64>(&form, "snelheid", "Loopsnelheid", "Walking speed", &mut errors);
    let recent_days = number::<i64>(&form, "recent", "Kort geleden bezocht", "Visited recently", &mut errors);
    let start_venue = match first(&form, "start") {
        "" => Some(None),
        v => v.parse::<Id>().ok().map(Some),
    };
    let wave = wave_of(&form, &mut errors);
    let outcome = match (service_seconds, speed_kmh, recent_days, start_venue, wave) {
        (Some(service_seconds), Some(speed_kmh), Some(recent_days), Some(start_venue), Some(wave)) if errors.is_empty() => {
            let new = NewCampaign {
                name: first(&form, "naam").to_string(),
                area_code: first(&form, "gebied").to_string(),
                streets: Some(first(&form, "straten").to_string()).filter(|s| !s.trim().is_empty()),
                service_seconds,
                speed_kmh,
                start_venue,
                recent_days,
                wave,
            };
            let actor = user.actor();
            let access = Access { actor: &actor, route: "POST /campagnes/nieuw", now: state.now() };
            match state.store.create_campaign(&access, &new).await {
                Ok(id) => return Ok(Redirect::to(&format!("/campagnes/{id}?gedaan=gepland")).into_response()),
                Err(e) => Some(field_error(e)?),
            }
        }
        _ => None,
    };
    errors.extend(outcome);
    let mut r = render(&new_page(&state, &user, form, errors).await?);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// The campaign page and the next wave.

#[derive(Template)]
#[template(path = "campaign.html")]
pub struct CampaignPage {
    pub t: Lang,
    pub nav: Nav,
    pub c: CampaignView,
    pub errors: Vec<FieldError>,
    pub form: FormMap,
    pub walkers: Vec<(Id, String)>,
    pub done: Option<String>,
}

impl CampaignPage {
    fn day_parts(&self) -> &'static [DayPart] {
        DayPart::ALL
    }

    fn value<'a>(&'a self, name: &str) -> &'a str {
        first(&self.form, name)
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message(&self.t))
    }

    fn walker_checked(&self, id: &Id) -> bool {
        self.form.get("lopers").is_some_and(|v| v.iter().any(|w| *w == id.to_string()))
    }

    fn time(&self, at: &OffsetDateTime) -> String {
        crate::i18n::local_time(at)
    }
}

/// A `datetime-local` value ("2026-12-01T19:30") in Dutch time.
fn parse_local(v: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let naive = time::PrimitiveDateTime::parse(v.trim(), &format).ok()?;
    Some(domain::local::from_dutch(naive))
}

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    gedaan: Option<String>,
    deur: Option<String>,
}

async fn campaign_page(state: &AppState, user: &PageUser, id: Id, route: &str, form: FormMap, errors: Vec<FieldError>, done: Option<String>) -> Result<Response, AppError> {
    let t = user.lang;
    let actor = user.actor();
    let access = Access { actor: &actor, route, now: state.now() };
    let c = state.store.campaign(&access, id).await?;
    let team = user.user.team_id.ok_or(AppError::Forbidden)?;
    let walkers = state.store.team_workers(team).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut r = render(&CampaignPage { t, nav: user.nav("/campagnes"), c, errors, form, walkers, done });
    *r.status_mut() = status;
    Ok(r)
}

pub async fn page(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut form = FormMap::new();
    let next_week = state.now().date() + time::Duration::days(7);
    form.insert("datum".into(), vec![store::time_fmt::date(next_week)]);
    form.insert("dienst".into(), vec!["120".into()]);
    form.insert("lopers".into(), vec![user.user.id.to_string()]);
    let done = q.gedaan.filter(|d| matches!(d.as_str(), "gepland" | "ronde"));
    campaign_page(&state, &user, id, "GET /campagnes/{id}", form, Vec::new(), done).await
}

pub async fn next_wave(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let mut errors = Vec::new();
    if let Some(wave) = wave_of(&form, &mut errors).filter(|_| errors.is_empty()) {
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /campagnes/{id}/ronde", now: state.now() };
        match state.store.plan_next_wave(&access, id, &wave).await {
            Ok(_) => return Ok(Redirect::to(&format!("/campagnes/{id}?gedaan=ronde#kop-rondes")).into_response()),
            Err(e) => errors.push(field_error(e)?),
        }
    }
    campaign_page(&state, &user, id, "POST /campagnes/{id}/ronde", form, errors, None).await
}

// ---------------------------------------------------------------------------------------------
// The walk list: on a phone, and on paper.

#[derive(Template)]
#[template(path = "walk_list.html")]
pub struct WalkListPage {
    pub t: Lang,
    pub nav: Nav,
    pub list: WalkList,
    /// The door the form is for: the one chosen, or the next without a result.
    pub current: Option<Id>,
    pub errors: Vec<FieldError>,
    pub form: FormMap,
    pub done: Option<String>,
}

impl WalkListPage {
    /// The results one tap saves; "come back" and "signal noted" need a time or a note first.
    fn quick(&self) -> Vec<DoorOutcome> {
        DoorOutcome::ALL.iter().copied().filter(|o| !matches!(o, DoorOutcome::ComeBack | DoorOutcome::SignalNoted)).collect()
    }

    fn signal_kinds(&self) -> Vec<SignalKind> {
        SignalKind::ALL.iter().copied().filter(|k| *k != SignalKind::Betalingsachterstand).collect()
    }

    fn is_current(&self, id: &Id) -> bool {
        self.current == Some(*id)
    }

    fn current_label(&self) -> String {
        self.current.and_then(|id| self.list.door(id)).map(|d| d.label.clone()).unwrap_or_default()
    }

    fn value<'a>(&'a self, name: &str) -> &'a str {
        first(&self.form, name)
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message(&self.t))
    }
}

async fn walk_list_page(state: &AppState, user: &PageUser, id: Id, current: Option<Id>, route: &str, (form, errors): (FormMap, Vec<FieldError>), done: Option<String>) -> Result<Response, AppError> {
    let t = user.lang;
    let actor = user.actor();
    let access = Access { actor: &actor, route, now: state.now() };
    let list = state.store.walk_list(&access, id).await?;
    let current = current.filter(|d| list.door(*d).is_some()).or_else(|| list.next_door().map(|d| d.id));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut r = render(&WalkListPage { t, nav: user.nav("/campagnes"), list, current, errors, form, done });
    *r.status_mut() = status;
    Ok(r)
}

pub async fn walk_list(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let current = q.deur.and_then(|d| d.parse().ok());
    let done = q.gedaan.filter(|d| DoorOutcome::from_code(d).is_some());
    walk_list_page(&state, &user, id, current, "GET /looplijsten/{id}", (FormMap::new(), Vec::new()), done).await
}

pub async fn record(State(state): State<AppState>, user: PageUser, Path((id, door)): Path<(String, String)>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let door = parse_id(&door)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let route = "POST /looplijsten/{id}/deuren/{deur}";
    let mut errors = Vec::new();
    let outcome = DoorOutcome::from_code(first(&form, "uitkomst"));
    if outcome.is_none() {
        errors.push(FieldError { field: "uitkomst", message_nl: "Uitkomst: kies er een.".into(), message_en: "Outcome: choose one.".into() });
    }
    let come_back_at = match first(&form, "terugkomen") {
        "" => None,
        v => {
            let parsed = parse_local(v);
            if parsed.is_none() {
                errors.push(FieldError { field: "terugkomen", message_nl: "Terugkomen: vul datum en tijd in.".into(), message_en: "Come back: fill in date and time.".into() });
            }
            parsed
        }
    };
    if let Some(outcome) = outcome.filter(|_| errors.is_empty()) {
        let entry = DoorEntry {
            outcome,
            note: Some(first(&form, "notitie").to_string()),
            come_back_at,
            signal_kind: SignalKind::from_code(first(&form, "soort")),
            no_visit: first(&form, "niet_bezoeken") == "ja",
        };
        let actor = user.actor();
        let access = Access { actor: &actor, route, now: state.now() };
        match state.store.record_door(&access, id, door, &entry).await {
            Ok(_) => return Ok(Redirect::to(&format!("/looplijsten/{id}?gedaan={}#volgende", outcome.code())).into_response()),
            Err(e) => errors.push(field_error(e)?),
        }
    }
    walk_list_page(&state, &user, id, Some(door), route, (form, errors), None).await
}

#[derive(Template)]
#[template(path = "walk_list_print.html")]
pub struct PrintPage {
    pub t: Lang,
    pub nav: Nav,
    pub list: WalkList,
}

pub async fn print(State(state): State<AppState>, user: PageUser, Path(id): Path<String>) -> Result<Response, AppError> {
    let t = user.lang;
    let id = parse_id(&id)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /looplijsten/{id}/afdrukken", now: state.now() };
    let list = state.store.walk_list(&access, id).await?;
    Ok(render(&PrintPage { t, nav: user.nav("/campagnes"), list }))
}

// ---------------------------------------------------------------------------------------------
// The address import.

#[derive(Template)]
#[template(path = "addresses_import.html")]
pub struct ImportPage {
    pub t: Lang,
    pub nav: Nav,
    /// The team's buurten (code, name): the file's buurtcode must be one of them.
    pub buurten: Vec<(String, String)>,
    pub errors: Vec<FieldError>,
    /// Row and field errors of the file.
    pub rows: Vec<String>,
    pub imported: Option<(usize, usize, usize)>,
}

async fn import_page(state: &AppState, user: &PageUser, errors: Vec<FieldError>, rows: Vec<String>, imported: Option<(usize, usize, usize)>) -> Result<Response, AppError> {
    let t = user.lang;
    let team = user.user.team_id.ok_or(AppError::Forbidden)?;
    let buurten = state.store.team_buurten(team).await?;
    let failed = !errors.is_empty() || !rows.is_empty();
    let mut r = render(&ImportPage { t, nav: user.nav("/campagnes"), buurten, errors, rows, imported });
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub async fn import_form(State(state): State<AppState>, user: PageUser) -> Result<Response, AppError> {
    import_page(&state, &user, Vec::new(), Vec::new(), None).await
}

/// At most this many bytes of file (some 50,000 addresses), as the page says.
const LIMIT: upload::Limit = upload::Limit { bytes: 4 * 1024 * 1024, nl: "Bestand: hoogstens 4 MB; splits het per buurt.", en: "File: at most 4 MB; split it per buurt." };

/// The upload's whole body: the file and the form's few fields.
pub const UPLOAD_BYTES: usize = LIMIT.bytes + upload::FORM_OVERHEAD;

pub async fn import(State(state): State<AppState>, user: PageUser, multipart: Result<Multipart, MultipartRejection>) -> Result<Response, AppError> {
    let form = upload::read(&user, multipart, &LIMIT).await?;
    let bytes = match form.file {
        Ok(bytes) => bytes,
        Err(e) => return import_page(&state, &user, vec![e], Vec::new(), None).await,
    };
    let file = match upload::bag_file(&bytes) {
        Ok(file) => file,
        Err(lines) => return import_page(&state, &user, Vec::new(), lines, None).await,
    };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /adressen/importeren", now: state.now() };
    match state.store.import_addresses(&access, &file).await {
        Ok(counts) => import_page(&state, &user, Vec::new(), Vec::new(), Some((counts.added, counts.known, file.skipped))).await,
        Err(e) => {
            let (errors, lines) = upload::store_refusal(e)?;
            import_page(&state, &user, errors, lines, None).await
        }
    }
}
