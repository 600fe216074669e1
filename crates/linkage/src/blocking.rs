//! Blocking: only pairs that share a key under at least one rule are compared. Several rules
//! together catch what one misses (a moved person shares no address, a typo in the surname
//! breaks the name rules); a pair found by an earlier rule is not counted again.

use crate::compare::Field;
use crate::normalize::Normalized;
use crate::role::Role;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet, FxHasher};
use serde::Serialize;
use std::hash::{Hash, Hasher};

/// One part of a blocking key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPart {
    /// Every form of the surname (so "Vandenberg" and "van den Berg" share a key).
    Surname,
    /// The first initial.
    Initial,
    BirthDate,
    Postcode,
    /// The number without letter or addition.
    HouseNumber,
    Street,
    Locality,
    /// The first given name in full.
    GivenName,
    Phone,
    Email,
    Bsn,
    Identifier,
}

impl KeyPart {
    /// The input roles that can give this part.
    pub fn roles(self) -> &'static [Role] {
        match self {
            KeyPart::Surname => &[Role::Surname, Role::FullName],
            KeyPart::Initial => &[Role::GivenName, Role::Initials, Role::FullName],
            KeyPart::GivenName => &[Role::GivenName, Role::FullName],
            KeyPart::BirthDate => &[Role::BirthDate],
            KeyPart::Postcode => &[Role::Postcode],
            KeyPart::HouseNumber => &[Role::HouseNumber, Role::Street],
            KeyPart::Street => &[Role::Street],
            KeyPart::Locality => &[Role::Locality],
            KeyPart::Phone => &[Role::Phone],
            KeyPart::Email => &[Role::Email],
            KeyPart::Bsn => &[Role::Bsn],
            KeyPart::Identifier => &[Role::Identifier],
        }
    }

    /// The values of this part, into `out`; returns how many (several only for the surname).
    fn values<'a>(self, r: &'a Normalized, out: &mut [&'a str; MAX_VALUES]) -> usize {
        let one = |s: &'a str, out: &mut [&'a str; MAX_VALUES]| {
            out[0] = s;
            usize::from(!s.is_empty())
        };
        match self {
            KeyPart::Surname => {
                let n = r.surname.len().min(MAX_VALUES);
                for (slot, form) in out.iter_mut().zip(&r.surname) {
                    *slot = form;
                }
                n
            }
            KeyPart::Initial => one(r.initials.get(..1).unwrap_or(""), out),
            KeyPart::BirthDate => one(&r.birth_date, out),
            KeyPart::Postcode => one(&r.postcode, out),
            KeyPart::HouseNumber => match r.house_number {
                // The number is hashed as text below; a zero-padded form keeps it borrowed.
                Some(_) => one(r.house_number_text(), out),
                None => 0,
            },
            KeyPart::Street => one(&r.street, out),
            KeyPart::Locality => one(&r.locality, out),
            KeyPart::GivenName => one(r.first_given(), out),
            KeyPart::Phone => one(&r.phone, out),
            KeyPart::Email => one(&r.email, out),
            KeyPart::Bsn => one(&r.bsn, out),
            KeyPart::Identifier => one(&r.identifier, out),
        }
    }
}

/// At most this many values per key part (surname forms beyond it give no keys).
const MAX_VALUES: usize = 8;

/// A blocking rule: records that agree on all parts are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub name: &'static str,
    pub parts: &'static [KeyPart],
}

use KeyPart as K;

