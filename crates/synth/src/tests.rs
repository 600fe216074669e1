//! Properties the demo, the store and the benchmarks rely on: determinism, referential integrity,
//! values the domain parsers accept, and the proportions the design asks for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use domain::model::{ContactKind, DayPart, PartnerKind, PartnerType, Role, SignalChannel, SignalKind, SignalStatus, SupportLevel};
use domain::{Bsn, HouseNumber, PersonName, Postcode, RdPoint};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use time::macros::date;

const TODAY: Date = date!(2026 - 03 - 16);

fn demo() -> &'static Municipality {
    static DEMO: OnceLock<Municipality> = OnceLock::new();
    DEMO.get_or_init(|| generate(&Config::demo(TODAY)))
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

fn age(birth: Date) -> i64 {
    (TODAY - birth).whole_days() / 365
}

#[test]
fn same_config_same_municipality_other_seed_differs() {
    let config = Config { households: 1200, seed: 7, today: TODAY };
    let a = generate(&config);
    let b = generate(&config);
    assert_eq!(a, b);
    assert_eq!(format!("{:?}", a.signals), format!("{:?}", b.signals));
    let c = generate(&Config { seed: 8, ..config });
    assert_ne!(a.addresses, c.addresses);
    assert_ne!(a.persons, c.persons);
    assert_ne!(a.signals, c.signals);
}

#[test]
fn ids_are_sequential_and_every_reference_resolves() {
    let m = demo();
    fn sequential(ids: impl Iterator<Item = Id>) -> bool {
        ids.enumerate().all(|(i, id)| id == i as Id + 1)
    }
    assert!(sequential(m.addresses.iter().map(|a| a.id)));
    assert!(sequential(m.households.iter().map(|h| h.id)));
    assert!(sequential(m.persons.iter().map(|p| p.id)));
    assert!(sequential(m.partners.iter().map(|p| p.id)));
    assert!(sequential(m.teams.iter().map(|t| t.id)));
    assert!(sequential(m.workers.iter().map(|w| w.id)));
    assert!(sequential(m.signals.iter().map(|s| s.id)));
    assert!(sequential(m.contact_attempts.iter().map(|a| a.id)));
    assert!(sequential(m.cases.iter().map(|c| c.id)));

    let valid = |id: Id, len: usize| id >= 1 && (id as usize) <= len;
    let buurt_codes: HashSet<&AreaCode> = m.buurten.iter().map(|b| &b.code).collect();
    assert!(m.addresses.iter().all(|a| buurt_codes.contains(&a.buurt)));
    let homes: HashSet<Id> = m.households.iter().map(|h| h.address_id).collect();
    assert_eq!(homes.len(), m.households.len(), "one household per address");
    assert!(m.households.iter().all(|h| valid(h.address_id, m.addresses.len())));
    assert!(m.addresses.len() > m.households.len(), "some homes stand empty");
    assert!(m.persons.iter().all(|p| valid(p.household_id, m.households.len())));
    let mut members = vec![0; m.households.len()];
    for p in &m.persons {
        members[p.household_id as usize - 1] += 1;
    }
    assert!(members.iter().all(|&n| (1..=6).contains(&n)));

    let wijk_codes: Vec<&AreaCode> = m.wijken.iter().map(|w| &w.code).collect();
    assert_eq!(m.teams.iter().map(|t| &t.wijk).collect::<Vec<_>>(), wijk_codes);
    assert!(m.workers.iter().all(|w| w.team_id.is_some_and(|t| valid(t, m.teams.len()))));

    assert_eq!(m.signal_person_ids.len(), m.signals.len());
    for (s, &person) in m.signals.iter().zip(&m.signal_person_ids) {
        let h = s.household_id.unwrap();
        assert!(valid(h, m.households.len()));
        assert!(valid(s.partner_id.unwrap(), m.partners.len()));
        assert_eq!(m.persons[person as usize - 1].household_id, h);
    }
    for a in &m.contact_attempts {
        assert!(valid(a.household_id, m.households.len()));
        assert!(valid(a.worker_id.unwrap(), m.workers.len()));
    }
    assert!(m.cases.iter().all(|c| valid(c.household_id, m.households.len())));
}

