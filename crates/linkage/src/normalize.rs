//! Normalisation that knows Dutch: each rule turns the many ways partners write a value into one
//! comparable form. Everything here is lower-case ASCII afterwards.

use crate::role::{RawRecord, Role};
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// A record ready for comparison. Empty strings and empty lists mean "not known".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// Given names as words ("jan pieter" → ["jan", "pieter"]).
    pub given: Vec<String>,
    /// One letter per given name ("J.P." → "jp"), from the initials or the given names.
    pub initials: String,
    /// The forms the surname may take: the core without prefix, prefix and core merged, and
    /// for merged input the cores after peeling a prefix ("Vandenberg" → "vandenberg", "berg").
    /// The first form is the core.
    pub surname: Vec<String>,
    /// A hash of each surname form, parallel to `surname`: forms are compared by these first.
    pub(crate) surname_hashes: Vec<u64>,
    /// Birth date as eight digits YYYYMMDD.
    pub birth_date: String,
    pub street: String,
    pub house_number: Option<u32>,
    /// The house number as text, for blocking keys.
    house_number_text: String,
    /// The door: postcode (or street) with number and suffix, for the address's term frequency.
    address_key: String,
    /// Letter and addition together ("12-A" → "a", "12 hs" → "hs", "12-2" → "2").
    pub house_suffix: String,
    /// Without spaces, like the street and the locality ("munmurra park" = "munmurrapark").
    pub address_extra: String,
    /// Without spaces, upper-case ("1234 ab" → "1234AB").
    pub postcode: String,
    pub locality: String,
    pub region: String,
    /// National significant digits ("+31 6 1234 5678" → "612345678").
    pub phone: String,
    pub email: String,
    /// Nine digits.
    pub bsn: String,
    pub identifier: String,
}

impl Normalized {
    pub fn of(raw: &RawRecord) -> Normalized {
        let mut n = Normalized::default();
        let (mut given_raw, mut prefix_raw, mut surname_raw) =
            (raw.get(Role::GivenName).to_string(), raw.get(Role::SurnamePrefix).to_string(), raw.get(Role::Surname).to_string());
        let full = raw.get(Role::FullName);
        if !full.is_empty() && given_raw.is_empty() && surname_raw.is_empty() {
            let (g, p, s) = split_full_name(full);
            (given_raw, prefix_raw, surname_raw) = (g, p, s);
        }
        n.given = given_names(&given_raw);
        n.initials = initials(raw.get(Role::Initials));
        if n.initials.is_empty() {
            n.initials = initials(&given_raw);
        }
        n.surname = surname_forms(&prefix_raw, &surname_raw);
        n.surname_hashes = n.surname.iter().map(|f| hash_str(f)).collect();
        n.birth_date = birth_date(raw.get(Role::BirthDate));
        let mut street = raw.get(Role::Street).to_string();
        let mut house = [raw.get(Role::HouseNumber), raw.get(Role::HouseLetter), raw.get(Role::HouseNumberAddition)]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if raw.get(Role::HouseNumber).is_empty() {
            if let Some((s, h)) = split_street_and_number(&street) {
                street = s;
                house = if house.is_empty() { h } else { format!("{h} {house}") };
            }
        }
        n.street = street_name(&street);
        (n.house_number, n.house_suffix) = house_number(&house);
        n.house_number_text = n.house_number.map(|h| h.to_string()).unwrap_or_default();
        n.address_extra = words(raw.get(Role::AddressExtra)).replace(' ', "");
        n.postcode = postcode(raw.get(Role::Postcode));
        if let Some(number) = n.house_number {
            let place = if n.postcode.is_empty() { &n.street } else { &n.postcode };
            if !place.is_empty() {
                n.address_key = format!("{place}|{number}|{}", n.house_suffix);
            }
        }
        n.locality = words(raw.get(Role::Locality)).replace(' ', "");
        n.region = words(raw.get(Role::Region));
        n.phone = phone(raw.get(Role::Phone));
        n.email = raw.get(Role::Email).to_lowercase();
        n.bsn = bsn(raw.get(Role::Bsn));
        n.identifier = raw.get(Role::Identifier).chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        n
    }

    /// The first given name, or "" when only initials are known.
    pub fn first_given(&self) -> &str {
        self.given.first().map_or("", String::as_str)
    }

    pub fn address_key(&self) -> &str {
        &self.address_key
    }

    pub fn house_number_text(&self) -> &str {
        &self.house_number_text
    }

