//! The frame of every page: rendering a template (never half a page), the header with the
//! user's links (`Nav`), and the error page. Imports nothing of the pages or the error type,
//! so both can build on it.

use crate::i18n::Lang;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::model::Role;

/// Renders a template; a rendering failure is a server error, never a half page.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Html(FAILED_PAGE)).into_response()
        }
    }
}

/// What a page that failed to render shows instead (the error page itself is a template).
const FAILED_PAGE: &str = "<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Er ging iets mis - Eropaf</title></head>\
<body><main><h1>Er ging iets mis</h1><p>Er ging iets mis aan onze kant. Probeer het later opnieuw.</p>\
<p lang=\"en\">Something went wrong on our side. Please try again later.</p></main></body></html>";

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

    /// The header for a signed-in user: their name and role, their role's links, the CSRF
    /// token for the logout form, and the current path (for the language switch).
    pub fn signed_in(display_name: &str, role: Role, csrf: &str, current: &str) -> Nav {
        let links = match role {
            Role::Worker | Role::TeamLead => {
                vec![
                    ("/mijn-dag", "Mijn dag", "My day"),
                    ("/signaalzaken", "Signaalzaken", "Signal cases"),
                    ("/signalen/nieuw", "Signaal invoeren", "Enter a signal"),
                    ("/huishoudens", "Huishoudens zoeken", "Find households"),
                    ("/huishoudens/nieuw", "Huishouden registreren", "Register household"),
                    ("/campagnes", "Campagnes", "Campaigns"),
                    ("/vindplaatsen", "Vindplaatsen", "Venues"),
                    ("/intervisie", "Intervisie", "Team reflection"),
                    ("/noodtoegang", "Noodtoegang", "Break the glass"),
                ]
            }
            Role::ExperienceExpert => vec![("/mijn-huishoudens", "Mijn huishoudens", "My households")],
            Role::Partner => vec![("/partner", "Mijn signalen", "My signals"), ("/partner/signaal", "Signaal doorgeven", "Report a signal")],
            Role::PrivacyOfficer => vec![
                ("/privacy", "Privacy-overzicht", "Privacy overview"),
                ("/privacy/rechten", "Rechten van bewoners", "Residents' rights"),
                ("/privacy/register", "Verwerkingsregister", "Processing register"),
            ],
            Role::Admin => vec![
                ("/beheer", "Beheer", "Administration"),
                ("/beheer/gebieden", "Gemeente en gebieden", "Municipality and areas"),
                ("/beheer/teams", "Teams", "Teams"),
                ("/beheer/accounts", "Accounts", "Accounts"),
                ("/beheer/partners", "Partnerorganisaties", "Partner organisations"),
            ],
        };
        Nav { user: Some((display_name.to_string(), role)), links, csrf: csrf.to_string(), current: current.into() }
    }

    pub fn role_label(&self, t: &Lang) -> &'static str {
        self.user.as_ref().map(|(_, r)| r.label(t.is_nl())).unwrap_or("")
    }

    pub fn display_name(&self) -> &str {
        self.user.as_ref().map(|(n, _)| n.as_str()).unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Lang,
    pub nav: Nav,
    pub message: String,
}

