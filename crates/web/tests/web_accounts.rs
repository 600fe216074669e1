//! Accounts on screen (issue 20) through the real router and a real SQLite database: a user
//! enrols the second factor with a QR code at the first login; the administrator makes
//! accounts (every bad field named), blocks them, clears a second factor, gives a one-time
//! password-reset code and partner organisations their API keys (shown once); only the
//! administrator reaches `/beheer`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::{header, StatusCode};
use common::*;
use domain::model::{OutreachModel, Role};
use store::audit::AuditFilter;

/// The password step as the form takes it: the status, where it sends the browser and the
/// session cookie it sets.
async fn password_step(app: &App, username: &str, password: &str) -> (StatusCode, String, Option<String>) {
    let (_, headers, body) = app.get("/inloggen", "").await;
    let cookie = format!("__Host-eropaf-login={}", set_cookie(&headers, "__Host-eropaf-login").unwrap());
    let (status, headers, _) = app.post_form("/inloggen", &cookie, &[("gebruikersnaam", username), ("wachtwoord", password), ("csrf", &hidden(&body, "csrf"))]).await;
    let location = headers.get(header::LOCATION).map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (status, location, set_cookie(&headers, "__Host-eropaf-session").map(|s| format!("__Host-eropaf-session={s}")))
}

fn location(headers: &axum::http::HeaderMap) -> &str {
    headers.get(header::LOCATION).map(|l| l.to_str().unwrap()).unwrap_or("")
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body.find(start).unwrap_or_else(|| panic!("{start} not in {body}")) + start.len();
    &body[from..from + body[from..].find(end).unwrap()]
}

/// The one-time secret on a page (a TOTP key, a reset code, an API key).
fn secret_on(page: &str) -> &str {
    between(page, "<code class=\"eropaf-secret\">", "</code>")
}

/// The administrator's session and the CSRF token of its pages.
async fn admin(app: &App) -> (String, String) {
    let (session, _) = app.login("beheer").await;
    let (status, _, page) = app.get("/beheer/accounts", &session).await;
    assert_eq!(status, StatusCode::OK);
    (session, hidden(&page, "csrf"))
}

async fn account_changes(app: &App) -> Vec<String> {
    let filter = AuditFilter { household_id: None, username: None, event: Some("account.change".into()), since: NOW - time::Duration::days(30) };
    app.store.audit_search(&filter, 100).await.unwrap().into_iter().filter_map(|r| r.reason).collect()
}

/// Gives the code of the enrolment page `page` (a fresh secret) and follows into Eropaf.
async fn enrol(app: &App, session: &str, page: &str) -> String {
    let secret: String = secret_on(page).split_whitespace().collect();
    let code = web::totp::code(&secret, NOW);
    let (status, headers, _) = app.post_form("/inloggen/code", session, &[("code", &code), ("csrf", &hidden(page, "csrf"))]).await;
    assert_eq!((status, location(&headers)), (StatusCode::SEE_OTHER, "/"));
    format!("__Host-eropaf-session={}", set_cookie(&headers, "__Host-eropaf-session").unwrap())
}

