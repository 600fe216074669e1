//! Logging in and out. The same answer for an unknown user and a wrong password; a new
//! session id at every login; the login form is protected by a double-submit token.

use super::enrolment::Outcome;
use super::forms::Field;
use crate::layout::{render, Nav};
use crate::auth::{self, cookie, lang_of, set_cookie, PageUser, LOGIN_COOKIE, OIDC_COOKIE, SESSION_COOKIE};
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub t: Lang,
    pub nav: Nav,
    pub csrf: String,
    pub username: Field,
    pub password: Field,
    pub failed: bool,
    pub throttled: bool,
    /// The account's password was just set with a reset code.
    pub password_set: bool,
    /// The identity provider's name, when login through OpenID Connect is configured.
    pub oidc_label: Option<String>,
    /// Why a login through the identity provider did not succeed (Dutch, English).
    pub oidc_problem: Option<(&'static str, &'static str)>,
}

fn page(state: &AppState, t: Lang, csrf: &str, username: &str, errors: &[FieldError], failed: bool, throttled: bool) -> LoginPage {
    LoginPage {
        t,
        nav: Nav::anonymous(),
        csrf: csrf.to_string(),
        username: Field::new("gebruikersnaam", t.s("Gebruikersnaam", "Username"), username, errors, &t).autocomplete("username").required(),
        password: Field::new("wachtwoord", t.s("Wachtwoord", "Password"), "", errors, &t).autocomplete("current-password").required().kind("password"),
        failed,
        throttled,
        password_set: false,
        oidc_label: state.oidc.as_ref().map(|p| p.config.label.clone()),
        oidc_problem: None,
    }
}

#[derive(serde::Deserialize)]
pub struct LoginQuery {
    hersteld: Option<String>,
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<LoginQuery>) -> Response {
    fresh_form(&state, lang_of(&headers), |p| p.password_set = q.hersteld.is_some(), StatusCode::OK)
}

/// The login form with a new double-submit token, adjusted by `change`.
pub(crate) fn fresh_form(state: &AppState, t: Lang, change: impl FnOnce(&mut LoginPage), status: StatusCode) -> Response {
    let token = auth::random_token();
    let mut p = page(state, t, &token, "", &[], false, false);
    change(&mut p);
    let mut response = render(&p);
    *response.status_mut() = status;
    if let Ok(v) = set_cookie(LOGIN_COOKIE, &token, Some(3600)).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    gebruikersnaam: String,
    wachtwoord: String,
    csrf: String,
}

/// Failed logins allowed per account name and per client address within the window.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
pub const THROTTLE_WINDOW: time::Duration = time::Duration::minutes(15);

