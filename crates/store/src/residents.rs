//! Households and their members as workers see them: search, the household page, "mijn dag",
//! and registering a household met at the door. Need-to-know is enforced here: workers and team
//! leads reach only the households in their team's wijk; every read and write is audited.

use crate::kernel::audit::{self, AuditEvent};
use crate::kernel::db::{Tx, Value};
use crate::kernel::area::{self, team_scope, IN_TEAM_AREA};
use crate::kernel::audit::Recorder;
use crate::kernel::households::{self, address_from, full_name, households_at, NewAddress, ADDRESS_COLUMNS};
pub use crate::kernel::households::{AddressLine, LanguageNotes};
use crate::kernel::policy::SignalPolicy;
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use domain::model::{ContactKind, ContactOutcome, DayPart, Id, OutreachModel, SignalKind, SignalStatus, SupportLevel};
use domain::{Bsn, HouseNumber, PersonName, Postcode};
use time::Date;

/// What a worker searched for; the web edge parses the fields, so they are valid here.
#[derive(Debug, Clone, Default)]
pub struct HouseholdQuery {
    pub postcode: Option<Postcode>,
    pub house_number: Option<HouseNumber>,
    /// A surname, with or without its prefix ("van den Berg", "Berg").
    pub surname: Option<String>,
    pub street: Option<String>,
}

impl HouseholdQuery {
    pub fn is_empty(&self) -> bool {
        self.postcode.is_none() && self.house_number.is_none() && self.surname.is_none() && self.street.is_none()
    }
}


