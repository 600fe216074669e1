//! A Dutch record-linkage benchmark: two partner extracts of one synthetic town, and the truth
//! of which rows are the same person.
//!
//! A social neighbourhood team links what partners send it (a housing corporation's tenant list,
//! an energy supplier's payment arrears) to the people it knows. This module makes such a pair
//! at any size, so a linkage engine can be measured on Dutch data instead of on English test
//! sets: surname prefixes written in every way, initials, ij/y, diacritics, Dutch house number
//! forms and postcodes, missing birth dates, people who moved, and — the hard part — household
//! members who share a surname, an address and often a phone number but are different people.
//!
//! - The *left* extract (`W000001…`, woningcorporatie) is clean: full given names, the prefix in
//!   its own column, a birth date for everyone, the BAG address in separate columns.
//! - The *right* extract (`E000001…`, energieleverancier) is messy: initials, prefixes merged
//!   into the surname, birth dates mostly missing, addresses in mixed forms, phone numbers in
//!   mixed formats.
//!
//! Both are samples of the adults of the municipality [`crate::generate`] builds for the same
//! seed, each drawn independently, so about 82% of each extract's people are in the other. About
//! 8% of those have moved by the time the right extract was made. Everything is deterministic
//! for a seed; nothing reads the clock or the file system.

use crate::names::{fold_ascii, username_base};
use crate::people::People;
use crate::places::Places;
use crate::spelling::{abbreviate_street, capitalise, noise, render_number, short_prefix, typo};
use crate::{add_days, pick, pick_weighted, stream, Stream};
use domain::model::{Address, Person};
use domain::{HouseNumber, PersonName};
use rand::seq::{index, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::{self, Write};
use time::Date;

/// What to generate. The same config always gives the same extracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtractsConfig {
    /// Rows in each extract.
    pub records: usize,
    pub seed: u64,
    /// The reference date: ages and birth dates are counted from it.
    pub today: Date,
}

/// The two extracts and the truth.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracts {
    pub left: Vec<ExtractRow>,
    pub right: Vec<ExtractRow>,
    /// `(left_id, right_id)` for each person in both extracts, in left id order.
    pub truth: Vec<(String, String)>,
}

/// One row of either extract; a source leaves the columns it has no data for empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtractRow {
    pub id: String,
    pub voornamen: String,
    pub voorletters: String,
    pub voorvoegsel: String,
    pub achternaam: String,
    pub geboortedatum: String,
    pub straat: String,
    pub huisnummer: String,
    pub huisletter: String,
    pub toevoeging: String,
    pub postcode: String,
    pub woonplaats: String,
    pub telefoon: String,
    pub email: String,
}

/// The header of both files, in column order.
pub const COLUMNS: [&str; 14] = [
    "id",
    "voornamen",
    "voorletters",
    "voorvoegsel",
    "achternaam",
    "geboortedatum",
    "straat",
    "huisnummer",
    "huisletter",
    "toevoeging",
    "postcode",
    "woonplaats",
    "telefoon",
    "email",
];

impl ExtractRow {
    /// The values in [`COLUMNS`] order.
    pub fn values(&self) -> [&str; 14] {
        [
            &self.id,
            &self.voornamen,
            &self.voorletters,
            &self.voorvoegsel,
            &self.achternaam,
            &self.geboortedatum,
            &self.straat,
            &self.huisnummer,
            &self.huisletter,
            &self.toevoeging,
            &self.postcode,
            &self.woonplaats,
            &self.telefoon,
            &self.email,
        ]
    }
}

/// The fields mapping of both files for the linkage engine.
pub const FIELDS_TOML: &str = r#"id = "id"
[columns]
given_name = "voornamen"
initials = "voorletters"
surname_prefix = "voorvoegsel"
surname = "achternaam"
birth_date = "geboortedatum"
street = "straat"
house_number = "huisnummer"
house_letter = "huisletter"
house_number_addition = "toevoeging"
postcode = "postcode"
locality = "woonplaats"
phone = "telefoon"
email = "email"
"#;