pub async fn submit(
    State(state): State<AppState>,
    connect: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let t = lang_of(&headers);
    let address_key = format!("ip:{}", connect.map(|c| c.0 .0.ip().to_string()).unwrap_or_else(|| "unknown".into()));
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if expected.is_empty() || !auth::constant_time_eq(expected, &f.csrf) {
        return AppError::BadRequest(
            "Het inlogformulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.",
            "The login form has expired. Reload the page and try again.",
        )
        .page(t);
    }
    let mut errors = Vec::new();
    if f.gebruikersnaam.trim().is_empty() {
        errors.push(FieldError::required("gebruikersnaam", "Gebruikersnaam", "Username"));
    }
    if f.wachtwoord.is_empty() {
        errors.push(FieldError::required("wachtwoord", "Wachtwoord", "Password"));
    }
    if !errors.is_empty() {
        let mut r = render(&page(&state, t, &f.csrf, &f.gebruikersnaam, &errors, false, false));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    // Throttled by name whether or not the account exists, so throttling reveals nothing either.
    let account_key = format!("account:{}", f.gebruikersnaam.trim().to_lowercase());
    let now = state.now();
    // The attempt counts before the password is checked, in one statement per key, so parallel
    // attempts cannot all read the same count (issue 27, finding 3).
    let keys = [(account_key.as_str(), MAX_FAILURES_PER_ACCOUNT), (address_key.as_str(), MAX_FAILURES_PER_ADDRESS)];
    let throttled = match state.store.count_login_attempt(&keys, THROTTLE_WINDOW, now).await {
        Ok(allowed) => !allowed,
        Err(e) => return AppError::from(e).page(t),
    };
    if throttled {
        tracing::warn!("login throttled");
        let mut r = render(&page(&state, t, &f.csrf, &f.gebruikersnaam, &[], false, true));
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return r;
    }
    let found = match state.store.user_for_login(f.gebruikersnaam.trim()).await {
        Ok(found) => found,
        Err(e) => return AppError::from(e).page(t),
    };
    // Verify against a fixed hash when the user is unknown, so timing tells nothing either.
    let (user, hash) = match found {
        Some((u, Some(h))) if !u.disabled => (Some(u), h),
        _ => (None, dummy_hash().to_string()),
    };
    let password = f.wachtwoord.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash)).await.unwrap_or(false);
    let Some(user) = user.filter(|_| ok) else {
        tracing::info!("login failed");
        let mut r = render(&page(&state, t, &f.csrf, &f.gebruikersnaam, &[], true, false));
        *r.status_mut() = StatusCode::UNAUTHORIZED;
        return r;
    };
    let second_factor = match state.store.totp_secret(user.id).await {
        Ok(secret) => secret.is_some(),
        Err(e) => return AppError::from(e).page(t),
    };
    // An account without a second factor whose role needs one enrols it in the code step.
    let code_step = second_factor || user.role.needs_second_factor();
    // The right password: colleagues behind one address are not throttled by it, and the
    // account's count ends now, or (second factor to come) gives this attempt back.
    let settled = async {
        state.store.refund_login_attempt(&[&address_key]).await?;
        if code_step {
            state.store.refund_login_attempt(&[&account_key]).await
        } else {
            state.store.clear_login_attempts(&account_key).await
        }
    };
    if let Err(e) = settled.await {
        return AppError::from(e).page(t);
    }
    let session = match auth::start_session(&state, &user, !code_step, now).await {
        Ok(s) => s,
        Err(e) => return e.page(t),
    };
    tracing::info!(user_id = user.id, second_factor, "password accepted");
    let mut response = Redirect::to(if code_step { "/inloggen/code" } else { "/" }).into_response();
    let h = response.headers_mut();
    if let Ok(v) = set_cookie(SESSION_COOKIE, &session, None).parse() {
        h.append(header::SET_COOKIE, v);
    }
    if let Ok(v) = set_cookie(LOGIN_COOKIE, "", Some(0)).parse() {
        h.append(header::SET_COOKIE, v);
    }
    response
}

