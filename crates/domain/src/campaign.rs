//! Going out: door-to-door campaigns (a result at each door, who is visited again in the next
//! wave, the coverage, entries too fast to be true), venues (vindplaatsen) and information
//! sessions (voorlichting). No IO; time is a parameter.

use crate::csv::{CsvError, Table};
use crate::model::value_list;
use crate::{HouseNumber, Postcode, RdPoint};
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

/// One address of a BAG-shaped file.
#[derive(Debug, Clone, PartialEq)]
pub struct BagAddress {
    pub street: String,
    pub number: HouseNumber,
    pub postcode: Postcode,
    pub city: String,
    pub point: RdPoint,
}

/// The columns of a BAG-shaped address file (`letter` and `addition` may be empty).
pub const BAG_COLUMNS: [&str; 8] = ["street", "number", "letter", "addition", "postcode", "city", "x", "y"];

/// Reads the rows of a BAG-shaped file: every bad field is named with its line, so the whole
/// file can be put right at once; nothing is returned unless every row is good.
pub fn bag_addresses(table: &Table) -> Result<Vec<BagAddress>, Vec<CsvError>> {
    let mut cols = [0usize; 8];
    let missing: Vec<&str> = BAG_COLUMNS.iter().copied().filter(|c| table.column(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(vec![CsvError { line: 1, message: format!("kolom ontbreekt: {} (nodig: {})", missing.join(", "), BAG_COLUMNS.join(",")) }]);
    }
    for (i, c) in BAG_COLUMNS.iter().enumerate() {
        cols[i] = table.column(c).unwrap_or_default();
    }
    if table.rows.is_empty() {
        return Err(vec![CsvError { line: 0, message: "het bestand heeft geen adressen".into() }]);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (line, row) in &table.rows {
        let get = |i: usize| row[cols[i]].trim();
        let mut bad = |field: &str, reason: String| errors.push(CsvError { line: *line, message: format!("veld {field}: {reason}") });
        let street = get(0);
        if street.is_empty() || street.chars().count() > 80 {
            bad("street", "vul de straatnaam in (hoogstens 80 tekens)".into());
        }
        let city = get(5);
        if city.is_empty() || city.chars().count() > 80 {
            bad("city", "vul de woonplaats in (hoogstens 80 tekens)".into());
        }
        let number = match get(1).parse::<u32>() {
            Ok(n) => {
                let letter = get(2);
                let letter_char = letter.chars().next();
                if letter.chars().count() > 1 {
                    bad("letter", format!("\"{letter}\" is geen huisletter (één letter)"));
                    None
                } else {
                    HouseNumber::new(n, letter_char, Some(get(3)).filter(|a| !a.is_empty())).map_err(|e| bad("number", e.reason_nl.to_string())).ok()
                }
            }
            Err(_) => {
                bad("number", format!("\"{}\" is geen huisnummer", get(1)));
                None
            }
        };
        let postcode = Postcode::parse(get(4)).map_err(|e| bad("postcode", e.reason_nl.to_string())).ok();
        let x = get(6).replace(',', ".").parse::<f64>().map_err(|_| bad("x", format!("\"{}\" is geen getal (RD-meters)", get(6)))).ok();
        let y = get(7).replace(',', ".").parse::<f64>().map_err(|_| bad("y", format!("\"{}\" is geen getal (RD-meters)", get(7)))).ok();
        let point = match (x, y) {
            (Some(x), Some(y)) => RdPoint::new(x, y).map_err(|e| bad("x", e.reason_nl.to_string())).ok(),
            _ => None,
        };
        if let (Some(number), Some(postcode), Some(point)) = (number, postcode, point) {
            if errors.last().is_some_and(|e| e.line == *line) {
                continue;
            }
            let key = format!("{}|{}", postcode.as_str(), number);
            if let Some(first) = seen.insert(key, *line) {
                errors.push(CsvError { line: *line, message: format!("dit adres staat ook op regel {first}") });
                continue;
            }
            out.push(BagAddress { street: street.to_string(), number, postcode, city: city.to_string(), point });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
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

    #[test]
    fn a_bag_file_is_read_whole_or_every_bad_field_is_named() {
        let good = crate::csv::parse(b"street,number,letter,addition,postcode,city,x,y\nDorpsstraat,12,a,,1234AB,Ons Dorp,155000,463000\nDorpsstraat,14,,2,1234 ab,Ons Dorp,155010.5,463000\n").unwrap();
        let rows = bag_addresses(&good).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].number.to_string(), "12A");
        assert_eq!(rows[1].number.addition.as_deref(), Some("2"));
        let bad = crate::csv::parse(b"street,number,letter,addition,postcode,city,x,y\nDorpsstraat,12,,,1234AB,Ons Dorp,155000,463000\nDorpsstraat,1x,,,1234AB,Ons Dorp,155000,463000\n,3,,,0234AB,Ons Dorp,12a,463000\nDorpsstraat,12,,,1234AB,Ons Dorp,155000,463000\n").unwrap();
        let errors = bag_addresses(&bad).unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(text.iter().any(|e| e.starts_with("regel 3: veld number")), "{text:?}");
        assert!(text.iter().any(|e| e.starts_with("regel 4: veld street")), "{text:?}");
        assert!(text.iter().any(|e| e.starts_with("regel 4: veld postcode")), "{text:?}");
        assert!(text.iter().any(|e| e.starts_with("regel 4: veld x")), "{text:?}");
        assert!(text.iter().any(|e| e.starts_with("regel 5: dit adres staat ook op regel 2")), "{text:?}");
        let missing = crate::csv::parse(b"street,number,postcode\nA,1,1234AB\n").unwrap();
        assert!(bag_addresses(&missing).unwrap_err()[0].message.contains("letter, addition, city, x, y"));
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
