//! The Fellegi–Sunter model: for each field and level, m (how often a true match shows it)
//! and u (how often two different people do). A level's weight is log2(m/u); a pair's match
//! weight is the prior plus the weights of its fields; exact agreement on a rare name counts
//! more than on a common one (term frequency). m and the prior are estimated by EM without
//! labelled data; u from random pairs.

use crate::compare::{Field, NULL};
use crate::normalize::{hash_str, Normalized};
use crate::role::Role;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Smallest probability a level may get, so no single field can veto or prove a match alone.
const FLOOR: f64 = 1e-6;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The input roles the model was made for; they decide the fields and the blocking rules.
    pub roles: Vec<Role>,
    pub fields: Vec<Field>,
    /// `m[f][level]`, parallel to `fields`.
    pub m: Vec<Vec<f64>>,
    /// `u[f][level]`, parallel to `fields`.
    pub u: Vec<Vec<f64>>,
    /// The chance that two records drawn at random are a match (not two compared ones: u is
    /// measured on random pairs too).
    pub prior: f64,
}

/// How often each value occurs, for the term-frequency adjustment, per field of the model
/// (keyed by the value's hash: the lookups run for every compared pair).
#[derive(Debug, Clone, Default)]
pub struct TermFrequencies {
    tables: Vec<Option<(HashMap<u64, u32>, u32)>>,
}

impl TermFrequencies {
    pub fn build(fields: &[Field], records: &[Normalized]) -> TermFrequencies {
        let tables = fields
            .iter()
            .map(|f| {
                f.term_frequency().then(|| {
                    let mut counts: HashMap<u64, u32> = HashMap::default();
                    let mut total = 0;
                    for r in records {
                        let values = f.tf_values(r);
                        total += u32::from(!values.is_empty());
                        for v in values {
                            *counts.entry(hash_str(v)).or_default() += 1;
                        }
                    }
                    (counts, total)
                })
            })
            .collect();
        TermFrequencies { tables }
    }

    /// Counts one more record.
    pub fn add(&mut self, fields: &[Field], record: &Normalized) {
        for (f, table) in fields.iter().zip(self.tables.iter_mut()) {
            if let Some((counts, total)) = table {
                let values = f.tf_values(record);
                *total += u32::from(!values.is_empty());
                for v in values {
                    *counts.entry(hash_str(v)).or_default() += 1;
                }
            }
        }
    }

    /// The share of records with this value, the highest over the values both records have.
    fn shared(&self, f: usize, field: Field, a: &Normalized, b: &Normalized) -> Option<f64> {
        let (counts, total) = self.tables.get(f)?.as_ref()?;
        let share = |h: u64| counts.get(&h).map(|&c| f64::from(c) / f64::from((*total).max(1)));
        match field {
            // The only field with several values per record: its hashes are made once.
            Field::Surname => a
                .surname
                .iter()
                .zip(&a.surname_hashes)
                .filter(|(v, h)| b.surname_hashes.contains(h) && b.surname.contains(v))
                .filter_map(|(_, &h)| share(h))
                .reduce(f64::max),
            _ => field.tf_value(a).filter(|v| Some(*v) == field.tf_value(b)).and_then(|v| share(hash_str(v))),
        }
    }
}

/// What one field contributed to a pair's match weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub field: Field,
    /// The level, or `None` when one side does not know the value.
    pub level: Option<u8>,
    pub label_nl: &'static str,
    pub label_en: &'static str,
    /// log2(m/u) of the level.
    pub weight: f64,
    /// The term-frequency adjustment (non-zero only for exact agreement on such a field).
    pub tf_adjustment: f64,
}

/// Why a pair scored what it scored: the prior plus each field's contribution is the weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub prior_weight: f64,
    pub contributions: Vec<Contribution>,
    pub match_weight: f64,
    pub probability: f64,
}

pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

impl Model {
    /// Starting values for EM: agreement likely among matches, disagreement likely among
    /// non-matches.
    pub fn initial(roles: &[Role]) -> Model {
        let fields = crate::compare::fields_for(roles);
        let m = fields
            .iter()
            .map(|f| {
                let n = f.levels().len();
                let rest = 0.15 / (n - 1) as f64;
                (0..n).map(|l| if l == 0 { 0.85 } else { rest }).collect()
            })
            .collect();
        let u = fields
            .iter()
            .map(|f| {
                let n = f.levels().len();
                let rest = 0.01 / (n - 2).max(1) as f64;
                (0..n).map(|l| if l == n - 1 { 0.99 } else if l == 0 { 0.01 } else { rest }).collect()
            })
            .collect();
        let mut model = Model { roles: roles.to_vec(), fields, m, u, prior: 0.1 };
        model.normalise();
        model
    }

