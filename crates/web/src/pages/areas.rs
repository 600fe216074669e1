//! The administrator's set-up of the municipality: the municipality itself, its wijken and
//! buurten from CBS's key figures, the addresses from the BAG, and the teams with their areas.
//! Files are read whole; every bad line is shown on the page and nothing is stored then.

use super::forms::{field_error, first, grouped, parse_id, Field};
use super::upload;
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::layout::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use store::setup::{AreaRow, Municipality, TeamRow};
use store::{Access, Setup};

/// At most this much per file: a whole municipality's BAG extract (some 400,000 addresses).
const LIMIT: upload::Limit = upload::Limit { bytes: 40 * 1024 * 1024, nl: "Bestand: hoogstens 40 MB; splits het per wijk.", en: "File: at most 40 MB; split it per wijk." };
/// The upload's whole body.
pub const UPLOAD_BYTES: usize = LIMIT.bytes + upload::FORM_OVERHEAD;

/// What the last import on the page did, in Dutch and English.
pub struct Outcome {
    pub nl: String,
    pub en: String,
}

#[derive(Template)]
#[template(path = "admin_areas.html")]
pub struct AreasPage {
    pub t: Lang,
    pub nav: Nav,
    pub municipality: Option<Municipality>,
    pub code: Field,
    pub name: Field,
    pub year: Field,
    pub areas: Vec<AreaRow>,
    pub errors: Vec<FieldError>,
    /// Which form the errors and lines belong to: "gemeente", "gebieden" or "adressen".
    pub form: &'static str,
    pub lines: Vec<String>,
    pub outcome: Option<Outcome>,
}

impl AreasPage {
    fn figure(&self, v: &Option<i64>) -> String {
        v.map(|n| n.to_string()).unwrap_or_else(|| self.t.s("onbekend", "unknown").to_string())
    }

    fn percent(&self, v: &Option<f64>) -> String {
        v.map(|p| format!("{p:.1}").replace('.', if self.t.is_nl() { "," } else { "." }) + " %").unwrap_or_else(|| self.t.s("onbekend", "unknown").to_string())
    }
}

struct Shown {
    errors: Vec<FieldError>,
    form: &'static str,
    lines: Vec<String>,
    outcome: Option<Outcome>,
    values: (String, String, String),
}

impl Shown {
    fn none() -> Shown {
        Shown { errors: Vec::new(), form: "", lines: Vec::new(), outcome: None, values: Default::default() }
    }
}

async fn areas_page(state: &AppState, user: &PageUser, shown: Shown) -> Result<Response, AppError> {
    let t = user.lang;
    let failed = !shown.errors.is_empty() || !shown.lines.is_empty();
    let (code, name, year) = &shown.values;
    let page = AreasPage {
        t,
        nav: user.nav("/beheer/gebieden"),
        municipality: state.store.municipality().await?,
        code: Field::new("code", t.s("CBS-gemeentecode", "CBS municipality code"), code, &shown.errors, &t).hint(t.s("GM en vier cijfers, bijvoorbeeld GM0344", "GM and four digits, e.g. GM0344")).required(),
        name: Field::new("naam", t.s("Naam van de gemeente", "Name of the municipality"), name, &shown.errors, &t).required(),
        year: Field::new("jaar", t.s("Jaar van de kerncijfers", "Year of the key figures"), year, &shown.errors, &t).required(),
        areas: state.store.areas().await?,
        errors: shown.errors,
        form: shown.form,
        lines: shown.lines,
        outcome: shown.outcome,
    };
    let mut r = render(&page);
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    gedaan: Option<String>,
}

pub async fn areas(State(state): State<AppState>, user: PageUser, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    let outcome = (q.gedaan.as_deref() == Some("gemeente")).then(|| Outcome { nl: "De gemeente is ingesteld.".into(), en: "The municipality has been set.".into() });
    areas_page(&state, &user, Shown { outcome, ..Shown::none() }).await
}

#[derive(serde::Deserialize)]
pub struct MunicipalityForm {
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    naam: String,
}

