//! The practice's rules a team relies on (issue 21), each on SQLite and PostgreSQL: no home
//! visit before a recorded weighing (a crisis may go first with its reason, and is then listed
//! to be weighed), four eyes, every decision with its next moment, the case-discussion list
//! that clears, the reporter's feedback task, a card that is not a failure, "definitief geen
//! contact" only after the attempts, the day part on the Dutch clock, and the holiday term.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{postgres_url, sqlite_url, NOW};
use domain::model::{
    Approach, CaseStage, Companion, ContactKind, ContactOutcome, DayPart, Decision, DiscussionOutcome, EndResult, FeedbackMessage, FeedbackWish, Ground, OutreachModel, PartnerType, Role,
    Safety, SignalChannel,
};
use domain::{HouseNumber, PersonName, Postcode};
use std::sync::RwLock;
use store::contact::NewAttempt;
use store::residents::NewHousehold;
use store::signals::{CaseFilter, InformalReporter, Source, Weighing};
use store::{Access, Actor, Store, StoreError};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

struct Town {
    store: Store,
    m: synth::Municipality,
    worker: Actor,
    colleague: Actor,
    lead: Actor,
    linker: RwLock<store::linking::Linker>,
    partner: i64,
}

async fn town(url: &str) -> Town {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let m = synth::generate(&synth::Config { households: 200, seed: 21, today: NOW.date() });
    store.load_municipality(&m, NOW).await.unwrap();
    let team = m.teams[0].id;
    let mut workers = m.workers.iter().filter(|w| w.role == Role::Worker && w.team_id == Some(team));
    let (w, c) = (workers.next().unwrap(), workers.next().unwrap());
    let l = m.workers.iter().find(|w| w.role == Role::TeamLead && w.team_id == Some(team)).unwrap();
    let actor = |id, role| Actor { user_id: id, role, team_id: Some(team), partner_id: None };
    let linker = RwLock::new(store.linker(store::linking::LinkPolicy::default(), NOW).await.unwrap());
    let partner = store.create_partner("Woonstichting Test", PartnerType::Huur).await.unwrap();
    Town { worker: actor(w.id, Role::Worker), colleague: actor(c.id, Role::Worker), lead: actor(l.id, Role::TeamLead), store, m, linker, partner }
}

impl Town {
    fn at<'a>(&self, actor: &'a Actor, now: OffsetDateTime) -> Access<'a> {
        Access { actor, route: "test", now }
    }

    /// A household in the worker's area with one person, and a signal case about it.
    async fn signal_case(&self, number: &str, surname: &str, crisis: bool, source: Source) -> (i64, i64, i64) {
        let buurt = self.m.buurten.iter().find(|b| b.code.parent().as_ref() == Some(&self.m.teams[0].wijk)).unwrap();
        let new = NewHousehold {
            street: "Teststraat".into(),
            house_number: HouseNumber::parse(number).unwrap(),
            postcode: Postcode::parse("9998 AB").unwrap(),
            locality: "Testdorp".into(),
            buurt_code: buurt.code.code(),
            name: PersonName::parse("Sem", "", surname).unwrap(),
            birth_date: date!(1988 - 07 - 14),
            bsn: None,
            phone: None,
        };
        let household = self.store.create_household(&self.at(&self.worker, NOW), &new).await.unwrap();
        // The person index learns the new resident (as the server's linker does on a reload).
        let fresh = self.store.linker(store::linking::LinkPolicy::default(), NOW).await.unwrap();
        *self.linker.write().unwrap() = fresh;
        let fields: std::collections::HashMap<&str, String> = [
            ("signaaldatum", "2026-11-27"),
            ("soort", "zorgen"),
            ("zorg", "De buren maken zich zorgen."),
            ("crisissignaal", if crisis { "ja" } else { "nee" }),
            ("warme_overdracht", "nee"),
            ("voorletters", "S."),
            ("voornaam", "Sem"),
            ("achternaam", surname),
            ("geboortedatum", "1988-07-14"),
            ("straatnaam", "Teststraat"),
            ("huisnummer", number),
            ("postcode", "9998AB"),
            ("plaatsnaam", "Testdorp"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
        let signal = domain::signal::parse_signal(&|k| fields.get(k).cloned(), Some(PartnerType::Huur), NOW.date()).unwrap();
        let intake = self.store.intake_signal(&self.at(&self.worker, NOW), &self.linker, &source, &signal).await.unwrap();
        assert_eq!(intake.household_id, Some(household));
        (household, intake.signal_case_id.unwrap(), intake.signal_id)
    }

    fn partner_form(&self) -> Source {
        Source::Partner { partner_id: self.partner, channel: SignalChannel::Formulier }
    }
}

fn weighing(decision: Decision, worker: Option<i64>) -> Weighing {
    Weighing {
        grounds: vec![Ground::SchadeZelf],
        why_go: "De woningcorporatie meldt een achterstand en zorgen van buren.".into(),
        why_not: None,
        proportionality: "Een aangekondigd bezoek met een aanbod, zonder verplichting.".into(),
        safety: Safety::GeenSignalen,
        models: vec![OutreachModel::Hulp],
        approach: Approach::Aangekondigd,
        companion: Companion::Alleen,
        decision,
        worker_id: worker,
        review_on: None,
        closing: None,
    }
}

fn attempt(household_id: i64, kind: ContactKind, at: OffsetDateTime, outcome: ContactOutcome) -> NewAttempt<'static> {
    NewAttempt { household_id, kind, at, day_part: None, outcome, note: None, crisis_reason: None }
}

