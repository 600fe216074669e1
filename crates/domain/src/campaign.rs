//! Going out: door-to-door campaigns (a result at each door, who is visited again in the next
//! wave, the coverage, entries too fast to be true), venues (vindplaatsen) and information
//! sessions (voorlichting). No IO; time is a parameter.

use crate::csv::{CsvError, Table};
use crate::model::value_list;
use crate::{AreaCode, HouseNumber, Postcode, RdPoint};
use std::collections::hash_map::{Entry, HashMap};
use time::{Duration, OffsetDateTime};

value_list!(
    /// What happened at a door.
    DoorOutcome {
        NotHome => ("niet-thuis", "Niet thuis", "Not home"),
        Talked => ("gesproken", "Gesproken", "Talked"),
        Refused => ("geweigerd", "Wil geen gesprek", "Refused"),
        Moved => ("verhuisd", "Verhuisd / leeg", "Moved / empty"),
        Inaccessible => ("ontoegankelijk", "Niet bereikbaar (portiek dicht)", "Inaccessible (entrance closed)"),
        LanguageBarrier => ("taalbarriere", "Taalbarrière", "Language barrier"),
        ComeBack => ("terugkomen", "Terugkomen op afgesproken tijd", "Come back at an agreed time"),
        SignalNoted => ("signaal", "Signaal opgemerkt", "Signal noted"),
    }
);

impl DoorOutcome {
    /// Someone opened the door and the worker spoke with them.
    pub fn contact(self) -> bool {
        matches!(self, DoorOutcome::Talked | DoorOutcome::Refused | DoorOutcome::LanguageBarrier | DoorOutcome::ComeBack | DoorOutcome::SignalNoted)
    }

    /// Nobody was reached, so the door goes into the next wave (at another day part).
    pub fn visit_again(self) -> bool {
        matches!(self, DoorOutcome::NotHome | DoorOutcome::Inaccessible)
    }
}

value_list!(
    /// Why a door in the campaign's area is left out.
    Exclusion {
        NoVisit => ("niet-bezoeken", "Wil niet bezocht worden", "Asked not to be visited"),
        Recent => ("recent-bezocht", "Kort geleden bezocht", "Visited recently"),
    }
);

value_list!(
    /// The kind of place where the team is present (vindplaats).
    VenueKind {
        Park => ("park", "Park", "Park"),
        Square => ("plein", "Plein", "Square"),
        School => ("school", "School", "School"),
        CommunityCentre => ("buurthuis", "Buurthuis / wijkcentrum", "Community centre"),
        Shop => ("winkel", "Winkel / markt", "Shop / market"),
        Worship => ("gebedshuis", "Kerk, moskee of tempel", "Place of worship"),
        Other => ("anders", "Anders", "Other"),
    }
);

/// More results than this within one minute, by one walker, cannot all be real visits.
pub const MAX_DOORS_PER_MINUTE: usize = 5;
/// More conversations than this within one minute cannot all be real.
pub const MAX_TALKS_PER_MINUTE: usize = 2;

/// Which of one walker's entries (sorted by time) lie in a minute with implausibly many: more
/// than [`MAX_DOORS_PER_MINUTE`] results, or more than [`MAX_TALKS_PER_MINUTE`] conversations.
/// Ringing five bells at a flat in a minute is plausible; ten, or three conversations, is not.
pub fn implausible(entries: &[(OffsetDateTime, DoorOutcome)]) -> Vec<bool> {
    let mut flagged = vec![false; entries.len()];
    let minute = Duration::seconds(60);
    let mut start = 0;
    for end in 0..entries.len() {
        while entries[end].0 - entries[start].0 >= minute {
            start += 1;
        }
        let window = &entries[start..=end];
        let talks = window.iter().filter(|(_, o)| o.contact()).count();
        if window.len() > MAX_DOORS_PER_MINUTE || talks > MAX_TALKS_PER_MINUTE {
            for f in &mut flagged[start..=end] {
                *f = true;
            }
        }
    }
    flagged
}

/// A campaign's reach so far.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Coverage {
    /// Doors in the area, excluded ones included.
    pub doors: usize,
    pub excluded: usize,
    /// Doors with at least one result.
    pub visited: usize,
    /// Doors where someone was spoken with.
    pub reached: usize,
    pub signals: usize,
    /// Doors still to visit: never visited, or not reached (not home, inaccessible).
    pub open: usize,
}