/// Share of each extract's people that the other extract holds too.
const OVERLAP: f64 = 0.825;
/// Households that moved house between the two extracts, and adults who moved out on their own.
const HOUSEHOLD_MOVED: f64 = 0.055;
const PERSON_MOVED: f64 = 0.03;
/// Households with a landline that members give instead of their mobile.
const LANDLINE: f64 = 0.3;
/// Adults with an e-mail address at all; each extract holds it for some of them.
const HAS_EMAIL: f64 = 0.7;
/// Households (of two adults or more) sharing one e-mail address.
const FAMILY_EMAIL: f64 = 0.12;

/// Left-side noise. About 79% of adults have a mobile or a landline and 70% an e-mail address,
/// so these give a phone number on ~50% of rows and an e-mail address on ~25%.
const LEFT_PHONE: f64 = 0.63;
const LEFT_EMAIL: f64 = 0.36;
const LEFT_NAME_TYPO: f64 = 0.03;
const LEFT_DATE_TYPO: f64 = 0.01;
const LEFT_DMY: f64 = 0.1;

/// Right-side noise: a phone number on ~70% of rows, an e-mail address on ~20%, a birth date on 40%.
const RIGHT_PHONE: f64 = 0.88;
const RIGHT_EMAIL: f64 = 0.29;
const RIGHT_OTHER_EMAIL: f64 = 0.1;
const RIGHT_CONTRACT_PHONE: f64 = 0.15;
const RIGHT_BIRTH_DATE: f64 = 0.4;
const RIGHT_TYPO: f64 = 0.04;
const RIGHT_ASCII: f64 = 0.4;
const RIGHT_ADD_DIACRITIC: f64 = 0.015;
const RIGHT_ABBREVIATE: f64 = 0.35;
const RIGHT_DROP_ADDITION: f64 = 0.04;

/// Streams of their own, apart from the municipality's (1–5), so the town stays the one
/// `generate` builds for the seed.
#[derive(Clone, Copy)]
enum Part {
    Population = 0x4558_0001,
    Left = 0x4558_0002,
    Right = 0x4558_0003,
}

fn part_stream(seed: u64, part: Part) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(part as u64);
    rng
}

/// Builds both extracts and the truth; linear in `config.records`.
pub fn generate_extracts(config: &ExtractsConfig) -> Extracts {
    if config.records == 0 {
        return Extracts::default();
    }
    let target = ((config.records as f64 / OVERLAP).ceil() as usize).max(config.records);
    let (places, people) = town(config, target);
    let mut rng = part_stream(config.seed, Part::Population);
    let population = Population::draw(&mut rng, &places, &people, config.today, target);
    let world = World { places: &places, people: &people, population: &population, today: config.today };

    let n = population.residents.len();
    let mut left_rng = part_stream(config.seed, Part::Left);
    let left_people = sample(&mut left_rng, n, config.records);
    let mut right_rng = part_stream(config.seed, Part::Right);
    let right_people = sample(&mut right_rng, n, config.records);

    let left: Vec<ExtractRow> =
        left_people.iter().enumerate().map(|(i, &r)| world.left_row(&mut left_rng, format!("W{:06}", i + 1), r)).collect();
    let right: Vec<ExtractRow> =
        right_people.iter().enumerate().map(|(i, &r)| world.right_row(&mut right_rng, format!("E{:06}", i + 1), r)).collect();

    let mut right_of = vec![None; n];
    for (i, &r) in right_people.iter().enumerate() {
        right_of[r] = Some(i);
    }
    let truth = left_people
        .iter()
        .enumerate()
        .filter_map(|(i, &r)| right_of[r].map(|j| (left[i].id.clone(), right[j].id.clone())))
        .collect();
    Extracts { left, right, truth }
}

