//! The web shell end to end through the real router and a real SQLite database: search and the
//! household page, form and API validation, the OpenAPI document, contact and follow-through,
//! the first-visit brief, the case pages and the address upload.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;

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

#[tokio::test]
async fn api_validates_with_dutch_field_errors_and_writes_all_or_nothing() {
    let app = app("api").await;
    let token = api_token(&app, app.worker()).await;
    let (status, body) = api(&app, "GET", "/api/v1/me", &token, None).await;
    assert_eq!((status, body["role"].as_str()), (StatusCode::OK, Some("worker")));
    let (status, body) = api(&app, "GET", "/api/v1/me", "nonsense", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["title"], "Niet aangemeld");

    let before = app.store.counts().await.unwrap();
    let buurt = app.m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&app.m.teams[0].wijk)).unwrap().code.code();
    let mut new = serde_json::json!({"straat": "Kerkstraat", "huisnummer": "12", "postcode": "12345", "woonplaats": "Testdorp", "buurt": buurt, "achternaam": "Jansen", "geboortedatum": "1970-02-01", "bsn": "12"});
    let (status, body) = api(&app, "POST", "/api/v1/households", &token, Some(new.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "invalid input is 400 (ADR), every bad field at once");
    assert_eq!(invalid_params(&body), vec!["postcode", "bsn"]);
    assert!(body["invalid-params"][0]["reason"].as_str().unwrap().starts_with("Postcode: "));
    assert!(body["invalid-params"][0]["reason-en"].as_str().unwrap().starts_with("Postcode: "));
    assert_eq!(app.store.counts().await.unwrap(), before);
    new["huisnummer"] = "0".into();
    new["postcode"] = "1234AB".into();
    new["bsn"] = serde_json::Value::Null;
    let (status, _) = api(&app, "POST", "/api/v1/households", &token, Some(new.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "null for a text field is not the expected shape");
    new.as_object_mut().unwrap().remove("bsn");
    let (status, body) = api(&app, "POST", "/api/v1/households", &token, Some(new.clone())).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["huisnummer"]));
    new["huisnummer"] = "12-2".into();
    let (status, body) = api(&app, "POST", "/api/v1/households", &token, Some(new)).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = body["id"].as_i64().unwrap();
    let (status, body) = api(&app, "GET", &format!("/api/v1/households/{id}"), &token, None).await;
    assert_eq!((status, body["address"]["houseNumber"].as_str()), (StatusCode::OK, Some("12-2")));
    let (status, body) = api(&app, "POST", "/api/v1/households/search", &token, Some(serde_json::json!({"postcode": "1234 ab", "huisnummer": "12-2"}))).await;
    assert_eq!((status, body["households"][0]["id"].as_i64()), (StatusCode::OK, Some(id)));
    let (status, _) = api(&app, "POST", "/api/v1/households/search", &token, Some(serde_json::json!({"postcode": "SA12"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
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
    // ADR /core/doc-openapi-contact: the contact from the settings, checked when it is read.
    assert_eq!(doc["info"]["contact"], serde_json::json!({"name": "Functioneel beheer Eropaf", "url": "https://eropaf.example/api", "email": "api@eropaf.example"}));
    for (name, url, email, wrong) in [("", "https://a.example", "a@b.example", "api.contact_name"), ("Beheer", "http://a.example", "a@b.example", "api.contact_url"), ("Beheer", "https://a.example", "geen-adres", "api.contact_email"), ("Beheer", "https://a.example", "a@localhost", "api.contact_email")] {
        assert!(web::api::ApiContact::new(name, url, email).unwrap_err().starts_with(wrong), "{name} {url} {email}");
    }
    assert!(web::api::openapi_document(None)["info"].get("contact").is_none(), "no contact unless the settings give one");
    // Every documented operation is routed (a wrong method or path would be 404/405).
    let token = api_token(&app, app.worker()).await;
    let own = app.m.households.iter().find(|h| app.m.addresses[(h.address_id - 1) as usize].buurt.parent().as_ref() == Some(&app.m.teams[0].wijk)).unwrap();
    // Signals are the partner's: its token, and a signal it sent.
    let partner_token = api_token(&app, "partner").await;
    let sent = app.m.signals.iter().find(|s| s.partner_id == Some(app.m.partners[0].id)).unwrap();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let (id, token) = if path.starts_with("/signals") { (sent.id, &partner_token) } else { (own.id, &token) };
            let concrete = format!("/api/v1{}", path.replace("{id}", &id.to_string()).replace("{goalId}", "1").replace("{stepId}", "1").replace("{memberId}", "1"));
            let body = if method == "post" || method == "put" { Some(serde_json::json!({})) } else { None };
            let (status, body) = api(&app, &method.to_uppercase(), &concrete, token, body).await;
            // A record that is not there is 404 too, but not "no such address".
            let unrouted = status == StatusCode::NOT_FOUND && body["detail-en"].as_str().is_some_and(|d| d.contains("no such address"));
            assert!(status != StatusCode::METHOD_NOT_ALLOWED && !unrouted, "{method} {path} is routed: {status}");
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
    let (status, body) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(serde_json::json!({"householdId": h.id, "kind": "huisbezoek", "at": at, "reached": false, "outcome": "niet-thuis", "dayPart": "ochtend"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["id"].as_i64().is_some());
    let next = &body["nextProposal"];
    assert!(next["kind"].is_string() && next["dayPart"].is_string() && next["notBefore"].as_str().is_some_and(|d| d > "2026-11-28"), "{body}");
    let (status, body) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(serde_json::json!({"household_id": h.id, "day_part": "ochtend", "kind": "telefoon", "at": at, "reached": true, "outcome": "gesproken", "note": "afspraak volgende week"}))).await;
    assert_eq!(status, StatusCode::CREATED, "0.1.0's snake_case keys are still accepted for one release: {body}");
    assert_eq!(body["nextProposal"], serde_json::Value::Null, "reached: no proposal");
    assert_eq!(attempts().await, before + 2);

    let bad = [
        (serde_json::json!({"householdId": h.id, "kind": "duif", "at": at, "reached": false, "outcome": "niet-thuis"}), "kind"),
        (serde_json::json!({"householdId": h.id, "kind": "brief", "at": "2026-11-29T09:30:00+01:00", "reached": false, "outcome": "geen-reactie"}), "at"),
        (serde_json::json!({"householdId": h.id, "kind": "brief", "at": "gisteren", "reached": false, "outcome": "geen-reactie"}), "at"),
        (serde_json::json!({"householdId": h.id, "kind": "brief", "at": at, "reached": true, "outcome": "niet-thuis"}), "outcome"),
        (serde_json::json!({"householdId": h.id, "kind": "brief", "at": at, "reached": false}), "outcome"),
        (serde_json::json!({"householdId": h.id, "kind": "brief", "at": at, "reached": false, "outcome": "geen-reactie", "extra": 1}), "contactAttempt"),
        (serde_json::json!({"householdId": h.id, "kind": "brief", "at": at, "reached": false, "outcome": "geen-reactie", "dayPart": "nacht"}), "dayPart"),
        (serde_json::json!({"household_id": 0, "kind": "brief", "at": at, "reached": false, "outcome": "geen-reactie"}), "householdId"),
    ];
    for (input, field) in bad {
        let (status, body) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(input.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{input}");
        assert!(invalid_params(&body).contains(&field), "{input}: {body}");
    }
    let foreign = app.household_of_team(1);
    let (status, _) = api(&app, "POST", "/api/v1/contact-attempts", &token, Some(serde_json::json!({"household_id": foreign.id, "kind": "brief", "at": at, "reached": false, "outcome": "geen-reactie"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "outside need-to-know");
    assert_eq!(attempts().await, before + 2, "nothing written by refused requests");

    let (status, body) = api(&app, "GET", "/api/v1/out-of-view", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    for row in body.as_array().unwrap() {
        assert!(row["daysOverdue"].as_i64().unwrap() >= 1 && ["planned-contact-overdue", "no-contact"].contains(&row["reason"].as_str().unwrap()), "{row}");
        assert_ne!(row["householdId"], foreign.id);
    }

    let address = |h: &domain::model::Household| app.m.addresses[(h.address_id - 1) as usize].clone();
    let own = address(h);
    let query = format!("/api/v1/households?postcode={}&houseNumber={}", own.postcode.display().replace(' ', "%20"), own.house_number);
    let (status, body) = api(&app, "GET", &query, &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["households"].as_array().unwrap().iter().any(|x| x["id"] == h.id), "{body}");
    let other = address(foreign);
    let (status, body) = api(&app, "GET", &format!("/api/v1/households?postcode={}&house_number={}", other.postcode.display().replace(' ', ""), other.house_number), &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["households"].as_array().unwrap().iter().all(|x| x["id"] != foreign.id), "another team's household is not found");
    let (status, body) = api(&app, "GET", "/api/v1/households?postcode=1234AB", &token, None).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["huisnummer"]));
    let (status, body) = api(&app, "GET", "/api/v1/households?postcode=%FF&houseNumber=1", &token, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an unreadable query string is a problem too: {body}");
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
    let elsewhere = app.m.buurten.iter().find(|b| b.code.parent().as_ref() != Some(&app.m.teams[0].wijk)).unwrap().code.code();
    let upload = |file: String| bag_upload(&session, &csrf, &file);
    let count = || async { app.store.inspect().await.unwrap().fetch_i64("SELECT COUNT(*) FROM addresses", &[]).await.unwrap() };
    let before = count().await;
    // BAG's attribute names, `;` between fields, a decimal comma, a shop that is no home.
    let header = "openbareruimtenaam;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaatsnaam;gebruiksdoel;x;y;buurtcode\r\n";
    let bad = format!("{header}Nieuwe Laan;1;;;9901 AA;Testdorp;woonfunctie;155000;463000;{buurt}\r\nNieuwe Laan;2x;;;9901 AA;Testdorp;woonfunctie;155010;463000;{buurt}\r\nNieuwe Laan;4;;;9901 AA;Testdorp;woonfunctie;155020;463000;{elsewhere}\r\n");
    let (status, _, body) = app.send(upload(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("regel 3: veld huisnummer"), "the bad line and field are named: {body}");
    assert!(body.contains("Er is niets opgeslagen"));
    assert_eq!(count().await, before, "nothing stored");
    let outside = format!("{header}Nieuwe Laan;4;;;9901 AA;Testdorp;woonfunctie;155020;463000;{elsewhere}\r\n");
    let (status, _, body) = app.send(upload(outside)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("regel 2: veld buurtcode"), "a buurt of another team is named: {body}");
    assert_eq!(count().await, before, "nothing stored");
    let good = format!("{header}Nieuwe Laan;1;;;9901 AA;Testdorp;woonfunctie;155000;463000;{buurt}\r\nNieuwe Laan;2;b;3;9901 AA;Testdorp;\"woonfunctie,winkelfunctie\";155010,5;463000;{buurt}\r\nNieuwe Laan;3;;;9901 AA;Testdorp;winkelfunctie;155020;463000;{buurt}\r\n");
    let (status, _, body) = app.send(upload(good.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("2 adressen toegevoegd, 0 waren al bekend, 1 objecten zonder woonfunctie overgeslagen."), "{body}");
    assert_eq!(count().await, before + 2);
    let (_, _, body) = app.send(upload(good)).await;
    assert!(body.contains("0 adressen toegevoegd, 2 waren al bekend"));
    assert_eq!(count().await, before + 2);
}

/// Issue 27, finding 12: one body limit per route, stated on the page, and the right answer for
/// each: a 3 MB address file is read (the framework's 2 MB default no longer answers first with
/// a bare 400), a 5 MB one is refused with the page's own words; the API answers 413 and 415 as
/// what they are, not as "no valid JSON".
#[tokio::test]
async fn body_limits_are_per_route_and_say_what_is_wrong() {
    let app = app("limits").await;
    let (session, _) = app.login(app.worker()).await;
    let (_, _, page) = app.get("/adressen/importeren", &session).await;
    assert!(page.contains("Hoogstens 4 MB"), "the page states the limit");
    let csrf = hidden(&page, "csrf");
    let upload = |file: String| bag_upload(&session, &csrf, &file);
    let header_line = "openbareruimtenaam,huisnummer,huisletter,huisnummertoevoeging,postcode,woonplaatsnaam,gebruiksdoel,x,y,buurtcode\n";
    let (status, _, body) = app.send(upload(format!("{header_line}{}\n", "x".repeat(3 * 1024 * 1024)))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a 3 MB file is read and its line named");
    assert!(body.contains("regel 2"), "{}", &body[..body.len().min(2000)]);
    let (status, _, body) = app.send(upload(format!("{header_line}{}\n", "x".repeat(5 * 1024 * 1024)))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.contains("Bestand: hoogstens 4 MB; splits het per buurt."), "{}", &body[..body.len().min(2000)]);

    let token = api_token(&app, app.worker()).await;
    let post = |content_type: &'static str, body: String| {
        Request::post("/api/v1/households/search")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let problem = |status, headers: &axum::http::HeaderMap, body: &str| {
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_problem(status, headers, &body);
        body["detail"].as_str().unwrap().to_string()
    };
    let (status, headers, body) = app.send(post("text/plain", "{}".into())).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert!(problem(status, &headers, &body).contains("Stuur de inhoud als JSON"), "{body}");
    let (status, headers, body) = app.send(post("application/json", format!("{{\"surname\": \"{}\"}}", "a".repeat(300 * 1024)))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{}", &body[..body.len().min(500)]);
    assert!(problem(status, &headers, &body).contains("te groot"), "{body}");
    let (status, headers, body) = app.send(post("application/json", "{niet json".into())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(problem(status, &headers, &body).contains("geen geldige JSON"), "{body}");
}

/// ADR API-57: every response of the API carries its full semantic version, errors and unknown
/// paths included, and the document declares the header on every success response.
#[tokio::test]
async fn every_api_response_carries_the_api_version_header() {
    let app = app("apiversion").await;
    let token = api_token(&app, app.worker()).await;
    let cases = [
        ("/api/v1/me", format!("Bearer {token}"), StatusCode::OK),
        ("/api/v1/me", "Bearer nonsense".to_string(), StatusCode::UNAUTHORIZED),
        ("/api/v1/bestaat-niet", format!("Bearer {token}"), StatusCode::NOT_FOUND),
        ("/api/v1/openapi.json", String::new(), StatusCode::OK),
    ];
    for (path, auth, expected) in cases {
        let req = Request::get(path).header(header::AUTHORIZATION, auth).body(Body::empty()).unwrap();
        let (status, headers, _) = app.send(req).await;
        assert_eq!(status, expected, "{path}");
        assert_eq!(headers.get("api-version").and_then(|v| v.to_str().ok()), Some(web::api::API_VERSION), "{path} ({status}) carries API-Version");
    }
    // Not on the pages: the header belongs to the API.
    let (_, headers, _) = app.send(Request::get("/inloggen").body(Body::empty()).unwrap()).await;
    assert!(headers.get("api-version").is_none());

    let (_, doc) = api(&app, "GET", "/api/v1/openapi.json", "", None).await;
    assert_eq!(doc["info"]["version"], web::api::API_VERSION);
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for (code, response) in op["responses"].as_object().unwrap() {
                if code.starts_with('2') || code.starts_with('3') {
                    assert_eq!(response["headers"]["API-Version"]["$ref"], "#/components/headers/API-Version", "{method} {path} {code}");
                }
            }
        }
    }
}

/// ADR `/core/error-handling`: every error of the API is an RFC 9457 problem — the fallback,
/// a method the path does not take, a number that is no number, a missing token — each with
/// its own occurrence id, and the document says so for every 4xx and 5xx.
#[tokio::test]
async fn every_api_error_is_a_problem_with_its_own_occurrence() {
    let app = app("problems").await;
    let token = api_token(&app, app.worker()).await;
    let (status, first) = api(&app, "GET", "/api/v1/bestaat-niet", &token, None).await;
    assert_eq!((status, first["title"].as_str()), (StatusCode::NOT_FOUND, Some("Niet gevonden")));
    let (_, second) = api(&app, "GET", "/api/v1/bestaat-niet", &token, None).await;
    assert_ne!(first["instance"], second["instance"], "each occurrence has its own id");
    // A wrong address says so; a record out of reach does not say whether it exists.
    assert!(first["detail"].as_str().unwrap().contains("geen adres als dit"), "{first}");
    let (status, missing) = api(&app, "GET", "/api/v1/households/999999", &token, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_ne!(missing["detail"], first["detail"], "{missing}");

    let req = Request::delete("/api/v1/households/1").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    let (status, headers, body) = app.send(req).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_problem(status, &headers, &serde_json::from_str(&body).unwrap());
    assert!(headers.get(header::ALLOW).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("GET")), "{headers:?}");

    for bad in ["abc", "0", "-3", "99999999999999999999"] {
        let (status, body) = api(&app, "GET", &format!("/api/v1/households/{bad}"), &token, None).await;
        assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["id"]), "{bad}");
    }
    let (status, body) = api(&app, "GET", "/api/v1/signals/x", &token, None).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["id"]));

    let req = Request::get("/api/v1/me").body(Body::empty()).unwrap();
    let (status, headers, body) = app.send(req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_problem(status, &headers, &serde_json::from_str(&body).unwrap());
    assert_eq!(headers.get(header::WWW_AUTHENTICATE).unwrap(), "Bearer");

    let (_, doc) = api(&app, "GET", "/api/v1/openapi.json", "", None).await;
    assert_eq!(doc["components"]["schemas"]["Problem"]["required"], serde_json::json!(["type", "title", "title-en", "status", "detail", "detail-en", "instance"]));
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for (code, response) in op["responses"].as_object().unwrap() {
                if code.starts_with('4') || code.starts_with('5') {
                    let media: Vec<&String> = response["content"].as_object().unwrap().keys().collect();
                    assert_eq!(media, vec!["application/problem+json"], "{method} {path} {code}");
                }
            }
            assert!(op["responses"].get("422").is_none(), "{method} {path}: invalid input is 400");
        }
    }
}