    fn normalise(&mut self) {
        for table in self.m.iter_mut().chain(self.u.iter_mut()) {
            for p in table.iter_mut() {
                *p = p.max(FLOOR);
            }
            let sum: f64 = table.iter().sum();
            for p in table.iter_mut() {
                *p /= sum;
            }
        }
        self.prior = self.prior.clamp(1e-12, 1.0 - FLOOR);
    }

    pub fn prior_weight(&self) -> f64 {
        (self.prior / (1.0 - self.prior)).log2()
    }

    /// The levels of a pair, one per field of the model.
    pub fn levels(&self, a: &Normalized, b: &Normalized, out: &mut Vec<u8>) {
        crate::compare::compare_all(&self.fields, a, b, out);
    }

    fn contribution(&self, f: usize, level: u8, a: &Normalized, b: &Normalized, tf: &TermFrequencies) -> (f64, f64) {
        if level == NULL {
            return (0.0, 0.0);
        }
        let l = usize::from(level);
        let weight = (self.m[f][l] / self.u[f][l]).log2();
        let adjustment = match l {
            0 => tf.shared(f, self.fields[f], a, b).map_or(0.0, |freq| (self.u[f][0] / freq.max(FLOOR)).log2()),
            _ => 0.0,
        };
        (weight, adjustment)
    }

    /// The match weight of a pair whose levels are known; the same sum, in the same order,
    /// as [`Model::explain`].
    pub fn weight(&self, levels: &[u8], a: &Normalized, b: &Normalized, tf: &TermFrequencies) -> f64 {
        let mut w = self.prior_weight();
        for (f, &level) in levels.iter().enumerate() {
            let (weight, adjustment) = self.contribution(f, level, a, b, tf);
            w += weight + adjustment;
        }
        w
    }

    /// log2(m/u) of every field and level, for scoring many pairs without recomputing the
    /// logarithms (see [`Model::fields_weight`]).
    pub fn level_weights(&self) -> Vec<Vec<f64>> {
        self.m.iter().zip(&self.u).map(|(m, u)| m.iter().zip(u).map(|(m, u)| (m / u).log2()).collect()).collect()
    }

    /// The sum of the field weights of a pair (its match weight without the prior), with the
    /// logarithms from [`Model::level_weights`].
    pub fn fields_weight(&self, table: &[Vec<f64>], levels: &[u8], a: &Normalized, b: &Normalized, tf: &TermFrequencies) -> f64 {
        let mut w = 0.0;
        for (f, &level) in levels.iter().enumerate() {
            if level == NULL {
                continue;
            }
            let weight = table[f][usize::from(level)];
            let adjustment = match (level, self.fields[f].term_frequency()) {
                (0, true) => tf.shared(f, self.fields[f], a, b).map_or(0.0, |freq| (self.u[f][0] / freq.max(FLOOR)).log2()),
                _ => 0.0,
            };
            w += weight + adjustment;
        }
        w
    }

    pub fn explain(&self, a: &Normalized, b: &Normalized, tf: &TermFrequencies) -> Explanation {
        let mut levels = Vec::with_capacity(self.fields.len());
        self.levels(a, b, &mut levels);
        let prior_weight = self.prior_weight();
        let mut match_weight = prior_weight;
        let contributions = levels
            .iter()
            .enumerate()
            .map(|(f, &level)| {
                let (weight, tf_adjustment) = self.contribution(f, level, a, b, tf);
                match_weight += weight + tf_adjustment;
                let field = self.fields[f];
                let (label_nl, label_en) = if level == NULL { ("onbekend", "unknown") } else { field.levels()[usize::from(level)] };
                Contribution { field, level: (level != NULL).then_some(level), label_nl, label_en, weight, tf_adjustment }
            })
            .collect();
        Explanation { prior_weight, contributions, match_weight, probability: probability(match_weight) }
    }

    /// Sets u from the levels of random pairs (nearly all non-matches).
    pub fn estimate_u(&mut self, random_levels: &[u8]) {
        let nf = self.fields.len();
        for f in 0..nf {
            let mut counts = vec![0u64; self.u[f].len()];
            for row in random_levels.chunks_exact(nf) {
                if row[f] != NULL {
                    counts[usize::from(row[f])] += 1;
                }
            }
            let total: u64 = counts.iter().sum();
            if total > 0 {
                // A level never seen among random pairs is rarer than one in `total`.
                self.u[f] = counts.iter().map(|&c| (c as f64).max(0.5) / total as f64).collect();
            }
        }
        self.normalise();
    }

