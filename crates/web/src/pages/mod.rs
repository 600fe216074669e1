//! Server-rendered pages: every page is a full HTML document that works without JavaScript,
//! in Dutch first with an English switch, in the NL Design System (Utrecht) look.

pub mod areas;
pub mod accounts;
pub mod campaigns;
pub mod cases;
pub mod confidential;
pub mod contact;
pub mod enrolment;
pub mod forms;
pub mod households;
pub mod login;
pub mod partner_status;
pub mod partners;
pub mod reflection;
pub mod reset;
pub mod rights;
pub mod roles;
pub mod signals;
pub mod upload;
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
        Role::ExperienceExpert => "/mijn-huishoudens",
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

/// Sets the language cookie and returns to the page the switch was on: only a path that is one
/// of Eropaf's own pages (no scheme, no host, no control character), else the start page.
pub async fn switch_language(Query(choice): Query<LanguageChoice>) -> Response {
    let lang = if choice.lang == "en" { "en" } else { "nl" };
    let back = choice.terug.as_deref().filter(|p| is_own_page(p)).unwrap_or("/").to_string();
    let cookie = format!("{LANG_COOKIE}={lang}; Path=/; Secure; SameSite=Lax; Max-Age=31536000");
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

/// Whether `path` is one of Eropaf's own pages: it matches a GET route of the route table
/// (each `{…}` one segment of letters, digits, `-` or `_`), with at most a plain query string.
pub(crate) fn is_own_page(path: &str) -> bool {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_');
    if !path.starts_with('/') || !query.chars().all(|c| plain(c) || matches!(c, '=' | '&' | '.')) {
        return false;
    }
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    crate::page_routes().iter().filter(|r| r.methods.contains(&"GET") && r.path != "/taal").any(|r| {
        let pattern: Vec<&str> = r.path.split('/').skip(1).collect();
        pattern.len() == segments.len()
            && pattern.iter().zip(&segments).all(|(p, s)| if p.starts_with('{') { !s.is_empty() && s.chars().all(plain) } else { p == s })
    })
}

pub async fn accessibility(headers: HeaderMap) -> Response {
    render(&AccessibilityPage { t: lang_of(&headers), nav: Nav::anonymous() })
}

pub async fn not_found(headers: HeaderMap) -> Response {
    AppError::NotFound.page(lang_of(&headers))
}

#[cfg(test)]
mod tests {
    use super::is_own_page;

    #[test]
    fn only_own_pages_are_a_way_back() {
        for ok in ["/", "/mijn-dag", "/huishoudens/12", "/looplijsten/3/afdrukken", "/signaalzaken?filter=te-laat"] {
            assert!(is_own_page(ok), "{ok}");
        }
        for bad in ["//evil.example", "/\t/evil.example", "/\\evil.example", "https://evil.example/", "/%2F/evil", "/\n", "", "/onbekend", "/huishoudens/1/../../x", "/taal", "/mijn-dag?x=<b>"] {
            assert!(!is_own_page(bad), "{bad:?}");
        }
    }
}