/// Login through the municipality's identity provider: a fresh state, nonce and PKCE verifier,
/// kept (hashed state) in the database for ten minutes, and the state also in a cookie so only
/// this browser can finish the login.
pub async fn oidc_start(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let t = lang_of(&headers);
    let Some(provider) = state.oidc.clone() else { return AppError::NotFound.page(t) };
    let (login, nonce, verifier) = (auth::random_token(), auth::random_token(), auth::random_token());
    let now = state.now();
    if let Err(e) = state.store.start_oidc_login(&auth::secret_hash(&login), &nonce, &verifier, now, now - crate::oidc::LOGIN_TIMEOUT).await {
        return AppError::from(e).page(t);
    }
    let mut response = Redirect::to(&provider.authorization_url(&login, &nonce, &verifier, t)).into_response();
    if let Ok(v) = set_cookie(OIDC_COOKIE, &login, Some(crate::oidc::LOGIN_TIMEOUT.whole_seconds())).parse() {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

#[derive(serde::Deserialize)]
pub struct OidcReturn {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

const OIDC_EXPIRED: (&str, &str) = (
    "Het inloggen bij uw gemeente is verlopen of al afgerond. Probeer het opnieuw.",
    "Logging in with your municipality expired or was already completed. Please try again.",
);
const OIDC_CANCELLED: (&str, &str) = ("Het inloggen bij uw gemeente is afgebroken.", "Logging in with your municipality was cancelled.");
const OIDC_FAILED: (&str, &str) = (
    "Het inloggen bij uw gemeente is niet gelukt: Eropaf kon uw identiteit niet vaststellen. Probeer het opnieuw of log in met uw wachtwoord.",
    "Logging in with your municipality failed: Eropaf could not establish your identity. Try again or log in with your password.",
);
const OIDC_NOT_BOUND: (&str, &str) = (
    "U bent bij uw gemeente ingelogd, maar dat account is niet aan een actief Eropaf-account gekoppeld. Vraag de functioneel beheerder om het te koppelen.",
    "You are logged in with your municipality, but that account is not bound to an active Eropaf account. Ask the administrator to bind it.",
);

/// The provider sends the browser back here with a code. The login counts only for the
/// browser that started it (state in cookie and database, used once); the code is redeemed
/// with the PKCE verifier and the ID token checked in full (`oidc::validate_id_token`).
pub async fn oidc_return(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<OidcReturn>) -> Response {
    let t = lang_of(&headers);
    let Some(provider) = state.oidc.clone() else { return AppError::NotFound.page(t) };
    let mut response = oidc_finish(&state, provider, t, &headers, q).await;
    if let Ok(v) = set_cookie(OIDC_COOKIE, "", Some(0)).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

async fn oidc_finish(state: &AppState, provider: std::sync::Arc<crate::oidc::Provider>, t: Lang, headers: &HeaderMap, q: OidcReturn) -> Response {
    let refuse = |problem: (&'static str, &'static str), status| fresh_form(state, t, |p| p.oidc_problem = Some(problem), status);
    let now = state.now();
    // An error answer should carry the state (RFC 6749 §4.1.2.1), but not every provider sends
    // it; a refusal without state only shows the message, it starts or ends nothing.
    if q.error.is_some() && q.state.is_none() {
        tracing::info!("OpenID Connect login cancelled at the provider");
        return refuse(OIDC_CANCELLED, StatusCode::UNAUTHORIZED);
    }
    let login = q.state.unwrap_or_default();
    let expected = cookie(headers, OIDC_COOKIE).unwrap_or("");
    if expected.is_empty() || !auth::constant_time_eq(expected, &login) {
        return refuse(OIDC_EXPIRED, StatusCode::BAD_REQUEST);
    }
    let (nonce, verifier) = match state.store.take_oidc_login(&auth::secret_hash(&login), now - crate::oidc::LOGIN_TIMEOUT).await {
        Ok(Some(taken)) => taken,
        Ok(None) => return refuse(OIDC_EXPIRED, StatusCode::BAD_REQUEST),
        Err(e) => return AppError::from(e).page(t),
    };
    let Some(code) = q.code.filter(|c| !c.is_empty() && q.error.is_none()) else {
        tracing::info!("OpenID Connect login cancelled at the provider");
        return refuse(OIDC_CANCELLED, StatusCode::UNAUTHORIZED);
    };
    let redeemed = tokio::task::spawn_blocking(move || provider.redeem(&code, &verifier, &nonce, now)).await;
    let claims = match redeemed {
        Ok(Ok(claims)) => claims,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "OpenID Connect login failed");
            return refuse(OIDC_FAILED, StatusCode::UNAUTHORIZED);
        }
        Err(_) => return refuse(OIDC_FAILED, StatusCode::UNAUTHORIZED),
    };
    let user = match state.store.user_for_oidc_subject(&claims.sub).await {
        Ok(user) => user.filter(|u| !u.disabled),
        Err(e) => return AppError::from(e).page(t),
    };
    let Some(user) = user else {
        tracing::info!("OpenID Connect login: the subject is not bound to an active account");
        return refuse(OIDC_NOT_BOUND, StatusCode::FORBIDDEN);
    };
    // The provider's second factor counts; without one, Eropaf's own code is asked (or, for
    // an account without one, enrolled).
    let complete = claims.second_factor() || !user.role.needs_second_factor();
    let session = match auth::start_session(state, &user, complete, now).await {
        Ok(s) => s,
        Err(e) => return e.page(t),
    };
    tracing::info!(user_id = user.id, provider_second_factor = claims.second_factor(), "OpenID Connect login");
    let mut response = Redirect::to(if complete { "/" } else { "/inloggen/code" }).into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, &session, None).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// An argon2id hash of a random string nobody knows, made once per process.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| auth::hash_password(&auth::random_token()).unwrap_or_default())
}

#[derive(serde::Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

pub async fn logout(State(state): State<AppState>, user: PageUser, Form(f): Form<LogoutForm>) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    state.store.delete_session(&user.session_hash).await?;
    let mut response = Redirect::to("/inloggen").into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", Some(0)).parse() {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "login_code.html")]
pub struct CodePage {
    pub t: Lang,
    pub nav: Nav,
    pub csrf: String,
    pub code: Field,
    pub failed: bool,
}

fn code_page(t: Lang, csrf: &str, failed: bool) -> CodePage {
    let code = Field::new("code", t.s("Code uit uw authenticator-app", "Code from your authenticator app"), "", &[], &t)
        .autocomplete("one-time-code")
        .required()
        .hint(t.s("Zes cijfers, bijvoorbeeld 123456", "Six digits, for example 123456"));
    CodePage { t, nav: Nav::anonymous(), csrf: csrf.to_string(), code, failed }
}

/// The code step; an account without a second factor enrols one here (`enrolment`).
pub async fn code_form(State(state): State<AppState>, pending: auth::PendingUser) -> Response {
    match state.store.totp_secret(pending.user.id).await {
        Ok(Some(_)) => render(&code_page(pending.lang, &pending.csrf, false)),
        Ok(None) => match super::enrolment::form(&state, &pending).await {
            Ok(Some(page)) => page,
            Ok(None) => render(&code_page(pending.lang, &pending.csrf, false)),
            Err(e) => e.page(pending.lang),
        },
        Err(e) => AppError::from(e).page(pending.lang),
    }
}

#[derive(serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf: String,
}