#[test]
fn every_value_reparses_with_the_domain_parsers() {
    let m = demo();
    assert_eq!(AreaCode::parse(&m.gemeente.code()).as_ref(), Ok(&m.gemeente));
    for n in m.wijken.iter().chain(&m.buurten) {
        assert_eq!(AreaCode::parse(&n.code.code()).as_ref(), Ok(&n.code));
    }
    for a in &m.addresses {
        assert_eq!(Postcode::parse(a.postcode.as_str()).as_ref(), Ok(&a.postcode));
        assert_eq!(Postcode::parse(&a.postcode.display()).as_ref(), Ok(&a.postcode));
        assert_eq!(HouseNumber::parse(&a.house_number.to_string()).as_ref(), Ok(&a.house_number));
        assert!(RdPoint::new(a.point.x, a.point.y).is_ok());
        assert!(!a.street.is_empty() && !a.locality.is_empty());
    }
    let mut bsns = HashSet::new();
    for p in &m.persons {
        let again = PersonName::parse(&p.name.given_names, &p.name.prefix, &p.name.surname).unwrap();
        assert_eq!(again, p.name);
        if let Some(bsn) = &p.bsn {
            assert!(Bsn::parse(bsn.expose()).is_ok());
            assert!(bsns.insert(bsn.expose().to_string()), "BSNs are unique");
        }
        if let Some(phone) = &p.phone {
            assert!(phone.len() == 11 && phone.starts_with("06-") && phone[3..].bytes().all(|b| b.is_ascii_digit()), "{phone}");
        }
    }
}

#[test]
fn name_tables_all_parse() {
    for given in names::all_given() {
        assert!(PersonName::parse(given, "", "Jansen").is_ok(), "{given}");
    }
    for (prefix, surname) in names::all_surnames() {
        let name = PersonName::parse("Jan", prefix, surname).unwrap();
        assert_eq!((name.prefix.as_str(), name.surname.as_str()), (prefix, surname));
    }
}

#[test]
fn areas_nest_and_scale() {
    let m = demo();
    assert_eq!(m.gemeente.code(), "GM0999");
    assert!(m.name.starts_with("Gemeente "));
    assert_eq!(m.wijken.len(), 3);
    assert_eq!(places::wijk_count(100_000), 59);
    assert_eq!(places::wijk_count(1_000_000), 99);
    assert_eq!(places::wijk_count(10), 3);
    for w in &m.wijken {
        assert!(matches!(w.code, AreaCode::Wijk(_)));
        assert_eq!(w.code.parent().as_ref(), Some(&m.gemeente));
        let buurten = m.buurten.iter().filter(|b| b.code.parent().as_ref() == Some(&w.code)).count();
        assert!((3..=8).contains(&buurten), "{buurten}");
    }
    for b in &m.buurten {
        assert!(matches!(b.code, AreaCode::Buurt(_)));
        assert!(b.code.code()[2..].starts_with(&b.code.parent().unwrap().code()[2..]));
        assert!(m.wijken.iter().any(|w| Some(&w.code) == b.code.parent().as_ref()));
    }
    let names: HashSet<&str> = m.buurten.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names.len(), m.buurten.len(), "buurt names are unique");
    let deprived = m.buurten.iter().filter(|b| b.deprived).count();
    assert!((0.25..=0.42).contains(&share(deprived, m.buurten.len())), "{deprived}/{}", m.buurten.len());
    // Wijk centres a few km apart around (155000, 463000).
    for a in &m.addresses {
        assert!((a.point.x - 155_000.0).abs() < 10_000.0 && (a.point.y - 463_000.0).abs() < 10_000.0);
    }
}

