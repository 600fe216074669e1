//! A year of outreach work: signals from partners (~4 per 1,000 inhabitants a month, mostly about
//! multi-problem households), the contact attempts that follow, and the cases opened after contact.

use crate::names::Origin;
use crate::partners::PartnerSet;
use crate::people::People;
use crate::places::Places;
use crate::staff::Staff;
use crate::{add_days, at_time, pick, pick_weighted, spelling, weekday_on_or_before};
use domain::model::{
    Case, CaseStage, ContactAttempt, Decision, EndResult, SignalCase, ContactKind, DayPart, Id, OutreachModel, PartnerKind, PartnerType, Signal, SignalChannel,
    SignalKind, SignalStatus, SupportLevel,
};
use rand::distributions::{Distribution, WeightedIndex};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use time::{Date, Weekday};

pub(crate) struct World<'a> {
    pub places: &'a Places,
    pub people: &'a People,
    pub partners: &'a PartnerSet,
    pub staff: &'a Staff,
    pub today: Date,
}

#[derive(Default)]
pub(crate) struct Activity {
    pub signals: Vec<Signal>,
    pub signal_person_ids: Vec<Id>,
    pub attempts: Vec<ContactAttempt>,
    pub cases: Vec<Case>,
    pub signal_cases: Vec<SignalCase>,
}

/// Divosa's field figure for debt signals, used for all signals together.
const SIGNALS_PER_1000_PER_MONTH: f64 = 4.0;

struct Raw {
    household: usize,
    person: usize,
    signal: Signal,
    /// The signal case (index into `Activity::signal_cases`) the signal was bundled into.
    episode: usize,
}

pub(crate) fn build(rng: &mut ChaCha8Rng, world: &World) -> Activity {
    let people = world.people;
    let target = (people.persons.len() as f64 * SIGNALS_PER_1000_PER_MONTH / 1000.0 * 12.0).round() as usize;
    let weights: Vec<f64> = (0..people.households.len()).map(|h| signal_weight(world, h)).collect();
    let Ok(households) = WeightedIndex::new(&weights) else { return Activity::default() };

    // Episodes: one household comes into view, often through several partners within weeks.
    let mut raws: Vec<Raw> = Vec::with_capacity(target + 4);
    let mut guard = target * 4 + 100;
    while raws.len() < target && guard > 0 {
        guard -= 1;
        let h = households.sample(rng);
        let start = add_days(world.today, -rng.gen_range(1..=365));
        let size = pick_weighted(rng, &[(1usize, 65), (2, 22), (3, 9), (4, 4)]);
        let mut types_used = Vec::with_capacity(size);
        for i in 0..size {
            if raws.len() >= target {
                break;
            }
            let date = weekday_on_or_before(if i == 0 { start } else { add_days(start, rng.gen_range(0..=21)) });
            if date >= world.today {
                continue;
            }
            if let Some(raw) = make_signal(rng, world, h, date, &mut types_used) {
                raws.push(raw);
            }
        }
    }

    // A team bundles a household's signals that arrive close together into one signal case.
    let mut order: Vec<usize> = (0..raws.len()).collect();
    order.sort_by_key(|&i| (raws[i].household, raws[i].signal.received_at, i));
    let mut activity = Activity::default();
    let mut case_open_until: Vec<Option<Date>> = vec![None; people.households.len()];
    let mut i = 0;
    while i < order.len() {
        let household = raws[order[i]].household;
        let mut last = raws[order[i]].signal.signal_date;
        let mut j = i + 1;
        while j < order.len() && raws[order[j]].household == household && raws[order[j]].signal.signal_date <= add_days(last, 45) {
            last = raws[order[j]].signal.signal_date;
            j += 1;
        }
        run_episode(rng, world, &mut raws, &order[i..j], &mut activity, &mut case_open_until);
        i = j;
    }

    // Ids follow time, as they would had the rows been inserted as events happened.
    raws.sort_by_key(|r| (r.signal.received_at, r.household));
    for (k, raw) in raws.into_iter().enumerate() {
        let mut signal = raw.signal;
        signal.id = k as Id + 1;
        activity.signal_cases[raw.episode].signal_ids.push(signal.id);
        activity.signals.push(signal);
        activity.signal_person_ids.push(raw.person as Id + 1);
    }
    activity.attempts.sort_by_key(|a| (a.at, a.household_id));
    for (k, a) in activity.attempts.iter_mut().enumerate() {
        a.id = k as Id + 1;
    }
    activity.cases.sort_by_key(|c| (c.opened, c.household_id));
    for (k, c) in activity.cases.iter_mut().enumerate() {
        c.id = k as Id + 1;
    }
    for (k, c) in activity.signal_cases.iter_mut().enumerate() {
        c.id = k as Id + 1;
    }
    activity
}