fn refusal<T: std::fmt::Debug>(r: Result<T, StoreError>) -> &'static str {
    match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

macro_rules! on_both {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                super::$body(&super::sqlite_url(stringify!($name))).await;
            }
            #[tokio::test]
            async fn on_postgres() {
                super::$body(&super::postgres_url(stringify!($name))).await;
            }
        }
    };
}

on_both!(weighing_gate, weighing_gate_body);
on_both!(next_moments, next_moments_body);
on_both!(discussion_and_closing, discussion_and_closing_body);
on_both!(feedback_and_time, feedback_and_time_body);

/// No home visit before a recorded weighing; a phone call may come first; a crisis goes first
/// only with a reason and is then listed to be weighed; four eyes holds the visit until a
/// second person confirms.
async fn weighing_gate_body(url: &str) {
    let t = town(url).await;
    let s = &t.store;
    let (household, case, _) = t.signal_case("1", "Gate", false, t.partner_form()).await;
    let visit = attempt(household, ContactKind::Huisbezoek, NOW, ContactOutcome::NietThuis);
    let before = s.counts().await.unwrap();
    assert_eq!(refusal(s.log_contact_attempt(&t.at(&t.worker, NOW), &visit).await), "soort", "a home visit on an unweighed signal is refused");
    assert_eq!(s.counts().await.unwrap(), before, "and nothing is stored");
    let with_reason = NewAttempt { crisis_reason: Some("Er is geen tijd te verliezen, echt."), ..visit.clone() };
    assert_eq!(refusal(s.log_contact_attempt(&t.at(&t.worker, NOW), &with_reason).await), "soort", "not a crisis signal: a reason does not open the door");
    // A phone call may come first; it picks the case up, yet the weighing is still due before
    // a visit: the case is still not weighed.
    s.log_contact_attempt(&t.at(&t.worker, NOW), &attempt(household, ContactKind::Telefoon, NOW, ContactOutcome::NietThuis)).await.unwrap();
    assert_eq!(s.signal_case(&t.at(&t.worker, NOW), case, NOW.date()).await.unwrap().row.stage, CaseStage::Opgepakt);

    // The weighing form decides nothing: ground, why and (for going) the worker are required.
    let (household, case, _) = t.signal_case("2", "Poort", false, t.partner_form()).await;
    let mut w = weighing(Decision::Gaan, None);
    assert_eq!(refusal(s.weigh_signal_case(&t.at(&t.worker, NOW), case, &w).await), "werker", "who goes is not preselected");
    w.grounds.clear();
    w.worker_id = Some(t.worker.user_id);
    assert_eq!(refusal(s.weigh_signal_case(&t.at(&t.worker, NOW), case, &w).await), "grond", "the ground is required");
    let visit = attempt(household, ContactKind::Huisbezoek, NOW, ContactOutcome::NietThuis);
    // Monitoring is not a decision to go.
    s.weigh_signal_case(&t.at(&t.worker, NOW), case, &Weighing { review_on: Some(date!(2026 - 12 - 15)), ..weighing(Decision::Monitoren, None) }).await.unwrap();
    assert_eq!(refusal(s.log_contact_attempt(&t.at(&t.worker, NOW), &visit).await), "soort");
    // Four eyes: weighed to go, the visit waits for a second person.
    s.set_four_eyes(&t.at(&t.lead, NOW), true).await.unwrap();
    assert!(matches!(s.set_four_eyes(&t.at(&t.worker, NOW), false).await, Err(StoreError::Forbidden)), "the team lead decides");
    s.weigh_signal_case(&t.at(&t.worker, NOW), case, &weighing(Decision::Gaan, Some(t.worker.user_id))).await.unwrap();
    assert_eq!(refusal(s.log_contact_attempt(&t.at(&t.worker, NOW), &visit).await), "soort", "awaiting the second pair of eyes");
    assert_eq!(refusal(s.confirm_weighing(&t.at(&t.worker, NOW), case).await), "bevestigen", "not by the one who weighed");
    s.confirm_weighing(&t.at(&t.colleague, NOW), case).await.unwrap();
    s.log_contact_attempt(&t.at(&t.worker, NOW), &visit).await.unwrap();
    let detail = s.signal_case(&t.at(&t.worker, NOW), case, NOW.date()).await.unwrap();
    assert_eq!(detail.weighings.len(), 2, "the history of weighings stays");
    let (by, _) = detail.weighings[0].confirmed.clone().unwrap();
    assert_ne!(by, detail.weighings[0].by, "both names are shown");
    // Re-weighing after contact: allowed, and kept beside the earlier ones.
    s.weigh_signal_case(&t.at(&t.worker, NOW + Duration::hours(1)), case, &Weighing { safety: Safety::MetZnTweeen, ..weighing(Decision::Gaan, Some(t.worker.user_id)) }).await.unwrap();
    assert_eq!(s.signal_case(&t.at(&t.worker, NOW), case, NOW.date()).await.unwrap().weighings.len(), 3);
    s.set_four_eyes(&t.at(&t.lead, NOW), false).await.unwrap();

    // A crisis signal: the visit may go first with its reason; the case is then listed to be
    // weighed within one working day, until it is.
    let (household, case, _) = t.signal_case("3", "Crisis", true, t.partner_form()).await;
    let visit = NewAttempt { crisis_reason: Some("Buren horen geschreeuw en de deur blijft dicht."), ..attempt(household, ContactKind::Huisbezoek, NOW, ContactOutcome::Gesproken) };
    assert_eq!(refusal(s.log_contact_attempt(&t.at(&t.worker, NOW), &NewAttempt { crisis_reason: None, ..visit.clone() }).await), "soort");
    assert_eq!(refusal(s.log_contact_attempt(&t.at(&t.worker, NOW), &NewAttempt { crisis_reason: Some("kort"), ..visit.clone() }).await), "crisisreden");
    s.log_contact_attempt(&t.at(&t.worker, NOW), &visit).await.unwrap();
    let listed = s.signal_cases(&t.at(&t.worker, NOW), CaseFilter::Review, NOW.date()).await.unwrap();
    let row = listed.iter().find(|c| c.id == case).expect("listed to be weighed");
    // Saturday 28 November 2026, 11:00 Dutch time: one working day after is Monday.
    assert_eq!(row.weigh_by, Some(date!(2026 - 11 - 30)));
    assert!(s.my_day(&t.at(&t.worker, NOW), NOW.date()).await.unwrap().to_weigh.iter().any(|c| c.id == case), "on mijn dag too");
    s.weigh_signal_case(&t.at(&t.worker, NOW), case, &weighing(Decision::Gaan, Some(t.worker.user_id))).await.unwrap();
    assert!(!s.signal_cases(&t.at(&t.worker, NOW), CaseFilter::Review, NOW.date()).await.unwrap().iter().any(|c| c.id == case), "weighed: off the list");
    s.close().await;
}