/// The rules for linking, in order; a rule is used when the input has all its fields.
pub const RULES: &[Rule] = &[
    Rule { name: "surname+birth_date", parts: &[K::Surname, K::BirthDate] },
    Rule { name: "surname+initial", parts: &[K::Surname, K::Initial] },
    Rule { name: "postcode+house_number", parts: &[K::Postcode, K::HouseNumber] },
    Rule { name: "birth_date+initial", parts: &[K::BirthDate, K::Initial] },
    Rule { name: "street+house_number", parts: &[K::Street, K::HouseNumber] },
    Rule { name: "birth_date+postcode", parts: &[K::BirthDate, K::Postcode] },
    Rule { name: "street+postcode", parts: &[K::Street, K::Postcode] },
    Rule { name: "birth_date+locality", parts: &[K::BirthDate, K::Locality] },
    Rule { name: "given_name+locality", parts: &[K::GivenName, K::Locality] },
    Rule { name: "phone", parts: &[K::Phone] },
    Rule { name: "email", parts: &[K::Email] },
    Rule { name: "bsn", parts: &[K::Bsn] },
    Rule { name: "identifier", parts: &[K::Identifier] },
];

/// The rules on which the EM estimation trains, with the fields each must leave out, so each
/// field is estimated from pairs that were not chosen for agreeing on it: who someone is, where
/// they live, when they were born. The address rule also leaves out the surname and the other
/// address fields, since housemates share them: left in, every housemate would look like a match.
pub const TRAINING_RULES: &[(Rule, &[Field])] = &[
    (Rule { name: "surname+birth_date", parts: &[K::Surname, K::BirthDate] }, &[Field::Surname, Field::BirthDate]),
    (Rule { name: "postcode+house_number", parts: &[K::Postcode, K::HouseNumber] }, HOUSEMATES),
    (Rule { name: "street+house_number", parts: &[K::Street, K::HouseNumber] }, HOUSEMATES),
    (Rule { name: "birth_date+initial", parts: &[K::BirthDate, K::Initial] }, &[Field::BirthDate, Field::GivenName]),
    (Rule { name: "surname+initial", parts: &[K::Surname, K::Initial] }, &[Field::Surname, Field::GivenName]),
];

const HOUSEMATES: &[Field] = &[Field::Address, Field::AddressExtra, Field::Locality, Field::Region, Field::Surname];

impl Rule {
    /// Whether input with these roles can give this rule's keys.
    pub fn usable(&self, roles: &[Role]) -> bool {
        self.parts.iter().all(|p| p.roles().iter().any(|r| roles.contains(r)))
    }

    /// The keys of a record under this rule (several when a part has several values), hashed
    /// together with the rule's name.
    pub fn keys(&self, r: &Normalized, out: &mut Vec<u64>) {
        let mut base = FxHasher::default();
        self.name.hash(&mut base);
        let mut combos: [FxHasher; MAX_VALUES] = std::array::from_fn(|_| base.clone());
        let mut count = 1;
        let mut values = [""; MAX_VALUES];
        for part in self.parts {
            let n = part.values(r, &mut values);
            if n == 0 {
                return;
            }
            if n == 1 {
                for h in &mut combos[..count] {
                    values[0].hash(h);
                }
            } else if count == 1 {
                // The one multi-valued part: one key per value.
                let h = combos[0].clone();
                for (slot, v) in combos.iter_mut().zip(&values[..n]) {
                    *slot = h.clone();
                    v.hash(slot);
                }
                count = n;
            } else {
                return;
            }
        }
        let start = out.len();
        out.extend(combos[..count].iter().map(Hasher::finish));
        out[start..].sort_unstable();
        let mut kept = start;
        for i in start..out.len() {
            if i == start || out[i] != out[kept - 1] {
                out[kept] = out[i];
                kept += 1;
            }
        }
        out.truncate(kept);
    }
}

/// The keys of every record under one rule.
pub struct KeyTable {
    offsets: Vec<u32>,
    keys: Vec<u64>,
}

impl KeyTable {
    pub fn build(rule: &Rule, records: &[Normalized]) -> KeyTable {
        let mut offsets = Vec::with_capacity(records.len() + 1);
        let mut keys = Vec::with_capacity(records.len());
        offsets.push(0);
        for r in records {
            rule.keys(r, &mut keys);
            offsets.push(keys.len() as u32);
        }
        KeyTable { offsets, keys }
    }

