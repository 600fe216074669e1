//! What the web test binaries share: the test town behind the real router and a real SQLite
//! database, logins per role, form and API requests, and the fixed clock.
// Each test binary uses its own part of this.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use domain::model::Role;
use http_body_util::BodyExt;
use std::sync::Arc;
use store::{NewUser, Store};
use time::macros::datetime;
use time::OffsetDateTime;
use tower::ServiceExt;
use web::AppState;

pub const NOW: OffsetDateTime = datetime!(2026-11-28 10:00 UTC);
pub const PASSWORD: &str = "een lang genoeg wachtwoord";
/// The second factor of every test account whose role needs one (issue 7).
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

pub struct App {
    pub router: Router,
    pub store: Store,
    pub m: synth::Municipality,
    /// The running app's linker (what the pages and the API link signals with).
    pub linker: Arc<std::sync::RwLock<store::linking::Linker>>,
}

pub async fn app(name: &str) -> App {
    let dir = std::env::temp_dir().join(format!("eropaf-webtest-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.join("eropaf.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    let m = synth::generate(&synth::Config { households: 300, seed: 3, today: NOW.date() });
    store.load_municipality(&m, NOW).await.unwrap();
    let hash = web::auth::hash_password(PASSWORD).unwrap();
    for role in [Role::Worker, Role::TeamLead] {
        let member = m.workers.iter().find(|w| w.role == role && w.team_id == Some(m.teams[0].id)).unwrap();
        store.set_password_hash(member.id, &hash).await.unwrap();
        store.set_totp_secret(member.id, Some(TOTP_SECRET)).await.unwrap();
    }
    let partner = m.partners[0].id;
    for (username, role, partner_id) in [("partner", Role::Partner, Some(partner)), ("privacy", Role::PrivacyOfficer, None), ("beheer", Role::Admin, None)] {
        let new = NewUser { username: username.into(), display_name: username.into(), role, team_id: None, partner_id, models: vec![] };
        let id = store.create_user(&new, Some(&hash), NOW).await.unwrap();
        if role.needs_second_factor() {
            store.set_totp_secret(id, Some(TOTP_SECRET)).await.unwrap();
        }
    }
    let state = AppState::new(store.clone(), Arc::new(|| NOW), linker(&store).await).with_api_contact(test_contact());
    let linker = state.linker.clone();
    App { router: web::router(state), store, m, linker }
}

/// A fresh database with nothing but the administrator `beheer` (password and second factor):
/// a municipality's first day. `m` is an unloaded town, for the type only.
pub async fn empty_app(name: &str) -> App {
    let dir = std::env::temp_dir().join(format!("eropaf-webtest-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.join("eropaf.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    let hash = web::auth::hash_password(PASSWORD).unwrap();
    let new = NewUser { username: "beheer".into(), display_name: "Beheerder".into(), role: Role::Admin, team_id: None, partner_id: None, models: vec![] };
    let id = store.create_user(&new, Some(&hash), NOW).await.unwrap();
    store.set_totp_secret(id, Some(TOTP_SECRET)).await.unwrap();
    let m = synth::generate(&synth::Config { households: 10, seed: 3, today: NOW.date() });
    let linker = store::linking::Linker::build(store::linking::train_model(), Vec::new(), store::linking::LinkPolicy::default());
    let state = AppState::new(store.clone(), Arc::new(|| NOW), linker).with_api_contact(test_contact());
    let linker = state.linker.clone();
    App { router: web::router(state), store, m, linker }
}

/// A linker over the test town, with the model trained once for all tests.
pub async fn linker(store: &Store) -> store::linking::Linker {
    static MODEL: std::sync::OnceLock<linkage::Model> = std::sync::OnceLock::new();
    let model = MODEL.get_or_init(store::linking::train_model).clone();
    store::linking::Linker::build(model, store.known_people().await.unwrap(), store::linking::LinkPolicy::default())
}

impl App {
    pub fn worker(&self) -> &str {
        &self.m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(self.m.teams[0].id)).unwrap().username
    }

    pub fn team_lead(&self) -> &str {
        &self.m.workers.iter().find(|w| w.role == Role::TeamLead && w.team_id == Some(self.m.teams[0].id)).unwrap().username
    }

    /// A household in team `t`'s wijk.
    pub fn household_of_team(&self, t: usize) -> &domain::model::Household {
        self.m.households.iter().find(|h| self.m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&self.m.teams[t].wijk)).unwrap()
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    pub async fn get(&self, path: &str, cookie: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        self.send(Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, String) {
        let body = form.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect::<Vec<_>>().join("&");
        self.send(
            Request::post(path)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Logs in through the form; returns the session cookie and the page's CSRF token.
    pub async fn login(&self, username: &str) -> (String, String) {
        let (status, headers, body) = self.get("/inloggen", "").await;
        assert_eq!(status, StatusCode::OK);
        let login_cookie = set_cookie(&headers, "__Host-eropaf-login").unwrap();
        let csrf = hidden(&body, "csrf");
        let cookie = format!("__Host-eropaf-login={login_cookie}");
        let (status, headers, _) = self.post_form("/inloggen", &cookie, &[("gebruikersnaam", username), ("wachtwoord", PASSWORD), ("csrf", &csrf)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login as {username}");
        let mut session = format!("__Host-eropaf-session={}", set_cookie(&headers, "__Host-eropaf-session").unwrap());
        if headers.get(header::LOCATION).is_some_and(|l| l == "/inloggen/code") {
            // Each code counts once: re-arm the account (the clock stands still in these tests),
            // then give the code of the moment.
            let user = self.store.user_by_username(username).await.unwrap().unwrap();
            self.store.set_totp_secret(user.id, Some(TOTP_SECRET)).await.unwrap();
            let (_, _, page) = self.get("/inloggen/code", &session).await;
            let code = web::totp::code(TOTP_SECRET, NOW);
            let (status, headers, _) = self.post_form("/inloggen/code", &session, &[("code", &code), ("csrf", &hidden(&page, "csrf"))]).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "second factor of {username}");
            session = format!("__Host-eropaf-session={}", set_cookie(&headers, "__Host-eropaf-session").unwrap());
        }
        let (_, _, page) = self.get("/huishoudens", &session).await;
        let csrf = if page.contains("name=\"csrf\"") { hidden(&page, "csrf") } else { String::new() };
        (session, csrf)
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

pub fn set_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| v.strip_prefix(&format!("{name}="))).map(|v| v.split(';').next().unwrap_or("").to_string())
}

pub fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap() + marker.len();
    body[start..].split('"').next().unwrap().to_string()
}

pub async fn api_token(app: &App, username: &str) -> String {
    let user = app.store.user_by_username(username).await.unwrap().unwrap();
    let token = web::auth::random_token();
    app.store.create_api_token(user.id, &web::auth::secret_hash(&token), "test", store::API_TOKEN_DEFAULT_DAYS, NOW).await.unwrap();
    token
}

pub async fn api(app: &App, method: &str, path: &str, token: &str, body: Option<serde_json::Value>) -> (StatusCode, serde_json::Value) {
    let mut req = Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let req = req.body(body.map(|b| Body::from(b.to_string())).unwrap_or_default()).unwrap();
    let (status, headers, text) = app.send(req).await;
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    if status.is_client_error() || status.is_server_error() {
        assert_problem(status, &headers, &body);
    }
    (status, body)
}

/// Every API error is an RFC 9457 problem as the NL API Design Rules ask: its media type, the
/// members `status` (the response's own), `title`, `detail` and an `instance` id, Dutch with
/// English beside it, and for invalid input every bad field with its reasons.
pub fn assert_problem(status: StatusCode, headers: &axum::http::HeaderMap, body: &serde_json::Value) {
    assert_eq!(headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/problem+json"), "{status}: {body}");
    assert_eq!(body["status"].as_u64(), Some(u64::from(status.as_u16())), "{body}");
    for member in ["type", "title", "title-en", "detail", "detail-en"] {
        assert!(body[member].as_str().is_some_and(|t| !t.is_empty()), "{member} in {body}");
    }
    assert!(body["instance"].as_str().is_some_and(|i| i.starts_with("urn:uuid:") && i.len() == 45), "{body}");
    if let Some(params) = body.get("invalid-params") {
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        for p in params.as_array().unwrap() {
            assert!(["name", "reason", "reason-en"].iter().all(|m| p[m].as_str().is_some_and(|t| !t.is_empty())), "{p}");
        }
    }
}

/// The names of the bad fields in an API problem, in the order given.
pub fn invalid_params(body: &serde_json::Value) -> Vec<&str> {
    body["invalid-params"].as_array().map(|a| a.iter().filter_map(|f| f["name"].as_str()).collect()).unwrap_or_default()
}

/// The address upload as a browser sends it (multipart, the file as `bestand`).
pub fn bag_upload(session: &str, csrf: &str, file: &str) -> Request<Body> {
    upload("/adressen/importeren", session, csrf, &[], file.as_bytes())
}

/// A multipart form post with text fields and one file as `bestand`, as a browser sends it.
pub fn upload(path: &str, session: &str, csrf: &str, fields: &[(&str, &str)], file: &[u8]) -> Request<Body> {
    let boundary = "eropafgrens";
    let mut body: Vec<u8> = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").into_bytes();
    for (name, value) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").into_bytes());
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"bestand.csv\"\r\nContent-Type: text/csv\r\n\r\n").into_bytes());
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    Request::post(path)
        .header(header::COOKIE, session)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap()
}

/// The API contact a deployment gives in its settings (`api.contact_*`); `.example` is reserved.
pub fn test_contact() -> web::api::ApiContact {
    web::api::ApiContact::new("Functioneel beheer Eropaf", "https://eropaf.example/api", "api@eropaf.example").unwrap()
}
