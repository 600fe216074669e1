//! Who is asking: argon2id passwords, login sessions kept in the database (so app servers can
//! share them) behind a `__Host-` cookie, CSRF tokens, and bearer tokens for the JSON API.

use crate::error::{ApiError, AppError};
pub use crate::i18n::{cookie, lang_of};
use crate::i18n::Lang;
use crate::AppState;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use store::User;
use time::{Duration, OffsetDateTime};

pub const SESSION_COOKIE: &str = "__Host-eropaf-session";
pub const LOGIN_COOKIE: &str = "__Host-eropaf-login";
/// The state of a login under way at the municipality's identity provider.
pub const OIDC_COOKIE: &str = "__Host-eropaf-oidc";
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
pub const MIN_PASSWORD_LEN: usize = 12;
pub const MAX_PASSWORD_LEN: usize = 128;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AppError::Internal("password hashing failed".into()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// Checks a new password against the length rules and the bundled list of common and breached
/// passwords (OWASP ASVS 2.1.7); no composition rules, no rotation. Dutch and English reasons.
pub fn check_new_password(password: &str) -> Result<(), (&'static str, &'static str)> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(("een wachtwoord heeft minstens 12 tekens", "a password has at least 12 characters"));
    }
    if n > MAX_PASSWORD_LEN {
        return Err(("een wachtwoord heeft hoogstens 128 tekens", "a password has at most 128 characters"));
    }
    if is_common_password(password) {
        return Err((
            "dit wachtwoord staat op de lijst van veelgebruikte of uitgelekte wachtwoorden; kies een zin van eigen woorden",
            "this password is on the list of common or breached passwords; choose a sentence of your own words",
        ));
    }
    Ok(())
}

/// Whether a password is a common one, possibly padded to length: "Welkom2024!!" and
/// "password123456" are "welkom" and "password" with digits and symbols around them; a
/// password of one repeated character or a digits-only run counts as common too.
pub fn is_common_password(password: &str) -> bool {
    static LIST: std::sync::OnceLock<std::collections::HashSet<&'static str>> = std::sync::OnceLock::new();
    let list = LIST.get_or_init(|| include_str!("common-passwords.txt").lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect());
    let lower = password.to_lowercase();
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    let mut chars = lower.chars();
    let first = chars.next();
    list.contains(lower.as_str()) || (core.chars().count() >= 4 && list.contains(core)) || core.is_empty() || chars.all(|c| Some(c) == first)
}

/// 32 random bytes, URL-safe: session ids, CSRF and API tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The letters of a password-reset code: no 0/O, 1/I/L, so it can be read out and typed.
const RESET_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const RESET_CODE_LEN: usize = 12;

/// A one-time password-reset code: 12 characters of [`RESET_ALPHABET`] (about 59 bits), shown
/// in groups of four (`ABCD-EFGH-JKMN`).
pub fn new_reset_code() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..RESET_CODE_LEN).map(|_| char::from(RESET_ALPHABET[rng.gen_range(0..RESET_ALPHABET.len())])).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A typed reset code as it is hashed: without spaces and dashes, in capitals.
pub fn normalize_reset_code(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect()
}

/// Secrets are stored only as their SHA-256, so a copy of the database opens no session.
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}


pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>) -> String {
    let age = max_age.map(|s| format!("; Max-Age={s}")).unwrap_or_default();
    format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax{age}")
}


/// A logged-in user on a page request, with the session's CSRF token.
#[derive(Clone)]
pub struct PageUser {
    pub user: User,
    pub csrf: String,
    pub lang: Lang,
    pub session_hash: String,
}

impl PageUser {
    /// The page header for this user on the page at `current`.
    pub fn nav(&self, current: &str) -> crate::layout::Nav {
        crate::layout::Nav::signed_in(&self.user.display_name, self.user.role, &self.csrf, current)
    }

    pub fn check_csrf(&self, submitted: &str) -> Result<(), AppError> {
        if constant_time_eq(&self.csrf, submitted) {
            Ok(())
        } else {
            Err(AppError::BadRequest(
                "Het formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens.",
                "The form has expired. Reload the page and try again.",
            ))
        }
    }

    pub fn actor(&self) -> store::Actor {
        self.user.actor()
    }
}

/// Not logged in (or the session ended): to the login page.
pub struct ToLogin;

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        Redirect::to("/inloggen").into_response()
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // The audience layer resolved the session already.
        if let Some(user) = parts.extensions.get::<PageUser>() {
            return Ok(user.clone());
        }
        let lang = lang_of(&parts.headers);
        let Some(session_id) = cookie(&parts.headers, SESSION_COOKIE) else { return Err(ToLogin.into_response()) };
        let session_hash = secret_hash(session_id);
        let now = state.now();
        let record = state.store.session(&session_hash).await.map_err(|e| AppError::from(e).page(lang))?;
        let Some(record) = record else { return Err(ToLogin.into_response()) };
        if !record.complete {
            return Err(Redirect::to("/inloggen/code").into_response());
        }
        if now - record.last_seen_at > IDLE_TIMEOUT || now - record.created_at > ABSOLUTE_TIMEOUT {
            state.store.delete_session(&session_hash).await.map_err(|e| AppError::from(e).page(lang))?;
            return Err(ToLogin.into_response());
        }
        // One write a minute per session is enough to keep the idle clock honest.
        if now - record.last_seen_at > Duration::minutes(1) {
            state.store.touch_session(&session_hash, now).await.map_err(|e| AppError::from(e).page(lang))?;
        }
        let user = state.store.user_by_id(record.user_id).await.map_err(|e| AppError::from(e).page(lang))?;
        let Some(user) = user.filter(|u| !u.disabled) else { return Err(ToLogin.into_response()) };
        Ok(PageUser { user, csrf: record.csrf_token, lang, session_hash })
    }
}

