//! Room for professionals (seed §3.3): the team's reflection (intervisie). A worker brings a
//! dilemma from practice to the team; the team records what it weighed and what it concluded;
//! the list per team and quarter shows what the team learned.
//!
//! Nothing in it is personal data, and the store holds it to that:
//! * a reflection names no household, resident or worker: the table has no such column, and the
//!   household a worker may start from is used only to check the text and is not stored with it;
//! * when the worker starts from a household, every text is checked against the given names and
//!   surnames of that household's residents (whole words, without regard to case or accents) and
//!   refused if it holds one, naming the field, never the name; the check reads the names inside
//!   the team's need-to-know (`Scoped::household`) and is recorded on that household's trail
//!   ("namen gecontroleerd"), without the reflection;
//! * every text is refused when it holds what identifies someone anyway: a postcode, a run of
//!   six or more digits (a BSN, a phone or case number) or an e-mail address.
//!
//! Workers and team leads of a team read and write their own team's reflections only; another
//! team's reflection does not exist for them. Bringing in and concluding are team acts in the
//! audit trail (ids and the quarter, no text).

use crate::kernel::area;
use crate::kernel::audit::{self, AuditEvent, Entry};
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use domain::model::{Id, Role};
use time::{Date, OffsetDateTime};

/// The longest dilemma, question, weighing or conclusion.
pub const TEXT_MAX_CHARS: usize = 2000;

/// A quarter of a year in Dutch time: "2026 K4" on screen, "2026-K4" stored and in links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u8,
}

impl Quarter {
    pub fn of(date: Date) -> Quarter {
        Quarter { year: date.year(), quarter: (u8::from(date.month()) - 1) / 3 + 1 }
    }

    /// The quarter of an instant in Dutch time (New Year's Eve at 23:30 is still Q4).
    pub fn at(now: OffsetDateTime) -> Quarter {
        Quarter::of(domain::local::dutch(now).date())
    }

    pub fn code(self) -> String {
        format!("{}-K{}", self.year, self.quarter)
    }

    pub fn label(self) -> String {
        format!("{} K{}", self.year, self.quarter)
    }

    /// "2026-K4", "2026 K4" or "2026k4".
    pub fn parse(s: &str) -> Option<Quarter> {
        let s = s.trim().to_ascii_uppercase();
        let (year, q) = s.split_once('K')?;
        let year: i32 = year.trim().trim_end_matches('-').trim().parse().ok()?;
        let quarter: u8 = q.trim().parse().ok()?;
        ((2000..=2100).contains(&year) && (1..=4).contains(&quarter)).then_some(Quarter { year, quarter })
    }

    pub fn previous(self) -> Quarter {
        if self.quarter == 1 { Quarter { year: self.year - 1, quarter: 4 } } else { Quarter { year: self.year, quarter: self.quarter - 1 } }
    }
}

/// What a dilemma is about, so the quarter's list reads by theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Theme {
    HelpAndControl,
    Privacy,
    Safety,
    OwnRole,
    Partners,
    Other,
}

impl Theme {
    pub const ALL: &'static [Theme] = &[Theme::HelpAndControl, Theme::Privacy, Theme::Safety, Theme::OwnRole, Theme::Partners, Theme::Other];

    pub fn code(self) -> &'static str {
        match self {
            Theme::HelpAndControl => "hulp-en-controle",
            Theme::Privacy => "privacy",
            Theme::Safety => "veiligheid",
            Theme::OwnRole => "eigen-rol",
            Theme::Partners => "partners",
            Theme::Other => "anders",
        }
    }

    pub fn label(self, dutch: bool) -> &'static str {
        let (nl, en) = match self {
            Theme::HelpAndControl => ("Hulp en controle", "Help and control"),
            Theme::Privacy => ("Privacy en informatie delen", "Privacy and sharing information"),
            Theme::Safety => ("Veiligheid", "Safety"),
            Theme::OwnRole => ("Grenzen van de eigen rol", "Limits of one's own role"),
            Theme::Partners => ("Samenwerking met partners", "Working with partners"),
            Theme::Other => ("Anders", "Other"),
        };
        if dutch { nl } else { en }
    }

    pub fn from_code(code: &str) -> Option<Theme> {
        Theme::ALL.iter().copied().find(|t| t.code() == code)
    }
}

/// A dilemma as the worker brings it in.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDilemma {
    pub theme: Theme,
    /// The situation and the dilemma in it, without names.
    pub dilemma: String,
    /// What the worker asks the team.
    pub question: String,
    /// The household the worker starts from, if any: its residents' names are checked against
    /// the text, and it is not stored.
    pub household_id: Option<Id>,
}