/// Signals concentrate where problems pile up: by support need, multi-problem, deprivation.
fn signal_weight(world: &World, h: usize) -> f64 {
    let household = &world.people.households[h];
    let base = match household.support {
        SupportLevel::SelfReliant => 0.15,
        SupportLevel::Occasional => 1.0,
        SupportLevel::Intensive => 2.5,
    };
    let multi = if household.multi_problem { 3.0 } else { 1.0 };
    let deprived = if world.places.buurten[world.people.buurt[h]].deprived { 1.5 } else { 1.0 };
    base * multi * deprived
}

const PARTNER_TYPE_WEIGHTS: &[(PartnerType, u32)] = &[
    (PartnerType::Huur, 18),
    (PartnerType::Energie, 14),
    (PartnerType::Zorg, 12),
    (PartnerType::Water, 8),
    (PartnerType::CakZorgverzekeringen, 3),
    (PartnerType::Hypotheek, 2),
    (PartnerType::Duo, 1),
    (PartnerType::Belastingdienst, 2),
    (PartnerType::CakEigenBijdrage, 1),
    (PartnerType::DienstToeslagen, 2),
    (PartnerType::Huisarts, 5),
    (PartnerType::School, 3),
    (PartnerType::Politie, 5),
    (PartnerType::Handhaving, 3),
    (PartnerType::Overige, 2),
    (PartnerType::Buurtbewoner, 8),
    (PartnerType::Winkelier, 3),
    (PartnerType::Sleutelfiguur, 3),
    (PartnerType::Migrantenorganisatie, 2),
];

fn age_years(world: &World, person: usize) -> i64 {
    (world.today - world.people.persons[person].birth_date).whole_days() / 365
}

fn make_signal(rng: &mut ChaCha8Rng, world: &World, h: usize, date: Date, types_used: &mut Vec<PartnerType>) -> Option<Raw> {
    let people = world.people;
    let (start, len) = people.members[h];
    if len == 0 {
        return None;
    }
    let buurt = people.buurt[h];
    let wijk = world.places.buurt_wijk[buurt];
    let deprived = world.places.buurten[buurt].deprived;
    let mut partner_type = pick_weighted(rng, PARTNER_TYPE_WEIGHTS);
    for _ in 0..6 {
        if !types_used.contains(&partner_type) {
            break;
        }
        partner_type = pick_weighted(rng, PARTNER_TYPE_WEIGHTS);
    }
    let pupil = (start..start + len).find(|&p| (4..=17).contains(&age_years(world, p)));
    // Schools report pupils, migrant organisations their own communities, owners have mortgages.
    partner_type = match partner_type {
        PartnerType::School if pupil.is_none() => PartnerType::Buurtbewoner,
        PartnerType::Migrantenorganisatie if people.origin[h] == Origin::Dutch => PartnerType::Sleutelfiguur,
        PartnerType::Hypotheek if deprived => PartnerType::Huur,
        other => other,
    };
    types_used.push(partner_type);
    let partner = world.partners.choose(rng, partner_type, wijk)?;
    let adults: Vec<usize> = (start..start + len).filter(|&p| age_years(world, p) >= 18).collect();
    let person = match pupil {
        Some(child) if partner_type == PartnerType::School => child,
        _ if adults.len() > 1 && rng.gen_bool(0.3) => adults[rng.gen_range(1..adults.len())],
        _ => start,
    };
    let household = &people.households[h];
    let financial = partner_type.is_financial();
    let kind = if financial { SignalKind::Betalingsachterstand } else { kind_for(rng, partner_type) };
    let crisis_chance = crisis_chance(kind) * if household.support == SupportLevel::Intensive { 1.5 } else { 1.0 };
    let style = &world.partners.info[partner].style;
    let address = &world.places.addresses[world.places.homes[h]];
    let signal = Signal {
        id: 0,
        household_id: Some(household.id),
        partner_id: Some(world.partners.partners[partner].id),
        kind,
        channel: channel_for(rng, partner_type),
        status: SignalStatus::Ontvangen,
        signal_date: date,
        received_at: at_time(date, rng.gen_range(8..=17), rng.gen_range(0..60), rng.gen_range(0..60)),
        amount_eur: financial.then(|| amount_for(rng, partner_type)),
        crisis: rng.gen_bool(crisis_chance.min(1.0)),
        reported_name: spelling::report_name(rng, style, &people.persons[person].name, people.female[person]),
        reported_address: spelling::report_address(rng, style, address),
        concern: (!financial).then(|| concern_for(rng, kind, partner_type, people.female[person])),
    };
    Some(Raw { household: h, person, signal, episode: 0 })
}

