//! domain::HouseNumber::parse and HouseNumber::new.
//!
//! The whole input is parsed as a written house number. When it has the shape
//! `NUMBER|LETTER|ADDITION` (LETTER empty or one character, ADDITION empty or text), it is also
//! given to `HouseNumber::new`, the constructor the store uses to rebuild a stored address from
//! its three columns.
//!
//! Invariants: an accepted value is within the BAG rules; `parse(value.to_string())` equals the
//! value; `new(number, letter, addition)` of a parsed value gives the same value back (that is how
//! it comes out of the database); `new` keeps the fields it was given (letter and addition upper
//! case) or refuses them, never turns them into another house number (`new(1, Some('1'), None)`
//! is not number 11).
#![no_main]

use domain::HouseNumber;
use eropaf_fuzz::{assert_clean_parse_error, fields, text};
use libfuzzer_sys::fuzz_target;

fn assert_valid(h: &HouseNumber, context: &str) {
    assert!((1..=99_999).contains(&h.number), "{context}: number {} out of range", h.number);
    if let Some(l) = h.letter {
        assert!(l.is_ascii_uppercase(), "{context}: letter {l:?}");
    }
    if let Some(a) = &h.addition {
        assert!((1..=4).contains(&a.len()), "{context}: addition {a:?}");
        assert!(a.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()), "{context}: addition {a:?}");
    }
    let written = h.to_string();
    assert_eq!(HouseNumber::parse(&written).as_ref(), Ok(h), "{context}: {h:?} is written {written:?}, which parses differently");
    assert_eq!(
        HouseNumber::new(h.number, h.letter, h.addition.as_deref()).as_ref(),
        Ok(h),
        "{context}: rebuilding {h:?} from its fields (as the store does) gives another value"
    );
}

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    match HouseNumber::parse(&input) {
        Ok(h) => assert_valid(&h, &format!("parse({input:?})")),
        Err(e) => assert_clean_parse_error(&input, &e),
    }

    let f = fields(&input, 3);
    if !input.contains('|') {
        return;
    }
    let Ok(number) = f[0].parse::<u32>() else { return };
    let mut letter_chars = f[1].chars();
    let letter = match (letter_chars.next(), letter_chars.next()) {
        (None, _) => None,
        (Some(c), None) => Some(c),
        _ => return,
    };
    let addition = if f[2].is_empty() { None } else { Some(f[2]) };
    let context = format!("new({number}, {letter:?}, {addition:?})");
    match HouseNumber::new(number, letter, addition) {
        Ok(h) => {
            assert_valid(&h, &context);
            // `new` keeps what it is given (upper case; whitespace around the addition and an
            // empty addition are ignored). An addition that is one letter, with no letter given,
            // may be refused or taken as the house letter (written `12-A`, that is how it reads
            // back), never kept as an addition.
            let letter_in = letter.map(|c| c.to_ascii_uppercase());
            let addition_in = addition.map(str::trim).filter(|a| !a.is_empty()).map(str::to_ascii_uppercase);
            let lone = addition_in.as_deref().filter(|a| a.len() == 1 && a.chars().all(|c| c.is_ascii_alphabetic()));
            let expected = match (letter_in, lone) {
                (None, Some(a)) => (number, a.chars().next(), None),
                _ => (number, letter_in, addition_in.clone()),
            };
            assert_eq!((h.number, h.letter, h.addition.clone()), expected, "{context} gave {h:?}");
        }
        Err(e) => assert_clean_parse_error(f[2], &e),
    }
});
