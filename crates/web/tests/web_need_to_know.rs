//! Need-to-know per field through the real router (issue 21): every page route × every role
//! (and no login), on the household, its signal case and its case, and the sensitive texts — a
//! domestic-violence concern, the weighing of that case, a contact note and a case goal marked
//! sensitive — appear only for the worker on the case and the team lead. A colleague of the
//! wijk sees "Vertrouwelijk" with whom to call and breaks the glass with a reason; an
//! experience expert reaches only the household assigned to them. The JSON API's endpoints are
//! walked the same way with every account's token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::{header, StatusCode};
use common::*;
use domain::model::{Approach, Companion, ContactKind, ContactOutcome, Decision, Ground, OutreachModel, PartnerType, Role, Safety, Sensitive, SignalChannel};
use domain::{HouseNumber, PersonName, Postcode};
use store::{Access, Actor, NewUser};
use time::macros::date;

const CONCERN: &str = "Geheimzorg over geweld thuis";
const WEIGHING: &str = "Geheimweging kinderen in huis";
const NOTE: &str = "Geheimnotitie behandeling GGZ";
const GOAL: &str = "Geheimdoel afkicken met steun";
const SECRETS: [&str; 4] = [CONCERN, WEIGHING, NOTE, GOAL];

struct Setup {
    household: i64,
    signal_case: i64,
    case: i64,
}

async fn setup(app: &App, worker: &Actor, lead: &Actor, partner: i64) -> Setup {
    let at = |actor| Access { actor, route: "test", now: NOW };
    let buurt = app.m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&app.m.teams[0].wijk)).unwrap();
    let new = store::residents::NewHousehold {
        street: "Vertrouwenstraat".into(),
        house_number: HouseNumber::parse("7").unwrap(),
        postcode: Postcode::parse("9997 AB").unwrap(),
        locality: "Testdorp".into(),
        buurt_code: buurt.code.code(),
        name: PersonName::parse("Noor", "", "Veilig").unwrap(),
        birth_date: date!(1985 - 03 - 02),
        bsn: None,
        phone: None,
    };
    // Registered as on the page: the running app's linker learns the resident at once.
    let household = app.store.create_household(&at(worker), &new).await.unwrap();
    app.store.learn_household(&app.linker, household).await.unwrap();
    let fields: std::collections::HashMap<&str, String> = [
        ("signaaldatum", "2026-11-27"), ("soort", "huiselijk-geweld"), ("zorg", CONCERN), ("crisissignaal", "nee"), ("warme_overdracht", "nee"),
        ("voorletters", "N."), ("voornaam", "Noor"), ("achternaam", "Veilig"), ("geboortedatum", "1985-03-02"),
        ("straatnaam", "Vertrouwenstraat"), ("huisnummer", "7"), ("postcode", "9997AB"), ("plaatsnaam", "Testdorp"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();
    let signal = domain::signal::parse_signal(&|k| fields.get(k).cloned(), Some(PartnerType::Huur), NOW.date()).unwrap();
    let source = store::signals::Source::Partner { partner_id: partner, channel: SignalChannel::Formulier };
    let intake = app.store.intake_signal(&at(lead), &app.linker, &source, &signal).await.unwrap();
    assert_eq!(intake.household_id, Some(household));
    let signal_case = intake.signal_case_id.unwrap();
    let w = store::signals::Weighing {
        grounds: vec![Ground::SchadeZelf],
        why_go: WEIGHING.into(),
        why_not: None,
        proportionality: "Een aangekondigd bezoek met een aanbod van hulp.".into(),
        safety: Safety::GeenSignalen,
        models: vec![OutreachModel::Hulp],
        approach: Approach::Aangekondigd,
        companion: Companion::Alleen,
        decision: Decision::Gaan,
        worker_id: Some(worker.user_id),
        review_on: None,
        closing: None,
    };
    app.store.weigh_signal_case(&at(lead), signal_case, &w).await.unwrap();
    let attempt = store::contact::NewAttempt { household_id: household, kind: ContactKind::Telefoon, at: NOW, day_part: None, outcome: ContactOutcome::GeenReactie, note: Some(NOTE), crisis_reason: None };
    app.store.log_contact_attempt_marked(&at(worker), &attempt, &[Sensitive::Psychiatrie]).await.unwrap();
    let new = store::cases::NewCase { household_id: household, opened: NOW.date(), models: vec![OutreachModel::Hulp], domains: vec![domain::case::ZrmDomain::Middelengebruik], goal: Some(GOAL) };
    let case = app.store.open_case(&at(worker), &new).await.unwrap();
    app.store.mark_case_sensitive(&at(worker), case, &[Sensitive::Verslaving]).await.unwrap();
    Setup { household, signal_case, case }
}

async fn account(app: &App, username: &str, role: Role) -> i64 {
    let hash = web::auth::hash_password(PASSWORD).unwrap();
    let new = NewUser { username: username.into(), display_name: format!("{username} naam"), role, team_id: Some(app.m.teams[0].id), partner_id: None, models: vec![] };
    let id = app.store.create_user(&new, Some(&hash), NOW).await.unwrap();
    app.store.set_totp_secret(id, Some(TOTP_SECRET)).await.unwrap();
    id
}

/// The first team's worker and team lead as actors, and a colleague of the wijk (another
/// worker, not on the case) who can log in by username.
async fn team_of(app: &App) -> (Actor, Actor, String) {
    let team = Some(app.m.teams[0].id);
    let actor_of = |username: &str, role| {
        let w = app.m.workers.iter().find(|w| w.username == username).unwrap();
        Actor { user_id: w.id, role, team_id: team, partner_id: None }
    };
    let colleague = app.m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == team && w.username != app.worker()).unwrap();
    app.store.set_password_hash(colleague.id, &web::auth::hash_password(PASSWORD).unwrap()).await.unwrap();
    app.store.set_totp_secret(colleague.id, Some(TOTP_SECRET)).await.unwrap();
    (actor_of(app.worker(), Role::Worker), actor_of(app.team_lead(), Role::TeamLead), colleague.username.clone())
}