#[test]
fn support_pyramid_and_multi_problem_shares() {
    let m = demo();
    let n = m.households.len();
    assert_eq!(n, 5000);
    let count = |level| m.households.iter().filter(|h| h.support == level).count();
    let (self_reliant, occasional, intensive) =
        (share(count(SupportLevel::SelfReliant), n), share(count(SupportLevel::Occasional), n), share(count(SupportLevel::Intensive), n));
    assert!((0.76..=0.84).contains(&self_reliant), "{self_reliant}");
    assert!((0.12..=0.18).contains(&occasional), "{occasional}");
    assert!((0.035..=0.065).contains(&intensive), "{intensive}");
    let multi = share(m.households.iter().filter(|h| h.multi_problem).count(), n);
    assert!((0.08..=0.12).contains(&multi), "{multi}");

    let deprived_buurten: HashSet<&AreaCode> = m.buurten.iter().filter(|b| b.deprived).map(|b| &b.code).collect();
    let in_deprived = |h: &Household| deprived_buurten.contains(&m.addresses[h.address_id as usize - 1].buurt);
    let (dep, other): (Vec<&Household>, Vec<&Household>) = m.households.iter().partition(|h| in_deprived(h));
    let rate = |hs: &[&Household]| share(hs.iter().filter(|h| h.multi_problem).count(), hs.len());
    assert!((0.22..=0.33).contains(&rate(&dep)), "{}", rate(&dep));
    assert!(rate(&other) < 0.06, "{}", rate(&other));
    // Multi-problem households mostly need support.
    let mp_helped = m.households.iter().filter(|h| h.multi_problem && h.support != SupportLevel::SelfReliant).count();
    assert!(share(mp_helped, m.households.iter().filter(|h| h.multi_problem).count()) > 0.7);
}

#[test]
fn households_and_persons_look_dutch() {
    let m = demo();
    let mut sizes = [0usize; 7];
    let mut by_household: HashMap<Id, Vec<&Person>> = HashMap::new();
    for p in &m.persons {
        by_household.entry(p.household_id).or_default().push(p);
    }
    for members in by_household.values() {
        sizes[members.len()] += 1;
        // Children are at least 18 years younger than some adult of the household.
        let oldest = members.iter().map(|p| age(p.birth_date)).max().unwrap();
        for p in members.iter().filter(|p| age(p.birth_date) < 18) {
            assert!(oldest - age(p.birth_date) >= 17, "child {} vs {oldest}", age(p.birth_date));
        }
        assert!(members.iter().any(|p| age(p.birth_date) >= 18), "every household has an adult");
        assert!(members.iter().all(|p| p.birth_date < TODAY));
        if members.len() >= 3 {
            // Compare stems: a Polish mother is Kowalska, her son Kowalski.
            let stem = |p: &Person| p.name.surname.trim_end_matches(['a', 'i']).to_string();
            assert!(members.iter().filter(|p| stem(p) == stem(members[0])).count() >= 2, "families share a surname");
        }
    }
    let n = m.households.len();
    assert!((0.34..=0.42).contains(&share(sizes[1], n)), "singles {}", share(sizes[1], n));
    assert!((0.29..=0.37).contains(&share(sizes[2], n)), "pairs {}", share(sizes[2], n));
    assert!(sizes[3..].iter().all(|&s| s > 0));

    let persons = m.persons.len();
    let prefixed = share(m.persons.iter().filter(|p| !p.name.prefix.is_empty()).count(), persons);
    assert!((0.2..=0.35).contains(&prefixed), "prefix share {prefixed}");
    let adults: Vec<&Person> = m.persons.iter().filter(|p| age(p.birth_date) >= 18).collect();
    let phones = share(adults.iter().filter(|p| p.phone.is_some()).count(), adults.len());
    assert!((0.65..=0.75).contains(&phones), "{phones}");
    assert!(m.persons.iter().filter(|p| age(p.birth_date) < 18).all(|p| p.phone.is_none()));
    let bsn = share(m.persons.iter().filter(|p| p.bsn.is_some()).count(), persons);
    assert!((0.55..=0.65).contains(&bsn), "{bsn}");
    let prefixes: HashSet<&str> = m.persons.iter().map(|p| p.name.prefix.as_str()).collect();
    for expected in ["van", "de", "van der", "van den", "el", "'t", "ter"] {
        assert!(prefixes.contains(expected), "{expected}");
    }
    assert!(m.persons.iter().any(|p| p.name.surname.ends_with("ska")), "Polish women carry -ska");
}