fn kind_for(rng: &mut ChaCha8Rng, partner_type: PartnerType) -> SignalKind {
    use SignalKind::*;
    let table: &[(SignalKind, u32)] = match partner_type {
        PartnerType::Politie => &[(Overlast, 40), (HuiselijkGeweld, 30), (Zorgen, 30)],
        PartnerType::Handhaving => &[(Vervuiling, 50), (Overlast, 50)],
        PartnerType::Huisarts => &[(Zorgen, 50), (Eenzaamheid, 30), (Vervuiling, 20)],
        PartnerType::School => &[(Zorgen, 80), (HuiselijkGeweld, 20)],
        PartnerType::Buurtbewoner => &[(Overlast, 30), (Vervuiling, 25), (Zorgen, 25), (Eenzaamheid, 15), (HuiselijkGeweld, 5)],
        PartnerType::Winkelier => &[(Zorgen, 50), (Eenzaamheid, 40), (Vervuiling, 10)],
        PartnerType::Sleutelfiguur => &[(Zorgen, 50), (Eenzaamheid, 25), (Overlast, 15), (HuiselijkGeweld, 10)],
        PartnerType::Migrantenorganisatie => &[(Zorgen, 50), (Eenzaamheid, 35), (HuiselijkGeweld, 15)],
        _ => &[(Zorgen, 70), (Eenzaamheid, 30)],
    };
    pick_weighted(rng, table)
}

/// Together these make ~3% of signals a crisis (threatening: pick up within 3 working days).
fn crisis_chance(kind: SignalKind) -> f64 {
    match kind {
        SignalKind::HuiselijkGeweld => 0.25,
        SignalKind::Vervuiling => 0.04,
        SignalKind::Zorgen => 0.03,
        SignalKind::Overlast => 0.015,
        SignalKind::Eenzaamheid => 0.01,
        SignalKind::Betalingsachterstand => 0.012,
    }
}

fn channel_for(rng: &mut ChaCha8Rng, partner_type: PartnerType) -> SignalChannel {
    if partner_type.kind() == PartnerKind::Informal {
        SignalChannel::Informeel
    } else if partner_type.is_financial() {
        pick_weighted(rng, &[(SignalChannel::Api, 70), (SignalChannel::Bestand, 20), (SignalChannel::Formulier, 10)])
    } else {
        pick_weighted(rng, &[(SignalChannel::Api, 55), (SignalChannel::Formulier, 45)])
    }
}

/// Arrears cluster at the low end, so amounts are drawn log-uniformly within a type's range.
fn amount_for(rng: &mut ChaCha8Rng, partner_type: PartnerType) -> i64 {
    let (lo, hi): (f64, f64) = match partner_type {
        PartnerType::Huur => (300.0, 5000.0),
        PartnerType::Energie => (150.0, 3000.0),
        PartnerType::Water => (100.0, 600.0),
        PartnerType::Zorg | PartnerType::CakZorgverzekeringen => (150.0, 2500.0),
        PartnerType::Hypotheek => (1000.0, 5000.0),
        PartnerType::Duo => (100.0, 2000.0),
        PartnerType::CakEigenBijdrage => (100.0, 1500.0),
        _ => (200.0, 5000.0),
    };
    let x = lo.ln() + rng.gen::<f64>() * (hi.ln() - lo.ln());
    (x.exp().round() as i64).clamp(100, 5000)
}