/// One reflection as the team's list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reflection {
    pub id: Id,
    pub quarter: Quarter,
    pub brought_on: Date,
    pub theme: Theme,
    pub dilemma: String,
    pub question: String,
    pub weighed: Option<String>,
    pub concluded: Option<String>,
    pub concluded_on: Option<Date>,
}

impl Reflection {
    pub fn is_concluded(&self) -> bool {
        self.concluded.is_some()
    }
}

// ---------------------------------------------------------------------------------------------
// The checks on the text.

/// The words of a text for comparing with names: folded (lower case, accents dropped, "ij" as
/// "y") and, for scripts folding drops, as typed in lower case.
fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = linkage::normalize::fold(text, &[]).split_whitespace().map(String::from).collect();
    out.extend(text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase));
    out
}

/// The name words worth checking: at least two letters, and not a surname prefix ("van", "de"),
/// which would refuse every Dutch sentence.
fn name_words(names: &[String]) -> Vec<String> {
    let prefixes: Vec<&str> = domain::name::SURNAME_PREFIXES.iter().copied().filter(|p| !p.contains(' ')).collect();
    let mut out: Vec<String> = names.iter().flat_map(|n| words(n)).filter(|w| w.chars().count() >= 2 && !prefixes.contains(&w.as_str())).collect();
    out.sort();
    out.dedup();
    out
}

/// Whether `text` holds one of the name words as a whole word.
pub fn holds_a_name(text: &str, names: &[String]) -> bool {
    let wanted = name_words(names);
    words(text).iter().any(|w| wanted.binary_search(w).is_ok())
}

/// Whether `text` holds what identifies someone whatever the household: a postcode ("1234 AB",
/// "1234AB"), six or more digits in a row (spaces and dashes inside allowed), an e-mail address.
pub fn holds_an_identifier(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    // Runs of digits, allowing one space or dash between digits.
    let mut run = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else if !(matches!(c, ' ' | '-') && run > 0 && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            run = 0;
        }
        i += 1;
    }
    // A postcode: four digits (not part of a longer number), an optional space, two letters
    // that end the word.
    for start in 0..chars.len() {
        if start > 0 && chars[start - 1].is_alphanumeric() {
            continue;
        }
        let digits = chars[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits != 4 || chars[start] == '0' {
            continue;
        }
        // "1234AB", "1234ab" or "1234 AB"; not "2026 is", a year and a word.
        let spaced = chars.get(start + 4) == Some(&' ');
        let j = (start + 4 + usize::from(spaced)).min(chars.len());
        let letters: Vec<char> = chars[j..].iter().take_while(|c| c.is_ascii_alphabetic()).copied().collect();
        if letters.len() == 2 && (!spaced || letters.iter().all(char::is_ascii_uppercase)) {
            return true;
        }
    }
    text.split_whitespace().any(|w| w.contains('@') && w.split('@').nth(1).is_some_and(|d| d.contains('.')))
}

/// One text field: cleaned, required or not, no longer than the maximum, and no identifier or
/// (when `names` holds any) name in it. The refusal names the field by its label and never
/// repeats what it found.
fn checked(field: &'static str, label: (&str, &str), raw: &str, required: bool, names: &[String]) -> Result<String, StoreError> {
    let text = domain::text::clean(raw).trim().to_string();
    let (nl, en) = label;
    if text.is_empty() {
        if required {
            return Err(StoreError::Invalid { field, message_nl: format!("{nl}: vul dit in."), message_en: format!("{en}: fill this in.") });
        }
        return Ok(text);
    }
    if text.chars().count() > TEXT_MAX_CHARS {
        return Err(StoreError::Invalid {
            field,
            message_nl: format!("{nl}: hoogstens {TEXT_MAX_CHARS} tekens."),
            message_en: format!("{en}: at most {TEXT_MAX_CHARS} characters."),
        });
    }
    if holds_a_name(&text, names) {
        return Err(StoreError::Invalid {
            field,
            message_nl: format!("{nl}: hierin staat een naam van een bewoner van dit huishouden. Beschrijf de situatie zonder namen, bijvoorbeeld \"de moeder\" of \"de bewoner\"."),
            message_en: format!("{en}: this holds a name of a resident of this household. Describe the situation without names, for example \"the mother\" or \"the resident\"."),
        });
    }
    if holds_an_identifier(&text) {
        return Err(StoreError::Invalid {
            field,
            message_nl: format!("{nl}: hierin staat een postcode, een nummer van zes of meer cijfers of een e-mailadres. Laat dat weg; intervisie gaat over het dilemma, niet over wie."),
            message_en: format!("{en}: this holds a postcode, a number of six or more digits or an e-mail address. Leave it out; reflection is about the dilemma, not about who."),
        });
    }
    Ok(text)
}

