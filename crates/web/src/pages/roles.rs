//! The landing pages of the roles that see no case content: the administrator (the set-up
//! sections and the API tokens) and the processing register. The signal partner's status list
//! is with the signal pages (`signals::partner_home`).

use crate::layout::{render, Nav};
use axum::extract::Query;
use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::extract::{Form, Path};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "admin_home.html")]
pub struct AdminHome {
    pub t: Lang,
    pub nav: Nav,
    pub tokens: Vec<TokenRow>,
    /// "ingetrokken" after a revocation, for the confirmation.
    pub done: Option<String>,
}

/// One API token on the admin screen.
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub username: String,
    /// dd-mm-jjjj hh:mm UTC, or None for a token from before tokens had an expiry.
    pub expires: Option<String>,
    pub state: TokenState,
}

#[derive(PartialEq, Eq)]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

impl TokenState {
    pub fn active(&self) -> bool {
        *self == TokenState::Active
    }

    pub fn revoked(&self) -> bool {
        *self == TokenState::Revoked
    }
}

#[derive(serde::Deserialize)]
pub struct AdminQuery {
    #[serde(default)]
    gedaan: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
}

pub async fn admin_home(State(state): State<AppState>, user: PageUser, Query(q): Query<AdminQuery>) -> Result<Response, AppError> {
    let t = user.lang;
    let now = state.now();
    let tokens = state
        .store
        .api_tokens()
        .await?
        .into_iter()
        .map(|k| TokenRow {
            id: k.id,
            state: if k.revoked_at.is_some() {
                TokenState::Revoked
            } else if k.active(now) {
                TokenState::Active
            } else {
                TokenState::Expired
            },
            name: k.name,
            username: k.username,
            expires: k.expires_at.map(|e| super::accounts::instant_text(&t, e)),
        })
        .collect();
    let done = q.gedaan.filter(|d| d == "ingetrokken");
    Ok(render(&AdminHome { t, nav: user.nav("/beheer"), tokens, done }))
}

/// Revokes one API token from the admin screen; it stops working at once.
pub async fn revoke_token(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<RevokeForm>) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    let id = super::forms::parse_id(&id)?;
    state.store.revoke_api_token(id, state.now()).await?;
    Ok(Redirect::to("/beheer?gedaan=ingetrokken#kop-tokens").into_response())
}

pub struct RegisterEntry {
    pub key: &'static str,
    pub name: (&'static str, &'static str),
    pub data: (&'static str, &'static str),
    pub subjects: (&'static str, &'static str),
    pub purpose: (&'static str, &'static str),
    pub legal_basis: (&'static str, &'static str),
    pub recipients: (&'static str, &'static str),
    pub term_nl: String,
    pub term_en: String,
}

#[derive(Template)]
#[template(path = "register.html")]
pub struct Register {
    pub t: Lang,
    pub nav: Nav,
    pub categories: Vec<RegisterEntry>,
}

/// The processing register (AVG art. 30), generated from the data categories and the retention
/// terms in effect; for the privacy officer.
pub async fn register(State(state): State<AppState>, user: PageUser) -> Result<Response, AppError> {
    let categories = store::retention::CATEGORIES
        .iter()
        .map(|c| {
            let (term_nl, term_en) = state.store.policies().retention.term_of(c.key);
            RegisterEntry { key: c.key, name: c.name, data: c.data, subjects: c.subjects, purpose: c.purpose, legal_basis: c.legal_basis, recipients: c.recipients, term_nl, term_en }
        })
        .collect();
    let page = Register { t: user.lang, nav: user.nav("/privacy/register"), categories };
    Ok(render(&page))
}
