//! domain::Postcode::parse: what it accepts is a Dutch postcode, canonical `1234AB`, and every
//! form it prints parses back to the same value.
#![no_main]

use domain::Postcode;
use eropaf_fuzz::{assert_clean_parse_error, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    let parsed = Postcode::parse(&input);

    // Deserialising a JSON string goes through the same parser (serde try_from).
    let via_serde = serde_json::from_value::<Postcode>(serde_json::Value::String(input.clone()));
    assert_eq!(via_serde.ok(), parsed.clone().ok(), "serde and parse disagree on {input:?}");

    match parsed {
        Ok(p) => {
            let s = p.as_str();
            let b = s.as_bytes();
            assert_eq!(b.len(), 6, "canonical form of {input:?} is {s:?}");
            assert!(b[..4].iter().all(u8::is_ascii_digit) && b[0] != b'0', "{input:?} → {s:?}");
            assert!(b[4..].iter().all(u8::is_ascii_uppercase), "{input:?} → {s:?}");
            assert!(!matches!(&b[4..], b"SA" | b"SD" | b"SS"), "{input:?} → {s:?}");
            // Nothing but whitespace and letter case may differ between the input and the
            // canonical form: `1234ﬀ` or `1234ıı` are not postcodes.
            let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(compact.eq_ignore_ascii_case(s), "{input:?} accepted as {s:?}");

            assert_eq!(Postcode::parse(s).as_ref(), Ok(&p), "canonical form does not re-parse");
            assert_eq!(Postcode::parse(&p.display()).as_ref(), Ok(&p), "display form does not re-parse");
            assert_eq!(Postcode::parse(&s.to_ascii_lowercase()).as_ref(), Ok(&p));
            assert_eq!(p.display(), format!("{} {}", &s[..4], &s[4..]));
            assert_eq!(p.to_string(), p.display());
            assert_eq!(Some(u32::from(p.digits())), s[..4].parse::<u32>().ok());
            assert!((1000..=9999).contains(&p.digits()));
            let json = serde_json::to_string(&p).expect("a postcode serialises");
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<Postcode>(&json).ok().as_ref(), Some(&p));
        }
        Err(e) => assert_clean_parse_error(&input, &e),
    }
});
