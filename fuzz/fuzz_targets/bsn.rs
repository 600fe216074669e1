//! domain::Bsn::parse: only nine digits passing the 11-check are accepted; the value re-parses
//! to itself; neither Debug nor an error message shows the digits.
#![no_main]

use domain::Bsn;
use eropaf_fuzz::{assert_clean_parse_error, assert_not_echoed, text};
use libfuzzer_sys::fuzz_target;

fn eleven_check(d: &[u8]) -> bool {
    let sum: i64 = d.iter().enumerate().map(|(i, b)| {
        let v = i64::from(b - b'0');
        if i == 8 { -v } else { v * (9 - i as i64) }
    }).sum();
    sum % 11 == 0
}

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    match Bsn::parse(&input) {
        Ok(bsn) => {
            let d = bsn.expose();
            assert_eq!(d.len(), 9, "{input:?} → {d:?}");
            assert!(d.bytes().all(|b| b.is_ascii_digit()), "{input:?} → {d:?}");
            assert_ne!(d, "000000000");
            assert!(eleven_check(d.as_bytes()), "{input:?} accepted but fails the 11-check");
            // The digits of the input, left-padded to nine, are the value: separators only.
            let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
            assert_eq!(format!("{digits:0>9}"), d, "{input:?}");
            assert_eq!(Bsn::parse(d).as_ref(), Ok(&bsn), "a BSN does not re-parse");
            assert_eq!(format!("{bsn:?}"), "Bsn(***)", "Debug shows the BSN");
        }
        Err(e) => {
            assert_clean_parse_error(&input, &e);
            // Whatever the input, an error never shows a run of its digits either.
            let digits: String = input.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 5 {
                for m in [&e.reason_nl, &e.reason_en] {
                    assert_not_echoed(&digits, m, "BSN digits");
                }
            }
        }
    }
});