impl AddressLine {
    pub fn one_line(&self) -> String {
        format!("{} {}, {} {}", self.street, self.house_number, self.postcode, self.locality)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdSummary {
    pub id: Id,
    pub address: AddressLine,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonView {
    pub id: Id,
    pub name: String,
    pub birth_date: Date,
    pub phone: Option<String>,
    pub has_bsn: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignalView {
    pub id: Id,
    pub kind: SignalKind,
    pub status: SignalStatus,
    pub signal_date: Date,
    pub deadline: Date,
    pub crisis: bool,
    pub partner: Option<String>,
    pub amount_eur: Option<i64>,
    pub concern: Option<String>,
    /// A sensitive signal this reader may not read: the concern is left out and the kind reads
    /// as a worry (`Zorgen`); the page says whom to call.
    pub confidential: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttemptView {
    pub at: String,
    pub kind: ContactKind,
    pub day_part: DayPart,
    pub reached: bool,
    /// How it ended; attempts from before outcomes were recorded have none.
    pub outcome: Option<ContactOutcome>,
    pub worker: Option<String>,
    pub note: Option<String>,
    /// A note marked sensitive that this reader may not read: `note` is left out.
    pub confidential: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseView {
    pub id: Id,
    pub opened: Date,
    pub closed: Option<Date>,
    pub models: Vec<OutreachModel>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdDetail {
    pub id: Id,
    /// Opened outside need-to-know, through break the glass.
    pub via_break_glass: bool,
    pub address: AddressLine,
    pub support: SupportLevel,
    pub multi_problem: bool,
    pub members: Vec<PersonView>,
    pub signals: Vec<SignalView>,
    pub attempts: Vec<AttemptView>,
    pub cases: Vec<CaseView>,
    pub language: LanguageNotes,
    /// The team's decisions on support and multi-problem, latest first.
    pub support_history: Vec<SupportDecision>,
    /// Sensitive content on this page was left out for this reader: whom to call, and the
    /// break-the-glass form.
    pub confidential: Option<crate::Withheld>,
}

/// The team's decision on a household's support level and multi-problem flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportDecision {
    pub support: SupportLevel,
    pub multi_problem: bool,
    pub reason: String,
    pub by: Option<String>,
    /// When, as stored (UTC instant); pages show it in Dutch local time.
    pub at: String,
}

/// A household registered by a worker, with its first member.
#[derive(Debug, Clone)]
pub struct NewHousehold {
    pub street: String,
    pub house_number: HouseNumber,
    pub postcode: Postcode,
    pub locality: String,
    pub buurt_code: String,
    pub name: PersonName,
    pub birth_date: Date,
    pub bsn: Option<Bsn>,
    pub phone: Option<String>,
}

fn like_prefix(s: &str) -> String {
    let escaped: String = s.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("{escaped}%")
}

/// A signal as the household page and "mijn dag" show it, its deadline by the store's terms;
/// a sensitive one without its content when the reader may not read it (`withheld`).
pub(crate) fn signal_from(row: &crate::kernel::db::Row, first: usize, policy: &SignalPolicy, withheld: bool) -> Result<SignalView, StoreError> {
    let confidential = withheld && row.bool(first + 8)?;
    let kind = SignalKind::from_code(&row.text(first + 1)?).ok_or_else(|| StoreError::corrupt("signal kind"))?;
    let kind = if confidential { SignalKind::Zorgen } else { kind };
    let status = SignalStatus::from_code(&row.text(first + 2)?).ok_or_else(|| StoreError::corrupt("signal status"))?;
    let signal_date = time_fmt::parse_date(&row.text(first + 3)?)?;
    let crisis = row.bool(first + 4)?;
    let deadline = policy.due_date(signal_date, crisis);
    Ok(SignalView {
        id: row.i64(first)?,
        kind,
        status,
        signal_date,
        deadline,
        crisis,
        partner: row.opt_text(first + 5)?,
        amount_eur: row.opt_i64(first + 6)?,
        concern: if confidential { None } else { row.opt_text(first + 7)? },
        confidential,
    })
}

pub(crate) const SIGNAL_COLUMNS: &str =
    concat!("s.id, s.kind, s.status, s.signal_date, s.crisis, p.name, s.amount_eur, s.concern, ", crate::kernel::sensitive::signal_sensitive!());

async fn members_of(tx: &mut Tx, household_ids: &[Id]) -> Result<Vec<(Id, String)>, StoreError> {
    let mut out = Vec::new();
    for chunk in household_ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT household_id, given_names, surname_prefix, surname FROM persons WHERE household_id IN ({}) ORDER BY household_id, birth_date, id",
            placeholders.join(",")
        );
        let values: Vec<Value> = chunk.iter().map(|id| Value::from(*id)).collect();
        for r in tx.fetch_all(&sql, &values).await? {
            let name = full_name(&r, 1)?;
            out.push((r.i64(0)?, name));
        }
    }
    Ok(out)
}

impl Store {
    /// Households in the actor's area matching every given field; at most 50, audited per hit.
    pub async fn search_households(&self, access: &Access<'_>, query: &HouseholdQuery) -> Result<Vec<HouseholdSummary>, StoreError> {
        let team = team_scope(access)?;
        let mut sql = format!("SELECT h.id, {ADDRESS_COLUMNS} {IN_TEAM_AREA} WHERE 1 = 1");
        let mut values: Vec<Value> = args![team].into();
        let mut bind = |sql: &mut String, clause: &str, v: Value| {
            values.push(v);
            sql.push_str(&clause.replace('?', &format!("${}", values.len())));
        };
        if let Some(pc) = &query.postcode {
            bind(&mut sql, " AND a.postcode = ?", pc.as_str().into());
        }
        if let Some(hn) = &query.house_number {
            bind(&mut sql, " AND a.house_number = ?", i64::from(hn.number).into());
            if let Some(l) = hn.letter {
                bind(&mut sql, " AND a.house_letter = ?", l.to_string().into());
            }
            if let Some(add) = &hn.addition {
                bind(&mut sql, " AND a.house_addition = ?", add.clone().into());
            }
        }
        if let Some(street) = query.street.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            bind(&mut sql, " AND LOWER(a.street) LIKE ? ESCAPE '\\'", like_prefix(&street.to_lowercase()).into());
        }
        if let Some(surname) = query.surname.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let (_, core) = domain::name::split_prefix(surname);
            bind(
                &mut sql,
                " AND EXISTS (SELECT 1 FROM persons p WHERE p.household_id = h.id AND p.surname_key LIKE ? ESCAPE '\\')",
                like_prefix(&core.to_lowercase()).into(),
            );
        }
        sql.push_str(" ORDER BY a.postcode, a.house_number, a.house_letter, a.house_addition, h.id LIMIT 50");

        let mut tx = self.scoped(access).await?;
        let rows = tx.fetch_all(&sql, &values).await?;
        let mut hits = Vec::with_capacity(rows.len());
        for r in &rows {
            hits.push(HouseholdSummary { id: r.i64(0)?, address: address_from(r, 1)?, members: Vec::new() });
        }
        let ids: Vec<Id> = hits.iter().map(|h| h.id).collect();
        for (hid, name) in members_of(&mut tx, &ids).await? {
            if let Some(h) = hits.iter_mut().find(|h| h.id == hid) {
                h.members.push(name);
            }
        }
        tx.record_households(AuditEvent::HouseholdSearchHit, &ids).await?;
        tx.commit().await?;
        Ok(hits)
    }

    /// The household page: members, address, signals, contact history, cases. Audited.
    pub async fn household(&self, access: &Access<'_>, household_id: Id) -> Result<HouseholdDetail, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let sql = format!("SELECT h.id, h.support, h.multi_problem, {ADDRESS_COLUMNS} {IN_TEAM_AREA} WHERE h.id = $2");
        let mut via_break_glass = false;
        let row = match tx.fetch_optional(&sql, &args![team, household_id]).await? {
            Some(row) => row,
            None => {
                // Outside the area only with an unexpired break-the-glass grant. Out of area and
                // nonexistent look the same, so ids can't be probed.
                let granted = tx
                    .fetch_optional(
                        "SELECT id FROM break_glass_grants WHERE user_id = $1 AND household_id = $2 AND expires_at > $3",
                        &args![access.actor.user_id, household_id, time_fmt::instant(access.now)],
                    )
                    .await?
                    .is_some();
                if !granted {
                    return Err(StoreError::NotFound);
                }
                via_break_glass = true;
                let sql = format!(
                    "SELECT h.id, h.support, h.multi_problem, {ADDRESS_COLUMNS} FROM households h JOIN addresses a ON a.id = h.address_id \
                     JOIN neighbourhoods b ON b.code = a.buurt_code WHERE h.id = $1"
                );
                tx.fetch_optional(&sql, &args![household_id]).await?.ok_or(StoreError::NotFound)?
            }
        };
        crate::kernel::sensitive::reach(&mut tx, access, household_id).await?;
        let support = SupportLevel::from_code(&row.text(1)?).ok_or_else(|| StoreError::corrupt("support"))?;
        let multi_problem = row.bool(2)?;
        let address = address_from(&row, 3)?;

        let mut members = Vec::new();
        for r in tx
            .fetch_all(
                "SELECT id, given_names, surname_prefix, surname, birth_date, phone, bsn FROM persons WHERE household_id = $1 ORDER BY birth_date, id",
                &args![household_id],
            )
            .await?
        {
            let name = full_name(&r, 1)?;
            members.push(PersonView {
                id: r.i64(0)?,
                name,
                birth_date: time_fmt::parse_date(&r.text(4)?)?,
                phone: r.opt_text(5)?,
                has_bsn: r.opt_text(6)?.is_some(),
            });
        }

        // Need-to-know per field: a sensitive signal or note without its content (`sensitive`).
        let withheld = tx.withheld(household_id).await?;
        let sql = format!("SELECT {SIGNAL_COLUMNS} FROM signals s LEFT JOIN partners p ON p.id = s.partner_id WHERE s.household_id = $1 ORDER BY s.signal_date DESC, s.id DESC");
        let rows = tx.fetch_all(&sql, &args![household_id]).await?;
        let signals = rows.iter().map(|r| signal_from(r, 0, &self.policies().signals, withheld.is_some())).collect::<Result<Vec<_>, _>>()?;

        let mut attempts = Vec::new();
        for r in tx
            .fetch_all(
                "SELECT c.at, c.kind, c.day_part, c.reached, u.display_name, c.note, c.outcome, c.sensitive IS NOT NULL FROM contact_attempts c \
                 LEFT JOIN users u ON u.id = c.worker_id WHERE c.household_id = $1 ORDER BY c.at DESC, c.id DESC",
                &args![household_id],
            )
            .await?
        {
            let confidential = withheld.is_some() && r.bool(7)?;
            attempts.push(AttemptView {
                at: r.text(0)?,
                kind: ContactKind::from_code(&r.text(1)?).ok_or_else(|| StoreError::corrupt("contact kind"))?,
                day_part: DayPart::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("day part"))?,
                reached: r.bool(3)?,
                worker: r.opt_text(4)?,
                note: if confidential { None } else { r.opt_text(5)? },
                outcome: r.opt_text(6)?.as_deref().and_then(ContactOutcome::from_code),
                confidential,
            });
        }

        let mut cases = Vec::new();
        for r in tx.fetch_all("SELECT id, opened, closed FROM cases WHERE household_id = $1 ORDER BY opened DESC", &args![household_id]).await? {
            let id = r.i64(0)?;
            let models = tx
                .fetch_all("SELECT model FROM case_models WHERE case_id = $1 ORDER BY model", &args![id])
                .await?
                .iter()
                .filter_map(|m| m.text(0).ok().and_then(|c| OutreachModel::from_code(&c)))
                .collect();
            let closed = match r.opt_text(2)? {
                Some(d) => Some(time_fmt::parse_date(&d)?),
                None => None,
            };
            cases.push(CaseView { id, opened: time_fmt::parse_date(&r.text(1)?)?, closed, models });
        }

        let language = households::language_notes(&mut tx, household_id).await?;
        let support_history = support_history(&mut tx, household_id).await?;
        let mut entry = audit::Entry::of(access, AuditEvent::HouseholdRead, Some(household_id), None);
        if via_break_glass {
            entry.reason = Some("noodtoegang".into());
        }
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await?;
        let confidential = withheld.filter(|_| signals.iter().any(|s| s.confidential) || attempts.iter().any(|a| a.confidential));
        Ok(HouseholdDetail { id: household_id, via_break_glass, address, support, multi_problem, members, signals, attempts, cases, language, support_history, confidential })
    }

    /// The buurten of the actor's team area, (code, name), for the registration form.
    pub async fn team_buurten(&self, team_id: Id) -> Result<Vec<(String, String)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        area::team_buurten(&mut tx, team_id).await
    }