    pub fn surname_core(&self) -> &str {
        self.surname.first().map_or("", String::as_str)
    }
}

/// The hash of one value, as the term-frequency tables and surname forms use it: FxHash, since
/// they hash millions of short strings, where SipHash's protection against crafted collisions
/// buys nothing (the worst case is a slower run).
pub(crate) fn hash_str(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

/// Lower-case ASCII with diacritics dropped ("Çelik" → "celik", "Ðorđević" → "dordevic"),
/// the Dutch "ij" written as "y" (so "Dijk" and "Dyk" meet), and everything that is not a
/// letter, digit, space or one of `keep` turned into a space.
pub fn fold(s: &str, keep: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'j' if out.ends_with('i') => {
                out.pop();
                out.push('y');
            }
            'a'..='z' | '0'..='9' | ' ' => out.push(c),
            c if keep.contains(&c) => out.push(c),
            c => match deaccent(c) {
                Some(r) => out.push_str(r),
                None => out.push(' '),
            },
        }
    }
    out
}

fn deaccent(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'ç' | 'ć' | 'č' | 'ĉ' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' | 'ĝ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ĳ' => "y",
        'ķ' => "k",
        'ł' | 'ľ' | 'ļ' => "l",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'ŕ' | 'ř' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        _ => return None,
    })
}

/// Folded words separated by one space.
pub fn words(s: &str) -> String {
    fold(s, &[]).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn given_names(s: &str) -> Vec<String> {
    // A given-name field holding only initials ("J.P.") gives no names.
    if looks_like_initials(s) {
        return Vec::new();
    }
    fold(s, &[]).split_whitespace().filter(|w| w.len() > 1).map(str::to_string).collect()
}

fn looks_like_initials(s: &str) -> bool {
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    letters > 0 && (s.contains('.') && s.split('.').all(|p| p.trim().chars().count() <= 2) || (letters <= 3 && s.chars().all(|c| c.is_uppercase() || c.is_whitespace())))
}

/// "J.P." → "jp", "JP" → "jp", "J. P." → "jp", "Th." → "t" (a Dutch two-letter initial),
/// "Jan" → "j".
pub fn initials(s: &str) -> String {
    let mut out = String::new();
    for token in s.split(|c: char| c == '.' || c == '-' || c.is_whitespace()) {
        let letters: Vec<char> = token.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.is_empty() {
            continue;
        }
        let run_of_capitals = letters.len() > 1 && letters.len() <= 4 && letters.iter().all(|c| c.is_uppercase()) && !s.contains('.');
        let take: &[char] = if run_of_capitals { &letters } else { &letters[..1] };
        for &c in take {
            out.push_str(&fold(&c.to_string(), &[]));
        }
    }
    out.retain(|c| c.is_ascii_lowercase());
    out
}

/// The words that can stand before a Dutch surname, from the domain's list ("van", "der",
/// "'t", "v.d.", …), folded the way surnames are.
fn prefix_words() -> &'static [String] {
    static WORDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let mut w: Vec<String> = domain::name::SURNAME_PREFIXES
            .iter()
            .flat_map(|p| p.split(' '))
            .map(|p| fold(p, &['\'', '.', '/']))
            .chain(["v".to_string(), "vd".to_string(), "d".to_string()])
            .collect();
        w.sort();
        w.dedup();
        w
    })
}

/// Prefixes that partners glue onto the surname ("Vandenberg", "Devries"), longest first.
const GLUED_PREFIXES: &[&str] =
    &["vanden", "vander", "vande", "vanhet", "vant", "van", "der", "den", "de", "ter", "ten", "te", "op", "in", "uit", "la", "le"];

