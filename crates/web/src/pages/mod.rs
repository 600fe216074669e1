//! Server-rendered pages: every page is a full HTML document that works without JavaScript,
//! in Dutch first with an English switch, in the NL Design System (Utrecht) look.

pub mod campaigns;
pub mod cases;
pub mod contact;
pub mod households;
pub mod login;
pub mod rights;
pub mod roles;
pub mod signals;
pub mod venues;

use crate::auth::{lang_of, PageUser};
use crate::error::{AppError, FieldError};
use crate::i18n::{Lang, LANG_COOKIE};
use askama::Template;
use axum::extract::Query;
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::model::Role;

/// Renders a template; a rendering failure is a server error, never a half page.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => AppError::Internal(format!("template: {e}")).into_response(),
    }
}

/// The header of every page: who is logged in, their links, and the forms that need the CSRF token.
pub struct Nav {
    pub user: Option<(String, Role)>,
    pub links: Vec<(&'static str, &'static str, &'static str)>,
    pub csrf: String,
    pub current: String,
}

impl Nav {
    pub fn anonymous() -> Nav {
        Nav { user: None, links: Vec::new(), csrf: String::new(), current: "/".into() }
    }

    pub fn for_user(u: &PageUser, current: &str) -> Nav {
        let links = match u.user.role {
            Role::Worker | Role::TeamLead => {
                vec![
                    ("/mijn-dag", "Mijn dag", "My day"),
                    ("/signaalzaken", "Signaalzaken", "Signal cases"),
                    ("/signalen/nieuw", "Signaal invoeren", "Enter a signal"),
                    ("/huishoudens", "Huishoudens zoeken", "Find households"),
                    ("/huishoudens/nieuw", "Huishouden registreren", "Register household"),
                    ("/campagnes", "Campagnes", "Campaigns"),
                    ("/vindplaatsen", "Vindplaatsen", "Venues"),
                    ("/noodtoegang", "Noodtoegang", "Break the glass"),
                ]
            }
            Role::Partner => vec![("/partner", "Mijn signalen", "My signals"), ("/partner/signaal", "Signaal doorgeven", "Report a signal")],
            Role::PrivacyOfficer => vec![
                ("/privacy", "Privacy-overzicht", "Privacy overview"),
                ("/privacy/rechten", "Rechten van bewoners", "Residents' rights"),
                ("/privacy/register", "Verwerkingsregister", "Processing register"),
            ],
            Role::Admin => vec![("/beheer", "Accounts", "Accounts")],
        };
        Nav { user: Some((u.user.display_name.clone(), u.user.role)), links, csrf: u.csrf.clone(), current: current.into() }
    }

    pub fn role_label(&self, t: &Lang) -> &'static str {
        self.user.as_ref().map(|(_, r)| r.label(t.is_nl())).unwrap_or("")
    }

    pub fn display_name(&self) -> &str {
        self.user.as_ref().map(|(n, _)| n.as_str()).unwrap_or("")
    }
}

/// A text input with its label, value and error, rendered by the `field` macro.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
    pub hint: Option<String>,
    pub autocomplete: &'static str,
    pub required: bool,
    pub kind: &'static str,
}

impl Field {
    pub fn new(name: &'static str, label: &str, value: &str, errors: &[FieldError], t: &Lang) -> Field {
        Field {
            name,
            label: label.to_string(),
            value: value.to_string(),
            error: errors.iter().find(|e| e.field == name).map(|e| e.message(t).to_string()),
            hint: None,
            autocomplete: "off",
            required: false,
            kind: "text",
        }
    }

    pub fn hint(mut self, hint: &str) -> Field {
        self.hint = Some(hint.to_string());
        self
    }

    pub fn autocomplete(mut self, a: &'static str) -> Field {
        self.autocomplete = a;
        self
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn kind(mut self, k: &'static str) -> Field {
        self.kind = k;
        self
    }

    /// The ids the input is described by: its hint and its error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-fout", self.name));
        }
        ids.join(" ")
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Lang,
    pub nav: Nav,
    pub message: String,
}

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
