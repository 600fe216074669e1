//! Linking decisions over a synthetic town of 65,000 residents (issue 4): who attaches by
//! itself, who goes to review and who is unknown. Pure logic (the model and the in-memory
//! index), so no database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use domain::address::HouseNumber;
use domain::model::{Address, Person};
use domain::signal::Reported;
use std::collections::HashSet;
use store::linking::{record_of, train_model, Decision, KnownPerson, LinkPolicy, Linker};
use time::macros::date;

fn reported(p: &Person, a: &Address) -> Reported {
    Reported {
        bsn: None,
        initials: p.name.initials.clone(),
        given_names: p.name.given_names.clone(),
        prefix: p.name.prefix.clone(),
        surname: p.name.surname.clone(),
        birth_date: Some(p.birth_date),
        street: a.street.clone(),
        house_number: Some(a.house_number.clone()),
        postcode: Some(a.postcode.clone()),
        locality: a.locality.clone(),
        phone: None,
        email: None,
    }
}

#[test]
fn a_resident_reported_at_another_number_in_their_street_goes_to_review() {
    // A town large enough that the prior (one in the population) is as strict as in a real
    // municipality: the bug this guards against only showed from some 50,000 residents up.
    let m = synth::generate(&synth::Config { households: 30_000, seed: 7, today: date!(2026 - 11 - 28) });
    let address_of = |p: &Person| {
        let h = &m.households[(p.household_id - 1) as usize];
        assert_eq!(h.id, p.household_id);
        &m.addresses[(h.address_id - 1) as usize]
    };
    let people = m
        .persons
        .iter()
        .map(|p| KnownPerson { person_id: p.id, household_id: p.household_id, bsn: None, record: record_of(&reported(p, address_of(p))) })
        .collect();
    let linker = Linker::build(train_model(), people, LinkPolicy::default());
    assert!(linker.len() > 50_000, "{}", linker.len());

    let numbers: HashSet<(&str, u32)> = m.addresses.iter().map(|a| (a.postcode.as_str(), a.house_number.number)).collect();
    let (mut checked, mut exact_automatic) = (0, 0);
    for p in m.persons.iter().step_by(97).take(300) {
        let a = address_of(p);
        // Exactly as registered: attaches by itself (or, for a twin-like housemate, review).
        match linker.decide(&reported(p, a)) {
            Decision::Automatic(found) => {
                assert_eq!(found.person_id, p.id);
                exact_automatic += 1;
            }
            Decision::Review(found) => assert!(found.iter().any(|c| c.person_id == p.id)),
            Decision::Unknown => panic!("person {} as registered is unknown", p.id),
        }
        // The same person at a house number the registry does not know, in their own street:
        // perhaps a move or a typo, so a person looks; never a new household, never automatic.
        let free = (a.house_number.number + 1..).find(|n| !numbers.contains(&(a.postcode.as_str(), *n))).unwrap();
        let moved = Reported { house_number: Some(HouseNumber { number: free, letter: None, addition: None }), ..reported(p, a) };
        match linker.decide(&moved) {
            Decision::Review(found) => {
                let right = found.iter().find(|c| c.person_id == p.id).unwrap_or_else(|| panic!("person {} not among the candidates", p.id));
                assert!(right.person_probability >= 0.95, "name and birth date alone are convincing: {}", right.person_probability);
            }
            other => panic!("person {} at another number: {other:?}", p.id),
        }
        checked += 1;
    }
    assert_eq!(checked, 300);
    assert!(exact_automatic >= 270, "most residents as registered attach by themselves: {exact_automatic} of 300");
}