/// The forms of a surname (see [`Normalized::surname`]). The prefix may be in its own field,
/// typed into the surname ("van den Berg"), written after it ("Berg, van den"), abbreviated
/// ("v.d. Berg"), or glued on ("Vandenberg"). A double surname ("Jansen-de Vries") also
/// gives each part, so a partner that knows only one of them still meets the others.
pub fn surname_forms(prefix: &str, surname: &str) -> Vec<String> {
    let keep = ['\'', '.', '/', ',', '-'];
    let mut surname = fold(surname, &keep);
    let mut prefix = fold(prefix, &keep);
    if let Some((core, after)) = surname.split_once(',') {
        if prefix.trim().is_empty() {
            prefix = after.to_string();
        }
        surname = core.to_string();
    }
    let parts: Vec<&str> = surname.split('-').map(str::trim).filter(|p| !p.is_empty()).collect();
    let mut forms = Vec::new();
    let mut cores = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let mut words: Vec<&str> = part.split_whitespace().collect();
        let mut own_prefix: Vec<&str> = if i == 0 { prefix.split_whitespace().collect() } else { Vec::new() };
        while words.len() > 1 && is_prefix_word(words[0]) {
            own_prefix.push(words.remove(0));
        }
        let core = letters_only(&words.concat());
        if core.is_empty() {
            continue;
        }
        let merged = letters_only(&own_prefix.concat()) + &core;
        cores.push((core, merged));
    }
    if cores.is_empty() {
        return forms;
    }
    if cores.len() > 1 {
        // The whole double surname first, then each part.
        forms.push(cores.iter().map(|(c, _)| c.as_str()).collect::<String>());
    }
    for (core, merged) in &cores {
        forms.push(core.clone());
        forms.push(merged.clone());
        if core == merged {
            for glued in GLUED_PREFIXES {
                if let Some(rest) = core.strip_prefix(glued) {
                    if rest.len() >= 3 {
                        forms.push(rest.to_string());
                    }
                }
            }
        }
    }
    let mut unique: Vec<String> = Vec::with_capacity(forms.len());
    for f in forms {
        if !unique.contains(&f) {
            unique.push(f);
        }
    }
    unique
}

fn is_prefix_word(w: &str) -> bool {
    prefix_words().binary_search_by(|p| p.as_str().cmp(w)).is_ok()
}

fn letters_only(s: &str) -> String {
    s.chars().filter(char::is_ascii_lowercase).collect()
}

/// "Jan van den Berg" → ("Jan", "van den", "Berg"); "J. v.d. Berg" → ("J.", "v.d.", "Berg");
/// "Jan Berg" → ("Jan", "", "Berg").
pub fn split_full_name(full: &str) -> (String, String, String) {
    let tokens: Vec<&str> = full.split_whitespace().collect();
    if tokens.len() < 2 {
        return (String::new(), String::new(), full.to_string());
    }
    let first_prefix = (1..tokens.len() - 1).find(|&i| is_prefix_word(&fold(tokens[i], &['\'', '.', '/'])));
    let cut = first_prefix.unwrap_or(tokens.len() - 1);
    let mut end = cut;
    while end < tokens.len() - 1 && is_prefix_word(&fold(tokens[end], &['\'', '.', '/'])) {
        end += 1;
    }
    (tokens[..cut].join(" "), tokens[cut..end].join(" "), tokens[end..].join(" "))
}

/// Eight digits YYYYMMDD from "1980-03-12", "19800312", "12-03-1980", "12/3/1980",
/// "12.03.1980", and the American "03-25-1980" when the day cannot be a month. Unreadable
/// dates give "" (no evidence either way), never an error: partner data is dirty.
pub fn birth_date(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let parts: Vec<&str> = s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    let (y, m, d) = match parts.as_slice() {
        [one] if one.len() == 8 => {
            if one.starts_with("19") || one.starts_with("20") {
                (&one[..4], &one[4..6], &one[6..])
            } else {
                (&one[4..], &one[2..4], &one[..2])
            }
        }
        [a, b, c] if a.len() == 4 => (*a, *b, *c),
        [a, b, c] if c.len() == 4 => (*c, *b, *a),
        _ => return if digits.len() == 8 { digits } else { String::new() },
    };
    let (Ok(mut month), Ok(mut day)) = (m.parse::<u32>(), d.parse::<u32>()) else { return String::new() };
    if month > 12 && day <= 12 {
        std::mem::swap(&mut month, &mut day);
    }
    if y.len() != 4 || month > 99 || day > 99 {
        return String::new();
    }
    format!("{y}{month:02}{day:02}")
}

/// Street-name abbreviations as Dutch partners write them, at the end of a word; longer first.
const STREET_ENDINGS: &[(&str, &str)] =
    &[("sngl", "singel"), ("pln", "plein"), ("str", "straat"), ("ln", "laan"), ("wg", "weg"), ("pl", "plein"), ("gr", "gracht"), ("kd", "kade")];

