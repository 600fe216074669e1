//! The web shell end to end through the real router and a real SQLite database: partners
//! submitting signals through the API, a signal case from worry to decision on screen, and what
//! an enforcement partner sees.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use domain::model::Role;
use store::NewUser;
use common::*;

async fn api_with_key(app: &App, token: &str, key: Option<&str>, body: &serde_json::Value) -> (StatusCode, serde_json::Value) {
    let mut req = Request::builder().method("POST").uri("/api/v1/signals").header(header::AUTHORIZATION, format!("Bearer {token}")).header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let (status, headers, text) = app.send(req.body(Body::from(body.to_string())).unwrap()).await;
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    if !status.is_success() {
        assert_problem(status, &headers, &body);
    }
    (status, body)
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
        "client": client(p, a)
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
    assert_eq!((status, invalid_params(&err)), (StatusCode::BAD_REQUEST, vec!["Idempotency-Key"]));

    // Field errors in Dutch, every one at once, nothing stored.
    let mut bad = body.clone();
    bad["bedrag"] = "veel".into();
    bad["client"]["postcode"] = "12345".into();
    bad["onbekend"] = 1.into();
    let (status, err) = api_with_key(&app, &partner, Some("k-2"), &bad).await;
    assert_eq!((status, invalid_params(&err)), (StatusCode::BAD_REQUEST, vec!["bedrag", "signaal"]), "{err}");
    bad.as_object_mut().unwrap().remove("onbekend");
    bad["bedrag"] = 10.into();
    let (_, err) = api_with_key(&app, &partner, Some("k-2"), &bad).await;
    assert_eq!(invalid_params(&err), vec!["postcode"]);
    assert!(err["invalid-params"][0]["reason"].as_str().unwrap().starts_with("postcode: "), "{err}");
    assert_eq!(app.store.counts().await.unwrap().signals, before.signals + 1);

    // The sender reads the status; a worker's token or another partner gets nothing.
    let id = first["id"].as_i64().unwrap();
    let (status, s) = api(&app, "GET", &format!("/api/v1/signals/{id}"), &partner, None).await;
    assert_eq!((status, s["status"].as_str(), s["result"].is_null()), (StatusCode::OK, Some("ontvangen"), true));
    assert_eq!(s.as_object().unwrap().len(), 6, "status, date, kind, id and coarse result only, and the partner's own reference: {s}");
    assert!(s["eigenKenmerk"].is_null(), "none given: {s}");
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

    // The weighing form decides nothing: no decision, approach, companion or worker is
    // preselected.
    for select in ["besluit", "benadering", "wie", "werker", "veiligheid"] {
        let start = page_of(&app, &case_url, &worker).await;
        let from = start.find(&format!("name=\"{select}\"")).unwrap_or_else(|| panic!("{select} on the form"));
        let options = &start[from..from + start[from..].find("</select>").unwrap()];
        assert!(!options.contains(" selected"), "nothing chosen beforehand in {select}");
    }
    // No home visit before the weighing; a phone call may come first.
    let (status, _, page) = app.post_form(&format!("{case_url}/contact"), &worker, &[("csrf", &csrf), ("soort", "huisbezoek"), ("bereikt", "ja"), ("notitie", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("een huisbezoek kan pas na de weging"), "the gate is explained");
    assert_eq!(app.store.counts().await.unwrap().contact_attempts, before.contact_attempts, "nothing stored");

    // Weighing: an empty form names every missing field at once; nothing stored.
    let weigh = format!("{case_url}/weging");
    let (status, _, page) = app.post_form(&weigh, &worker, &[("csrf", csrf.as_str())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for label in ["Besluit: maak een keuze", "Benadering: maak een keuze", "Grond: kies", "Waarom ongevraagd: licht", "Proportionaliteit: licht", "Werkwijze: kies"] {
        assert!(page.contains(label), "{label} is named");
    }
    let worker_id = app.m.workers.iter().find(|w| w.username == app.worker()).unwrap().id.to_string();
    let mut w = vec![("csrf", csrf.as_str()), ("grond", "schade-zelf"), ("grond", "zorgplicht"), ("waarom", ""), ("proportionaliteit", "Eén huisbezoek met een kaartje vooraf, zonder verplichting."),
        ("model", "presentie"), ("veiligheid", "geen"), ("benadering", "aangekondigd"), ("wie", "ervaringsdeskundige"), ("besluit", "gaan")];
    let (status, _, page) = app.post_form(&weigh, &worker, &w).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Waarom ongevraagd: licht in 10 tot 2000 tekens toe") && page.contains("Werker die gaat: kies wie er op af gaat."), "the missing reason and worker are named");
    w[3] = ("waarom", "Een buurvrouw maakt zich zorgen en er is een huurachterstand: samen wijst het op vereenzaming.");
    w.push(("werker", &worker_id));
    let (status, _, _) = app.post_form(&weigh, &worker, &w).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.get(&case_url, &worker).await;
    assert!(page.contains("Erop af") && page.contains("Presentiemodel") && page.contains("Werker met ervaringsdeskundige"), "who weighed what is shown");
    assert!(page.contains("28-11-2026 11:00"), "weighed at 10:00 UTC, shown on the Dutch clock");
    assert!(page.contains("Opnieuw wegen"), "the form for a new weighing is folded away below the saved one");

    // The reporter asked to hear back: a task on mijn dag until the feedback is recorded.
    let (_, _, day) = app.get("/mijn-dag", &worker).await;
    assert!(day.contains("Terugkoppeling aan melders") && day.contains(&case_url), "the feedback task is on mijn dag");
    let signal_id = page.split("action=\"/signalen/").nth(1).and_then(|rest| rest.split('/').next()).unwrap().to_string();
    let case_id = case_url.trim_start_matches("/signaalzaken/").to_string();
    let (status, _, _) = app.post_form(&format!("/signalen/{signal_id}/terugkoppeling"), &worker, &[("csrf", &csrf), ("zaak", &case_id), ("terugkoppeling", "contact-gelegd")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, day) = app.get("/mijn-dag", &worker).await;
    assert!(!day.contains("Terugkoppeling aan melders"), "done: the task is gone");
    let (_, _, page) = app.get(&case_url, &worker).await;
    assert!(page.contains("“We hebben contact gelegd”"), "the case shows what the reporter heard");

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

/// The resident as a partner's system sends them in a signal's `client`.
fn client(p: &domain::model::Person, a: &domain::model::Address) -> serde_json::Value {
    serde_json::json!({"voorletters": p.name.initials, "voorvoegsel": p.name.prefix, "achternaam": p.name.surname,
                       "geboortedatum": store::time_fmt::date(p.birth_date), "straatnaam": a.street,
                       "huisnummer": a.house_number.number.to_string(), "huisletter": a.house_number.letter.map(String::from).unwrap_or_default(),
                       "huisnummertoevoeging": a.house_number.addition.clone().unwrap_or_default(), "postcode": a.postcode.as_str(), "plaatsnaam": a.locality})
}

async fn page_of(app: &App, path: &str, session: &str) -> String {
    app.get(path, session).await.2
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
    let police_user = app.store.create_user(&new, Some(&hash), NOW).await.unwrap();
    // A partner's web login takes a second factor too (issue 27, finding 6).
    app.store.set_totp_secret(police_user, Some(TOTP_SECRET)).await.unwrap();

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
        "client": client(p, a)
    });
    let (status, receipt) = api_with_key(&app, &token, Some("politie-1"), &body).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let signal_id = receipt["id"].as_i64().unwrap();

    // The team weighs, goes, notes what happened and closes with help started.
    let worker = app.m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(app.m.teams[0].id)).unwrap();
    let actor = store::Actor { user_id: worker.id, role: Role::Worker, team_id: worker.team_id, partner_id: None };
    let access = store::Access { actor: &actor, route: "test", now: NOW };
    let case = app.store.signal_cases(&access, store::signals::CaseFilter::Open, NOW.date()).await.unwrap().into_iter().find(|c| c.household_id == h.id).unwrap();
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
        worker_id: Some(worker.id),
        review_on: None,
        closing: None,
    };
    app.store.weigh_signal_case(&access, case.id, &weighing).await.unwrap();
    let attempt = store::contact::NewAttempt { household_id: h.id, kind: ContactKind::Huisbezoek, at: NOW - time::Duration::hours(1), day_part: None, outcome: domain::model::ContactOutcome::Gesproken, note: Some(note), crisis_reason: None };
    app.store.log_contact_attempt(&access, &attempt).await.unwrap();
    app.store.close_signal_case(&access, case.id, EndResult::VervolgNietFinancieel, NOW.date()).await.unwrap();

    // The team sees its weighing and note (so the checks below can fail)…
    let (team_session, _) = app.login(app.worker()).await;
    let (_, _, team_page) = app.get(&format!("/signaalzaken/{}", case.id), &team_session).await;
    assert!(team_page.contains(weighing_text), "the team's case page shows the weighing");
    // What the police may know: status and coarse result, through the API…
    let (status, s) = api(&app, "GET", &format!("/api/v1/signals/{signal_id}"), &token, None).await;
    assert_eq!((status, s["status"].as_str(), s["result"].as_str()), (StatusCode::OK, Some("afgesloten"), Some("hulp-gestart")), "{s}");
    // Beside them only what the police gave themselves to recognise the signal (none here).
    let mut keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["eigenKenmerk", "id", "kind", "result", "signalDate", "status"], "{s}");
    assert!(s["eigenKenmerk"].is_null(), "{s}");
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

/// Issue 27, finding 2: a worker's signal about someone in another team's area goes to that
/// team's weighing, and the worker sees only "doorgestuurd" — the same answer whether that team
/// already has a signal case for the household (which used to redirect to its id) or not.
#[tokio::test]
async fn a_signal_about_another_teams_resident_is_forwarded_without_saying_more() {
    let app = app("forward").await;
    let (worker, csrf) = app.login(app.worker()).await;
    let open_case = |h: &domain::model::Household| app.m.signal_cases.iter().find(|c| c.household_id == h.id && c.stage != domain::model::CaseStage::Afgesloten);
    let in_team_1 = |with_case: bool| {
        app.m.households.iter().find(|h| {
            app.m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&app.m.teams[1].wijk)
                && open_case(h).is_some() == with_case
                && app.m.persons.iter().any(|p| p.household_id == h.id)
        }).unwrap()
    };
    let post = |h: &domain::model::Household| {
        let a = app.m.addresses[(h.address_id - 1) as usize].clone();
        let p = app.m.persons.iter().find(|p| p.household_id == h.id).unwrap().clone();
        let csrf = csrf.clone();
        let worker = worker.clone();
        let app = &app;
        async move {
            let (number, birth) = (a.house_number.to_string(), store::time_fmt::date(p.birth_date));
            let form = [
                ("csrf", csrf.as_str()), ("bron", "werker"), ("soort", "eenzaamheid"), ("zorg", "De buren zien meneer al weken niet meer buiten."),
                ("signaaldatum", "2026-11-27"), ("voorletters", &p.name.initials), ("voorvoegsel", &p.name.prefix), ("achternaam", &p.name.surname),
                ("geboortedatum", &birth), ("straatnaam", &a.street), ("huisnummer", &number), ("postcode", a.postcode.as_str()), ("plaatsnaam", &a.locality),
            ];
            let (status, headers, body) = app.post_form("/signalen/nieuw", &worker, &form).await;
            (status, headers.get(header::LOCATION).map(|l| l.to_str().unwrap().to_string()), body)
        }
    };
    let (known, stranger) = (in_team_1(true), in_team_1(false));
    let case_id = open_case(known).unwrap().id;
    let store = &app.store;
    let signals_in = |case: i64| async move { store.inspect().await.unwrap().fetch_i64("SELECT COUNT(*) FROM signals WHERE signal_case_id = $1", &[case.into()]).await.unwrap() };
    let before = signals_in(case_id).await;
    let a = post(known).await;
    let b = post(stranger).await;
    assert_eq!(a, b, "both answers are the same");
    assert_eq!((a.0, a.1.as_deref()), (StatusCode::SEE_OTHER, Some("/signalen/nieuw?doorgestuurd=1")));
    assert_eq!(signals_in(case_id).await, before + 1, "the signal joined the other team's case, for its weighing");
    let (_, _, page) = app.get("/signalen/nieuw?doorgestuurd=1", &worker).await;
    assert!(page.contains("Het signaal is doorgestuurd naar het team van die wijk."), "{page}");
    assert!(!page.contains(&format!("/signaalzaken/{case_id}")));
}

/// The weighing gate holds through the API as on the page: a field app cannot log a home
/// visit on a signal nobody weighed; a phone call may come first.
#[tokio::test]
async fn the_api_refuses_a_home_visit_before_the_weighing() {
    let app = app("api-gate").await;
    let token = api_token(&app, app.worker()).await;
    // A partner's signal about a household with no open signal case opens a new, unweighed one.
    let h = app.m.households.iter().find(|h| {
        app.m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&app.m.teams[0].wijk)
            && !app.m.signal_cases.iter().any(|c| c.household_id == h.id && c.stage != domain::model::CaseStage::Afgesloten)
            && app.m.persons.iter().any(|p| p.household_id == h.id)
    }).unwrap();
    let a = &app.m.addresses[(h.address_id - 1) as usize];
    let p = app.m.persons.iter().find(|p| p.household_id == h.id).unwrap();
    let signal = serde_json::json!({
        "signaaldatum": "2026-11-20", "bedrag": 640, "crisissignaal": false, "warmeOverdracht": false,
        "client": client(p, a)
    });
    let partner = api_token(&app, "partner").await;
    assert_eq!(api_with_key(&app, &partner, Some("gate-1"), &signal).await.0, StatusCode::CREATED);
    let at = store::time_fmt::instant(NOW - time::Duration::minutes(5));
    let body = |kind: &str, reason: Option<&str>| serde_json::json!({"household_id": h.id, "kind": kind, "at": at, "reached": false, "outcome": "niet-thuis", "crisis_reason": reason});
    let before = app.store.counts().await.unwrap().contact_attempts;
    let (status, err) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(body("huisbezoek", None))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(err.to_string().contains("huisbezoek kan pas na de weging"), "{err}");
    let (status, _) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(body("huisbezoek", Some("Het kan echt niet wachten, vandaag nog.")))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not a crisis signal: a reason does not open the door");
    assert_eq!(app.store.counts().await.unwrap().contact_attempts, before, "nothing stored");
    let (status, logged) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(body("telefoon", None))).await;
    assert_eq!(status, StatusCode::CREATED, "{logged}");
}

