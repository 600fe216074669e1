//! A signal as it comes in, before linking: what the partner (or worker) reported and about
//! whom. One vocabulary for every intake route: the DDAS column names of the monthly creditor
//! file (`signaaldatum`, `achternaam`, …) are also the field names of the JSON API and the
//! forms, so one parser checks them all and names the same field in every error.

use crate::address::{HouseNumber, Postcode};
use crate::bsn::Bsn;
use crate::date::parse_date;
use crate::error::ParseError;
use crate::model::{PartnerType, Sensitive, SignalKind};
use crate::name::split_prefix;
use time::Date;

/// The columns of a monthly creditor file, in this order (DDAS terms).
pub const FILE_COLUMNS: &[&str] = &[
    "signaalpartner_type",
    "signaalpartner_naam",
    "signaaldatum",
    "ontstaansdatum",
    "bedrag",
    "crisissignaal",
    "warme_overdracht",
    "bsn",
    "voorletters",
    "voornaam",
    "voorvoegsel",
    "achternaam",
    "geboortedatum",
    "straatnaam",
    "huisnummer",
    "huisletter",
    "huisnummertoevoeging",
    "postcode",
    "plaatsnaam",
    "telefoon",
    "email",
];

/// The longest free-text concern a partner may write.
pub const CONCERN_MAX_CHARS: usize = 2000;

/// The resident as reported. Spelling varies per partner; linking compares these fields with
/// the registry, so they are kept as reported, only checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reported {
    pub bsn: Option<Bsn>,
    pub initials: String,
    pub given_names: String,
    pub prefix: String,
    pub surname: String,
    pub birth_date: Option<Date>,
    pub street: String,
    pub house_number: Option<HouseNumber>,
    pub postcode: Option<Postcode>,
    pub locality: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Reported {
    /// "J. van den Berg": for lists, never for logs.
    pub fn name_line(&self) -> String {
        let first = if self.given_names.is_empty() { self.initials.as_str() } else { self.given_names.as_str() };
        [first, self.prefix.as_str(), self.surname.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ")
    }

    /// "Dorpsstraat 12a, 1234 AB Plaats"
    pub fn address_line(&self) -> String {
        let number = self.house_number.as_ref().map(ToString::to_string).unwrap_or_default();
        let postcode = self.postcode.as_ref().map(Postcode::display).unwrap_or_default();
        format!("{} {}, {} {}", self.street, number, postcode, self.locality).trim().to_string()
    }
}

/// A signal that passed every check, ready for linking.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSignal {
    pub kind: SignalKind,
    pub partner_type: PartnerType,
    /// The sending organisation as named in a file; API and forms know it from the login.
    pub partner_name: Option<String>,
    pub signal_date: Date,
    /// When the arrears began (DDAS `ontstaansdatum`).
    pub origin_date: Option<Date>,
    /// Whole euros; required for arrears.
    pub amount_eur: Option<i64>,
    pub crisis: bool,
    pub warm_handover: bool,
    /// Free text for a worry; required when the signal is not about arrears.
    pub concern: Option<String>,
    /// Special categories the signal touches (AVG art. 9 and 10): only the workers on the
    /// household's case and the team lead read it. A domestic-violence signal is one by its
    /// kind already.
    pub sensitive: Vec<Sensitive>,
    pub resident: Reported,
}

/// A field that failed its check, named as in the file or body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub reason_nl: String,
    pub reason_en: String,
}

impl FieldError {
    fn new(field: &str, nl: impl Into<String>, en: impl Into<String>) -> FieldError {
        FieldError { field: field.to_string(), reason_nl: nl.into(), reason_en: en.into() }
    }

    fn from_parse(field: &str, e: ParseError) -> FieldError {
        FieldError { field: field.to_string(), reason_nl: e.reason_nl, reason_en: e.reason_en }
    }
}

/// DDAS booleans as files write them.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "ja" | "j" | "true" | "1" | "waar" => Some(true),
        "nee" | "n" | "false" | "0" | "onwaar" | "" => Some(false),
        _ => None,
    }
}

