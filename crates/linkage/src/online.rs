//! The online index: a loaded population, blocked once, against which one incoming record
//! (a new signal) is linked in milliseconds.

use crate::batch::par_map;
use crate::blocking::{KeyTable, Rule, RULES};
use crate::model::{Explanation, Model, TermFrequencies};
use crate::normalize::Normalized;
use crate::role::RawRecord;
use crate::fxhash::FxHashMap as HashMap;

pub struct Index {
    model: Model,
    rules: Vec<Rule>,
    records: Vec<Normalized>,
    blocks: Vec<HashMap<u64, Vec<u32>>>,
    tf: TermFrequencies,
    /// Keys shared by more records than this are not used for candidates (a placeholder
    /// phone number shared by thousands says nothing and would make the lookup slow).
    max_block: usize,
}

/// One record of the population that may be the incoming one.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Index into the population.
    pub index: usize,
    pub probability: f64,
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
        Index { model, rules, records, blocks, tf, max_block: 5_000 }
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
        let mut levels = Vec::with_capacity(self.model.fields.len());
        let mut out: Vec<Candidate> = seen
            .into_iter()
            .filter_map(|i| {
                let other = &self.records[i as usize];
                levels.clear();
                self.model.levels(&incoming, other, &mut levels);
                let w = self.model.weight(&levels, &incoming, other, &self.tf);
                (crate::model::probability(w) >= threshold).then(|| {
                    let explanation = self.model.explain(&incoming, other, &self.tf);
                    Candidate { index: i as usize, probability: explanation.probability, explanation }
                })
            })
            .collect();
        out.sort_by(|a, b| b.probability.total_cmp(&a.probability).then(a.index.cmp(&b.index)));
        out
    }
}
