//! The web shell end to end through the real router and a real SQLite database: the audit
//! record per household, the privacy officer's trail and register, residents' access and
//! erasure requests, and break-the-glass access.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::{header, StatusCode};
use common::*;

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
async fn the_privacy_officer_filters_the_trail_and_sees_what_to_review() {
    let app = app("privacy-view").await;
    let own = app.household_of_team(0);
    let (worker, _) = app.login(app.worker()).await;
    app.get(&format!("/huishoudens/{}", own.id), &worker).await;
    let officer = app.store.user_by_username("privacy").await.unwrap().unwrap();
    let actor = officer.actor();
    let everyone: Vec<i64> = app.m.persons.iter().filter(|p| p.household_id == own.id).map(|p| p.id).collect();
    app.store.export_household(&store::Access { actor: &actor, route: "test", now: NOW }, own.id, &everyone).await.unwrap();

    let (session, _) = app.login("privacy").await;
    let (status, _, page) = app.get(&format!("/privacy?huishouden={}&gebruiker=&gebeurtenis=&dagen=30", own.id), &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Dossier van het huishouden bekeken") && page.contains(app.worker()), "who opened the household, in Dutch");
    assert!(!page.contains("<td class=\"utrecht-table__cell\">household.read"), "no code words for events");
    assert!(page.contains("Inzageverzoek uitgevoerd"), "exports are listed for review");
    assert!(page.contains("Markeer als nagegaan") && page.contains("Bekijk de vastgelegde gebeurtenissen"), "a flag links to its records and can be handled");
    let member = app.m.persons.iter().find(|p| p.household_id == own.id).unwrap();
    assert!(!page.contains(&member.name.full()), "no case content for the privacy officer");
    // Handling a flag with a note: audited, and shown as handled.
    let csrf = hidden(&page, "csrf");
    let day = NOW.date().to_string();
    let before = app.store.counts().await.unwrap().audit_events;
    let (status, _, handled) = app.post_form("/privacy/nagaan", &session, &[("soort", "export"), ("gebruiker", "privacy"), ("dag", &day), ("notitie", ""), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(handled.contains("Notitie:"), "the note is named by its label");
    let (status, _, handled) = app.post_form("/privacy/nagaan", &session, &[("soort", "export"), ("gebruiker", "privacy"), ("dag", &day), ("notitie", "verzoek van de bewoner zelf"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(handled.contains("Nagegaan") && handled.contains("verzoek van de bewoner zelf"));
    assert_eq!(app.store.counts().await.unwrap().audit_events - before, 1, "handling is audited");
    // Filters by resident and by period.
    let (status, _, page) = app.get(&format!("/privacy?bewoner={}&van=1-11-2026&tot={}", everyone[0], NOW.date()), &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Inzage voor het hele huishouden"), "the household export concerns each resident");
    let (status, _, page) = app.get("/privacy?van=gisteren", &session).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Van: vul een datum in"));
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
    let report = app.store.purge_expired(NOW + time::Duration::days(800)).await.unwrap();
    assert!(report.households > 0 && report.sessions > 0, "the purge also ends sessions past their limit");
    let (status, _, _) = app.get("/privacy", &session).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "that session is gone");
    let (session, _) = app.login("privacy").await;
    let (_, _, page) = app.get("/privacy?gebeurtenis=retention.purge&dagen=3660", &session).await;
    assert!(page.contains("Gegevens verwijderd na de bewaartermijn") && page.contains("bewaartermijn verstreken"), "purges are on the privacy officer's list");
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
    let (residents, households) = (page.matches("id=\"bewoner-").count() as i64, page.matches("id=\"kop-huishouden-").count() as i64);
    let delta = audited().await - before;
    assert!(delta >= residents && delta <= residents + households, "one search-hit record per resident shown ({delta}, {residents}, {households})");
    assert!(page.contains(&format!("/privacy/rechten/bewoner/{}/inzage", member.id)), "each resident's own export is offered");
    let (status, _, page) = app.post_form("/privacy/rechten", &session, &[("huishouden", &with_case.id.to_string()), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("/privacy/rechten/{}/inzage", with_case.id)), "or by its number");
    let (status, _, page) = app.post_form("/privacy/rechten", &session, &[("huishouden", "999999"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("er is geen huishouden met dit nummer"));

    let before = audited().await;
    let path = format!("/privacy/rechten/{}/inzage", without.id);
    let everyone: Vec<String> = app.m.persons.iter().filter(|p| p.household_id == without.id).map(|p| p.id.to_string()).collect();
    let (status, _, page) = app.post_form(&path, &session, &[("formaat", "html"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a household export needs every adult's consent");
    assert!(page.contains("Toestemming:"), "named by its label");
    assert_eq!(audited().await - before, 0);
    let mut form: Vec<(&str, &str)> = everyone.iter().map(|id| ("toestemming", id.as_str())).collect();
    form.extend([("formaat", "html"), ("csrf", csrf.as_str())]);
    let (status, _, page) = app.post_form(&path, &session, &form).await;
    assert_eq!(status, StatusCode::OK);
    for text in ["Inzage voor het huishouden op", "Bewoners", "Wie uw gegevens inzag of wijzigde, en waarom", "Met toestemming van", member.name.surname.as_str()] {
        assert!(page.contains(text), "{text}");
    }
    assert_eq!(audited().await - before, 1, "the readable export is one record");
    form.retain(|(k, _)| *k != "formaat");
    form.push(("formaat", "json"));
    let (status, headers, body) = app.post_form(&path, &session, &form).await;
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
    if let Some(p) = app.m.persons.iter().find(|p| p.household_id == with_case.id) {
        assert_eq!(app.post_form(&format!("/privacy/rechten/bewoner/{}/inzage", p.id), &session, &[("csrf", &csrf)]).await.0, StatusCode::OK, "and keeps the file");
    }
    let (status, _, page) = app.post_form(&erase, &session, &[("reden", reason), ("bewaarplicht", "geen"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("Huishouden {} is gewist", without.id)));
    assert_eq!(app.post_form(&path, &session, &form).await.0, StatusCode::NOT_FOUND, "nothing left to export");
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
