//! Accounts and sessions, need-to-know and the audit record per household, residents' rights,
//! and the audit chain's guard.

use crate::common::NOW;
use domain::model::{Role, SignalStatus};
use domain::{HouseNumber, PersonName, Postcode};
use store::residents::{HouseholdQuery, NewHousehold};
use store::{Access, Actor, NewUser, Store, StoreError};
use time::macros::date;

pub async fn accounts_and_sessions(store: &Store) {
    let new = NewUser { username: "tester".into(), display_name: "Tester".into(), role: Role::Admin, team_id: None, partner_id: None, models: vec![] };
    let id = store.create_user(&new, Some("hash"), NOW).await.unwrap();
    let dup = store.create_user(&new, Some("hash"), NOW).await.unwrap_err();
    assert!(dup.is_unique_violation(), "a second user with the same name is a unique violation: {dup}");
    let (user, hash) = store.user_for_login("tester").await.unwrap().unwrap();
    assert_eq!((user.id, user.role, hash.as_deref()), (id, Role::Admin, Some("hash")));
    assert!(store.user_for_login("nobody").await.unwrap().is_none());

    store.create_api_token(id, "tokenhash", "test", 90, NOW).await.unwrap();
    assert_eq!(store.user_for_token("tokenhash", NOW).await.unwrap().map(|u| u.id), Some(id));
    assert!(store.user_for_token("other", NOW).await.unwrap().is_none());

    store.create_session("s1", id, "csrf1", true, NOW).await.unwrap();
    let s = store.session("s1").await.unwrap().unwrap();
    assert_eq!((s.user_id, s.csrf_token.as_str(), s.created_at, s.complete), (id, "csrf1", NOW, true));
    // TOTP: a secret, and each time step accepted once.
    assert_eq!(store.totp_secret(id).await.unwrap(), None);
    store.set_totp_secret(id, Some("JBSWY3DPEHPK3PXP")).await.unwrap();
    assert!(store.use_totp_step(id, 100).await.unwrap());
    assert!(!store.use_totp_step(id, 100).await.unwrap(), "the same step twice is refused");
    assert!(!store.use_totp_step(id, 99).await.unwrap(), "an earlier step is refused");
    assert_eq!(store.totp_secret(id).await.unwrap(), Some(("JBSWY3DPEHPK3PXP".to_string(), Some(100))));
    store.touch_session("s1", NOW + time::Duration::minutes(5)).await.unwrap();
    assert_eq!(store.session("s1").await.unwrap().unwrap().last_seen_at, NOW + time::Duration::minutes(5));
    store.create_session("s3", id, "csrf3", false, NOW).await.unwrap();
    assert!(!store.session("s3").await.unwrap().unwrap().complete, "a password-only session is not complete");
    // Disabling an account ends its sessions and tokens at once.
    store.set_user_disabled(id, true).await.unwrap();
    assert!(store.session("s1").await.unwrap().is_none());
    assert!(store.user_for_token("tokenhash", NOW).await.unwrap().is_none());
    store.create_session("s2", id, "csrf2", true, NOW).await.unwrap();
    store.delete_session("s2").await.unwrap();
    assert!(store.session("s2").await.unwrap().is_none());

    // OpenID Connect: an account bound to one subject, a subject to one account.
    assert!(store.user_for_oidc_subject("idp-17").await.unwrap().is_none());
    store.set_oidc_subject(id, Some("idp-17")).await.unwrap();
    assert_eq!(store.user_for_oidc_subject("idp-17").await.unwrap().map(|u| u.id), Some(id));
    let other = NewUser { username: "other".into(), ..new.clone() };
    let other = store.create_user(&other, None, NOW).await.unwrap();
    let taken = store.set_oidc_subject(other, Some("idp-17")).await.unwrap_err();
    assert!(matches!(taken, store::StoreError::Invalid { field: "oidc_subject", .. }), "{taken}");
    store.set_oidc_subject(id, None).await.unwrap();
    assert!(store.user_for_oidc_subject("idp-17").await.unwrap().is_none(), "unbound");
    // A login under way is taken once, and not after it expired; starting one clears old ones.
    let ten = time::Duration::minutes(10);
    store.start_oidc_login("state-a", "nonce-a", "verifier-a", NOW, NOW - ten).await.unwrap();
    assert_eq!(store.take_oidc_login("state-a", NOW - ten).await.unwrap(), Some(("nonce-a".into(), "verifier-a".into())));
    assert_eq!(store.take_oidc_login("state-a", NOW - ten).await.unwrap(), None, "used once");
    store.start_oidc_login("state-b", "nonce-b", "verifier-b", NOW, NOW - ten).await.unwrap();
    let later = NOW + time::Duration::minutes(11);
    assert_eq!(store.take_oidc_login("state-b", later - ten).await.unwrap(), None, "expired");
    store.start_oidc_login("state-c", "nonce-c", "verifier-c", NOW, NOW - ten).await.unwrap();
    store.start_oidc_login("state-d", "nonce-d", "verifier-d", later, later - ten).await.unwrap();
    assert_eq!(store.take_oidc_login("state-c", NOW - ten).await.unwrap(), None, "cleared by a later start");
}

