//! Accounts set up on screen (issue 20), on SQLite and PostgreSQL: a password-reset code works
//! once, until its expiry by the `now` given, and a new one voids the earlier; a second factor
//! being enrolled stays the same secret until it is confirmed; the administrator's changes are
//! refused to anyone else and audited with ids, never names or secrets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{postgres_url, sqlite_url, NOW};
use domain::model::{PartnerType, Role};
use store::audit::AuditFilter;
use store::{Access, Actor, NewUser, Setup, Store, StoreError};
use time::Duration;

async fn fresh(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn account(username: &str, role: Role) -> NewUser {
    NewUser { username: username.into(), display_name: format!("Naam {username}"), role, team_id: None, partner_id: None, models: vec![] }
}

async fn trail(store: &Store, event: &str) -> Vec<String> {
    let filter = AuditFilter { household_id: None, username: None, event: Some(event.into()), since: NOW - Duration::days(30) };
    store.audit_search(&filter, 100).await.unwrap().into_iter().filter_map(|r| r.reason).collect()
}

// ---------------------------------------------------------------------------------------------
// Password reset codes.

#[tokio::test]
async fn a_reset_code_works_once_until_it_expires_on_sqlite() {
    reset_codes(&sqlite_url("reset-codes")).await;
}

#[tokio::test]
async fn a_reset_code_works_once_until_it_expires_on_postgres() {
    reset_codes(&postgres_url("reset_codes")).await;
}

async fn reset_codes(url: &str) {
    let store = fresh(url).await;
    let cli = Setup::Cli { command: "test", now: NOW };
    let id = store.add_account(&cli, &account("anna", Role::PrivacyOfficer), Some("oud-hash")).await.unwrap();
    store.create_session("sessie", id, "csrf", true, NOW).await.unwrap();
    let redeem = |code: &'static str, name: &'static str, at: time::OffsetDateTime| {
        let store = store.clone();
        async move { store.redeem_password_reset(name, code, "nieuw-hash", "POST /inloggen/herstellen", at).await.unwrap() }
    };
    let password = || async { store.user_for_login("anna").await.unwrap().unwrap().1 };

    let expires = store.start_password_reset(&cli, id, "code-1").await.unwrap();
    assert_eq!(expires, NOW + Duration::hours(24));
    assert!(!redeem("code-1", "bert", NOW).await, "the code of another account's name");
    assert!(!redeem("code-x", "anna", NOW).await, "a wrong code");
    assert_eq!(password().await.as_deref(), Some("oud-hash"), "a refusal changes nothing");
    assert!(store.session("sessie").await.unwrap().is_some());
    assert!(trail(&store, "account.change").await.iter().all(|r| !r.contains("wachtwoord ingesteld")), "and records nothing");

    assert!(redeem("code-1", "anna", NOW + Duration::hours(23)).await);
    assert_eq!(password().await.as_deref(), Some("nieuw-hash"));
    assert!(store.session("sessie").await.unwrap().is_none(), "every session of the account ended");
    assert!(!redeem("code-1", "anna", NOW + Duration::hours(23)).await, "used once");

    // Expiry by the `now` given: a second before the end it would work, at the end it doesn't.
    store.start_password_reset(&cli, id, "code-2").await.unwrap();
    assert!(!redeem("code-2", "anna", NOW + Duration::hours(24)).await, "expired at 24 hours");
    store.start_password_reset(&cli, id, "code-3").await.unwrap();
    assert!(redeem("code-3", "anna", NOW + Duration::hours(24) - Duration::seconds(1)).await, "valid just before");

    // A new code voids the earlier one.
    store.start_password_reset(&cli, id, "code-4").await.unwrap();
    store.start_password_reset(&cli, id, "code-5").await.unwrap();
    assert!(!redeem("code-4", "anna", NOW).await, "voided by the newer code");
    assert!(redeem("code-5", "anna", NOW).await);

    // A blocked account redeems nothing; only an administrator starts a reset.
    store.start_password_reset(&cli, id, "code-6").await.unwrap();
    store.block_account(&cli, id, true).await.unwrap();
    assert!(!redeem("code-6", "anna", NOW).await, "blocked");
    let officer = Actor { user_id: id, role: Role::PrivacyOfficer, team_id: None, partner_id: None };
    let access = Access { actor: &officer, route: "POST /beheer/accounts", now: NOW };
    assert!(matches!(store.start_password_reset(&Setup::Admin(&access), id, "code-7").await, Err(StoreError::Forbidden)));
    assert!(matches!(store.start_password_reset(&cli, 999_999, "code-8").await, Err(StoreError::NotFound)));

    let changes = trail(&store, "account.change").await;
    assert_eq!(changes.iter().filter(|r| r.starts_with(&format!("account {id}: herstelcode uitgegeven, geldig tot"))).count(), 6, "{changes:?}");
    assert_eq!(changes.iter().filter(|r| **r == format!("account {id}: wachtwoord ingesteld met een herstelcode")).count(), 3, "{changes:?}");
    assert!(changes.iter().all(|r| !r.contains("code-") && !r.contains("anna") && !r.contains("hash")), "{changes:?}");

    // The daily purge takes the used and expired codes; one still to redeem stays.
    store.block_account(&cli, id, false).await.unwrap();
    store.start_password_reset(&Setup::Cli { command: "test", now: NOW + Duration::hours(30) }, id, "code-9").await.unwrap();
    let left = || async { store.inspect().await.unwrap().fetch_i64("SELECT COUNT(*) FROM password_resets", &[]).await.unwrap() };
    assert!(left().await > 1);
    store.purge_expired(NOW + Duration::hours(31)).await.unwrap();
    assert_eq!(left().await, 1, "only the code still to redeem is left");
    assert!(redeem("code-9", "anna", NOW + Duration::hours(31)).await);
}

// ---------------------------------------------------------------------------------------------
// The second factor a user enrols.

#[tokio::test]
async fn an_enrolling_secret_stays_until_confirmed_or_reset_on_sqlite() {
    enrolment(&sqlite_url("enrolment")).await;
}

#[tokio::test]
async fn an_enrolling_secret_stays_until_confirmed_or_reset_on_postgres() {
    enrolment(&postgres_url("enrolment")).await;
}

async fn enrolment(url: &str) {
    let store = fresh(url).await;
    let cli = Setup::Cli { command: "test", now: NOW };
    let id = store.add_account(&cli, &account("bert", Role::Admin), Some("hash")).await.unwrap();
    let actor = store.user_by_id(id).await.unwrap().unwrap().actor();
    let access = Access { actor: &actor, route: "POST /inloggen/code", now: NOW };

    assert_eq!(store.pending_totp(id, "GEHEIM-1").await.unwrap().as_deref(), Some("GEHEIM-1"), "made once");
    assert_eq!(store.pending_totp(id, "GEHEIM-2").await.unwrap().as_deref(), Some("GEHEIM-1"), "the same on every reload");
    assert!(!store.confirm_totp(&access, "GEHEIM-2", 7).await.unwrap(), "only the pending secret is confirmed");
    assert_eq!(store.totp_secret(id).await.unwrap(), None);
    assert!(store.confirm_totp(&access, "GEHEIM-1", 7).await.unwrap());
    assert_eq!(store.totp_secret(id).await.unwrap(), Some(("GEHEIM-1".to_string(), Some(7))), "with the confirming step used");
    assert!(!store.use_totp_step(id, 7).await.unwrap(), "so that code does not log in again");
    assert_eq!(store.pending_totp(id, "GEHEIM-3").await.unwrap(), None, "enrolled: nothing pending any more");
    assert!(!store.confirm_totp(&access, "GEHEIM-1", 8).await.unwrap(), "and nothing to confirm twice");

    // Reset by an administrator: both secrets and the sessions go; the next enrolment is new.
    store.create_session("sessie", id, "csrf", true, NOW).await.unwrap();
    store.reset_second_factor(&cli, id).await.unwrap();
    assert_eq!(store.totp_secret(id).await.unwrap(), None);
    assert!(store.session("sessie").await.unwrap().is_none());
    assert_eq!(store.pending_totp(id, "GEHEIM-4").await.unwrap().as_deref(), Some("GEHEIM-4"));
    store.reset_second_factor(&cli, id).await.unwrap();
    assert_eq!(store.pending_totp(id, "GEHEIM-5").await.unwrap().as_deref(), Some("GEHEIM-5"), "a reset replaces a pending secret too");

    let changes = trail(&store, "account.change").await;
    assert!(changes.contains(&format!("account {id}: tweede factor ingesteld door de gebruiker")), "{changes:?}");
    assert_eq!(changes.iter().filter(|r| **r == format!("account {id}: tweede factor gewist, opnieuw in te stellen")).count(), 2);
    assert!(changes.iter().all(|r| !r.contains("GEHEIM")), "{changes:?}");
}

// ---------------------------------------------------------------------------------------------
// The administrator's set-up of accounts and partner organisations.

#[tokio::test]
async fn accounts_and_partners_are_set_up_checked_and_audited_on_sqlite() {
    set_up(&sqlite_url("account-setup")).await;
}

#[tokio::test]
async fn accounts_and_partners_are_set_up_checked_and_audited_on_postgres() {
    set_up(&postgres_url("account_setup")).await;
}

async fn set_up(url: &str) {
    let store = fresh(url).await;
    let m = synth::generate(&synth::Config { households: 20, seed: 4, today: NOW.date() });
    store.load_municipality(&m, NOW).await.unwrap();
    let cli = Setup::Cli { command: "test", now: NOW };
    let admin_id = store.add_account(&cli, &account("beheer", Role::Admin), None).await.unwrap();
    let admin = store.user_by_id(admin_id).await.unwrap().unwrap().actor();
    let access = Access { actor: &admin, route: "POST /beheer/accounts/nieuw", now: NOW };
    let on_screen = Setup::Admin(&access);

    // Every rule a form breaks, named by field; the store refuses the first.
    let bad = NewUser { username: "Jan de Vries".into(), display_name: " ".into(), role: Role::Worker, team_id: None, partner_id: Some(1), models: vec![] };
    let fields: Vec<&str> = store::accounts::account_problems(&bad).iter().map(|e| match e {
        StoreError::Invalid { field, .. } => *field,
        other => panic!("{other:?}"),
    }).collect();
    assert_eq!(fields, ["gebruikersnaam", "naam", "team", "partner"]);
    let worker = NewUser { username: "j.devries".into(), display_name: "Jan de Vries".into(), role: Role::Worker, team_id: None, partner_id: None, models: vec![] };
    assert!(matches!(store.add_account(&on_screen, &worker, None).await, Err(StoreError::Invalid { field: "team", .. })), "a worker without a team");
    let unknown_team = NewUser { team_id: Some(999_999), ..worker.clone() };
    assert!(matches!(store.add_account(&on_screen, &unknown_team, None).await, Err(StoreError::Invalid { field: "team", .. })));
    let team = m.teams[0].id;
    let worker = NewUser { team_id: Some(team), ..worker };
    let id = store.add_account(&on_screen, &worker, None).await.unwrap();
    assert!(matches!(store.add_account(&on_screen, &worker, None).await, Err(StoreError::Invalid { field: "gebruikersnaam", .. })), "a taken name");
    let made = store.user_by_id(id).await.unwrap().unwrap();
    assert_eq!((made.role, made.team_id, made.display_name.as_str()), (Role::Worker, Some(team), "Jan de Vries"));
    assert_eq!(store.user_for_login("j.devries").await.unwrap().unwrap().1, None, "no password: its user sets one with a code");

    // Only an administrator, and not against their own account.
    let lead = store.users_with_role(Role::TeamLead).await.unwrap().remove(0).actor();
    let as_lead = Access { actor: &lead, route: "POST /beheer/accounts", now: NOW };
    assert!(matches!(store.block_account(&Setup::Admin(&as_lead), id, true).await, Err(StoreError::Forbidden)));
    assert!(matches!(store.add_account(&Setup::Admin(&as_lead), &account("x.y", Role::Admin), None).await, Err(StoreError::Forbidden)));
    assert!(matches!(store.block_account(&on_screen, admin_id, true).await, Err(StoreError::Invalid { field: "account", .. })));
    assert!(matches!(store.block_account(&on_screen, 999_999, true).await, Err(StoreError::NotFound)));
    store.create_session("sessie", id, "csrf", true, NOW).await.unwrap();
    store.create_api_token(id, "token", "t", 30, NOW).await.unwrap();
    store.block_account(&on_screen, id, true).await.unwrap();
    assert!(store.session("sessie").await.unwrap().is_none() && store.user_for_token("token", NOW).await.unwrap().is_none(), "blocked: out at once");
    store.block_account(&on_screen, id, false).await.unwrap();
    assert!(store.user_for_token("token", NOW).await.unwrap().is_some(), "unblocked, the token works again");

    // A partner organisation with its service account and one key at a time.
    let partner = store.add_partner(&on_screen, " Woonstede  Noord ", PartnerType::Huur).await.unwrap();
    assert!(matches!(store.add_partner(&on_screen, "woonstede  noord", PartnerType::Huur).await, Err(StoreError::Invalid { field: "naam", .. })), "the same name");
    assert!(matches!(store.add_partner(&on_screen, "  ", PartnerType::Huur).await, Err(StoreError::Invalid { field: "naam", .. })));
    let listed = store.partners(NOW).await.unwrap();
    let row = listed.iter().find(|p| p.id == partner).unwrap();
    assert_eq!((row.name.as_str(), row.partner_type, row.account.as_deref(), row.key_expires), ("Woonstede  Noord", PartnerType::Huur, Some("partner-woonstede-noord"), None));
    let expires = store.replace_partner_key(&on_screen, partner, "sleutel-1").await.unwrap();
    assert_eq!(expires, NOW + Duration::days(store::API_TOKEN_MAX_DAYS));
    let service = store.user_for_token("sleutel-1", NOW).await.unwrap().unwrap();
    assert_eq!((service.role, service.partner_id), (Role::Partner, Some(partner)));
    store.replace_partner_key(&on_screen, partner, "sleutel-2").await.unwrap();
    assert!(store.user_for_token("sleutel-1", NOW).await.unwrap().is_none(), "the earlier key stops working");
    assert!(store.user_for_token("sleutel-2", NOW).await.unwrap().is_some());
    assert_eq!(store.partners(NOW).await.unwrap().into_iter().find(|p| p.id == partner).unwrap().key_expires, Some(expires));
    // A partner from before they had a service account (the synthetic town's) gets one.
    let older = m.partners[0].id;
    store.replace_partner_key(&on_screen, older, "sleutel-3").await.unwrap();
    assert_eq!(store.user_for_token("sleutel-3", NOW).await.unwrap().unwrap().partner_id, Some(older));
    assert!(matches!(store.replace_partner_key(&on_screen, 999_999, "sleutel-4").await, Err(StoreError::NotFound)));

    let accounts = trail(&store, "account.change").await;
    for what in [format!("account {id}: nieuw, rol worker, team {team}"), format!("account {id}: geblokkeerd"), format!("account {id}: gedeblokkeerd")] {
        assert!(accounts.contains(&what), "{what}: {accounts:?}");
    }
    let partners = trail(&store, "partner.change").await;
    assert_eq!(partners.len(), 4, "{partners:?}");
    assert!(partners.iter().any(|r| r.starts_with(&format!("partner {partner}: nieuw, type huur, koppelaccount "))), "{partners:?}");
    assert!(partners.iter().any(|r| r.starts_with(&format!("partner {older}: nieuwe API-sleutel voor koppelaccount ")) && r.contains("(nieuw)")), "{partners:?}");
    assert!(accounts.iter().chain(&partners).all(|r| !r.contains("Woonstede") && !r.contains("Jan") && !r.contains("sleutel-")), "ids, never names or keys: {accounts:?} {partners:?}");
}
