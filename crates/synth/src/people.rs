//! Households and their members: sizes and compositions like the Dutch population, parents older
//! than their children, the 80/15/5 support pyramid and multi-problem households clustered in deprived buurten.

use crate::names::{given_names, FamilyName, Origin};
use crate::places::Places;
use crate::{add_days, pick_weighted};
use domain::model::{Household, Person, SupportLevel};
use domain::{Bsn, PersonName};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;
use time::Date;

pub(crate) struct People {
    pub households: Vec<Household>,
    pub persons: Vec<Person>,
    /// Start and length of each household's members in `persons`; the first member is the head.
    pub members: Vec<(usize, usize)>,
    /// Per person; the domain's `Person` has no sex, but salutations and Polish surnames need it.
    pub female: Vec<bool>,
    /// Per household.
    pub origin: Vec<Origin>,
    /// Buurt index per household.
    pub buurt: Vec<usize>,
}

const YEAR: i64 = 365;

/// Share of multi-problem households in deprived buurten (the design's "up to 30%").
const MULTI_PROBLEM_DEPRIVED: f64 = 0.27;
const MULTI_PROBLEM_OVERALL: f64 = 0.10;

pub(crate) fn build(rng: &mut ChaCha8Rng, places: &Places, today: Date) -> People {
    let n = places.homes.len();
    let buurt_of = |h: usize| places.address_buurt[places.homes[h]];
    let deprived_homes = (0..n).filter(|&h| places.buurten[buurt_of(h)].deprived).count();
    // Elsewhere the rate is whatever keeps the municipality at ~10% overall.
    let share = deprived_homes as f64 / n.max(1) as f64;
    let other_rate = if share < 1.0 {
        ((MULTI_PROBLEM_OVERALL - share * MULTI_PROBLEM_DEPRIVED) / (1.0 - share)).clamp(0.01, MULTI_PROBLEM_OVERALL)
    } else {
        MULTI_PROBLEM_OVERALL
    };

    let mut people = People {
        households: Vec::with_capacity(n),
        persons: Vec::with_capacity(n * 22 / 10),
        members: Vec::with_capacity(n),
        female: Vec::with_capacity(n * 22 / 10),
        origin: Vec::with_capacity(n),
        buurt: Vec::with_capacity(n),
    };
    let mut bsns = HashSet::with_capacity(n * 14 / 10);
    for h in 0..n {
        let address = places.homes[h];
        let buurt = buurt_of(h);
        let multi_problem = rng.gen_bool(if places.buurten[buurt].deprived { MULTI_PROBLEM_DEPRIVED } else { other_rate });
        // Multi-problem households mostly need help; the rest is set so the whole stays 80/15/5.
        let support = if multi_problem {
            pick_weighted(rng, &[(SupportLevel::Intensive, 35), (SupportLevel::Occasional, 50), (SupportLevel::SelfReliant, 15)])
        } else {
            pick_weighted(rng, &[(SupportLevel::Intensive, 167), (SupportLevel::Occasional, 1111), (SupportLevel::SelfReliant, 8722)])
        };
        let id = h as i64 + 1;
        people.households.push(Household { id, address_id: address as i64 + 1, support, multi_problem });
        let origin = Origin::draw(rng);
        let start = people.persons.len();
        for member in compose(rng, origin) {
            let surname = member.family.for_person(member.female);
            let given = given_names(rng, member.family.origin, member.female);
            let Ok(name) = PersonName::parse(&given, member.family.prefix, &surname) else { continue };
            let adult = member.age_days >= 18 * YEAR;
            // Mobile numbers start 06-1 … 06-6 in practice.
            let phone = (adult && rng.gen_bool(0.7)).then(|| format!("06-{}", rng.gen_range(10_000_000..70_000_000)));
            let bsn = if rng.gen_bool(0.6) { draw_bsn(rng, &mut bsns) } else { None };
            people.persons.push(Person {
                id: people.persons.len() as i64 + 1,
                household_id: id,
                name,
                birth_date: add_days(today, -member.age_days),
                bsn,
                phone,
            });
            people.female.push(member.female);
        }
        people.members.push((start, people.persons.len() - start));
        people.origin.push(origin);
        people.buurt.push(buurt);
    }
    people
}

struct Member {
    age_days: i64,
    female: bool,
    family: FamilyName,
}

/// Who lives together: ~38% alone, ~33% two, the rest families of three to six.
fn compose(rng: &mut ChaCha8Rng, origin: Origin) -> Vec<Member> {
    let size: usize = pick_weighted(rng, &[(1, 380), (2, 330), (3, 120), (4, 110), (5, 45), (6, 15)]);
    let head_female = rng.gen_bool(0.5);
    let head_family = FamilyName::draw(rng, origin);
    let days = |rng: &mut ChaCha8Rng, years: std::ops::RangeInclusive<i64>| rng.gen_range(years) * YEAR + rng.gen_range(0..YEAR);
    if size == 1 {
        // Living alone is most common among the young and the old.
        let (lo, hi) = pick_weighted(rng, &[((18, 29), 22), ((30, 49), 25), ((50, 64), 20), ((65, 79), 20), ((80, 95), 13)]);
        return vec![Member { age_days: days(rng, lo..=hi), female: head_female, family: head_family }];
    }
    let couple = if size == 2 { rng.gen_bool(0.65) } else { rng.gen_bool(0.78) };
    let children = if couple { size - 2 } else { size - 1 };
    let head_age = if children == 0 { days(rng, 20..=90) } else { days(rng, 24..=62) };
    let mut members = vec![Member { age_days: head_age, female: head_female, family: head_family.clone() }];
    let mut youngest_parent = head_age;
    if couple {
        let partner_female = if rng.gen_bool(0.94) { !head_female } else { head_female };
        let partner_origin = if rng.gen_bool(0.85) { origin } else { Origin::draw(rng) };
        // Registers keep one's own name; about half of partners share the head's anyway.
        let family = if partner_origin == origin && rng.gen_bool(0.5) { head_family.clone() } else { FamilyName::draw(rng, partner_origin) };
        let age = (head_age + rng.gen_range(-6 * YEAR..=6 * YEAR)).max(20 * YEAR);
        youngest_parent = youngest_parent.min(age);
        members.push(Member { age_days: age, female: partner_female, family });
    }
    // Children born when the younger parent was 18 to 45, and at most 30 now.
    let oldest = (youngest_parent - 18 * YEAR).clamp(0, 30 * YEAR);
    let youngest = (youngest_parent - 45 * YEAR).clamp(0, oldest);
    for _ in 0..children {
        members.push(Member { age_days: rng.gen_range(youngest..=oldest), female: rng.gen_bool(0.5), family: head_family.clone() });
    }
    members
}

/// Eight random digits and the ninth chosen to pass the 11-check; unique within the municipality.
fn draw_bsn(rng: &mut ChaCha8Rng, used: &mut HashSet<u32>) -> Option<Bsn> {
    for _ in 0..20 {
        let prefix: u32 = rng.gen_range(0..100_000_000);
        let digits = format!("{prefix:08}");
        let sum: u32 = digits.bytes().enumerate().map(|(i, b)| u32::from(b - b'0') * (9 - i as u32)).sum();
        let check = sum % 11;
        // A remainder of 10 cannot be a digit: no valid BSN starts with these eight.
        if check == 10 || !used.insert(prefix) {
            continue;
        }
        if let Ok(bsn) = Bsn::parse(&format!("{digits}{check}")) {
            return Some(bsn);
        }
    }
    None
}