#[test]
fn addresses_have_letters_additions_flats_and_segment_postcodes() {
    let m = demo();
    let n = m.addresses.len();
    let mut per_number: HashMap<(&str, &str, u32), Vec<&Address>> = HashMap::new();
    for a in &m.addresses {
        per_number.entry((a.locality.as_str(), a.street.as_str(), a.house_number.number)).or_default().push(a);
    }
    let in_flats: usize = per_number.values().filter(|v| v.len() > 1).map(Vec::len).sum();
    assert!((0.14..=0.28).contains(&share(in_flats, n)), "flats {}", share(in_flats, n));
    let singles: Vec<&Address> = per_number.values().filter(|v| v.len() == 1).map(|v| v[0]).collect();
    let letters = share(singles.iter().filter(|a| a.house_number.letter.is_some()).count(), singles.len());
    let additions = share(singles.iter().filter(|a| a.house_number.addition.is_some()).count(), singles.len());
    assert!((0.05..=0.11).contains(&letters), "{letters}");
    assert!((0.05..=0.11).contains(&additions), "{additions}");
    for units in per_number.values().filter(|v| v.len() > 1) {
        let additions: HashSet<&Option<String>> = units.iter().map(|a| &a.house_number.addition).collect();
        assert_eq!(additions.len(), units.len(), "flat units differ by addition");
        assert_eq!(units.iter().map(|a| &a.postcode).collect::<HashSet<_>>().len(), 1);
    }

    // A postcode covers one stretch of one street, of about 15-25 numbers.
    type Streets<'a> = HashSet<(&'a str, &'a str)>;
    let mut by_postcode: HashMap<&Postcode, (Streets, HashSet<u32>)> = HashMap::new();
    for a in &m.addresses {
        let entry = by_postcode.entry(&a.postcode).or_default();
        entry.0.insert((a.locality.as_str(), a.street.as_str()));
        entry.1.insert(a.house_number.number);
    }
    for (pc, (streets, numbers)) in &by_postcode {
        assert_eq!(streets.len(), 1, "{pc:?}");
        assert!(numbers.len() <= 25, "{pc:?} {}", numbers.len());
    }
    let streets: HashSet<(&str, &str)> = m.addresses.iter().map(|a| (a.locality.as_str(), a.street.as_str())).collect();
    assert!(streets.len() >= 100, "{}", streets.len());
    let available: usize = places::THEMES.iter().map(|t| t.bases.len() * t.suffixes.len()).sum();
    assert!(available >= 1000);
    assert!(m.addresses.iter().map(|a| &a.locality).collect::<HashSet<_>>().len() >= 2, "a town and a village");
}

