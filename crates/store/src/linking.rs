//! Linking incoming signals to the people and households Eropaf knows, with the record linkage
//! engine (`linkage::online`). The model is trained once, without labels, on synthetic Dutch
//! partner extracts (the same shape as real creditor files) and kept in `linkage_models`, so
//! every server and import links with the same weights. The index holds everyone in `persons`
//! and learns new people as intake creates them.

use crate::kernel::time_fmt;
use crate::{args, Store, StoreError};
use domain::model::Id;
use domain::signal::Reported;
use linkage::batch::Options;
use linkage::model::{Explanation, Model};
use linkage::online::Index;
use linkage::{RawRecord, Role};
use std::collections::HashMap;
use time::OffsetDateTime;

/// The roles Eropaf knows of a person and of a reported resident.
pub const ROLES: &[Role] = &[
    Role::GivenName,
    Role::Initials,
    Role::SurnamePrefix,
    Role::Surname,
    Role::BirthDate,
    Role::Street,
    Role::HouseNumber,
    Role::HouseLetter,
    Role::HouseNumberAddition,
    Role::Postcode,
    Role::Locality,
    Role::Phone,
    Role::Email,
];

/// When a signal attaches by itself, and when a person looks at it first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkPolicy {
    /// At or above this match probability, with no rival, the signal attaches automatically.
    pub automatic: f64,
    /// From here up to `automatic` (or with a rival above it) the signal goes to review.
    pub review: f64,
}

impl Default for LinkPolicy {
    fn default() -> LinkPolicy {
        LinkPolicy { automatic: 0.95, review: 0.2 }
    }
}

/// One known person the reported resident may be.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub person_id: Id,
    pub household_id: Id,
    pub probability: f64,
    /// The probability from name, birth date and contact details alone, leaving out where
    /// they live (1 for a BSN match).
    pub person_probability: f64,
    /// Per field: level, weight and term-frequency adjustment; `None` for a BSN match.
    pub explanation: Option<Explanation>,
}

/// What linking concluded for one signal.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Sure enough: attach to this person's household.
    Automatic(Match),
    /// A person decides; the best candidates, most probable first (may be empty when only the
    /// address is known).
    Review(Vec<Match>),
    /// Nobody like this is known: a new household (or, if the address is known after all when
    /// the signal is stored, review).
    Unknown,
}

/// Someone in the index: which person and household an index position stands for.
#[derive(Debug, Clone, Copy)]
struct Known {
    person_id: Id,
    household_id: Id,
}

pub struct Linker {
    index: Index,
    known: Vec<Known>,
    by_bsn: HashMap<String, usize>,
    policy: LinkPolicy,
}

/// The linkage record of a reported resident.
pub fn record_of(r: &Reported) -> RawRecord {
    let mut raw = RawRecord::new("");
    let number = r.house_number.as_ref();
    let values: [(Role, String); 13] = [
        (Role::GivenName, r.given_names.clone()),
        (Role::Initials, r.initials.clone()),
        (Role::SurnamePrefix, r.prefix.clone()),
        (Role::Surname, r.surname.clone()),
        (Role::BirthDate, r.birth_date.map(time_fmt::date).unwrap_or_default()),
        (Role::Street, r.street.clone()),
        (Role::HouseNumber, number.map(|h| h.number.to_string()).unwrap_or_default()),
        (Role::HouseLetter, number.and_then(|h| h.letter).map(String::from).unwrap_or_default()),
        (Role::HouseNumberAddition, number.and_then(|h| h.addition.clone()).unwrap_or_default()),
        (Role::Postcode, r.postcode.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default()),
        (Role::Locality, r.locality.clone()),
        (Role::Phone, r.phone.clone().unwrap_or_default()),
        (Role::Email, r.email.clone().unwrap_or_default()),
    ];
    for (role, value) in values {
        raw.set(role, value);
    }
    raw
}

/// A person as stored, with the fields linking needs.
#[derive(Debug, Clone)]
pub struct KnownPerson {
    pub person_id: Id,
    pub household_id: Id,
    pub bsn: Option<String>,
    pub record: RawRecord,
}

