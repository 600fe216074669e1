//! The online index: a loaded population, blocked once, against which one incoming record
//! (a new signal) is linked in milliseconds.

use crate::blocking::{KeyTable, Rule, RULES};
use crate::model::{Explanation, Model, TermFrequencies};
use crate::normalize::Normalized;
use crate::parallel::par_map;
use crate::role::RawRecord;
use rustc_hash::FxHashMap as HashMap;

pub struct Index {
    model: Model,
    /// log2(m/u) per field and level, computed once (see `Model::level_weights`).
    weights: Vec<Vec<f64>>,
    /// Per field of the model: whether it says where someone lives (`Field::is_location`).
    location: Vec<bool>,
    rules: Vec<Rule>,
    records: Vec<Normalized>,
    blocks: Vec<HashMap<u64, Vec<u32>>>,
    tf: TermFrequencies,
    /// Keys shared by more records than this are not used for candidates: a placeholder
    /// phone number or a common given name in one town says nothing that a narrower key
    /// (surname and birth date, postcode and number) does not. Measured on 200,000 people
    /// (`POPULATION=200000 QUERIES=5000 cargo bench -p linkage --bench online`): 5,000, 300
    /// and 150 all give top-1 0.9615, while p95 falls from 1.98 ms to 0.30 ms at 150.
    max_block: usize,
}

/// One record of the population that may be the incoming one.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Index into the population.
    pub index: usize,
    pub probability: f64,
    /// The probability from who someone is alone, leaving out where they live: high for the
    /// right person reported at an old or mistyped address.
    pub person_probability: f64,
    pub explanation: Explanation,
}

impl Index {
    /// Loads the population. The model's prior is set to one in the population's size: an
    /// incoming record is about one person at most, and a priori any of them.
    pub fn build(mut model: Model, population: &[RawRecord], threads: usize) -> Index {
        let records: Vec<Normalized> = par_map(population, threads.max(1), Normalized::of);
        model.prior = 1.0 / records.len().max(2) as f64;
        let rules: Vec<Rule> = RULES.iter().copied().filter(|r| r.usable(&model.roles)).collect();
        let blocks = rules.iter().map(|r| KeyTable::build(r, &records).blocks()).collect();
        let tf = TermFrequencies::build(&model.fields, &records);
        let weights = model.level_weights();
        let location = model.fields.iter().map(|f| f.is_location()).collect();
        Index { model, weights, location, rules, records, blocks, tf, max_block: 150 }
    }

    /// Adds one record to the population (a person created after the index was built) and
    /// returns its index. The prior stays as built: one new person hardly moves it.
    pub fn insert(&mut self, record: &RawRecord) -> usize {
        let normalized = Normalized::of(record);
        let i = self.records.len();
        let mut keys = Vec::new();
        for (rule, blocks) in self.rules.iter().zip(self.blocks.iter_mut()) {
            keys.clear();
            rule.keys(&normalized, &mut keys);
            keys.sort_unstable();
            keys.dedup();
            for k in &keys {
                blocks.entry(*k).or_default().push(i as u32);
            }
        }
        self.tf.add(&self.model.fields, &normalized);
        self.records.push(normalized);
        i
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The population records that share a blocking key with `record` and score at or above
    /// `threshold`, most probable first, each with its explanation.
    pub fn link(&self, record: &RawRecord, threshold: f64) -> Vec<Candidate> {
        self.link_person(record, threshold, f64::INFINITY)
    }

    /// The same, also keeping candidates whose `person_probability` (the fields about who
    /// someone is, without where they live) reaches `person_threshold`.
    pub fn link_person(&self, record: &RawRecord, threshold: f64, person_threshold: f64) -> Vec<Candidate> {
        let incoming = Normalized::of(record);
        let mut seen: Vec<u32> = Vec::new();
        let mut keys = Vec::new();
        for (rule, blocks) in self.rules.iter().zip(&self.blocks) {
            keys.clear();
            rule.keys(&incoming, &mut keys);
            for k in &keys {
                if let Some(members) = blocks.get(k).filter(|m| m.len() <= self.max_block) {
                    seen.extend_from_slice(members);
                }
            }
        }
        seen.sort_unstable();
        seen.dedup();
        let prior = self.model.prior_weight();
        let mut levels = Vec::with_capacity(self.model.fields.len());
        let mut location_levels = Vec::with_capacity(self.model.fields.len());
        let mut out: Vec<Candidate> = seen
            .into_iter()
            .filter_map(|i| {
                let other = &self.records[i as usize];
                levels.clear();
                self.model.levels(&incoming, other, &mut levels);
                let w = prior + self.model.fields_weight(&self.weights, &levels, &incoming, other, &self.tf);
                // The location fields' share, to leave out for the person's own probability.
                location_levels.clear();
                location_levels.extend(levels.iter().zip(&self.location).map(|(&l, &loc)| if loc { l } else { crate::compare::NULL }));
                let person = w - self.model.fields_weight(&self.weights, &location_levels, &incoming, other, &self.tf);
                let keep = crate::model::probability(w) >= threshold || crate::model::probability(person) >= person_threshold;
                keep.then(|| {
                    let explanation = self.model.explain(&incoming, other, &self.tf);
                    Candidate { index: i as usize, probability: explanation.probability, person_probability: crate::model::probability(person), explanation }
                })
            })
            .collect();
        out.sort_by(|a, b| b.probability.total_cmp(&a.probability).then(a.index.cmp(&b.index)));
        out
    }
}