/// The second factor: a valid, unused code turns the password-only session into a new, full one.
pub async fn code_submit(State(state): State<AppState>, pending: auth::PendingUser, Form(f): Form<CodeForm>) -> Response {
    let t = pending.lang;
    if !auth::constant_time_eq(&pending.csrf, &f.csrf) {
        return AppError::BadRequest("Het formulier is verlopen. Log opnieuw in.", "The form has expired. Please log in again.").page(t);
    }
    let now = state.now();
    let account_key = format!("account:{}", pending.user.username.to_lowercase());
    let allowed = match state.store.count_login_attempt(&[(account_key.as_str(), MAX_FAILURES_PER_ACCOUNT)], THROTTLE_WINDOW, now).await {
        Ok(allowed) => allowed,
        Err(e) => return AppError::from(e).page(t),
    };
    let step = match state.store.totp_secret(pending.user.id).await {
        Ok(Some((secret, last))) if allowed => crate::totp::verify(&secret, &f.code, now, last),
        Ok(Some(_)) => None,
        Ok(None) => {
            return match super::enrolment::submit(&state, &pending, &f.code, allowed).await {
                Ok(Outcome::Enrolled) => finish_login(&state, &pending, &account_key).await,
                Ok(Outcome::Again(page)) => page,
                Ok(Outcome::HadOne) => render(&code_page(t, &pending.csrf, true)),
                Err(e) => e.page(t),
            }
        }
        Err(e) => return AppError::from(e).page(t),
    };
    let accepted = match step {
        Some(step) => match state.store.use_totp_step(pending.user.id, step).await {
            Ok(fresh) => fresh,
            Err(e) => return AppError::from(e).page(t),
        },
        None => false,
    };
    if !accepted {
        tracing::info!("second factor failed");
        let mut r = render(&code_page(t, &pending.csrf, true));
        *r.status_mut() = StatusCode::UNAUTHORIZED;
        return r;
    }
    finish_login(&state, &pending, &account_key).await
}

/// The second factor is given (or enrolled): the account's count ends and the password-only
/// session makes way for a new, full one.
async fn finish_login(state: &AppState, pending: &auth::PendingUser, account_key: &str) -> Response {
    let t = pending.lang;
    let full = async {
        state.store.clear_login_attempts(account_key).await?;
        state.store.delete_session(&pending.session_hash).await?;
        auth::start_session(state, &pending.user, true, state.now()).await
    };
    let session = match full.await {
        Ok(s) => s,
        Err(e) => return e.page(t),
    };
    tracing::info!(user_id = pending.user.id, "login");
    let mut response = Redirect::to("/").into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, &session, None).parse() {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}