/// "Monitoren" sets a review date and leaves the pickup lists until then; "niet handelen"
/// closes with its reason.
async fn next_moments_body(url: &str) {
    let t = town(url).await;
    let s = &t.store;
    let w = t.at(&t.worker, NOW);
    let (_, case, _) = t.signal_case("4", "Pols", false, t.partner_form()).await;
    // Weeks later the case would be overdue; monitored, it is not.
    let later = NOW + Duration::days(40);
    assert!(s.signal_cases(&t.at(&t.worker, later), CaseFilter::Overdue, later.date()).await.unwrap().iter().any(|c| c.id == case), "unweighed and late: overdue");
    assert_eq!(refusal(s.weigh_signal_case(&w, case, &weighing(Decision::Monitoren, None)).await), "herweging", "monitoring needs its review date");
    assert_eq!(refusal(s.weigh_signal_case(&w, case, &Weighing { review_on: Some(NOW.date()), ..weighing(Decision::Monitoren, None) }).await), "herweging", "after today");
    let review = date!(2027 - 01 - 15);
    s.weigh_signal_case(&w, case, &Weighing { review_on: Some(review), ..weighing(Decision::Monitoren, None) }).await.unwrap();
    assert!(!s.signal_cases(&t.at(&t.worker, later), CaseFilter::Overdue, later.date()).await.unwrap().iter().any(|c| c.id == case), "monitored: off the overdue list");
    let [_, _, late, _, _] = s.signal_case_counts(&t.at(&t.worker, later), later.date()).await.unwrap();
    assert_eq!(late as usize, s.signal_cases(&t.at(&t.worker, later), CaseFilter::Overdue, later.date()).await.unwrap().len(), "the count agrees with the list");
    assert!(!s.signal_cases(&w, CaseFilter::Review, NOW.date()).await.unwrap().iter().any(|c| c.id == case), "not to weigh again before its date");
    let on_date = t.at(&t.worker, datetime!(2027-01-15 09:00 UTC));
    let again = s.signal_cases(&on_date, CaseFilter::Review, review).await.unwrap();
    assert_eq!(again.iter().find(|c| c.id == case).and_then(|c| c.review_on), Some(review), "back on its review date");

    // "Niet handelen" closes with its reason, one of the DDAS "niet opgepakt" results.
    let (_, case, signal) = t.signal_case("5", "Niet", false, t.partner_form()).await;
    let not_acting = Weighing { why_not: Some("Eerder vandaag al door het wijkteam gesproken.".into()), ..weighing(Decision::NietHandelen, None) };
    assert_eq!(refusal(s.weigh_signal_case(&w, case, &not_acting).await), "afsluitreden");
    assert_eq!(refusal(s.weigh_signal_case(&w, case, &Weighing { closing: Some(EndResult::VervolgFinancieel), ..not_acting.clone() }).await), "afsluitreden", "only a not-picked-up result");
    assert_eq!(refusal(s.weigh_signal_case(&w, case, &Weighing { closing: Some(EndResult::HerhaaldeMelding), why_not: None, ..not_acting.clone() }).await), "waarom-niet", "with its reason");
    s.weigh_signal_case(&w, case, &Weighing { closing: Some(EndResult::HerhaaldeMelding), ..not_acting }).await.unwrap();
    let detail = s.signal_case(&w, case, NOW.date()).await.unwrap();
    assert_eq!((detail.row.stage, detail.row.end_result), (CaseStage::Afgesloten, Some(EndResult::HerhaaldeMelding)));
    assert_eq!(s.partner_signal(t.partner, signal).await.unwrap().status, domain::model::SignalStatus::Afgesloten, "the partner sees it closed");
    s.close().await;
}