/// `amount` distinct residents in random order (so ids say nothing about matches).
fn sample(rng: &mut ChaCha8Rng, n: usize, amount: usize) -> Vec<usize> {
    let mut chosen = index::sample(rng, n, amount.min(n)).into_vec();
    chosen.shuffle(rng);
    chosen
}

/// The municipality of `generate` with at least `adults` adults: the places and people of a
/// first guess at its size, grown until there are enough.
fn town(config: &ExtractsConfig, adults: usize) -> (Places, People) {
    // About 1.66 adults per household; a little more is cheaper than building twice.
    let mut households = adults * 10 / 16 + 16;
    let mut attempt = 0;
    loop {
        let places = crate::places::build(&mut stream(config.seed, Stream::Places), households);
        let people = crate::people::build(&mut stream(config.seed, Stream::People), &places, config.today);
        let found = people.persons.iter().filter(|p| is_adult(p.birth_date, config.today)).count();
        attempt += 1;
        if found >= adults || attempt >= 8 {
            return (places, people);
        }
        households = (households as f64 * adults as f64 / found.max(1) as f64 * 1.03) as usize + 16;
    }
}

fn is_adult(birth: Date, today: Date) -> bool {
    let mut age = today.year() - birth.year();
    if (today.month() as u8, today.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age >= 18
}

/// A phone number as its area code without the trunk 0 ("6", "33") and the subscriber digits.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Phone {
    area: String,
    subscriber: String,
}

impl Phone {
    /// From the generator's "06-12345678".
    fn mobile(text: &str) -> Option<Phone> {
        let subscriber = text.strip_prefix("06-")?;
        subscriber.bytes().all(|b| b.is_ascii_digit()).then(|| Phone { area: "6".into(), subscriber: subscriber.into() })
    }

    fn grouped(&self) -> String {
        let s = &self.subscriber;
        let cut = if s.len() == 8 { 4 } else { 3 };
        format!("{} {}", &s[..cut.min(s.len())], &s[cut.min(s.len())..])
    }

    /// "06-12345678", as registers write it.
    fn dashed(&self) -> String {
        format!("0{}-{}", self.area, self.subscriber)
    }

    fn render(&self, rng: &mut ChaCha8Rng, mixed: bool) -> String {
        let (area, sub) = (&self.area, &self.subscriber);
        if !mixed {
            return if rng.gen_bool(0.55) { self.dashed() } else { format!("0{area}{sub}") };
        }
        match rng.gen_range(0..20) {
            0..=4 => self.dashed(),
            5..=9 => format!("0{area}{sub}"),
            10..=13 => format!("+31 {area} {}", self.grouped()),
            14 | 15 => format!("+31{area}{sub}"),
            16..=18 => format!("0031{area}{sub}"),
            _ => {
                // "06 12 34 56 78": pairs after the trunk and area.
                let digits: Vec<char> = sub.chars().collect();
                let pairs: Vec<String> = digits.chunks(2).map(|c| c.iter().collect()).collect();
                format!("0{area} {}", pairs.join(" "))
            }
        }
    }
}

/// Area codes of mid-sized towns; the municipality gets one for all its landlines.
const AREA_CODES: &[&str] = &["33", "35", "36", "38", "40", "43", "45", "46", "50", "53", "55", "58", "71", "73", "74", "75", "76", "77", "78"];
/// Reserved for examples, so no generated address can reach anyone.
const MAIL_DOMAINS: &[&str] = &["example.nl", "example.com", "example.net", "example.org"];

struct Resident {
    person: usize,
    household: usize,
    /// The address index in the right extract: the home, or where the person moved to.
    right_home: usize,
    mobile: Option<Phone>,
    email: Option<String>,
}

#[derive(Default)]
struct HouseholdExtra {
    landline: Option<Phone>,
    /// The first adult's mobile: the contract holder's number, which an energy supplier often
    /// has for everyone in the home.
    contract_phone: Option<Phone>,
}