/// Trains the model on synthetic Dutch partner extracts: a housing corporation's and an energy
/// supplier's view of one town (spelling variants, housemates, people who moved).
pub fn train_model() -> Model {
    let extracts = synth::extracts::generate_extracts(&synth::extracts::ExtractsConfig {
        records: 20_000,
        seed: 4,
        today: time::macros::date!(2026 - 01 - 01),
    });
    let raw = |x: &synth::extracts::ExtractRow| {
        let values = [
            &x.voornamen, &x.voorletters, &x.voorvoegsel, &x.achternaam, &x.geboortedatum, &x.straat, &x.huisnummer, &x.huisletter,
            &x.toevoeging, &x.postcode, &x.woonplaats, &x.telefoon, &x.email,
        ];
        let mut r = RawRecord::new(x.id.as_str());
        for (role, value) in ROLES.iter().zip(values) {
            r.set(*role, value.as_str());
        }
        r
    };
    let left: Vec<RawRecord> = extracts.left.iter().map(raw).collect();
    let right: Vec<RawRecord> = extracts.right.iter().map(raw).collect();
    linkage::batch::link(&left, &right, ROLES, &Options { threshold: 0.99, ..Options::default() }, &mut |_| {}).report.model
}

impl Linker {
    pub fn build(model: Model, people: Vec<KnownPerson>, policy: LinkPolicy) -> Linker {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let records: Vec<RawRecord> = people.iter().map(|p| p.record.clone()).collect();
        let index = Index::build(model, &records, threads);
        let mut by_bsn = HashMap::new();
        let known = people
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                if let Some(b) = p.bsn {
                    by_bsn.insert(b, i);
                }
                Known { person_id: p.person_id, household_id: p.household_id }
            })
            .collect();
        Linker { index, known, by_bsn, policy }
    }

    pub fn policy(&self) -> LinkPolicy {
        self.policy
    }

    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Learns a person intake (or a worker) just created.
    pub fn add(&mut self, person: KnownPerson) {
        let i = self.index.insert(&person.record);
        debug_assert_eq!(i, self.known.len());
        if let Some(b) = person.bsn {
            self.by_bsn.insert(b, i);
        }
        self.known.push(Known { person_id: person.person_id, household_id: person.household_id });
    }

    /// The candidates for a reported resident at or above `threshold`, best first.
    pub fn candidates(&self, reported: &Reported, threshold: f64) -> Vec<Match> {
        self.matches(reported, threshold, f64::INFINITY)
    }

    /// Candidates at or above `threshold`, or whose person alone (without the address) is at
    /// or above `person_threshold`; the five most probable.
    fn matches(&self, reported: &Reported, threshold: f64, person_threshold: f64) -> Vec<Match> {
        self.index
            .link_person(&record_of(reported), threshold, person_threshold)
            .into_iter()
            .take(5)
            .map(|c| {
                let k = self.known[c.index];
                Match {
                    person_id: k.person_id,
                    household_id: k.household_id,
                    probability: c.probability,
                    person_probability: c.person_probability,
                    explanation: Some(c.explanation),
                }
            })
            .collect()
    }

    /// Links one reported resident.
    /// - A BSN both sides know decides by itself (it is the BRP's own key).
    /// - Automatic: probability at or above `automatic`, no rival at or above `review` (two
    ///   brothers with the same initial at one address), and the address agrees at least on
    ///   the house number (a known person reported at another address may have moved: a
    ///   person looks).
    /// - Review: probability at or above `review`, or name, birth date and contact details
    ///   alone at or above `automatic` (the right person at an old or mistyped address).
    /// - Otherwise nobody like this is known.
    pub fn decide(&self, reported: &Reported) -> Decision {
        if let Some(&i) = reported.bsn.as_ref().and_then(|b| self.by_bsn.get(b.expose())) {
            let k = self.known[i];
            let sure = Match { person_id: k.person_id, household_id: k.household_id, probability: 1.0, person_probability: 1.0, explanation: None };
            return Decision::Automatic(sure);
        }
        let policy = self.policy;
        let mut found = self.matches(reported, policy.review, policy.automatic);
        match found.first() {
            Some(best) if best.probability >= policy.automatic && same_house(best) && found.get(1).is_none_or(|c| c.probability < policy.review) => {
                Decision::Automatic(found.swap_remove(0))
            }
            Some(_) => Decision::Review(found),
            None => Decision::Unknown,
        }
    }
}

/// Whether the reported address is the person's registered one, at least by house number and
/// street or postcode (levels 0–2 of `Field::Address`), or was not reported.
fn same_house(m: &Match) -> bool {
    let address = m.explanation.as_ref().and_then(|e| e.contributions.iter().find(|c| c.field == linkage::Field::Address));
    address.is_none_or(|c| c.level.is_none_or(|l| l <= 2))
}