/// Looks a partner type up by storage code, DDAS value ("CAK Zorgverzekeringen") or Dutch
/// label, case-insensitively.
pub fn parse_partner_type(s: &str) -> Option<PartnerType> {
    let s = s.trim();
    PartnerType::ALL.iter().copied().find(|p| {
        p.code().eq_ignore_ascii_case(s) || p.label_nl().eq_ignore_ascii_case(s) || (p.ddas() != "Overige" && p.ddas().eq_ignore_ascii_case(s))
    })
    .or_else(|| s.eq_ignore_ascii_case("overige").then_some(PartnerType::Overige))
}

/// Checks one signal given as named fields (`get(name)` is the raw text, `None` or empty when
/// absent). `kind` is arrears for a creditor file; forms and the API say it. Every problem is
/// returned, not only the first, so a row can be corrected in one go.
pub fn parse_signal(get: &dyn Fn(&str) -> Option<String>, partner_type: Option<PartnerType>, today: Date) -> Result<NewSignal, Vec<FieldError>> {
    let mut errors = Vec::new();
    // Control characters and bidirectional overrides go first (`crate::text`): the concern may
    // have lines, every other field is one line.
    let text = |name: &str| {
        get(name).map(|s| if name == "zorg" { crate::text::clean(&s) } else { crate::text::clean_line(&s) }.trim().to_string()).unwrap_or_default()
    };
    let opt = |name: &str| Some(text(name)).filter(|s| !s.is_empty());
    let mut date_field = |name: &str, required: bool, errors: &mut Vec<FieldError>| -> Option<Date> {
        match opt(name) {
            None if required => {
                errors.push(FieldError::new(name, "vul een datum in", "enter a date"));
                None
            }
            None => None,
            Some(s) => match parse_date(&s) {
                Ok(d) if d > today => {
                    errors.push(FieldError::new(name, "deze datum ligt in de toekomst", "this date lies in the future"));
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(FieldError::from_parse(name, e));
                    None
                }
            },
        }
    };

    let partner_type = match partner_type {
        Some(p) => p,
        None => match opt("signaalpartner_type").map(|s| parse_partner_type(&s)) {
            Some(Some(p)) => p,
            Some(None) => {
                errors.push(FieldError::new(
                    "signaalpartner_type",
                    "onbekend type signaalpartner; gebruik een waarde uit de DDAS-lijst, zoals Huur, Energie of Water",
                    "unknown signal partner type; use a value from the DDAS list, such as Huur, Energie or Water",
                ));
                PartnerType::Overige
            }
            None => {
                errors.push(FieldError::new("signaalpartner_type", "vul het type signaalpartner in", "enter the signal partner type"));
                PartnerType::Overige
            }
        },
    };
    let kind = match opt("soort") {
        None => SignalKind::Betalingsachterstand,
        Some(s) => SignalKind::from_code(&s.to_lowercase()).unwrap_or_else(|| {
            let codes: Vec<&str> = SignalKind::ALL.iter().map(|k| k.code()).collect();
            errors.push(FieldError::new(
                "soort",
                format!("onbekende soort signaal; kies uit {}", codes.join(", ")),
                format!("unknown kind of signal; choose from {}", codes.join(", ")),
            ));
            SignalKind::Zorgen
        }),
    };
    let signal_date = date_field("signaaldatum", true, &mut errors);
    let origin_date = date_field("ontstaansdatum", false, &mut errors);
    if let (Some(o), Some(s)) = (origin_date, signal_date) {
        if o > s {
            errors.push(FieldError::new("ontstaansdatum", "de achterstand kan niet na de signaaldatum ontstaan", "the arrears cannot begin after the signal date"));
        }
    }
    let amount_eur = match opt("bedrag") {
        None => None,
        Some(s) => {
            let cleaned = s.replace(['€', ' '], "");
            let whole = cleaned.split([',', '.']).next().unwrap_or("").to_string();
            let cents_ok = cleaned.split([',', '.']).nth(1).is_none_or(|c| c.len() <= 2 && c.bytes().all(|b| b.is_ascii_digit()));
            match whole.parse::<i64>() {
                Ok(n) if cents_ok && (1..=10_000_000).contains(&n) && cleaned.matches([',', '.']).count() <= 1 => Some(n),
                Ok(n) if cents_ok && n <= 0 => {
                    errors.push(FieldError::new("bedrag", "een bedrag is groter dan 0", "an amount is greater than 0"));
                    None
                }
                _ => {
                    errors.push(FieldError::new("bedrag", "schrijf het bedrag in hele euro's, zoals 450", "write the amount in whole euros, such as 450"));
                    None
                }
            }
        }
    };
    if kind == SignalKind::Betalingsachterstand && amount_eur.is_none() && !errors.iter().any(|e| e.field == "bedrag") {
        errors.push(FieldError::new("bedrag", "vul het bedrag van de achterstand in", "enter the amount in arrears"));
    }
    let mut flag = |name: &str| match parse_bool(&text(name)) {
        Some(b) => b,
        None => {
            errors.push(FieldError::new(name, "schrijf ja of nee (of true/false, 1/0)", "write ja or nee (or true/false, 1/0)"));
            false
        }
    };
    let crisis = flag("crisissignaal");
    let warm_handover = flag("warme_overdracht");
    let concern = opt("zorg");
    match &concern {
        Some(c) if c.chars().count() > CONCERN_MAX_CHARS => {
            errors.push(FieldError::new("zorg", format!("schrijf de zorg in hoogstens {CONCERN_MAX_CHARS} tekens"), format!("write the concern in at most {CONCERN_MAX_CHARS} characters")))
        }
        None if kind != SignalKind::Betalingsachterstand => {
            errors.push(FieldError::new("zorg", "beschrijf kort waar u zich zorgen over maakt", "describe briefly what worries you"))
        }
        _ => {}
    }

    let mut sensitive = Vec::new();
    for code in text("vertrouwelijk").split([',', ';']).map(str::trim).filter(|c| !c.is_empty() && !matches!(*c, "nee" | "geen")) {
        match Sensitive::from_code(&code.to_lowercase()) {
            Some(m) if !sensitive.contains(&m) => sensitive.push(m),
            Some(_) => {}
            None => {
                let codes: Vec<&str> = Sensitive::ALL.iter().map(|k| k.code()).collect();
                errors.push(FieldError::new(
                    "vertrouwelijk",
                    format!("onbekend vertrouwelijk onderwerp; kies uit {}", codes.join(", ")),
                    format!("unknown confidential subject; choose from {}", codes.join(", ")),
                ));
                break;
            }
        }
    }

    let resident = parse_resident(&text, &mut errors, &mut date_field);
    let partner_name = opt("signaalpartner_naam");
    if partner_name.as_deref().is_some_and(|n| n.chars().count() > 200) {
        errors.push(FieldError::new("signaalpartner_naam", "een naam is hoogstens 200 tekens", "a name is at most 200 characters"));
    }
    match signal_date {
        Some(signal_date) if errors.is_empty() => {
            Ok(NewSignal { kind, partner_type, partner_name, signal_date, origin_date, amount_eur, crisis, warm_handover, concern, sensitive, resident })
        }
        _ => Err(errors),
    }
}