struct Population {
    residents: Vec<Resident>,
    /// Per household of the municipality (default for households not in the population).
    extras: Vec<HouseholdExtra>,
}

impl Population {
    /// Whole households in random order until there are `target` adults, so members stay together.
    fn draw(rng: &mut ChaCha8Rng, places: &Places, people: &People, today: Date, target: usize) -> Population {
        let area = *pick(rng, AREA_CODES);
        let mut order: Vec<usize> = (0..people.households.len()).collect();
        order.shuffle(rng);
        let mut extras: Vec<HouseholdExtra> = (0..people.households.len()).map(|_| HouseholdExtra::default()).collect();
        let mut residents = Vec::with_capacity(target + 6);
        let addresses = places.addresses.len();
        for h in order {
            if residents.len() >= target {
                break;
            }
            let (start, len) = people.members[h];
            let adults: Vec<usize> = (start..start + len).filter(|&p| is_adult(people.persons[p].birth_date, today)).collect();
            if adults.is_empty() {
                continue;
            }
            let home = people.households[h].address_id as usize - 1;
            let household_move = rng.gen_bool(HOUSEHOLD_MOVED).then(|| elsewhere(rng, home, addresses));
            let landline = rng.gen_bool(LANDLINE).then(|| Phone {
                area: area.to_string(),
                subscriber: format!("{}", rng.gen_range(2_000_000..10_000_000)),
            });
            let family_email = (adults.len() >= 2 && rng.gen_bool(FAMILY_EMAIL)).then(|| {
                let p = &people.persons[adults[0]].name;
                let local = format!("{}{}", *pick(rng, &["fam", "fam.", "familie", ""]), ascii_lower(&format!("{}{}", p.prefix, p.surname)));
                format!("{local}@{}", pick(rng, MAIL_DOMAINS))
            });
            let mut contract_phone = None;
            for &p in &adults {
                let person = &people.persons[p];
                let mobile = person.phone.as_deref().and_then(Phone::mobile);
                if contract_phone.is_none() {
                    contract_phone.clone_from(&mobile);
                }
                let right_home = match household_move {
                    Some(to) => to,
                    None if rng.gen_bool(PERSON_MOVED) => elsewhere(rng, home, addresses),
                    None => home,
                };
                let email = if !rng.gen_bool(HAS_EMAIL) {
                    None
                } else if family_email.is_some() && rng.gen_bool(0.5) {
                    family_email.clone()
                } else {
                    Some(email_for(rng, &person.name, person.birth_date))
                };
                residents.push(Resident { person: p, household: h, right_home, mobile, email });
            }
            extras[h] = HouseholdExtra { landline, contract_phone };
        }
        Population { residents, extras }
    }
}

/// Another address of the municipality than `home`.
fn elsewhere(rng: &mut ChaCha8Rng, home: usize, addresses: usize) -> usize {
    if addresses < 2 {
        return home;
    }
    let to = rng.gen_range(0..addresses - 1);
    if to >= home {
        to + 1
    } else {
        to
    }
}

/// Lower-case ASCII letters and digits only, for e-mail addresses.
fn ascii_lower(text: &str) -> String {
    fold_ascii(text).chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

fn email_for(rng: &mut ChaCha8Rng, name: &PersonName, birth: Date) -> String {
    let first = ascii_lower(name.given_names.split_whitespace().next().unwrap_or(""));
    let surname = ascii_lower(&format!("{}{}", name.prefix, name.surname));
    let initial: String = first.chars().take(1).collect();
    let local = match rng.gen_range(0..6) {
        0 | 1 => format!("{first}.{surname}"),
        2 => format!("{initial}.{surname}"),
        3 => username_base(&first, &name.prefix, &name.surname),
        4 => format!("{first}{surname}{:02}", birth.year().rem_euclid(100)),
        _ => format!("{first}{}", rng.gen_range(1..1000)),
    };
    format!("{local}@{}", pick(rng, MAIL_DOMAINS))
}

fn iso(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month() as u8, date.day())
}

