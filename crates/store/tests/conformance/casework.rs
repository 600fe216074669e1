//! Contact and follow-through, and the case after first contact.

use crate::common::NOW;
use domain::model::Role;
use domain::{HouseNumber, PersonName, Postcode};
use store::residents::NewHousehold;
use store::{Access, Actor, Store, StoreError};
use time::macros::{date, datetime};
use time::OffsetDateTime;

/// Persistence and keeping in view (issue 5), with a controlled clock: a failed visit proposes
/// the next attempt, a missed proposal puts the household out of view, the worker may plan
/// otherwise with a reason, the team's number of failures puts it on the case-discussion list,
/// and another team's household cannot be touched.
pub async fn contact_follow_through(store: &Store, m: &synth::Municipality) {
    use domain::contact::{CadencePolicy, Next, OutOfView};
    use domain::model::{ContactKind, ContactOutcome, DayPart};
    use store::contact::NewAttempt;
    let team_of = |household_id: i64| {
        let h = m.households.iter().find(|h| h.id == household_id).unwrap();
        let wijk = m.addresses[(h.address_id - 1) as usize].buurt.parent().unwrap();
        m.teams.iter().find(|t| t.wijk == wijk).unwrap().id
    };
    // A household the team registered, without history, with a case opened on 1 November.
    let team = m.teams[0].id;
    let worker = m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(team)).unwrap();
    let lead = m.workers.iter().find(|w| w.role == Role::TeamLead && w.team_id == Some(team)).unwrap();
    let actor = Actor { user_id: worker.id, role: Role::Worker, team_id: Some(team), partner_id: None };
    let access = Access { actor: &actor, route: "test", now: NOW };
    let buurt = m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&m.teams[0].wijk)).unwrap();
    let new = NewHousehold {
        street: "Volhoudstraat".into(),
        house_number: HouseNumber::parse("3").unwrap(),
        postcode: Postcode::parse("9998 AA").unwrap(),
        locality: "Testdorp".into(),
        buurt_code: buurt.code.code(),
        name: PersonName::parse("Ria", "", "Dekker").unwrap(),
        birth_date: date!(1971 - 03 - 02),
        bsn: None,
        phone: Some("0612345678".into()),
    };
    let h = store.create_household(&access, &new).await.unwrap();
    let case = store::cases::NewCase { household_id: h, opened: date!(2026 - 11 - 01), models: vec![domain::model::OutreachModel::Hulp], domains: vec![domain::case::ZrmDomain::Financien], goal: None };
    store.open_case(&access, &case).await.unwrap();
    // The team's terms, set when the store is opened: three failed attempts before the case discussion.
    let policy = CadencePolicy { failures_before_discussion: 3, ..CadencePolicy::default() };
    let store = &store.clone().with_policies(store::Policies { cadence: policy, ..*store.policies() });
    let attempt = |at: OffsetDateTime, kind: ContactKind, outcome: ContactOutcome| NewAttempt { household_id: h, kind, at, day_part: None, outcome, note: None, crisis_reason: None };

    // Monday morning, not home: the evening, two days later, planned for this worker.
    let monday = datetime!(2026-11-16 10:00 UTC);
    let logged = store.log_contact_attempt(&access, &attempt(monday, ContactKind::Huisbezoek, ContactOutcome::NietThuis)).await.unwrap();
    let Next::Try(p) = logged.next else { panic!("{:?}", logged.next) };
    assert_eq!((p.kind, p.day_part, p.not_before), (ContactKind::Huisbezoek, DayPart::Avond, date!(2026-11-18)));
    let next = store.next_contact(&access, h).await.unwrap().unwrap();
    assert_eq!(next.planned.as_ref().map(|p| (p.on, p.kind, p.day_part, p.proposed)), Some((date!(2026-11-18), ContactKind::Huisbezoek, DayPart::Avond, true)));

    // Nobody went on the 18th: on the 28th the household is ten days out of view, for the worker and the team.
    let audit_before = store.counts().await.unwrap().audit_events;
    let mine = store.out_of_view(&access, NOW.date(), true).await.unwrap();
    let row = mine.iter().find(|r| r.household_id == h).expect("out of view for the worker");
    assert_eq!(row.reason, OutOfView::PlannedOverdue { planned: date!(2026-11-18), days: 10 });
    assert_eq!(store.counts().await.unwrap().audit_events - audit_before, mine.len() as i64, "one record per household shown");
    let other = m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(team) && w.id != worker.id);
    if let Some(other) = other {
        let other_actor = Actor { user_id: other.id, role: Role::Worker, team_id: Some(team), partner_id: None };
        let theirs = store.out_of_view(&Access { actor: &other_actor, route: "test", now: NOW }, NOW.date(), true).await.unwrap();
        assert!(theirs.iter().all(|r| r.household_id != h), "not on another worker's own list");
    }

    // Planning otherwise needs a reason and a date from today; then the household is in view again.
    let refused = store.plan_contact(&access, h, ContactKind::Telefoon, DayPart::Middag, date!(2026-11-29), " ").await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid { field: "reden", .. }), "{refused}");
    let refused = store.plan_contact(&access, h, ContactKind::Telefoon, DayPart::Middag, date!(2026-11-27), "werkt overdag").await.unwrap_err();
    assert!(matches!(refused, StoreError::Invalid { field: "datum", .. }), "{refused}");
    store.plan_contact(&access, h, ContactKind::Telefoon, DayPart::Middag, date!(2026-11-30), "werkt overdag, bellen in pauze").await.unwrap();
    let next = store.next_contact(&access, h).await.unwrap().unwrap();
    let planned = next.planned.unwrap();
    assert_eq!((planned.on, planned.kind, planned.proposed, planned.reason.as_deref()), (date!(2026-11-30), ContactKind::Telefoon, false, Some("werkt overdag, bellen in pauze")));
    assert!(store.out_of_view(&access, NOW.date(), true).await.unwrap().iter().all(|r| r.household_id != h), "a contact still to come keeps it in view");

    // Two more failures make three: the team's case discussion, not another proposal.
    store.log_contact_attempt(&access, &attempt(datetime!(2026-11-20 18:30 UTC), ContactKind::Huisbezoek, ContactOutcome::NietThuis)).await.unwrap();
    let third = store.log_contact_attempt(&access, &attempt(datetime!(2026-11-24 13:00 UTC), ContactKind::Telefoon, ContactOutcome::NietThuis)).await.unwrap();
    assert_eq!(third.next, Next::Discuss { failures: 3 });
    assert!(store.next_contact(&access, h).await.unwrap().unwrap().on_case_discussion);
    let lead_actor = Actor { user_id: lead.id, role: Role::TeamLead, team_id: Some(team), partner_id: None };
    let day = store.my_day(&Access { actor: &lead_actor, route: "test", now: NOW }, NOW.date()).await.unwrap();
    assert!(day.discussions.iter().any(|d| d.household_id == h && d.failures == 3), "on the team lead's list");

    // Reached: no proposal; what was planned before stays, the discussion stays until held.
    let reached = store.log_contact_attempt(&access, &attempt(NOW - time::Duration::hours(1), ContactKind::Huisbezoek, ContactOutcome::Gesproken)).await.unwrap();
    assert_eq!(reached.next, Next::Reached);

    // The resident's access request shows all of it: outcomes, the own plan with its reason, the discussion.
    let officer = Actor { user_id: 1, role: Role::PrivacyOfficer, team_id: None, partner_id: None };
    let export = store.export_household(&Access { actor: &officer, route: "test", now: NOW }, h, &store.rights_lookup(&Access { actor: &officer, route: "test", now: NOW }, &store::rights::RightsLookup::Household(h)).await.unwrap()[0].residents.iter().map(|r| r.id).collect::<Vec<_>>()).await.unwrap();
    assert_eq!(export.contact_attempts.iter().filter(|a| a.outcome.as_deref() == Some("niet-thuis")).count(), 3);
    assert!(export.planned_contacts.iter().any(|p| !p.proposed && p.reason.as_deref() == Some("werkt overdag, bellen in pauze")));
    assert_eq!(export.case_discussions.iter().map(|d| d.failures).collect::<Vec<_>>(), vec![3]);

    // Bad input and another team's household: refused, nothing written.
    let before = store.counts().await.unwrap();
    let future = store.log_contact_attempt(&access, &attempt(NOW + time::Duration::hours(1), ContactKind::Telefoon, ContactOutcome::NietThuis)).await.unwrap_err();
    assert!(matches!(future, StoreError::Invalid { field: "at", .. }), "{future}");
    let foreign = m.households.iter().find(|x| team_of(x.id) != team).unwrap();
    let refused = store.log_contact_attempt(&access, &NewAttempt { household_id: foreign.id, ..attempt(NOW, ContactKind::Telefoon, ContactOutcome::NietThuis) }).await.unwrap_err();
    assert!(matches!(refused, StoreError::NotFound), "{refused}");
    assert!(matches!(store.next_contact(&access, foreign.id).await, Err(StoreError::NotFound)));
    assert_eq!(store.counts().await.unwrap(), before, "nothing written");
}

