//! Properties every linkage must keep, on generated Dutch-looking records: comparing is
//! symmetric, linking A to B gives the pairs of linking B to A, and an explanation's weights
//! add up to the score. And the hand-written Jaro-Winkler agrees with `strsim`'s where the two
//! definitions are the same.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use linkage::similarity::jaro_winkler;
use linkage::{compare::compare_all, link, Field, Model, Normalized, Options, RawRecord, Role, TermFrequencies};
use proptest::prelude::*;
use proptest::sample::select;

const ROLES: &[Role] = &[
    Role::GivenName,
    Role::Initials,
    Role::SurnamePrefix,
    Role::Surname,
    Role::BirthDate,
    Role::Street,
    Role::HouseNumber,
    Role::Postcode,
    Role::Locality,
    Role::Phone,
    Role::Email,
];

fn record() -> impl Strategy<Value = RawRecord> {
    (
        select(vec!["Jan", "Jan Pieter", "J.P.", "Joost", "Mohamed", "Fatima", "Sanne", "", "Jann"]),
        select(vec!["", "J.", "JP", "M", "F.", "S"]),
        select(vec!["", "van den", "de", "ter"]),
        select(vec!["Berg", "van den Berg", "Vandenberg", "Berg, van den", "de Vries", "Jansen-de Vries", "Dijk", "Dyk", "El Amrani", "Çelik", ""]),
        select(vec!["1980-03-12", "12-03-1980", "1980-12-03", "19800313", "", "2001-07-30"]),
        select(vec!["Dorpsstraat", "Dorpsstr 12-A", "Kerkweg", "Stationsln", ""]),
        select(vec!["12a", "12", "12-2", "3", "", "12 hs"]),
        select(vec!["1234 AB", "1234ab", "1243AB", "9999ZZ", ""]),
        select(vec!["Utrecht", "Zeist", ""]),
        select(vec!["06-12345678", "+31 6 1234 5678", "030-1234567", ""]),
        select(vec!["", "jan@example.nl", "f@example.nl"]),
    )
        .prop_map(|(given, initials, prefix, surname, birth, street, number, postcode, locality, phone, email)| {
            RawRecord::new("r")
                .with(Role::GivenName, given)
                .with(Role::Initials, initials)
                .with(Role::SurnamePrefix, prefix)
                .with(Role::Surname, surname)
                .with(Role::BirthDate, birth)
                .with(Role::Street, street)
                .with(Role::HouseNumber, number)
                .with(Role::Postcode, postcode)
                .with(Role::Locality, locality)
                .with(Role::Phone, phone)
                .with(Role::Email, email)
        })
}

fn numbered(records: Vec<RawRecord>, prefix: &str) -> Vec<RawRecord> {
    records
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            r.id = format!("{prefix}{i}");
            r
        })
        .collect()
}