fn dmy(date: Date) -> String {
    format!("{:02}-{:02}-{:04}", date.day(), date.month() as u8, date.year())
}

/// A slip in a typed birth date: a day off, a year off, or two digits transposed.
fn date_typo(rng: &mut ChaCha8Rng, date: Date, today: Date) -> Date {
    let (y, m, d) = (date.year(), date.month(), date.day());
    let typed = match rng.gen_range(0..4) {
        0 => Some(add_days(date, if rng.gen_bool(0.5) { 1 } else { -1 })),
        1 => Date::from_calendar_date(y + if rng.gen_bool(0.5) { 1 } else { -1 }, m, d).ok(),
        2 => Date::from_calendar_date(y - y % 100 + (y % 10) * 10 + (y % 100) / 10, m, d).ok(),
        _ => Date::from_calendar_date(y, m, (d % 10) * 10 + d / 10).ok(),
    };
    typed.filter(|t| *t != date && *t <= today).unwrap_or_else(|| add_days(date, 1).min(today))
}

/// One letter accented that the register writes plain ("Groen" → "Groën", "Peters" → "Péters").
fn add_diacritic(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    for i in 1..chars.len() {
        let accented = match (vowel(chars[i - 1]), chars[i]) {
            (true, 'e') => 'ë',
            (true, 'i') => 'ï',
            (false, 'e') => 'é',
            _ => continue,
        };
        let mut out = chars.clone();
        out[i] = accented;
        return out.into_iter().collect();
    }
    text.to_string()
}

/// How the right extract holds a surname prefix.
#[derive(Clone, Copy)]
enum PrefixForm {
    /// "van den" | "Berg", as the register.
    Apart,
    /// "van den Berg" (or "Van den Berg") in the surname column.
    InSurname,
    /// "Vandenberg"
    Merged,
    /// "Berg, van den"
    Sortable,
    /// "v.d. Berg"
    Short,
    /// "Berg van den"
    After,
    /// "Berg"
    Dropped,
}

struct World<'a> {
    places: &'a Places,
    people: &'a People,
    population: &'a Population,
    today: Date,
}