/// Partners write "meneer" or "mevrouw"; the text follows the reported person.
fn concern_for(rng: &mut ChaCha8Rng, kind: SignalKind, partner_type: PartnerType, female: bool) -> String {
    let table: &[&str] = match (kind, partner_type) {
        (SignalKind::Zorgen, PartnerType::School) => &[
            "Leerling is vaak afwezig en ziet er onverzorgd uit.",
            "Ouders niet bereikbaar, kind vertelt over ruzie thuis.",
            "Kind komt regelmatig zonder ontbijt en zonder jas naar school.",
        ],
        (SignalKind::Zorgen, _) => &[
            "{Bewoner} lijkt verward en vergeet afspraken.",
            "{Bewoner} ziet er de laatste tijd slecht uit en valt af.",
            "Post stapelt zich op achter de deur.",
            "Bewoner zegt het niet meer te zien zitten.",
            "Sinds het overlijden van {partner} komt {bewoner} niet meer buiten.",
            "Gezin lijkt geen geld te hebben voor boodschappen.",
        ],
        (SignalKind::Vervuiling, _) => &[
            "Stank in het portiek, vermoedelijk uit de woning.",
            "Tuin en balkon vol afval en spullen.",
            "Ramen al maanden afgeplakt, ongedierte gezien.",
            "Veel katten in huis, sterke urinelucht.",
        ],
        (SignalKind::Eenzaamheid, _) => &[
            "{Bewoner} heeft nauwelijks bezoek en belt vaak om te praten.",
            "{Bewoner} zit de hele dag alleen en zegt niemand meer te hebben.",
            "Oudere bewoner komt alleen nog buiten voor boodschappen.",
        ],
        (SignalKind::Overlast, _) => &[
            "Veel lawaai 's nachts, buren klagen.",
            "Geschreeuw en deurgeklap, buren durven er niets van te zeggen.",
            "Steeds andere mensen over de vloer, overlast in het portiek.",
        ],
        (SignalKind::HuiselijkGeweld, _) => &[
            "Geschreeuw gehoord, kind leek bang.",
            "{Bewoner} had blauwe plekken en wilde er niet over praten.",
            "Buren hoorden slaan en huilen.",
        ],
        (SignalKind::Betalingsachterstand, _) => &["Betalingsachterstand."],
    };
    let (title, partner) = if female { ("mevrouw", "haar man") } else { ("meneer", "zijn vrouw") };
    let title_cap = if female { "Mevrouw" } else { "Meneer" };
    pick::<&str>(rng, table).replace("{Bewoner}", title_cap).replace("{bewoner}", title).replace("{partner}", partner)
}

