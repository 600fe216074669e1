//! The administrator's accounts (`/beheer/accounts`): the list with block, unblock, a new
//! second factor and a password reset per account, and a new account. A one-time code is shown
//! once, on the page that made it, never in a URL or a log. Partner organisations are in
//! `partners`.

use super::forms::{codes, first, grouped, pick};
use crate::auth::{self, PageUser};
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::layout::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::model::{Id, OutreachModel, Role};
use std::collections::HashMap;
use store::accounts::AccountRow;
use store::{Access, NewUser, Setup};
use time::OffsetDateTime;

type FormMap = HashMap<String, Vec<String>>;

/// An instant as the admin screens show it: dd-mm-jjjj hh:mm UTC.
pub(crate) fn instant_text(t: &Lang, at: OffsetDateTime) -> String {
    format!("{} {:02}:{:02} UTC", t.date(&at.date()), at.hour(), at.minute())
}

/// A one-time code just made, shown on this page only.
pub struct IssuedCode {
    pub username: String,
    pub code: String,
    pub expires: String,
    /// Made together with the account (else a reset of an existing one).
    pub new_account: bool,
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
pub struct AccountsPage {
    pub t: Lang,
    pub nav: Nav,
    pub accounts: Vec<AccountRow>,
    /// What was just done (Dutch, English).
    pub done: Option<(&'static str, &'static str)>,
    pub issued: Option<IssuedCode>,
    /// An action the store refused, in the user's language.
    pub problem: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    gedaan: Option<String>,
}

fn done_text(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "geblokkeerd" => ("Het account is geblokkeerd: de sessies zijn beëindigd en de API-tokens werken niet meer.", "The account is blocked: its sessions have ended and its API tokens no longer work."),
        "gedeblokkeerd" => ("Het account is gedeblokkeerd; het kan weer inloggen.", "The account is unblocked; it can log in again."),
        "tweede-factor" => (
            "De tweede factor is gewist en de sessies zijn beëindigd. Bij de volgende keer inloggen stelt de gebruiker een nieuwe in.",
            "The second factor has been cleared and the sessions ended. At the next login the user sets up a new one.",
        ),
        _ => return None,
    })
}

async fn accounts_page(state: &AppState, user: &PageUser, done: Option<(&'static str, &'static str)>, issued: Option<IssuedCode>, problem: Option<String>) -> Result<AccountsPage, AppError> {
    let accounts = state.store.list_accounts().await?;
    Ok(AccountsPage { t: user.lang, nav: user.nav("/beheer/accounts"), accounts, done, issued, problem })
}

pub async fn list(State(state): State<AppState>, user: PageUser, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    let done = q.gedaan.as_deref().and_then(done_text);
    Ok(render(&accounts_page(&state, &user, done, None, None).await?))
}

/// Makes a one-time code for the account and starts its reset (audited): the admin sees the
/// code once, on the page this returns.
async fn issue_code(state: &AppState, setup: &Setup<'_>, t: &Lang, account: Id, new_account: bool) -> Result<IssuedCode, AppError> {
    let username = state.store.user_by_id(account).await?.ok_or(AppError::NotFound)?.username;
    let code = auth::new_reset_code();
    let expires = state.store.start_password_reset(setup, account, &auth::secret_hash(&auth::normalize_reset_code(&code))).await?;
    Ok(IssuedCode { username, code, expires: instant_text(t, expires), new_account })
}