    /// Registers a household with its first member, all or nothing, audited.
    pub async fn create_household(&self, access: &Access<'_>, new: &NewHousehold) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        // A known address (from the BAG) keeps its own buurt; a new one goes in the buurt chosen.
        let address = NewAddress { street: &new.street, house_number: &new.house_number, postcode: &new.postcode, locality: &new.locality, buurt_code: &new.buurt_code };
        // The buurt given must be the team's in any case (a wrong one is refused, not ignored).
        let given_in_area = area::buurt_in_area(&mut tx, team, &new.buurt_code).await?;
        let (address_id, buurt) = households::address_for(&mut tx, &address).await?;
        if !given_in_area || !area::buurt_in_area(&mut tx, team, &buurt).await? {
            return Err(StoreError::Invalid {
                field: "buurt",
                message_nl: "Buurt: kies een buurt uit het werkgebied van uw team.".into(),
                message_en: "Neighbourhood: choose a neighbourhood in your team's area.".into(),
            });
        }
        let (recorder, mut entries) = (Recorder::of(access), Vec::new());
        let household_id = households::create_household(&mut tx, address_id, &recorder, &mut entries).await?;
        let person = (&new.name, new.birth_date, new.bsn.as_ref(), new.phone.as_deref());
        households::create_person(&mut tx, household_id, person, &recorder, &mut entries).await?;
        audit::append(&mut tx, &entries).await?;
        tx.commit().await?;
        Ok(household_id)
    }
}