pub async fn residents_need_to_know_and_audit(store: &Store, m: &synth::Municipality) {
    let team = &m.teams[0];
    let other_team = &m.teams[1];
    let worker = m.workers.iter().find(|w| w.team_id == Some(team.id) && w.role == Role::Worker).unwrap();
    let actor = Actor { user_id: worker.id, role: Role::Worker, team_id: Some(team.id), partner_id: None };
    let access = Access { actor: &actor, route: "test", now: NOW };

    let in_wijk = |team: &domain::model::Team| {
        let buurten: Vec<_> = m.buurten.iter().filter(|b| b.code.parent().as_ref() == Some(&team.wijk)).map(|b| b.code.clone()).collect();
        m.households.iter().find(|h| {
            let a = &m.addresses[(h.address_id - 1) as usize];
            buurten.contains(&a.buurt)
        })
    };
    let own = in_wijk(team).unwrap();
    let foreign = in_wijk(other_team).unwrap();
    let own_address = &m.addresses[(own.address_id - 1) as usize];

    // Postcode + house number finds the household, with its members.
    let query = HouseholdQuery { postcode: Some(own_address.postcode.clone()), house_number: Some(own_address.house_number.clone()), ..Default::default() };
    let hits = store.search_households(&access, &query).await.unwrap();
    assert!(hits.iter().any(|h| h.id == own.id), "search by postcode and house number finds the household");
    let members = m.persons.iter().filter(|p| p.household_id == own.id).count();
    assert_eq!(hits.iter().find(|h| h.id == own.id).unwrap().members.len(), members);
    let audit = store.audit_for_household(own.id).await.unwrap();
    assert!(audit.iter().any(|a| a.event == "household.search-hit" && a.user_id == Some(worker.id) && a.route == "test"));

    // By surname, with the prefix typed or not.
    let person = m.persons.iter().find(|p| p.household_id == own.id).unwrap();
    let with_prefix = format!("{} {}", person.name.prefix, person.name.surname);
    for surname in [person.name.surname.clone(), with_prefix.trim().to_string(), person.name.surname.to_uppercase()] {
        let q = HouseholdQuery { surname: Some(surname.clone()), ..Default::default() };
        let hits = store.search_households(&access, &q).await.unwrap();
        assert!(hits.iter().any(|h| h.id == own.id), "surname search '{surname}' finds the household");
    }

    // Outside the team's wijk: invisible, and reading it looks like it does not exist.
    let foreign_address = &m.addresses[(foreign.address_id - 1) as usize];
    let q = HouseholdQuery { postcode: Some(foreign_address.postcode.clone()), house_number: Some(foreign_address.house_number.clone()), ..Default::default() };
    assert!(store.search_households(&access, &q).await.unwrap().iter().all(|h| h.id != foreign.id));
    assert!(matches!(store.household(&access, foreign.id).await, Err(StoreError::NotFound)));
    assert!(store.audit_for_household(foreign.id).await.unwrap().iter().all(|a| a.user_id != Some(worker.id)), "a refused read leaves no read event");

    // The household page, audited in the same transaction.
    let detail = store.household(&access, own.id).await.unwrap();
    assert_eq!(detail.members.len(), members);
    assert_eq!(detail.signals.len(), m.signals.iter().filter(|s| s.household_id == Some(own.id)).count());
    assert_eq!(detail.attempts.len(), m.contact_attempts.iter().filter(|a| a.household_id == own.id).count());
    assert!(store.audit_for_household(own.id).await.unwrap().iter().any(|a| a.event == "household.read"));

    // Roles that see no case content get nothing.
    for role in [Role::Partner, Role::PrivacyOfficer, Role::Admin] {
        let other = Actor { user_id: worker.id, role, team_id: Some(team.id), partner_id: None };
        let a = Access { actor: &other, route: "test", now: NOW };
        assert!(matches!(store.household(&a, own.id).await, Err(StoreError::Forbidden)), "{role:?} may not read households");
        assert!(matches!(store.search_households(&a, &query).await, Err(StoreError::Forbidden)));
    }

    // Mijn dag: only the team's signals still to pick up.
    let day = store.my_day(&access, NOW.date()).await.unwrap();
    let own_households: Vec<i64> = m
        .households
        .iter()
        .filter(|h| {
            let a = &m.addresses[(h.address_id - 1) as usize];
            a.buurt.parent().as_ref() == Some(&team.wijk)
        })
        .map(|h| h.id)
        .collect();
    let expected = m.signals.iter().filter(|s| s.status == SignalStatus::Ontvangen && s.household_id.is_some_and(|h| own_households.contains(&h))).count();
    assert_eq!(day.signals.len(), expected.min(100));
    assert!(day.signals.iter().all(|s| s.signal.status == SignalStatus::Ontvangen));

    // Registering: all or nothing.
    let buurt = m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&team.wijk)).unwrap();
    let foreign_buurt = m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&other_team.wijk)).unwrap();
    let mut new = NewHousehold {
        street: "Teststraat".into(),
        house_number: HouseNumber::parse("7b").unwrap(),
        postcode: Postcode::parse("9999 ZZ").unwrap(),
        locality: "Testdorp".into(),
        buurt_code: foreign_buurt.code.code(),
        name: PersonName::parse("Jan Pieter", "", "van den Berg").unwrap(),
        birth_date: date!(1960 - 05 - 04),
        bsn: Some(domain::Bsn::parse("111222333").unwrap()),
        phone: None,
    };
    let before = store.counts().await.unwrap();
    assert!(matches!(store.create_household(&access, &new).await, Err(StoreError::Invalid { field: "buurt", .. })));
    assert_eq!(store.counts().await.unwrap(), before, "a refused registration writes nothing");
    new.buurt_code = buurt.code.code();
    let id = store.create_household(&access, &new).await.unwrap();
    let after = store.counts().await.unwrap();
    assert_eq!((after.households, after.persons), (before.households + 1, before.persons + 1));
    let events: Vec<String> = store.audit_for_household(id).await.unwrap().into_iter().map(|a| a.event).collect();
    assert_eq!(events, vec!["household.create", "person.create"]);
    let detail = store.household(&access, id).await.unwrap();
    assert_eq!(detail.members[0].name, "Jan Pieter van den Berg");
    assert!(detail.members[0].has_bsn);
    assert_eq!(detail.address.house_number, "7B");
    let q = HouseholdQuery { postcode: Some(Postcode::parse("9999ZZ").unwrap()), house_number: Some(HouseNumber::parse("7-B").unwrap()), ..Default::default() };
    assert_eq!(store.search_households(&access, &q).await.unwrap().iter().map(|h| h.id).collect::<Vec<_>>(), vec![id]);

    // Break the glass: with a stated reason, for four hours, audited with the reason.
    let short = store.break_glass(&access, &foreign_address.postcode, &foreign_address.house_number, "nodig").await;
    assert!(matches!(short, Err(StoreError::Invalid { field: "reden", .. })), "a reason of substance is required");
    let reason = "crisis: bewoner belt suïcidaal, eigen team niet bereikbaar";
    let opened = store.break_glass(&access, &foreign_address.postcode, &foreign_address.house_number, reason).await.unwrap();
    assert!(opened.contains(&foreign.id));
    let detail = store.household(&access, foreign.id).await.unwrap();
    assert!(detail.via_break_glass);
    let trail = store.audit_for_household(foreign.id).await.unwrap();
    let glass = trail.iter().find(|a| a.event == "household.break-glass").unwrap();
    assert_eq!((glass.user_id, glass.reason.as_deref()), (Some(worker.id), Some(reason)));
    assert_eq!(trail.last().map(|a| (a.event.as_str(), a.reason.as_deref())), Some(("household.read", Some("noodtoegang"))));
    let later = Access { actor: &actor, route: "test", now: NOW + time::Duration::hours(5) };
    assert!(matches!(store.household(&later, foreign.id).await, Err(StoreError::NotFound)), "the grant expires");
    let colleague = Actor { user_id: worker.id + 1, ..actor.clone() };
    let other = Access { actor: &colleague, route: "test", now: NOW };
    assert!(matches!(store.household(&other, foreign.id).await, Err(StoreError::NotFound)), "a grant is personal");
    let anomalies = store.audit_anomalies(NOW - time::Duration::days(1), 25).await.unwrap();
    assert!(anomalies.iter().any(|a| a.kind == "break-glass"), "break the glass is reported to the privacy officer");
}