#[tokio::test]
async fn an_account_without_a_second_factor_enrols_one_with_a_qr_code_at_the_first_login() {
    let app = app("enrol").await;
    let worker = app.worker().to_string();
    let user = app.store.user_by_username(&worker).await.unwrap().unwrap();
    app.store.set_totp_secret(user.id, None).await.unwrap();

    let (status, to, session) = password_step(&app, &worker, PASSWORD).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/inloggen/code"), "the right password leads to the code step, not in");
    let session = session.unwrap();
    let (status, headers, _) = app.get("/mijn-dag", &session).await;
    assert_eq!((status, location(&headers)), (StatusCode::SEE_OTHER, "/inloggen/code"), "not in before the code");

    let (status, _, page) = app.get("/inloggen/code", &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Stel uw tweede factor in") && page.contains("<svg role=\"img\" aria-label=\"QR-code om Eropaf"), "{page}");
    assert!(!page.contains("<script") || page.matches("<script").count() == 1, "no script beyond the shared htmx include");
    let pending = app.store.pending_totp(user.id, "NIETGEBRUIKT").await.unwrap().unwrap();
    assert_ne!(pending, "NIETGEBRUIKT", "the secret was made once, when the page was first shown");
    assert_eq!(secret_on(&page), web::totp::grouped(&pending), "the secret as text in groups of four");
    // The QR code is that of the otpauth URI with this secret (same text, same modules).
    let expected = web::totp::qr_svg(&format!("otpauth://totp/Eropaf:{worker}?secret={pending}&issuer=Eropaf"), "x").unwrap();
    assert_eq!(between(&page, " d=\"", "\""), between(&expected, " d=\"", "\""));
    let (_, _, reload) = app.get("/inloggen/code", &session).await;
    assert_eq!(secret_on(&reload), secret_on(&page), "a reload shows the same secret");

    // A wrong code: the same enrolment again, with the field's error.
    let right = web::totp::code(&pending, NOW);
    let wrong = if right == "123456" { "654321" } else { "123456" };
    let csrf = hidden(&page, "csrf");
    let (status, _, refused) = app.post_form("/inloggen/code", &session, &[("code", wrong), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("Code: deze code klopt niet") && refused.contains("aria-invalid=\"true\"") && secret_on(&refused) == secret_on(&page), "{refused}");
    assert_eq!(app.store.totp_secret(user.id).await.unwrap(), None, "nothing enrolled yet");

    // The right code: enrolled, audited, and in with a full session.
    let (status, headers, _) = app.post_form("/inloggen/code", &session, &[("code", &right), ("csrf", &csrf)]).await;
    assert_eq!((status, location(&headers)), (StatusCode::SEE_OTHER, "/"));
    let full = format!("__Host-eropaf-session={}", set_cookie(&headers, "__Host-eropaf-session").unwrap());
    assert_eq!(app.get("/mijn-dag", &full).await.0, StatusCode::OK);
    assert_eq!(app.get("/mijn-dag", &session).await.0, StatusCode::SEE_OTHER, "the password-only session is gone");
    let (secret, step) = app.store.totp_secret(user.id).await.unwrap().unwrap();
    assert_eq!((secret.as_str(), step), (pending.as_str(), Some(web::totp::step_of(NOW))), "the confirming code's step is used");
    assert_eq!(app.store.pending_totp(user.id, "X").await.unwrap(), None);
    assert!(account_changes(&app).await.iter().any(|r| r == &format!("account {}: tweede factor ingesteld door de gebruiker", user.id)));

    // The next login asks for a code as usual.
    let (status, to, session) = password_step(&app, &worker, PASSWORD).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/inloggen/code"));
    let (_, _, page) = app.get("/inloggen/code", &session.unwrap()).await;
    assert!(page.contains("Vul uw code in") && !page.contains("<svg"), "{page}");
}

