//! A municipality's first day on screen (issue 20), from an empty database: the administrator
//! sets the municipality, reads CBS's kerncijfers and a BAG extract (every bad line shown,
//! nothing stored), makes two teams; a partner's signal about a BAG address then reaches the
//! worker of that wijk's team only, and the team records its support decision.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use domain::model::{PartnerType, Role};
use store::NewUser;

const KERNCIJFERS: &[u8] = include_bytes!("../../../testdata/first-day/kerncijfers-2023.csv");
const KERNCIJFERS_FOUT: &[u8] = include_bytes!("../../../testdata/first-day/kerncijfers-fout.csv");
const BAG: &[u8] = include_bytes!("../../../testdata/first-day/bag-adressen.csv");
const BAG_FOUT: &[u8] = include_bytes!("../../../testdata/first-day/bag-adressen-fout.csv");

async fn addresses(app: &App) -> i64 {
    app.store.inspect().await.unwrap().fetch_i64("SELECT COUNT(*) FROM addresses", &[]).await.unwrap()
}

async fn areas(app: &App) -> i64 {
    app.store.inspect().await.unwrap().fetch_i64("SELECT COUNT(*) FROM neighbourhoods", &[]).await.unwrap()
}

#[tokio::test]
async fn from_an_empty_database_to_a_team_at_work() {
    let app = empty_app("first-day").await;
    let (admin, _) = app.login("beheer").await;
    let (status, _, page) = app.get("/beheer/gebieden", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = hidden(&page, "csrf");
    assert!(page.contains("Gemeente instellen"), "an empty database asks for the municipality first");

    // The municipality: a malformed code is named on its field; then once.
    let (status, _, page) = app.post_form("/beheer/gemeente", &admin, &[("csrf", &csrf), ("code", "0999"), ("naam", "Eropafdam")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Code: de CBS-gemeentecode is GM met vier cijfers"), "{page}");
    let (status, _, _) = app.post_form("/beheer/gemeente", &admin, &[("csrf", &csrf), ("code", "GM0999"), ("naam", "Eropafdam")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, page) = app.post_form("/beheer/gemeente", &admin, &[("csrf", &csrf), ("code", "GM0998"), ("naam", "Buurdorp")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("hoort al bij gemeente GM0999"), "{page}");

    // The kerncijfers: the bad file's lines on the page and nothing stored; no year, no import.
    let (status, _, page) = app.send(upload("/beheer/gebieden/importeren", &admin, &csrf, &[("jaar", "2023")], KERNCIJFERS_FOUT)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for line in ["regel 12: veld Codering_3", "regel 13: veld Codering_3", "regel 15: veld AantalInwoners_5", "regel 17:", "regel 18:"] {
        assert!(page.contains(line), "{line} named on the page");
    }
    assert!(page.contains("Er is niets opgeslagen"));
    assert_eq!(areas(&app).await, 0);
    let (status, _, page) = app.send(upload("/beheer/gebieden/importeren", &admin, &csrf, &[("jaar", "")], KERNCIJFERS)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Jaar: het jaar van de kerncijfers"));
    let (status, _, page) = app.send(upload("/beheer/gebieden/importeren", &admin, &csrf, &[("jaar", "2023")], KERNCIJFERS)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Kerncijfers 2023 ingelezen: 7 gebieden nieuw, 0 bijgewerkt."), "{page}");
    assert!(page.contains("Turfwijk") && page.contains("onbekend"), "a secret figure shows as unknown");

    // The BAG extract: the same, then 34 homes, and again nothing new.
    let (status, _, page) = app.send(upload("/beheer/adressen/importeren", &admin, &csrf, &[], BAG_FOUT)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for line in ["regel 4: veld postcode", "regel 5: veld postcode", "regel 6: veld huisnummer", "regel 10:", "regel 11: veld buurtcode", "regel 12: veld x"] {
        assert!(page.contains(line), "{line} named on the page");
    }
    assert_eq!(addresses(&app).await, 0, "nothing stored");
    let (_, _, page) = app.send(upload("/beheer/adressen/importeren", &admin, &csrf, &[], BAG)).await;
    assert!(page.contains("Adressen ingelezen: 34 nieuw, 0 al bekend, 6 objecten zonder woonfunctie overgeslagen."), "{page}");
    let (_, _, page) = app.send(upload("/beheer/adressen/importeren", &admin, &csrf, &[], BAG)).await;
    assert!(page.contains("Adressen ingelezen: 0 nieuw, 34 al bekend"));
    assert_eq!(addresses(&app).await, 34);

    // Two teams; a buurt of the first can't go to a third.
    let (status, _, _) = app.post_form("/beheer/teams", &admin, &[("csrf", &csrf), ("naam", "Team Centrum"), ("gebieden", "WK099901")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = app.post_form("/beheer/teams", &admin, &[("csrf", &csrf), ("naam", "Team De Veenen"), ("gebieden", "BU09990201"), ("gebieden", "BU09990202")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, page) = app.post_form("/beheer/teams", &admin, &[("csrf", &csrf), ("naam", "Team X"), ("gebieden", "BU09990101")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("buurt BU09990101 hoort dan bij twee teams"), "{page}");
    let (status, _, page) = app.post_form("/beheer/teams", &admin, &[("csrf", &csrf), ("naam", "Team X")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Gebieden: kies ten minste één wijk of buurt."));
    let (_, _, page) = app.get("/beheer/teams", &admin).await;
    assert!(page.contains("Team Centrum") && page.contains("3 buurten") && page.contains("20 adressen"), "{page}");

    // Accounts (their screens are tested in web_accounts) and a partner with its API token.
    let teams = app.store.teams().await.unwrap();
    let team = |name: &str| teams.iter().find(|t| t.name == name).unwrap().id;
    let hash = web::auth::hash_password(PASSWORD).unwrap();
    for (username, t) in [("w-centrum", "Team Centrum"), ("w-veenen", "Team De Veenen")] {
        let new = NewUser { username: username.into(), display_name: username.into(), role: Role::Worker, team_id: Some(team(t)), partner_id: None, models: vec![] };
        let id = app.store.create_user(&new, Some(&hash), NOW).await.unwrap();
        app.store.set_totp_secret(id, Some(TOTP_SECRET)).await.unwrap();
    }
    let partner = app.store.create_partner("Woonstichting Eropafdam", PartnerType::Huur).await.unwrap();
    let new = NewUser { username: "corporatie".into(), display_name: "corporatie".into(), role: Role::Partner, team_id: None, partner_id: Some(partner), models: vec![] };
    app.store.create_user(&new, None, NOW).await.unwrap();
    let token = api_token(&app, "corporatie").await;

    // The partner's signal about Kerkstraat 10: nobody lives there in Eropaf yet.
    let signal = serde_json::json!({
        "signaaldatum": "2026-11-20", "bedrag": 1200, "crisissignaal": false, "warme_overdracht": false,
        "client": {"voorletters": "A.", "voornaam": "Anouk", "voorvoegsel": "de", "achternaam": "Vries", "geboortedatum": "1984-05-06",
                   "straatnaam": "Kerkstraat", "huisnummer": "10", "postcode": "9991 AC", "plaatsnaam": "Eropafdam"}
    });
    let req = axum::http::Request::post("/api/v1/signals")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", "eerste-dag-1")
        .body(axum::body::Body::from(signal.to_string()))
        .unwrap();
    let (status, _, body) = app.send(req).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(addresses(&app).await, 34, "the household opened at the BAG address");

    let (centrum, centrum_csrf) = app.login("w-centrum").await;
    let (_, _, page) = app.get("/signaalzaken", &centrum).await;
    assert!(page.contains("Kerkstraat 10"), "the team of the wijk sees the signal: {page}");
    let (veenen, _) = app.login("w-veenen").await;
    let (_, _, page) = app.get("/signaalzaken", &veenen).await;
    assert!(!page.contains("Kerkstraat 10"), "another team does not");

    // The team's own judgement on the household page, with a reason.
    let household = app.store.inspect().await.unwrap().fetch_i64("SELECT id FROM households", &[]).await.unwrap();
    let path = format!("/huishoudens/{household}/steun");
    let (status, _, page) = app.post_form(&path, &centrum, &[("csrf", &centrum_csrf), ("steun", "occasional"), ("reden", "kort")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Reden: schrijf in een paar woorden waarom"), "{page}");
    let (status, _, _) = app.post_form(&path, &centrum, &[("csrf", &centrum_csrf), ("steun", "occasional"), ("meervoudig", "ja"), ("reden", "Huurachterstand en de post blijft liggen")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, page) = app.get(&format!("/huishoudens/{household}?dossier=volledig"), &centrum).await;
    assert!(page.contains("Steun in de rug") && page.contains("Huurachterstand en de post blijft liggen") && page.contains("28-11-2026 11:00"), "the decision in Dutch local time: {page}");
    let (status, _, _) = app.get(&format!("/huishoudens/{household}"), &veenen).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
