//! Persistence with people who do not open the door, and keeping them in view afterwards.
//!
//! From the research on early debt signals (DESIGN.md): four or more attempts reach 37% of
//! households against 18% for one or two; a letter alone reaches 6%, a phone call 59%, a home
//! visit 46%. So after a failed attempt Eropaf proposes the next one: first the same channel at
//! another part of the day, then another channel, strongest first, at growing intervals. Nothing
//! is closed silently: after a set number of failures the household goes to the team's case
//! discussion. Pure rules; the time is always a parameter.

use crate::model::{ContactKind, DayPart};
use time::{Date, Duration, OffsetDateTime, Weekday};

/// One contact attempt as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub at: OffsetDateTime,
    pub kind: ContactKind,
    pub day_part: DayPart,
    pub reached: bool,
}

/// The team's settings for persistence and for keeping people in view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CadencePolicy {
    /// Failed attempts in a row after which the household goes to the case discussion.
    pub failures_before_discussion: usize,
    /// Days between a first failure and the next attempt; doubles with each failure.
    pub first_interval_days: i64,
    /// The longest wait between two attempts.
    pub max_interval_days: i64,
    /// A household the team works with is out of view after this many days without contact.
    pub no_contact_days: i64,
    /// A referral whose help has not started this many days after it was made is stalled.
    pub referral_stalled_days: i64,
}

impl Default for CadencePolicy {
    fn default() -> CadencePolicy {
        CadencePolicy { failures_before_discussion: 6, first_interval_days: 2, max_interval_days: 7, no_contact_days: 28, referral_stalled_days: 28 }
    }
}

/// What to do next after the attempts so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The last attempt reached the household: no proposal.
    Reached,
    /// Try again like this.
    Try(Proposal),
    /// So many failures in a row that the team should discuss the household (with its history).
    Discuss { failures: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    pub kind: ContactKind,
    pub day_part: DayPart,
    pub not_before: Date,
}

/// The channels, strongest first, that the rotation uses; the phone ones only with a number.
const ROTATION: &[ContactKind] = &[ContactKind::Huisbezoek, ContactKind::Telefoon, ContactKind::SmsWhatsapp, ContactKind::Brief];
/// The day part to try next: evenings first (people who work are home then).
const DAY_PARTS: &[DayPart] = &[DayPart::Avond, DayPart::Middag, DayPart::Ochtend];
/// Each channel is tried at this many parts of the day before the next channel.
const DAY_PARTS_PER_CHANNEL: usize = 2;

/// The next step after `history` (any order). `has_phone`: a phone number is known, so phone
/// and SMS/WhatsApp are in the rotation.
pub fn next_step(history: &[Attempt], has_phone: bool, policy: &CadencePolicy) -> Next {
    // A card left behind is not a failed attempt: it goes with the visit that found nobody home
    // and counts neither towards the case discussion nor in the rotation (DDAS: its own kind).
    let mut sorted: Vec<&Attempt> = history.iter().filter(|a| a.kind != ContactKind::Kaartje).collect();
    sorted.sort_by_key(|a| a.at);
    let streak: Vec<&Attempt> = match sorted.iter().rposition(|a| a.reached) {
        Some(i) if i + 1 == sorted.len() => return Next::Reached,
        Some(i) => sorted[i + 1..].to_vec(),
        None => sorted,
    };
    let Some(last) = streak.last() else { return Next::Reached };
    let failures = streak.len();
    if failures >= policy.failures_before_discussion {
        return Next::Discuss { failures };
    }
    let channels: Vec<ContactKind> = ROTATION.iter().copied().filter(|k| has_phone || !matches!(k, ContactKind::Telefoon | ContactKind::SmsWhatsapp)).collect();
    let tried = |kind: ContactKind| -> Vec<DayPart> {
        let mut parts: Vec<DayPart> = streak.iter().filter(|a| a.kind == kind).map(|a| a.day_part).collect();
        parts.sort_unstable();
        parts.dedup();
        parts
    };
    let untried_part = |kind: ContactKind| DAY_PARTS.iter().copied().find(|p| !tried(kind).contains(p) && *p != last.day_part).or_else(|| DAY_PARTS.iter().copied().find(|p| !tried(kind).contains(p)));
    // First another part of the day on the same (rotation) channel, then the next channel.
    let current = if channels.contains(&last.kind) { last.kind } else { ContactKind::Huisbezoek };
    let (kind, day_part) = if tried(current).len() < DAY_PARTS_PER_CHANNEL {
        (current, untried_part(current).unwrap_or(DayPart::Avond))
    } else {
        match channels.iter().copied().find(|k| tried(*k).len() < DAY_PARTS_PER_CHANNEL) {
            Some(k) => (k, untried_part(k).unwrap_or(DayPart::Avond)),
            // Every channel had its turn: a home visit at the part of the day least tried.
            None => {
                let least = DAY_PARTS.iter().copied().min_by_key(|p| streak.iter().filter(|a| a.day_part == *p).count()).unwrap_or(DayPart::Avond);
                (ContactKind::Huisbezoek, least)
            }
        }
    };
    let wait = (policy.first_interval_days << (failures - 1).min(16)).min(policy.max_interval_days).max(1);
    let mut not_before = last.at.date() + Duration::days(wait);
    // Nobody is visited on a Sunday.
    if kind == ContactKind::Huisbezoek && not_before.weekday() == Weekday::Sunday {
        not_before = not_before.next_day().unwrap_or(not_before);
    }
    Next::Try(Proposal { kind, day_part, not_before })
}