#[tokio::test]
async fn the_admin_makes_an_account_naming_every_bad_field_and_its_user_sets_password_and_second_factor() {
    let app = app("new-account").await;
    let (admin, csrf) = admin(&app).await;
    let (status, _, form) = app.get("/beheer/accounts/nieuw", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Outreachend werker") && form.contains(&app.m.teams[0].name) && form.contains("Presentiemodel"), "Dutch labels, the teams, the models");
    let team = app.m.teams[0].id.to_string();
    let users_before = app.store.counts().await.unwrap().users;

    let post = |fields: Vec<(&'static str, String)>| post_with_csrf(&app, "/beheer/accounts/nieuw", &admin, &csrf, fields);
    let (status, _, body) = post(vec![("gebruikersnaam", "Jan de Vries".into()), ("naam", " ".into()), ("rol", String::new())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["Gebruikersnaam: 2 tot 64 tekens", "Naam: vul de naam in", "Rol: maak een keuze."] {
        assert!(body.contains(message), "{message}: {body}");
    }
    assert!(body.contains("href=\"#gebruikersnaam\"") && body.contains("value=\"Jan de Vries\""), "the summary links to the field, which keeps what was typed");

    let (status, _, body) = post(vec![("gebruikersnaam", "j.devries".into()), ("naam", "Jan de Vries".into()), ("rol", "worker".into())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a worker without a team is refused");
    assert!(body.contains("Team: een werker, teamleider of ervaringsdeskundige hoort bij een team; kies het team.") && body.contains("href=\"#team\""), "{body}");

    let (status, _, body) = post(vec![("gebruikersnaam", "p.officer".into()), ("naam", "P".into()), ("rol", "privacy-officer".into()), ("team", team.clone()), ("model", "hulp".into())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Team: alleen een werker, teamleider of ervaringsdeskundige") && body.contains("Outreachmodellen: alleen voor een werker of teamleider."), "{body}");
    let (_, _, body) = post(vec![("gebruikersnaam", "p.partner".into()), ("naam", "P".into()), ("rol", "partner".into())]).await;
    assert!(body.contains("Partnerorganisatie: een partneraccount hoort bij een organisatie"), "{body}");
    let (status, _, body) = post(vec![("gebruikersnaam", app.worker().into()), ("naam", "Dubbel".into()), ("rol", "worker".into()), ("team", team.clone())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Gebruikersnaam: een account met deze naam bestaat al."), "{body}");
    assert_eq!(app.store.counts().await.unwrap().users, users_before, "a refused form makes no account");

    let (status, _, body) = post(vec![
        ("gebruikersnaam", "j.devries".into()),
        ("naam", "Jan de Vries".into()),
        ("rol", "worker".into()),
        ("team", team.clone()),
        ("model", "hulp".into()),
        ("model", "presentie".into()),
    ])
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body.contains("Account aangemaakt") && body.contains("Herstelcode voor <strong>j.devries</strong>"), "{body}");
    let code = secret_on(&body).to_string();
    assert_eq!(code.len(), 14, "{code}");
    let user = app.store.user_by_username("j.devries").await.unwrap().unwrap();
    assert_eq!((user.role, user.team_id, user.models.clone()), (Role::Worker, Some(app.m.teams[0].id), vec![OutreachModel::Hulp, OutreachModel::Presentie]));
    let row = app.store.list_accounts().await.unwrap().into_iter().find(|a| a.id == user.id).unwrap();
    assert!(!row.can_log_in && !row.second_factor, "no password, no second factor yet");
    let changes = account_changes(&app).await;
    assert!(changes.iter().any(|r| r == &format!("account {}: nieuw, rol worker, team {team}", user.id)), "{changes:?}");
    assert!(changes.iter().all(|r| !r.contains("j.devries") && !r.contains("Jan") && !r.contains(&code)), "no names or codes in the trail");

    // The user sets a password with the code, then enrols the second factor and is in.
    let password = "de fiets staat bij de molen";
    let (status, to) = redeem(&app, "j.devries", &code, password, password).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/inloggen?hersteld=ja"));
    let (_, _, login) = app.get("/inloggen?hersteld=ja", "").await;
    assert!(login.contains("Uw wachtwoord is ingesteld."));
    let (status, to, session) = password_step(&app, "j.devries", password).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/inloggen/code"));
    let session = session.unwrap();
    let (_, _, page) = app.get("/inloggen/code", &session).await;
    let full = enrol(&app, &session, &page).await;
    let (status, _, day) = app.get("/mijn-dag", &full).await;
    assert_eq!(status, StatusCode::OK);
    assert!(day.contains("Jan de Vries"));
}

async fn post_with_csrf(app: &App, path: &str, session: &str, csrf: &str, fields: Vec<(&'static str, String)>) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf)];
    form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    app.post_form(path, session, &form).await
}

/// The reset form as a browser sends it: the status and where it sends the browser.
async fn redeem(app: &App, username: &str, code: &str, password: &str, again: &str) -> (StatusCode, String) {
    let (status, to, _) = redeem_page(app, username, code, password, again).await;
    (status, to)
}

async fn redeem_page(app: &App, username: &str, code: &str, password: &str, again: &str) -> (StatusCode, String, String) {
    let (status, headers, body) = app.get("/inloggen/herstellen", "").await;
    assert_eq!(status, StatusCode::OK);
    let cookie = format!("__Host-eropaf-login={}", set_cookie(&headers, "__Host-eropaf-login").unwrap());
    let form = [("gebruikersnaam", username), ("code", code), ("wachtwoord", password), ("herhaling", again), ("csrf", &hidden(&body, "csrf"))];
    let (status, headers, body) = app.post_form("/inloggen/herstellen", &cookie, &form).await;
    (status, location(&headers).to_string(), body)
}

#[tokio::test]
async fn a_reset_code_sets_a_new_password_once_within_a_day_and_ends_the_old_one() {
    let app = app("reset").await;
    let worker = app.worker().to_string();
    let user = app.store.user_by_username(&worker).await.unwrap().unwrap();
    let (worker_session, _) = app.login(&worker).await;
    let (admin, csrf) = admin(&app).await;
    let (_, _, login) = app.get("/inloggen", "").await;
    assert!(login.contains("href=\"/inloggen/herstellen\">Wachtwoord instellen met een herstelcode"));

    let id = user.id.to_string();
    let issue = || post_with_csrf(&app, "/beheer/accounts", &admin, &csrf, vec![("account", id.clone()), ("actie", "herstelcode".into())]);
    let (status, headers, page) = issue().await;
    assert_eq!(status, StatusCode::OK, "the code is shown on the answer itself, not after a redirect");
    assert!(headers.get(header::LOCATION).is_none() && page.contains("Herstelcode gemaakt"));
    let first = secret_on(&page).to_string();
    let (_, _, page) = issue().await;
    let code = secret_on(&page).to_string();
    assert_ne!(code, first);
    let (_, _, list) = app.get("/beheer/accounts", &admin).await;
    assert!(!list.contains(&code), "never shown again");

    // One refusal for a voided code, a wrong code and a wrong name; nothing changes.
    let new = "Tulpenbollen-in-2024-geplant";
    let (s1, _, b1) = redeem_page(&app, &worker, &first, new, new).await;
    let (s2, _, b2) = redeem_page(&app, &worker, "ABCD-EFGH-JKMN", new, new).await;
    let (s3, _, b3) = redeem_page(&app, "niemand", &code, new, new).await;
    assert_eq!((s1, s2, s3), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert!(b1.contains("De gebruikersnaam of de herstelcode klopt niet, of de code is verlopen of al gebruikt."));
    let same = |b: &str, name: &str| b.replace(name, "X").replace(&hidden(b, "csrf"), "T");
    assert_eq!(same(&b1, &worker), same(&b2, &worker));
    assert_eq!(same(&b1, &worker), same(&b3, "niemand"));
    // The new password's rules first, as on the command line.
    let (status, _, body) = redeem_page(&app, &worker, &code, new, "iets anders dan dat").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("de twee wachtwoorden zijn niet gelijk"), "{body}");
    let (_, _, body) = redeem_page(&app, &worker, &code, "Welkom2024!!", "Welkom2024!!").await;
    assert!(body.contains("Nieuw wachtwoord: dit wachtwoord staat op de lijst"), "{body}");
    let (_, _, body) = redeem_page(&app, &worker, &code, "kort", "kort").await;
    assert!(body.contains("Nieuw wachtwoord: een wachtwoord heeft minstens 12 tekens"), "{body}");
    assert_eq!(password_step(&app, &worker, PASSWORD).await.0, StatusCode::SEE_OTHER, "the old password still works until the code is used");

    // Typed loosely (lower case, spaces for dashes), the code works once.
    let typed = code.to_lowercase().replace('-', " ");
    assert_eq!(redeem(&app, &worker, &typed, new, new).await, (StatusCode::SEE_OTHER, "/inloggen?hersteld=ja".to_string()));
    assert_eq!(app.get("/mijn-dag", &worker_session).await.0, StatusCode::SEE_OTHER, "every session of the account ended");
    assert_eq!(password_step(&app, &worker, PASSWORD).await.0, StatusCode::UNAUTHORIZED, "the old password no longer works");
    assert_eq!(password_step(&app, &worker, new).await.1, "/inloggen/code", "the new one does");
    assert_eq!(redeem(&app, &worker, &code, "een ander nieuw wachtwoord", "een ander nieuw wachtwoord").await.0, StatusCode::UNAUTHORIZED, "used once");

    // A code from more than a day ago no longer works.
    let old = "WXYZ-2345-6789";
    let yesterday = store::Setup::Cli { command: "test", now: NOW - time::Duration::hours(25) };
    app.store.start_password_reset(&yesterday, user.id, &web::auth::secret_hash(&web::auth::normalize_reset_code(old))).await.unwrap();
    assert_eq!(redeem(&app, &worker, old, "weer een nieuw wachtwoord", "weer een nieuw wachtwoord").await.0, StatusCode::UNAUTHORIZED, "expired");
    let changes = account_changes(&app).await;
    assert!(changes.iter().any(|r| r == &format!("account {}: wachtwoord ingesteld met een herstelcode", user.id)), "{changes:?}");
}

#[tokio::test]
async fn the_admin_blocks_and_unblocks_an_account_and_clears_a_second_factor() {
    let app = app("block").await;
    let worker = app.worker().to_string();
    let user = app.store.user_by_username(&worker).await.unwrap().unwrap();
    let (worker_session, _) = app.login(&worker).await;
    let token = api_token(&app, &worker).await;
    let (admin, csrf) = admin(&app).await;
    let id = user.id.to_string();
    let act = |actie: &'static str, account: String, csrf: String| {
        let (app, admin) = (&app, admin.clone());
        async move { post_with_csrf(app, "/beheer/accounts", &admin, &csrf, vec![("account", account), ("actie", actie.into())]).await }
    };

    assert_eq!(act("blokkeren", id.clone(), "fout".into()).await.0, StatusCode::BAD_REQUEST, "a wrong CSRF token is refused");
    assert_eq!(act("blokkeren", "999999".into(), csrf.clone()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(act("opheffen", id.clone(), csrf.clone()).await.0, StatusCode::NOT_FOUND, "no such action");
    assert_eq!(app.get("/mijn-dag", &worker_session).await.0, StatusCode::OK);

    let (status, headers, _) = act("blokkeren", id.clone(), csrf.clone()).await;
    assert_eq!((status, location(&headers)), (StatusCode::SEE_OTHER, format!("/beheer/accounts?gedaan=geblokkeerd#account-{id}").as_str()));
    assert_eq!(app.get("/mijn-dag", &worker_session).await.0, StatusCode::SEE_OTHER, "the session ended at once");
    assert_eq!(api(&app, "GET", "/api/v1/households/999999", &token, None).await.0, StatusCode::UNAUTHORIZED, "and the API token stopped working");
    assert_eq!(password_step(&app, &worker, PASSWORD).await.0, StatusCode::UNAUTHORIZED, "a blocked account does not log in");
    let (_, _, list) = app.get("/beheer/accounts?gedaan=geblokkeerd", &admin).await;
    assert!(list.contains("Het account is geblokkeerd") && list.contains(&format!("Deblokkeren<span class=\"eropaf-visually-hidden\"> {worker}</span>")), "{list}");

    let own = app.store.user_by_username("beheer").await.unwrap().unwrap().id.to_string();
    let (status, _, body) = act("blokkeren", own, csrf.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("U kunt uw eigen account niet blokkeren."));

    assert_eq!(act("deblokkeren", id.clone(), csrf.clone()).await.0, StatusCode::SEE_OTHER);
    let (session, _) = app.login(&worker).await;
    assert_eq!(app.get("/mijn-dag", &session).await.0, StatusCode::OK, "unblocked, the account logs in again");

    // A new second factor: the old one and the sessions go; the next login enrols again.
    let (status, headers, _) = act("tweede-factor", id.clone(), csrf.clone()).await;
    assert_eq!((status, location(&headers)), (StatusCode::SEE_OTHER, format!("/beheer/accounts?gedaan=tweede-factor#account-{id}").as_str()));
    assert_eq!(app.get("/mijn-dag", &session).await.0, StatusCode::SEE_OTHER);
    assert_eq!(app.store.totp_secret(user.id).await.unwrap(), None);
    let (_, to, pending) = password_step(&app, &worker, PASSWORD).await;
    assert_eq!(to, "/inloggen/code");
    let (_, _, page) = app.get("/inloggen/code", &pending.unwrap()).await;
    assert!(page.contains("Stel uw tweede factor in") && !page.contains(TOTP_SECRET), "a new secret to enrol");

    let changes = account_changes(&app).await;
    for what in ["geblokkeerd", "gedeblokkeerd", "tweede factor gewist, opnieuw in te stellen"] {
        assert!(changes.iter().any(|r| r == &format!("account {id}: {what}")), "{what}: {changes:?}");
    }
}

#[tokio::test]
async fn a_partner_key_is_shown_once_and_a_new_one_retires_the_old() {
    let app = app("partner-keys").await;
    let (admin, csrf) = admin(&app).await;
    let (status, _, page) = app.get("/beheer/partners", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&app.m.partners[0].name) && page.contains("Woningcorporatie (huur)"), "the organisations with their DDAS type");

    let (status, _, body) = app.post_form("/beheer/partners/nieuw", &admin, &[("csrf", &csrf), ("naam", ""), ("soort", "bakker")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Naam: vul dit veld in.") && body.contains("Soort (DDAS): maak een keuze."), "{body}");
    let (_, _, body) = app.post_form("/beheer/partners/nieuw", &admin, &[("csrf", &csrf), ("naam", &app.m.partners[0].name), ("soort", "huur")]).await;
    assert!(body.contains("Naam: een organisatie met deze naam bestaat al."), "{body}");
    let (status, headers, _) = app.post_form("/beheer/partners/nieuw", &admin, &[("csrf", &csrf), ("naam", "Woonstede Noord"), ("soort", "huur")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let partner = app.store.partner_id_by_name("Woonstede Noord").await.unwrap().unwrap();
    assert_eq!(location(&headers), format!("/beheer/partners?toegevoegd={partner}#partner-{partner}"));

    let id = partner.to_string();
    let new_key = || post_with_csrf(&app, "/beheer/partners/sleutel", &admin, &csrf, vec![("partner", id.clone())]);
    let (status, _, page) = new_key().await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Nieuwe API-sleutel voor Woonstede Noord"), "{page}");
    let first = secret_on(&page).to_string();
    let submit = |key: String| {
        let app = &app;
        async move { api(app, "POST", "/api/v1/signals", &key, Some(serde_json::json!({}))).await.0 }
    };
    assert_ne!(submit(first.clone()).await, StatusCode::UNAUTHORIZED, "the key opens the API");
    let (_, _, list) = app.get("/beheer/partners", &admin).await;
    assert!(!list.contains(&first) && list.contains("werkt tot"), "the key is never shown again");

    let (_, _, page) = new_key().await;
    let second = secret_on(&page).to_string();
    assert_ne!(second, first);
    assert_eq!(submit(first.clone()).await, StatusCode::UNAUTHORIZED, "the earlier key stops working at once");
    assert_ne!(submit(second.clone()).await, StatusCode::UNAUTHORIZED);

    let filter = AuditFilter { household_id: None, username: None, event: Some("partner.change".into()), since: NOW - time::Duration::days(1) };
    let trail: Vec<String> = app.store.audit_search(&filter, 10).await.unwrap().into_iter().filter_map(|r| r.reason).collect();
    assert_eq!(trail.len(), 3, "{trail:?}");
    assert!(trail.iter().any(|r| r.starts_with(&format!("partner {partner}: nieuw, type huur"))), "{trail:?}");
    assert!(trail.iter().all(|r| !r.contains(&first) && !r.contains(&second) && !r.contains("Woonstede")), "{trail:?}");
}

/// Every route under /beheer answers 403 to every other role (and sends the anonymous to the
/// login page); the administrator's pages open.
#[tokio::test]
async fn only_the_administrator_reaches_beheer() {
    let app = app("beheer-403").await;
    let worker = app.worker().to_string();
    let lead = app.team_lead().to_string();
    let mut others = Vec::new();
    for user in [worker.as_str(), lead.as_str(), "partner", "privacy"] {
        others.push((user, app.login(user).await.0));
    }
    let routes: Vec<_> = web::page_routes().into_iter().filter(|r| r.path.starts_with("/beheer")).collect();
    assert!(routes.len() >= 6, "{}", routes.len());
    for route in &routes {
        let path = route.path.replace("{id}", "1");
        for method in route.methods {
            for (user, session) in &others {
                let (status, _, _) = if *method == "GET" { app.get(&path, session).await } else { app.post_form(&path, session, &[("csrf", "x")]).await };
                assert_eq!(status, StatusCode::FORBIDDEN, "{method} {} as {user}", route.path);
            }
            let (status, headers, _) = if *method == "GET" { app.get(&path, "").await } else { app.post_form(&path, "", &[("csrf", "x")]).await };
            assert_eq!((status, location(&headers)), (StatusCode::SEE_OTHER, "/inloggen"), "{method} {} without login", route.path);
        }
    }
    let (admin, _) = admin(&app).await;
    for page in ["/beheer", "/beheer/accounts", "/beheer/accounts/nieuw", "/beheer/partners"] {
        assert_eq!(app.get(page, &admin).await.0, StatusCode::OK, "{page}");
    }
    let (_, _, home) = app.get("/beheer", &admin).await;
    for link in ["/beheer/accounts", "/beheer/partners", "/beheer/gebieden", "/beheer/teams"] {
        assert!(home.contains(&format!("href=\"{link}\"")), "{link}");
    }
}