#[tokio::test]
async fn sensitive_data_never_reaches_a_reader_who_may_not_read_it_on_any_route() {
    let app = app("need-to-know").await;
    let (worker, lead, colleague) = team_of(&app).await;
    let expert = account(&app, "ervaring1", Role::ExperienceExpert).await;
    account(&app, "ervaring2", Role::ExperienceExpert).await;
    let s = setup(&app, &worker, &lead, app.m.partners[0].id).await;
    app.store.assign_expert(&Access { actor: &worker, route: "test", now: NOW }, s.household, expert).await.unwrap();

    let mut who: Vec<(Option<Role>, String, String, bool)> = vec![(None, String::new(), String::new(), false)];
    for (role, user, may_read) in [
        (Role::Worker, app.worker(), true),
        (Role::TeamLead, app.team_lead(), true),
        (Role::Worker, colleague.as_str(), false),
        (Role::ExperienceExpert, "ervaring1", false),
        (Role::ExperienceExpert, "ervaring2", false),
        (Role::Partner, "partner", false),
        (Role::PrivacyOfficer, "privacy", false),
        (Role::Admin, "beheer", false),
    ] {
        let (session, _) = app.login(user).await;
        let (_, headers, _) = app.get("/", &session).await;
        let (_, _, page) = app.get(headers.get(header::LOCATION).unwrap().to_str().unwrap(), &session).await;
        let csrf = if page.contains("name=\"csrf\"") { hidden(&page, "csrf") } else { String::new() };
        who.push((Some(role), session, csrf, may_read));
    }
    // The file as the worker on the case reads it, so the walk below is not vacuous.
    let full = format!("/huishoudens/{}?dossier=volledig", s.household);
    let (status, _, body) = app.get(&full, &who[1].1).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(CONCERN) && body.contains(NOTE), "the worker on the case reads it");
    let (_, _, body) = app.get(&format!("/trajecten/{}", s.case), &who[2].1).await;
    assert!(body.contains(GOAL), "the team lead reads the case");
    // The colleague: the case, whom to call, the break-the-glass form; not the content.
    let (status, _, body) = app.get(&full, &who[3].1).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Vertrouwelijk: alleen voor de betrokken werker") && body.contains("/vertrouwelijk"), "{body}");
    let worker_name = &app.m.workers.iter().find(|w| w.username == app.worker()).unwrap().display_name;
    assert!(body.contains(worker_name.as_str()), "whom to call");
    // The expert not assigned: not found; the assigned one: the household, not the content.
    assert_eq!(app.get(&full, &who[5].1).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&full, &who[4].1).await.0, StatusCode::OK);

    let mut routes = web::page_routes();
    routes.sort_by_key(|r| r.path == "/uitloggen");
    let mut checked = 0;
    for id in [s.household, s.signal_case, s.case] {
        for route in &routes {
            let path = route.path.replace("{id}", &id.to_string()).replace("{name}", "theme.css").replace("{actie}", "doel").replace("{deur}", "1");
            let paths = if route.path == "/huishoudens/{id}" { vec![path.clone(), format!("{path}?dossier=volledig")] } else { vec![path] };
            for path in paths {
                for method in route.methods {
                    for (role, cookie, csrf, may_read) in &who {
                        if *may_read || (route.path == "/uitloggen" && id != s.case) {
                            continue;
                        }
                        let (status, _, body) = if *method == "GET" { app.get(&path, cookie).await } else { app.post_form(&path, cookie, &[("csrf", csrf)]).await };
                        // The privacy officer's access export (AVG art. 15) is the resident's whole file by design.
                        if path.contains("/inzage") && *role == Some(Role::PrivacyOfficer) {
                            continue;
                        }
                        for secret in SECRETS {
                            assert!(!body.contains(secret), "{method} {path} as {role:?} ({status}) shows sensitive data");
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 3 * 60 * 6, "every route and role was tried ({checked})");

    // The JSON API likewise: every endpoint × every account's token (and none), the bodies
    // the endpoints take left empty, so nothing is written. The worker on the case and the
    // team lead read the case file through the API as on the page; no one else gets a secret.
    let mut tokens = vec![(None, String::new(), false)];
    for (role, user, may_read) in [
        (Role::Worker, app.worker(), true),
        (Role::TeamLead, app.team_lead(), true),
        (Role::Worker, colleague.as_str(), false),
        (Role::ExperienceExpert, "ervaring1", false),
        (Role::Partner, "partner", false),
        (Role::PrivacyOfficer, "privacy", false),
        (Role::Admin, "beheer", false),
    ] {
        tokens.push((Some(role), api_token(&app, user).await, may_read));
    }
    let case_path = format!("/api/v1/cases/{}", s.case);
    let (_, file) = api(&app, "GET", &case_path, &tokens[1].1, None).await;
    assert_eq!(file["goals"][0]["words"], GOAL, "the worker on the case reads it through the API: {file}");
    let (_, file) = api(&app, "GET", &case_path, &tokens[3].1, None).await;
    assert!(file["goals"].as_array().is_some_and(Vec::is_empty) && file["withheld"]["worker"] == worker_name.as_str(), "the colleague: that there is a case and whom to call: {file}");
    let mut api_checked = 0;
    for id in [s.household, s.signal_case, s.case] {
        for e in web::api::endpoints() {
            // A second number in a path (a goal, a step, a network member) names nothing, so
            // even a valid body changes nothing.
            let mut path = format!("/api/v1{}", e.path.replace("{id}", &id.to_string()));
            while let Some(start) = path.find('{') {
                let end = path[start..].find('}').unwrap() + start;
                path.replace_range(start..=end, "999999");
            }
            for (role, token, may_read) in &tokens {
                let body = (e.method == "post" || e.method == "put").then(|| serde_json::json!({}));
                let (status, body) = api(&app, &e.method.to_uppercase(), &path, token, body).await;
                assert!(!status.is_server_error(), "{} {path} as {role:?}: {status} {body}", e.method);
                for secret in SECRETS.iter().filter(|_| !may_read) {
                    assert!(!body.to_string().contains(secret), "{} {path} as {role:?} ({status}) shows sensitive data", e.method);
                }
                api_checked += 1;
            }
        }
    }
    assert!(api_checked >= 3 * 12 * 8, "every API endpoint and role was tried ({api_checked})");

    // The colleague breaks the glass with a reason and then reads it; the expert once shared.
    let (colleague_session, colleague_csrf) = app.login(&colleague).await;
    let open = format!("/huishoudens/{}/vertrouwelijk", s.household);
    let (status, _, body) = app.post_form(&open, &colleague_session, &[("reden", "kort"), ("csrf", &colleague_csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Reden"));
    let reason = "De bewoner belt nu in paniek en de betrokken collega is ziek.";
    let (status, headers, _) = app.post_form(&open, &colleague_session, &[("reden", reason), ("csrf", &colleague_csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers.get(header::LOCATION).unwrap(), full.as_str());
    assert!(app.get(&full, &colleague_session).await.2.contains(CONCERN), "after breaking the glass");
    assert_eq!(app.post_form(&open, &colleague_session, &[("reden", reason), ("csrf", "verkeerd")]).await.0, StatusCode::BAD_REQUEST, "CSRF like every form");
    let (expert_session, _) = app.login("ervaring1").await;
    app.store.share_sensitive(&Access { actor: &worker, route: "test", now: NOW }, s.household, expert).await.unwrap();
    assert!(app.get(&full, &expert_session).await.2.contains(CONCERN), "shared by the case's worker");
    let (status, _, body) = app.get("/mijn-huishoudens", &expert_session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Vertrouwenstraat"));
}

/// Marking and sharing on screen: a worker's signal form marks the worry confidential (an
/// unknown subject is named by the field's label), the case page marks the case, and the team
/// lead assigns an experience expert on the household's page and shares the sensitive data.
#[tokio::test]
async fn marking_and_the_experience_expert_through_the_pages() {
    let app = app("need-to-know-pages").await;
    let (worker, lead, colleague) = team_of(&app).await;
    let expert = account(&app, "ervaring1", Role::ExperienceExpert).await;
    let s = setup(&app, &worker, &lead, app.m.partners[0].id).await;
    let full = format!("/huishoudens/{}?dossier=volledig", s.household);
    let (worker_session, worker_csrf) = app.login(app.worker()).await;
    let (colleague_session, colleague_csrf) = app.login(&colleague).await;
    let (lead_session, lead_csrf) = app.login(app.team_lead()).await;

    // The worker's signal form: an unknown subject is named by its label, nothing is stored.
    let worry = "Tweede geheimzorg: opname dreigt";
    let mut form = vec![
        ("csrf", worker_csrf.as_str()), ("bron", "werker"), ("soort", "zorgen"), ("zorg", worry), ("signaaldatum", "2026-11-27"),
        ("voorletters", "N."), ("achternaam", "Veilig"), ("geboortedatum", "1985-03-02"),
        ("straatnaam", "Vertrouwenstraat"), ("huisnummer", "7"), ("postcode", "9997AB"), ("plaatsnaam", "Testdorp"), ("vertrouwelijk", "geheim"),
    ];
    let before = app.store.counts().await.unwrap().signals;
    let (status, _, page) = app.post_form("/signalen/nieuw", &worker_session, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Gaat het over een vertrouwelijk onderwerp? Onbekend vertrouwelijk onderwerp"), "named by its label");
    assert!(page.contains("id=\"vertrouwelijk-fout\""), "shown at the field itself");
    assert_eq!(app.store.counts().await.unwrap().signals, before, "nothing stored");
    form.pop();
    form.push(("vertrouwelijk", "psychiatrie"));
    let (status, headers, _) = app.post_form("/signalen/nieuw", &worker_session, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers.get(header::LOCATION).unwrap().to_str().unwrap().starts_with("/signaalzaken/"), "linked to the household registered earlier");
    assert!(app.get(&full, &worker_session).await.2.contains(worry), "the worker on the case reads it");
    assert!(!app.get(&full, &colleague_session).await.2.contains(worry), "a colleague does not");

    // The case page marks the case with the subjects ticked.
    let case_url = format!("/trajecten/{}", s.case);
    let (status, headers, _) = app.post_form(&format!("{case_url}/vertrouwelijk"), &worker_session, &[("csrf", &worker_csrf), ("vertrouwelijk", "justitie"), ("vertrouwelijk", "verslaving")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers.get(header::LOCATION).unwrap().to_str().unwrap().ends_with("#kop-vertrouwelijk"));
    let page = app.get(&case_url, &worker_session).await.2;
    assert!(page.contains("id=\"vertrouwelijk-nu\">Justitie, Verslaving</dd>"), "{page}");
    assert_eq!(
        app.post_form(&format!("{case_url}/vertrouwelijk"), &colleague_session, &[("csrf", &colleague_csrf)]).await.0,
        StatusCode::FORBIDDEN,
        "a colleague who does not read it cannot lift the marks"
    );

    // The experience expert: offered to the team lead, not to a colleague off the case.
    let page = app.get(&full, &lead_session).await.2;
    assert!(page.contains("Ervaringsdeskundige toewijzen") && page.contains("ervaring1 naam"));
    assert!(!app.get(&full, &colleague_session).await.2.contains("Ervaringsdeskundige toewijzen"));
    let assign = format!("/huishoudens/{}/ervaringsdeskundige", s.household);
    let (status, _, page) = app.post_form(&assign, &lead_session, &[("csrf", &lead_csrf), ("deskundige", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Ervaringsdeskundige: kies wie."));
    let expert_id = expert.to_string();
    assert_eq!(app.post_form(&assign, &colleague_session, &[("csrf", &colleague_csrf), ("deskundige", &expert_id)]).await.0, StatusCode::FORBIDDEN);
    let (expert_session, _) = app.login("ervaring1").await;
    assert_eq!(app.get(&full, &expert_session).await.0, StatusCode::NOT_FOUND, "not yet assigned");
    assert_eq!(app.post_form(&assign, &lead_session, &[("csrf", &lead_csrf), ("deskundige", &expert_id)]).await.0, StatusCode::SEE_OTHER);
    let (status, _, page) = app.get(&full, &expert_session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(CONCERN) && !page.contains(worry), "assigned, not yet shared");
    let page = app.get(&full, &lead_session).await.2;
    assert!(page.contains("Vertrouwelijke gegevens delen met ervaring1 naam"));
    let share = format!("{assign}/delen");
    assert_eq!(app.post_form(&share, &lead_session, &[("csrf", &lead_csrf), ("deskundige", &expert_id)]).await.0, StatusCode::SEE_OTHER);
    let page = app.get(&full, &expert_session).await.2;
    assert!(page.contains(CONCERN) && page.contains(worry), "shared by the team lead");
    assert!(app.get(&full, &lead_session).await.2.contains("toegewezen, vertrouwelijke gegevens gedeeld"));
}