pub async fn access_request_and_erasure(store: &Store, m: &synth::Municipality) {
    let officer = Actor { user_id: 1, role: Role::PrivacyOfficer, team_id: None, partner_id: None };
    let access = Access { actor: &officer, route: "test", now: NOW };
    let worker = m.workers.iter().find(|w| w.role == Role::Worker).unwrap();
    let worker_actor = Actor { user_id: worker.id, role: Role::Worker, team_id: worker.team_id, partner_id: None };
    let worker_access = Access { actor: &worker_actor, route: "test", now: NOW };

    // A household with signals and contact history, and one with a case still open.
    let open_case = m.cases.iter().find(|c| c.closed.is_none()).map(|c| c.household_id);
    let full = m
        .households
        .iter()
        .find(|h| {
            Some(h.id) != open_case
                && m.signal_cases.iter().any(|c| c.household_id == h.id && c.decision.is_some())
                && !m.cases.iter().any(|c| c.household_id == h.id && c.closed.is_none())
        })
        .unwrap();
    assert!(matches!(store.export_household(&worker_access, full.id, &[]).await, Err(StoreError::Forbidden)), "only the privacy officer exports");

    let everyone: Vec<i64> = m.persons.iter().filter(|p| p.household_id == full.id).map(|p| p.id).collect();
    let export = store.export_household(&access, full.id, &everyone).await.unwrap();
    assert_eq!(export.persons.len(), m.persons.iter().filter(|p| p.household_id == full.id).count());
    assert_eq!(export.signals.len(), m.signals.iter().filter(|s| s.household_id == Some(full.id)).count());
    assert_eq!(export.contact_attempts.len(), m.contact_attempts.iter().filter(|a| a.household_id == full.id).count());
    // The signal cases with the team's weighing: why they went uninvited, and who decided.
    let cases: Vec<_> = m.signal_cases.iter().filter(|c| c.household_id == full.id).collect();
    assert_eq!(export.signal_cases.len(), cases.len());
    let weighed = export.signal_cases.iter().flat_map(|c| &c.weighings).count();
    assert_eq!(weighed, cases.iter().filter(|c| c.decision.is_some() && c.worker_id.is_some()).count(), "every weighing is in the export");
    assert!(export.signal_cases.iter().flat_map(|c| &c.weighings).all(|w| !w.why_go.is_empty() && w.by.is_some()));
    assert_eq!(export.accesses.first().map(|a| a.event.as_str()), Some("demo.load"), "who created the file");
    assert_eq!(export.accesses.last().map(|a| a.event.as_str()), Some("household.export"), "the export itself is on the list");

    let before = store.counts().await.unwrap();
    assert!(matches!(store.erase_household(&access, full.id, " ").await, Err(StoreError::Invalid { field: "reden", .. })));
    assert!(matches!(store.erase_household(&worker_access, full.id, "verzoek").await, Err(StoreError::Forbidden)));
    if let Some(open) = open_case {
        assert!(matches!(store.erase_household(&access, open, "verzoek bewoner").await, Err(StoreError::Invalid { field: "traject", .. })));
    }
    assert_eq!(store.counts().await.unwrap(), before, "refused erasures change nothing");

    store.erase_household(&access, full.id, "verzoek bewoner art. 17, geen bewaarplicht").await.unwrap();
    let after = store.counts().await.unwrap();
    assert_eq!(after.households, before.households - 1);
    assert_eq!(after.persons, before.persons - export.persons.len() as i64);
    assert_eq!(after.signals, before.signals - export.signals.len() as i64);
    assert!(matches!(store.export_household(&access, full.id, &everyone).await, Err(StoreError::NotFound)));
    let trail = store.audit_for_household(full.id).await.unwrap();
    let last = trail.last().unwrap();
    assert_eq!((last.event.as_str(), last.reason.as_deref()), ("household.erase", Some("verzoek bewoner art. 17, geen bewaarplicht")));
    assert!(matches!(store.verify_audit_chain().await.unwrap(), store::audit::ChainCheck::Intact { .. }), "erasure leaves the chain verifiable");
}

