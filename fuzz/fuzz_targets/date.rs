//! domain::parse_date: accepted dates lie in 1850–2200 and both written forms of the result
//! (ISO and Dutch) parse back to the same date.
#![no_main]

use domain::parse_date;
use eropaf_fuzz::{assert_clean_parse_error, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    match parse_date(&input) {
        Ok(d) => {
            assert!((1850..=2200).contains(&d.year()), "{input:?} → {d}");
            let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
            for written in [
                format!("{y:04}-{m:02}-{day:02}"),
                format!("{day}-{m}-{y}"),
                format!("{day:02}-{m:02}-{y}"),
                format!("{day}/{m}/{y}"),
                format!("{day}.{m}.{y}"),
                format!(" {y}/{m}/{day} "),
            ] {
                assert_eq!(parse_date(&written), Ok(d), "{input:?} → {d}, but {written:?} does not parse back");
            }
            // The input's year is written with four digits (`01-01-26` is refused).
            assert!(input.contains(&format!("{y}")), "{input:?} → {d}");
        }
        Err(e) => assert_clean_parse_error(&input, &e),
    }
});