impl Store {
    /// The team decides how much support a household needs and whether it has problems on
    /// several fronts, with the reason; "uit beeld" ranks on this. Audited, kept as history.
    pub async fn set_support(&self, access: &Access<'_>, household_id: Id, support: SupportLevel, multi_problem: bool, reason: &str) -> Result<(), StoreError> {
        team_scope(access)?;
        let reason = domain::text::clean(reason);
        let reason = reason.trim();
        if !domain::text::reads_as_reason(reason) || reason.chars().count() > 500 {
            return Err(StoreError::Invalid {
                field: "reden",
                message_nl: "Reden: schrijf in een paar woorden waarom (hoogstens 500 tekens).".into(),
                message_en: "Reason: write in a few words why (at most 500 characters).".into(),
            });
        }
        let mut tx = self.scoped(access).await?;
        tx.household(household_id).await?;
        tx.execute("UPDATE households SET support = $1, multi_problem = $2 WHERE id = $3", &args![support.code(), multi_problem, household_id]).await?;
        tx.execute(
            "INSERT INTO support_decisions (household_id, support, multi_problem, reason, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &args![household_id, support.code(), multi_problem, reason, access.actor.user_id, time_fmt::instant(access.now)],
        )
        .await?;
        tx.record(AuditEvent::SupportDecision, Some(household_id), None).await?;
        tx.commit().await
    }
}