/// One action on one account, from the buttons of the list: `account` (its id) and `actie`
/// (blokkeren, deblokkeren, tweede-factor, herstelcode).
pub async fn act(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let account = super::forms::parse_id(first(&form, "account"))?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /beheer/accounts", now: state.now() };
    let setup = Setup::Admin(&access);
    let outcome = match first(&form, "actie") {
        "blokkeren" => state.store.block_account(&setup, account, true).await.map(|()| "geblokkeerd"),
        "deblokkeren" => state.store.block_account(&setup, account, false).await.map(|()| "gedeblokkeerd"),
        "tweede-factor" => state.store.reset_second_factor(&setup, account).await.map(|()| "tweede-factor"),
        "herstelcode" => {
            let issued = issue_code(&state, &setup, &user.lang, account, false).await?;
            tracing::info!(account, "password reset code issued");
            return Ok(render(&accounts_page(&state, &user, None, Some(issued), None).await?));
        }
        _ => return Err(AppError::NotFound),
    };
    match outcome {
        Ok(done) => {
            tracing::info!(account, action = done, "account changed");
            Ok(Redirect::to(&format!("/beheer/accounts?gedaan={done}#account-{account}")).into_response())
        }
        Err(e) => {
            let problem = super::forms::field_error(e)?.message(&user.lang).to_string();
            let mut r = render(&accounts_page(&state, &user, None, None, Some(problem)).await?);
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
    }
}

#[derive(Template)]
#[template(path = "admin_accounts_new.html")]
pub struct NewAccountPage {
    pub t: Lang,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub form: FormMap,
    pub teams: Vec<(Id, String)>,
    pub partners: Vec<(Id, String)>,
}

impl NewAccountPage {
    fn roles(&self) -> &'static [Role] {
        Role::ALL
    }

    fn models(&self) -> &'static [OutreachModel] {
        OutreachModel::ALL
    }

    fn value<'a>(&'a self, name: &str) -> &'a str {
        first(&self.form, name)
    }

    fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message(&self.t))
    }

    fn chosen(&self, name: &str, id: &Id) -> bool {
        self.value(name) == id.to_string()
    }

    fn model_checked(&self, m: &OutreachModel) -> bool {
        self.form.get("model").is_some_and(|v| v.iter().any(|c| c == m.code()))
    }
}

async fn new_page(state: &AppState, user: &PageUser, form: FormMap, errors: Vec<FieldError>) -> Result<NewAccountPage, AppError> {
    let teams = state.store.teams().await?.into_iter().map(|t| (t.id, t.name)).collect();
    let partners = state.store.partners(state.now()).await?.into_iter().map(|p| (p.id, p.name)).collect();
    Ok(NewAccountPage { t: user.lang, nav: user.nav("/beheer/accounts"), errors, form, teams, partners })
}

pub async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, AppError> {
    Ok(render(&new_page(&state, &user, FormMap::new(), Vec::new()).await?))
}

/// A choice from a list of ids: none chosen is None; anything but one of the list's ids is an
/// error on the field.
fn chosen_id(form: &FormMap, name: &'static str, nl: &str, en: &str, errors: &mut Vec<FieldError>) -> Option<Id> {
    match first(form, name).trim() {
        "" => None,
        v => v.parse().ok().or_else(|| {
            errors.push(FieldError { field: name, message_nl: format!("{nl}: kies er een uit de lijst."), message_en: format!("{en}: choose one from the list.") });
            None
        }),
    }
}

/// A new account, without a password: the page that answers shows the one-time code with which
/// its user sets one. Every field that is not right is named, all at once.
pub async fn create(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let mut errors = Vec::new();
    let role = pick(&form, "rol", Role::from_code, "Rol", "Role", &mut errors);
    let team_id = chosen_id(&form, "team", "Team", "Team", &mut errors);
    let partner_id = chosen_id(&form, "partner", "Partnerorganisatie", "Partner organisation", &mut errors);
    let new = role.map(|role| NewUser {
        username: first(&form, "gebruikersnaam").trim().to_string(),
        display_name: first(&form, "naam").trim().to_string(),
        role,
        team_id,
        partner_id,
        models: codes(&form, "model", OutreachModel::from_code),
    });
    if let Some(new) = &new {
        for problem in store::accounts::account_problems(new) {
            let e = super::forms::field_error(problem)?;
            if !errors.iter().any(|known| known.field == e.field) {
                errors.push(e);
            }
        }
    } else {
        // Without a role the role-bound rules can't be checked; the names still can.
        let probe = NewUser { username: first(&form, "gebruikersnaam").trim().to_string(), display_name: first(&form, "naam").trim().to_string(), role: Role::Admin, team_id: None, partner_id: None, models: Vec::new() };
        for problem in store::accounts::account_problems(&probe) {
            errors.push(super::forms::field_error(problem)?);
        }
    }
    if let (Some(new), true) = (&new, errors.is_empty()) {
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /beheer/accounts/nieuw", now: state.now() };
        let setup = Setup::Admin(&access);
        match state.store.add_account(&setup, new, None).await {
            Ok(id) => {
                let issued = issue_code(&state, &setup, &user.lang, id, true).await?;
                tracing::info!(account = id, "account created on screen");
                let mut r = render(&accounts_page(&state, &user, None, Some(issued), None).await?);
                *r.status_mut() = StatusCode::CREATED;
                return Ok(r);
            }
            Err(e) => errors.push(super::forms::field_error(e)?),
        }
    }
    let mut r = render(&new_page(&state, &user, form, errors).await?);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}
