//! A deterministic synthetic Dutch municipality at any size, for the demo, the tests and the
//! benchmarks: wijken and buurten, addresses, households, partners, signals, contact histories, cases.

mod activity;
pub mod extracts;
mod names;
mod partners;
mod people;
mod places;
mod spelling;
mod staff;
#[cfg(test)]
mod tests;

use domain::model::{Address, Case, ContactAttempt, Household, Id, Neighbourhood, Partner, Person, Signal, SignalCase, Team, Worker};
use domain::AreaCode;
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, OffsetDateTime};

/// What to generate. The same `Config` always gives the same municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub households: usize,
    pub seed: u64,
    /// The reference date: every event lies before it; nothing reads the clock.
    pub today: Date,
}

impl Config {
    /// The municipality of the demo: 5,000 households, seed 1.
    pub fn demo(today: Date) -> Config {
        Config { households: 5000, seed: 1, today }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    pub gemeente: AreaCode,
    pub name: String,
    pub wijken: Vec<Neighbourhood>,
    /// Each buurt code starts with its wijk's digits.
    pub buurten: Vec<Neighbourhood>,
    /// Some addresses are vacant (no household), as in any real street.
    pub addresses: Vec<Address>,
    pub households: Vec<Household>,
    pub persons: Vec<Person>,
    pub partners: Vec<Partner>,
    /// One team per wijk, in wijk order.
    pub teams: Vec<Team>,
    pub workers: Vec<Worker>,
    pub signals: Vec<Signal>,
    pub contact_attempts: Vec<ContactAttempt>,
    pub cases: Vec<Case>,
    /// Each signal in exactly one signal case (DDAS Vroegsignaalzaak).
    pub signal_cases: Vec<SignalCase>,
    /// Ground truth for record linkage: the person each signal is about, parallel to `signals`
    /// (`signal_person_ids[i]` belongs to `signals[i]`), since `reported_name` is written loosely.
    pub signal_person_ids: Vec<Id>,
}

impl Municipality {
    pub fn inhabitants(&self) -> usize {
        self.persons.len()
    }
}

/// Builds the whole municipality from `config`; linear in the number of households.
pub fn generate(config: &Config) -> Municipality {
    let places = places::build(&mut stream(config.seed, Stream::Places), config.households);
    let people = people::build(&mut stream(config.seed, Stream::People), &places, config.today);
    let partners = partners::build(&mut stream(config.seed, Stream::Partners), &places);
    let staff = staff::build(&mut stream(config.seed, Stream::Staff), &places);
    let activity = activity::build(
        &mut stream(config.seed, Stream::Activity),
        &activity::World { places: &places, people: &people, partners: &partners, staff: &staff, today: config.today },
    );
    Municipality {
        gemeente: places.gemeente,
        name: places.name,
        wijken: places.wijken,
        buurten: places.buurten,
        addresses: places.addresses,
        households: people.households,
        persons: people.persons,
        partners: partners.partners,
        teams: staff.teams,
        workers: staff.workers,
        signals: activity.signals,
        contact_attempts: activity.attempts,
        cases: activity.cases,
        signal_cases: activity.signal_cases,
        signal_person_ids: activity.signal_person_ids,
    }
}

/// Adds `total` earlier contact attempts (years of outreach before the current work) to `m`,
/// for the load benchmark's municipality of long standing; deterministic in `seed`.
pub fn add_contact_history(m: &mut Municipality, total: usize, seed: u64, today: Date) {
    let history = activity::history(&mut stream(seed, Stream::History), m, total, today);
    m.contact_attempts.extend(history);
}

/// Each part of the generator draws from its own stream, so that changing how signals are
/// made does not move a single address or name of an existing seed.
#[derive(Clone, Copy)]
enum Stream {
    Places = 1,
    People = 2,
    Partners = 3,
    Staff = 4,
    Activity = 5,
    History = 6,
}

fn stream(seed: u64, which: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(which as u64);
    rng
}

/// Picks one item of a non-empty constant table.
fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Picks from a non-empty constant table of (item, weight).
fn pick_weighted<T: Copy>(rng: &mut impl Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut x = rng.gen_range(0..total.max(1));
    for &(item, weight) in items {
        if x < weight {
            return item;
        }
        x -= weight;
    }
    items[items.len() - 1].0
}

/// Date arithmetic that saturates instead of overflowing at the ends of the calendar.
fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(Duration::days(days)).unwrap_or(date)
}

fn at_time(date: Date, hour: u8, minute: u8, second: u8) -> OffsetDateTime {
    let secs = i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    let midnight = date.midnight().assume_utc();
    midnight.checked_add(Duration::seconds(secs)).unwrap_or(midnight)
}

/// Partners and workers do their paperwork on working days: a weekend date moves back to Friday.
fn weekday_on_or_before(date: Date) -> Date {
    match date.weekday() {
        time::Weekday::Saturday => add_days(date, -1),
        time::Weekday::Sunday => add_days(date, -2),
        _ => date,
    }
}
