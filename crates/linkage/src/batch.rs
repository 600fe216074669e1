//! Link mode (two sources) and dedupe mode (one source, with clusters): normalise, block,
//! estimate the model without labels, score, keep the pairs at or above the threshold.

use crate::blocking::{candidates, RuleReport, RULES, TRAINING_RULES};
use crate::compare::{fields_for, Field};
use crate::model::{probability, Model, TermFrequencies};
use crate::normalize::Normalized;
use crate::parallel::{par_chunks, par_map};
use crate::role::{RawRecord, Role};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Pairs with a match probability at or above this are returned.
    pub threshold: f64,
    /// Worker threads (at least one).
    pub threads: usize,
    /// Pairs one blocking rule may add per input record; beyond it the rule's biggest blocks
    /// are skipped and reported.
    pub pairs_per_record: u64,
    /// Random pairs drawn to estimate u.
    pub u_sample_pairs: usize,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            threshold: 0.5,
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            pairs_per_record: 2,
            u_sample_pairs: 500_000,
            seed: 1,
        }
    }
}

/// One pair at or above the threshold: indices into the left and right input (in dedupe mode
/// both into the one input, left < right).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoredPair {
    pub left: usize,
    pub right: usize,
    pub match_weight: f64,
    pub probability: f64,
}

/// What was done, for the report on stderr and the tests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub fields: Vec<Field>,
    pub rules: Vec<RuleReport>,
    pub compared_pairs: u64,
    pub u_sample_pairs: u64,
    pub training: Vec<TrainingSession>,
    pub model: Model,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingSession {
    pub rule: &'static str,
    pub pairs: u64,
    pub iterations: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    pub pairs: Vec<ScoredPair>,
    pub report: Report,
}

/// Links two sources: which left record is which right record.
pub fn link(left: &[RawRecord], right: &[RawRecord], roles: &[Role], options: &Options, progress: &mut dyn FnMut(&str)) -> Linked {
    let all: Vec<&RawRecord> = left.iter().chain(right).collect();
    run(&all, Some(left.len()), roles, options, progress)
}

/// Finds the records of one source that are the same person: pairs, and through them clusters.
pub fn dedupe(records: &[RawRecord], roles: &[Role], options: &Options, progress: &mut dyn FnMut(&str)) -> Linked {
    let all: Vec<&RawRecord> = records.iter().collect();
    run(&all, None, roles, options, progress)
}

/// Cluster number per record (the smallest index in its cluster), from the pairs of a dedupe.
pub fn clusters(records: usize, pairs: &[ScoredPair]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..records).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for p in pairs {
        let (a, b) = (root(&mut parent, p.left), root(&mut parent, p.right));
        let (lo, hi) = (a.min(b), a.max(b));
        parent[hi] = lo;
    }
    (0..records).map(|i| root(&mut parent, i)).collect()
}

