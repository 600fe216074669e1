//! Free text as residents' files keep it: what a worker, a partner or a file types, with the
//! characters that have no business in a note taken out, and the rule for a stated reason.
//!
//! [`clean`] (a note of several lines) and [`clean_line`] (one line: a name, a place) remove
//! * control characters (Unicode category Cc: U+0000 NUL to U+001F, U+007F DEL, U+0080 to
//!   U+009F), except that [`clean`] keeps the tab and the line feed and reads a carriage return
//!   (`\r\n` or alone) as one line feed; [`clean_line`] turns tab and line breaks into a space;
//! * the bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069),
//!   which make text display in another order than it is stored (U+202E shows "exe.txt" for
//!   "txt.exe"). The marks U+200E, U+200F and U+061C stay: Arabic and Hebrew text needs them and
//!   they reorder nothing beyond themselves;
//! * U+FEFF (a byte-order mark inside text) and the line and paragraph separators U+2028 and
//!   U+2029, which [`clean`] reads as a line feed and [`clean_line`] as a space.
//!
//! PostgreSQL refuses NUL in text, so without this a NUL in a note is a server error there and a
//! stored NUL on SQLite. Nothing else changes: letters, digits, punctuation, emoji (with their
//! zero-width joiners) and spaces stay as typed; trimming is the caller's.

/// The bidirectional formatting characters that reorder text: LRE, RLE, PDF, LRO, RLO and
/// LRI, RLI, FSI, PDI.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character [`clean`] and [`clean_line`] take out whatever the context.
fn is_dropped(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || is_bidi_control(c) || c == '\u{FEFF}'
}

/// A note of one or more lines, without control characters (tab and line feed kept; a carriage
/// return is a line feed) and without bidirectional overrides and isolates.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{2028}' | '\u{2029}' => out.push('\n'),
            c if is_dropped(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// One line (a name, a place, an organisation): as [`clean`], with tab and line breaks as one
/// space each.
pub fn clean_line(text: &str) -> String {
    clean(text).chars().map(|c| if matches!(c, '\t' | '\n') { ' ' } else { c }).collect()
}

/// An optional note as a file keeps it: [`clean`], trimmed, and none when blank.
pub fn clean_note(text: Option<&str>) -> Option<String> {
    text.map(|t| clean(t).trim().to_string()).filter(|t| !t.is_empty())
}

/// An optional line as a file keeps it: [`clean_line`], trimmed, and none when blank.
pub fn clean_line_opt(text: Option<&str>) -> Option<String> {
    text.map(|t| clean_line(t).trim().to_string()).filter(|t| !t.is_empty())
}

/// Whether a stated reason reads as one: at least three different words of two or more
/// letters, each more than one letter repeated. "aaaaaaaaaaaaaaaaaaaa", "a a a a a a",
/// "nodig nodig nodig" and "x1 y2 z3 !!!!" are no reason; "acute zorg: rook uit de woning" is.
/// Letters are Unicode letters (`ë`, `ï` count); a word is a run of them.
pub fn reads_as_reason(text: &str) -> bool {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .filter(|w| w.chars().any(|c| !w.starts_with(c)))
        .collect();
    words.sort_unstable();
    words.dedup();
    words.len() >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_controls_and_bidi_overrides_go_lines_and_tabs_stay() {
        assert_eq!(clean("eerste\u{0}regel\n\ttweede"), "eersteregel\n\ttweede");
        assert_eq!(clean("bel \u{202E}txt.exe\u{202C} terug"), "bel txt.exe terug", "RLO and PDF");
        assert_eq!(clean("\u{2066}\u{2067}\u{2068}a\u{2069}\u{202A}\u{202B}\u{202D}"), "a", "isolates and embeddings");
        assert_eq!(clean("a\u{7}\u{1b}[31mb\u{7f}c\u{85}d\u{9f}"), "a[31mbcd", "BEL, ESC, DEL and C1 controls");
        assert_eq!(clean("regel\r\nregel\rregel\u{2028}regel\u{2029}"), "regel\nregel\nregel\nregel\n", "every line break is a line feed");
        assert_eq!(clean("\u{FEFF}bom"), "bom");
    }

    #[test]
    fn ordinary_text_is_kept_as_typed() {
        for s in [
            "Mevrouw Ĳsselmeer-Çelik (zus) — belt dinsdag om 14:00, €50 achterstand!",
            "مرحبا \u{200F}بالعالم\u{200E} and שלום",
            "👨\u{200D}👩\u{200D}👧 gezin; zero\u{200B}width",
            "  spaties blijven  ",
            "",
        ] {
            assert_eq!(clean(s), s);
            assert_eq!(clean_line(s), s);
        }
    }

    #[test]
    fn one_line_turns_breaks_and_tabs_into_spaces() {
        assert_eq!(clean_line("Jan\tde\r\nVries\u{0}\u{202E}"), "Jan de Vries");
        assert_eq!(clean_note(Some(" a\u{0}\nb\u{202E} ")), Some("a\nb".to_string()));
        assert_eq!(clean_line_opt(Some(" a\u{0}\nb ")), Some("a b".to_string()));
        assert_eq!(clean_note(Some(" \u{0}\u{202E}\n ")), None, "nothing left is none");
        assert_eq!(clean_note(None), None);
    }

    #[test]
    fn nothing_it_drops_survives_any_input() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        for out in [clean(&all), clean_line(&all)] {
            assert!(!out.chars().any(|c| is_bidi_control(c) || c == '\u{FEFF}' || (c.is_control() && !matches!(c, '\t' | '\n'))));
            assert!(!out.contains('\r'));
        }
        assert!(!clean_line(&all).contains(['\t', '\n']));
        assert_eq!(clean(&clean(&all)), clean(&all), "cleaning twice changes nothing");
    }

    #[test]
    fn a_reason_reads_as_one() {
        for no in ["", "aaaaaaaaaaaaaaaaaaaa", "a a a a a a a a a a", "aa aa aa aa aa aa", "nodig nodig nodig nodig", "x1 y2 z3 !!!!!!!!!!", "even kijken", "zzz zzz  qq"] {
            assert!(!reads_as_reason(no), "{no:?}");
        }
        for yes in ["acute zorg: buren melden rook uit de woning", "crisis: bewoner belt suïcidaal", "Ik zoek de zus op", "ÉÉN twee drie"] {
            assert!(reads_as_reason(yes), "{yes:?}");
        }
    }
}