/// A model with unequal, non-trivial weights, so sums are not trivially zero.
fn model() -> Model {
    let mut m = Model::initial(ROLES);
    for (f, table) in m.m.iter_mut().enumerate() {
        table[0] += 0.01 * f as f64;
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn comparing_is_symmetric(a in record(), b in record()) {
        let (x, y) = (Normalized::of(&a), Normalized::of(&b));
        let fields: Vec<Field> = Field::ALL.to_vec();
        let (mut ab, mut ba) = (Vec::new(), Vec::new());
        compare_all(&fields, &x, &y, &mut ab);
        compare_all(&fields, &y, &x, &mut ba);
        prop_assert_eq!(ab, ba);
    }

    #[test]
    fn explanation_weights_sum_to_the_score(a in record(), b in record(), population in prop::collection::vec(record(), 1..20)) {
        let model = model();
        let normalized: Vec<Normalized> = population.iter().chain([&a, &b]).map(Normalized::of).collect();
        let tf = TermFrequencies::build(&model.fields, &normalized);
        let (x, y) = (Normalized::of(&a), Normalized::of(&b));
        let e = model.explain(&x, &y, &tf);
        let sum: f64 = e.prior_weight + e.contributions.iter().map(|c| c.weight + c.tf_adjustment).sum::<f64>();
        prop_assert!((sum - e.match_weight).abs() < 1e-9, "sum {} score {}", sum, e.match_weight);
        let mut levels = Vec::new();
        model.levels(&x, &y, &mut levels);
        prop_assert_eq!(model.weight(&levels, &x, &y, &tf), e.match_weight);
        prop_assert!((e.probability - 1.0 / (1.0 + (-e.match_weight).exp2())).abs() < 1e-12);
        // And the other way round: the same explanation.
        let back = model.explain(&y, &x, &tf);
        prop_assert_eq!(back.match_weight, e.match_weight);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn linking_a_to_b_gives_the_pairs_of_b_to_a(left in prop::collection::vec(record(), 1..25), right in prop::collection::vec(record(), 1..25)) {
        let (left, right) = (numbered(left, "l"), numbered(right, "r"));
        let options = Options { threads: 2, u_sample_pairs: 2000, threshold: 0.5, ..Options::default() };
        let ab = link(&left, &right, ROLES, &options, &mut |_| {});
        let ba = link(&right, &left, ROLES, &options, &mut |_| {});
        let mut forward: Vec<(usize, usize, u64)> = ab.pairs.iter().map(|p| (p.left, p.right, p.probability.to_bits())).collect();
        let mut backward: Vec<(usize, usize, u64)> = ba.pairs.iter().map(|p| (p.right, p.left, p.probability.to_bits())).collect();
        forward.sort_unstable();
        backward.sort_unstable();
        prop_assert_eq!(forward, backward);
        prop_assert_eq!(ab.report.compared_pairs, ba.report.compared_pairs);
    }
}

/// Two short lower-case ASCII words over a small alphabet (so letters and prefixes are often
/// shared): the second drawn afresh, or the first with a few insertions, deletions,
/// substitutions and swaps of neighbours (so most such pairs are alike).
fn word_pair() -> impl Strategy<Value = (String, String)> {
    "[a-f]{0,16}".prop_flat_map(|a| {
        let edits = prop::collection::vec((0..20usize, select(vec!['a', 'b', 'c', 'd', 'e', 'f']), 0..4u8), 0..4);
        let edited = (Just(a.clone()), edits).prop_map(|(a, edits)| {
            let mut b: Vec<char> = a.chars().collect();
            for (at, c, op) in edits {
                let at = at % (b.len() + 1);
                match op {
                    0 => b.insert(at, c),
                    1 if at < b.len() => {
                        b.remove(at);
                    }
                    2 if at < b.len() => b[at] = c,
                    3 if at + 1 < b.len() => b.swap(at, at + 1),
                    _ => {}
                }
            }
            (a, b.into_iter().collect::<String>())
        });
        prop_oneof![(Just(a), "[a-f]{0,16}"), edited]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Where the two definitions coincide: ASCII (Eropaf's compares bytes, strsim chars), at
    /// most 64 bytes (Eropaf's compares longer values on their first 64), strsim given the
    /// shorter (then the smaller) string first (Eropaf's scans that one against the other, which
    /// makes it symmetric; strsim scans its first argument), and a prefix bonus both add: the
    /// same prefix scale (0.1) and length (at most 4), but strsim adds it only above a Jaro of
    /// 0.7 and Eropaf's always, so pairs without a common first letter or above 0.7.
    #[test]
    fn jaro_winkler_agrees_with_strsim_where_the_definitions_coincide((a, b) in word_pair()) {
        let (s, l) = if (a.len(), &a) <= (b.len(), &b) { (&a, &b) } else { (&b, &a) };
        let prefix = s.bytes().zip(l.bytes()).take(4).take_while(|(x, y)| x == y).count();
        prop_assume!(prefix == 0 || strsim::jaro(s, l) > 0.7);
        let expected = strsim::jaro_winkler(s, l);
        for got in [jaro_winkler(&a, &b), jaro_winkler(&b, &a)] {
            prop_assert!((got - expected).abs() < 1e-9, "{:?} {:?}: {} against strsim's {}", a, b, got, expected);
        }
    }
}