/// Pick-up, contact attempts until reached (or given up), closing, and perhaps a case.
fn run_episode(
    rng: &mut ChaCha8Rng,
    world: &World,
    raws: &mut [Raw],
    group: &[usize],
    activity: &mut Activity,
    case_open_until: &mut [Option<Date>],
) {
    let Some(&first) = group.first() else { return };
    let today = world.today;
    let h = raws[first].household;
    let household_id = world.people.households[h].id;
    let first_date = raws[first].signal.signal_date;
    let crisis = group.iter().any(|&i| raws[i].signal.crisis);
    // First contact within 4 weeks (3 working days in crisis); some teams run late.
    let pickup = if crisis {
        domain::local::add_working_days(first_date, rng.gen_range(1..=3), domain::local::LiberationDay::Yearly)
    } else {
        let delay = if rng.gen_bool(0.9) { rng.gen_range(1..=20) } else { rng.gen_range(21..=45) };
        next_weekday(add_days(first_date, delay))
    };
    let picked_up = pickup < today;
    let mut close = None;
    if picked_up {
        let (start, len) = world.people.members[h];
        let has_phone = (start..start + len).any(|p| world.people.persons[p].phone.is_some());
        let team = &world.staff.field_workers[world.places.buurt_wijk[world.people.buurt[h]]];
        let main_worker = (!team.is_empty()).then(|| team[rng.gen_range(0..team.len())]);
        let max_attempts = pick_weighted(rng, &[(1usize, 15), (2, 20), (3, 20), (4, 20), (5, 15), (6, 10)]);
        let (mut day, mut reached_on, mut last_day, mut gave_up) = (pickup, None, None, false);
        for k in 0..max_attempts {
            if day >= today {
                break;
            }
            let kind = attempt_kind(rng, k == 0, has_phone);
            let hour = attempt_hour(rng, kind);
            let reached = rng.gen_bool(reach_chance(kind));
            // Continuity: mostly the same worker, sometimes a colleague steps in.
            let worker_id = if rng.gen_bool(0.85) || team.is_empty() { main_worker } else { Some(team[rng.gen_range(0..team.len())]) };
            let at = at_time(day, hour, rng.gen_range(0..60), rng.gen_range(0..60));
            activity.attempts.push(ContactAttempt {
                id: 0,
                household_id,
                worker_id,
                kind,
                at,
                day_part: DayPart::at(at),
                reached,
                note: note_for(rng, kind, reached).map(str::to_string),
            });
            last_day = Some(day);
            if reached {
                reached_on = Some(day);
                break;
            }
            gave_up = k + 1 == max_attempts;
            day = next_weekday(add_days(day, rng.gen_range(1..=7)));
        }
        close = match (reached_on, last_day) {
            (Some(reached), _) => Some(add_days(reached, rng.gen_range(0..=21))),
            // Persistence: a tenth of the unreached stay open for another try later.
            (None, Some(last)) if gave_up && rng.gen_bool(0.9) => Some(add_days(last, rng.gen_range(7..=28))),
            _ => None,
        };
        let coercion_risk = crisis || group.iter().any(|&i| raws[i].signal.kind == SignalKind::HuiselijkGeweld);
        if let Some(opened) = reached_on {
            let free = case_open_until[h].is_none_or(|until| until < opened);
            if free && rng.gen_bool(0.6) {
                let closed = rng.gen_bool(0.8).then(|| add_days(opened, rng.gen_range(14..=180))).filter(|&c| c < today);
                case_open_until[h] = Some(closed.unwrap_or(Date::MAX));
                activity.cases.push(Case { id: 0, household_id, models: case_models(rng, coercion_risk), opened, closed });
            }
        }
    }
    let episode = activity.signal_cases.len();
    for &i in group {
        raws[i].episode = episode;
        let signal = &mut raws[i].signal;
        signal.status = match close {
            _ if !picked_up => SignalStatus::Ontvangen,
            Some(c) if c < today && (signal.signal_date <= c || add_days(signal.signal_date, 14) < today) => SignalStatus::Afgesloten,
            _ => SignalStatus::Opgepakt,
        };
    }
    activity.signal_cases.push(signal_case(world, raws, group, household_id, h, picked_up.then_some(pickup), close, &activity.attempts));
}