/// Issue 22: the team's signal cases through the API — the screen's lists, one case, closing
/// with an end result — with the store's need-to-know and audit, and every mistake a 400 that
/// names its field and writes nothing.
#[tokio::test]
async fn the_team_reads_and_closes_its_signal_cases_through_the_api() {
    let app = app("signal-cases-api").await;
    let token = api_token(&app, app.worker()).await;
    let team_of = |household_id: i64| {
        let h = app.m.households.iter().find(|h| h.id == household_id).unwrap();
        let wijk = app.m.addresses[(h.address_id - 1) as usize].buurt.parent();
        app.m.teams.iter().position(|t| Some(&t.wijk) == wijk.as_ref())
    };
    let (status, body) = api(&app, "GET", "/api/v1/signal-cases", &token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let open = body["signalCases"].as_array().unwrap();
    assert!(!open.is_empty(), "the test town's team has open signal cases");
    for c in open {
        assert_ne!(c["stage"], "afgesloten", "{c}");
        assert_eq!(team_of(c["householdId"].as_i64().unwrap()), Some(0), "only the team's own area: {c}");
    }
    for list in ["binnenkort", "te-laat", "mijn", "te-wegen", "afgesloten"] {
        let (status, body) = api(&app, "GET", &format!("/api/v1/signal-cases?list={list}"), &token, None).await;
        assert!(status == StatusCode::OK && body["signalCases"].is_array(), "{list}: {body}");
    }
    let (status, body) = api(&app, "GET", "/api/v1/signal-cases?list=alles", &token, None).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["list"]));

    // One case: its signals, audited as a read of the household.
    let id = open[0]["id"].as_i64().unwrap();
    let audited = app.store.counts().await.unwrap().audit_events;
    let (status, case) = api(&app, "GET", &format!("/api/v1/signal-cases/{id}"), &token, None).await;
    assert_eq!((status, case["case"]["id"].as_i64()), (StatusCode::OK, Some(id)), "{case}");
    assert!(!case["signals"].as_array().unwrap().is_empty() && case["fourEyes"].is_boolean(), "{case}");
    assert!(app.store.counts().await.unwrap().audit_events > audited, "reading a case is audited");

    // Another team's case is not there; a partner has no access at all.
    let foreign = app.m.signal_cases.iter().find(|c| team_of(c.household_id) == Some(1)).expect("team 1 has a signal case");
    assert_eq!(api(&app, "GET", &format!("/api/v1/signal-cases/{}", foreign.id), &token, None).await.0, StatusCode::NOT_FOUND);
    let partner = api_token(&app, "partner").await;
    assert_eq!(api(&app, "GET", "/api/v1/signal-cases", &partner, None).await.0, StatusCode::FORBIDDEN);

    // Weighing: every missing or wrong field at once, the store's rules included; then recorded.
    let weigh = |id: i64, body: serde_json::Value| {
        let token = token.clone();
        let app = &app;
        async move { api(app, "POST", &format!("/api/v1/signal-cases/{id}/weighings"), &token, Some(body)).await }
    };
    let other = open.iter().map(|c| c["id"].as_i64().unwrap()).find(|&c| c != id).expect("two open cases");
    let counts = app.store.counts().await.unwrap();
    let (status, body) = weigh(other, serde_json::json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut named = invalid_params(&body);
    named.sort_unstable();
    assert_eq!(named, ["approach", "companion", "decision", "grounds", "models", "proportionality", "safety", "whyGo"], "{body}");
    let me = app.m.workers.iter().find(|w| w.username == app.worker()).unwrap().id;
    let mut good = serde_json::json!({
        "grounds": [domain::model::Ground::ALL[0].code()], "whyGo": "Drie signalen in een maand en kinderen in huis.",
        "proportionality": "Een huisbezoek is licht vergeleken met een uithuiszetting.", "safety": "geen", "models": [domain::model::OutreachModel::ALL[0].code()],
        "approach": "aangekondigd", "companion": "werker", "decision": "gaan"
    });
    let (status, body) = weigh(other, good.clone()).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["workerId"]), "going needs who goes: {body}");
    good["decision"] = "monitoren".into();
    good["reviewOn"] = "2020-01-01".into();
    let (status, body) = weigh(other, good.clone()).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["reviewOn"]), "{body}");
    good["extra"] = 1.into();
    assert_eq!(invalid_params(&weigh(other, good.clone()).await.1), vec!["weighing", "reviewOn"]);
    assert_eq!(app.store.counts().await.unwrap(), counts, "nothing written by a refused weighing");
    let good = serde_json::json!({
        "grounds": [domain::model::Ground::ALL[0].code()], "whyGo": "Drie signalen in een maand en kinderen in huis.",
        "proportionality": "Een huisbezoek is licht vergeleken met een uithuiszetting.", "safety": "geen", "models": [domain::model::OutreachModel::ALL[0].code()],
        "approach": "aangekondigd", "companion": "werker", "decision": "gaan", "workerId": me
    });
    assert_eq!(weigh(foreign.id, good.clone()).await.0, StatusCode::NOT_FOUND, "another team's case cannot be weighed");
    let before = api(&app, "GET", &format!("/api/v1/signal-cases/{other}"), &token, None).await.1["weighings"].as_array().unwrap().len();
    let (status, body) = weigh(other, good).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, case) = api(&app, "GET", &format!("/api/v1/signal-cases/{other}"), &token, None).await;
    assert_eq!(case["weighings"].as_array().unwrap().len(), before + 1, "{case}");
    assert_eq!(case["case"]["decision"], "gaan", "{case}");

    // Closing: a wrong result, an unknown field or a result the rules refuse write nothing.
    let close = |id: i64, body: serde_json::Value| {
        let token = token.clone();
        let app = &app;
        async move { api(app, "POST", &format!("/api/v1/signal-cases/{id}/close"), &token, Some(body)).await }
    };
    let (status, body) = close(id, serde_json::json!({"endResult": "weg"})).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["endResult"]));
    let (status, body) = close(id, serde_json::json!({"endResult": "geen-hulp-nodig", "note": "x"})).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["signalCase"]));
    let untried = open.iter().map(|c| c["id"].as_i64().unwrap()).find(|&c| app.m.contact_attempts.iter().all(|a| Some(a.household_id) != open.iter().find(|o| o["id"] == c).and_then(|o| o["householdId"].as_i64())));
    if let Some(untried) = untried {
        let (status, body) = close(untried, serde_json::json!({"endResult": "geen-contact"})).await;
        assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["endResult"]), "no contact for good needs the attempts first: {body}");
    }
    let (status, _) = close(foreign.id, serde_json::json!({"endResult": "geen-hulp-nodig"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another team's case cannot be closed");
    let (status, body) = close(id, serde_json::json!({"endResult": "geen-hulp-nodig"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, case) = api(&app, "GET", &format!("/api/v1/signal-cases/{id}"), &token, None).await;
    assert_eq!((case["case"]["stage"].as_str(), case["case"]["endResult"].as_str()), (Some("afgesloten"), Some("geen-hulp-nodig")), "{case}");
    assert!(case["closedOn"].is_string(), "{case}");
    let (status, body) = close(id, serde_json::json!({"endResult": "geen-hulp-nodig"})).await;
    assert!(status.is_client_error(), "a closed case is not closed again: {status} {body}");
}