/// The case after first contact (issue 5), with a controlled clock: opening it (one open case
/// per household), goals, steps and help, the ZRM of the relevant domains only, the network,
/// and a referral that returns to the worker's list each time its check falls due, marked
/// stalled when help has not started after four weeks, until the partner confirms the start;
/// closing with a reason; another team cannot see or touch it; the access request shows it.
pub async fn case_work(store: &Store, m: &synth::Municipality) {
    use domain::case::{self as rules, CheckOutcome, CloseReason, FollowUp, NetworkRole, Phase, ReferralTarget, ZrmDomain as D, ZrmScore as S};
    use domain::model::OutreachModel;
    use store::cases::{CaseChange, NewCase, NewMember, NewReferral};
    let team = m.teams[0].id;
    let worker = m.workers.iter().find(|w| w.role == Role::Worker && w.team_id == Some(team)).unwrap();
    let actor = Actor { user_id: worker.id, role: Role::Worker, team_id: Some(team), partner_id: None };
    let at = |now: OffsetDateTime| Access { actor: &actor, route: "test", now };
    let access = at(NOW);
    let buurt = m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&m.teams[0].wijk)).unwrap();
    let new = NewHousehold {
        street: "Trajectstraat".into(),
        house_number: HouseNumber::parse("5").unwrap(),
        postcode: Postcode::parse("9998 AB").unwrap(),
        locality: "Testdorp".into(),
        buurt_code: buurt.code.code(),
        name: PersonName::parse("Sem", "van", "Leeuwen").unwrap(),
        birth_date: date!(1988 - 07 - 14),
        bsn: None,
        phone: None,
    };
    let h = store.create_household(&access, &new).await.unwrap();
    let invalid = |e: StoreError| match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other}"),
    };

    // Opening: a model and the relevant ZRM domains are required; one open case per household.
    let case = NewCase { household_id: h, opened: date!(2026 - 10 - 01), models: vec![OutreachModel::Hulp], domains: vec![D::Financien, D::Huisvesting], goal: Some("Rust in mijn hoofd") };
    let before = store.counts().await.unwrap();
    assert_eq!(invalid(store.open_case(&access, &NewCase { models: vec![], ..case.clone() }).await.unwrap_err()), "modellen");
    assert_eq!(invalid(store.open_case(&access, &NewCase { domains: vec![], ..case.clone() }).await.unwrap_err()), "domeinen");
    assert_eq!(store.counts().await.unwrap(), before, "a refused opening writes nothing");
    let case_id = store.open_case(&access, &case).await.unwrap();
    assert_eq!(invalid(store.open_case(&access, &case).await.unwrap_err()), "traject", "one open case per household");

    // ZRM: only the case's domains are scored; a refused assessment writes nothing.
    let before = store.counts().await.unwrap();
    assert_eq!(invalid(store.record_zrm(&access, case_id, date!(2026 - 10 - 02), &[(D::Financien, S::Acuut), (D::Justitie, S::Beperkt)]).await.unwrap_err()), "zrm");
    assert_eq!(invalid(store.record_zrm(&access, case_id, date!(2026 - 11 - 29), &[(D::Financien, S::Acuut)]).await.unwrap_err()), "zrm-datum");
    assert_eq!(store.counts().await.unwrap(), before);
    store.record_zrm(&access, case_id, date!(2026 - 10 - 02), &[(D::Financien, S::Acuut), (D::Huisvesting, S::NietZelfredzaam)]).await.unwrap();
    store.record_zrm(&access, case_id, date!(2026 - 11 - 20), &[(D::Financien, S::Beperkt)]).await.unwrap();

    // Steps from today, help given, the phase, the network.
    let step = |due_on| CaseChange::Step { what: "Samen naar de bank", who: "Bewoner en werker", due_on };
    assert_eq!(invalid(store.change_case(&access, case_id, &step(date!(2026 - 11 - 27))).await.unwrap_err()), "stap-datum");
    store.change_case(&access, case_id, &step(date!(2026 - 12 - 03))).await.unwrap();
    store.change_case(&access, case_id, &CaseChange::Help { what: "Boodschappen gebracht", on: date!(2026 - 11 - 02) }).await.unwrap();
    store.change_case(&access, case_id, &CaseChange::Phase { phase: Phase::ContactHouden, lasting_contact: true }).await.unwrap();
    store.add_network_member(&access, h, &NewMember { role: NetworkRole::Familie, name: "Kees (broer)", relation: Some("Belt wekelijks"), reach: None }).await.unwrap();

    // A referral with a warm handover; its check falls due 14 days after the handover.
    let referral = NewReferral {
        target: ReferralTarget::Schuldhulp,
        organisation: "Kredietbank",
        reason: "Betalingsachterstanden bij drie partijen",
        referred_on: date!(2026 - 11 - 10),
        handover_on: date!(2026 - 11 - 12),
        handover_with: Some("intaker"),
        check_every_days: 14,
    };
    assert_eq!(invalid(store.refer(&access, case_id, &NewReferral { handover_on: date!(2026 - 11 - 09), ..referral.clone() }).await.unwrap_err()), "overdracht-op");
    let rid = store.refer(&access, case_id, &referral).await.unwrap();
    let listed = |now: OffsetDateTime| {
        let access = at(now);
        async move { store.my_day(&access, now.date()).await.unwrap().referrals.into_iter().find(|r| r.referral_id == rid).map(|r| r.follow_up) }
    };
    assert_eq!(listed(datetime!(2026-11-25 09:00 UTC)).await, None, "not due before the check");
    assert_eq!(listed(NOW).await, Some(FollowUp::CheckDue { due: date!(2026 - 11 - 26) }), "due: on the worker's list");
    assert_eq!(invalid(store.check_referral(&access, rid, NOW.date(), CheckOutcome::NogNiet, None).await.unwrap_err()), "nagaan-notitie");
    store.check_referral(&access, rid, NOW.date(), CheckOutcome::NogNiet, Some("Intake nog niet gepland")).await.unwrap();
    assert_eq!(listed(NOW).await, None, "checked: off the list until the next check");
    let later = datetime!(2026-12-12 09:00 UTC);
    assert_eq!(listed(later).await, Some(FollowUp::Stalled { due: date!(2026 - 12 - 12), days: 32 }), "back on the list, stalled");
    store.check_referral(&at(later), rid, later.date(), CheckOutcome::Gestart, None).await.unwrap();
    assert_eq!(listed(datetime!(2027-01-15 09:00 UTC)).await, None, "help started: followed up no more");
    assert_eq!(invalid(store.check_referral(&at(later), rid, later.date(), CheckOutcome::NogNiet, Some("nogmaals")).await.unwrap_err()), "nagaan");

    // The case page holds all of it.
    let file = store.case_file(&access, case_id).await.unwrap();
    assert_eq!(file.goals.iter().map(|g| g.words.as_str()).collect::<Vec<_>>(), vec!["Rust in mijn hoofd"]);
    assert_eq!(rules::progress(&file.assessments, D::Financien), vec![(date!(2026 - 10 - 02), S::Acuut), (date!(2026 - 11 - 20), S::Beperkt)]);
    assert_eq!(rules::progress(&file.assessments, D::Huisvesting).len(), 1);
    assert_eq!((file.phase, file.lasting_contact, file.steps.len(), file.help.len(), file.network.len()), (Phase::ContactHouden, true, 1, 1, 1));
    assert_eq!(file.referrals[0].started_on, Some(date!(2026 - 12 - 12)));
    assert_eq!(file.referrals[0].checks.len(), 2);

    // Another team sees nothing of it and changes nothing.
    let other = m.workers.iter().find(|w| w.role == Role::Worker && w.team_id.is_some() && w.team_id != Some(team)).unwrap();
    let other_actor = Actor { user_id: other.id, role: Role::Worker, team_id: other.team_id, partner_id: None };
    let other_access = Access { actor: &other_actor, route: "test", now: NOW };
    assert!(matches!(store.case_file(&other_access, case_id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.change_case(&other_access, case_id, &CaseChange::Goal { words: "iets anders" }).await, Err(StoreError::NotFound)));
    assert!(matches!(store.refer(&other_access, case_id, &referral).await, Err(StoreError::NotFound)));

    // Closing takes a reason (with an explanation for "other"); a closed case is not changed.
    let close = |reason, note| CaseChange::Close { reason, note, on: NOW.date() };
    assert_eq!(invalid(store.change_case(&access, case_id, &close(CloseReason::Anders, None)).await.unwrap_err()), "toelichting");
    store.change_case(&access, case_id, &close(CloseReason::DoelenBereikt, None)).await.unwrap();
    assert_eq!(invalid(store.change_case(&access, case_id, &CaseChange::Goal { words: "nog een doel" }).await.unwrap_err()), "traject");
    let closed = store.case_file(&access, case_id).await.unwrap();
    assert_eq!((closed.closed, closed.close_reason), (Some(NOW.date()), Some(CloseReason::DoelenBereikt)));

    // The resident's access request shows the case work; every act is in the audit trail.
    let officer = Actor { user_id: 1, role: Role::PrivacyOfficer, team_id: None, partner_id: None };
    let export = store.export_household(&Access { actor: &officer, route: "test", now: NOW }, h, &store.rights_lookup(&Access { actor: &officer, route: "test", now: NOW }, &store::rights::RightsLookup::Household(h)).await.unwrap()[0].residents.iter().map(|r| r.id).collect::<Vec<_>>()).await.unwrap();
    assert_eq!(export.cases[0].close_reason.as_deref(), Some("doelen-bereikt"));
    assert_eq!(export.case_goals[0].what, "Rust in mijn hoofd");
    assert_eq!((export.zrm_scores.len(), export.referrals.len(), export.referral_checks.len()), (3, 1, 2));
    assert_eq!(export.network[0].name.as_deref(), Some("Kees (broer)"));
    let events: Vec<String> = store.audit_for_household(h).await.unwrap().into_iter().map(|a| a.event).collect();
    for e in ["case.create", "zrm.create", "case.update", "network.update", "referral.create", "referral.check", "case.read", "case.close"] {
        assert!(events.iter().any(|x| x == e), "{e} in {events:?}");
    }
}