pub async fn init_municipality(State(state): State<AppState>, user: PageUser, Form(f): Form<MunicipalityForm>) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /beheer/gemeente", now: state.now() };
    match state.store.init_municipality(&Setup::Admin(&access), &f.code, &f.naam).await {
        Ok(_) => Ok(Redirect::to("/beheer/gebieden?gedaan=gemeente").into_response()),
        Err(e) => {
            let errors = vec![field_error(e)?];
            areas_page(&state, &user, Shown { errors, form: "gemeente", values: (f.code, f.naam, String::new()), ..Shown::none() }).await
        }
    }
}

pub async fn import_areas(State(state): State<AppState>, user: PageUser, multipart: Result<Multipart, MultipartRejection>) -> Result<Response, AppError> {
    let form = upload::read(&user, multipart, &LIMIT).await?;
    let year_text = form.field("jaar").trim().to_string();
    let shown = |errors: Vec<FieldError>, lines: Vec<String>| Shown { errors, form: "gebieden", lines, outcome: None, values: (String::new(), String::new(), year_text.clone()) };
    let year_error = || FieldError { field: "jaar", message_nl: "Jaar: het jaar van de kerncijfers, bijvoorbeeld 2024.".into(), message_en: "Year: the year of the key figures, e.g. 2024.".into() };
    let mut errors = Vec::new();
    let year = year_text.parse::<i32>().map_err(|_| errors.push(year_error())).ok();
    let bytes = form.file.map_err(|e| errors.push(e)).ok();
    let (Some(year), Some(bytes)) = (year, bytes) else { return areas_page(&state, &user, shown(errors, Vec::new())).await };
    let Some(municipality) = state.store.municipality().await? else {
        let e = FieldError { field: "bestand", message_nl: "Stel eerst de gemeente in.".into(), message_en: "Set the municipality first.".into() };
        return areas_page(&state, &user, shown(vec![e], Vec::new())).await;
    };
    let read = domain::csv::parse(&bytes).map_err(|e| vec![e.to_string()]).and_then(|table| {
        domain::cbs::kerncijfers(&table, &municipality.code, &municipality.name).map_err(|errors| errors.iter().map(ToString::to_string).collect())
    });
    let cbs = match read {
        Ok(areas) => areas,
        Err(lines) => return areas_page(&state, &user, shown(Vec::new(), lines)).await,
    };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /beheer/gebieden/importeren", now: state.now() };
    match state.store.import_areas(&Setup::Admin(&access), year, &cbs).await {
        Ok(r) => {
            let gone: Vec<&str> = r.gone.iter().map(|(code, _)| code.as_str()).collect();
            let (gone_nl, gone_en) = if gone.is_empty() { (String::new(), String::new()) } else { (format!(" Niet meer in het bestand (blijven bestaan): {}.", gone.join(", ")), format!(" No longer in the file (kept): {}.", gone.join(", "))) };
            let outcome = Outcome {
                nl: format!("Kerncijfers {year} ingelezen: {} gebieden nieuw, {} bijgewerkt.{gone_nl}", r.added, r.updated),
                en: format!("Key figures {year} imported: {} areas new, {} updated.{gone_en}", r.added, r.updated),
            };
            areas_page(&state, &user, Shown { outcome: Some(outcome), ..Shown::none() }).await
        }
        Err(e) => {
            let (errors, lines) = upload::store_refusal(e)?;
            areas_page(&state, &user, shown(errors, lines)).await
        }
    }
}