#[test]
fn teams_workers_and_partners() {
    let m = demo();
    for team in &m.teams {
        let members: Vec<&Worker> = m.workers.iter().filter(|w| w.team_id == Some(team.id)).collect();
        assert_eq!(members.iter().filter(|w| w.role == Role::TeamLead).count(), 1);
        let workers = members.iter().filter(|w| w.role == Role::Worker).count();
        assert!((4..=8).contains(&workers), "{workers}");
    }
    let usernames: HashSet<&str> = m.workers.iter().map(|w| w.username.as_str()).collect();
    assert_eq!(usernames.len(), m.workers.len());
    for w in &m.workers {
        assert!(!w.username.is_empty() && w.username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{}", w.username);
        assert!((1..=4).contains(&w.models.len()));
        assert!(w.display_name.contains(' '));
    }
    let partner_names: HashSet<&str> = m.partners.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(partner_names.len(), m.partners.len(), "partner names are unique");
    for t in PartnerType::ALL {
        assert!(m.partners.iter().any(|p| p.partner_type == *t), "{t:?}");
    }
    for name in ["Woonstichting De Linie", "Energiebedrijf Noord", "Buurtbewoner (anoniem)", "Bakkerij Van Dam", "Stichting Marokkaanse Vrouwen"] {
        assert!(m.partners.iter().any(|p| p.name == name), "{name}");
    }
}

#[test]
fn signals_rate_fields_and_statuses() {
    let m = demo();
    let per_1000_month = m.signals.len() as f64 / m.inhabitants() as f64 * 1000.0 / 12.0;
    assert!((2.0..=6.0).contains(&per_1000_month), "{per_1000_month}");

    let partner_type = |s: &Signal| m.partners[s.partner_id.unwrap() as usize - 1].partner_type;
    for s in &m.signals {
        let t = partner_type(s);
        assert!(s.signal_date < TODAY && s.signal_date >= add_days(TODAY, -367));
        assert_eq!(s.received_at.date(), s.signal_date);
        assert!((8..=17).contains(&s.received_at.hour()));
        assert!(!matches!(s.signal_date.weekday(), time::Weekday::Saturday | time::Weekday::Sunday));
        if t.is_financial() {
            assert_eq!(s.kind, SignalKind::Betalingsachterstand);
            assert!(s.amount_eur.is_some_and(|a| (100..=5000).contains(&a)));
        } else {
            assert_ne!(s.kind, SignalKind::Betalingsachterstand);
            assert!(s.amount_eur.is_none() && s.concern.as_ref().is_some_and(|c| !c.is_empty()));
        }
        if t.kind() == PartnerKind::Informal {
            assert_eq!(s.channel, SignalChannel::Informeel);
        } else {
            assert_ne!(s.channel, SignalChannel::Informeel);
        }
        assert!(!s.reported_name.is_empty() && !s.reported_address.is_empty());
    }
    let crisis = share(m.signals.iter().filter(|s| s.crisis).count(), m.signals.len());
    assert!((0.01..=0.06).contains(&crisis), "{crisis}");

    let old: Vec<&Signal> = m.signals.iter().filter(|s| s.signal_date < add_days(TODAY, -42)).collect();
    let closed = share(old.iter().filter(|s| s.status == SignalStatus::Afgesloten).count(), old.len());
    assert!(closed > 0.7, "{closed}");
    let new: Vec<&Signal> = m.signals.iter().filter(|s| s.signal_date >= add_days(TODAY, -7)).collect();
    assert!(share(new.iter().filter(|s| s.status == SignalStatus::Ontvangen).count(), new.len()) > 0.4);
    assert!(m.signals.iter().any(|s| s.status == SignalStatus::Opgepakt));
    assert!(m.signals.windows(2).all(|w| w[0].received_at <= w[1].received_at), "ids follow time");

    // Concentrated on multi-problem households, some households signalled by several partners.
    let multi: HashSet<Id> = m.households.iter().filter(|h| h.multi_problem).map(|h| h.id).collect();
    let on_multi = share(m.signals.iter().filter(|s| multi.contains(&s.household_id.unwrap())).count(), m.signals.len());
    assert!(on_multi > 0.4, "{on_multi}");
    let mut partners_per_household: HashMap<Id, HashSet<Id>> = HashMap::new();
    for s in &m.signals {
        partners_per_household.entry(s.household_id.unwrap()).or_default().insert(s.partner_id.unwrap());
    }
    assert!(partners_per_household.values().filter(|p| p.len() >= 2).count() >= 20);
}

/// What linkage must cope with: the same person written differently by different partners.
#[test]
fn reported_names_and_addresses_vary_in_spelling() {
    let m = demo();
    let fold = |s: &str| names::fold_ascii(s).to_lowercase().replace("ij", "y");
    let mut differs_but_shares_surname = 0;
    let mut exact = 0;
    let mut shapes = HashSet::new();
    for (s, &person) in m.signals.iter().zip(&m.signal_person_ids) {
        let p = &m.persons[person as usize - 1];
        if s.reported_name == p.name.full() {
            exact += 1;
        } else if fold(&s.reported_name).contains(&fold(&p.name.surname)) {
            differs_but_shares_surname += 1;
        }
        if s.reported_name.contains(',') {
            shapes.insert("sortable");
        }
        if s.reported_name.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase()) {
            shapes.insert("upper");
        }
        if s.reported_name.contains("v.d.") || s.reported_name.contains(" vd ") || s.reported_name.contains("v/d") {
            shapes.insert("short prefix");
        }
    }
    assert!(differs_but_shares_surname > m.signals.len() / 3, "{differs_but_shares_surname}");
    assert!(exact < m.signals.len() / 2, "{exact}");
    assert_eq!(shapes.len(), 3, "{shapes:?}");

    let canonical = |a: &Address| format!("{} {}", a.street, a.house_number);
    let mut address_differs = 0;
    for s in &m.signals {
        let h = &m.households[s.household_id.unwrap() as usize - 1];
        if s.reported_address != canonical(&m.addresses[h.address_id as usize - 1]) {
            address_differs += 1;
        }
    }
    assert!(address_differs > m.signals.len() / 2);
    assert!(m.signals.iter().any(|s| s.reported_address.contains("str.") || s.reported_address.contains("str ")));
}