    /// Expectation-maximisation of m and the prior over pairs, with u fixed. Fields in
    /// `frozen` (those the pairs were blocked on) take no part: they would look like perfect
    /// evidence. Fields in `fixed` count with their current m but are not re-estimated.
    /// Returns the number of iterations.
    pub fn expectation_maximisation(&mut self, levels: &[u8], frozen: &[Field], fixed: &[Field], max_iterations: usize) -> usize {
        let nf = self.fields.len();
        let active: Vec<bool> = self.fields.iter().map(|f| !frozen.contains(f)).collect();
        let learning: Vec<bool> = self.fields.iter().map(|f| !frozen.contains(f) && !fixed.contains(f)).collect();
        // Identical patterns once, with their count: EM then runs over a few thousand rows.
        let mut patterns: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
        for row in levels.chunks_exact(nf) {
            let key: Vec<u8> = row.iter().zip(&active).map(|(&l, &a)| if a { l } else { NULL }).collect();
            *patterns.entry(key).or_default() += 1.0;
        }
        let total: f64 = patterns.values().sum();
        if total == 0.0 {
            return 0;
        }
        let mut prior: f64 = 0.5;
        for iteration in 1..=max_iterations {
            let mut m_sum: Vec<Vec<f64>> = self.m.iter().map(|t| vec![0.0; t.len()]).collect();
            let mut matched = 0.0;
            for (pattern, &count) in &patterns {
                let (mut lm, mut lu) = (prior.ln(), (1.0 - prior).ln());
                for (f, &l) in pattern.iter().enumerate() {
                    if l != NULL {
                        lm += self.m[f][usize::from(l)].ln();
                        lu += self.u[f][usize::from(l)].ln();
                    }
                }
                let p = 1.0 / (1.0 + (lu - lm).exp());
                matched += p * count;
                for (f, &l) in pattern.iter().enumerate() {
                    if l != NULL {
                        m_sum[f][usize::from(l)] += p * count;
                    }
                }
            }
            let mut change: f64 = (matched / total - prior).abs();
            prior = (matched / total).clamp(FLOOR, 1.0 - FLOOR);
            for f in (0..nf).filter(|&f| learning[f]) {
                let sum: f64 = m_sum[f].iter().sum();
                if sum <= 0.0 {
                    continue;
                }
                for (l, s) in m_sum[f].iter().enumerate() {
                    let new = (s / sum).max(FLOOR);
                    change = change.max((new - self.m[f][l]).abs());
                    self.m[f][l] = new;
                }
            }
            self.normalise();
            if change < 1e-5 {
                self.prior = prior;
                return iteration;
            }
        }
        self.prior = prior;
        max_iterations
    }

    /// Estimates the prior: the chance that two records drawn at random (not two compared
    /// ones) are a match, since u is measured on random pairs too. EM over all `total_pairs`,
    /// taking the pairs that were not compared as non-matches, with m and u fixed; it starts at
    /// `start` (say one match per record of the smaller source).
    pub fn estimate_prior(&mut self, levels: &[u8], total_pairs: f64, start: f64) {
        let nf = self.fields.len();
        let mut patterns: BTreeMap<&[u8], f64> = BTreeMap::new();
        for row in levels.chunks_exact(nf) {
            *patterns.entry(row).or_default() += 1.0;
        }
        if patterns.is_empty() || total_pairs <= 0.0 {
            return;
        }
        let weights: Vec<(f64, f64)> = patterns
            .iter()
            .map(|(pattern, &count)| {
                let w: f64 = pattern.iter().enumerate().filter(|(_, &l)| l != NULL).map(|(f, &l)| (self.m[f][usize::from(l)] / self.u[f][usize::from(l)]).ln()).sum();
                (w, count)
            })
            .collect();
        self.prior = start.clamp(1e-12, 0.5);
        for _ in 0..200 {
            let odds = (self.prior / (1.0 - self.prior)).ln();
            let matched: f64 = weights.iter().map(|(w, c)| c / (1.0 + (-(w + odds)).exp())).sum();
            let new = (matched / total_pairs).clamp(1e-12, 0.5);
            let done = ((new - self.prior) / self.prior).abs() < 1e-6;
            self.prior = new;
            if done {
                break;
            }
        }
    }
}