pub async fn import_addresses(State(state): State<AppState>, user: PageUser, multipart: Result<Multipart, MultipartRejection>) -> Result<Response, AppError> {
    let form = upload::read(&user, multipart, &LIMIT).await?;
    let shown = |errors: Vec<FieldError>, lines: Vec<String>| Shown { errors, form: "adressen", lines, ..Shown::none() };
    let bytes = match form.file {
        Ok(b) => b,
        Err(e) => return areas_page(&state, &user, shown(vec![e], Vec::new())).await,
    };
    let file = match upload::bag_file(&bytes) {
        Ok(f) => f,
        Err(lines) => return areas_page(&state, &user, shown(Vec::new(), lines)).await,
    };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /beheer/adressen/importeren", now: state.now() };
    match state.store.import_municipal_addresses(&Setup::Admin(&access), &file, &|_| {}).await {
        Ok(r) => {
            let outcome = Outcome {
                nl: format!("Adressen ingelezen: {} nieuw, {} al bekend, {} objecten zonder woonfunctie overgeslagen.", r.added, r.known, r.skipped),
                en: format!("Addresses imported: {} new, {} known already, {} objects without a residential use skipped.", r.added, r.known, r.skipped),
            };
            areas_page(&state, &user, Shown { outcome: Some(outcome), ..Shown::none() }).await
        }
        Err(e) => {
            let (errors, lines) = upload::store_refusal(e)?;
            areas_page(&state, &user, shown(errors, lines)).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Teams.

#[derive(Template)]
#[template(path = "admin_teams.html")]
pub struct TeamsPage {
    pub t: Lang,
    pub nav: Nav,
    pub teams: Vec<TeamRow>,
    /// Wijken and buurten to choose from.
    pub areas: Vec<AreaRow>,
    pub name: Field,
    /// The areas ticked in the form that was refused, and for which team (None: the new team).
    pub ticked: Vec<String>,
    pub editing: Option<i64>,
    pub errors: Vec<FieldError>,
    pub done: bool,
}

/// The new team's form, in `TeamsPage::errors_for` and `is_ticked`.
const NEW_TEAM: &i64 = &0;

impl TeamsPage {
    /// `team` 0 is the new team's form.
    fn is_ticked(&self, team: &i64, code: &str, current: &[(String, String)]) -> bool {
        if self.errors_for(team) {
            self.ticked.iter().any(|c| c == code)
        } else {
            current.iter().any(|(c, _)| c == code)
        }
    }

    fn errors_for(&self, team: &i64) -> bool {
        !self.errors.is_empty() && self.editing.unwrap_or(0) == *team
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message(&self.t))
    }
}

async fn teams_page(state: &AppState, user: &PageUser, name: &str, ticked: Vec<String>, editing: Option<i64>, errors: Vec<FieldError>, done: bool) -> Result<Response, AppError> {
    let t = user.lang;
    let failed = !errors.is_empty();
    let name_errors = if editing.is_none() { errors.clone() } else { Vec::new() };
    let page = TeamsPage {
        t,
        nav: user.nav("/beheer/teams"),
        teams: state.store.teams().await?,
        areas: state.store.areas().await?,
        name: Field::new("naam", t.s("Naam van het team", "Name of the team"), name, &name_errors, &t).required(),
        ticked,
        editing,
        errors,
        done,
    };
    let mut r = render(&page);
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub async fn teams(State(state): State<AppState>, user: PageUser, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    teams_page(&state, &user, "", Vec::new(), None, Vec::new(), q.gedaan.is_some()).await
}

/// The team form: its name and the ticked areas (`gebieden`, repeated).
fn team_form(pairs: Vec<(String, String)>) -> (String, String, Vec<String>) {
    let form = grouped(pairs);
    (first(&form, "csrf").to_string(), first(&form, "naam").to_string(), form.get("gebieden").cloned().unwrap_or_default())
}

pub async fn add_team(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let (csrf, name, areas) = team_form(pairs);
    user.check_csrf(&csrf)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /beheer/teams", now: state.now() };
    match state.store.add_team(&Setup::Admin(&access), &name, &areas).await {
        Ok(_) => Ok(Redirect::to("/beheer/teams?gedaan=team").into_response()),
        Err(e) => teams_page(&state, &user, &name, areas, None, vec![field_error(e)?], false).await,
    }
}

pub async fn set_team_areas(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let (csrf, _, areas) = team_form(pairs);
    user.check_csrf(&csrf)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /beheer/teams/{id}/gebieden", now: state.now() };
    match state.store.set_team_areas(&Setup::Admin(&access), id, &areas).await {
        Ok(()) => Ok(Redirect::to("/beheer/teams?gedaan=gebieden").into_response()),
        Err(e) => teams_page(&state, &user, "", areas, Some(id), vec![field_error(e)?], false).await,
    }
}