    pub fn of(&self, i: usize) -> &[u64] {
        &self.keys[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// Whether two records share a key that was compared (not skipped as too big).
    pub fn share_compared(&self, i: usize, j: usize, skipped: &HashSet<u64>) -> bool {
        let b = self.of(j);
        self.of(i).iter().any(|k| b.contains(k) && !skipped.contains(k))
    }

    /// The smallest compared key two records share (keys of a record are sorted).
    pub fn first_shared(&self, i: usize, j: usize, skipped: &HashSet<u64>) -> Option<u64> {
        let b = self.of(j);
        self.of(i).iter().copied().find(|k| b.contains(k) && !skipped.contains(k))
    }

    /// Key → the records that have it, in record order.
    pub fn blocks(&self) -> HashMap<u64, Vec<u32>> {
        let mut blocks: HashMap<u64, Vec<u32>> = HashMap::default();
        for i in 0..self.offsets.len() - 1 {
            for &k in self.of(i) {
                blocks.entry(k).or_default().push(i as u32);
            }
        }
        blocks
    }
}

/// How many pairs one rule added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleReport {
    pub rule: &'static str,
    /// Pairs this rule found that no earlier rule had.
    pub pairs: u64,
    /// Blocks left out because they were too big to compare (a placeholder value shared by
    /// thousands, say), and the pairs they would have given.
    pub skipped_blocks: u64,
    pub skipped_pairs: u64,
}

/// Candidate pairs of records. In link mode (`split = Some(n)`) records `0..n` are the left
/// source and the rest the right, and each pair is (left, right); in dedupe mode each pair is
/// (i, j) with i < j.
///
/// A rule may give at most `pairs_per_record` pairs per record: beyond that it is no longer
/// blocking but a scan, so its biggest blocks (the commonest names, a placeholder phone number)
/// are left out, biggest first, and reported.
pub fn candidates(records: &[Normalized], split: Option<usize>, rules: &[Rule], pairs_per_record: u64) -> (Vec<(u32, u32)>, Vec<RuleReport>) {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let tables: Vec<KeyTable> = crate::parallel::par_map(rules, threads, |r| KeyTable::build(r, records));
    candidates_from(&tables, rules, split, pairs_per_record, threads)
}

/// A rule's blocks within budget, and the keys of those it skipped.
struct Chosen {
    blocks: Vec<(u64, Vec<u32>)>,
    skipped: HashSet<u64>,
    report: RuleReport,
}

/// As [`candidates`], from key tables already built (one per rule). Each rule is worked out on
/// its own thread: which blocks fit its budget first, then its pairs, checked against the
/// earlier rules' compared keys.
pub fn candidates_from(tables: &[KeyTable], rules: &[Rule], split: Option<usize>, pairs_per_record: u64, threads: usize) -> (Vec<(u32, u32)>, Vec<RuleReport>) {
    let records = tables.first().map_or(0, |t| t.offsets.len() - 1);
    let budget = pairs_per_record.saturating_mul(records as u64).max(1000);
    let indexed: Vec<usize> = (0..rules.len()).collect();
    let chosen: Vec<Chosen> = crate::parallel::par_map(&indexed, threads, |&r| choose_blocks(&tables[r], &rules[r], split, budget));
    let per_rule: Vec<Vec<(u32, u32)>> = crate::parallel::par_map(&indexed, threads, |&r| {
        let (table, mine) = (&tables[r], &chosen[r]);
        let mut pairs = Vec::new();
        for (key, members) in &mine.blocks {
            let mut emit = |i: u32, j: u32| {
                // Once per rule (at the first key the two share) and not again after an earlier rule.
                if table.first_shared(i as usize, j as usize, &mine.skipped) == Some(*key)
                    && !tables[..r].iter().zip(&chosen[..r]).any(|(t, c)| t.share_compared(i as usize, j as usize, &c.skipped))
                {
                    pairs.push((i, j));
                }
            };
            match split {
                Some(n) => {
                    let cut = members.partition_point(|&i| (i as usize) < n);
                    for &i in &members[..cut] {
                        for &j in &members[cut..] {
                            emit(i, j);
                        }
                    }
                }
                None => {
                    for (a, &i) in members.iter().enumerate() {
                        for &j in &members[a + 1..] {
                            emit(i, j);
                        }
                    }
                }
            }
        }
        pairs
    });
    let reports = chosen.into_iter().zip(&per_rule).map(|(c, p)| RuleReport { pairs: p.len() as u64, ..c.report }).collect();
    (per_rule.concat(), reports)
}

fn choose_blocks(table: &KeyTable, rule: &Rule, split: Option<usize>, budget: u64) -> Chosen {
    let mut chosen = Chosen { blocks: Vec::new(), skipped: HashSet::default(), report: RuleReport { rule: rule.name, pairs: 0, skipped_blocks: 0, skipped_pairs: 0 } };
    let mut blocks: Vec<(u64, u64, Vec<u32>)> = table
        .blocks()
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(key, members)| {
            let block_pairs = match split {
                Some(n) => {
                    let left = members.iter().filter(|&&i| (i as usize) < n).count() as u64;
                    left * (members.len() as u64 - left)
                }
                None => members.len() as u64 * (members.len() as u64 - 1) / 2,
            };
            (block_pairs, key, members)
        })
        .filter(|(p, _, _)| *p > 0)
        .collect();
    // Smallest blocks first, so the budget cuts off the biggest.
    blocks.sort_unstable_by_key(|(p, k, _)| (*p, *k));
    let mut spent = 0u64;
    for (block_pairs, key, members) in blocks {
        if spent + block_pairs > budget {
            chosen.skipped.insert(key);
            chosen.report.skipped_blocks += 1;
            chosen.report.skipped_pairs += block_pairs;
        } else {
            spent += block_pairs;
            chosen.blocks.push((key, members));
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::RawRecord;

    fn n(surname: &str, initials: &str, postcode: &str, number: &str) -> Normalized {
        Normalized::of(&RawRecord::new("x").with(Role::Surname, surname).with(Role::Initials, initials).with(Role::Postcode, postcode).with(Role::HouseNumber, number))
    }

    #[test]
    fn each_pair_once_even_when_several_rules_find_it() {
        let rules = [RULES[1], RULES[2]];
        let records = vec![n("van den Berg", "J", "1234AB", "12"), n("Vandenberg", "J.", "1234 ab", "12a"), n("Berg", "P", "1234AB", "12")];
        let (pairs, reports) = candidates(&records, None, &rules, 1000);
        let mut sorted = pairs.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![(0, 1), (0, 2), (1, 2)]);
        assert_eq!(reports[0].pairs, 1, "surname+initial: 0 and 1 only");
        assert_eq!(reports[1].pairs, 2, "postcode+number adds (0,2) and (1,2)");
    }

    #[test]
    fn link_mode_pairs_only_across_sources_and_big_blocks_are_reported() {
        let records = vec![n("Jansen", "J", "", ""), n("Jansen", "J", "", ""), n("Jansen", "J", "", "")];
        let (pairs, _) = candidates(&records, Some(1), &[RULES[1]], 1000);
        assert_eq!(pairs, vec![(0, 1), (0, 2)]);
        let many: Vec<Normalized> = (0..1200).map(|i| n(if i % 2 == 0 { "Jansen" } else { "de Vries" }, if (i / 2) % 2 == 0 { "J" } else { "P" }, "", "")).collect();
        // Six blocks of 150 × 150 pairs ("de Vries" also keys as "vries") against a budget of
        // 1 pair per record (1,200): all too big, all reported.
        let (pairs, reports) = candidates(&many, Some(600), &[RULES[1]], 1);
        assert!(pairs.is_empty());
        assert_eq!((reports[0].skipped_blocks, reports[0].skipped_pairs), (6, 6 * 150 * 150));
        // With room for 20 pairs per record (24,000) one block fits.
        let (pairs, reports) = candidates(&many, Some(600), &[RULES[1]], 20);
        assert_eq!((pairs.len(), reports[0].skipped_blocks), (150 * 150, 5));
    }
}