/// "Dorpsstr." → "dorpsstraat", "Burg. de Vlugtln" → "burgdevlugtlaan", "Van Goghstraat" →
/// "vangoghstraat" (spaces dropped: "Van Gogh straat" and "Vangoghstraat" are one street).
pub fn street_name(s: &str) -> String {
    let folded = fold(s, &['.']);
    let tokens: Vec<String> = folded
        .split_whitespace()
        .map(|t| {
            let t = t.trim_end_matches('.').replace('.', "");
            match STREET_ENDINGS.iter().find(|(short, _)| t.ends_with(short)) {
                Some((short, long)) => format!("{}{long}", &t[..t.len() - short.len()]),
                None => t,
            }
        })
        .collect();
    tokens.concat()
}

/// "Dorpsstraat 12-A" → ("Dorpsstraat", "12-A"); a leading number ("1e Jacob van
/// Campenstraat") stays part of the street.
pub fn split_street_and_number(s: &str) -> Option<(String, String)> {
    let tokens: Vec<&str> = s.split_whitespace().collect();
    let at = (1..tokens.len()).find(|&i| tokens[i].starts_with(|c: char| c.is_ascii_digit()))?;
    Some((tokens[..at].join(" "), tokens[at..].join(" ")))
}

/// "12a", "12-A", "12 A" → (12, "a"); "12 hs" → (12, "hs"); "12 bis" → (12, "bis");
/// "12-2" → (12, "2"); "12A-3" → (12, "a3"). "huis" and "h" are written "hs".
pub fn house_number(s: &str) -> (Option<u32>, String) {
    let s = s.trim();
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let number = digits.parse::<u32>().ok();
    let rest = fold(&s[digits.len()..], &[]);
    let suffix: String = rest.split_whitespace().collect();
    let suffix = match suffix.as_str() {
        "h" | "huis" => "hs".to_string(),
        _ => suffix,
    };
    (number, suffix)
}