/// When the team lead looks at the case-discussion list in the discussion test.
const T: OffsetDateTime = datetime!(2026-12-10 10:00 UTC);

async fn on_the_list(t: &Town, at: OffsetDateTime, household: i64) -> bool {
    t.store.my_day(&t.at(&t.lead, at), at.date()).await.unwrap().discussions.iter().any(|d| d.household_id == household)
}

/// The case-discussion list clears: by the team lead's decision (shown on the household page)
/// or by reaching the household again. Cards are not failures; "definitief geen contact" needs
/// the attempts on two channels and two parts of the day, or the discussion's decision.
async fn discussion_and_closing_body(url: &str) {
    let t = town(url).await;
    let s = &t.store;
    let (household, case, _) = t.signal_case("6", "Overleg", false, t.partner_form()).await;
    s.weigh_signal_case(&t.at(&t.worker, NOW), case, &weighing(Decision::Gaan, Some(t.worker.user_id))).await.unwrap();
    // Five visits with a card each: five failures, not ten; no discussion yet.
    let start = NOW + Duration::hours(1);
    for i in 0..5 {
        let at = start + Duration::days(2 * i);
        s.log_contact_attempt(&t.at(&t.worker, at), &attempt(household, ContactKind::Huisbezoek, at, ContactOutcome::NietThuis)).await.unwrap_or_else(|e| panic!("visit {i}: {e:?}"));
        s.log_contact_attempt(&t.at(&t.worker, at), &attempt(household, ContactKind::Kaartje, at + Duration::minutes(1), ContactOutcome::GeenReactie)).await.unwrap();
    }
    assert!(!on_the_list(&t, T, household).await, "cards are not failures");
    // One visit only, at one part of the day: "definitief geen contact" is refused.
    assert_eq!(refusal(s.close_signal_case(&t.at(&t.worker, T), case, EndResult::GeenContact, T.date()).await), "resultaat");
    // A sixth failure, by phone in the evening (18:30 Dutch time): on the list.
    let evening = datetime!(2026-12-09 17:30 UTC);
    s.log_contact_attempt(&t.at(&t.worker, evening), &attempt(household, ContactKind::Telefoon, evening, ContactOutcome::GeenReactie)).await.unwrap();
    assert!(on_the_list(&t, T, household).await, "six failures: on the case-discussion list");
    // The team lead records the outcome; a worker may not; stopping needs the reason.
    assert!(matches!(s.decide_discussion(&t.at(&t.worker, T), household, DiscussionOutcome::Stoppen, "Geen reden").await, Err(StoreError::Forbidden)));
    assert_eq!(refusal(s.decide_discussion(&t.at(&t.lead, T), household, DiscussionOutcome::Stoppen, "").await), "toelichting");
    s.decide_discussion(&t.at(&t.lead, T), household, DiscussionOutcome::Ervaringsdeskundige, "Samen met Anouk, die de buurt kent.").await.unwrap();
    assert!(!on_the_list(&t, T, household).await, "decided: off the list");
    let next = s.next_contact(&t.at(&t.worker, T), household).await.unwrap().unwrap();
    assert_eq!(next.discussed.as_ref().map(|d| d.outcome), Some(DiscussionOutcome::Ervaringsdeskundige), "the decision shows on the household page");
    // Now two channels and two parts of the day, six attempts: closing as no contact is allowed.
    s.close_signal_case(&t.at(&t.worker, T), case, EndResult::GeenContact, T.date()).await.unwrap();

    // A household that is reached again leaves the list by itself.
    let (household, case, _) = t.signal_case("7", "Weer", false, t.partner_form()).await;
    s.weigh_signal_case(&t.at(&t.worker, NOW), case, &weighing(Decision::Gaan, Some(t.worker.user_id))).await.unwrap();
    for i in 0..6 {
        let at = start + Duration::days(i);
        s.log_contact_attempt(&t.at(&t.worker, at), &attempt(household, ContactKind::Brief, at, ContactOutcome::GeenReactie)).await.unwrap();
    }
    assert!(on_the_list(&t, T, household).await);
    s.log_contact_attempt(&t.at(&t.worker, T), &attempt(household, ContactKind::Telefoon, T, ContactOutcome::Gesproken)).await.unwrap();
    assert!(!on_the_list(&t, T, household).await, "reached: off the list by itself");
    assert_eq!(s.next_contact(&t.at(&t.worker, T), household).await.unwrap().and_then(|n| n.discussed).map(|d| d.outcome), Some(DiscussionOutcome::Bereikt));
    s.close().await;
}

