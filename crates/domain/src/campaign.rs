//! Going out: door-to-door campaigns (a result at each door, who is visited again in the next
//! wave, the coverage, entries too fast to be true), venues (vindplaatsen) and information
//! sessions (voorlichting). No IO; time is a parameter.

use crate::model::value_list;
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
    if whole == 0 {
        0
    } else {
        ((part * 100 + whole / 2) / whole) as u32
    }
}

/// Whether a door belongs in the next wave: never reached so far (no result, or only not
/// home / inaccessible).
pub fn in_next_wave(results: &[DoorOutcome]) -> bool {
    results.iter().all(|o| o.visit_again())
}

#[cfg(test)]
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