/// The user behind `Authorization: Bearer TOKEN` on the JSON API.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError(AppError::Unauthorized))?;
        let user = state.store.user_for_token(&secret_hash(token), state.now()).await?;
        user.map(ApiUser).ok_or(ApiError(AppError::Unauthorized))
    }
}

/// Starts a session: a new id (never reused from before login), stored hashed. `complete` is
/// false after the password when the TOTP code is still due.
pub async fn start_session(state: &AppState, user: &User, complete: bool, now: OffsetDateTime) -> Result<String, AppError> {
    let id = random_token();
    state.store.create_session(&secret_hash(&id), user.id, &random_token(), complete, now).await?;
    Ok(id)
}

/// How long the second factor may take after the password.
pub const SECOND_FACTOR_TIMEOUT: Duration = Duration::minutes(5);

/// A user who gave the right password and still owes the TOTP code.
pub struct PendingUser {
    pub user: User,
    pub csrf: String,
    pub lang: Lang,
    pub session_hash: String,
}

impl FromRequestParts<AppState> for PendingUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let Some(session_id) = cookie(&parts.headers, SESSION_COOKIE) else { return Err(ToLogin.into_response()) };
        let session_hash = secret_hash(session_id);
        let record = state.store.session(&session_hash).await.map_err(|e| AppError::from(e).page(lang))?;
        let Some(record) = record.filter(|r| !r.complete) else { return Err(ToLogin.into_response()) };
        if state.now() - record.created_at > SECOND_FACTOR_TIMEOUT {
            state.store.delete_session(&session_hash).await.map_err(|e| AppError::from(e).page(lang))?;
            return Err(ToLogin.into_response());
        }
        let user = state.store.user_by_id(record.user_id).await.map_err(|e| AppError::from(e).page(lang))?;
        let Some(user) = user.filter(|u| !u.disabled) else { return Err(ToLogin.into_response()) };
        Ok(PendingUser { user, csrf: record.csrf_token, lang, session_hash })
    }
}

/// Middleware of every page route the table restricts to some roles: the session is resolved
/// once (anonymous visitors go to the login page, as the extractor sends them), another role
/// gets the 403 page, and the handler finds the user in the request.
pub async fn admit(state: AppState, roles: &'static [domain::model::Role], req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let user = match PageUser::from_request_parts(&mut parts, &state).await {
        Ok(user) => user,
        Err(rejection) => return rejection,
    };
    if !roles.contains(&user.user.role) {
        return AppError::Forbidden.into_response();
    }
    parts.extensions.insert(user);
    next.run(axum::extract::Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    #[test]
    fn password_round_trip_and_rules() {
        let hash = hash_password("correct horse battery staple");
        assert!(hash.as_ref().is_ok_and(|h| h.starts_with("$argon2id$")));
        let hash = hash.unwrap_or_default();
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("correct horse battery stapl", &hash));
        assert!(!verify_password("x", "not a hash"));
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough passphrase").is_ok());
    }

    /// ASVS 2.1.7: common and breached passwords are refused, also when padded to the length.
    #[test]
    fn common_and_breached_passwords_are_refused() {
        for p in ["qwerty123456", "1qaz2wsx3edc", "Welkom2024!!", "password123456", "Wachtwoord12345", "!!Feyenoord!!", "aaaaaaaaaaaaaa", "123456789012", "Sunshine2024!"] {
            assert_eq!(check_new_password(p).map_err(|(_, en)| en.contains("common")), Err(true), "{p}");
        }
        for p in ["long enough passphrase", "de fiets staat bij de molen", "Tulpenbollen-in-2024-geplant", "correct horse battery staple"] {
            assert!(check_new_password(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn reset_codes_are_long_unambiguous_and_typed_loosely() {
        let code = new_reset_code();
        let plain = normalize_reset_code(&code);
        assert_eq!((code.len(), plain.len()), (14, 12), "{code}");
        assert!(plain.bytes().all(|b| RESET_ALPHABET.contains(&b)) && !plain.contains(['0', 'O', '1', 'I', 'L']), "{code}");
        assert_eq!(normalize_reset_code(&format!(" {} ", code.to_lowercase().replace('-', " "))), plain);
        assert_ne!(new_reset_code(), code);
    }

    #[test]
    fn cookies_and_hashes() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, axum::http::HeaderValue::from_static("a=1; __Host-eropaf-session=abc; eropaf-lang=en"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(lang_of(&h), Lang::En);
        assert_eq!(secret_hash("abc").len(), 64);
        assert_ne!(random_token(), random_token());
        assert!(constant_time_eq("abc", "abc") && !constant_time_eq("abc", "abd"));
    }
}
