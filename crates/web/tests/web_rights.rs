//! Residents' rights per person on screen (issue 21): the privacy officer opens one resident's
//! access export — readable by the resident (plain Dutch, Dutch dates, no code words, printable)
//! and as JSON — without the housemate's data, and erases one resident while the housemate and
//! the household stay; refusals say why. POST forms only, CSRF checked, ids in URLs only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::{header, StatusCode};
use common::*;

#[tokio::test]
async fn one_residents_export_and_erasure_leave_the_housemate_out_and_intact() {
    let app = app("rights-person").await;
    let (session, csrf) = app.login("privacy").await;
    let csrf = if csrf.is_empty() { hidden(&app.get("/privacy/rechten", &session).await.2, "csrf") } else { csrf };
    let open: std::collections::HashSet<i64> = app.m.cases.iter().filter(|c| c.closed.is_none()).map(|c| c.household_id).collect();
    let open_signal: std::collections::HashSet<i64> = app.m.signal_cases.iter().filter(|c| c.closed_on.is_none()).map(|c| c.household_id).collect();
    let home = app
        .m
        .households
        .iter()
        .find(|h| !open.contains(&h.id) && !open_signal.contains(&h.id) && app.m.persons.iter().filter(|p| p.household_id == h.id).count() >= 2)
        .unwrap();
    let members: Vec<_> = app.m.persons.iter().filter(|p| p.household_id == home.id).collect();
    let (me, housemate) = (members[0], members[1]);

    // The lookup offers each resident by number, initials and birth date.
    let (status, _, page) = app.post_form("/privacy/rechten", &session, &[("huishouden", &home.id.to_string()), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("Bewoner {}", me.id)) && page.contains(&format!("/privacy/rechten/bewoner/{}/wissen", me.id)));

    let path = format!("/privacy/rechten/bewoner/{}/inzage", me.id);
    assert_eq!(app.post_form(&path, &session, &[("formaat", "html"), ("csrf", "vervalst")]).await.0, StatusCode::BAD_REQUEST, "CSRF");
    let (status, headers, page) = app.post_form(&path, &session, &[("formaat", "html"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-store"));
    assert!(page.contains(&me.name.given_names) && page.contains("Uw gegevens") && page.contains("Wie uw gegevens inzag of wijzigde, en waarom"));
    assert!(page.contains("november 2026") || page.contains("december 2026"), "dates in Dutch form");
    assert!(page.contains("Inzage voor één bewoner"), "the export itself is on the list, in plain Dutch");
    for code in ["household.", "person.export", "search-hit", "demo.load", "niet-thuis", "huisbezoek\"", "2026-11-28"] {
        assert!(!page.contains(code), "no code words or ISO dates: {code}");
    }
    if housemate.name.given_names != me.name.given_names {
        assert!(!page.contains(&housemate.name.given_names), "not the housemate's name");
    }
    assert!(!page.contains(&housemate.birth_date.to_string()), "not the housemate's birth date");
    let (status, headers, body) = app.post_form(&path, &session, &[("formaat", "json"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_DISPOSITION).and_then(|v| v.to_str().ok()), Some(format!("attachment; filename=\"inzage-bewoner-{}.json\"", me.id).as_str()));
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["person_id"], me.id);
    assert_eq!(json["persons"].as_array().unwrap().len(), 1, "only the resident's own person record");
    assert!(!body.contains(&format!("\"id\": {},", housemate.id)) || json["persons"][0]["id"] == me.id);

    // Erasure of one resident: the ground and confirmation are required; then the housemate stays.
    let erase = format!("/privacy/rechten/bewoner/{}/wissen", me.id);
    let (status, _, page) = app.get(&erase, &session).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("De huisgenoten") || page.contains("de huisgenoten"), "the form says what stays");
    let (status, _, page) = app.post_form(&erase, &session, &[("reden", ""), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Reden: vul dit veld in.") && page.contains("Bewaarplicht: bevestig"));
    let reason = "verzoek van de bewoner van 28 november; geen traject, geen bewaarplicht";
    if let Some(busy) = app.m.persons.iter().find(|p| open.contains(&p.household_id)) {
        let (status, _, page) = app.post_form(&format!("/privacy/rechten/bewoner/{}/wissen", busy.id), &session, &[("reden", reason), ("bewaarplicht", "geen"), ("csrf", &csrf)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Er loopt nog een traject met het huishouden van deze bewoner"), "refused, saying why");
    }
    let (status, _, page) = app.post_form(&erase, &session, &[("reden", reason), ("bewaarplicht", "geen"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("Bewoner {} is gewist", me.id)) && page.contains("huisgenoten blijven"));
    assert_eq!(app.post_form(&path, &session, &[("csrf", &csrf)]).await.0, StatusCode::NOT_FOUND, "nothing left of the resident");
    let (status, _, page) = app.post_form(&format!("/privacy/rechten/bewoner/{}/inzage", housemate.id), &session, &[("formaat", "html"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK, "the housemate stays");
    assert!(page.contains(&housemate.name.given_names));
    assert!(matches!(app.store.verify_audit_chain().await.unwrap(), store::audit::ChainCheck::Intact { .. }), "the chain still verifies");

    // Only the privacy officer.
    let (other, other_csrf) = app.login(app.worker()).await;
    assert_eq!(app.post_form(&format!("/privacy/rechten/bewoner/{}/inzage", housemate.id), &other, &[("csrf", &other_csrf)]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/privacy/rechten/bewoner/{}/wissen", housemate.id), &other).await.0, StatusCode::FORBIDDEN);
}