/// Where a signal case stands when a worker wants to go to the door, for the weighing gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseAtTheDoor {
    /// The team has recorded a weighing.
    pub weighed: bool,
    /// Its latest decision is to go ("erop af").
    pub decided_to_go: bool,
    /// The team weighs with four eyes and nobody has confirmed the latest weighing yet.
    pub awaits_confirmation: bool,
    /// The case holds a crisis signal.
    pub crisis: bool,
}

/// Why a home visit may not happen yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitRefused {
    /// Nobody has weighed the signal yet (a crisis may go first, with a reason).
    NotWeighed,
    /// The team weighed and decided not to go (now).
    NotDecidedToGo,
    /// Four eyes: a second person has to confirm the weighing first.
    AwaitsConfirmation,
}

/// The weighing gate (dossier §1.2, §3.2: a signal must not by itself put a professional at the
/// door). Phone, letter or card may come first; a home visit on a signal case not yet picked
/// up needs a recorded weighing that decided to go, confirmed where the team works with four
/// eyes. A crisis may go first, when the worker gives the reason (`crisis_reason`); it is
/// weighed afterwards. `Ok(true)`: allowed as a crisis visit before the weighing.
pub fn home_visit_gate(case: &CaseAtTheDoor, crisis_reason: bool) -> Result<bool, VisitRefused> {
    if !case.weighed {
        return if case.crisis && crisis_reason { Ok(true) } else { Err(VisitRefused::NotWeighed) };
    }
    if !case.decided_to_go {
        return Err(VisitRefused::NotDecidedToGo);
    }
    if case.awaits_confirmation {
        return if case.crisis && crisis_reason { Ok(true) } else { Err(VisitRefused::AwaitsConfirmation) };
    }
    Ok(false)
}

/// Whether the attempts on a signal case suffice to close it as "definitief geen contact": at
/// least the cadence's number of attempts (cards not counted), on two channels and at two
/// parts of the day. Otherwise only a case-discussion decision closes it that way.
pub fn tried_enough(attempts: &[Attempt], policy: &CadencePolicy) -> bool {
    let tried: Vec<&Attempt> = attempts.iter().filter(|a| a.kind != ContactKind::Kaartje && !a.reached).collect();
    let mut kinds: Vec<ContactKind> = tried.iter().map(|a| a.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut parts: Vec<DayPart> = tried.iter().map(|a| a.day_part).collect();
    parts.sort_unstable();
    parts.dedup();
    tried.len() >= policy.failures_before_discussion && kinds.len() >= 2 && parts.len() >= 2
}

/// What Eropaf knows about a household the team works with, for the out-of-view rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contact {
    /// Since when the team works with the household (case opened, decision to go).
    pub since: Date,
    /// The last attempt that reached the household.
    pub last_reached: Option<Date>,
    /// The last attempt of any kind.
    pub last_attempt: Option<Date>,
    /// The next planned contact, if any.
    pub planned: Option<Date>,
}