fn run(records: &[&RawRecord], split: Option<usize>, roles: &[Role], options: &Options, progress: &mut dyn FnMut(&str)) -> Linked {
    let threads = options.threads.max(1);
    progress(&format!("normaliseren: {} records", records.len()));
    let normalized: Vec<Normalized> = par_map(records, threads, |r| Normalized::of(r));
    let fields = fields_for(roles);
    let mut model = Model::initial(roles);
    let tf = TermFrequencies::build(&fields, &normalized);

    let mut sample = random_pairs(normalized.len(), split, options.u_sample_pairs, options.seed);
    // In record order, so one side of each comparison is read from memory in sequence.
    sample.sort_unstable();
    progress(&format!("u schatten uit {} willekeurige paren", sample.len()));
    model.estimate_u(&compare_all(&model, &normalized, &sample, threads));

    // Sessions in turn: each estimates the fields no earlier session did, holding those fixed
    // (so a housemate, told apart by the given name learned earlier, does not pass for a match)
    // and leaving out the fields its pairs were chosen on.
    let mut training = Vec::new();
    let mut estimated = vec![false; fields.len()];
    for (rule, frozen) in TRAINING_RULES.iter().filter(|(r, _)| r.usable(roles)) {
        let learns: Vec<Field> = fields.iter().zip(&estimated).filter(|(f, done)| !**done && !frozen.contains(f)).map(|(f, _)| *f).collect();
        if learns.is_empty() {
            continue;
        }
        let table = [crate::blocking::KeyTable::build(rule, &normalized)];
        let (pairs, _) = crate::blocking::candidates_from(&table, std::slice::from_ref(rule), split, options.pairs_per_record, threads);
        if pairs.is_empty() {
            continue;
        }
        progress(&format!("EM op {} paren van regel {}", pairs.len(), rule.name));
        let levels = compare_all(&model, &normalized, &pairs, threads);
        let fixed: Vec<Field> = fields.iter().zip(&estimated).filter(|(f, done)| **done && !frozen.contains(f)).map(|(f, _)| *f).collect();
        let mut session = model.clone();
        let iterations = session.expectation_maximisation(&levels, frozen, &fixed, 100);
        for (f, field) in fields.iter().enumerate() {
            if learns.contains(field) {
                model.m[f] = session.m[f].clone();
                estimated[f] = true;
            }
        }
        training.push(TrainingSession { rule: rule.name, pairs: pairs.len() as u64, iterations });
    }

    let rules: Vec<_> = RULES.iter().copied().filter(|r| r.usable(roles)).collect();
    progress(&format!("blokkeren met {} regels", rules.len()));
    let (mut pairs, rule_reports) = candidates(&normalized, split, &rules, options.pairs_per_record);
    pairs.sort_unstable();
    progress(&format!("{} paren vergelijken", pairs.len()));
    // One pass: each pair's levels (for the prior) and the sum of its field weights (the
    // prior is added once it is known). m and u are fixed from here on.
    let nf = fields.len();
    let table = model.level_weights();
    let passes: Vec<(Vec<u8>, Vec<f64>)> = par_chunks(&pairs, threads, |_, chunk| {
        let mut levels = Vec::with_capacity(chunk.len() * nf);
        let mut sums = Vec::with_capacity(chunk.len());
        for &(i, j) in chunk {
            let (a, b) = (&normalized[i as usize], &normalized[j as usize]);
            let start = levels.len();
            model.levels(a, b, &mut levels);
            sums.push(model.fields_weight(&table, &levels[start..], a, b, &tf));
        }
        (levels, sums)
    });
    let levels: Vec<u8> = passes.iter().flat_map(|(l, _)| l.iter().copied()).collect();
    let (n_left, n_right) = match split {
        Some(n) => (n as f64, (normalized.len() - n) as f64),
        None => (normalized.len() as f64, (normalized.len() as f64 - 1.0) / 2.0),
    };
    model.estimate_prior(&levels, n_left * n_right, n_left.min(n_right) / (n_left * n_right));

    let offset = split.unwrap_or(0);
    let prior_weight = model.prior_weight();
    let sums: Vec<f64> = passes.into_iter().flat_map(|(_, s)| s).collect();
    let scored: Vec<Vec<ScoredPair>> = par_chunks(&pairs, threads, |start, chunk| {
        chunk
            .iter()
            .zip(&sums[start..])
            .filter_map(|(&(i, j), &sum)| {
                let w = prior_weight + sum;
                let p = probability(w);
                (p >= options.threshold).then_some(ScoredPair { left: i as usize, right: j as usize - offset, match_weight: w, probability: p })
            })
            .collect()
    });
    let mut out: Vec<ScoredPair> = scored.into_iter().flatten().collect();
    out.sort_by_key(|p| (p.left, p.right));
    Linked {
        pairs: out,
        report: Report { fields, rules: rule_reports, compared_pairs: pairs.len() as u64, u_sample_pairs: sample.len() as u64, training, model },
    }
}

/// The term frequencies of a link or dedupe run's records, as the run itself counted them: build
/// once, then explain any number of pairs with [`Model::explain`].
pub fn term_frequencies(model: &Model, all: &[&RawRecord]) -> TermFrequencies {
    let normalized: Vec<Normalized> = all.iter().map(|r| Normalized::of(r)).collect();
    TermFrequencies::build(&model.fields, &normalized)
}

/// Random pairs for estimating u, drawn so that swapping the two sources draws the same pairs
/// swapped (each draw (x, y) gives the pairs (x, y) and (y, x)): linking stays symmetric.
fn random_pairs(n: usize, split: Option<usize>, count: usize, seed: u64) -> Vec<(u32, u32)> {
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut pairs = Vec::with_capacity(count);
    match split {
        Some(nl) => {
            let nr = n - nl;
            if nl == 0 || nr == 0 {
                return pairs;
            }
            while pairs.len() + 1 < count.max(2) {
                let (x, y) = (next(), next());
                pairs.push(((x % nl as u64) as u32, (nl as u64 + y % nr as u64) as u32));
                pairs.push(((y % nl as u64) as u32, (nl as u64 + x % nr as u64) as u32));
            }
        }
        None => {
            if n < 2 {
                return pairs;
            }
            while pairs.len() < count {
                let (i, j) = ((next() % n as u64) as u32, (next() % n as u64) as u32);
                if i != j {
                    pairs.push((i.min(j), i.max(j)));
                }
            }
        }
    }
    pairs
}

/// The levels of every pair, `fields` bytes per pair, in pair order.
fn compare_all(model: &Model, records: &[Normalized], pairs: &[(u32, u32)], threads: usize) -> Vec<u8> {
    par_chunks(pairs, threads, |_, chunk| {
        let mut out = Vec::with_capacity(chunk.len() * model.fields.len());
        for &(i, j) in chunk {
            model.levels(&records[i as usize], &records[j as usize], &mut out);
        }
        out
    })
    .concat()
}