#[test]
fn contact_attempts_follow_picked_up_signals() {
    let m = demo();
    assert!(!m.contact_attempts.is_empty());
    let mut first_pickup: HashMap<Id, OffsetDateTime> = HashMap::new();
    for s in m.signals.iter().filter(|s| s.status != SignalStatus::Ontvangen) {
        let e = first_pickup.entry(s.household_id.unwrap()).or_insert(s.received_at);
        *e = (*e).min(s.received_at);
    }
    let team_of_wijk: HashMap<&AreaCode, Id> = m.teams.iter().map(|t| (&t.wijk, t.id)).collect();
    let mut tried: HashMap<ContactKind, (usize, usize)> = HashMap::new();
    for a in &m.contact_attempts {
        assert!(a.at < at_time(TODAY, 0, 0, 0));
        assert_eq!(a.day_part, DayPart::at(a.at), "the day part of the Dutch clock");
        assert!(first_pickup.get(&a.household_id).is_some_and(|&t| t < a.at), "attempt after a picked-up signal");
        let household = &m.households[a.household_id as usize - 1];
        let buurt = &m.addresses[household.address_id as usize - 1].buurt;
        let worker = &m.workers[a.worker_id.unwrap() as usize - 1];
        assert_eq!(worker.team_id, buurt.parent().as_ref().and_then(|w| team_of_wijk.get(w)).copied());
        assert_eq!(worker.role, Role::Worker);
        let e = tried.entry(a.kind).or_default();
        e.0 += 1;
        e.1 += usize::from(a.reached);
    }
    let rate = |k| tried.get(&k).map_or(0.0, |&(n, r)| share(r, n));
    assert!(rate(ContactKind::Telefoon) > rate(ContactKind::Huisbezoek));
    assert!(rate(ContactKind::Huisbezoek) > rate(ContactKind::Brief));
    assert!(tried.len() >= 6, "mixed kinds");
}