/// A reporter who asked to hear back gets a task on "mijn dag" until the feedback is recorded;
/// day parts follow the Dutch clock in winter and summer; the crisis term skips holidays.
async fn feedback_and_time_body(url: &str) {
    let t = town(url).await;
    let s = &t.store;
    let informal = |wish: &str| Source::Worker {
        channel: SignalChannel::Informeel,
        reporter: Some(InformalReporter { reporter_type: PartnerType::Buurtbewoner, feedback: wish.into(), contact: Some("06 12345678".into()) }),
    };
    let (household, case, signal) = t.signal_case("8", "Terug", false, informal("telefoon")).await;
    let (_, _, quiet) = t.signal_case("9", "Stil", false, informal("nee")).await;
    s.weigh_signal_case(&t.at(&t.worker, NOW), case, &weighing(Decision::Gaan, Some(t.worker.user_id))).await.unwrap();
    let day = s.my_day(&t.at(&t.worker, NOW), NOW.date()).await.unwrap();
    let task = day.feedback.iter().find(|f| f.signal_id == signal).expect("a feedback task for the worker who goes");
    assert_eq!((task.wish, task.due), (FeedbackWish::Telefoon, date!(2026 - 12 - 25)), "due within the pickup term");
    assert!(!day.feedback.iter().any(|f| f.signal_id == quiet), "no task when the reporter did not ask");
    assert!(!s.my_day(&t.at(&t.colleague, NOW), NOW.date()).await.unwrap().feedback.iter().any(|f| f.signal_id == signal), "not a colleague's task");
    assert!(s.my_day(&t.at(&t.lead, NOW), NOW.date()).await.unwrap().feedback.iter().any(|f| f.signal_id == signal), "the team lead sees the team's");
    assert_eq!(refusal(s.record_feedback(&t.at(&t.worker, NOW), quiet, FeedbackMessage::ContactGelegd).await), "terugkoppeling");
    s.record_feedback(&t.at(&t.worker, NOW), signal, FeedbackMessage::ContactGelegd).await.unwrap();
    assert!(!s.my_day(&t.at(&t.worker, NOW), NOW.date()).await.unwrap().feedback.iter().any(|f| f.signal_id == signal), "done: off mijn dag");
    let shown = s.signal_case(&t.at(&t.worker, NOW), case, NOW.date()).await.unwrap();
    assert_eq!(shown.signals.iter().find(|x| x.id == signal).and_then(|x| x.feedback_given.map(|(m, _)| m)), Some(FeedbackMessage::ContactGelegd));
    assert_eq!(refusal(s.record_feedback(&t.at(&t.worker, NOW), signal, FeedbackMessage::ContactGelegd).await), "terugkoppeling", "once");
    assert!(s.audit_for_household(household).await.unwrap().iter().any(|a| a.event == "signal.feedback"), "audited");

    // A call at 18:30 in December and one at 18:30 in July are both evening calls.
    for (at, number, surname) in [(datetime!(2026-12-01 17:30 UTC), "10", "Winter"), (datetime!(2026-07-01 16:30 UTC), "11", "Zomer")] {
        let (h, _, _) = t.signal_case(number, surname, false, t.partner_form()).await;
        let now = if at > NOW { at } else { NOW };
        s.log_contact_attempt(&t.at(&t.worker, now), &attempt(h, ContactKind::Telefoon, at, ContactOutcome::NietThuis)).await.unwrap();
        let next = s.next_contact(&t.at(&t.worker, now), h).await.unwrap().unwrap().planned.unwrap();
        assert_ne!(next.day_part, DayPart::Avond, "the evening was tried: another part of the day ({at})");
    }
    // The crisis term: a crisis signal on Wednesday 23 December is due Tuesday 29 December.
    let policy = s.policies().signals;
    assert_eq!(policy.due_date(date!(2026 - 12 - 23), true), date!(2026 - 12 - 29));
    let lustrum = store::signals::SignalPolicy { liberation_day: domain::local::LiberationDay::Lustrum, ..policy };
    assert_eq!(policy.due_date(date!(2026 - 05 - 04), true), date!(2026 - 05 - 08), "5 May a day off every year");
    assert_eq!(lustrum.due_date(date!(2026 - 05 - 04), true), date!(2026 - 05 - 07), "5 May a working day outside lustrum years");
    s.close().await;
}

