//! Households and their members as workers see them: search, the household page, "mijn dag",
//! and registering a household met at the door. Need-to-know is enforced here: workers and team
//! leads reach only the households in their team's wijk; every read and write is audited.

use crate::audit::{self, AuditEvent};
use crate::db::{Tx, Value};
use crate::{args, time_fmt, Access, Store, StoreError};
use domain::model::{ContactKind, ContactOutcome, DayPart, Id, OutreachModel, Role, SignalKind, SignalStatus, SupportLevel};
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

#[derive(Debug, Clone, PartialEq)]
pub struct AddressLine {
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub locality: String,
    /// The buurt's name, for people.
    pub buurt: String,
    /// Its CBS code (BU + 8 digits), for systems: what registering a household asks for.
    pub buurt_code: String,
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
    pub language: crate::contact::LanguageNotes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignalToPickUp {
    pub signal: SignalView,
    pub household_id: Option<Id>,
    pub address: Option<AddressLine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedContact {
    pub household_id: Id,
    pub address: AddressLine,
    pub planned_for: Date,
    pub kind: ContactKind,
    pub day_part: DayPart,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MyDay {
    pub signals: Vec<SignalToPickUp>,
    pub planned: Vec<PlannedContact>,
    /// The worker's own households out of view (a team lead: the team's), riskiest first.
    pub out_of_view: Vec<crate::contact::OutOfViewRow>,
    /// For a team lead: the households on the case-discussion list.
    pub discussions: Vec<crate::contact::DiscussionRow>,
    /// Referrals to follow up (check due or stalled): the worker's own, a team lead's team's.
    pub referrals: Vec<crate::cases::ReferralRow>,
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

pub(crate) const ADDRESS_COLUMNS: &str = "a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality, b.name, b.code";

/// Joins that place a household in its team's wijk; `$1` is the team id.
pub(crate) const IN_TEAM_AREA: &str = "FROM households h JOIN addresses a ON a.id = h.address_id \
     JOIN neighbourhoods b ON b.code = a.buurt_code \
     JOIN teams t ON t.wijk_code = b.parent_code AND t.id = $1";

/// The team whose area the actor may see; other roles see no residents at all.
pub(crate) fn team_scope(access: &Access<'_>) -> Result<Id, StoreError> {
    match access.actor.role {
        Role::Worker | Role::TeamLead => access.actor.team_id.ok_or(StoreError::Forbidden),
        Role::Partner | Role::PrivacyOfficer | Role::Admin => Err(StoreError::Forbidden),
    }
}

pub(crate) fn address_from(row: &crate::db::Row, first: usize) -> Result<AddressLine, StoreError> {
    let number = row.i64(first + 1)?;
    let letter = row.opt_text(first + 2)?;
    let addition = row.opt_text(first + 3)?;
    let house_number = HouseNumber::new(
        u32::try_from(number).map_err(|_| StoreError::corrupt("house number"))?,
        letter.and_then(|l| l.chars().next()),
        addition.as_deref(),
    )
    .map_err(|_| StoreError::corrupt("house number"))?;
    let postcode = Postcode::parse(&row.text(first + 4)?).map_err(|_| StoreError::corrupt("postcode"))?;
    Ok(AddressLine {
        street: row.text(first)?,
        house_number: house_number.to_string(),
        postcode: postcode.display(),
        locality: row.text(first + 5)?,
        buurt: row.text(first + 6)?,
        buurt_code: row.text(first + 7)?,
    })
}

/// "Jan van den Berg" from the given-names, prefix and surname columns starting at `first`.
pub(crate) fn full_name(row: &crate::db::Row, first: usize) -> Result<String, StoreError> {
    let parts = [row.text(first)?, row.text(first + 1)?, row.text(first + 2)?];
    Ok(parts.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "))
}

fn like_prefix(s: &str) -> String {
    let escaped: String = s.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("{escaped}%")
}

fn signal_from(row: &crate::db::Row, first: usize) -> Result<SignalView, StoreError> {
    let kind = SignalKind::from_code(&row.text(first + 1)?).ok_or_else(|| StoreError::corrupt("signal kind"))?;
    let status = SignalStatus::from_code(&row.text(first + 2)?).ok_or_else(|| StoreError::corrupt("signal status"))?;
    let signal_date = time_fmt::parse_date(&row.text(first + 3)?)?;
    let crisis = row.bool(first + 4)?;
    // The default terms: the household page does not know the server's configured ones (the
    // signal case's own due date does).
    let deadline = crate::signals::SignalPolicy::default().due_date(signal_date, crisis);
    Ok(SignalView {
        id: row.i64(first)?,
        kind,
        status,
        signal_date,
        deadline,
        crisis,
        partner: row.opt_text(first + 5)?,
        amount_eur: row.opt_i64(first + 6)?,
        concern: row.opt_text(first + 7)?,
    })
}

const SIGNAL_COLUMNS: &str = "s.id, s.kind, s.status, s.signal_date, s.crisis, p.name, s.amount_eur, s.concern";

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

        let mut tx = self.pool().begin().await?;
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
        audit::record_households(&mut tx, access, AuditEvent::HouseholdSearchHit, &ids).await?;
        tx.commit().await?;
        Ok(hits)
    }

    /// The household page: members, address, signals, contact history, cases. Audited.
    pub async fn household(&self, access: &Access<'_>, household_id: Id) -> Result<HouseholdDetail, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.pool().begin().await?;
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

        let sql = format!("SELECT {SIGNAL_COLUMNS} FROM signals s LEFT JOIN partners p ON p.id = s.partner_id WHERE s.household_id = $1 ORDER BY s.signal_date DESC, s.id DESC");
        let signals = tx.fetch_all(&sql, &args![household_id]).await?.iter().map(|r| signal_from(r, 0)).collect::<Result<Vec<_>, _>>()?;

        let mut attempts = Vec::new();
        for r in tx
            .fetch_all(
                "SELECT c.at, c.kind, c.day_part, c.reached, u.display_name, c.note, c.outcome FROM contact_attempts c \
                 LEFT JOIN users u ON u.id = c.worker_id WHERE c.household_id = $1 ORDER BY c.at DESC, c.id DESC",
                &args![household_id],
            )
            .await?
        {
            attempts.push(AttemptView {
                at: r.text(0)?,
                kind: ContactKind::from_code(&r.text(1)?).ok_or_else(|| StoreError::corrupt("contact kind"))?,
                day_part: DayPart::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("day part"))?,
                reached: r.bool(3)?,
                worker: r.opt_text(4)?,
                note: r.opt_text(5)?,
                outcome: r.opt_text(6)?.as_deref().and_then(ContactOutcome::from_code),
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

        let language = crate::contact::language_notes(&mut tx, household_id).await?;
        let mut entry = audit::Entry::of(access, AuditEvent::HouseholdRead, Some(household_id), None);
        if via_break_glass {
            entry.reason = Some("noodtoegang".into());
        }
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await?;
        Ok(HouseholdDetail { id: household_id, via_break_glass, address, support, multi_problem, members, signals, attempts, cases, language })
    }

    /// "Mijn dag": the team's signals still to pick up (crisis and nearest deadline first) and
    /// this worker's planned contacts up to tomorrow. Audited per household shown.
    pub async fn my_day(&self, access: &Access<'_>, today: Date, cadence: &domain::contact::CadencePolicy) -> Result<MyDay, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.pool().begin().await?;
        let sql = format!(
            "SELECT {SIGNAL_COLUMNS}, h.id, {ADDRESS_COLUMNS} FROM signals s LEFT JOIN partners p ON p.id = s.partner_id \
             JOIN households h ON h.id = s.household_id JOIN addresses a ON a.id = h.address_id \
             JOIN neighbourhoods b ON b.code = a.buurt_code JOIN teams t ON t.wijk_code = b.parent_code AND t.id = $1 \
             WHERE s.status = $2 ORDER BY s.crisis DESC, s.signal_date, s.id LIMIT 100"
        );
        let mut signals = Vec::new();
        for r in tx.fetch_all(&sql, &args![team, SignalStatus::Ontvangen.code()]).await? {
            signals.push(SignalToPickUp { signal: signal_from(&r, 0)?, household_id: r.opt_i64(8)?, address: Some(address_from(&r, 9)?) });
        }
        signals.sort_by_key(|s| (!s.signal.crisis, s.signal.deadline));

        let sql = format!(
            "SELECT pc.household_id, pc.planned_for, pc.kind, pc.day_part, {ADDRESS_COLUMNS} FROM planned_contacts pc \
             JOIN households h ON h.id = pc.household_id JOIN addresses a ON a.id = h.address_id \
             JOIN neighbourhoods b ON b.code = a.buurt_code \
             WHERE pc.worker_id = $1 AND pc.planned_for <= $2 ORDER BY pc.planned_for, pc.id LIMIT 100"
        );
        let tomorrow = today.next_day().unwrap_or(today);
        let mut planned = Vec::new();
        for r in tx.fetch_all(&sql, &args![access.actor.user_id, time_fmt::date(tomorrow)]).await? {
            planned.push(PlannedContact {
                household_id: r.i64(0)?,
                planned_for: time_fmt::parse_date(&r.text(1)?)?,
                kind: ContactKind::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("contact kind"))?,
                day_part: DayPart::from_code(&r.text(3)?).ok_or_else(|| StoreError::corrupt("day part"))?,
                address: address_from(&r, 4)?,
            });
        }
        // Out of view: a worker's own households, the whole team's for a team lead, who also
        // sees the case-discussion list.
        let lead = access.actor.role == Role::TeamLead;
        let out_of_view = crate::contact::collect_out_of_view(&mut tx, team, access.actor.user_id, today, cadence, !lead).await?;
        let discussions = if lead { crate::contact::collect_discussions(&mut tx, team).await? } else { Vec::new() };
        let referrals = crate::cases::collect_referrals(&mut tx, team, access.actor.user_id, today, cadence.referral_stalled_days, !lead).await?;
        let mut shown: Vec<Id> = signals
            .iter()
            .filter_map(|s| s.household_id)
            .chain(planned.iter().map(|p| p.household_id))
            .chain(out_of_view.iter().map(|o| o.household_id))
            .chain(discussions.iter().map(|d| d.household_id))
            .chain(referrals.iter().map(|r| r.household_id))
            .collect();
        shown.sort_unstable();
        shown.dedup();
        audit::record_households(&mut tx, access, AuditEvent::HouseholdList, &shown).await?;
        tx.commit().await?;
        Ok(MyDay { signals, planned, out_of_view, discussions, referrals })
    }

    /// The buurten of the actor's team area, (code, name), for the registration form.
    pub async fn team_buurten(&self, team_id: Id) -> Result<Vec<(String, String)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT b.code, b.name FROM neighbourhoods b JOIN teams t ON t.wijk_code = b.parent_code WHERE t.id = $1 ORDER BY b.name",
                &args![team_id],
            )
            .await?;
        rows.iter().map(|r| Ok((r.text(0)?, r.text(1)?))).collect()
    }

    /// Registers a household with its first member, all or nothing, audited.
    pub async fn create_household(&self, access: &Access<'_>, new: &NewHousehold) -> Result<Id, StoreError> {
        let team = team_scope(access)?;
        let mut tx = self.pool().begin().await?;
        let in_area = tx
            .fetch_optional(
                "SELECT b.code FROM neighbourhoods b JOIN teams t ON t.wijk_code = b.parent_code WHERE t.id = $1 AND b.code = $2",
                &args![team, new.buurt_code.as_str()],
            )
            .await?;
        if in_area.is_none() {
            return Err(StoreError::Invalid {
                field: "buurt",
                message_nl: "Buurt: kies een buurt uit het werkgebied van uw team.".into(),
                message_en: "Neighbourhood: choose a neighbourhood in your team's area.".into(),
            });
        }
        let address_id = tx
            .fetch_one(
                "INSERT INTO addresses (street, house_number, house_letter, house_addition, postcode, locality, buurt_code) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &args![
                    new.street.as_str(),
                    i64::from(new.house_number.number),
                    new.house_number.letter.map(String::from),
                    new.house_number.addition.clone(),
                    new.postcode.as_str(),
                    new.locality.as_str(),
                    new.buurt_code.as_str()
                ],
            )
            .await?
            .i64(0)?;
        let household_id = tx
            .fetch_one(
                "INSERT INTO households (address_id, support, multi_problem) VALUES ($1, $2, FALSE) RETURNING id",
                &args![address_id, SupportLevel::SelfReliant.code()],
            )
            .await?
            .i64(0)?;
        let person_id = insert_person(&mut tx, household_id, &new.name, new.birth_date, new.bsn.as_ref(), new.phone.as_deref()).await?;
        audit::record(&mut tx, access, AuditEvent::HouseholdCreate, Some(household_id), None).await?;
        audit::record(&mut tx, access, AuditEvent::PersonCreate, Some(household_id), Some(person_id)).await?;
        tx.commit().await?;
        Ok(household_id)
    }
}

pub(crate) async fn insert_person(
    tx: &mut Tx,
    household_id: Id,
    name: &PersonName,
    birth_date: Date,
    bsn: Option<&Bsn>,
    phone: Option<&str>,
) -> Result<Id, StoreError> {
    tx.fetch_one(
        "INSERT INTO persons (household_id, given_names, initials, surname_prefix, surname, surname_key, birth_date, bsn, phone) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        &args![
            household_id,
            name.given_names.as_str(),
            name.initials.as_str(),
            name.prefix.as_str(),
            name.surname.as_str(),
            name.surname.to_lowercase(),
            time_fmt::date(birth_date),
            bsn.map(|b| b.expose().to_string()),
            phone
        ],
    )
    .await?
    .i64(0)
}