#[test]
fn cases_open_on_contact_and_close_before_today() {
    let m = demo();
    let reached: HashSet<(Id, Date)> = m.contact_attempts.iter().filter(|a| a.reached).map(|a| (a.household_id, a.at.date())).collect();
    assert!(!m.cases.is_empty());
    for c in &m.cases {
        assert!(reached.contains(&(c.household_id, c.opened)), "a case opens on the day of contact");
        assert!((1..=2).contains(&c.models.len()));
        assert!(c.closed.is_none_or(|d| d > c.opened && d < TODAY));
    }
    let ratio = share(m.cases.len(), reached.len());
    assert!((0.4..=0.7).contains(&ratio), "{ratio}");
    let closed = share(m.cases.iter().filter(|c| c.closed.is_some()).count(), m.cases.len());
    assert!((0.3..=0.75).contains(&closed), "{closed}");
    let hulp = share(m.cases.iter().filter(|c| c.models.contains(&domain::model::OutreachModel::Hulp)).count(), m.cases.len());
    assert!(hulp > 0.7, "{hulp}");
}

#[test]
fn tiny_municipalities_do_not_break() {
    for households in [0, 1, 7, 40] {
        let m = generate(&Config { households, seed: 3, today: TODAY });
        assert_eq!(m.households.len(), households);
        assert_eq!(m.wijken.len(), 3);
        assert_eq!(m.teams.len(), 3);
        assert!(m.persons.len() >= households);
        assert_eq!(m.partners.iter().map(|p| &p.name).collect::<HashSet<_>>().len(), m.partners.len());
    }
}

#[test]
fn hundred_thousand_households() {
    let m = generate(&Config { households: 100_000, seed: 42, today: TODAY });
    assert_eq!(m.households.len(), 100_000);
    assert_eq!(m.wijken.len(), 59);
    assert_eq!(m.teams.len(), 59);
    assert!(m.persons.len() > 200_000);
    assert!(m.addresses.len() > 100_000);
    let streets: HashSet<(&str, &str)> = m.addresses.iter().map(|a| (a.locality.as_str(), a.street.as_str())).collect();
    assert!(streets.len() > 1500);
    let per_1000_month = m.signals.len() as f64 / m.inhabitants() as f64 * 1000.0 / 12.0;
    assert!((3.5..=4.5).contains(&per_1000_month));
    let postcodes: HashSet<&Postcode> = m.addresses.iter().map(|a| &a.postcode).collect();
    assert!(postcodes.len() > 4000);
    assert_eq!(m.partners.iter().map(|p| &p.name).collect::<HashSet<_>>().len(), m.partners.len());
}

#[test]
fn every_signal_is_in_one_signal_case_whose_stage_fits_its_signals() {
    use domain::model::CaseStage;
    let m = demo();
    let mut seen: HashMap<Id, usize> = HashMap::new();
    for c in &m.signal_cases {
        for s in &c.signal_ids {
            *seen.entry(*s).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), m.signals.len());
    assert!(seen.values().all(|&n| n == 1), "no signal in two cases");
    let by_id: HashMap<Id, &domain::model::Signal> = m.signals.iter().map(|s| (s.id, s)).collect();
    for c in &m.signal_cases {
        let statuses: Vec<SignalStatus> = c.signal_ids.iter().map(|s| by_id[s].status).collect();
        assert!(c.signal_ids.iter().all(|s| by_id[s].household_id == Some(c.household_id)));
        match c.stage {
            CaseStage::Nieuw | CaseStage::Gewogen => assert!(statuses.iter().all(|s| *s == SignalStatus::Ontvangen) && c.picked_up_on.is_none()),
            CaseStage::Opgepakt => assert!(c.picked_up_on.is_some() && c.end_result.is_none()),
            CaseStage::Afgesloten => assert!(statuses.iter().all(|s| *s == SignalStatus::Afgesloten) && c.end_result.is_some() && c.closed_on.is_some()),
        }
        assert_eq!(c.decision.is_some(), c.stage != CaseStage::Nieuw, "weighed cases carry the decision");
    }
    for stage in CaseStage::ALL {
        assert!(m.signal_cases.iter().any(|c| c.stage == *stage), "the demo town has {stage:?} cases");
    }
}