impl World<'_> {
    fn left_row(&self, rng: &mut ChaCha8Rng, id: String, r: usize) -> ExtractRow {
        let resident = &self.population.residents[r];
        let person: &Person = &self.people.persons[resident.person];
        let name = &person.name;
        let address = &self.places.addresses[self.people.households[resident.household].address_id as usize - 1];
        let (mut voornamen, mut achternaam) = (name.given_names.clone(), name.surname.clone());
        if rng.gen_bool(LEFT_NAME_TYPO) {
            if rng.gen_bool(0.6) {
                achternaam = typo(rng, &achternaam);
            } else {
                voornamen = typo(rng, &voornamen);
            }
        }
        let birth = if rng.gen_bool(LEFT_DATE_TYPO) { date_typo(rng, person.birth_date, self.today) } else { person.birth_date };
        let extra = &self.population.extras[resident.household];
        let phone = rng.gen_bool(LEFT_PHONE).then(|| known_phone(rng, resident, extra)).flatten();
        let hn = &address.house_number;
        ExtractRow {
            id,
            voornamen,
            voorletters: if rng.gen_bool(0.5) { name.initials.clone() } else { String::new() },
            voorvoegsel: name.prefix.clone(),
            achternaam,
            geboortedatum: if rng.gen_bool(LEFT_DMY) { dmy(birth) } else { iso(birth) },
            straat: address.street.clone(),
            huisnummer: hn.number.to_string(),
            huisletter: hn.letter.map(String::from).unwrap_or_default(),
            toevoeging: hn.addition.clone().unwrap_or_default(),
            postcode: address.postcode.display(),
            woonplaats: address.locality.clone(),
            telefoon: phone.map(|p| p.render(rng, false)).unwrap_or_default(),
            email: resident.email.clone().filter(|_| rng.gen_bool(LEFT_EMAIL)).unwrap_or_default(),
        }
    }

    fn right_row(&self, rng: &mut ChaCha8Rng, id: String, r: usize) -> ExtractRow {
        let resident = &self.population.residents[r];
        let person: &Person = &self.people.persons[resident.person];
        let name = &person.name;
        let address = &self.places.addresses[resident.right_home];
        let mut row = ExtractRow { id, ..ExtractRow::default() };

        let first = name.given_names.split_whitespace().next().unwrap_or("");
        row.voornamen = pick_weighted(rng, &[("", 80), (first, 15), (name.given_names.as_str(), 5)]).to_string();
        let letters: Vec<char> = name.initials.chars().filter(|c| *c != '.').collect();
        row.voorletters = match rng.gen_range(0..20) {
            0..=9 => name.initials.clone(),
            10..=14 => letters.iter().collect(),
            15..=17 => letters.iter().take(1).collect(),
            _ => letters.iter().take(1).map(|c| format!("{c}.")).collect(),
        };
        (row.voorvoegsel, row.achternaam) = Self::right_surname(rng, &name.prefix, &name.surname);
        row.achternaam = noise(rng, &row.achternaam, RIGHT_TYPO);

        if rng.gen_bool(RIGHT_BIRTH_DATE) {
            let b = person.birth_date;
            row.geboortedatum = match rng.gen_range(0..1000) {
                // Day and month swapped where both can be a month; a system would refuse the rest.
                0..=24 if b.day() <= 12 && b.day() != b.month() as u8 => {
                    format!("{:04}-{:02}-{:02}", b.year(), b.day(), b.month() as u8)
                }
                0..=49 => dmy(b),
                _ => iso(b),
            };
        }

        self.right_address(rng, address, &mut row);

        let extra = &self.population.extras[resident.household];
        if rng.gen_bool(RIGHT_PHONE) {
            let contract = extra.contract_phone.as_ref().filter(|p| Some(*p) != resident.mobile.as_ref());
            let phone = match contract {
                Some(p) if rng.gen_bool(RIGHT_CONTRACT_PHONE) => Some(p.clone()),
                _ => known_phone(rng, resident, extra),
            };
            row.telefoon = phone.map(|p| p.render(rng, true)).unwrap_or_default();
        }
        if let Some(email) = resident.email.as_ref().filter(|_| rng.gen_bool(RIGHT_EMAIL)) {
            row.email = if rng.gen_bool(RIGHT_OTHER_EMAIL) { email_for(rng, name, person.birth_date) } else { email.clone() };
        }

        if rng.gen_bool(RIGHT_ASCII) {
            for field in [&mut row.voornamen, &mut row.voorvoegsel, &mut row.achternaam, &mut row.straat, &mut row.woonplaats] {
                *field = fold_ascii(field);
            }
        } else if rng.gen_bool(RIGHT_ADD_DIACRITIC) {
            row.achternaam = add_diacritic(&row.achternaam);
        }
        row
    }

    /// The prefix and surname columns of the right extract.
    fn right_surname(rng: &mut ChaCha8Rng, prefix: &str, surname: &str) -> (String, String) {
        use PrefixForm::*;
        if prefix.is_empty() {
            return (String::new(), surname.to_string());
        }
        let form = pick_weighted(rng, &[(Apart, 30), (InSurname, 20), (Merged, 8), (Sortable, 10), (Short, 10), (After, 5), (Dropped, 17)]);
        let capital = rng.gen_bool(0.3);
        let written = |p: &str| if capital { capitalise(p) } else { p.to_string() };
        match form {
            Apart => (written(prefix), surname.to_string()),
            // An apostrophe ("'t Hart") does not merge; such names go whole into the surname.
            Merged if !prefix.contains('\'') => {
                (String::new(), capitalise(&format!("{}{}", prefix.replace(' ', ""), surname.to_lowercase())))
            }
            InSurname | Merged => (String::new(), format!("{} {surname}", written(prefix))),
            Sortable => (String::new(), format!("{surname}, {prefix}")),
            Short => (String::new(), format!("{} {surname}", short_prefix(rng, prefix))),
            After => (String::new(), format!("{surname} {prefix}")),
            Dropped => (String::new(), surname.to_string()),
        }
    }

    fn right_address(&self, rng: &mut ChaCha8Rng, address: &Address, row: &mut ExtractRow) {
        let mut street = address.street.clone();
        if rng.gen_bool(RIGHT_ABBREVIATE) {
            street = abbreviate_street(rng, &street);
        }
        street = noise(rng, &street, RIGHT_TYPO);
        let hn: &HouseNumber = &address.house_number;
        let drop_addition = rng.gen_bool(RIGHT_DROP_ADDITION);
        match rng.gen_range(0..20) {
            // "Dorpsstr 12-A" all in the street column.
            0..=4 => {
                let number = render_number(rng, hn, drop_addition);
                row.straat = format!("{street} {number}");
            }
            // "12-A" in the number column.
            5..=12 => {
                row.straat = street;
                row.huisnummer = render_number(rng, hn, drop_addition);
            }
            _ => {
                row.straat = street;
                row.huisnummer = hn.number.to_string();
                let lower = rng.gen_bool(0.4);
                let case = |s: &str| if lower { s.to_lowercase() } else { s.to_string() };
                row.huisletter = hn.letter.map(|c| case(&c.to_string())).unwrap_or_default();
                row.toevoeging = hn.addition.as_deref().filter(|_| !drop_addition).map(case).unwrap_or_default();
            }
        }
        row.postcode = match rng.gen_range(0..20) {
            0..=6 => address.postcode.as_str().to_lowercase(),
            7..=13 => address.postcode.as_str().to_string(),
            _ => address.postcode.display(),
        };
        row.woonplaats = address.locality.clone();
    }
}