/// The signal case of one episode, in the stage its signals are in. Its own random stream (per
/// household and first signal), so adding it left the rest of the town unchanged.
#[allow(clippy::too_many_arguments)]
fn signal_case(world: &World, raws: &[Raw], group: &[usize], household_id: Id, h: usize, pickup: Option<Date>, close: Option<Date>, attempts: &[ContactAttempt]) -> SignalCase {
    use rand::SeedableRng;
    let first = &raws[group[0]].signal;
    let mut rng = ChaCha8Rng::seed_from_u64((household_id as u64) << 20 ^ first.signal_date.to_julian_day() as u64);
    let crisis = group.iter().any(|&i| raws[i].signal.crisis);
    let due_date = if crisis { domain::local::add_working_days(first.signal_date, 3, domain::local::LiberationDay::Yearly) } else { add_days(first.signal_date, 28) };
    let all_closed = group.iter().all(|&i| raws[i].signal.status == SignalStatus::Afgesloten);
    let team = &world.staff.field_workers[world.places.buurt_wijk[world.people.buurt[h]]];
    let since = first.received_at;
    let mine: Vec<&ContactAttempt> = attempts.iter().filter(|a| a.household_id == household_id && a.at >= since).collect();
    let reached = mine.iter().any(|a| a.reached);
    let worker_id = mine.first().and_then(|a| a.worker_id).or_else(|| (!team.is_empty()).then(|| team[rng.gen_range(0..team.len())]));
    let (stage, decision, end_result) = match pickup {
        Some(_) if all_closed && close.is_some() => {
            let result = if reached {
                pick_weighted(
                    &mut rng,
                    &[
                        (EndResult::AdviesQuickFix, 25),
                        (EndResult::VervolgFinancieel, 25),
                        (EndResult::GeenHulpNodig, 15),
                        (EndResult::ZelfBetaald, 15),
                        (EndResult::VervolgNietFinancieel, 12),
                        (EndResult::BekendSchuldhulp, 8),
                    ],
                )
            } else {
                pick_weighted(&mut rng, &[(EndResult::GeenContact, 80), (EndResult::GeenReactie, 20)])
            };
            (CaseStage::Afgesloten, Some(Decision::Gaan), Some(result))
        }
        Some(_) => (CaseStage::Opgepakt, Some(Decision::Gaan), None),
        // Not picked up yet: about half the team has weighed already.
        None if rng.gen_bool(0.5) => (CaseStage::Gewogen, Some(Decision::Gaan), None),
        None => (CaseStage::Nieuw, None, None),
    };
    SignalCase {
        id: 0,
        household_id,
        signal_ids: Vec::new(),
        opened_at: since,
        due_date,
        crisis,
        stage,
        worker_id: decision.and(worker_id),
        decision,
        picked_up_on: pickup.filter(|_| stage != CaseStage::Nieuw && stage != CaseStage::Gewogen),
        closed_on: close.filter(|_| stage == CaseStage::Afgesloten),
        end_result,
    }
}

fn next_weekday(date: Date) -> Date {
    match date.weekday() {
        Weekday::Saturday => add_days(date, 2),
        Weekday::Sunday => add_days(date, 1),
        _ => date,
    }
}

/// Teams often open with a letter; after that mostly visits and calls.
fn attempt_kind(rng: &mut ChaCha8Rng, first: bool, has_phone: bool) -> ContactKind {
    use ContactKind::*;
    let kind = if first {
        pick_weighted(rng, &[(Brief, 30), (Huisbezoek, 35), (Telefoon, 25), (SmsWhatsapp, 5), (Mail, 5)])
    } else {
        pick_weighted(
            rng,
            &[(Huisbezoek, 30), (Telefoon, 25), (Brief, 10), (Kaartje, 12), (SmsWhatsapp, 10), (Mail, 4), (GesprekVindplaats, 5), (Overige, 4)],
        )
    };
    if !has_phone && matches!(kind, Telefoon | SmsWhatsapp) {
        Huisbezoek
    } else {
        kind
    }
}

/// Home visits also happen early in the evening, when working residents are home.
fn attempt_hour(rng: &mut ChaCha8Rng, kind: ContactKind) -> u8 {
    match kind {
        ContactKind::Huisbezoek | ContactKind::Kaartje if rng.gen_bool(0.15) => rng.gen_range(18..=20),
        ContactKind::Huisbezoek | ContactKind::Kaartje | ContactKind::Telefoon => rng.gen_range(9..=17),
        ContactKind::SmsWhatsapp => rng.gen_range(8..=20),
        _ => rng.gen_range(9..=16),
    }
}

/// Divosa: a phone call reaches 59%, a home visit 46%, a letter 6%.
fn reach_chance(kind: ContactKind) -> f64 {
    match kind {
        ContactKind::Telefoon => 0.59,
        ContactKind::Huisbezoek => 0.46,
        ContactKind::Brief => 0.06,
        _ => 0.2,
    }
}