/// Reads an optional (or required) date field, noting what is wrong.
type DateField<'a> = dyn FnMut(&str, bool, &mut Vec<FieldError>) -> Option<Date> + 'a;

fn parse_resident(text: &dyn Fn(&str) -> String, errors: &mut Vec<FieldError>, date_field: &mut DateField<'_>) -> Reported {
    let name_part = |field: &str, errors: &mut Vec<FieldError>| {
        let v = text(field).split_whitespace().collect::<Vec<_>>().join(" ");
        if v.chars().count() > 200 {
            errors.push(FieldError::new(field, "hoogstens 200 tekens", "at most 200 characters"));
        } else if v.chars().any(|c| c.is_control() || c.is_ascii_digit() || matches!(c, '<' | '>' | '"' | ';' | '@')) {
            errors.push(FieldError::new(
                field,
                "een naam bevat alleen letters, spaties, koppeltekens, punten en apostrofs",
                "a name holds only letters, spaces, hyphens, dots and apostrophes",
            ));
        }
        v
    };
    let initials = name_part("voorletters", errors);
    let given_names = name_part("voornaam", errors);
    let mut prefix = name_part("voorvoegsel", errors).to_lowercase();
    let mut surname = name_part("achternaam", errors);
    if prefix.is_empty() {
        (prefix, surname) = split_prefix(&surname);
    }
    if surname.is_empty() {
        errors.push(FieldError::new("achternaam", "vul een achternaam in", "enter a surname"));
    }
    let bsn = Some(text("bsn")).filter(|s| !s.is_empty()).and_then(|s| Bsn::parse(&s).map_err(|e| errors.push(FieldError::from_parse("bsn", e))).ok());
    let birth_date = date_field("geboortedatum", false, errors);

    let street = text("straatnaam");
    if street.chars().count() > 200 {
        errors.push(FieldError::new("straatnaam", "hoogstens 200 tekens", "at most 200 characters"));
    }
    let postcode = match text("postcode") {
        s if s.is_empty() => {
            errors.push(FieldError::new("postcode", "vul een postcode in, zoals 1234 AB", "enter a postcode, such as 1234 AB"));
            None
        }
        s => Postcode::parse(&s).map_err(|e| errors.push(FieldError::from_parse("postcode", e))).ok(),
    };
    let house_number = match text("huisnummer") {
        s if s.is_empty() => {
            errors.push(FieldError::new("huisnummer", "vul een huisnummer in", "enter a house number"));
            None
        }
        s => {
            let letter = text("huisletter");
            let addition = text("huisnummertoevoeging");
            let parsed = match s.parse::<u32>() {
                Ok(n) => {
                    let mut letters = letter.chars();
                    match (letters.next(), letters.next()) {
                        (l, None) => HouseNumber::new(n, l, Some(addition.as_str())),
                        _ => Err(ParseError::new("huisletter", "een huisletter is één letter van A tot Z", "a house letter is one letter from A to Z")),
                    }
                }
                // "12a" or "12-2" written in the number column.
                Err(_) if letter.is_empty() && addition.is_empty() => HouseNumber::parse(&s),
                Err(_) => Err(ParseError::new("huisnummer", "schrijf alleen het nummer; letter en toevoeging hebben een eigen kolom", "write the number only; letter and addition have their own columns")),
            };
            match parsed {
                Ok(h) => Some(h),
                Err(e) => {
                    let field = if e.what == "huisletter" { "huisletter" } else { "huisnummer" };
                    errors.push(FieldError::from_parse(field, e));
                    None
                }
            }
        }
    };
    let locality = text("plaatsnaam");
    let phone = Some(text("telefoon")).filter(|s| !s.is_empty());
    if let Some(p) = &phone {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        if !(9..=15).contains(&digits) || p.chars().any(|c| !(c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'))) {
            errors.push(FieldError::new("telefoon", "schrijf een telefoonnummer als 06-12345678 of +31 6 12345678", "write a phone number as 06-12345678 or +31 6 12345678"));
        }
    }
    let email = Some(text("email")).filter(|s| !s.is_empty());
    if let Some(e) = &email {
        let ok = e.len() <= 254 && !e.chars().any(char::is_whitespace) && e.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'));
        if !ok {
            errors.push(FieldError::new("email", "schrijf een e-mailadres als naam@voorbeeld.nl", "write an e-mail address as name@example.nl"));
        }
    }
    Reported { bsn, initials, given_names, prefix, surname, birth_date, street, house_number, postcode, locality, phone, email }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use time::macros::date;

    fn row(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn parse(m: &HashMap<String, String>) -> Result<NewSignal, Vec<FieldError>> {
        parse_signal(&|k| m.get(k).cloned(), None, date!(2026 - 11 - 28))
    }

    fn good() -> HashMap<String, String> {
        row(&[
            ("signaalpartner_type", "Huur"),
            ("signaalpartner_naam", "Woonstede"),
            ("signaaldatum", "2026-11-02"),
            ("ontstaansdatum", "01-09-2026"),
            ("bedrag", "1250"),
            ("crisissignaal", "nee"),
            ("warme_overdracht", "ja"),
            ("voorletters", "J.P."),
            ("achternaam", "van den Berg"),
            ("geboortedatum", "1961-04-03"),
            ("straatnaam", "Dorpsstraat"),
            ("huisnummer", "12"),
            ("huisletter", "a"),
            ("postcode", "1234ab"),
            ("plaatsnaam", "Eropaf"),
        ])
    }

    #[test]
    fn a_creditor_row_becomes_a_signal() {
        let s = parse(&good()).unwrap();
        assert_eq!(s.partner_type, PartnerType::Huur);
        assert_eq!(s.kind, SignalKind::Betalingsachterstand);
        assert_eq!(s.amount_eur, Some(1250));
        assert!(s.warm_handover && !s.crisis);
        assert_eq!(s.origin_date, Some(date!(2026 - 09 - 01)));
        assert_eq!((s.resident.prefix.as_str(), s.resident.surname.as_str()), ("van den", "Berg"));
        assert_eq!(s.resident.house_number.unwrap().to_string(), "12A");
        assert_eq!(s.resident.postcode.unwrap().as_str(), "1234AB");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut m = good();
        m.insert("signaalpartner_type".into(), "Bakker".into());
        m.insert("bedrag".into(), "veel".into());
        m.insert("crisissignaal".into(), "misschien".into());
        m.insert("geboortedatum".into(), "31-02-1961".into());
        m.insert("postcode".into(), "12345".into());
        m.insert("bsn".into(), "123456788".into());
        let fields: Vec<String> = parse(&m).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["signaalpartner_type", "bedrag", "crisissignaal", "bsn", "geboortedatum", "postcode"]);
    }

    #[test]
    fn a_signal_can_be_marked_confidential_by_subject() {
        let mut m = good();
        m.insert("vertrouwelijk".into(), "Verslaving, psychiatrie,verslaving".into());
        assert_eq!(parse(&m).unwrap().sensitive, [Sensitive::Verslaving, Sensitive::Psychiatrie]);
        m.insert("vertrouwelijk".into(), "nee".into());
        assert!(parse(&m).unwrap().sensitive.is_empty());
        m.insert("vertrouwelijk".into(), "geheim".into());
        let errors = parse(&m).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "vertrouwelijk");
        assert!(errors[0].reason_nl.contains("huiselijk-geweld"), "{}", errors[0].reason_nl);
    }

    #[test]
    fn arrears_need_an_amount_and_worries_a_concern() {
        let mut m = good();
        m.remove("bedrag");
        assert_eq!(parse(&m).unwrap_err()[0].field, "bedrag");
        m.insert("soort".into(), "eenzaamheid".into());
        assert_eq!(parse(&m).unwrap_err()[0].field, "zorg");
        m.insert("zorg".into(), "Meneer doet de deur niet meer open.".into());
        assert_eq!(parse(&m).unwrap().concern.as_deref(), Some("Meneer doet de deur niet meer open."));
    }

    #[test]
    fn control_and_bidirectional_characters_never_come_in() {
        let mut m = good();
        m.insert("soort".into(), "zorgen".into());
        m.insert("zorg".into(), "Deur\u{0} dicht\r\nbel \u{202E}terug\u{202C}".into());
        m.insert("achternaam".into(), "Jan\u{0}sen\u{2066}\n".into());
        let s = parse(&m).unwrap();
        assert_eq!(s.concern.as_deref(), Some("Deur dicht\nbel terug"), "the concern keeps its lines");
        assert_eq!(s.resident.surname, "Jansen");
    }

    #[test]
    fn dates_in_the_future_and_amounts_below_one_are_refused() {
        let mut m = good();
        m.insert("signaaldatum".into(), "2027-01-01".into());
        m.insert("bedrag".into(), "0".into());
        let fields: Vec<String> = parse(&m).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["signaaldatum", "bedrag"]);
        m.insert("signaaldatum".into(), "2026-11-01".into());
        m.insert("bedrag".into(), "€ 450,50".into());
        assert_eq!(parse(&m).unwrap().amount_eur, Some(450));
    }

    #[test]
    fn partner_types_by_code_label_or_ddas_value() {
        assert_eq!(parse_partner_type("CAK Zorgverzekeringen"), Some(PartnerType::CakZorgverzekeringen));
        assert_eq!(parse_partner_type("energie"), Some(PartnerType::Energie));
        assert_eq!(parse_partner_type("Woningcorporatie (huur)"), Some(PartnerType::Huur));
        assert_eq!(parse_partner_type("Overige"), Some(PartnerType::Overige));
        assert_eq!(parse_partner_type("bakker"), None);
    }
}