impl Coverage {
    /// From each door's results (in time order), excluded doors as `None`.
    pub fn of<'a>(doors: impl IntoIterator<Item = Option<&'a [DoorOutcome]>>) -> Coverage {
        let mut c = Coverage::default();
        for door in doors {
            c.doors += 1;
            let Some(results) = door else {
                c.excluded += 1;
                continue;
            };
            if !results.is_empty() {
                c.visited += 1;
            }
            if results.iter().any(|o| o.contact()) {
                c.reached += 1;
            }
            c.signals += results.iter().filter(|o| **o == DoorOutcome::SignalNoted).count();
            if in_next_wave(results) {
                c.open += 1;
            }
        }
        c
    }

    /// Doors spoken with per door visited, in whole percent.
    pub fn contact_rate(&self) -> u32 {
        percent(self.reached, self.visited)
    }

    /// Doors visited per door to visit (excluded ones left out), in whole percent.
    pub fn visited_rate(&self) -> u32 {
        percent(self.visited, self.doors - self.excluded)
    }
}

fn percent(part: usize, whole: usize) -> u32 {
    (part * 100 + whole / 2).checked_div(whole).map_or(0, |p| p as u32)
}

/// Whether a door belongs in the next wave: never reached so far (no result, or only not
/// home / inaccessible).
pub fn in_next_wave(results: &[DoorOutcome]) -> bool {
    results.iter().all(|o| o.visit_again())
}

/// One address of a BAG extract: a verblijfsobject with a woonfunctie.
#[derive(Debug, Clone, PartialEq)]
pub struct BagAddress {
    /// The line it was read from, so a refusal found later (a buurt outside the municipality)
    /// can name it.
    pub line: usize,
    pub street: String,
    pub number: HouseNumber,
    pub postcode: Postcode,
    pub city: String,
    pub point: RdPoint,
    pub buurt: AreaCode,
}

/// A BAG extract read whole.
#[derive(Debug, Clone, PartialEq)]
pub struct BagFile {
    pub addresses: Vec<BagAddress>,
    /// Rows without a woonfunctie: offices, shops, sheds.
    pub skipped: usize,
}

/// The columns of a BAG extract, by BAG's attribute names (`huisletter` and
/// `huisnummertoevoeging` may be empty; `gebruiksdoel` lists one or more).
pub const BAG_COLUMNS: [&str; 10] =
    ["openbareruimtenaam", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "woonplaatsnaam", "gebruiksdoel", "x", "y", "buurtcode"];

const STREET: usize = 0;
const NUMBER: usize = 1;
const LETTER: usize = 2;
const ADDITION: usize = 3;
const POSTCODE: usize = 4;
const CITY: usize = 5;
const USE: usize = 6;
const X: usize = 7;
const Y: usize = 8;
const BUURT: usize = 9;

/// Whether a BAG object's gebruiksdoelen (`woonfunctie,winkelfunctie`, `winkelfunctie|woonfunctie`,
/// `woonfunctie; kantoorfunctie`) include a woonfunctie: only a home gets a door in a campaign.
fn is_dwelling(uses: &str) -> bool {
    uses.split(|c: char| matches!(c, ',' | '|' | ';') || c.is_whitespace()).any(|u| u.eq_ignore_ascii_case("woonfunctie"))
}

