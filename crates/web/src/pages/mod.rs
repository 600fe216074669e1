//! Server-rendered pages: every page is a full HTML document that works without JavaScript,
//! in Dutch first with an English switch, in the NL Design System (Utrecht) look.

pub mod campaigns;
pub mod cases;
pub mod contact;
pub mod forms;
pub mod households;
pub mod login;
pub mod rights;
pub mod roles;
pub mod signals;
pub mod venues;

use crate::auth::{lang_of, PageUser};
use crate::error::AppError;
use crate::layout::{render, Nav};
use crate::i18n::{Lang, LANG_COOKIE};
use askama::Template;
use axum::extract::Query;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use domain::model::Role;

#[derive(Template)]
#[template(path = "accessibility.html")]
pub struct AccessibilityPage {
    pub t: Lang,
    pub nav: Nav,
}

/// Each role lands where its work is.
pub async fn home(user: PageUser) -> Redirect {
    Redirect::to(match user.user.role {
        Role::Worker | Role::TeamLead => "/mijn-dag",
        Role::Partner => "/partner",
        Role::PrivacyOfficer => "/privacy",
        Role::Admin => "/beheer",
    })
}

#[derive(serde::Deserialize)]
pub struct LanguageChoice {
    lang: String,
    terug: Option<String>,
}

/// Sets the language cookie and returns to the page the switch was on (same site only).
pub async fn switch_language(Query(choice): Query<LanguageChoice>) -> Response {
    let lang = if choice.lang == "en" { "en" } else { "nl" };
    let back = choice.terug.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\')).unwrap_or_else(|| "/".into());
    let cookie = format!("{LANG_COOKIE}={lang}; Path=/; Secure; SameSite=Lax; Max-Age=31536000");
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

pub async fn accessibility(headers: HeaderMap) -> Response {
    render(&AccessibilityPage { t: lang_of(&headers), nav: Nav::anonymous() })
}

pub async fn not_found(headers: HeaderMap) -> Response {
    AppError::NotFound.page(lang_of(&headers))
}