impl Store {
    /// The stored linkage model, trained and stored first when there is none.
    pub async fn linkage_model(&self, now: OffsetDateTime) -> Result<Model, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let stored = tx.fetch_optional("SELECT model FROM linkage_models ORDER BY id DESC LIMIT 1", &[]).await?;
        drop(tx);
        if let Some(row) = stored {
            return serde_json::from_str(&row.text(0)?).map_err(|_| StoreError::corrupt("linkage model"));
        }
        let model = tokio::task::spawn_blocking(train_model).await.map_err(|e| StoreError::Config(format!("training: {e}")))?;
        let json = serde_json::to_string(&model).map_err(|e| StoreError::Config(e.to_string()))?;
        let mut tx = self.pool().begin().await?;
        tx.execute("INSERT INTO linkage_models (trained_at, model) VALUES ($1, $2)", &args![time_fmt::instant(now), json]).await?;
        tx.commit().await?;
        tracing::info!("linkage model trained and stored");
        Ok(model)
    }

    /// Everyone in `persons` as linkage records. A system read for the in-memory index, not a
    /// person's access: nothing is shown to anyone, so it is not audited per resident.
    pub async fn known_people(&self) -> Result<Vec<KnownPerson>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(&format!("SELECT {KNOWN_COLUMNS} {PERSON_ADDRESS} ORDER BY p.id"), &[])
            .await?;
        rows.iter().map(known_from).collect()
    }

    /// The running linker learns the residents of a household registered by hand (on screen or
    /// through the API), so a partner's signal about them links at once instead of waiting for
    /// review or a restart. A system read, as [`Store::known_people`].
    pub async fn learn_household(&self, linker: &std::sync::RwLock<Linker>, household_id: Id) -> Result<(), StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("SELECT {KNOWN_COLUMNS} {PERSON_ADDRESS} WHERE p.household_id = $1 ORDER BY p.id");
        let people = tx.fetch_all(&sql, &crate::args![household_id]).await?.iter().map(known_from).collect::<Result<Vec<_>, StoreError>>()?;
        let mut l = linker.write().map_err(|_| StoreError::Config("linker lock poisoned".into()))?;
        for p in people {
            l.add(p);
        }
        Ok(())
    }

    /// A linker over everyone Eropaf knows, with the stored model.
    pub async fn linker(&self, policy: LinkPolicy, now: OffsetDateTime) -> Result<Linker, StoreError> {
        let model = self.linkage_model(now).await?;
        let people = self.known_people().await?;
        tokio::task::spawn_blocking(move || Linker::build(model, people, policy)).await.map_err(|e| StoreError::Config(format!("index: {e}")))
    }
}

pub(crate) fn known_from(r: &crate::kernel::db::Row) -> Result<KnownPerson, StoreError> {
    let mut record = RawRecord::new("");
    let text_roles = [(3, Role::GivenName), (4, Role::Initials), (5, Role::SurnamePrefix), (6, Role::Surname), (7, Role::BirthDate)];
    for (col, role) in text_roles {
        record.set(role, r.text(col)?);
    }
    record.set(Role::Phone, r.opt_text(8)?.unwrap_or_default());
    record.set(Role::Street, r.text(9)?);
    record.set(Role::HouseNumber, r.i64(10)?.to_string());
    record.set(Role::HouseLetter, r.opt_text(11)?.unwrap_or_default());
    record.set(Role::HouseNumberAddition, r.opt_text(12)?.unwrap_or_default());
    record.set(Role::Postcode, r.text(13)?);
    record.set(Role::Locality, r.text(14)?);
    Ok(KnownPerson { person_id: r.i64(0)?, household_id: r.i64(1)?, bsn: r.opt_text(2)?, record })
}

/// Persons with their address (`p`, `a` aliases).
pub(crate) const PERSON_ADDRESS: &str = "FROM persons p JOIN households h ON h.id = p.household_id JOIN addresses a ON a.id = h.address_id";

/// The columns `known_from` reads, for a query about some persons (`p`, `a` aliases).
pub(crate) const KNOWN_COLUMNS: &str = "p.id, p.household_id, p.bsn, p.given_names, p.initials, p.surname_prefix, p.surname, p.birth_date, p.phone, \
     a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality";
