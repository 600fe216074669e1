//! The web shell end to end through the real router and a real SQLite database: login per
//! role, search, the household page, form and API validation, headers, and the OpenAPI document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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

const NOW: OffsetDateTime = datetime!(2026-11-28 10:00 UTC);
const PASSWORD: &str = "een lang genoeg wachtwoord";
/// The second factor of every test account whose role needs one (issue 7).
const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

struct App {
    router: Router,
    store: Store,
    m: synth::Municipality,
}

async fn app(name: &str) -> App {
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
    let router = web::router(AppState::new(store.clone(), Arc::new(|| NOW), linker(&store).await));
    App { router, store, m }
}

/// A linker over the test town, with the model trained once for all tests.
async fn linker(store: &Store) -> store::linking::Linker {
    static MODEL: std::sync::OnceLock<linkage::Model> = std::sync::OnceLock::new();
    let model = MODEL.get_or_init(store::linking::train_model).clone();
    store::linking::Linker::build(model, store.known_people().await.unwrap(), store::linking::LinkPolicy::default())
}

impl App {
    fn worker(&self) -> &str {
        &self.m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(self.m.teams[0].id)).unwrap().username
    }

    fn team_lead(&self) -> &str {
        &self.m.workers.iter().find(|w| w.role == Role::TeamLead && w.team_id == Some(self.m.teams[0].id)).unwrap().username
    }

    /// A household in team `t`'s wijk.
    fn household_of_team(&self, t: usize) -> &domain::model::Household {
        self.m.households.iter().find(|h| self.m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&self.m.teams[t].wijk)).unwrap()
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    async fn get(&self, path: &str, cookie: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        self.send(Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
    }

    async fn post_form(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, String) {
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
    async fn login(&self, username: &str) -> (String, String) {
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

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn set_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| v.strip_prefix(&format!("{name}="))).map(|v| v.split(';').next().unwrap_or("").to_string())
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap() + marker.len();
    body[start..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn login_page_is_dutch_and_secured() {
    let app = app("login-page").await;
    let (status, headers, body) = app.get("/inloggen", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"nl\">") && body.contains("Inloggen bij Eropaf"));
    let csp = headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.starts_with("__Host-") && cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite"));
    // English by the switch.
    let (status, headers, _) = app.get("/taal?lang=en&terug=/inloggen", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/inloggen");
    let (_, _, body) = app.get("/inloggen", "eropaf-lang=en").await;
    assert!(body.contains("<html lang=\"en\">") && body.contains("Log in to Eropaf"));
    // The switch never sends anyone off-site.
    let (_, headers, _) = app.get("/taal?lang=en&terug=//evil.example", "").await;
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = app("wrong-password").await;
    let (_, headers, body) = app.get("/inloggen", "").await;
    let cookie = format!("__Host-eropaf-login={}", set_cookie(&headers, "__Host-eropaf-login").unwrap());
    let csrf = hidden(&body, "csrf");
    let (s1, _, b1) = app.post_form("/inloggen", &cookie, &[("gebruikersnaam", app.worker()), ("wachtwoord", "fout wachtwoord!"), ("csrf", &csrf)]).await;
    let (s2, _, b2) = app.post_form("/inloggen", &cookie, &[("gebruikersnaam", "bestaatniet"), ("wachtwoord", "fout wachtwoord!"), ("csrf", &csrf)]).await;
    assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert!(b1.contains("De gebruikersnaam of het wachtwoord klopt niet."));
    assert_eq!(b1.replace(app.worker(), "X"), b2.replace("bestaatniet", "X"));
    // Without the login form's token, nothing happens.
    let (s3, _, _) = app.post_form("/inloggen", "", &[("gebruikersnaam", app.worker()), ("wachtwoord", PASSWORD), ("csrf", "x")]).await;
    assert_eq!(s3, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account_even_for_the_right_password() {
    let app = app("throttle").await;
    let (_, headers, body) = app.get("/inloggen", "").await;
    let cookie = format!("__Host-eropaf-login={}", set_cookie(&headers, "__Host-eropaf-login").unwrap());
    let csrf = hidden(&body, "csrf");
    for _ in 0..5 {
        let (status, _, _) = app.post_form("/inloggen", &cookie, &[("gebruikersnaam", app.worker()), ("wachtwoord", "fout wachtwoord!"), ("csrf", &csrf)]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, body) = app.post_form("/inloggen", &cookie, &[("gebruikersnaam", app.worker()), ("wachtwoord", PASSWORD), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the sixth try within 15 minutes is refused, even with the right password");
    assert!(body.contains("Te veel mislukte inlogpogingen"));
    // An unknown name is throttled the same way, so throttling tells nothing about accounts.
    for _ in 0..5 {
        app.post_form("/inloggen", &cookie, &[("gebruikersnaam", "niemand"), ("wachtwoord", "fout wachtwoord!"), ("csrf", &csrf)]).await;
    }
    let (status, _, _) = app.post_form("/inloggen", &cookie, &[("gebruikersnaam", "niemand"), ("wachtwoord", "fout wachtwoord!"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not affected.
    app.login("beheer").await;
}

#[tokio::test]
async fn every_role_lands_on_its_own_working_page() {
    let app = app("roles").await;
    let worker = app.worker().to_string();
    for (user, landing, text) in [
        (worker.as_str(), "/mijn-dag", "Mijn dag"),
        ("partner", "/partner", "Signalen van"),
        ("privacy", "/privacy", "Privacy-overzicht"),
        ("beheer", "/beheer", "Accounts"),
    ] {
        let (session, _) = app.login(user).await;
        let (status, headers, _) = app.get("/", &session).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers.get(header::LOCATION).unwrap(), landing);
        let (status, _, body) = app.get(landing, &session).await;
        assert_eq!(status, StatusCode::OK, "{user} on {landing}");
        assert!(body.contains(text), "{landing} shows '{text}'");
    }
    // Need-to-know: an administrator sees no households, a worker no accounts.
    let (admin, _) = app.login("beheer").await;
    assert_eq!(app.get("/huishoudens", &admin).await.0, StatusCode::FORBIDDEN);
    let (w, _) = app.login(&worker).await;
    assert_eq!(app.get("/beheer", &w).await.0, StatusCode::FORBIDDEN);
    // No session: to the login page.
    let (status, headers, _) = app.get("/mijn-dag", "").await;
    assert_eq!((status, headers.get(header::LOCATION).unwrap().to_str().unwrap()), (StatusCode::SEE_OTHER, "/inloggen"));
}

#[tokio::test]
async fn search_by_postcode_and_house_number_then_open_the_household() {
    let app = app("search").await;
    let (session, csrf) = app.login(app.worker()).await;
    let team = &app.m.teams[0];
    let household = app.m.households.iter().find(|h| app.m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&team.wijk)).unwrap();
    let address = &app.m.addresses[(household.address_id - 1) as usize];
    let (status, _, body) = app
        .post_form("/huishoudens", &session, &[("postcode", &address.postcode.display().to_lowercase()), ("huisnummer", &address.house_number.to_string()), ("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::OK);
    let link = format!("/huishoudens/{}", household.id);
    assert!(body.contains(&link), "the result links to the household");
    let (status, _, page) = app.get(&link, &session).await;
    assert_eq!(status, StatusCode::OK);
    let member = app.m.persons.iter().find(|p| p.household_id == household.id).unwrap();
    assert!(page.contains(&member.name.surname), "the household page lists its members");
    assert!(page.contains("Contactgeschiedenis"));
    // Search without the session's CSRF token is refused.
    let (status, _, _) = app.post_form("/huishoudens", &session, &[("postcode", "1234AB"), ("csrf", "verkeerd")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn malformed_postcode_house_number_and_bsn_are_named_and_nothing_is_written() {
    let app = app("validation").await;
    let (session, csrf) = app.login(app.worker()).await;
    let (status, _, body) = app.post_form("/huishoudens", &session, &[("postcode", "0123 AB"), ("huisnummer", "a12"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Postcode: een postcode begint niet met een 0."));
    assert!(body.contains("Huisnummer: een huisnummer begint met een getal"));
    assert!(body.contains("aria-invalid=\"true\""));

    let before = app.store.counts().await.unwrap();
    let buurt = app.m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&app.m.teams[0].wijk)).unwrap().code.code();
    let mut form = vec![
        ("straat", "Kerkstraat"),
        ("huisnummer", "12a"),
        ("postcode", "1234 SA"),
        ("woonplaats", "Testdorp"),
        ("buurt", buurt.as_str()),
        ("achternaam", "de Vries"),
        ("geboortedatum", "1-2-1970"),
        ("bsn", "123456789"),
        ("csrf", csrf.as_str()),
    ];
    let (status, _, body) = app.post_form("/huishoudens/nieuw", &session, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Postcode: de letters SA, SD en SS komen in postcodes niet voor."));
    assert!(body.contains("BSN: dit BSN klopt niet (de elfproef faalt)."));
    assert!(body.contains("value=\"Kerkstraat\""), "what was typed stays");
    assert_eq!(app.store.counts().await.unwrap(), before, "nothing written");

    form[2] = ("postcode", "1234 AB");
    form[7] = ("bsn", "111222333");
    let (status, headers, _) = app.post_form("/huishoudens/nieuw", &session, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers.get(header::LOCATION).unwrap().to_str().unwrap().starts_with("/huishoudens/"));
    assert_eq!(app.store.counts().await.unwrap().households, before.households + 1);
}

async fn api_token(app: &App, username: &str) -> String {
    let user = app.store.user_by_username(username).await.unwrap().unwrap();
    let token = web::auth::random_token();
    app.store.create_api_token(user.id, &web::auth::secret_hash(&token), NOW).await.unwrap();
    token
}

async fn api(app: &App, method: &str, path: &str, token: &str, body: Option<serde_json::Value>) -> (StatusCode, serde_json::Value) {
    let mut req = Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {token}"));
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let req = req.body(body.map(|b| Body::from(b.to_string())).unwrap_or_default()).unwrap();
    let (status, _, text) = app.send(req).await;
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn api_validates_with_dutch_field_errors_and_writes_all_or_nothing() {
    let app = app("api").await;
    let token = api_token(&app, app.worker()).await;
    let (status, body) = api(&app, "GET", "/api/v1/me", &token, None).await;
    assert_eq!((status, body["role"].as_str()), (StatusCode::OK, Some("worker")));
    let (status, body) = api(&app, "GET", "/api/v1/me", "nonsense", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["error"].is_string());

    let before = app.store.counts().await.unwrap();
    let buurt = app.m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&app.m.teams[0].wijk)).unwrap().code.code();
    let mut new = serde_json::json!({"straat": "Kerkstraat", "huisnummer": "12", "postcode": "12345", "woonplaats": "Testdorp", "buurt": buurt, "achternaam": "Jansen", "geboortedatum": "1970-02-01", "bsn": "12"});
    let (status, body) = api(&app, "POST", "/api/v1/households", &token, Some(new.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["postcode", "bsn"]);
    assert!(body["fields"][0]["message"].as_str().unwrap().starts_with("Postcode: "));
    assert_eq!(app.store.counts().await.unwrap(), before);
    new["huisnummer"] = "0".into();
    new["postcode"] = "1234AB".into();
    new["bsn"] = serde_json::Value::Null;
    let (status, _) = api(&app, "POST", "/api/v1/households", &token, Some(new.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "null for a text field is not the expected shape");
    new.as_object_mut().unwrap().remove("bsn");
    let (status, body) = api(&app, "POST", "/api/v1/households", &token, Some(new.clone())).await;
    assert_eq!((status, body["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("huisnummer")));
    new["huisnummer"] = "12-2".into();
    let (status, body) = api(&app, "POST", "/api/v1/households", &token, Some(new)).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = body["id"].as_i64().unwrap();
    let (status, body) = api(&app, "GET", &format!("/api/v1/households/{id}"), &token, None).await;
    assert_eq!((status, body["address"]["house_number"].as_str()), (StatusCode::OK, Some("12-2")));
    let (status, body) = api(&app, "POST", "/api/v1/households/search", &token, Some(serde_json::json!({"postcode": "1234 ab", "huisnummer": "12-2"}))).await;
    assert_eq!((status, body["households"][0]["id"].as_i64()), (StatusCode::OK, Some(id)));
    let (status, _) = api(&app, "POST", "/api/v1/households/search", &token, Some(serde_json::json!({"postcode": "SA12"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A partner's token reads no households.
    let partner = api_token(&app, "partner").await;
    assert_eq!(api(&app, "GET", &format!("/api/v1/households/{id}"), &partner, None).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn openapi_document_is_3_1_matches_the_routes_and_its_snapshot() {
    let app = app("openapi").await;
    let (status, doc) = api(&app, "GET", "/api/v1/openapi.json", "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    // Every documented operation is routed (a wrong method or path would be 404/405).
    let token = api_token(&app, app.worker()).await;
    let own = app.m.households.iter().find(|h| app.m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&app.m.teams[0].wijk)).unwrap();
    // Signals are the partner's: its token, and a signal it sent.
    let partner_token = api_token(&app, "partner").await;
    let sent = app.m.signals.iter().find(|s| s.partner_id == Some(app.m.partners[0].id)).unwrap();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let (id, token) = if path.starts_with("/signals") { (sent.id, &partner_token) } else { (own.id, &token) };
            let concrete = format!("/api/v1{}", path.replace("{id}", &id.to_string()));
            let body = if method == "post" { Some(serde_json::json!({})) } else { None };
            let (status, _) = api(&app, &method.to_uppercase(), &concrete, token, body).await;
            assert!(status != StatusCode::METHOD_NOT_ALLOWED && status != StatusCode::NOT_FOUND, "{method} {path} is routed: {status}");
            // Every $ref resolves.
            for r in ops[method].to_string().split("#/components/schemas/").skip(1) {
                let name = r.split('"').next().unwrap();
                assert!(doc["components"]["schemas"][name].is_object(), "schema {name} exists");
            }
        }
    }
    let snapshot_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    let pretty = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot_path, &pretty).unwrap();
    }
    let snapshot = std::fs::read_to_string(&snapshot_path).expect("snapshot exists; run with UPDATE_SNAPSHOTS=1 to create it");
    assert_eq!(pretty, snapshot, "the OpenAPI document changed; review and run with UPDATE_SNAPSHOTS=1");
}

#[tokio::test]
async fn healthz_and_logout() {
    let app = app("health").await;
    assert_eq!(app.get("/healthz", "").await.0, StatusCode::OK);
    let (status, _, body) = app.get("/readyz", "").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "gereed\n"), "ready: database up, schema current");
    let (session, csrf) = app.login(app.worker()).await;
    let (status, _, _) = app.post_form("/uitloggen", &session, &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/mijn-dag", &session).await.1.get(header::LOCATION).unwrap(), "/inloggen", "the session ended at once");
}

/// Every page route × every role (and no login) × another team's household: the route answers as
/// its audience says, and nothing of that household shows up anywhere. The API likewise.
#[tokio::test]
async fn no_route_leaks_another_teams_household_to_any_role() {
    let app = app("authz").await;
    let foreign = app.household_of_team(1);
    let address = &app.m.addresses[(foreign.address_id - 1) as usize];
    let member = app.m.persons.iter().find(|p| p.household_id == foreign.id).unwrap();
    // (Not the postcode: a search form rightly shows back what was typed into it.)
    let secrets = [member.name.full(), format!("{} {}", address.street, address.house_number)];
    let foreign_buurt = address.buurt.code();
    let foreign_id = foreign.id.to_string();

    let mut who: Vec<(Option<Role>, String, String)> = vec![(None, String::new(), String::new())];
    for (role, user) in [(Role::Worker, app.worker()), (Role::TeamLead, app.team_lead()), (Role::Partner, "partner"), (Role::PrivacyOfficer, "privacy"), (Role::Admin, "beheer")] {
        let (session, _) = app.login(user).await;
        // Every logged-in page carries the session's token in its header's logout form.
        let (_, headers, _) = app.get("/", &session).await;
        let (_, _, page) = app.get(headers.get(header::LOCATION).unwrap().to_str().unwrap(), &session).await;
        let csrf = if page.contains("name=\"csrf\"") { hidden(&page, "csrf") } else { String::new() };
        who.push((Some(role), session, csrf));
    }
    let mut routes = web::page_routes();
    // Logging out ends the session, so it goes last.
    routes.sort_by_key(|r| r.path == "/uitloggen");
    let mut checked = 0;
    for route in &routes {
        let path = route.path.replace("{id}", &foreign_id).replace("{name}", "theme.css");
        for method in route.methods {
            for (role, cookie, csrf) in &who {
                let (status, headers, body) = if *method == "GET" {
                    app.get(&path, cookie).await
                } else {
                    let postcode = address.postcode.display();
                    let number = address.house_number.to_string();
                    let form: Vec<(&str, &str)> = match route.path {
                        "/huishoudens" => vec![("postcode", &postcode), ("huisnummer", &number), ("csrf", csrf)],
                        "/huishoudens/nieuw" => vec![
                            ("straat", "Kerkstraat"), ("huisnummer", "1"), ("postcode", "1234 AB"), ("woonplaats", "X"),
                            ("buurt", &foreign_buurt), ("achternaam", "Jansen"), ("geboortedatum", "1-1-1970"), ("csrf", csrf),
                        ],
                        _ => vec![("csrf", csrf)],
                    };
                    app.post_form(&path, cookie, &form).await
                };
                let allowed = match route.audience {
                    web::Audience::Anyone => true,
                    web::Audience::Roles(roles) => role.is_some_and(|r| roles.contains(&r)),
                };
                if !allowed {
                    let to_login = status == StatusCode::SEE_OTHER && headers.get(header::LOCATION).is_some_and(|l| l == "/inloggen");
                    assert!(status == StatusCode::FORBIDDEN || (role.is_none() && to_login), "{method} {} as {role:?}: {status}", route.path);
                }
                if route.path == "/huishoudens/{id}" && allowed {
                    assert_eq!(status, StatusCode::NOT_FOUND, "another team's household page is not found for {role:?}");
                }
                if route.path == "/huishoudens/nieuw" && *method == "POST" && allowed {
                    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "registering in another team's buurt is refused");
                }
                // The one exception: the privacy officer's access export (AVG art. 15) is the
                // whole file by design; it is audited (see the residents' rights test).
                let rights_export = route.path == "/privacy/rechten/{id}/inzage" && *role == Some(Role::PrivacyOfficer);
                for secret in secrets.iter().filter(|_| !rights_export) {
                    assert!(!body.contains(secret.as_str()), "{method} {} as {role:?} shows another team's household", route.path);
                }
                // Security headers on every answer; nothing but static assets may be cached.
                let csp = headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("");
                assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{method} {}: CSP", route.path);
                assert_eq!(headers.get(header::X_CONTENT_TYPE_OPTIONS).map(|v| v.as_bytes()), Some(&b"nosniff"[..]), "{method} {}", route.path);
                assert_eq!(headers.get(header::REFERRER_POLICY).map(|v| v.as_bytes()), Some(&b"no-referrer"[..]), "{method} {}", route.path);
                if !route.path.starts_with("/assets/") {
                    assert_eq!(headers.get(header::CACHE_CONTROL).map(|v| v.as_bytes()), Some(&b"no-store"[..]), "{method} {}", route.path);
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 17 * 6, "every route and role was tried ({checked})");

    // The API: no role reads or finds the other team's household.
    for user in [app.worker(), app.team_lead(), "partner", "privacy", "beheer"] {
        let token = api_token(&app, user).await;
        let (status, body) = api(&app, "GET", &format!("/api/v1/households/{foreign_id}"), &token, None).await;
        assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{user}: {status}");
        let (_, hits) = api(&app, "POST", "/api/v1/households/search", &token, Some(serde_json::json!({"postcode": address.postcode.display(), "huisnummer": address.house_number.to_string()}))).await;
        for secret in &secrets {
            assert!(!body.to_string().contains(secret.as_str()) && !hits.to_string().contains(secret.as_str()), "{user} sees another team's household through the API");
        }
    }
}

/// Every page and API call that touches residents' data writes exactly one audit record per
/// household it shows or changes, no more and no less.
#[tokio::test]
async fn every_resident_touching_request_writes_exactly_one_audit_record_per_household() {
    let app = app("audit-coverage").await;
    let (session, csrf) = app.login(app.worker()).await;
    let token = api_token(&app, app.worker()).await;
    let own = app.household_of_team(0);
    let address = &app.m.addresses[(own.address_id - 1) as usize];
    let audited = || async { app.store.counts().await.unwrap().audit_events };

    let before = audited().await;
    let (_, _, page) = app.get(&format!("/huishoudens/{}", own.id), &session).await;
    assert!(page.contains(&address.street));
    assert_eq!(audited().await - before, 1, "household page");

    let before = audited().await;
    api(&app, "GET", &format!("/api/v1/households/{}", own.id), &token, None).await;
    assert_eq!(audited().await - before, 1, "household via the API");

    let before = audited().await;
    let (_, _, page) = app.post_form("/huishoudens", &session, &[("straat", &address.street), ("csrf", &csrf)]).await;
    let hits = page.matches("href=\"/huishoudens/").count() - page.matches("href=\"/huishoudens/nieuw").count();
    assert!(hits > 0);
    assert_eq!(audited().await - before, hits as i64, "one record per search hit");

    let before = audited().await;
    let (_, body) = api(&app, "POST", "/api/v1/households/search", &token, Some(serde_json::json!({"straat": address.street}))).await;
    assert_eq!(audited().await - before, body["households"].as_array().unwrap().len() as i64, "API search");

    let before = audited().await;
    let (_, _, page) = app.get("/mijn-dag", &session).await;
    let mut shown: Vec<&str> = page.split("href=\"/huishoudens/").skip(1).filter_map(|s| s.split('"').next()).filter(|id| *id != "nieuw").collect();
    shown.sort_unstable();
    shown.dedup();
    assert_eq!(audited().await - before, shown.len() as i64, "mijn dag: one record per household shown");

    let before = audited().await;
    let (status, _, _) = app.post_form(&format!("/huishoudens/{}/contact", own.id), &session, &[("soort", "telefoon"), ("uitkomst", "niet-thuis"), ("dagdeel", "middag"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(audited().await - before, 1, "a contact attempt");

    let before = audited().await;
    let (_, body) = api(&app, "GET", "/api/v1/out-of-view", &token, None).await;
    assert_eq!(audited().await - before, body.as_array().unwrap().len() as i64, "out of view: one record per household listed");

    // Pages without residents' data write nothing.
    let before = audited().await;
    for path in ["/huishoudens", "/huishoudens/nieuw", "/toegankelijkheid", "/healthz", "/readyz"] {
        app.get(path, &session).await;
    }
    api(&app, "GET", "/api/v1/me", &token, None).await;
    assert_eq!(audited().await, before, "no resident data, no audit record");

    // A refused or invalid request leaves no record.
    let before = audited().await;
    let foreign = app.household_of_team(1);
    app.get(&format!("/huishoudens/{}", foreign.id), &session).await;
    app.post_form("/huishoudens", &session, &[("postcode", "0000"), ("csrf", &csrf)]).await;
    assert_eq!(audited().await, before, "refused and invalid requests leave no record");
}

#[tokio::test]
async fn a_totp_code_completes_the_login_once_and_only_once() {
    let app = app("totp").await;
    let worker = app.store.user_by_username(app.worker()).await.unwrap().unwrap();
    let secret = web::totp::new_secret();
    app.store.set_totp_secret(worker.id, Some(&secret)).await.unwrap();

    let (_, headers, body) = app.get("/inloggen", "").await;
    let cookie = format!("__Host-eropaf-login={}", set_cookie(&headers, "__Host-eropaf-login").unwrap());
    let (status, headers, _) = app.post_form("/inloggen", &cookie, &[("gebruikersnaam", app.worker()), ("wachtwoord", PASSWORD), ("csrf", &hidden(&body, "csrf"))]).await;
    assert_eq!((status, headers.get(header::LOCATION).unwrap().to_str().unwrap()), (StatusCode::SEE_OTHER, "/inloggen/code"));
    let pending = format!("__Host-eropaf-session={}", set_cookie(&headers, "__Host-eropaf-session").unwrap());
    // The password alone opens nothing.
    let (status, headers, _) = app.get("/mijn-dag", &pending).await;
    assert_eq!((status, headers.get(header::LOCATION).unwrap().to_str().unwrap()), (StatusCode::SEE_OTHER, "/inloggen/code"));
    let (status, _, page) = app.get("/inloggen/code", &pending).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("autocomplete=\"one-time-code\""));
    let csrf = hidden(&page, "csrf");
    let code = web::totp::code(&secret, NOW);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, _, page) = app.post_form("/inloggen/code", &pending, &[("code", wrong), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("Deze code klopt niet"));
    let (status, headers, _) = app.post_form("/inloggen/code", &pending, &[("code", &code), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let full = format!("__Host-eropaf-session={}", set_cookie(&headers, "__Host-eropaf-session").unwrap());
    assert_ne!(full, pending, "a new session id after the second factor");
    assert_eq!(app.get("/mijn-dag", &full).await.0, StatusCode::OK);
    assert_eq!(app.get("/inloggen/code", &pending).await.1.get(header::LOCATION).unwrap(), "/inloggen", "the password-only session is gone");

    // A role that sees personal data cannot log in without a second factor: no session.
    let lead = app.store.user_by_username(app.team_lead()).await.unwrap().unwrap();
    app.store.set_totp_secret(lead.id, None).await.unwrap();
    let (_, headers, body) = app.get("/inloggen", "").await;
    let cookie = format!("__Host-eropaf-login={}", set_cookie(&headers, "__Host-eropaf-login").unwrap());
    let (status, headers, page) = app.post_form("/inloggen", &cookie, &[("gebruikersnaam", app.team_lead()), ("wachtwoord", PASSWORD), ("csrf", &hidden(&body, "csrf"))]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("Voor uw rol is een tweede factor"), "says why");
    assert!(set_cookie(&headers, "__Host-eropaf-session").is_none(), "and starts no session");
    // A partner, who sees no personal data, needs none.
    let (partner, _) = app.login("partner").await;
    assert_eq!(app.get("/partner", &partner).await.0, StatusCode::OK);

    // The same code cannot be used for a second login.
    let (_, headers, body) = app.get("/inloggen", "").await;
    let cookie = format!("__Host-eropaf-login={}", set_cookie(&headers, "__Host-eropaf-login").unwrap());
    let (_, headers, _) = app.post_form("/inloggen", &cookie, &[("gebruikersnaam", app.worker()), ("wachtwoord", PASSWORD), ("csrf", &hidden(&body, "csrf"))]).await;
    let pending = format!("__Host-eropaf-session={}", set_cookie(&headers, "__Host-eropaf-session").unwrap());
    let (_, _, page) = app.get("/inloggen/code", &pending).await;
    let (status, _, _) = app.post_form("/inloggen/code", &pending, &[("code", &code), ("csrf", &hidden(&page, "csrf"))]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a used code is refused");
}

#[tokio::test]
async fn the_privacy_officer_filters_the_trail_and_sees_what_to_review() {
    let app = app("privacy-view").await;
    let own = app.household_of_team(0);
    let (worker, _) = app.login(app.worker()).await;
    app.get(&format!("/huishoudens/{}", own.id), &worker).await;
    let officer = app.store.user_by_username("privacy").await.unwrap().unwrap();
    let actor = officer.actor();
    app.store.export_household(&store::Access { actor: &actor, route: "test", now: NOW }, own.id).await.unwrap();

    let (session, _) = app.login("privacy").await;
    let (status, _, page) = app.get(&format!("/privacy?huishouden={}&gebruiker=&gebeurtenis=&dagen=30", own.id), &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("household.read") && page.contains(app.worker()), "who opened the household");
    assert!(page.contains("Inzageverzoek uitgevoerd"), "exports are listed for review");
    let member = app.m.persons.iter().find(|p| p.household_id == own.id).unwrap();
    assert!(!page.contains(&member.name.full()), "no case content for the privacy officer");
    let (_, _, page) = app.get(&format!("/privacy?gebruiker={}&gebeurtenis=household.export&dagen=7", app.worker()), &session).await;
    assert!(page.contains("Geen gebeurtenissen gevonden met deze filters."), "the worker exported nothing");
    let (status, _, page) = app.get("/privacy?huishouden=abc&dagen=0", &session).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Huishouden: vul een nummer in") && page.contains("Periode: kies een aantal dagen"));

    // The processing register (art. 30) lists every category with the terms in effect.
    let (status, headers, page) = app.get("/privacy/register", &session).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
    for text in ["Verwerkingsregister", "Signalen", "Trajecten", "Auditspoor", "183 dagen na de signaaldatum", "730 dagen na het sluiten", "Grondslag"] {
        assert!(page.contains(text), "{text}");
    }
    let (status, _, _) = app.get("/privacy/register", &worker).await;
    assert_ne!(status, StatusCode::OK, "only the privacy officer sees the register");

    // The purge job's records show up for review, with what was removed and why.
    let report = app.store.purge_expired(&store::retention::RetentionPolicy::default(), NOW + time::Duration::days(800)).await.unwrap();
    assert!(report.households > 0 && report.sessions > 0, "the purge also ends sessions past their limit");
    let (status, _, _) = app.get("/privacy", &session).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "that session is gone");
    let (session, _) = app.login("privacy").await;
    let (_, _, page) = app.get("/privacy?gebeurtenis=retention.purge&dagen=3660", &session).await;
    assert!(page.contains("retention.purge") && page.contains("bewaartermijn verstreken"), "purges are on the privacy officer's list");
}

/// Residents' rights on screen: the privacy officer finds the household at the address the
/// resident gives, shows and downloads the access export (each one audit record), and erases a
/// household without an open case; one with an open case is refused and keeps everything.
#[tokio::test]
async fn the_privacy_officer_answers_access_and_erasure_requests_on_screen() {
    let app = app("rights").await;
    let (session, csrf) = app.login("privacy").await;
    let audited = || async { app.store.counts().await.unwrap().audit_events };
    let (status, _, page) = app.get("/privacy/rechten", &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Rechten van bewoners") && page.contains("Zoek huishouden"));
    let csrf = if csrf.is_empty() { hidden(&page, "csrf") } else { csrf };

    let open: std::collections::HashSet<i64> = app.m.cases.iter().filter(|c| c.closed.is_none()).map(|c| c.household_id).collect();
    let with_case = app.m.households.iter().find(|h| open.contains(&h.id)).unwrap();
    let without = app.m.households.iter().find(|h| !open.contains(&h.id) && app.m.persons.iter().any(|p| p.household_id == h.id)).unwrap();
    let address = &app.m.addresses[(without.address_id - 1) as usize];
    let member = app.m.persons.iter().find(|p| p.household_id == without.id).unwrap();

    let before = audited().await;
    let (status, _, page) = app.post_form("/privacy/rechten", &session, &[("postcode", "12"), ("huisnummer", ""), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Postcode:") && page.contains("Huisnummer:"), "both fields named");
    let (status, _, page) = app
        .post_form("/privacy/rechten", &session, &[("postcode", &address.postcode.display()), ("huisnummer", &address.house_number.to_string()), ("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("/privacy/rechten/{}/inzage", without.id)), "the household at the address is offered");
    assert!(!page.contains(&member.name.surname), "the lookup shows numbers, not content");
    let found = page.matches("/inzage\"").count() as i64 / 2;
    assert_eq!(audited().await - before, found, "one search-hit record per household found");
    let (status, _, page) = app.post_form("/privacy/rechten", &session, &[("huishouden", &with_case.id.to_string()), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("/privacy/rechten/{}/inzage", with_case.id)), "or by its number");
    let (status, _, page) = app.post_form("/privacy/rechten", &session, &[("huishouden", "999999"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("er is geen huishouden met dit nummer"));

    let before = audited().await;
    let path = format!("/privacy/rechten/{}/inzage", without.id);
    let (status, _, page) = app.post_form(&path, &session, &[("formaat", "html"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    for text in ["Inzage: alles over huishouden", "Bewoners", "Wie het dossier inzag of wijzigde, en waarom", member.name.surname.as_str()] {
        assert!(page.contains(text), "{text}");
    }
    assert_eq!(audited().await - before, 1, "the readable export is one record");
    let (status, headers, body) = app.post_form(&path, &session, &[("formaat", "json"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_DISPOSITION).and_then(|v| v.to_str().ok()), Some(format!("attachment; filename=\"inzage-huishouden-{}.json\"", without.id).as_str()));
    assert_eq!(headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["household_id"], without.id);
    assert!(json["accesses"].as_array().unwrap().iter().any(|a| a["event"] == "household.export"), "the file shows who exported it");
    assert_eq!(audited().await - before, 2, "and the download another");
    let (status, _, _) = app.post_form(&path, &session, &[("formaat", "pdf"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = app.post_form(&path, &session, &[("formaat", "html"), ("csrf", "forged")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "CSRF");

    // Erasure: the confirmation and the ground are required; an open case refuses it.
    let (status, _, page) = app.get(&format!("/privacy/rechten/{}/wissen", without.id), &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Definitief wissen"));
    let erase = format!("/privacy/rechten/{}/wissen", without.id);
    let (status, _, page) = app.post_form(&erase, &session, &[("reden", ""), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Reden: vul dit veld in.") && page.contains("Bewaarplicht: bevestig"));
    let reason = "verzoek van de bewoner van 20 november; geen traject, geen bewaarplicht";
    let (status, _, page) = app.post_form(&format!("/privacy/rechten/{}/wissen", with_case.id), &session, &[("reden", reason), ("bewaarplicht", "geen"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Er loopt nog een traject"), "an open case refuses erasure");
    assert_eq!(app.post_form(&format!("/privacy/rechten/{}/inzage", with_case.id), &session, &[("csrf", &csrf)]).await.0, StatusCode::OK, "and keeps the file");
    let (status, _, page) = app.post_form(&erase, &session, &[("reden", reason), ("bewaarplicht", "geen"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("Huishouden {} is gewist", without.id)));
    assert_eq!(app.post_form(&path, &session, &[("csrf", &csrf)]).await.0, StatusCode::NOT_FOUND, "nothing left to export");
    assert!(matches!(app.store.verify_audit_chain().await.unwrap(), store::audit::ChainCheck::Intact { .. }), "the chain still verifies");

    // Only the privacy officer: a worker and an administrator are refused.
    for user in [app.worker(), "beheer"] {
        let (other, other_csrf) = app.login(user).await;
        assert_eq!(app.get("/privacy/rechten", &other).await.0, StatusCode::FORBIDDEN, "{user}");
        assert_eq!(app.post_form(&format!("/privacy/rechten/{}/inzage", with_case.id), &other, &[("csrf", &other_csrf)]).await.0, StatusCode::FORBIDDEN, "{user}");
    }
}

#[tokio::test]
async fn break_the_glass_opens_another_teams_household_with_a_reason_the_privacy_officer_sees() {
    let app = app("break-glass").await;
    let (session, csrf) = app.login(app.worker()).await;
    let (privacy, _) = app.login("privacy").await;
    let (_, _, page) = app.get("/privacy", &privacy).await;
    assert!(!page.contains("Buiten eigen werkgebied"), "nobody has been outside their area yet");
    let foreign = app.household_of_team(1);
    let address = &app.m.addresses[(foreign.address_id - 1) as usize];
    let (postcode, number) = (address.postcode.display(), address.house_number.to_string());
    assert_eq!(app.get(&format!("/huishoudens/{}", foreign.id), &session).await.0, StatusCode::NOT_FOUND);
    let (status, _, page) = app.post_form("/noodtoegang", &session, &[("postcode", &postcode), ("huisnummer", &number), ("reden", "even kijken"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Reden: leg in 20 tot 500 tekens uit"));
    let reason = "acute zorg: buren melden rook uit de woning";
    let (status, headers, _) = app.post_form("/noodtoegang", &session, &[("postcode", &postcode), ("huisnummer", &number), ("reden", reason), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    let (status, _, page) = app.get(&location, &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("U bekijkt dit huishouden met noodtoegang"));
    assert!(!page.contains("Contactpoging vastleggen"), "emergency access is to read: no contact form");
    let (status, _, _) = app.post_form(&format!("{location}/kaartje"), &session, &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "and no contact through it");
    let (_, _, page) = app.get("/privacy?gebeurtenis=household.break-glass", &privacy).await;
    assert!(page.contains("Noodtoegang gebruikt") && page.contains(reason), "highlighted for the privacy officer, with the reason");
    // Reading another team's household is listed as outside the worker's own area.
    let outside = page.split("Buiten eigen werkgebied").nth(1).unwrap_or_else(|| panic!("no outside-area anomaly"));
    assert!(outside.split("</tr>").next().unwrap().contains(app.worker()), "with the worker's name");
}

/// Sessions end after 30 minutes idle and after 12 hours in any case, by the server's clock.
#[tokio::test]
async fn sessions_end_after_30_minutes_idle_and_12_hours_in_all() {
    use std::sync::atomic::{AtomicI64, Ordering};
    let base = app("timeouts").await;
    let offset = Arc::new(AtomicI64::new(0));
    let clock = offset.clone();
    let app = App {
        router: web::router(AppState::new(base.store.clone(), Arc::new(move || NOW + time::Duration::seconds(clock.load(Ordering::SeqCst))), linker(&base.store).await)),
        store: base.store.clone(),
        m: base.m.clone(),
    };
    let minutes = |m: i64| offset.store(m * 60, Ordering::SeqCst);
    let on_page = |(status, _, _): (StatusCode, axum::http::HeaderMap, String)| status == StatusCode::OK;

    let (session, _) = app.login(app.worker()).await;
    minutes(29);
    assert!(on_page(app.get("/mijn-dag", &session).await), "29 minutes idle: still in");
    minutes(58);
    assert!(on_page(app.get("/mijn-dag", &session).await), "active again within 30 minutes: still in");
    minutes(89);
    assert!(!on_page(app.get("/mijn-dag", &session).await), "31 minutes idle: out");
    minutes(89);
    assert!(!on_page(app.get("/mijn-dag", &session).await), "and the session is gone");

    minutes(0);
    let (session, _) = app.login(app.worker()).await;
    for m in (25..=12 * 60 - 5).step_by(25) {
        minutes(m);
        assert!(on_page(app.get("/mijn-dag", &session).await), "active at minute {m}");
    }
    minutes(12 * 60 + 1);
    assert!(!on_page(app.get("/mijn-dag", &session).await), "after 12 hours: out, however active");
}

async fn api_with_key(app: &App, token: &str, key: Option<&str>, body: &serde_json::Value) -> (StatusCode, serde_json::Value) {
    let mut req = Request::builder().method("POST").uri("/api/v1/signals").header(header::AUTHORIZATION, format!("Bearer {token}")).header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let (status, _, text) = app.send(req.body(Body::from(body.to_string())).unwrap()).await;
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}

/// A partner system submits a signal once, however often it retries; a changed body under the
/// same key is refused; only the sending organisation reads the status, and it never sees more
/// than status and coarse result.
#[tokio::test]
async fn partners_submit_signals_idempotently_and_see_only_their_status() {
    let app = app("signals-api").await;
    let partner = api_token(&app, "partner").await;
    let h = app.household_of_team(0);
    let a = &app.m.addresses[(h.address_id - 1) as usize];
    let p = app.m.persons.iter().find(|p| p.household_id == h.id).unwrap();
    let body = serde_json::json!({
        "signaaldatum": "2026-11-20", "bedrag": 640, "crisissignaal": false, "warme_overdracht": true,
        "client": {"voorletters": p.name.initials, "voorvoegsel": p.name.prefix, "achternaam": p.name.surname,
                   "geboortedatum": store::time_fmt::date(p.birth_date), "straatnaam": a.street,
                   "huisnummer": a.house_number.number.to_string(), "huisletter": a.house_number.letter.map(String::from).unwrap_or_default(),
                   "huisnummertoevoeging": a.house_number.addition.clone().unwrap_or_default(), "postcode": a.postcode.as_str(), "plaatsnaam": a.locality}
    });
    let before = app.store.counts().await.unwrap();
    assert_eq!(api_with_key(&app, &partner, None, &body).await.0, StatusCode::BAD_REQUEST, "no Idempotency-Key, no signal");
    let (status, first) = api_with_key(&app, &partner, Some("k-1"), &body).await;
    assert_eq!((status, first["status"].as_str()), (StatusCode::CREATED, Some("ontvangen")), "{first}");
    let (status, again) = api_with_key(&app, &partner, Some("k-1"), &body).await;
    assert_eq!((status, &again["id"]), (StatusCode::CREATED, &first["id"]), "a retry gets the same answer");
    assert_eq!(app.store.counts().await.unwrap().signals, before.signals + 1, "and stores nothing twice");
    let mut changed = body.clone();
    changed["bedrag"] = 641.into();
    let (status, err) = api_with_key(&app, &partner, Some("k-1"), &changed).await;
    assert_eq!((status, err["fields"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Idempotency-Key")));

    // Field errors in Dutch, every one at once, nothing stored.
    let mut bad = body.clone();
    bad["bedrag"] = "veel".into();
    bad["client"]["postcode"] = "12345".into();
    bad["onbekend"] = 1.into();
    let (status, err) = api_with_key(&app, &partner, Some("k-2"), &bad).await;
    let fields: Vec<&str> = err["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!((status, fields.as_slice()), (StatusCode::UNPROCESSABLE_ENTITY, ["bedrag", "signaal"].as_slice()), "{err}");
    bad.as_object_mut().unwrap().remove("onbekend");
    bad["bedrag"] = 10.into();
    let (_, err) = api_with_key(&app, &partner, Some("k-2"), &bad).await;
    assert_eq!(err["fields"][0]["field"], "postcode");
    assert!(err["fields"][0]["message"].as_str().unwrap().starts_with("postcode: "), "{err}");
    assert_eq!(app.store.counts().await.unwrap().signals, before.signals + 1);

    // The sender reads the status; a worker's token or another partner gets nothing.
    let id = first["id"].as_i64().unwrap();
    let (status, s) = api(&app, "GET", &format!("/api/v1/signals/{id}"), &partner, None).await;
    assert_eq!((status, s["status"].as_str(), s["result"].is_null()), (StatusCode::OK, Some("ontvangen"), true));
    assert_eq!(s.as_object().unwrap().len(), 5, "status, date, kind, id and coarse result only: {s}");
    let worker = api_token(&app, app.worker()).await;
    assert_eq!(api(&app, "GET", &format!("/api/v1/signals/{id}"), &worker, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(api_with_key(&app, &worker, Some("k-3"), &body).await.0, StatusCode::FORBIDDEN, "workers do not submit through the partner API");
}

/// The worker's path from signal to decision on screen: a neighbour's worry entered by a worker
/// opens a signal case; the team weighs it (an incomplete weighing is refused with the field
/// named, nothing stored), records first contact and closes it; the partner who sent a signal
/// about the same household then sees the coarse result and nothing else.
#[tokio::test]
async fn from_a_worry_to_a_weighed_and_closed_signal_case_on_screen() {
    let app = app("signal-pages").await;
    let (worker, csrf) = app.login(app.worker()).await;
    let h = app.m.households.iter().find(|h| {
        app.m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&app.m.teams[0].wijk)
            && !app.m.signal_cases.iter().any(|c| c.household_id == h.id && c.stage != domain::model::CaseStage::Afgesloten)
            && app.m.persons.iter().any(|p| p.household_id == h.id)
    }).unwrap();
    let a = &app.m.addresses[(h.address_id - 1) as usize];
    let p = app.m.persons.iter().find(|p| p.household_id == h.id).unwrap();
    let number = a.house_number.to_string();
    let birth = store::time_fmt::date(p.birth_date);

    // The form prefilled from the household page; a missing reporter is named.
    let (status, _, page) = app.get(&format!("/signalen/nieuw?huishouden={}", h.id), &worker).await;
    assert!(status == StatusCode::OK && page.contains(&a.postcode.display()), "address filled in");
    let mut form = vec![
        ("csrf", csrf.as_str()), ("bron", "melder"), ("terugkoppeling", "via-werker"), ("soort", "eenzaamheid"),
        ("zorg", "Meneer doet al weken de deur niet open, de brievenbus puilt uit."), ("signaaldatum", "2026-11-27"),
        ("voorletters", &p.name.initials), ("voorvoegsel", &p.name.prefix), ("achternaam", &p.name.surname), ("geboortedatum", &birth),
        ("straatnaam", &a.street), ("huisnummer", &number), ("postcode", a.postcode.as_str()), ("plaatsnaam", &a.locality),
    ];
    let before = app.store.counts().await.unwrap();
    let (status, _, page) = app.post_form("/signalen/nieuw", &worker, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Melder: kies wie het signaal gaf."));
    assert_eq!(app.store.counts().await.unwrap().signals, before.signals, "nothing stored");
    form.push(("melder", "buurtbewoner"));
    let (status, headers, _) = app.post_form("/signalen/nieuw", &worker, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let case_url = headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    assert!(case_url.starts_with("/signaalzaken/"), "linked to the household, so straight to its case: {case_url}");

    // The partner's form about the same household lands in the same case.
    let (partner, partner_csrf) = app.login("partner").await;
    let (_, _, page) = app.get("/partner/signaal", &partner).await;
    let partner_csrf = if partner_csrf.is_empty() { hidden(&page, "csrf") } else { partner_csrf };
    let partner_form = [
        ("csrf", partner_csrf.as_str()), ("soort", "betalingsachterstand"), ("bedrag", "850"), ("signaaldatum", "2026-11-26"),
        ("voorletters", &p.name.initials), ("voorvoegsel", &p.name.prefix), ("achternaam", &p.name.surname), ("geboortedatum", &birth),
        ("straatnaam", &a.street), ("huisnummer", &number), ("postcode", a.postcode.as_str()), ("plaatsnaam", &a.locality),
    ];
    let (status, headers, _) = app.post_form("/partner/signaal", &partner, &partner_form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.get(headers.get(header::LOCATION).unwrap().to_str().unwrap(), &partner).await;
    assert!(page.contains("Uw signaal is ontvangen onder kenmerk") && page.contains("Ontvangen"));

    let (status, _, page) = app.get(&case_url, &worker).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Meneer doet al weken de deur niet open") && page.contains("Betalingsachterstand") && page.contains("Nog niet gewogen."));
    let (_, _, list) = app.get("/signaalzaken?lijst=open", &worker).await;
    assert!(list.contains(&case_url), "the case is on the team's open list");

    // Weighing: without reasons it is refused, with the field named.
    let weigh = format!("{case_url}/weging");
    let mut w = vec![("csrf", csrf.as_str()), ("grond", "schade-zelf"), ("grond", "zorgplicht"), ("waarom", ""), ("proportionaliteit", "Eén huisbezoek met een kaartje vooraf, zonder verplichting."),
        ("model", "presentie"), ("veiligheid", "geen"), ("benadering", "aangekondigd"), ("wie", "ervaringsdeskundige"), ("besluit", "gaan")];
    let (status, _, page) = app.post_form(&weigh, &worker, &w).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Waarom ongevraagd: licht in 10 tot 2000 tekens toe"), "the missing reason is named");
    w[3] = ("waarom", "Een buurvrouw maakt zich zorgen en er is een huurachterstand: samen wijst het op vereenzaming.");
    let (status, _, _) = app.post_form(&weigh, &worker, &w).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.get(&case_url, &worker).await;
    assert!(page.contains("Erop af") && page.contains("Presentiemodel") && page.contains("Werker met ervaringsdeskundige"), "who weighed what is shown");

    // First contact and closing.
    let (status, _, _) = app.post_form(&format!("{case_url}/contact"), &worker, &[("csrf", &csrf), ("soort", "huisbezoek"), ("bereikt", "ja"), ("notitie", "")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = app.post_form(&format!("{case_url}/afsluiten"), &worker, &[("csrf", &csrf), ("resultaat", "vervolg-niet-financieel")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.get(&format!("{case_url}?gedaan=afgesloten"), &worker).await;
    assert!(page.contains("Vervolghulp en/of verwijzing niet financieel"));

    // The partner sees the coarse result only: no weighing, no names of workers, no notes.
    let (_, _, page) = app.get("/partner", &partner).await;
    assert!(page.contains("Afgesloten") && page.contains("Contact gelegd, hulp of advies gegeven"));
    assert!(!page.contains("ervaringsdeskundige") && !page.contains("vereenzaming") && !page.contains("Vervolghulp"));
    // Closing again is refused; another team cannot open the case.
    let (status, _, _) = app.post_form(&format!("{case_url}/afsluiten"), &worker, &[("csrf", &csrf), ("resultaat", "geen-contact")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Help and enforcement stay apart: a police partner that reports a worry sees, on every page
/// and through the API, only its signal's status and coarse result — never the team's
/// weighing, the contact notes, who went, or who lives there.
#[tokio::test]
async fn an_enforcement_partner_never_sees_help_notes_or_weighing() {
    use domain::model::{Approach, Companion, ContactKind, Decision, EndResult, Ground, OutreachModel, PartnerType, Safety};
    let app = app("enforcement").await;
    let police = app.store.create_partner("Politie basisteam Oost", PartnerType::Politie).await.unwrap();
    assert!(PartnerType::Politie.is_enforcement());
    let hash = web::auth::hash_password(PASSWORD).unwrap();
    let new = NewUser { username: "politie".into(), display_name: "Wijkagent".into(), role: Role::Partner, team_id: None, partner_id: Some(police), models: vec![] };
    app.store.create_user(&new, Some(&hash), NOW).await.unwrap();

    // The police report a worry about a resident of team 0's area.
    let h = app.m.households.iter().find(|h| {
        app.m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&app.m.teams[0].wijk)
            && !app.m.signal_cases.iter().any(|c| c.household_id == h.id && c.stage != domain::model::CaseStage::Afgesloten)
            && app.m.persons.iter().any(|p| p.household_id == h.id)
    }).unwrap();
    let a = &app.m.addresses[(h.address_id - 1) as usize];
    let p = app.m.persons.iter().find(|p| p.household_id == h.id).unwrap();
    let token = api_token(&app, "politie").await;
    let body = serde_json::json!({
        "soort": "overlast", "signaaldatum": "2026-11-25", "zorg": "Herhaaldelijk geluidsoverlast gemeld; bewoner lijkt in de war.",
        "client": {"voorletters": p.name.initials, "voorvoegsel": p.name.prefix, "achternaam": p.name.surname,
                   "geboortedatum": store::time_fmt::date(p.birth_date), "straatnaam": a.street,
                   "huisnummer": a.house_number.number.to_string(), "huisletter": a.house_number.letter.map(String::from).unwrap_or_default(),
                   "huisnummertoevoeging": a.house_number.addition.clone().unwrap_or_default(), "postcode": a.postcode.as_str(), "plaatsnaam": a.locality}
    });
    let (status, receipt) = api_with_key(&app, &token, Some("politie-1"), &body).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let signal_id = receipt["id"].as_i64().unwrap();

    // The team weighs, goes, notes what happened and closes with help started.
    let worker = app.m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(app.m.teams[0].id)).unwrap();
    let actor = store::Actor { user_id: worker.id, role: Role::Worker, team_id: worker.team_id, partner_id: None };
    let access = store::Access { actor: &actor, route: "test", now: NOW };
    let policy = store::signals::SignalPolicy::default();
    let case = app.store.signal_cases(&access, store::signals::CaseFilter::Open, NOW.date(), &policy).await.unwrap().into_iter().find(|c| c.household_id == h.id).unwrap();
    let weighing_text = "Weging-geheim: mogelijk psychische nood, eerst via de huisarts.";
    let note = "Notitie-geheim: schulden en een verslaving besproken.";
    let weighing = store::signals::Weighing {
        grounds: vec![Ground::SchadeZelf],
        why_go: weighing_text.into(),
        why_not: None,
        proportionality: "Een kort, vrijblijvend bezoek met aanbod van hulp.".into(),
        safety: Safety::MetZnTweeen,
        models: vec![OutreachModel::Hulp],
        approach: Approach::Aangekondigd,
        companion: Companion::TweeWerkers,
        decision: Decision::Gaan,
        worker_id: None,
    };
    app.store.weigh_signal_case(&access, case.id, &weighing).await.unwrap();
    let attempt = store::contact::NewAttempt { household_id: h.id, kind: ContactKind::Huisbezoek, at: NOW - time::Duration::hours(1), day_part: None, outcome: domain::model::ContactOutcome::Gesproken, note: Some(note) };
    app.store.log_contact_attempt(&access, &attempt, &Default::default()).await.unwrap();
    app.store.close_signal_case(&access, case.id, EndResult::VervolgNietFinancieel, NOW.date()).await.unwrap();

    // The team sees its weighing and note (so the checks below can fail)…
    let (team_session, _) = app.login(app.worker()).await;
    let (_, _, team_page) = app.get(&format!("/signaalzaken/{}", case.id), &team_session).await;
    assert!(team_page.contains(weighing_text), "the team's case page shows the weighing");
    // What the police may know: status and coarse result, through the API…
    let (status, s) = api(&app, "GET", &format!("/api/v1/signals/{signal_id}"), &token, None).await;
    assert_eq!((status, s["status"].as_str(), s["result"].as_str()), (StatusCode::OK, Some("afgesloten"), Some("hulp-gestart")), "{s}");
    assert_eq!(s.as_object().unwrap().len(), 5, "{s}");
    // …and on every page it can reach; the team's pages are closed to it.
    let full_name = p.name.full();
    let secrets = [weighing_text, note, worker.display_name.as_str(), full_name.as_str()];
    let (session, _) = app.login("politie").await;
    let ids = [case.id.to_string(), h.id.to_string(), signal_id.to_string()];
    let mut seen = 0;
    for route in web::page_routes().iter().filter(|r| r.methods.contains(&"GET") && !r.path.starts_with("/assets/")) {
        for id in &ids {
            let path = route.path.replace("{id}", id);
            let (status, _, page) = app.get(&path, &session).await;
            if let web::Audience::Roles(roles) = route.audience {
                if !roles.contains(&Role::Partner) {
                    assert_eq!(status, StatusCode::FORBIDDEN, "GET {path} as the police");
                }
            }
            for secret in &secrets {
                assert!(!page.contains(secret), "GET {path} shows the police {secret:?}");
            }
            seen += 1;
        }
    }
    assert!(seen >= 3 * 15, "{seen}");
    let (_, _, home) = app.get("/partner", &session).await;
    assert!(home.contains("Contact gelegd, hulp of advies gegeven"), "the coarse result is shown");
    let (status, _) = api(&app, "GET", &format!("/api/v1/households/{}", h.id), &token, None).await;
    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{status}");
}

/// Contact and follow-through on the household page (issue 5): a failed attempt in one form
/// post shows Eropaf's next proposal; a card is one tap; the proposal can be overridden only
/// with a reason; a form with a missing choice names it and writes nothing.
#[tokio::test]
async fn a_failed_attempt_on_the_household_page_shows_the_next_proposal() {
    let app = app("contact-page").await;
    let (session, csrf) = app.login(app.worker()).await;
    let h = app.household_of_team(0);
    let path = format!("/huishoudens/{}", h.id);
    let (status, _, page) = app.get(&path, &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Contactpoging vastleggen") && page.contains("Kaartje achtergelaten"));
    let attempts = || async { app.store.counts().await.unwrap().contact_attempts };

    let before = attempts().await;
    let (status, _, page) = app.post_form(&format!("{path}/contact"), &session, &[("soort", "huisbezoek"), ("dagdeel", "ochtend"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Uitkomst: kies er een."), "the missing outcome is named");
    assert_eq!(attempts().await, before, "and nothing is written");

    let (status, headers, _) = app.post_form(&format!("{path}/contact"), &session, &[("soort", "huisbezoek"), ("uitkomst", "niet-thuis"), ("dagdeel", "ochtend"), ("notitie", ""), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers.get(header::LOCATION).unwrap(), &format!("/huishoudens/{}?gedaan=contact#kop-poging", h.id));
    assert_eq!(attempts().await, before + 1);
    let (_, _, page) = app.get(&format!("{path}?gedaan=contact"), &session).await;
    assert!(page.contains("De contactpoging is vastgelegd.") && page.contains("Voorstel volgende poging"), "the proposal is shown");

    let (status, _, _) = app.post_form(&format!("{path}/kaartje"), &session, &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "a card is one tap");
    assert_eq!(attempts().await, before + 2);

    let (status, _, page) = app.post_form(&format!("{path}/plannen"), &session, &[("soort", "telefoon"), ("dagdeel", "avond"), ("datum", "2026-12-01"), ("reden", ""), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Reden: leg in 5 tot 200 tekens uit"));
    let (status, _, _) = app.post_form(&format!("{path}/plannen"), &session, &[("soort", "telefoon"), ("dagdeel", "avond"), ("datum", "2026-12-01"), ("reden", "werkt overdag"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.get(&path, &session).await;
    assert!(page.contains("Volgende contact gepland") && page.contains("Anders dan voorgesteld, omdat: werkt overdag"));
    // Another team's household: not found, nothing written.
    let foreign = app.household_of_team(1);
    let (status, _, _) = app.post_form(&format!("/huishoudens/{}/kaartje", foreign.id), &session, &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(attempts().await, before + 2);
}

/// The field apps' API (issue 5): a contact attempt answers with the next proposal (null when
/// reached); every invalid value is a 4xx with a clear message and writes nothing; out of view
/// and the address lookup see only the caller's team.
#[tokio::test]
async fn contact_attempts_out_of_view_and_address_lookup_through_the_api() {
    let app = app("contact-api").await;
    let token = api_token(&app, app.worker()).await;
    let h = app.household_of_team(0);
    let attempts = || async { app.store.counts().await.unwrap().contact_attempts };
    let before = attempts().await;
    let at = "2026-11-28T09:30:00+01:00";
    let (status, body) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(serde_json::json!({"household_id": h.id, "kind": "huisbezoek", "at": at, "reached": false, "outcome": "niet-thuis"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["id"].as_i64().is_some());
    let next = &body["next_proposal"];
    assert!(next["kind"].is_string() && next["day_part"].is_string() && next["not_before"].as_str().is_some_and(|d| d > "2026-11-28"), "{body}");
    let (status, body) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(serde_json::json!({"household_id": h.id, "kind": "telefoon", "at": at, "reached": true, "outcome": "gesproken", "note": "afspraak volgende week"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["next_proposal"], serde_json::Value::Null, "reached: no proposal");
    assert_eq!(attempts().await, before + 2);

    let bad = [
        (serde_json::json!({"household_id": h.id, "kind": "duif", "at": at, "reached": false, "outcome": "niet-thuis"}), "kind"),
        (serde_json::json!({"household_id": h.id, "kind": "brief", "at": "2026-11-29T09:30:00+01:00", "reached": false, "outcome": "geen-reactie"}), "at"),
        (serde_json::json!({"household_id": h.id, "kind": "brief", "at": "gisteren", "reached": false, "outcome": "geen-reactie"}), "at"),
        (serde_json::json!({"household_id": h.id, "kind": "brief", "at": at, "reached": true, "outcome": "niet-thuis"}), "outcome"),
        (serde_json::json!({"household_id": h.id, "kind": "brief", "at": at, "reached": false}), "outcome"),
        (serde_json::json!({"household_id": h.id, "kind": "brief", "at": at, "reached": false, "outcome": "geen-reactie", "extra": 1}), "contact_attempt"),
    ];
    for (input, field) in bad {
        let (status, body) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(input.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{input}");
        assert!(body["fields"].as_array().unwrap().iter().any(|f| f["field"] == field), "{input}: {body}");
    }
    let foreign = app.household_of_team(1);
    let (status, _) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(serde_json::json!({"household_id": foreign.id, "kind": "brief", "at": at, "reached": false, "outcome": "geen-reactie"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "outside need-to-know");
    assert_eq!(attempts().await, before + 2, "nothing written by refused requests");

    let (status, body) = api(&app, "GET", "/api/v1/out-of-view", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    for row in body.as_array().unwrap() {
        assert!(row["days_overdue"].as_i64().unwrap() >= 1 && ["planned-contact-overdue", "no-contact"].contains(&row["reason"].as_str().unwrap()), "{row}");
        assert_ne!(row["household_id"], foreign.id);
    }

    let address = |h: &domain::model::Household| app.m.addresses[(h.address_id - 1) as usize].clone();
    let own = address(h);
    let query = format!("/api/v1/households?postcode={}&house_number={}", own.postcode.display().replace(' ', "%20"), own.house_number);
    let (status, body) = api(&app, "GET", &query, &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["households"].as_array().unwrap().iter().any(|x| x["id"] == h.id), "{body}");
    let other = address(foreign);
    let (status, body) = api(&app, "GET", &format!("/api/v1/households?postcode={}&house_number={}", other.postcode.display().replace(' ', ""), other.house_number), &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["households"].as_array().unwrap().iter().all(|x| x["id"] != foreign.id), "another team's household is not found");
    let (status, body) = api(&app, "GET", "/api/v1/households?postcode=1234AB", &token, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"].as_array().unwrap().iter().any(|f| f["field"] == "huisnummer"));
}

/// The first-visit brief (issue 5): before the first visit the worker sees the reason, safety,
/// approach, language and who lives there, not the history; the full file is one step away and
/// that step is in the audit trail; once the household is reached, the file is the page.
#[tokio::test]
async fn before_a_first_visit_the_brief_hides_the_history_until_asked() {
    let app = app("brief").await;
    let worker = app.store.user_by_username(app.worker()).await.unwrap().unwrap();
    let actor = worker.actor();
    let access = store::Access { actor: &actor, route: "test", now: NOW };
    let mut due = None;
    for h in app.m.households.iter().filter(|h| app.m.signal_cases.iter().any(|c| c.household_id == h.id)) {
        if let Ok(Some(b)) = app.store.first_visit_brief(&access, h.id).await {
            due = Some(b);
            break;
        }
    }
    let brief = due.expect("the test town has a household the team decided to visit");
    let (session, csrf) = app.login(app.worker()).await;
    let path = format!("/huishoudens/{}", brief.household_id);
    let audited = || async { app.store.counts().await.unwrap().audit_events };

    let before = audited().await;
    let (status, _, page) = app.get(&path, &session).await;
    assert_eq!(status, StatusCode::OK);
    for text in ["Eerste bezoek", "Waarom we gaan", "Veiligheid en aanpak", "Taal en cultuur", "Wie er wonen", "Volledig dossier openen", "Contactpoging vastleggen", brief.why_go.as_str()] {
        assert!(page.contains(&text.replace('\'', "&#x27;")) || page.contains(text), "{text}");
    }
    assert!(!page.contains("Contactgeschiedenis") && !page.contains("Trajecten"), "no history before the first visit");
    assert_eq!(audited().await - before, 1, "the brief is one audit record");

    let before = audited().await;
    let (status, _, page) = app.get(&format!("{path}?dossier=volledig"), &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Contactgeschiedenis"), "the full file on request");
    assert_eq!(audited().await - before, 1);
    let (privacy, _) = app.login("privacy").await;
    let (_, _, trail) = app.get(&format!("/privacy?huishouden={}&gebruiker=&gebeurtenis=household.read&dagen=1", brief.household_id), &privacy).await;
    assert!(trail.contains("volledig dossier") && trail.contains(app.worker()), "opening the full file is in the audit trail, with the worker");

    // Language and culture: validated, then in the brief.
    let (status, _, page) = app.post_form(&format!("{path}/taal"), &session, &[("taal", &"x".repeat(61)), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Taal: hoogstens 60 tekens."));
    let (status, _, _) = app.post_form(&format!("{path}/taal"), &session, &[("taal", "Arabisch"), ("tolk", "ja"), ("cultuur", "Eerst de oudste zoon bellen"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.get(&path, &session).await;
    assert!(page.contains("Eerste bezoek") && page.contains("Arabisch") && page.contains("Eerst de oudste zoon bellen"));

    // A failed first try keeps the brief; reaching the household ends it.
    let (status, _, _) = app.post_form(&format!("{path}/contact"), &session, &[("soort", "huisbezoek"), ("uitkomst", "niet-thuis"), ("dagdeel", "ochtend"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(app.get(&path, &session).await.2.contains("Eerste bezoek"));
    let (status, _, _) = app.post_form(&format!("{path}/contact"), &session, &[("soort", "huisbezoek"), ("uitkomst", "gesproken"), ("dagdeel", "ochtend"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.get(&path, &session).await;
    assert!(!page.contains("Eerste bezoek") && page.contains("Contactgeschiedenis"), "after the first contact, the file");
}

/// The case page (issue 5) through the real router: opening a case from the household page,
/// goals, steps, a ZRM assessment of the relevant domains only (the chart and its table), the
/// network and a referral; every bad form is a 422 naming the field that writes nothing.
#[tokio::test]
async fn a_case_with_goals_zrm_network_and_a_referral_through_the_pages() {
    let app = app("case-page").await;
    let (session, csrf) = app.login(app.worker()).await;
    let h = app
        .m
        .households
        .iter()
        .find(|h| app.m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&app.m.teams[0].wijk) && !app.m.cases.iter().any(|c| c.household_id == h.id && c.closed.is_none()))
        .unwrap();
    let path = format!("/huishoudens/{}", h.id);
    let (_, _, page) = app.get(&format!("{path}?dossier=volledig"), &session).await;
    assert!(page.contains("Traject openen"));
    let audit = || async { app.store.counts().await.unwrap().audit_events };

    let before = audit().await;
    let (status, _, page) = app.post_form(&format!("{path}/traject"), &session, &[("domein", "financien"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Model: kies minstens één model"), "the missing model is named");
    assert_eq!(audit().await, before + 1, "nothing written but the household page's read");
    let (status, headers, _) = app
        .post_form(&format!("{path}/traject"), &session, &[("model", "hulp"), ("domein", "financien"), ("domein", "huisvesting"), ("doel", "Rust in mijn hoofd"), ("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    let case_path = location.split('?').next().unwrap().to_string();
    assert!(case_path.starts_with("/trajecten/"), "{location}");
    let (status, _, page) = app.get(&location, &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Het traject is geopend.") && page.contains("“Rust in mijn hoofd”") && page.contains("Vertrouwen opbouwen"));
    assert!(page.contains("Nog geen ZRM-scores."));

    // ZRM: a relevant domain is scored and drawn; a domain outside the case's purpose is refused.
    let (status, _, _) = app.post_form(&format!("{case_path}/zrm"), &session, &[("zrm-financien", "2"), ("zrm-huisvesting", ""), ("zrm-datum", ""), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, page) = app.post_form(&format!("{case_path}/zrm"), &session, &[("zrm-justitie", "3"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Justitie hoort niet bij de doelen van dit traject"), "refused with the reason");
    assert!(page.contains("role=\"img\" aria-label=\"Financiën: 28-11-2026 2\""), "the chart says what it shows");
    assert_eq!(page.matches("<tr class=\"utrecht-table__row\"><th class=\"utrecht-table__cell\" scope=\"row\">").count(), 1, "one assessment, not two");

    // A step needs who does it; the network; a referral with its warm handover.
    let (status, _, page) = app.post_form(&format!("{case_path}/stap"), &session, &[("stap", "Samen naar de bank"), ("wie", ""), ("stap-datum", "2026-12-01"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Wie doet het: vul dit in"));
    let (status, _, _) = app.post_form(&format!("{case_path}/stap"), &session, &[("stap", "Samen naar de bank"), ("wie", "Bewoner"), ("stap-datum", "2026-12-01"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = app.post_form(&format!("{case_path}/netwerk"), &session, &[("rol", "buur"), ("netwerk-naam", "Mevrouw Bakker"), ("netwerk-relatie", "Buurvrouw"), ("netwerk-bereik", ""), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let referral = |handover: &'static str| {
        vec![("naar", "schuldhulp"), ("organisatie", "Kredietbank"), ("verwijsreden", "Achterstanden bij drie partijen"), ("verwezen-op", "2026-11-28"), ("overdracht-op", handover), ("nagaan-elke", "14")]
    };
    let mut form = referral("2026-11-20");
    form.push(("csrf", &csrf));
    let (status, _, page) = app.post_form(&format!("{case_path}/verwijzing"), &session, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Warme overdracht: plan het gesprek op of na de verwijsdatum"));
    let mut form = referral("2026-12-02");
    form.push(("csrf", &csrf));
    let (status, _, _) = app.post_form(&format!("{case_path}/verwijzing"), &session, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.get(&case_path, &session).await;
    assert!(page.contains("Samen naar de bank") && page.contains("Mevrouw Bakker") && page.contains("Schuldhulpverlening: Kredietbank"));
    assert!(page.contains("16-12-2026 (elke 14 dagen)"), "the next check: 14 days after the handover");
    let (_, _, day) = app.get("/mijn-dag", &session).await;
    assert!(!day.contains(&format!("{case_path}#verwijzing-")), "not on mijn dag before its check is due");

    // The household page links to the case and offers no second one.
    let (_, _, page) = app.get(&format!("{path}?dossier=volledig"), &session).await;
    assert!(page.contains(&format!("href=\"{case_path}\"")) && !page.contains("<summary>Traject openen</summary>"));
    // Closing with "other" needs an explanation.
    let (status, _, page) = app.post_form(&format!("{case_path}/afsluiten"), &session, &[("reden", "anders"), ("toelichting", ""), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Toelichting: bij een andere reden is een toelichting verplicht."));
    // Another team's household: no case can be opened there.
    let foreign = app.household_of_team(1);
    let (status, _, _) = app.post_form(&format!("/huishoudens/{}/traject", foreign.id), &session, &[("model", "hulp"), ("domein", "financien"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The BAG-shaped address upload (issue 6): a file with a bad row stores nothing and names the
/// line and field; the corrected file adds its addresses, and a second upload adds none.
#[tokio::test]
async fn a_bag_address_file_is_imported_whole_or_not_at_all() {
    let app = app("bag").await;
    let (session, _) = app.login(app.worker()).await;
    let (_, _, page) = app.get("/adressen/importeren", &session).await;
    let csrf = hidden(&page, "csrf");
    let buurt = app.m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&app.m.teams[0].wijk)).unwrap().code.code();
    let upload = |file: &'static str| {
        let boundary = "eropafgrens";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"buurt\"\r\n\r\n{buurt}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"bag.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
        );
        Request::post("/adressen/importeren")
            .header(header::COOKIE, &session)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap()
    };
    let count = || async { app.store.inspect().await.unwrap().fetch_i64("SELECT COUNT(*) FROM addresses", &[]).await.unwrap() };
    let before = count().await;
    let bad = "street,number,letter,addition,postcode,city,x,y\nNieuwe Laan,1,,,9901 AA,Testdorp,155000,463000\nNieuwe Laan,2x,,,9901 AA,Testdorp,155010,463000\n";
    let (status, _, body) = app.send(upload(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("regel 3: veld number"), "the bad line and field are named");
    assert!(body.contains("Er is niets opgeslagen"));
    assert_eq!(count().await, before, "nothing stored");
    let good = "street,number,letter,addition,postcode,city,x,y\nNieuwe Laan,1,,,9901 AA,Testdorp,155000,463000\nNieuwe Laan,2,b,3,9901 AA,Testdorp,155010,463000\n";
    let (status, _, body) = app.send(upload(good)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("2 adressen toegevoegd, 0 waren al bekend."), "{body}");
    assert_eq!(count().await, before + 2);
    let (_, _, body) = app.send(upload(good)).await;
    assert!(body.contains("0 adressen toegevoegd, 2 waren al bekend."));
    assert_eq!(count().await, before + 2);
}
