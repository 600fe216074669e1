//! A user enrols the second factor at the first login: a QR code (an SVG made on the server)
//! and the same secret as text, then a first code from the app, which makes it the account's.

use super::forms::Field;
use crate::auth::PendingUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::layout::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template)]
#[template(path = "login_enrol.html")]
pub struct EnrolPage {
    pub t: Lang,
    pub nav: Nav,
    pub csrf: String,
    pub errors: Vec<FieldError>,
    /// The QR code of the `otpauth://` URI, an inline SVG with its accessible name.
    pub qr: String,
    /// The secret in groups of four: the text alternative of the QR code.
    pub secret: String,
    pub username: String,
    pub code: Field,
}

fn page(pending: &PendingUser, secret: &str, errors: Vec<FieldError>) -> Result<EnrolPage, AppError> {
    let t = pending.lang;
    let label = t.s(
        "QR-code om Eropaf aan uw authenticator-app toe te voegen; de sleutel staat hieronder ook als tekst",
        "QR code to add Eropaf to your authenticator app; the key is also shown as text below",
    );
    let qr = crate::totp::qr_svg(&crate::totp::otpauth_uri(&pending.user.username, secret), label)
        .ok_or_else(|| AppError::Internal("enrolment QR code could not be made".into()))?;
    let code = Field::new("code", t.s("Code uit uw authenticator-app", "Code from your authenticator app"), "", &errors, &t)
        .autocomplete("one-time-code")
        .required()
        .hint(t.s("De zes cijfers die de app nu toont, bijvoorbeeld 123456", "The six digits the app shows now, for example 123456"));
    Ok(EnrolPage { t, nav: Nav::anonymous(), csrf: pending.csrf.clone(), errors, qr, secret: crate::totp::grouped(secret), username: pending.user.username.clone(), code })
}

/// The secret being enrolled: made once, the same on every reload until it is confirmed or an
/// administrator resets the second factor. None when the account has one after all.
async fn pending_secret(state: &AppState, pending: &PendingUser) -> Result<Option<String>, AppError> {
    Ok(state.store.pending_totp(pending.user.id, &crate::totp::new_secret()).await?)
}

/// The enrolment page, or None when the account has a second factor after all (enrolled in
/// another tab meanwhile): then the ordinary code step.
pub(crate) async fn form(state: &AppState, pending: &PendingUser) -> Result<Option<Response>, AppError> {
    match pending_secret(state, pending).await? {
        Some(secret) => Ok(Some(render(&page(pending, &secret, Vec::new())?))),
        None => Ok(None),
    }
}

/// What a first code did.
pub(crate) enum Outcome {
    /// The secret is the account's now: the login goes on with a full session.
    Enrolled,
    /// The code was wrong (or throttled): the same enrolment again, with the field's error.
    Again(Response),
    /// The account had a second factor after all: the ordinary code step.
    HadOne,
}

/// The first code from the app: right, the pending secret becomes the account's (its step
/// used, audited); wrong, the same enrolment again with the field's error. `allowed` is the
/// login throttle's answer for this attempt.
pub(crate) async fn submit(state: &AppState, pending: &PendingUser, code: &str, allowed: bool) -> Result<Outcome, AppError> {
    let now = state.now();
    let Some(secret) = pending_secret(state, pending).await? else { return Ok(Outcome::HadOne) };
    let step = if allowed { crate::totp::verify(&secret, code, now, None) } else { None };
    if let Some(step) = step {
        let actor = pending.user.actor();
        let access = store::Access { actor: &actor, route: "POST /inloggen/code", now };
        if state.store.confirm_totp(&access, &secret, step).await? {
            tracing::info!(user_id = pending.user.id, "second factor enrolled");
            return Ok(Outcome::Enrolled);
        }
    }
    tracing::info!("second factor enrolment: code refused");
    let error = if allowed {
        FieldError {
            field: "code",
            message_nl: "Code: deze code klopt niet. Controleer of de app de sleutel hierboven heeft en vul de code in die de app nu toont.".into(),
            message_en: "Code: this code is not correct. Check that the app has the key above and enter the code it shows now.".into(),
        }
    } else {
        FieldError {
            field: "code",
            message_nl: "Code: te veel mislukte pogingen. Wacht een kwartier en log dan opnieuw in.".into(),
            message_en: "Code: too many failed attempts. Wait a quarter of an hour, then log in again.".into(),
        }
    };
    let mut r = render(&page(pending, &secret, vec![error])?);
    *r.status_mut() = if allowed { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::TOO_MANY_REQUESTS };
    Ok(Outcome::Again(r))
}
