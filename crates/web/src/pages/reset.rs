//! Setting one's own password with the one-time code an administrator gave (a new account, or
//! a forgotten password). One answer for a wrong name, a wrong, used or expired code; attempts
//! count under the login throttle; the code and the password travel only in a POST body.

use super::forms::Field;
use super::login::{MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, THROTTLE_WINDOW};
use crate::auth::{self, cookie, lang_of, set_cookie, LOGIN_COOKIE};
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::layout::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

#[derive(Template)]
#[template(path = "login_reset.html")]
pub struct ResetPage {
    pub t: Lang,
    pub nav: Nav,
    pub csrf: String,
    pub errors: Vec<FieldError>,
    pub username: Field,
    pub code: Field,
    pub password: Field,
    pub again: Field,
    /// The one refusal for a wrong name or code, or an expired or used code.
    pub refused: bool,
    pub throttled: bool,
}

fn page(t: Lang, csrf: &str, username: &str, code: &str, errors: Vec<FieldError>) -> ResetPage {
    ResetPage {
        t,
        nav: Nav::anonymous(),
        csrf: csrf.to_string(),
        username: Field::new("gebruikersnaam", t.s("Gebruikersnaam", "Username"), username, &errors, &t).autocomplete("username").required(),
        code: Field::new("code", t.s("Herstelcode", "Reset code"), code, &errors, &t)
            .autocomplete("off")
            .required()
            .hint(t.s("De code van twaalf tekens die u van de functioneel beheerder kreeg, bijvoorbeeld ABCD-EFGH-JKMN", "The twelve-character code the administrator gave you, for example ABCD-EFGH-JKMN")),
        password: Field::new("wachtwoord", t.s("Nieuw wachtwoord", "New password"), "", &errors, &t)
            .autocomplete("new-password")
            .required()
            .kind("password")
            .hint(t.s("Minstens 12 tekens. Een zin van eigen woorden is sterk en goed te onthouden.", "At least 12 characters. A sentence of your own words is strong and easy to remember.")),
        again: Field::new("herhaling", t.s("Herhaal het nieuwe wachtwoord", "Repeat the new password"), "", &errors, &t).autocomplete("new-password").required().kind("password"),
        errors,
        refused: false,
        throttled: false,
    }
}

fn respond(p: &ResetPage, status: StatusCode) -> Response {
    let mut r = render(p);
    *r.status_mut() = status;
    r
}

pub async fn form(headers: HeaderMap) -> Response {
    let token = auth::random_token();
    let mut response = render(&page(lang_of(&headers), &token, "", "", Vec::new()));
    if let Ok(v) = set_cookie(LOGIN_COOKIE, &token, Some(3600)).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[derive(serde::Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    gebruikersnaam: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    wachtwoord: String,
    #[serde(default)]
    herhaling: String,
    #[serde(default)]
    csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    connect: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Form(f): Form<ResetForm>,
) -> Response {
    let t = lang_of(&headers);
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if expected.is_empty() || !auth::constant_time_eq(expected, &f.csrf) {
        return AppError::BadRequest("Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.", "The form has expired. Reload the page and try again.").page(t);
    }
    let username = f.gebruikersnaam.trim();
    let code = auth::normalize_reset_code(&f.code);
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(FieldError::required("gebruikersnaam", "Gebruikersnaam", "Username"));
    }
    if code.is_empty() {
        errors.push(FieldError::required("code", "Herstelcode", "Reset code"));
    }
    if let Err((nl, en)) = auth::check_new_password(&f.wachtwoord) {
        errors.push(FieldError { field: "wachtwoord", message_nl: format!("Nieuw wachtwoord: {nl}."), message_en: format!("New password: {en}.") });
    } else if f.wachtwoord != f.herhaling {
        errors.push(FieldError {
            field: "herhaling",
            message_nl: "Herhaal het nieuwe wachtwoord: de twee wachtwoorden zijn niet gelijk.".into(),
            message_en: "Repeat the new password: the two passwords differ.".into(),
        });
    }
    if !errors.is_empty() {
        return respond(&page(t, &f.csrf, username, &f.code, errors), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Counted like a login, before the code is checked, by name whether or not it exists.
    let account_key = format!("account:{}", username.to_lowercase());
    let address_key = format!("ip:{}", connect.map(|c| c.0 .0.ip().to_string()).unwrap_or_else(|| "unknown".into()));
    let now = state.now();
    let keys = [(account_key.as_str(), MAX_FAILURES_PER_ACCOUNT), (address_key.as_str(), MAX_FAILURES_PER_ADDRESS)];
    match state.store.count_login_attempt(&keys, THROTTLE_WINDOW, now).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!("password reset throttled");
            let mut p = page(t, &f.csrf, username, &f.code, Vec::new());
            p.throttled = true;
            return respond(&p, StatusCode::TOO_MANY_REQUESTS);
        }
        Err(e) => return AppError::from(e).page(t),
    }
    let password = f.wachtwoord.clone();
    let hash = match tokio::task::spawn_blocking(move || auth::hash_password(&password)).await {
        Ok(Ok(h)) => h,
        _ => return AppError::Internal("password hashing failed".into()).page(t),
    };
    let redeemed = state.store.redeem_password_reset(username, &auth::secret_hash(&code), &hash, "POST /inloggen/herstellen", now).await;
    match redeemed {
        Ok(true) => {}
        Ok(false) => {
            tracing::info!("password reset refused");
            let mut p = page(t, &f.csrf, username, "", Vec::new());
            p.refused = true;
            return respond(&p, StatusCode::UNAUTHORIZED);
        }
        Err(e) => return AppError::from(e).page(t),
    }
    let settled = async {
        state.store.refund_login_attempt(&[&address_key]).await?;
        state.store.clear_login_attempts(&account_key).await
    };
    if let Err(e) = settled.await {
        return AppError::from(e).page(t);
    }
    tracing::info!("password set with a reset code");
    let mut response = Redirect::to("/inloggen?hersteld=ja").into_response();
    if let Ok(v) = set_cookie(LOGIN_COOKIE, "", Some(0)).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}
