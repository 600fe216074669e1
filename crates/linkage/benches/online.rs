//! Online linkage: one incoming record against a loaded population of 1,000,000 people, as a
//! new signal is linked in #4. Prints one line starting with `online:` (bench/linkage/run takes
//! it into bench/RESULTS.md). Sizes can be lowered for a quick look:
//! `POPULATION=100000 QUERIES=2000 cargo bench -p linkage --bench online`.
//!
//! The model is estimated unsupervised on a separate, smaller pair of extracts (another seed),
//! as a municipality would do once on a monthly file; the population are the left-hand
//! (housing corporation) records of the big extracts, the queries right-hand (energy supplier)
//! records: initials only, glued prefixes, mostly no birth date.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::disallowed_methods)]

#[path = "../tests/support/mod.rs"]
mod support;

use linkage::{link, Index, Options, RawRecord};
use support::{raw, DUTCH_ROLES as ROLES};
use std::collections::HashMap;
use std::time::Instant;
use synth::extracts::{generate_extracts, ExtractRow, ExtractsConfig};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let population = env("POPULATION", 1_000_000);
    let queries = env("QUERIES", 10_000);
    let today = time::macros::date!(2026 - 11 - 28);

    let training = generate_extracts(&ExtractsConfig { records: 50_000, seed: 11, today });
    let (tl, tr): (Vec<RawRecord>, Vec<RawRecord>) = (training.left.iter().map(raw).collect(), training.right.iter().map(raw).collect());
    let started = Instant::now();
    let model = link(&tl, &tr, ROLES, &Options::default(), &mut |_| {}).report.model;
    let train_s = started.elapsed().as_secs_f64();

    let big = generate_extracts(&ExtractsConfig { records: population, seed: 7, today });
    let people: Vec<RawRecord> = big.left.iter().map(raw).collect();
    let truth: HashMap<&str, &str> = big.truth.iter().map(|(l, r)| (r.as_str(), l.as_str())).collect();
    let started = Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let index = Index::build(model, &people, threads);
    let build_s = started.elapsed().as_secs_f64();

    // Every k-th energy-supplier record, matched or not, one at a time.
    let step = (big.right.len() / queries.max(1)).max(1);
    let incoming: Vec<&ExtractRow> = big.right.iter().step_by(step).take(queries).collect();
    let mut times = Vec::with_capacity(incoming.len());
    let (mut with_truth, mut top_right, mut wrong_above) = (0usize, 0usize, 0usize);
    for row in &incoming {
        let record = raw(row);
        let t = Instant::now();
        let found = index.link(&record, 0.5);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        let expected = truth.get(row.id.as_str());
        if let Some(left_id) = expected {
            with_truth += 1;
            if found.first().is_some_and(|c| people[c.index].id == *left_id) {
                top_right += 1;
            }
        }
        wrong_above += found.iter().filter(|c| expected != Some(&people[c.index].id.as_str())).count();
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    println!(
        "online: population={} queries={} p50_ms={:.3} p95_ms={:.3} p99_ms={:.3} max_ms={:.3} build_s={:.1} train_s={:.1} top1_correct={:.4} wrong_above_threshold={}",
        index.len(),
        times.len(),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        times.last().copied().unwrap_or(0.0),
        build_s,
        train_s,
        top_right as f64 / with_truth.max(1) as f64,
        wrong_above
    );
}
