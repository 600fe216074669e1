//! Invariants shared by the fuzz targets. A target must check what a parser promises, not only
//! that it does not panic: accepted values re-parse to themselves, and messages never repeat
//! the rejected input (they are logged and shown, and the input may be a BSN or a name).

use domain::ParseError;

/// Panics when `message` repeats `input` (trimmed, or with its whitespace collapsed).
///
/// A plain `message.contains(input)` is useless under libFuzzer: it traces that comparison and
/// soon feeds in a piece of the fixed message itself ("bestaat uit negen cijfer"). So a needle
/// made only of characters that the message is written in counts as a possible coincidence and is
/// skipped; a needle with any other character can only be in the message if the message was built
/// from the input. A message that echoes input does so for every input, and the fuzzer produces
/// inputs with foreign characters (`#`, `{`, control characters, `Ä`) all the time, so a leak is
/// still found at once, with no false alarm.
pub fn assert_not_echoed(input: &str, message: &str, context: &str) {
    let trimmed = input.trim();
    let collapsed = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [trimmed, collapsed.as_str()] {
        if needle.chars().count() < 2 || needle.chars().all(|c| message.contains(c)) {
            continue;
        }
        assert!(
            !message.contains(needle),
            "{context}: the message repeats the input\n  input:   {input:?}\n  message: {message:?}"
        );
    }
}

/// A parser's error: names what was wrong, in both languages, without repeating the input.
pub fn assert_clean_parse_error(input: &str, e: &ParseError) {
    assert!(!e.what.is_empty(), "ParseError.what is empty for {input:?}");
    assert!(!e.reason_nl.trim().is_empty(), "ParseError.reason_nl is empty for {input:?}");
    assert!(!e.reason_en.trim().is_empty(), "ParseError.reason_en is empty for {input:?}");
    assert_eq!(e.to_string(), format!("{}: {}", e.what, e.reason_en));
    for message in [e.reason_nl.as_str(), e.reason_en.as_str(), &e.to_string()] {
        assert_not_echoed(input, message, e.what);
    }
}

/// The fuzz input as text: invalid UTF-8 becomes U+FFFD, so every input exercises the parser.
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `a|b|c` → exactly `n` fields; missing ones are empty, the last one keeps any further `|`.
pub fn fields(input: &str, n: usize) -> Vec<&str> {
    let mut parts: Vec<&str> = input.splitn(n, '|').collect();
    parts.resize(n, "");
    parts
}

/// How the form code normalises free text: whitespace runs become one space, ends trimmed.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