on_both!(journal_and_steps, journal_and_steps_body);

/// The case journal keeps dated notes longer than a contact note, with their author; a step
/// that falls due is on the worker's "mijn dag" until it is done.
async fn journal_and_steps_body(url: &str) {
    use store::cases::{CaseChange, NewCase};
    let t = town(url).await;
    let s = &t.store;
    let (household, _, _) = t.signal_case("12", "Journaal", false, t.partner_form()).await;
    let w = t.at(&t.worker, NOW);
    let new = NewCase { household_id: household, opened: NOW.date(), models: vec![OutreachModel::Hulp], domains: vec![domain::case::ZrmDomain::Financien], goal: None };
    let case = s.open_case(&w, &new).await.unwrap();
    let long = "Gesprek aan de keukentafel. ".repeat(20);
    assert!(long.chars().count() > 200, "longer than a contact note may be");
    s.change_case(&w, case, &CaseChange::Journal { body: &long }).await.unwrap();
    assert_eq!(refusal(s.change_case(&w, case, &CaseChange::Journal { body: "  " }).await), "journaal");
    let file = s.case_file(&w, case).await.unwrap();
    assert_eq!(file.journal.len(), 1);
    assert_eq!((file.journal[0].body.as_str(), file.journal[0].at), (long.trim(), NOW));
    assert!(!file.journal[0].author.is_empty(), "with its author");
    // A step due tomorrow is on mijn dag from tomorrow, until it is done.
    let tomorrow = NOW.date() + Duration::days(1);
    s.change_case(&w, case, &CaseChange::Step { what: "Samen de post openen", who: "werker en bewoner", due_on: tomorrow }).await.unwrap();
    assert!(!s.my_day(&w, NOW.date()).await.unwrap().steps.iter().any(|x| x.case_id == case), "not due yet");
    let day = s.my_day(&t.at(&t.worker, NOW + Duration::days(1)), tomorrow).await.unwrap();
    let step = day.steps.iter().find(|x| x.case_id == case).expect("due: on mijn dag");
    assert!(!s.my_day(&t.at(&t.colleague, NOW + Duration::days(1)), tomorrow).await.unwrap().steps.iter().any(|x| x.case_id == case), "not on a colleague's day");
    s.change_case(&t.at(&t.worker, NOW + Duration::days(1)), case, &CaseChange::StepDone { step_id: step.step_id, on: tomorrow }).await.unwrap();
    assert!(!s.my_day(&t.at(&t.worker, NOW + Duration::days(1)), tomorrow).await.unwrap().steps.iter().any(|x| x.case_id == case), "done: off the list");
    s.close().await;
}