async fn support_history(tx: &mut crate::kernel::db::Tx, household_id: Id) -> Result<Vec<SupportDecision>, StoreError> {
    let rows = tx
        .fetch_all(
            "SELECT d.support, d.multi_problem, d.reason, u.display_name, d.decided_at FROM support_decisions d LEFT JOIN users u ON u.id = d.decided_by \
             WHERE d.household_id = $1 ORDER BY d.decided_at DESC, d.id DESC",
            &args![household_id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(SupportDecision {
                support: SupportLevel::from_code(&r.text(0)?).ok_or_else(|| StoreError::corrupt("support"))?,
                multi_problem: r.bool(1)?,
                reason: r.text(2)?,
                by: r.opt_text(3)?,
                at: r.text(4)?,
            })
        })
        .collect()
}

/// How long a break-the-glass grant lasts.
pub const BREAK_GLASS_DURATION: time::Duration = time::Duration::hours(4);

impl Store {
    /// Break the glass: grants this worker time-limited access to the households at one address
    /// outside their team's area, for a stated reason. Each grant is audited with the reason and
    /// shows up for the privacy officer. Returns the households now open to the worker.
    ///
    /// The reason must read as one (`domain::text::reads_as_reason`: several different words,
    /// not one letter repeated), and a grant must be needed: an address inside the worker's own
    /// area is refused (field "postcode"), since the worker opens those households as usual.
    pub async fn break_glass(&self, access: &Access<'_>, postcode: &Postcode, house_number: &HouseNumber, reason: &str) -> Result<Vec<Id>, StoreError> {
        let team = team_scope(access)?;
        let reason = domain::text::clean(reason);
        let reason = reason.trim();
        if reason.chars().count() < 20 || reason.chars().count() > 500 {
            return Err(StoreError::Invalid {
                field: "reden",
                message_nl: "Reden: leg in 20 tot 500 tekens uit waarom u deze gegevens nu nodig heeft.".into(),
                message_en: "Reason: explain in 20 to 500 characters why you need this data now.".into(),
            });
        }
        if !domain::text::reads_as_reason(reason) {
            return Err(StoreError::Invalid {
                field: "reden",
                message_nl: "Reden: schrijf in een paar woorden op waarom u deze gegevens nu nodig heeft (minstens drie verschillende woorden).".into(),
                message_en: "Reason: write in a few words why you need this data now (at least three different words).".into(),
            });
        }
        let mut tx = self.scoped(access).await?;
        let mut ids = Vec::new();
        for id in households_at(&mut tx, postcode, house_number).await? {
            match area::in_area(&mut tx, team, id).await {
                Ok(()) => {}
                Err(StoreError::NotFound) => ids.push(id),
                Err(e) => return Err(e),
            }
        }
        if ids.is_empty() {
            return Err(StoreError::Invalid {
                field: "postcode",
                message_nl: "Adres: dit huishouden ligt in het werkgebied van uw eigen team; open het zoals altijd, noodtoegang is niet nodig.".into(),
                message_en: "Address: this household lies in your own team's area; open it as usual, emergency access is not needed.".into(),
            });
        }
        let (now, expires) = (time_fmt::instant(access.now), time_fmt::instant(access.now + BREAK_GLASS_DURATION));
        let mut entries = Vec::new();
        for id in &ids {
            tx.execute(
                "INSERT INTO break_glass_grants (user_id, household_id, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &args![access.actor.user_id, *id, reason, now.as_str(), expires.as_str()],
            )
            .await?;
            let mut entry = audit::Entry::of(access, AuditEvent::BreakGlass, Some(*id), None);
            entry.reason = Some(reason.to_string());
            entries.push(entry);
        }
        audit::append(&mut tx, &entries).await?;
        tx.commit().await?;
        tracing::warn!(user_id = access.actor.user_id, households = ids.len(), "break the glass");
        Ok(ids)
    }
}