/// Why a household is out of view, and by how many days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfView {
    /// The planned contact's day has passed without an attempt.
    PlannedOverdue { planned: Date, days: i64 },
    /// No contact that reached the household for longer than the team's period.
    NoContact { since: Date, days: i64 },
}

impl OutOfView {
    pub fn days_overdue(self) -> i64 {
        match self {
            OutOfView::PlannedOverdue { days, .. } | OutOfView::NoContact { days, .. } => days,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            OutOfView::PlannedOverdue { .. } => "planned-contact-overdue",
            OutOfView::NoContact { .. } => "no-contact",
        }
    }

    pub fn label(self, dutch: bool) -> &'static str {
        match (self, dutch) {
            (OutOfView::PlannedOverdue { .. }, true) => "Gepland contact verlopen",
            (OutOfView::PlannedOverdue { .. }, false) => "Planned contact overdue",
            (OutOfView::NoContact { .. }, true) => "Te lang geen contact",
            (OutOfView::NoContact { .. }, false) => "No contact for too long",
        }
    }
}

/// Whether a household the team works with has dropped out of view on `today`. A planned
/// contact still to come keeps it in view; one whose day passed without an attempt does not;
/// otherwise a reached contact within the team's period does.
pub fn out_of_view(c: &Contact, today: Date, policy: &CadencePolicy) -> Option<OutOfView> {
    if let Some(planned) = c.planned {
        if planned >= today {
            return None;
        }
        if c.last_attempt.is_none_or(|a| a < planned) {
            return Some(OutOfView::PlannedOverdue { planned, days: (today - planned).whole_days() });
        }
    }
    let since = c.last_reached.map_or(c.since, |r| r.max(c.since));
    let days = (today - since).whole_days() - policy.no_contact_days;
    (days > 0).then_some(OutOfView::NoContact { since, days })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn attempt(at: OffsetDateTime, kind: ContactKind, reached: bool) -> Attempt {
        Attempt { at, kind, day_part: DayPart::at(at), reached }
    }

    fn proposal(next: Next) -> Proposal {
        match next {
            Next::Try(p) => p,
            other => panic!("expected a proposal, got {other:?}"),
        }
    }

    const POLICY: CadencePolicy = CadencePolicy { failures_before_discussion: 6, first_interval_days: 2, max_interval_days: 7, no_contact_days: 28, referral_stalled_days: 28 };

    #[test]
    fn after_a_failed_visit_first_another_part_of_the_day_then_the_phone() {
        // Monday morning: not home.
        let mut history = vec![attempt(datetime!(2026-11-02 10:00 UTC), ContactKind::Huisbezoek, false)];
        let p = proposal(next_step(&history, true, &POLICY));
        assert_eq!((p.kind, p.day_part, p.not_before), (ContactKind::Huisbezoek, DayPart::Avond, date!(2026-11-04)), "same channel, the evening, two days later");
        // Wednesday evening: not home either. Two parts of the day tried: now the phone.
        history.push(attempt(datetime!(2026-11-04 19:00 UTC), ContactKind::Huisbezoek, false));
        let p = proposal(next_step(&history, true, &POLICY));
        assert_eq!((p.kind, p.day_part), (ContactKind::Telefoon, DayPart::Middag), "another channel at a part of the day not just tried");
        assert_eq!(p.not_before, date!(2026-11-08), "the wait grows: four days");
        // Without a known number, the phone is skipped: a letter.
        let p = proposal(next_step(&history, false, &POLICY));
        assert_eq!(p.kind, ContactKind::Brief);
    }

    #[test]
    fn a_card_left_behind_does_not_stop_the_rotation() {
        let history = [
            attempt(datetime!(2026-11-02 10:00 UTC), ContactKind::Huisbezoek, false),
            attempt(datetime!(2026-11-02 10:01 UTC), ContactKind::Kaartje, false),
        ];
        let p = proposal(next_step(&history, true, &POLICY));
        assert_eq!((p.kind, p.day_part), (ContactKind::Huisbezoek, DayPart::Avond));
    }

    #[test]
    fn cards_left_behind_are_not_failures_that_lead_to_the_case_discussion() {
        // Five visits that found nobody, each with a card: five failures, not ten.
        let mut history = Vec::new();
        for i in 0..5 {
            let at = datetime!(2026-11-02 10:00 UTC) + Duration::days(2 * i);
            history.push(attempt(at, ContactKind::Huisbezoek, false));
            history.push(attempt(at + Duration::minutes(1), ContactKind::Kaartje, false));
        }
        assert!(matches!(next_step(&history, true, &POLICY), Next::Try(_)), "five failures: still trying");
        let only_a_card = [attempt(datetime!(2026-11-02 10:00 UTC), ContactKind::Kaartje, false)];
        assert_eq!(next_step(&only_a_card, true, &POLICY), Next::Reached, "a card alone is no attempt to follow up");
    }

    #[test]
    fn a_home_visit_needs_a_weighing_that_decided_to_go() {
        let new = CaseAtTheDoor { weighed: false, decided_to_go: false, awaits_confirmation: false, crisis: false };
        assert_eq!(home_visit_gate(&new, false), Err(VisitRefused::NotWeighed));
        assert_eq!(home_visit_gate(&new, true), Err(VisitRefused::NotWeighed), "no crisis, no going first");
        let crisis = CaseAtTheDoor { crisis: true, ..new };
        assert_eq!(home_visit_gate(&crisis, false), Err(VisitRefused::NotWeighed), "a crisis goes first only with a reason");
        assert_eq!(home_visit_gate(&crisis, true), Ok(true));
        let monitor = CaseAtTheDoor { weighed: true, ..new };
        assert_eq!(home_visit_gate(&monitor, false), Err(VisitRefused::NotDecidedToGo));
        let go = CaseAtTheDoor { weighed: true, decided_to_go: true, ..new };
        assert_eq!(home_visit_gate(&go, false), Ok(false));
        let four_eyes = CaseAtTheDoor { awaits_confirmation: true, ..go };
        assert_eq!(home_visit_gate(&four_eyes, false), Err(VisitRefused::AwaitsConfirmation));
    }

    #[test]
    fn definitely_no_contact_needs_the_attempts_on_two_channels_and_two_parts_of_the_day() {
        let visits: Vec<Attempt> = (0..6).map(|i| attempt(datetime!(2026-11-02 10:00 UTC) + Duration::days(i), ContactKind::Huisbezoek, false)).collect();
        assert!(!tried_enough(&visits, &POLICY), "one channel, one part of the day");
        let mut mixed = visits.clone();
        mixed[1] = attempt(datetime!(2026-11-03 18:30 UTC), ContactKind::Telefoon, false);
        assert!(tried_enough(&mixed, &POLICY));
        let mut with_cards = mixed[..5].to_vec();
        with_cards.push(attempt(datetime!(2026-11-09 10:01 UTC), ContactKind::Kaartje, false));
        assert!(!tried_enough(&with_cards, &POLICY), "a card is not an attempt");
    }

    #[test]
    fn reaching_the_household_ends_the_streak_and_a_new_streak_starts_over() {
        let reached = [
            attempt(datetime!(2026-11-02 10:00 UTC), ContactKind::Huisbezoek, false),
            attempt(datetime!(2026-11-03 19:00 UTC), ContactKind::Huisbezoek, true),
        ];
        assert_eq!(next_step(&reached, true, &POLICY), Next::Reached);
        assert_eq!(next_step(&[], true, &POLICY), Next::Reached, "no attempts, nothing to propose");
        let mut again = reached.to_vec();
        again.push(attempt(datetime!(2026-11-10 14:00 UTC), ContactKind::Telefoon, false));
        let p = proposal(next_step(&again, true, &POLICY));
        assert_eq!((p.kind, p.not_before), (ContactKind::Telefoon, date!(2026-11-12)), "first failure of a new streak: two days");
    }

    #[test]
    fn never_closed_silently_after_the_set_number_of_failures_the_team_discusses_it() {
        let mut history = Vec::new();
        let mut at = datetime!(2026-11-02 10:00 UTC);
        for i in 0..5 {
            history.push(attempt(at, ContactKind::Huisbezoek, false));
            let p = proposal(next_step(&history, true, &POLICY));
            assert!(p.not_before > at.date(), "attempt {i}: later");
            at = crate::local::from_dutch(p.not_before.with_hms(p.day_part.start_hour(), 0, 0).unwrap());
        }
        history.push(attempt(at, ContactKind::Telefoon, false));
        assert_eq!(next_step(&history, true, &POLICY), Next::Discuss { failures: 6 });
        let strict = CadencePolicy { failures_before_discussion: 2, ..POLICY };
        assert_eq!(next_step(&history[..2], true, &strict), Next::Discuss { failures: 2 }, "the number is the team's setting");
    }

    #[test]
    fn waits_grow_to_the_maximum_and_skip_sundays_for_visits() {
        let history: Vec<Attempt> = (0..5).map(|i| attempt(datetime!(2026-11-02 10:00 UTC) + Duration::days(i), ContactKind::Brief, false)).collect();
        let p = proposal(next_step(&history, true, &POLICY));
        assert_eq!(p.not_before, date!(2026-11-06) + Duration::days(7), "capped at seven days");
        // Friday + 2 days is a Sunday: a home visit moves to Monday.
        let friday = [attempt(datetime!(2026-11-06 10:00 UTC), ContactKind::Huisbezoek, false)];
        assert_eq!(proposal(next_step(&friday, true, &POLICY)).not_before, date!(2026-11-09));
    }

    fn contact(since: Date) -> Contact {
        Contact { since, last_reached: None, last_attempt: None, planned: None }
    }

    #[test]
    fn out_of_view_when_a_planned_contact_passed_or_contact_is_too_long_ago() {
        let today = date!(2026-11-28);
        // A planned contact still to come keeps the household in view, however long ago contact was.
        let waiting = Contact { planned: Some(date!(2026-11-30)), ..contact(date!(2026-01-01)) };
        assert_eq!(out_of_view(&waiting, today, &POLICY), None);
        // Its day passed without an attempt: overdue by the days since.
        let missed = Contact { planned: Some(date!(2026-11-20)), last_attempt: Some(date!(2026-11-18)), ..contact(date!(2026-11-01)) };
        assert_eq!(out_of_view(&missed, today, &POLICY), Some(OutOfView::PlannedOverdue { planned: date!(2026-11-20), days: 8 }));
        // An attempt on the planned day counts; then the contact period decides.
        let done = Contact { last_attempt: Some(date!(2026-11-20)), last_reached: Some(date!(2026-11-20)), ..missed };
        assert_eq!(out_of_view(&done, today, &POLICY), None);
        // No reached contact for longer than the team's period.
        let quiet = Contact { last_reached: Some(date!(2026-10-01)), ..contact(date!(2026-09-01)) };
        assert_eq!(out_of_view(&quiet, today, &POLICY), Some(OutOfView::NoContact { since: date!(2026-10-01), days: 30 }));
        assert_eq!(out_of_view(&quiet, date!(2026-10-29), &POLICY), None, "exactly the period is still in view");
        // Never reached: counted from when the team started.
        assert_eq!(out_of_view(&contact(date!(2026-10-20)), today, &POLICY), Some(OutOfView::NoContact { since: date!(2026-10-20), days: 11 }));
        let patient = CadencePolicy { no_contact_days: 60, ..POLICY };
        assert_eq!(out_of_view(&quiet, today, &patient), None, "the period is the team's setting");
    }
}