const DILEMMA: (&str, &str) = ("Het dilemma", "The dilemma");
const QUESTION: (&str, &str) = ("Uw vraag aan het team", "Your question to the team");
const WEIGHED: (&str, &str) = ("Wat het team woog", "What the team weighed");
const CONCLUDED: (&str, &str) = ("Wat het team concludeert", "What the team concludes");

/// The team of a worker or team lead; anyone else may not use the reflection.
fn team_of(access: &Access<'_>) -> Result<Id, StoreError> {
    match access.actor.role {
        Role::Worker | Role::TeamLead => area::team_scope(access),
        _ => Err(StoreError::Forbidden),
    }
}

fn team_entry(access: &Access<'_>, event: AuditEvent, detail: String) -> Entry {
    Entry { reason: Some(detail), ..Entry::of(access, event, None, None) }
}

const COLUMNS: &str = "id, quarter, brought_on, theme, dilemma, question, weighed, concluded, concluded_on";

fn reflection(r: &crate::kernel::db::Row) -> Result<Reflection, StoreError> {
    Ok(Reflection {
        id: r.i64(0)?,
        quarter: Quarter::parse(&r.text(1)?).ok_or_else(|| StoreError::corrupt("reflection quarter"))?,
        brought_on: time_fmt::parse_date(&r.text(2)?)?,
        theme: Theme::from_code(&r.text(3)?).ok_or_else(|| StoreError::corrupt("reflection theme"))?,
        dilemma: r.text(4)?,
        question: r.text(5)?,
        weighed: r.opt_text(6)?,
        concluded: r.opt_text(7)?,
        concluded_on: r.opt_text(8)?.map(|d| time_fmt::parse_date(&d)).transpose()?,
    })
}

impl Store {
    /// A worker brings a dilemma to the team's reflection. Starting from a household, its
    /// residents' names are checked against both texts first (the household must lie in the
    /// team's area, else `NotFound`); a text with a name or an identifier is refused and nothing
    /// is stored or recorded. The household is not stored with the dilemma.
    pub async fn bring_dilemma(&self, access: &Access<'_>, new: &NewDilemma) -> Result<Id, StoreError> {
        let team = team_of(access)?;
        let mut names = Vec::new();
        let mut scoped = self.scoped(access).await?;
        if let Some(household) = new.household_id {
            scoped.household(household).await?;
            for r in scoped.fetch_all("SELECT given_names, surname FROM persons WHERE household_id = $1", &args![household]).await? {
                names.push(r.text(0)?);
                names.push(r.text(1)?);
            }
        }
        let dilemma = checked("dilemma", DILEMMA, &new.dilemma, true, &names)?;
        let question = checked("vraag", QUESTION, &new.question, true, &names)?;
        let today = domain::local::dutch(access.now).date();
        let quarter = Quarter::of(today);
        let id = scoped
            .fetch_one(
                "INSERT INTO reflections (team_id, quarter, brought_on, theme, dilemma, question) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &args![team, quarter.code(), time_fmt::date(today), new.theme.code(), dilemma.as_str(), question.as_str()],
            )
            .await?
            .i64(0)?;
        if let Some(household) = new.household_id {
            // The names were read to check the text: on the household's trail, without the reflection.
            scoped.record(AuditEvent::ReflectionNameCheck, Some(household), None).await?;
        }
        audit::append(&mut scoped, &[team_entry(access, AuditEvent::ReflectionCreate, format!("team {team}: intervisie {id} ingebracht, {}", quarter.code()))]).await?;
        scoped.commit().await?;
        Ok(id)
    }