/// How long a break-the-glass grant lasts.
pub const BREAK_GLASS_DURATION: time::Duration = time::Duration::hours(4);

impl Store {
    /// Break the glass: grants this worker time-limited access to the households at one address
    /// outside their team's area, for a stated reason. Each grant is audited with the reason and
    /// shows up for the privacy officer. Returns the households now open to the worker.
    pub async fn break_glass(&self, access: &Access<'_>, postcode: &Postcode, house_number: &HouseNumber, reason: &str) -> Result<Vec<Id>, StoreError> {
        team_scope(access)?;
        let reason = reason.trim();
        if reason.chars().count() < 20 || reason.chars().count() > 500 {
            return Err(StoreError::Invalid {
                field: "reden",
                message_nl: "Reden: leg in 20 tot 500 tekens uit waarom u deze gegevens nu nodig heeft.".into(),
                message_en: "Reason: explain in 20 to 500 characters why you need this data now.".into(),
            });
        }
        let mut tx = self.pool().begin().await?;
        let ids = households_at(&mut tx, postcode, house_number).await?;
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

/// The households at one exact address (letter and addition included), by number; none is a
/// field error on the postcode, for the forms that look an address up.
pub(crate) async fn households_at(tx: &mut crate::db::Tx, postcode: &Postcode, house_number: &HouseNumber) -> Result<Vec<Id>, StoreError> {
    let mut sql = String::from("SELECT h.id FROM households h JOIN addresses a ON a.id = h.address_id WHERE a.postcode = $1 AND a.house_number = $2");
    let mut values: Vec<Value> = args![postcode.as_str(), i64::from(house_number.number)].into();
    for (column, value) in [("a.house_letter", house_number.letter.map(String::from)), ("a.house_addition", house_number.addition.clone())] {
        match value {
            Some(v) => {
                values.push(v.into());
                sql.push_str(&format!(" AND {column} = ${}", values.len()));
            }
            None => sql.push_str(&format!(" AND {column} IS NULL")),
        }
    }
    sql.push_str(" ORDER BY h.id");
    let ids: Vec<Id> = tx.fetch_all(&sql, &values).await?.iter().map(|r| r.i64(0)).collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(StoreError::Invalid {
            field: "postcode",
            message_nl: "Op dit adres is geen huishouden bekend.".into(),
            message_en: "No household is known at this address.".into(),
        });
    }
    Ok(ids)
}