/// "1234 ab", "1234AB", " 1234-AB" → "1234AB"; foreign postcodes keep their letters and digits.
pub fn postcode(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// The national significant number: "06-12345678", "+31 6 1234 5678", "0031612345678" →
/// "612345678". Numbers shorter than seven digits are not telephone numbers.
pub fn phone(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("0031") {
        rest
    } else if s.trim_start().starts_with('+') {
        digits.strip_prefix("31").unwrap_or(&digits)
    } else {
        digits.strip_prefix('0').unwrap_or(&digits)
    };
    if national.len() < 7 {
        return String::new();
    }
    national.trim_start_matches('0').to_string()
}

/// Nine digits, with the leading zero that spreadsheets drop put back.
pub fn bsn(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 9 {
        return digits;
    }
    format!("{digits:0>9}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(prefix: &str, surname: &str) -> Vec<String> {
        surname_forms(prefix, surname)
    }

    fn meet(a: &[String], b: &[String]) -> bool {
        a.iter().any(|f| b.contains(f))
    }

    #[test]
    fn prefixes_separate_typed_in_after_abbreviated_or_glued_meet() {
        let base = forms("van den", "Berg");
        assert_eq!(base[0], "berg");
        for (p, s) in [("", "van den Berg"), ("", "Berg, van den"), ("", "v.d. Berg"), ("", "vd Berg"), ("", "Vandenberg"), ("", "Berg"), ("V.D.", "BERG")] {
            assert!(meet(&base, &forms(p, s)), "{p:?} {s:?} → {:?}", forms(p, s));
        }
        assert!(meet(&forms("de", "Vries"), &forms("", "Devries")));
        assert!(meet(&forms("", "'t Hart"), &forms("", "Hart")));
        assert!(meet(&forms("ter", "Steege"), &forms("", "Tersteege")));
        assert!(!meet(&forms("", "Dekker"), &forms("", "Bakker")));
        // A lone prefix-looking word is a surname ("Van" stays "van").
        assert_eq!(forms("", "Van"), vec!["van".to_string()]);
    }

    #[test]
    fn ij_and_y_and_diacritics_are_one() {
        assert!(meet(&forms("van", "Dijk"), &forms("", "van Dyk")));
        assert!(meet(&forms("", "Çelik"), &forms("", "Celik")));
        assert!(meet(&forms("", "Müller"), &forms("", "Muller")));
        assert_eq!(fold("IJsselmeer", &[]), "ysselmeer");
        assert_eq!(words("  Hoofdstraat   Noord "), "hoofdstraat noord");
    }

    #[test]
    fn double_surnames_give_each_part() {
        let double = forms("", "Jansen-de Vries");
        assert_eq!(double[0], "jansenvries");
        assert!(meet(&double, &forms("", "Jansen")));
        assert!(meet(&double, &forms("de", "Vries")));
        assert!(!meet(&double, &forms("", "Pietersen")));
    }

    #[test]
    fn initials_from_any_writing() {
        for (s, want) in [("J.P.", "jp"), ("JP", "jp"), ("J. P.", "jp"), ("j.p", "jp"), ("Th.", "t"), ("Jan", "j"), ("Jan-Willem", "jw"), ("", "")] {
            assert_eq!(initials(s), want, "{s:?}");
        }
        let raw = RawRecord::new("1").with(Role::GivenName, "Jan Pieter");
        assert_eq!(Normalized::of(&raw).initials, "jp");
        let only_initials = RawRecord::new("1").with(Role::GivenName, "J.P.");
        let n = Normalized::of(&only_initials);
        assert!(n.given.is_empty());
        assert_eq!(n.initials, "jp");
    }

    #[test]
    fn full_names_split_at_the_prefix() {
        assert_eq!(split_full_name("Jan van den Berg"), ("Jan".into(), "van den".into(), "Berg".into()));
        assert_eq!(split_full_name("J. v.d. Berg"), ("J.".into(), "v.d.".into(), "Berg".into()));
        assert_eq!(split_full_name("Jan Pieter Bakker"), ("Jan Pieter".into(), "".into(), "Bakker".into()));
        let n = Normalized::of(&RawRecord::new("1").with(Role::FullName, "Fatima el Amrani"));
        assert_eq!((n.first_given(), n.surname_core()), ("fatima", "amrani"));
    }

    #[test]
    fn dates_in_every_order_become_yyyymmdd() {
        for s in ["1980-03-12", "19800312", "12-03-1980", "12/3/1980", "12.03.1980", " 1980-3-12 "] {
            assert_eq!(birth_date(s), "19800312", "{s:?}");
        }
        // Month-first when the day cannot be a month.
        assert_eq!(birth_date("03-25-1980"), "19800325");
        assert_eq!(birth_date("onbekend"), "");
        assert_eq!(birth_date("12-03"), "");
    }

    #[test]
    fn house_numbers_with_letters_and_additions() {
        for (s, n, suffix) in [
            ("12a", 12, "a"),
            ("12-A", 12, "a"),
            ("12 A", 12, "a"),
            ("12 hs", 12, "hs"),
            ("12 huis", 12, "hs"),
            ("12 bis", 12, "bis"),
            ("12-2", 12, "2"),
            ("12A-3", 12, "a3"),
            ("12", 12, ""),
        ] {
            assert_eq!(house_number(s), (Some(n), suffix.to_string()), "{s:?}");
        }
        assert_eq!(house_number(""), (None, String::new()));
    }

    #[test]
    fn street_with_number_in_one_field() {
        let raw = RawRecord::new("1").with(Role::Street, "Dorpsstr 12-A");
        let n = Normalized::of(&raw);
        assert_eq!((n.street.as_str(), n.house_number, n.house_suffix.as_str()), ("dorpsstraat", Some(12), "a"));
        let separate = RawRecord::new("2").with(Role::Street, "Dorpsstraat").with(Role::HouseNumber, "12").with(Role::HouseLetter, "a");
        let m = Normalized::of(&separate);
        assert_eq!((m.street.as_str(), m.house_number, m.house_suffix.as_str()), ("dorpsstraat", Some(12), "a"));
        assert_eq!(split_street_and_number("1e Jacob van Campenstraat 4"), Some(("1e Jacob van Campenstraat".into(), "4".into())));
    }

    #[test]
    fn street_abbreviations_and_spaces() {
        assert_eq!(street_name("Dorpsstr."), "dorpsstraat");
        assert_eq!(street_name("Stationsln"), "stationslaan");
        assert_eq!(street_name("Van Gogh straat"), "vangoghstraat");
        assert_eq!(street_name("Vangoghstraat"), "vangoghstraat");
        assert_eq!(street_name("Kerkpl"), "kerkplein");
        assert_eq!(street_name("Burgwal"), "burgwal");
    }

    #[test]
    fn postcodes_phones_and_bsns() {
        for s in ["1234 ab", "1234AB", " 1234-AB"] {
            assert_eq!(postcode(s), "1234AB");
        }
        for s in ["06-12345678", "+31 6 1234 5678", "0031612345678", "0612345678", "+31 (0)6 12345678"] {
            assert_eq!(phone(s), "612345678", "{s:?}");
        }
        assert_eq!(phone("112"), "");
        assert_eq!(bsn("12345672"), "012345672");
    }
}