/// Reads the rows of a BAG extract (header names in any letter case, other columns ignored):
/// every bad field is named with its line and column, so the whole file can be put right at
/// once; nothing is returned unless every row is good. Objects without a woonfunctie are
/// counted in `skipped`, not read.
pub fn bag_addresses(table: &Table) -> Result<BagFile, Vec<CsvError>> {
    let found = BAG_COLUMNS.map(|c| table.column_ignore_case(c));
    let missing: Vec<&str> = BAG_COLUMNS.iter().zip(&found).filter(|(_, f)| f.is_none()).map(|(c, _)| *c).collect();
    if !missing.is_empty() {
        return Err(vec![CsvError { line: 1, message: format!("kolom ontbreekt: {} (nodig: {})", missing.join(", "), BAG_COLUMNS.join(",")) }]);
    }
    let cols = found.map(Option::unwrap_or_default);
    // Errors name the column as the file spells it.
    let name = |i: usize| table.header[cols[i]].as_str();
    if table.rows.is_empty() {
        return Err(vec![CsvError { line: 0, message: "het bestand heeft geen adressen".into() }]);
    }
    let mut addresses = Vec::with_capacity(table.rows.len());
    let mut skipped = 0;
    let mut errors = Vec::new();
    let mut seen: HashMap<(Postcode, HouseNumber), usize> = HashMap::with_capacity(table.rows.len());
    for (line, row) in &table.rows {
        let get = |i: usize| row[cols[i]].trim();
        let before = errors.len();
        let mut bad = |i: usize, reason: String| errors.push(CsvError { line: *line, message: format!("veld {}: {reason}", name(i)) });
        let uses = get(USE);
        if uses.is_empty() {
            bad(USE, "leeg; de BAG geeft elk verblijfsobject minstens één gebruiksdoel, zoals woonfunctie".into());
            continue;
        }
        if !is_dwelling(uses) {
            skipped += 1;
            continue;
        }
        let street = get(STREET);
        if street.is_empty() || street.chars().count() > 80 {
            bad(STREET, "vul de straatnaam in (hoogstens 80 tekens)".into());
        }
        let city = get(CITY);
        if city.is_empty() || city.chars().count() > 80 {
            bad(CITY, "vul de woonplaats in (hoogstens 80 tekens)".into());
        }
        let number = match get(NUMBER).parse::<u32>() {
            Ok(n) => HouseNumber::new(n, None, None).map(|_| n).map_err(|e| bad(NUMBER, e.reason_nl)).ok(),
            Err(_) => {
                bad(NUMBER, format!("\"{}\" is geen huisnummer", get(NUMBER)));
                None
            }
        };
        let mut letter = get(LETTER).chars();
        let letter = match (letter.next(), letter.next()) {
            (None, _) => Some(None),
            (Some(c), None) if c.is_ascii_alphabetic() => Some(Some(c)),
            _ => {
                bad(LETTER, format!("\"{}\" is geen huisletter (één letter van A tot Z)", get(LETTER)));
                None
            }
        };
        let number = match (number, letter) {
            (Some(n), Some(letter)) => {
                let addition = Some(get(ADDITION)).filter(|a| !a.is_empty());
                HouseNumber::new(n, letter, addition).map_err(|e| bad(ADDITION, e.reason_nl)).ok()
            }
            _ => None,
        };
        let postcode = Postcode::parse(get(POSTCODE)).map_err(|e| bad(POSTCODE, e.reason_nl)).ok();
        let x = table.decimal(get(X)).ok_or_else(|| bad(X, format!("\"{}\" is geen getal (RD-meters)", get(X)))).ok();
        let y = table.decimal(get(Y)).ok_or_else(|| bad(Y, format!("\"{}\" is geen getal (RD-meters)", get(Y)))).ok();
        let point = match (x, y) {
            (Some(x), Some(y)) => RdPoint::new(x, y).map_err(|e| bad(if RdPoint::X_BOUNDS.contains(&x) { Y } else { X }, e.reason_nl)).ok(),
            _ => None,
        };
        let buurt = match AreaCode::parse(get(BUURT)) {
            Ok(b @ AreaCode::Buurt(_)) => Some(b),
            _ => {
                bad(BUURT, format!("\"{}\" is geen buurtcode (BU met 8 cijfers, zoals BU03440102)", get(BUURT)));
                None
            }
        };
        let (Some(number), Some(postcode), Some(point), Some(buurt)) = (number, postcode, point, buurt) else {
            continue;
        };
        if errors.len() > before {
            continue;
        }
        match seen.entry((postcode.clone(), number.clone())) {
            Entry::Occupied(first) => {
                errors.push(CsvError { line: *line, message: format!("dit adres staat ook op regel {}", first.get()) });
                continue;
            }
            Entry::Vacant(v) => v.insert(*line),
        };
        addresses.push(BagAddress { line: *line, street: street.to_string(), number, postcode, city: city.to_string(), point, buurt });
    }
    if errors.is_empty() && addresses.is_empty() {
        errors.push(CsvError { line: 0, message: format!("het bestand heeft geen adressen met een woonfunctie; {skipped} rijen zonder woonfunctie (kantoren, winkels, bergingen) zijn overgeslagen") });
    }
    if errors.is_empty() {
        Ok(BagFile { addresses, skipped })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn many_doors_or_talks_within_a_minute_are_flagged_and_a_steady_pace_is_not() {
        let t0 = datetime!(2026-11-20 14:00 UTC);
        let steady: Vec<_> = (0..20).map(|i| (t0 + Duration::seconds(40 * i), DoorOutcome::Talked)).collect();
        assert!(implausible(&steady).iter().all(|f| !f));
        // A flat: five bells in 50 seconds, nobody home: plausible.
        let flat: Vec<_> = (0..5).map(|i| (t0 + Duration::seconds(10 * i), DoorOutcome::NotHome)).collect();
        assert!(implausible(&flat).iter().all(|f| !f));
        // Eight entries in 35 seconds: all in the window are flagged, the later one is not.
        let mut burst: Vec<_> = (0..8).map(|i| (t0 + Duration::seconds(5 * i), DoorOutcome::NotHome)).collect();
        burst.push((t0 + Duration::minutes(10), DoorOutcome::Talked));
        let f = implausible(&burst);
        assert!(f[..8].iter().all(|f| *f));
        assert!(!f[8]);
        // Three conversations in one minute.
        let talks = vec![(t0, DoorOutcome::Talked), (t0 + Duration::seconds(20), DoorOutcome::Refused), (t0 + Duration::seconds(50), DoorOutcome::Talked)];
        assert_eq!(implausible(&talks), vec![true, true, true]);
        let spaced = vec![(t0, DoorOutcome::Talked), (t0 + Duration::seconds(30), DoorOutcome::Talked), (t0 + Duration::seconds(61), DoorOutcome::Talked)];
        assert_eq!(implausible(&spaced), vec![false, false, false]);
    }

    const BAG_HEADER: &str = "openbareruimtenaam,huisnummer,huisletter,huisnummertoevoeging,postcode,woonplaatsnaam,gebruiksdoel,x,y,buurtcode\n";

    fn bag(rows: &str) -> Result<BagFile, Vec<String>> {
        bag_addresses(&crate::csv::parse(format!("{BAG_HEADER}{rows}").as_bytes()).unwrap()).map_err(|e| e.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_bag_file_reads_homes_and_counts_the_rest() {
        let text = "Postcode;HUISNUMMER;huisletter;huisnummertoevoeging;Openbareruimtenaam;woonplaatsnaam;gebruiksdoel;x;y;buurtcode;identificatie\n\
                    1234AB;12;a;;Dorpsstraat;Ons Dorp;woonfunctie;155000;463000;BU03440102;0344010000012345\n\
                    1234 ab;14;;2;Dorpsstraat;Ons Dorp;WOONFUNCTIE,winkelfunctie;155010,5;463000,25;bu03440102;0344010000012346\n\
                    1234AB;16;;;Dorpsstraat;Ons Dorp;winkelfunctie|woonfunctie;155020;463000;BU03440102;0344010000012347\n\
                    1234AB;18;;;Dorpsstraat;Ons Dorp;woonfunctie; kantoorfunctie;155030;463000;BU03440102;0344010000012348\n";
        // The last row has one field too many unless `;` inside gebruiksdoel is quoted.
        assert!(crate::csv::parse(text.as_bytes()).is_err());
        let text = text.replace("woonfunctie; kantoorfunctie", "\"woonfunctie; kantoorfunctie\"");
        let table = crate::csv::parse(text.as_bytes()).unwrap();
        let file = bag_addresses(&table).unwrap();
        assert_eq!((file.addresses.len(), file.skipped), (4, 0));
        let a = &file.addresses[0];
        assert_eq!((a.line, a.street.as_str(), a.number.to_string(), a.postcode.as_str(), a.city.as_str()), (2, "Dorpsstraat", "12A".into(), "1234AB", "Ons Dorp"));
        assert_eq!(a.buurt, AreaCode::Buurt("03440102".into()));
        assert_eq!(file.addresses[1].number.addition.as_deref(), Some("2"));
        assert_eq!((file.addresses[1].point.x, file.addresses[1].point.y), (155_010.5, 463_000.25), "a decimal comma in a ; file");

        let offices = bag("Dorpsstraat,1,,,1234AB,Ons Dorp,woonfunctie,155000,463000,BU03440102\n\
                           Dorpsstraat,2,,,1234AB,Ons Dorp,kantoorfunctie,155000,463000,BU03440102\n\
                           ,x,yy,,0000,,\"winkelfunctie, kantoorfunctie\",?,?,?\n\
                           Schuur,3,,,1234AB,Ons Dorp,overige gebruiksfunctie,155000,463000,BU03440102\n\
                           Dorpsstraat,5,,,1234AB,Ons Dorp,woonfuncties,155000,463000,BU03440102\n")
        .unwrap();
        assert_eq!((offices.addresses.len(), offices.skipped), (1, 4), "a row without a woonfunctie is counted and not checked");
        assert_eq!(bag("A,1,,,1234AB,X,kantoorfunctie,1,1,x\n"), Err(vec!["het bestand heeft geen adressen met een woonfunctie; 1 rijen zonder woonfunctie (kantoren, winkels, bergingen) zijn overgeslagen".to_string()]));
    }

    #[test]
    fn every_bad_field_of_a_bag_row_is_named() {
        let errors = bag("Dorpsstraat,12,,,1234AB,Ons Dorp,woonfunctie,155000,463000,BU03440102\n\
                          Dorpsstraat,1x,ab,,1234AB,Ons Dorp,woonfunctie,155000,463000,BU03440102\n\
                          ,0,1,,0234AB,,woonfunctie,12a,463000,WK034401\n\
                          Dorpsstraat,3,,toolong,1234 SS,Ons Dorp,woonfunctie,-1,463000,BU0344010\n\
                          Dorpsstraat,4,,A,1234 SA,Ons Dorp,woonfunctie,155000,100,GM0344\n\
                          Dorpsstraat,5,,,1234 SD,Ons Dorp,woonfunctie,\"155000,5\",463000,\n\
                          Dorpsstraat,6,,,12 34AB,Ons Dorp,,155000,463000,BU03440102\n")
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.split(':').next().unwrap_or_default()).collect();
        let named = |line: usize, field: &str| errors.iter().any(|e| e.starts_with(&format!("regel {line}: veld {field}:")));
        for (line, field) in [
            (3, "huisnummer"),
            (3, "huisletter"),
            (4, "openbareruimtenaam"),
            (4, "woonplaatsnaam"),
            (4, "huisnummer"),
            (4, "huisletter"),
            (4, "postcode"),
            (4, "x"),
            (4, "buurtcode"),
            (5, "huisnummertoevoeging"),
            (5, "postcode"),
            (5, "x"),
            (5, "buurtcode"),
            (6, "huisnummertoevoeging"),
            (6, "postcode"),
            (6, "y"),
            (6, "buurtcode"),
            (7, "postcode"),
            (7, "x"),
            (7, "buurtcode"),
            (8, "gebruiksdoel"),
        ] {
            assert!(named(line, field), "line {line} field {field}: {errors:#?}");
        }
        assert_eq!(fields.len(), 21, "{errors:#?}");
        assert!(errors.iter().all(|e| !e.starts_with("regel 2")));
        assert!(errors.contains(&"regel 4: veld huisnummer: een huisnummer ligt tussen 1 en 99999".to_string()));
        assert!(errors.contains(&"regel 7: veld x: \"155000,5\" is geen getal (RD-meters)".to_string()), "no decimal comma in a , file");
        let missing = crate::csv::parse(b"openbareruimtenaam,huisnummer,postcode\nA,1,1234AB\n").unwrap();
        assert_eq!(
            bag_addresses(&missing).unwrap_err()[0].to_string(),
            "regel 1: kolom ontbreekt: huisletter, huisnummertoevoeging, woonplaatsnaam, gebruiksdoel, x, y, buurtcode \
             (nodig: openbareruimtenaam,huisnummer,huisletter,huisnummertoevoeging,postcode,woonplaatsnaam,gebruiksdoel,x,y,buurtcode)"
        );
    }

    #[test]
    fn the_same_address_twice_is_postcode_number_letter_and_addition() {
        let errors = bag("Dorpsstraat,12,,,1234AB,Ons Dorp,woonfunctie,155000,463000,BU03440102\n\
                          Dorpsstraat,12,A,,1234AB,Ons Dorp,woonfunctie,155000,463000,BU03440102\n\
                          Dorpsstraat,12,,2,1234AB,Ons Dorp,woonfunctie,155000,463000,BU03440102\n\
                          Dorpsstraat,12,a,2,1234AB,Ons Dorp,woonfunctie,155000,463000,BU03440102\n\
                          Dorpsstraat,12,,,1234AC,Ons Dorp,woonfunctie,155000,463000,BU03440102\n\
                          Dorpsstraat,12,a,,1234 ab,Ons Dorp,woonfunctie,155000,463000,BU03440102\n\
                          Dorpsstraat,12,,,1234AB,Ons Dorp,woonfunctie,155000,463000,BU03440102\n\
                          Dorpsstraat,12,,,1234AB,Ons Dorp,woonfunctie,155000,463000,BU03440102\n")
        .unwrap_err();
        assert_eq!(errors, ["regel 7: dit adres staat ook op regel 3", "regel 8: dit adres staat ook op regel 2", "regel 9: dit adres staat ook op regel 2"]);
    }

    #[test]
    fn the_bag_extract_of_eropafdam_reads_whole() {
        let table = crate::csv::parse(include_bytes!("../../../testdata/first-day/bag-adressen.csv")).unwrap();
        assert_eq!((table.delimiter, table.header[0].as_str()), (b';', "openbareruimtenaam"));
        let file = bag_addresses(&table).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((file.addresses.len(), file.skipped), (34, 6));
        let at = |line: usize| file.addresses.iter().find(|a| a.line == line);
        for line in [4, 5, 11, 19, 33, 37] {
            assert!(at(line).is_none(), "line {line} has no woonfunctie");
        }
        for line in [2, 3, 15, 22] {
            assert!(at(line).is_some(), "line {line} has a woonfunctie among others");
        }
        let number = |line: usize| at(line).map(|a| a.number.to_string());
        assert_eq!([number(6), number(7), number(9), number(10), number(24)], ["5A", "5B", "12-1", "12-2", "1-BIS"].map(|n| Some(n.to_string())));
        assert_eq!(at(12).map(|a| (a.point.x, a.point.y)), Some((155_105.5, 463_009.5)));
        assert_eq!(at(36).map(|a| (a.postcode.display(), a.buurt.code())), Some(("9992 GH".into(), "BU09990202".into())));
    }

    #[test]
    fn the_faulty_bag_extract_names_each_fault() {
        let table = crate::csv::parse(include_bytes!("../../../testdata/first-day/bag-adressen-fout.csv")).unwrap();
        let errors: Vec<String> = bag_addresses(&table).unwrap_err().iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "regel 4: veld postcode: een postcode begint niet met een 0",
                "regel 5: veld postcode: de letters SA, SD en SS komen in postcodes niet voor",
                "regel 6: veld huisnummer: een huisnummer ligt tussen 1 en 99999",
                "regel 10: dit adres staat ook op regel 3",
                "regel 11: veld buurtcode: \"WK099901\" is geen buurtcode (BU met 8 cijfers, zoals BU03440102)",
                "regel 12: veld x: \"155326.4 m\" is geen getal (RD-meters)",
            ]
        );
    }

    #[test]
    fn coverage_counts_doors_not_results() {
        use DoorOutcome::*;
        let a: &[DoorOutcome] = &[NotHome, Talked];
        let b: &[DoorOutcome] = &[NotHome, NotHome];
        let c: &[DoorOutcome] = &[SignalNoted];
        let d: &[DoorOutcome] = &[];
        let e: &[DoorOutcome] = &[Moved];
        let cov = Coverage::of([Some(a), Some(b), Some(c), Some(d), Some(e), None]);
        assert_eq!(cov, Coverage { doors: 6, excluded: 1, visited: 4, reached: 2, signals: 1, open: 2 });
        assert_eq!(cov.contact_rate(), 50);
        assert_eq!(cov.visited_rate(), 80);
        assert_eq!(Coverage::of([]).contact_rate(), 0);
        assert!(in_next_wave(b) && in_next_wave(d) && !in_next_wave(a) && !in_next_wave(e));
    }
}