async fn raw(url: &str, sql: &str) -> Result<(), String> {
    if url.starts_with("sqlite://") {
        let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(url).await.map_err(|e| e.to_string())?;
        sqlx::raw_sql(sql).execute(&mut c).await.map(|_| ()).map_err(|e| e.to_string())
    } else {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(url).await.map_err(|e| e.to_string())?;
        sqlx::raw_sql(sql).execute(&mut c).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

pub async fn audit_chain_is_append_only_and_tamper_evident(store: &Store, url: &str) {
    let counts = store.counts().await.unwrap();
    let check = store.verify_audit_chain().await.unwrap();
    assert!(matches!(check, store::audit::ChainCheck::Intact { records, .. } if records == counts.audit_events), "{check:?}");
    // Nobody going through the database as the application does can change or remove records.
    let err = raw(url, "UPDATE audit_events SET route = 'x' WHERE seq = 5").await.unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    let err = raw(url, "DELETE FROM audit_events WHERE seq = 5").await.unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    // Someone who drops the guard and edits a record is caught at that record.
    let drop_guard = if url.starts_with("sqlite://") {
        "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
    } else {
        "DROP TRIGGER audit_events_no_update ON audit_events;"
    };
    raw(url, drop_guard).await.unwrap();
    raw(url, "UPDATE audit_events SET user_id = 999 WHERE seq = 7").await.unwrap();
    let check = store.verify_audit_chain().await.unwrap();
    assert!(matches!(check, store::audit::ChainCheck::Broken { seq: 7, reason: "content changed", .. }), "{check:?}");
    raw(url, "DELETE FROM audit_events WHERE seq = 3").await.unwrap();
    let check = store.verify_audit_chain().await.unwrap();
    assert!(matches!(check, store::audit::ChainCheck::Broken { seq: 3, reason: "record missing", .. }), "{check:?}");
}