/// A number the person gives: their own mobile, or the household's landline.
fn known_phone(rng: &mut ChaCha8Rng, resident: &Resident, extra: &HouseholdExtra) -> Option<Phone> {
    match (&resident.mobile, &extra.landline) {
        (Some(mobile), Some(landline)) => Some(if rng.gen_bool(0.75) { mobile.clone() } else { landline.clone() }),
        (Some(mobile), None) => Some(mobile.clone()),
        (None, Some(landline)) => Some(landline.clone()),
        (None, None) => None,
    }
}

/// Writes `rows` as CSV with the [`COLUMNS`] header; values holding a comma, quote or line
/// break are quoted as RFC 4180 says.
pub fn write_rows(rows: &[ExtractRow], out: &mut impl Write) -> io::Result<()> {
    let mut buf = String::with_capacity(1 << 16);
    write_record(&mut buf, &COLUMNS);
    for row in rows {
        write_record(&mut buf, &row.values());
        if buf.len() >= 1 << 16 {
            out.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    out.write_all(buf.as_bytes())
}

/// Writes the truth as CSV with the header `left_id,right_id`.
pub fn write_truth(truth: &[(String, String)], out: &mut impl Write) -> io::Result<()> {
    let mut buf = String::with_capacity(1 << 16);
    write_record(&mut buf, &["left_id", "right_id"]);
    for (left, right) in truth {
        write_record(&mut buf, &[left, right]);
        if buf.len() >= 1 << 16 {
            out.write_all(buf.as_bytes())?;
            buf.clear();
        }
    }
    out.write_all(buf.as_bytes())
}

fn write_record(buf: &mut String, values: &[&str]) {
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        if value.contains([',', '"', '\n', '\r']) {
            buf.push('"');
            buf.push_str(&value.replace('"', "\"\""));
            buf.push('"');
        } else {
            buf.push_str(value);
        }
    }
    buf.push('\n');
}

#[cfg(test)]
mod tests;
