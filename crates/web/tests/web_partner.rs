//! What a partner and a team rely on (issue 21), through the real router: the partner's form
//! takes its own reference and names a wrong field by its label; the status list shows the
//! reference and the address as the partner gave them, and its search (a POST) finds only its
//! own signals; the API takes and returns the reference. The team's reflection: a dilemma
//! naming the household's resident is refused without echoing the name, nothing stored; a
//! team sees only its own reflections; roles outside the team can't reach the page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use domain::model::{PartnerType, Role, SignalChannel};

fn partner_form<'a>(csrf: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("soort", "zorgen"),
        ("zorg", "De bewoner reageert niet meer op brieven."),
        ("signaaldatum", "2026-11-26"),
        ("achternaam", "Testbewoner"),
        ("straatnaam", "Teststraat"),
        ("huisnummer", "7"),
        ("postcode", "9998AB"),
        ("plaatsnaam", "Testdorp"),
    ];
    for (k, v) in extra {
        form.retain(|(f, _)| f != k);
        form.push((k, v));
    }
    form
}

#[tokio::test]
async fn a_partner_recognises_and_finds_its_own_signals() {
    let app = app("partner-own").await;
    let (session, csrf) = app.login("partner").await;
    let (status, _, page) = app.get("/partner/signaal", &session).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = if csrf.is_empty() { hidden(&page, "csrf") } else { csrf };
    assert!(page.contains("Uw eigen kenmerk") && page.contains("name=\"eigen_kenmerk\""), "the form asks for the partner's own reference");

    // Errors name the field by its label, never by its key; a bad reference is named too, and
    // nothing is stored.
    let before = app.store.counts().await.unwrap().signals;
    let form = partner_form(&csrf, &[("achternaam", ""), ("eigen_kenmerk", "KL\u{7}12"), ("signaaldatum", "2099-01-01")]);
    let (status, _, page) = app.post_form("/partner/signaal", &session, &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Achternaam: "), "{page}");
    assert!(page.contains("Datum van het signaal: deze datum ligt in de toekomst."), "{page}");
    assert!(page.contains("Uw eigen kenmerk: gebruik alleen gewone tekens"), "{page}");
    assert!(!page.contains("achternaam: ") && !page.contains("signaaldatum: "), "no field keys in the messages");
    assert_eq!(app.store.counts().await.unwrap().signals, before, "nothing stored");

    // Sent with its reference: the list shows it with the address as the partner gave it.
    let (status, headers, _) = app.post_form("/partner/signaal", &session, &partner_form(&csrf, &[("eigen_kenmerk", "  DOS-4711 ")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, home) = app.get(headers.get(header::LOCATION).unwrap().to_str().unwrap(), &session).await;
    assert!(home.contains("Uw signaal is ontvangen onder kenmerk"));
    assert!(home.contains("DOS-4711") && home.contains("Teststraat 7, 9998 AB Testdorp"), "{home}");
    assert!(home.contains("method=\"post\" action=\"/partner\""), "the search is a POST");

    // Another partner sends about the same address with the same reference.
    let other = app.store.create_partner("Andere corporatie", PartnerType::Huur).await.unwrap();
    let other_user = app.store.create_user(&store::NewUser { username: "andere".into(), display_name: "Andere".into(), role: Role::Partner, team_id: None, partner_id: Some(other), models: vec![] }, None, NOW).await.unwrap();
    let actor = store::Actor { user_id: other_user, role: Role::Partner, team_id: None, partner_id: Some(other) };
    let access = store::Access { actor: &actor, route: "test", now: NOW };
    let fields: std::collections::HashMap<&str, &str> = partner_form("", &[("zorg", "Signaal-van-een-ander")]).into_iter().collect();
    let signal = domain::signal::parse_signal(&|k| fields.get(k).map(|v| v.to_string()), Some(PartnerType::Huur), NOW.date()).unwrap();
    let linker = std::sync::RwLock::new(linker(&app.store).await);
    let theirs = app.store.intake_with_reference(&access, &linker, &store::signals::Source::Partner { partner_id: other, channel: SignalChannel::Formulier }, Some("DOS-4711"), &signal).await.unwrap();
    let theirs_ref = format!("S-{}<", theirs.signal_id);

    // The search, by reference, by postcode and house number, by date: only its own.
    for search in [
        vec![("zoek_kenmerk", "dos-4711")],
        vec![("zoek_postcode", "9998 ab"), ("zoek_huisnummer", "7")],
        vec![("zoek_datum", "26-11-2026")],
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(search.iter().copied());
        let (status, _, found) = app.post_form("/partner", &session, &form).await;
        assert_eq!(status, StatusCode::OK, "{search:?}");
        assert!(found.contains("DOS-4711") && found.contains("1 gevonden"), "{search:?}: {found}");
        assert!(!found.contains(&theirs_ref), "{search:?}: another partner's signal in the search");
    }
    let (_, _, none) = app.post_form("/partner", &session, &[("csrf", &csrf), ("zoek_kenmerk", "bestaat-niet")]).await;
    assert!(none.contains("Geen signalen van uw organisatie gevonden"));
    // A bad search part is named by its label.
    let (status, _, bad) = app.post_form("/partner", &session, &[("csrf", &csrf), ("zoek_huisnummer", "7")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("Postcode: vul bij een huisnummer ook de postcode in."), "{bad}");
    // Without the CSRF token the search is refused.
    let (status, _, refused) = app.post_form("/partner", &session, &[("zoek_kenmerk", "DOS-4711")]).await;
    assert!(status == StatusCode::BAD_REQUEST || status == StatusCode::FORBIDDEN, "{status}");
    assert!(!refused.contains("DOS-4711"));

    // The API takes the reference and gives it back in the status; a wrong one is named.
    let token = api_token(&app, "partner").await;
    let body = serde_json::json!({
        "soort": "zorgen", "signaaldatum": "2026-11-27", "zorg": "Via het systeem.", "eigenKenmerk": "API-0001",
        "client": {"achternaam": "Apibewoner", "huisnummer": "9", "postcode": "9998AB", "straatnaam": "Teststraat", "plaatsnaam": "Testdorp"}
    });
    let send = |body: serde_json::Value, key: &'static str| {
        let req = Request::builder().method("POST").uri("/api/v1/signals").header(header::AUTHORIZATION, format!("Bearer {token}")).header(header::CONTENT_TYPE, "application/json").header("Idempotency-Key", key);
        app.send(req.body(Body::from(body.to_string())).unwrap())
    };
    let (status, _, text) = send(body.clone(), "api-1").await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let id = serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"].as_i64().unwrap();
    let (status, s) = api(&app, "GET", &format!("/api/v1/signals/{id}"), &token, None).await;
    assert_eq!((status, s["eigenKenmerk"].as_str()), (StatusCode::OK, Some("API-0001")), "{s}");
    for (bad, key) in [(serde_json::json!(12), "api-2"), (serde_json::json!("x".repeat(41)), "api-3")] {
        let mut b = body.clone();
        b["eigenKenmerk"] = bad;
        let (status, _, text) = send(b, key).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        assert!(text.contains("\"name\":\"eigenKenmerk\""), "the field is named as sent: {text}");
    }
    // A partner marks the signal's confidential subjects; an unknown one is named with the choices.
    let mut b = body.clone();
    b["vertrouwelijk"] = serde_json::json!("geheim");
    let (status, _, text) = send(b.clone(), "api-4").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("\"vertrouwelijk\"") && text.contains("psychiatrie"), "named with its choices: {text}");
    b["vertrouwelijk"] = serde_json::json!("verslaving,psychiatrie");
    let (status, _, text) = send(b, "api-5").await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let id = serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"].as_i64().unwrap();
    let stored = app.store.inspect().await.unwrap().fetch_one("SELECT sensitive FROM signals WHERE id = $1", &[id.into()]).await.unwrap().text(0).unwrap();
    assert_eq!(stored, "psychiatrie,verslaving");
}

#[tokio::test]
async fn a_dilemma_naming_the_resident_is_refused_and_a_team_sees_only_its_own_reflections() {
    let app = app("reflection").await;
    let (worker, csrf) = app.login(app.worker()).await;
    let (status, _, page) = app.get("/intervisie", &worker).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Intervisie 2026 K4"), "this quarter");

    let h = app.household_of_team(0);
    let resident = app.m.persons.iter().find(|p| p.household_id == h.id).unwrap();
    let hid = h.id.to_string();
    let naming = format!("{} wil geen hulp maar de kinderen lijden eronder.", resident.name.surname);
    let (status, _, page) = app
        .post_form("/intervisie", &worker, &[("csrf", &csrf), ("huishouden", &hid), ("thema", "hulp-en-controle"), ("dilemma", &naming), ("vraag", "Gaan we toch?")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Het dilemma: hierin staat een naam van een bewoner van dit huishouden."), "the field is named");
    assert_eq!(page.matches(&resident.name.surname).count(), 1, "the name is only in what the worker typed, never in the error");
    let (_, _, list) = app.get("/intervisie", &worker).await;
    assert!(list.contains("Nog geen dilemma") && !list.contains("de kinderen lijden eronder"), "nothing stored");

    let dilemma = "De bewoner wil geen hulp; de school maakt zich zorgen. Hoe ver gaan we?";
    let (status, headers, _) = app
        .post_form("/intervisie", &worker, &[("csrf", &csrf), ("huishouden", &hid), ("thema", "hulp-en-controle"), ("dilemma", dilemma), ("vraag", "Wanneer is aandringen nog hulp?")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/intervisie?gedaan=ingebracht", "no household in the URL");

    // The team lead records the outcome; the list shows what the team learned.
    let (lead, lead_csrf) = app.login(app.team_lead()).await;
    let (_, _, page) = app.get("/intervisie", &lead).await;
    assert!(page.contains("De bewoner wil geen hulp; de school maakt zich zorgen."));
    let id = page.split("action=\"/intervisie/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let (status, _, _) = app
        .post_form(&format!("/intervisie/{id}"), &lead, &[("csrf", &lead_csrf), ("gewogen", "Autonomie tegen het belang van de kinderen."), ("conclusie", "Eerst via de school; aandringen pas na een tweede signaal.")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.get("/intervisie?kwartaal=2026-K4", &worker).await;
    assert!(page.contains("Eerst via de school; aandringen pas na een tweede signaal."));

    // Another team sees none of it and cannot conclude it.
    let other = app.m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(app.m.teams[1].id)).unwrap();
    let hash = web::auth::hash_password(PASSWORD).unwrap();
    app.store.set_password_hash(other.id, &hash).await.unwrap();
    app.store.set_totp_secret(other.id, Some(TOTP_SECRET)).await.unwrap();
    let (other_session, other_csrf) = app.login(&other.username).await;
    let (status, _, page) = app.get("/intervisie", &other_session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("de school maakt zich zorgen") && !page.contains("Eerst via de school"), "another team's reflection");
    let (status, _, _) = app.post_form(&format!("/intervisie/{id}"), &other_session, &[("csrf", &other_csrf), ("gewogen", "Iets."), ("conclusie", "Iets anders.")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Roles outside the team do not reach the page.
    for who in ["partner", "privacy", "beheer"] {
        let (session, _) = app.login(who).await;
        let (status, _, _) = app.get("/intervisie", &session).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
}
