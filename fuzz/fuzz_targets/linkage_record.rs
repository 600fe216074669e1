//! linkage: any text in any role normalises without panicking, to lower-case ASCII; a record
//! compared with itself is never "different" on a field it has; comparing is symmetric; an
//! explanation's weights add up to its score.
#![no_main]

use eropaf_fuzz::text;
use libfuzzer_sys::fuzz_target;
use linkage::compare::{compare_all, NULL};
use linkage::{Field, Model, Normalized, RawRecord, Role, TermFrequencies};

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    // Split the input over the roles at '|' so one input fills several fields.
    let mut parts = input.split('|');
    let (mut a, mut b) = (RawRecord::new("a"), RawRecord::new("b"));
    for &role in Role::ALL {
        a.set(role, parts.next().unwrap_or(""));
    }
    for &role in Role::ALL {
        b.set(role, parts.next().unwrap_or(""));
    }
    let (x, y) = (Normalized::of(&a), Normalized::of(&b));
    for s in x.surname.iter().chain(&x.given).chain([&x.street, &x.locality, &x.birth_date, &x.phone]) {
        assert!(s.bytes().all(|c| c.is_ascii() && !c.is_ascii_uppercase()), "{input:?} → {s:?}");
    }
    let fields = Field::ALL.to_vec();
    let (mut xx, mut xy, mut yx) = (Vec::new(), Vec::new(), Vec::new());
    compare_all(&fields, &x, &x, &mut xx);
    compare_all(&fields, &x, &y, &mut xy);
    compare_all(&fields, &y, &x, &mut yx);
    assert_eq!(xy, yx, "{input:?}: comparing is not symmetric");
    for (f, level) in fields.iter().zip(&xx) {
        assert!(*level == NULL || usize::from(*level) + 1 < f.levels().len(), "{input:?}: {f:?} differs from itself ({level})");
    }
    let model = Model::initial(Role::ALL);
    let tf = TermFrequencies::build(&model.fields, &[x.clone(), y.clone()]);
    let e = model.explain(&x, &y, &tf);
    let sum: f64 = e.prior_weight + e.contributions.iter().map(|c| c.weight + c.tf_adjustment).sum::<f64>();
    assert!((sum - e.match_weight).abs() < 1e-9 && e.probability.is_finite(), "{input:?}");
});