    /// The team records what it weighed and what it concluded (again, when it returns to it).
    /// Another team's reflection is `NotFound`.
    pub async fn conclude_reflection(&self, access: &Access<'_>, id: Id, weighed: &str, concluded: &str) -> Result<(), StoreError> {
        let team = team_of(access)?;
        let weighed = checked("gewogen", WEIGHED, weighed, true, &[])?;
        let concluded = checked("conclusie", CONCLUDED, concluded, true, &[])?;
        let today = domain::local::dutch(access.now).date();
        let mut tx = self.pool().begin().await?;
        let n = tx
            .execute(
                "UPDATE reflections SET weighed = $1, concluded = $2, concluded_on = $3 WHERE id = $4 AND team_id = $5",
                &args![weighed.as_str(), concluded.as_str(), time_fmt::date(today), id, team],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(&mut tx, &[team_entry(access, AuditEvent::ReflectionConclude, format!("team {team}: intervisie {id} afgerond"))]).await?;
        tx.commit().await
    }

    /// The team's reflections of one quarter, oldest first: what the team learned.
    pub async fn reflections(&self, access: &Access<'_>, quarter: Quarter) -> Result<Vec<Reflection>, StoreError> {
        let team = team_of(access)?;
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("SELECT {COLUMNS} FROM reflections WHERE team_id = $1 AND quarter = $2 ORDER BY brought_on, id");
        tx.fetch_all(&sql, &args![team, quarter.code()]).await?.iter().map(reflection).collect()
    }

    /// One of the team's reflections; another team's is `NotFound`.
    pub async fn reflection(&self, access: &Access<'_>, id: Id) -> Result<Reflection, StoreError> {
        let team = team_of(access)?;
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("SELECT {COLUMNS} FROM reflections WHERE id = $1 AND team_id = $2");
        reflection(&tx.fetch_optional(&sql, &args![id, team]).await?.ok_or(StoreError::NotFound)?)
    }

    /// The quarters in which the team brought dilemmas in, newest first, for the page's choice.
    pub async fn reflection_quarters(&self, access: &Access<'_>) -> Result<Vec<Quarter>, StoreError> {
        let team = team_of(access)?;
        let mut tx = self.pool().begin_read().await?;
        let mut out: Vec<Quarter> = Vec::new();
        for r in tx.fetch_all("SELECT DISTINCT quarter FROM reflections WHERE team_id = $1", &args![team]).await? {
            out.push(Quarter::parse(&r.text(0)?).ok_or_else(|| StoreError::corrupt("reflection quarter"))?);
        }
        out.sort_by(|a, b| b.cmp(a));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_in_dutch_time() {
        let q = Quarter::at(time::macros::datetime!(2026-12-31 23:30 UTC));
        assert_eq!(q.code(), "2027-K1", "00:30 on New Year's Day in Amsterdam");
        assert_eq!(Quarter::of(time::macros::date!(2026 - 12 - 02)).label(), "2026 K4");
        assert_eq!(Quarter::parse("2026 k4"), Some(Quarter { year: 2026, quarter: 4 }));
        assert_eq!(Quarter::parse("2026-K4").map(Quarter::previous), Some(Quarter { year: 2026, quarter: 3 }));
        assert_eq!(Quarter::parse("2026-K1").map(Quarter::previous).map(Quarter::code).as_deref(), Some("2025-K4"));
        assert_eq!(Quarter::parse("2026-K5"), None);
    }

    #[test]
    fn names_as_whole_words_without_regard_to_case_or_accents() {
        let names = vec!["Jan Pieter".to_string(), "Dijkstra".to_string(), "Çelik".to_string(), "van den Berg".to_string()];
        assert!(holds_a_name("De vader (jan) wil geen hulp", &names));
        assert!(holds_a_name("mevrouw DIJKSTRA belde", &names));
        assert!(holds_a_name("gesprek met fam. Dykstra", &names), "ij as y");
        assert!(holds_a_name("Celik zei", &names), "without the accent");
        assert!(holds_a_name("de familie Berg", &names));
        assert!(!holds_a_name("Januari was zwaar; de bergen werk", &names), "part of a word is no name");
        assert!(!holds_a_name("van de buren hoorden we het", &names), "prefixes are not checked");
        assert!(!holds_a_name("Jan zei het", &[]), "no household, no names");
    }

    #[test]
    fn identifiers() {
        assert!(holds_an_identifier("woont op 1234 AB"));
        assert!(holds_an_identifier("1234ab"));
        assert!(holds_an_identifier("bsn 123456782"));
        assert!(holds_an_identifier("bel 06-12345678"));
        assert!(holds_an_identifier("mail naar iemand@example.nl"));
        assert!(!holds_an_identifier("in 2026 kwam het drie keer voor, 12 weken lang"));
        assert!(!holds_an_identifier("een schuld van 4500 euro"));
        assert!(!holds_an_identifier("sinds 2026 is het anders"), "a year and a word");
    }
}
