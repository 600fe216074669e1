//! Linkage quality on real benchmark data, unsupervised: FEBRL4 (5,000 × 5,000, one true match
//! each, see data/febrl4/README.md) with and without the identifier, and the Dutch partner
//! extracts of the synth generator at a small size. The full-size figures and the side-by-side
//! run with Splink are in bench/linkage.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use linkage::{link, Options, RawRecord, Role};
use std::collections::HashSet;
use std::path::Path;

/// Reads a FEBRL file (a space after each comma, no quoting) with the roles of fields.toml.
fn febrl(name: &str, with_identifier: bool) -> Vec<RawRecord> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/febrl4").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').map(str::trim).collect();
    let role = |column: &str| match column {
        "given_name" => Some(Role::GivenName),
        "surname" => Some(Role::Surname),
        "street_number" => Some(Role::HouseNumber),
        "address_1" => Some(Role::Street),
        "address_2" => Some(Role::AddressExtra),
        "suburb" => Some(Role::Locality),
        "postcode" => Some(Role::Postcode),
        "state" => Some(Role::Region),
        "date_of_birth" => Some(Role::BirthDate),
        "soc_sec_id" if with_identifier => Some(Role::Identifier),
        _ => None,
    };
    lines
        .map(|line| {
            let values: Vec<&str> = line.split(',').map(str::trim).collect();
            let mut r = RawRecord::new(values[0]);
            for (column, value) in header.iter().zip(&values) {
                if let Some(role) = role(column) {
                    r.set(role, *value);
                }
            }
            r
        })
        .collect()
}

fn f1(found: &HashSet<(String, String)>, truth: &HashSet<(String, String)>) -> (f64, f64, f64) {
    let tp = found.intersection(truth).count() as f64;
    let precision = tp / found.len().max(1) as f64;
    let recall = tp / truth.len().max(1) as f64;
    (precision, recall, 2.0 * precision * recall / (precision + recall).max(1e-12))
}

fn run(left: &[RawRecord], right: &[RawRecord], roles: &[Role]) -> HashSet<(String, String)> {
    let linked = link(left, right, roles, &Options::default(), &mut |_| {});
    linked.pairs.iter().map(|p| (left[p.left].id.clone(), right[p.right].id.clone())).collect()
}

#[test]
fn febrl4_with_and_without_the_identifier() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/febrl4/truth.csv");
    let truth: HashSet<(String, String)> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect();
    assert_eq!(truth.len(), 5000);
    let roles = [Role::GivenName, Role::Surname, Role::HouseNumber, Role::Street, Role::AddressExtra, Role::Locality, Role::Postcode, Role::Region, Role::BirthDate];
    let (p, r, f) = f1(&run(&febrl("left.csv", false), &febrl("right.csv", false), &roles), &truth);
    eprintln!("FEBRL4 without identifier: precision {p:.4} recall {r:.4} F1 {f:.4}");
    assert!(f >= 0.995, "F1 {f}");
    let with_id: Vec<Role> = roles.iter().copied().chain([Role::Identifier]).collect();
    let (p, r, f) = f1(&run(&febrl("left.csv", true), &febrl("right.csv", true), &with_id), &truth);
    eprintln!("FEBRL4 with identifier: precision {p:.4} recall {r:.4} F1 {f:.4}");
    assert!(f >= 0.998, "F1 {f}");
}

#[test]
fn dutch_partner_extracts_link_despite_housemates_and_moves() {
    use synth::extracts::{generate_extracts, ExtractsConfig};
    let e = generate_extracts(&ExtractsConfig { records: 5000, seed: 3, today: time::macros::date!(2026 - 11 - 28) });
    let (left, right): (Vec<RawRecord>, Vec<RawRecord>) = (e.left.iter().map(support::raw).collect(), e.right.iter().map(support::raw).collect());
    let truth: HashSet<(String, String)> = e.truth.iter().cloned().collect();
    let (p, r, f) = f1(&run(&left, &right, support::DUTCH_ROLES), &truth);
    eprintln!("Dutch extracts 5k: precision {p:.4} recall {r:.4} F1 {f:.4}");
    assert!(f >= 0.93, "F1 {f}");
}
