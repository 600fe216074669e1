//! Cases (trajecten) through the JSON API, as a municipality's case system works with them:
//! opened, changed step by step and closed with the store's own rules, every wrong field
//! named at once with nothing written, another team's case out of reach, every read audited.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn a_case_system_runs_a_case_through_the_api() {
    let app = app("cases-api").await;
    let token = api_token(&app, app.worker()).await;
    let team_of = |household_id: i64| {
        let h = app.m.households.iter().find(|h| h.id == household_id).unwrap();
        let wijk = app.m.addresses[(h.address_id - 1) as usize].buurt.parent();
        app.m.teams.iter().position(|t| Some(&t.wijk) == wijk.as_ref())
    };
    let without_case = |team: usize| {
        app.m.households.iter().map(|h| h.id).find(|&id| team_of(id) == Some(team) && !app.m.cases.iter().any(|c| c.household_id == id && c.closed.is_none())).unwrap()
    };
    let household = without_case(0);

    // Opening: every missing field at once, and nothing written.
    let audited = app.store.counts().await.unwrap().audit_events;
    let (status, body) = api(&app, "POST", "/api/v1/cases", &token, Some(json!({"goal": 7, "opened": "gisteren", "colour": "blauw"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut named = invalid_params(&body);
    named.sort_unstable();
    assert_eq!(named, ["case", "domains", "goal", "householdId", "models", "opened"], "{body}");
    assert_eq!(app.store.counts().await.unwrap().audit_events, audited, "nothing written, nothing audited");
    let (status, body) = api(&app, "POST", "/api/v1/cases", &token, Some(json!({"householdId": household, "models": ["hulp"], "domains": ["financien"], "opened": "2025-01-01"}))).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["opened"]), "the store's rule: at most a year back: {body}");

    // Another team's household is not there.
    let foreign = without_case(1);
    let open = json!({"householdId": foreign, "models": ["hulp"], "domains": ["financien", "sociaal-netwerk"], "goal": "Rust in de post"});
    assert_eq!(api(&app, "POST", "/api/v1/cases", &token, Some(open.clone())).await.0, StatusCode::NOT_FOUND);

    let mut open = open;
    open["householdId"] = household.into();
    let (status, body) = api(&app, "POST", "/api/v1/cases", &token, Some(open.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().unwrap();
    let (status, body) = api(&app, "POST", "/api/v1/cases", &token, Some(open)).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["householdId"]), "one open case per household: {body}");

    // The case page's changes, each through its own resource.
    let case = |path: &str| format!("/api/v1/cases/{id}{path}");
    for (method, path, body) in [
        ("POST", "/goals", json!({"words": "Weer zelf de post openen"})),
        ("POST", "/steps", json!({"what": "Samen de brieven sorteren", "who": "bewoner en werker", "dueOn": "2026-12-05"})),
        ("POST", "/help", json!({"what": "Voedselpakket geregeld", "on": "2026-11-28"})),
        ("PUT", "/phase", json!({"phase": "actief", "lastingContact": true})),
        ("PUT", "/domains", json!({"domains": ["financien", "sociaal-netwerk", "huisvesting"]})),
        ("POST", "/journal", json!({"body": "Tweede gesprek; de brieven liggen in een doos."})),
    ] {
        let (status, answer) = api(&app, method, &case(path), &token, Some(body)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{method} {path}: {answer}");
    }
    let (status, body) = api(&app, "POST", &case("/zrm-assessments"), &token, Some(json!({"scores": {"financien": 2, "sociaal-netwerk": 3}}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = api(&app, "POST", &case("/network"), &token, Some(json!({"role": "buur", "name": "Henk", "reach": "naast de deur"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let member = body["id"].as_i64().unwrap();
    let (status, body) = api(&app, "POST", &case("/referrals"), &token, Some(json!({"target": "schuldhulp", "organisation": "Schuldhulp Noord", "reason": "Achterstanden bij drie schuldeisers", "handoverOn": "2026-12-01"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let referral = body["id"].as_i64().unwrap();

    let audited = app.store.counts().await.unwrap().audit_events;
    let (status, file) = api(&app, "GET", &case(""), &token, None).await;
    assert_eq!(status, StatusCode::OK, "{file}");
    assert!(app.store.counts().await.unwrap().audit_events > audited, "reading a case is audited");
    assert_eq!((file["householdId"].as_i64(), file["phase"].as_str(), file["lastingContact"].as_bool()), (Some(household), Some("actief"), Some(true)), "{file}");
    let goals: Vec<&str> = file["goals"].as_array().unwrap().iter().map(|g| g["words"].as_str().unwrap()).collect();
    assert_eq!(goals, ["Rust in de post", "Weer zelf de post openen"], "{file}");
    assert_eq!(file["steps"][0]["dueOn"], "2026-12-05");
    assert_eq!(file["help"][0]["givenOn"], "2026-11-28");
    assert_eq!(file["domains"].as_array().unwrap().len(), 3);
    assert_eq!(file["assessments"][0]["scores"].as_array().unwrap().len(), 2, "{file}");
    assert_eq!((file["network"][0]["id"].as_i64(), file["network"][0]["role"].as_str()), (Some(member), Some("buur")));
    assert_eq!((file["referrals"][0]["id"].as_i64(), file["referrals"][0]["nextCheck"].as_str()), (Some(referral), Some("2026-12-15")), "14 days after the handover: {file}");
    assert_eq!(file["journal"][0]["author"].as_str().map(str::is_empty), Some(false));
    assert!(file["withheld"].is_null(), "{file}");

    // Wrong input names every field; the store's rules too; nothing changes.
    let (status, body) = api(&app, "POST", &case("/steps"), &token, Some(json!({"what": "x", "dueOn": "2026-13-01"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut named = invalid_params(&body);
    named.sort_unstable();
    assert_eq!(named, ["dueOn", "who"], "{body}");
    let (status, body) = api(&app, "POST", &case("/steps"), &token, Some(json!({"what": "x", "who": "werker", "dueOn": "2026-12-05"}))).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["what"]), "the store's length rule: {body}");
    let (status, body) = api(&app, "POST", &case("/zrm-assessments"), &token, Some(json!({"scores": {"justitie": 2}}))).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["scores"]), "a domain outside the case's purpose is refused: {body}");
    let (status, body) = api(&app, "POST", &case("/zrm-assessments"), &token, Some(json!({"scores": {"financien": 9}, "on": "2027-01-01"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(invalid_params(&body), ["scores"], "{body}");
    let (status, body) = api(&app, "POST", &format!("/api/v1/referrals/{referral}/checks"), &token, Some(json!({"outcome": "nog-niet"}))).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["note"]), "not started needs a note: {body}");
    let (status, again) = api(&app, "GET", &case(""), &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((again["steps"].clone(), again["assessments"].clone(), again["referrals"][0]["checks"].clone()), (file["steps"].clone(), file["assessments"].clone(), json!([])), "nothing written");

    // Done and reached by their own ids; a removed member; the referral's help started.
    let step = file["steps"][0]["id"].as_i64().unwrap();
    let goal = file["goals"][0]["id"].as_i64().unwrap();
    assert_eq!(api(&app, "POST", &case(&format!("/steps/{step}/done")), &token, Some(json!({}))).await.0, StatusCode::NO_CONTENT);
    assert_eq!(api(&app, "POST", &case(&format!("/goals/{goal}/reached")), &token, Some(json!({"on": "2026-11-28"}))).await.0, StatusCode::NO_CONTENT);
    assert_eq!(api(&app, "POST", &case(&format!("/steps/{step}/done")), &token, Some(json!({}))).await.0, StatusCode::NOT_FOUND, "done once");
    assert_eq!(api(&app, "DELETE", &case(&format!("/network/{member}")), &token, None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(api(&app, "POST", &format!("/api/v1/referrals/{referral}/checks"), &token, Some(json!({"outcome": "gestart"}))).await.0, StatusCode::NO_CONTENT);

    // Closing: another reason needs a note; then closed, and a closed case takes no changes.
    let (status, body) = api(&app, "POST", &case("/close"), &token, Some(json!({"reason": "anders"}))).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["note"]), "{body}");
    assert_eq!(api(&app, "POST", &case("/close"), &token, Some(json!({"reason": "doelen-bereikt"}))).await.0, StatusCode::NO_CONTENT);
    let (status, body) = api(&app, "POST", &case("/goals"), &token, Some(json!({"words": "Nog een doel"}))).await;
    assert_eq!((status, invalid_params(&body)), (StatusCode::BAD_REQUEST, vec!["case"]), "{body}");
    let (_, file) = api(&app, "GET", &case(""), &token, None).await;
    assert_eq!((file["closeReason"].as_str(), file["network"].as_array().map(Vec::len), file["referrals"][0]["nextCheck"].clone()), (Some("doelen-bereikt"), Some(0), json!(null)), "{file}");
    assert_eq!(file["goals"][0]["reachedOn"], "2026-11-28");

    // Another team's case answers 404 for every operation; a partner is refused.
    let other_team = app.m.workers.iter().find(|w| w.role == domain::model::Role::Worker && w.team_id == Some(app.m.teams[1].id)).unwrap();
    let other = api_token(&app, &other_team.username).await;
    let (status, body) = api(&app, "POST", "/api/v1/cases", &other, Some(json!({"householdId": foreign, "models": ["hulp"], "domains": ["financien"]}))).await;
    assert_eq!(status, StatusCode::CREATED, "their own team opens it: {body}");
    let theirs = body["id"].as_i64().unwrap();
    for (method, path, body) in [("GET", String::new(), None), ("POST", "/goals".into(), Some(json!({"words": "Een doel"}))), ("PUT", "/phase".into(), Some(json!({"phase": "actief"})))] {
        let (status, body) = api(&app, method, &format!("/api/v1/cases/{theirs}{path}"), &token, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
    }
    let partner = api_token(&app, "partner").await;
    assert_eq!(api(&app, "GET", &case(""), &partner, None).await.0, StatusCode::FORBIDDEN);
}