/// Registering must cost seconds, so many attempts carry no note at all.
fn note_for(rng: &mut ChaCha8Rng, kind: ContactKind, reached: bool) -> Option<&'static str> {
    if rng.gen_bool(0.4) {
        return None;
    }
    let table: &[&str] = match (kind, reached) {
        (ContactKind::Huisbezoek, true) => &["Bewoner thuis getroffen, kennismaking gehad.", "Binnen geweest, koffie gedronken en afspraak gemaakt."],
        (ContactKind::Huisbezoek, false) => {
            &["Niet thuis.", "Niet opengedaan, wel beweging gezien.", "Buren zeggen dat er 's avonds iemand thuis is."]
        }
        (ContactKind::Telefoon, true) => &["Telefonisch gesproken, afspraak voor huisbezoek.", "Kort gebeld, bewoner wil wel praten."],
        (ContactKind::Telefoon, false) => &["Voicemail ingesproken.", "Geen gehoor.", "Nummer niet in gebruik."],
        (ContactKind::Brief, true) => &["Bewoner belde na de brief."],
        (ContactKind::Brief, false) => &["Brief met aanbod van een gesprek gestuurd."],
        (ContactKind::Kaartje, true) => &["Bewoner belde na het kaartje."],
        (ContactKind::Kaartje, false) => &["Kaartje met telefoonnummer in de bus gedaan."],
        (ContactKind::SmsWhatsapp, true) => &["Reactie op app, belt terug."],
        (ContactKind::SmsWhatsapp, false) => &["Appje gestuurd, nog geen reactie."],
        (ContactKind::GesprekVindplaats, true) => &["Aangesproken bij het buurthuis."],
        (ContactKind::GesprekVindplaats, false) => &["Niet gezien op de markt."],
        (_, true) => &["Contact gehad."],
        (_, false) => &["Geen reactie."],
    };
    Some(*pick(rng, table))
}

/// Mostly the help model; presence or connecting work alongside; coercion rare and only where
/// safety is at stake.
fn case_models(rng: &mut ChaCha8Rng, coercion_risk: bool) -> Vec<OutreachModel> {
    use OutreachModel::*;
    let primary = pick_weighted(rng, &[(Hulp, 85), (Presentie, 10), (Verbindend, 5)]);
    let mut models = vec![primary];
    if rng.gen_bool(if coercion_risk { 0.25 } else { 0.01 }) {
        models.push(DwangDrang);
    } else if rng.gen_bool(0.35) {
        let second = pick_weighted(rng, &[(Presentie, 40), (Verbindend, 35), (Kwartiermakers, 15), (Politiserend, 5), (Hulp, 5)]);
        if second != primary {
            models.push(second);
        }
    }
    models.sort();
    models.dedup();
    models
}

/// Years of earlier outreach for a municipality of long standing (the load benchmark): `total`
/// contact attempts spread over its households, each by a field worker of the household's team,
/// between three years and 400 days before `today` — before the activity above, so the current
/// work (pickup clocks, cadence) stays as it was. Ids follow the existing attempts.
pub(crate) fn history(rng: &mut ChaCha8Rng, m: &crate::Municipality, total: usize, today: Date) -> Vec<ContactAttempt> {
    let team_of_wijk: std::collections::HashMap<&domain::area::AreaCode, Id> = m.teams.iter().map(|t| (&t.wijk, t.id)).collect();
    let mut workers_of_team: std::collections::HashMap<Id, Vec<Id>> = std::collections::HashMap::new();
    for w in m.workers.iter().filter(|w| w.role == domain::model::Role::Worker) {
        if let Some(team) = w.team_id {
            workers_of_team.entry(team).or_default().push(w.id);
        }
    }
    let mut out = Vec::with_capacity(total);
    if m.households.is_empty() {
        return out;
    }
    let first_id = m.contact_attempts.len() as Id + 1;
    for k in 0..total {
        let h = &m.households[rng.gen_range(0..m.households.len())];
        let wijk = m.addresses.get((h.address_id - 1) as usize).and_then(|a| a.buurt.parent());
        let team = wijk.as_ref().and_then(|w| team_of_wijk.get(w)).and_then(|t| workers_of_team.get(t)).filter(|ws| !ws.is_empty());
        let worker_id = team.map(|ws| ws[rng.gen_range(0..ws.len())]);
        let kind = attempt_kind(rng, false, true);
        let hour = attempt_hour(rng, kind);
        let reached = rng.gen_bool(reach_chance(kind));
        let day = add_days(today, -rng.gen_range(400..1095));
        let at = at_time(day, hour, rng.gen_range(0..60), rng.gen_range(0..60));
        out.push(ContactAttempt {
            id: first_id + k as Id,
            household_id: h.id,
            worker_id,
            kind,
            at,
            day_part: DayPart::at(at),
            reached,
            note: note_for(rng, kind, reached).map(str::to_string),
        });
    }
    out
}
