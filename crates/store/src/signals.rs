//! Signals from intake to the team's decision (issue 4): linking to a household, bundling into
//! a signal case (DDAS Vroegsignaalzaak), the review queue, weighing, the pickup clock, closing
//! with a DDAS end result, and what a partner may see of its own signals.
//!
//! Linking runs before the transaction (it only reads the in-memory index); the transaction
//! then re-checks what it relies on (the person still exists, the address is still unknown), so
//! a concurrent intake or erasure cannot make it attach to nothing or make two households.

use crate::audit::{self, AuditEvent, Entry};
use crate::db::{Tx, Value};
use crate::linking::{self, Decision, KnownPerson, Linker, Match};
use crate::{args, time_fmt, Access, Store, StoreError};
use domain::model::{
    Approach, CaseStage, Companion, Decision as TeamDecision, EndResult, Ground, Id, LinkState, OutreachModel, PartnerResult,
    PartnerType, Role, Safety, SignalChannel, SignalKind, SignalStatus,
};
use domain::signal::{NewSignal, Reported};
use domain::PersonName;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::RwLock;
use time::{Date, Duration, OffsetDateTime};

/// The pickup clock and the file filter; every term is configurable (`eropaf serve --help`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignalPolicy {
    /// First contact is due this many days after the signal date.
    pub pickup_days: u32,
    /// …and this many working days after it for a crisis signal.
    pub crisis_working_days: u32,
    /// Arrears below this amount in a creditor file are left out.
    pub min_amount_eur: i64,
    /// Cases are listed as "due soon" this many days before their due date.
    pub due_soon_days: u32,
}

impl Default for SignalPolicy {
    fn default() -> SignalPolicy {
        SignalPolicy { pickup_days: 28, crisis_working_days: 3, min_amount_eur: 0, due_soon_days: 7 }
    }
}

impl SignalPolicy {
    /// Whether a file import keeps this signal: arrears below the minimum amount are left out.
    pub fn keeps(&self, s: &NewSignal) -> bool {
        s.kind != SignalKind::Betalingsachterstand || s.amount_eur.unwrap_or(0) >= self.min_amount_eur
    }

    pub fn due_date(&self, signal_date: Date, crisis: bool) -> Date {
        domain::model::pickup_deadline(signal_date, crisis, self.pickup_days, self.crisis_working_days)
    }
}

/// Where a signal came from; the source is always recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A partner organisation, through its form or its system (API).
    Partner { partner_id: Id, channel: SignalChannel },
    /// A monthly creditor file; the partner is found (or registered) by name and type.
    File,
    /// A worker: something noticed in the field, or an informal reporter's worry.
    Worker { channel: SignalChannel, reporter: Option<InformalReporter> },
    /// A worker at a door during a campaign: about the household living at that address, so
    /// no linkage is needed (the worker stood at that door).
    Door { household_id: Id },
}

/// A neighbour, shopkeeper or key figure, and whether and how they want to hear back.
#[derive(Debug, Clone, PartialEq)]
pub struct InformalReporter {
    pub reporter_type: PartnerType,
    /// "nee", or how: "telefoon", "e-mail", "via de werker".
    pub feedback: String,
    /// A phone number or e-mail address, when they want to hear back that way.
    pub contact: Option<String>,
}

/// The resident as reported, stored with the signal (JSON) for review and the DDAS delivery.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoredReported {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bsn: String,
    pub initials: String,
    pub given_names: String,
    pub prefix: String,
    pub surname: String,
    pub birth_date: Option<String>,
    pub street: String,
    pub house_number: Option<u32>,
    pub house_letter: Option<String>,
    pub house_addition: Option<String>,
    pub postcode: String,
    pub locality: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl StoredReported {
    pub fn of(r: &Reported) -> StoredReported {
        StoredReported {
            bsn: r.bsn.as_ref().map(|b| b.expose().to_string()).unwrap_or_default(),
            initials: r.initials.clone(),
            given_names: r.given_names.clone(),
            prefix: r.prefix.clone(),
            surname: r.surname.clone(),
            birth_date: r.birth_date.map(time_fmt::date),
            street: r.street.clone(),
            house_number: r.house_number.as_ref().map(|h| h.number),
            house_letter: r.house_number.as_ref().and_then(|h| h.letter).map(String::from),
            house_addition: r.house_number.as_ref().and_then(|h| h.addition.clone()),
            postcode: r.postcode.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
            locality: r.locality.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
        }
    }

    /// Back to a `Reported` for linking (fields were checked at intake).
    pub fn to_reported(&self) -> Reported {
        Reported {
            bsn: domain::Bsn::parse(&self.bsn).ok(),
            initials: self.initials.clone(),
            given_names: self.given_names.clone(),
            prefix: self.prefix.clone(),
            surname: self.surname.clone(),
            birth_date: self.birth_date.as_deref().and_then(|d| time_fmt::parse_date(d).ok()),
            street: self.street.clone(),
            house_number: self
                .house_number
                .and_then(|n| domain::HouseNumber::new(n, self.house_letter.as_deref().and_then(|l| l.chars().next()), self.house_addition.as_deref()).ok()),
            postcode: domain::Postcode::parse(&self.postcode).ok(),
            locality: self.locality.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
        }
    }
}

/// What intake did with one signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    pub signal_id: Id,
    pub status: SignalStatus,
    pub link_state: LinkState,
    pub household_id: Option<Id>,
    pub signal_case_id: Option<Id>,
}

/// Counts of a file import, for the summary line and the benchmark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: usize,
    pub below_minimum: usize,
    pub linked_automatically: usize,
    pub to_review: usize,
    /// Rows attached to a household this import made (the first row about an unknown address
    /// and any later row about it): with the two above, every row kept.
    pub to_new_household: usize,
    pub new_households: usize,
    pub signal_cases_opened: usize,
}

/// People created by intake, for the linker to learn after commit.
type Created = Vec<KnownPerson>;

/// Households created during one transaction, by address, so one file's rows about one new
/// address end up in one household.
type NewAddresses = HashMap<String, (Id, Vec<(Id, String)>)>;

fn address_key(r: &Reported) -> Option<String> {
    let h = r.house_number.as_ref()?;
    Some(format!("{}|{}|{}|{}", r.postcode.as_ref()?.as_str(), h.number, h.letter.map(String::from).unwrap_or_default(), h.addition.clone().unwrap_or_default()))
}

/// Team whose area holds this postcode (the six-character one, else its four digits).
async fn team_of_postcode(tx: &mut Tx, cache: &mut HashMap<String, Option<(Id, String)>>, postcode: &str) -> Result<Option<(Id, String)>, StoreError> {
    if let Some(hit) = cache.get(postcode) {
        return Ok(hit.clone());
    }
    // A range on the postcode (not LIKE), so the postcode index is used: the exact postcode
    // first, then its four digits.
    const SQL: &str = "SELECT t.id, a.buurt_code FROM addresses a JOIN neighbourhoods b ON b.code = a.buurt_code \
         JOIN teams t ON t.wijk_code = b.parent_code WHERE a.postcode >= $1 AND a.postcode < $2 ORDER BY a.postcode, a.id LIMIT 1";
    let mut found = tx.fetch_optional(SQL, &args![postcode, format!("{postcode}\u{7f}")]).await?;
    if found.is_none() && postcode.len() >= 4 {
        let digits = &postcode[..4];
        found = tx.fetch_optional(SQL, &args![digits, format!("{digits}\u{7f}")]).await?;
    }
    let hit = match found {
        Some(r) => Some((r.i64(0)?, r.text(1)?)),
        None => None,
    };
    cache.insert(postcode.to_string(), hit.clone());
    Ok(hit)
}

/// Everything one intake transaction carries between signals.
#[derive(Default)]
struct Batch {
    teams: HashMap<String, Option<(Id, String)>>,
    partners: HashMap<(String, PartnerType), Id>,
    new_addresses: NewAddresses,
    /// Open signal cases by household, as read or opened in this transaction; due date and
    /// crisis changes are written once, when it commits.
    cases: HashMap<Id, OpenCase>,
    /// A file import reads up front what rows would otherwise each look up, and writes its
    /// signals together at the end.
    bulk: Option<Bulk>,
    created: Created,
    audit: Vec<Entry>,
    report: ImportReport,
}

/// An open signal case as this transaction sees it.
struct OpenCase {
    id: Id,
    stage: CaseStage,
    due: Date,
    crisis: bool,
    changed: bool,
}

/// What an import loaded at its start, inside its transaction. With it, `Batch::cases` holds
/// every open case, so a household missing there has none.
struct Bulk {
    /// Person → household, for everyone known.
    household_of: HashMap<Id, Id>,
    /// Household → the team of its area.
    team_of: HashMap<Id, Id>,
    /// Signal rows, written together before commit.
    signals: Vec<[Value; SIGNAL_COLUMNS.len()]>,
}

const SIGNAL_COLUMNS: [&str; 24] = [
    "household_id",
    "partner_id",
    "kind",
    "channel",
    "status",
    "signal_date",
    "received_at",
    "amount_eur",
    "crisis",
    "reported_name",
    "reported_address",
    "concern",
    "signal_case_id",
    "person_id",
    "team_id",
    "link_state",
    "link_score",
    "origin_date",
    "warm_handover",
    "reported",
    "reporter_type",
    "reporter_feedback",
    "reporter_contact",
    "entered_by",
];

impl Bulk {
    /// Reads who lives where, which team holds each household, and every open signal case.
    async fn load(tx: &mut Tx, cases: &mut HashMap<Id, OpenCase>) -> Result<Bulk, StoreError> {
        let mut household_of = HashMap::new();
        for r in tx.fetch_all("SELECT id, household_id FROM persons", &[]).await? {
            household_of.insert(r.i64(0)?, r.i64(1)?);
        }
        let mut team_of = HashMap::new();
        let sql = "SELECT h.id, t.id FROM households h JOIN addresses a ON a.id = h.address_id JOIN neighbourhoods b ON b.code = a.buurt_code \
             JOIN teams t ON t.wijk_code = b.parent_code";
        for r in tx.fetch_all(sql, &[]).await? {
            team_of.insert(r.i64(0)?, r.i64(1)?);
        }
        let sql = "SELECT household_id, id, stage, due_date, crisis FROM signal_cases WHERE stage <> 'afgesloten' ORDER BY id DESC";
        for r in tx.fetch_all(sql, &[]).await? {
            // Descending, so the oldest open case of a household (the one `bundle` would pick) wins.
            cases.insert(r.i64(0)?, open_case(&r, 1)?);
        }
        Ok(Bulk { household_of, team_of, signals: Vec::new() })
    }
}

/// An `OpenCase` from `id, stage, due_date, crisis` at column `at`.
fn open_case(r: &crate::db::Row, at: usize) -> Result<OpenCase, StoreError> {
    Ok(OpenCase {
        id: r.i64(at)?,
        stage: CaseStage::from_code(&r.text(at + 1)?).ok_or_else(|| StoreError::corrupt("case stage"))?,
        due: time_fmt::parse_date(&r.text(at + 2)?)?,
        crisis: r.bool(at + 3)?,
        changed: false,
    })
}

/// Who the audit records name for an intake: the signed-in user, or for a file the partner.
struct Recorder<'a> {
    access: Option<&'a Access<'a>>,
    route: &'a str,
    now: OffsetDateTime,
}

impl Recorder<'_> {
    fn entry(&self, event: AuditEvent, household_id: Option<Id>, person_id: Option<Id>, partner_id: Option<Id>) -> Entry {
        match self.access {
            Some(a) => Entry::of(a, event, household_id, person_id),
            None => Entry {
                at: time_fmt::instant(self.now),
                event: event.code().to_string(),
                household_id,
                person_id,
                user_id: None,
                on_behalf_of: partner_id.map(|p| format!("partner:{p}")),
                route: self.route.to_string(),
                reason: None,
            },
        }
    }
}

impl Store {
    /// Takes one signal in: links it, bundles it into its household's open signal case (or
    /// queues it for review), stores it and its audit record in one transaction. The linker
    /// learns any person this created.
    pub async fn intake_signal(
        &self,
        access: &Access<'_>,
        linker: &RwLock<Linker>,
        source: &Source,
        signal: &NewSignal,
        policy: &SignalPolicy,
    ) -> Result<Intake, StoreError> {
        let decision = read_linker(linker)?.decide(&signal.resident);
        let mut tx = self.pool().begin().await?;
        let mut batch = Batch::default();
        let recorder = Recorder { access: Some(access), route: access.route, now: access.now };
        let intake = store_one(&mut tx, &mut batch, &recorder, source, signal, decision, policy).await?;
        let channel = match source {
            Source::Partner { channel, .. } | Source::Worker { channel, .. } => channel.code(),
            Source::File => SignalChannel::Bestand.code(),
            Source::Door { .. } => SignalChannel::Deur.code(),
        };
        commit(tx, batch, linker, channel).await?;
        Ok(intake)
    }

    /// The same, for a partner system's API call with an `Idempotency-Key`: a retry with the
    /// same key and body gets the first answer and stores nothing; the same key with another
    /// body is refused (`StoreError::Invalid` on field "Idempotency-Key"). Concurrent retries
    /// queue on the key's row, so exactly one of them stores the signal.
    pub async fn intake_idempotent(
        &self,
        access: &Access<'_>,
        linker: &RwLock<Linker>,
        key: &str,
        body_hash: &str,
        signal: &NewSignal,
        policy: &SignalPolicy,
    ) -> Result<Intake, StoreError> {
        let partner_id = access.actor.partner_id.ok_or(StoreError::Forbidden)?;
        let decision = read_linker(linker)?.decide(&signal.resident);
        let mut tx = self.pool().begin().await?;
        let claimed = tx
            .fetch_optional(
                "INSERT INTO idempotency_keys (partner_id, idem_key, body_hash, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (partner_id, idem_key) DO NOTHING RETURNING partner_id",
                &args![partner_id, key, body_hash, time_fmt::instant(access.now)],
            )
            .await?
            .is_some();
        if !claimed {
            drop(tx);
            let mut tx = self.pool().begin_read().await?;
            let row = tx
                .fetch_one("SELECT body_hash, signal_id FROM idempotency_keys WHERE partner_id = $1 AND idem_key = $2", &args![partner_id, key])
                .await?;
            if row.text(0)? != body_hash {
                return Err(StoreError::Invalid {
                    field: "Idempotency-Key",
                    message_nl: "Deze Idempotency-Key is al gebruikt voor een ander signaal; gebruik per signaal een nieuwe sleutel.".into(),
                    message_en: "This Idempotency-Key was already used for another signal; use a new key per signal.".into(),
                });
            }
            let signal_id = row.opt_i64(1)?.ok_or(StoreError::NotFound)?;
            let r = tx
                .fetch_one("SELECT status, link_state, household_id, signal_case_id FROM signals WHERE id = $1 AND partner_id = $2", &args![signal_id, partner_id])
                .await?;
            return Ok(Intake {
                signal_id,
                status: SignalStatus::from_code(&r.text(0)?).ok_or_else(|| StoreError::corrupt("signal status"))?,
                link_state: LinkState::from_code(&r.text(1)?).ok_or_else(|| StoreError::corrupt("link state"))?,
                household_id: r.opt_i64(2)?,
                signal_case_id: r.opt_i64(3)?,
            });
        }
        let mut batch = Batch::default();
        let recorder = Recorder { access: Some(access), route: access.route, now: access.now };
        let source = Source::Partner { partner_id, channel: SignalChannel::Api };
        let intake = store_one(&mut tx, &mut batch, &recorder, &source, signal, decision, policy).await?;
        tx.execute("UPDATE idempotency_keys SET signal_id = $1 WHERE partner_id = $2 AND idem_key = $3", &args![intake.signal_id, partner_id, key])
            .await?;
        commit(tx, batch, linker, SignalChannel::Api.code()).await?;
        Ok(intake)
    }

    /// A monthly creditor file, all or nothing: rows below the minimum amount are left out,
    /// every other row is linked (in parallel) and stored in one transaction. `progress` gets
    /// (rows done, rows) now and then.
    pub async fn import_signals(
        &self,
        linker: &RwLock<Linker>,
        signals: &[NewSignal],
        policy: &SignalPolicy,
        route: &str,
        now: OffsetDateTime,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<ImportReport, StoreError> {
        let kept: Vec<&NewSignal> = signals.iter().filter(|s| policy.keeps(s)).collect();
        let decisions = {
            let linker = read_linker(linker)?;
            decide_all(&linker, &kept)?
        };
        progress(0, kept.len());
        let mut tx = self.pool().begin().await?;
        let mut batch = Batch::default();
        batch.report.rows = signals.len();
        batch.report.below_minimum = signals.len() - kept.len();
        batch.bulk = Some(Bulk::load(&mut tx, &mut batch.cases).await?);
        let recorder = Recorder { access: None, route, now };
        for (i, (signal, decision)) in kept.iter().zip(decisions).enumerate() {
            store_one(&mut tx, &mut batch, &recorder, &Source::File, signal, decision, policy).await?;
            if (i + 1) % 5000 == 0 && i + 1 < kept.len() {
                progress(i + 1, kept.len());
            }
        }
        let report = batch.report.clone();
        commit(tx, batch, linker, SignalChannel::Bestand.code()).await?;
        progress(kept.len(), kept.len());
        Ok(report)
    }
}

/// Writes what the batch kept back (case changes, an import's signals) and its audit records,
/// commits, and lets the linker learn who was created.
/// Commits an intake's batch; then the linker learns who it created and the counters count it.
async fn commit(mut tx: Tx, mut batch: Batch, linker: &RwLock<Linker>, channel: &str) -> Result<(), StoreError> {
    flush(&mut tx, &mut batch).await?;
    tx.commit().await?;
    let r = &batch.report;
    crate::metrics::signals_stored(channel, r.linked_automatically, r.to_review, r.to_new_household);
    learn(linker, batch.created)
}

/// Writes what a batch holds back: changed signal cases, bulk signals, the audit records.
async fn flush(tx: &mut Tx, batch: &mut Batch) -> Result<(), StoreError> {
    for case in batch.cases.values().filter(|c| c.changed) {
        tx.execute("UPDATE signal_cases SET due_date = $1, crisis = $2 WHERE id = $3", &args![time_fmt::date(case.due), case.crisis, case.id]).await?;
    }
    if let Some(bulk) = batch.bulk.take() {
        crate::load::insert_rows(tx, "signals", &SIGNAL_COLUMNS, bulk.signals).await?;
    }
    audit::append(tx, &batch.audit).await?;
    batch.audit.clear();
    Ok(())
}

/// A signal a worker noted at a door, about the household living there, stored in the
/// caller's transaction: it joins the household's open signal case (or opens one) for the
/// team's weighing, with its audit record.
pub(crate) async fn door_signal(tx: &mut Tx, access: &Access<'_>, household_id: Id, signal: &NewSignal, policy: &SignalPolicy) -> Result<Id, StoreError> {
    let mut batch = Batch::default();
    let recorder = Recorder { access: Some(access), route: access.route, now: access.now };
    let intake = store_one(tx, &mut batch, &recorder, &Source::Door { household_id }, signal, Decision::Unknown, policy).await?;
    flush(tx, &mut batch).await?;
    Ok(intake.signal_id)
}

fn read_linker(linker: &RwLock<Linker>) -> Result<std::sync::RwLockReadGuard<'_, Linker>, StoreError> {
    linker.read().map_err(|_| StoreError::Config("linker lock poisoned".into()))
}

fn learn(linker: &RwLock<Linker>, created: Created) -> Result<(), StoreError> {
    if created.is_empty() {
        return Ok(());
    }
    let mut l = linker.write().map_err(|_| StoreError::Config("linker lock poisoned".into()))?;
    for p in created {
        l.add(p);
    }
    Ok(())
}

/// Links many signals on every core; one decision per signal, in order, or an error (a lost
/// chunk would otherwise shorten the list and leave signals out of the import unnoticed).
fn decide_all(linker: &Linker, signals: &[&NewSignal]) -> Result<Vec<Decision>, StoreError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = signals.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = signals.chunks(chunk).map(|part| s.spawn(move || part.iter().map(|x| linker.decide(&x.resident)).collect::<Vec<_>>())).collect();
        let mut all = Vec::with_capacity(signals.len());
        for h in handles {
            all.extend(h.join().map_err(|_| StoreError::Config("a linking thread failed".into()))?);
        }
        Ok(all)
    })
}

/// Stores one signal inside the caller's transaction.
async fn store_one(
    tx: &mut Tx,
    batch: &mut Batch,
    recorder: &Recorder<'_>,
    source: &Source,
    signal: &NewSignal,
    decision: Decision,
    policy: &SignalPolicy,
) -> Result<Intake, StoreError> {
    let r = &signal.resident;
    let postcode = r.postcode.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default();
    let area = team_of_postcode(tx, &mut batch.teams, &postcode).await?;

    // Resolve the decision against the database as it is now.
    let mut attach: Option<(Id, Option<Id>, LinkState, Option<f64>)> = None;
    let mut review_score = None;
    if let Source::Door { household_id } = source {
        attach = Some((*household_id, None, LinkState::Beoordeeld, None));
    }
    match decision {
        _ if attach.is_some() => {}
        Decision::Automatic(m) => {
            let household = match &batch.bulk {
                Some(bulk) => bulk.household_of.get(&m.person_id).copied(),
                None => tx.fetch_optional("SELECT household_id FROM persons WHERE id = $1", &args![m.person_id]).await?.map(|r| r.i64(0)).transpose()?,
            };
            if let Some(h) = household {
                attach = Some((h, Some(m.person_id), LinkState::Automatisch, Some(m.probability)));
            }
        }
        Decision::Review(found) => review_score = found.first().map(|m| m.probability).or(Some(0.0)),
        Decision::Unknown => {}
    }
    if attach.is_none() && review_score.is_none() {
        // Unknown person: a new household when nobody is registered at the address.
        let key = address_key(r);
        if let Some((household_id, persons)) = key.as_ref().and_then(|k| batch.new_addresses.get(k)) {
            let person = persons.iter().find(|(_, k)| *k == person_key(r)).map(|(id, _)| *id);
            attach = Some((*household_id, person, LinkState::NieuwHuishouden, None));
        } else if households_at(tx, r).await? > 0 {
            review_score = Some(0.0);
        } else if let (Some(key), Some((_, buurt))) = (key, area.as_ref()) {
            let (household_id, person_id) = create_household(tx, batch, recorder, r, buurt).await?;
            batch.new_addresses.insert(key, (household_id, person_id.map(|p| vec![(p, person_key(r))]).unwrap_or_default()));
            batch.report.new_households += 1;
            attach = Some((household_id, person_id, LinkState::NieuwHuishouden, None));
        } else {
            review_score = Some(0.0);
        }
    }
    // A second row about a new household's person who was not yet added.
    if let Some((household_id, None, LinkState::NieuwHuishouden, _)) = attach {
        if let Some(birth_date) = r.birth_date {
            if let Ok(name) = PersonName::parse(&given_or_initials(r), &r.prefix, &r.surname) {
                let person_id = crate::residents::insert_person(tx, household_id, &name, birth_date, r.bsn.as_ref(), r.phone.as_deref()).await?;
                batch.audit.push(recorder.entry(AuditEvent::PersonCreate, Some(household_id), Some(person_id), None));
                note_created(tx, batch, person_id).await?;
                if let Some(k) = address_key(r) {
                    if let Some((_, persons)) = batch.new_addresses.get_mut(&k) {
                        persons.push((person_id, person_key(r)));
                    }
                }
                attach = Some((household_id, Some(person_id), LinkState::NieuwHuishouden, None));
            }
        }
    }

    let (partner_id, channel, reporter) = match source {
        Source::Partner { partner_id, channel } => (Some(*partner_id), *channel, None),
        Source::File => (Some(partner_for(tx, batch, signal).await?), SignalChannel::Bestand, None),
        Source::Worker { channel, reporter } => (None, *channel, reporter.clone()),
        Source::Door { .. } => (None, SignalChannel::Deur, None),
    };
    let due = policy.due_date(signal.signal_date, signal.crisis);
    let (mut status, mut case_id, link_state, household_id, person_id, score) = match attach {
        Some((household_id, person_id, state, score)) => (SignalStatus::Ontvangen, None, state, Some(household_id), person_id, score),
        None => (SignalStatus::Ontvangen, None, LinkState::TeBeoordelen, None, None, review_score),
    };
    if let Some(h) = household_id {
        let (id, stage) = bundle(tx, batch, h, area.as_ref().map(|a| a.0), due, signal.crisis, recorder.now).await?;
        case_id = Some(id);
        if matches!(stage, CaseStage::Opgepakt) {
            status = SignalStatus::Opgepakt;
        }
    }
    match link_state {
        LinkState::Automatisch => batch.report.linked_automatically += 1,
        LinkState::TeBeoordelen => batch.report.to_review += 1,
        LinkState::NieuwHuishouden => batch.report.to_new_household += 1,
        LinkState::Beoordeeld => {}
    }
    let reported = serde_json::to_string(&StoredReported::of(r)).map_err(|e| StoreError::Config(e.to_string()))?;
    let row: [Value; SIGNAL_COLUMNS.len()] = args![
        household_id,
        partner_id,
        signal.kind.code(),
        channel.code(),
        status.code(),
        time_fmt::date(signal.signal_date),
        time_fmt::instant(recorder.now),
        signal.amount_eur,
        signal.crisis,
        r.name_line(),
        r.address_line(),
        signal.concern.clone(),
        case_id,
        person_id,
        area.as_ref().map(|a| a.0),
        link_state.code(),
        score,
        signal.origin_date.map(time_fmt::date),
        signal.warm_handover,
        reported,
        reporter.as_ref().map(|x| x.reporter_type.code()),
        reporter.as_ref().map(|x| x.feedback.clone()),
        reporter.as_ref().and_then(|x| x.contact.clone()),
        recorder.access.filter(|a| matches!(a.actor.role, Role::Worker | Role::TeamLead)).map(|a| a.actor.user_id)
    ];
    // An import writes its signals together at the end (it answers with counts, not ids).
    let signal_id = match &mut batch.bulk {
        Some(bulk) => {
            bulk.signals.push(row);
            0
        }
        None => {
            let placeholders: Vec<String> = (1..=SIGNAL_COLUMNS.len()).map(|n| format!("${n}")).collect();
            let sql = format!("INSERT INTO signals ({}) VALUES ({}) RETURNING id", SIGNAL_COLUMNS.join(", "), placeholders.join(", "));
            tx.fetch_one(&sql, &row).await?.i64(0)?
        }
    };
    batch.audit.push(recorder.entry(AuditEvent::SignalCreate, household_id, person_id, partner_id));
    Ok(Intake { signal_id, status, link_state, household_id, signal_case_id: case_id })
}

fn given_or_initials(r: &Reported) -> String {
    if r.given_names.is_empty() { r.initials.clone() } else { r.given_names.clone() }
}

/// Tells two people of one new address apart within a file.
fn person_key(r: &Reported) -> String {
    format!("{}|{}|{}", r.surname.to_lowercase(), r.birth_date.map(time_fmt::date).unwrap_or_default(), given_or_initials(r).to_lowercase())
}

async fn households_at(tx: &mut Tx, r: &Reported) -> Result<i64, StoreError> {
    let (Some(pc), Some(h)) = (r.postcode.as_ref(), r.house_number.as_ref()) else { return Ok(0) };
    tx.fetch_i64(
        "SELECT COUNT(*) FROM households h JOIN addresses a ON a.id = h.address_id WHERE a.postcode = $1 AND a.house_number = $2 \
         AND COALESCE(a.house_letter, '') = $3 AND COALESCE(a.house_addition, '') = $4",
        &args![pc.as_str(), i64::from(h.number), h.letter.map(String::from).unwrap_or_default(), h.addition.clone().unwrap_or_default()],
    )
    .await
}

/// A household at a new address, with the reported person when their birth date is known
/// (the registry needs one; without it the household waits for a worker to add them).
async fn create_household(tx: &mut Tx, batch: &mut Batch, recorder: &Recorder<'_>, r: &Reported, buurt: &str) -> Result<(Id, Option<Id>), StoreError> {
    let (Some(pc), Some(h)) = (r.postcode.as_ref(), r.house_number.as_ref()) else { return Err(StoreError::corrupt("address")) };
    let address_id = tx
        .fetch_one(
            "INSERT INTO addresses (street, house_number, house_letter, house_addition, postcode, locality, buurt_code) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &args![r.street.as_str(), i64::from(h.number), h.letter.map(String::from), h.addition.clone(), pc.as_str(), r.locality.as_str(), buurt],
        )
        .await?
        .i64(0)?;
    let household_id = tx
        .fetch_one("INSERT INTO households (address_id, support, multi_problem) VALUES ($1, 'self-reliant', FALSE) RETURNING id", &args![address_id])
        .await?
        .i64(0)?;
    batch.audit.push(recorder.entry(AuditEvent::HouseholdCreate, Some(household_id), None, None));
    let mut person_id = None;
    if let Some(birth_date) = r.birth_date {
        if let Ok(name) = PersonName::parse(&given_or_initials(r), &r.prefix, &r.surname) {
            let id = crate::residents::insert_person(tx, household_id, &name, birth_date, r.bsn.as_ref(), r.phone.as_deref()).await?;
            batch.audit.push(recorder.entry(AuditEvent::PersonCreate, Some(household_id), Some(id), None));
            note_created(tx, batch, id).await?;
            person_id = Some(id);
        }
    }
    Ok((household_id, person_id))
}

async fn note_created(tx: &mut Tx, batch: &mut Batch, person_id: Id) -> Result<(), StoreError> {
    let sql = format!("SELECT {} {} WHERE p.id = $1", linking::KNOWN_COLUMNS, linking::PERSON_ADDRESS);
    let row = tx.fetch_one(&sql, &args![person_id]).await?;
    batch.created.push(linking::known_from(&row)?);
    Ok(())
}

/// The partner a file row names, registered on first sight.
async fn partner_for(tx: &mut Tx, batch: &mut Batch, signal: &NewSignal) -> Result<Id, StoreError> {
    let name = signal.partner_name.clone().unwrap_or_else(|| signal.partner_type.label_nl().to_string());
    let key = (name.clone(), signal.partner_type);
    if let Some(id) = batch.partners.get(&key) {
        return Ok(*id);
    }
    let id = match tx.fetch_optional("SELECT id FROM partners WHERE name = $1 AND partner_type = $2 ORDER BY id LIMIT 1", &args![name.as_str(), signal.partner_type.code()]).await? {
        Some(r) => r.i64(0)?,
        None => tx
            .fetch_one(
                "INSERT INTO partners (name, partner_type, kind) VALUES ($1, $2, $3) RETURNING id",
                &args![name.as_str(), signal.partner_type.code(), signal.partner_type.kind().code()],
            )
            .await?
            .i64(0)?,
    };
    batch.partners.insert(key, id);
    Ok(id)
}

/// The household's open signal case, made when there is none; its due date moves forward when
/// an earlier deadline (a crisis) comes in.
#[allow(clippy::too_many_arguments)]
async fn bundle(
    tx: &mut Tx,
    batch: &mut Batch,
    household_id: Id,
    team_id: Option<Id>,
    due: Date,
    crisis: bool,
    now: OffsetDateTime,
) -> Result<(Id, CaseStage), StoreError> {
    if batch.bulk.is_none() && !batch.cases.contains_key(&household_id) {
        let sql = "SELECT id, stage, due_date, crisis FROM signal_cases WHERE household_id = $1 AND stage <> 'afgesloten' ORDER BY id LIMIT 1";
        if let Some(row) = tx.fetch_optional(sql, &args![household_id]).await? {
            batch.cases.insert(household_id, open_case(&row, 0)?);
        }
    }
    if let Some(case) = batch.cases.get_mut(&household_id) {
        if due < case.due && case.stage != CaseStage::Opgepakt {
            case.due = due;
            case.changed = true;
        }
        if crisis && !case.crisis {
            case.crisis = true;
            case.changed = true;
        }
        return Ok((case.id, case.stage));
    }
    // The team of the household's own area (a known household may lie in another postcode);
    // a household this import made lies in the area of its postcode.
    let team = match &batch.bulk {
        Some(bulk) => bulk.team_of.get(&household_id).copied(),
        None => tx
            .fetch_optional(
                "SELECT t.id FROM households h JOIN addresses a ON a.id = h.address_id JOIN neighbourhoods b ON b.code = a.buurt_code \
                 JOIN teams t ON t.wijk_code = b.parent_code WHERE h.id = $1",
                &args![household_id],
            )
            .await?
            .map(|r| r.i64(0))
            .transpose()?,
    }
    .or(team_id);
    let id = tx
        .fetch_one(
            "INSERT INTO signal_cases (household_id, team_id, stage, opened_at, due_date, crisis) VALUES ($1, $2, 'nieuw', $3, $4, $5) RETURNING id",
            &args![household_id, team, time_fmt::instant(now), time_fmt::date(due), crisis],
        )
        .await?
        .i64(0)?;
    batch.cases.insert(household_id, OpenCase { id, stage: CaseStage::Nieuw, due, crisis, changed: false });
    batch.report.signal_cases_opened += 1;
    Ok((id, CaseStage::Nieuw))
}

// ---------------------------------------------------------------------------------------------
// The team's side: lists, the case page, review, weighing, pickup, closing.

/// Which signal cases a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseFilter {
    /// Every case not closed yet.
    Open,
    /// Open, not picked up, due within `due_soon_days`.
    DueSoon,
    /// Open, not picked up, past the due date.
    Overdue,
    /// Open cases this worker goes to.
    Mine,
    Closed,
}

impl CaseFilter {
    pub fn from_code(s: &str) -> Option<CaseFilter> {
        Some(match s {
            "open" => CaseFilter::Open,
            "binnenkort" => CaseFilter::DueSoon,
            "te-laat" => CaseFilter::Overdue,
            "mijn" => CaseFilter::Mine,
            "afgesloten" => CaseFilter::Closed,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            CaseFilter::Open => "open",
            CaseFilter::DueSoon => "binnenkort",
            CaseFilter::Overdue => "te-laat",
            CaseFilter::Mine => "mijn",
            CaseFilter::Closed => "afgesloten",
        }
    }
}

/// Why a case may come first. Eropaf never decides; it shows what the team should weigh.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PriorityHint {
    pub crisis: bool,
    pub signals: i64,
    /// Signals in the last 30 days.
    pub recent: i64,
    pub children: bool,
    /// Days until first contact is due (negative: overdue); `None` once picked up.
    pub days_left: Option<i64>,
}

impl PriorityHint {
    /// A rough ordering score: crisis, children, little time, several and recent signals.
    pub fn score(&self) -> i64 {
        let time = match self.days_left {
            Some(d) if d < 0 => 40,
            Some(d) if d <= 3 => 30,
            Some(d) if d <= 7 => 15,
            _ => 0,
        };
        i64::from(self.crisis) * 100 + i64::from(self.children) * 25 + time + self.signals.min(5) * 8 + self.recent.min(3) * 5
    }

    /// "crisis · 3 signalen (2 recent) · kinderen in huis · nog 2 dagen"
    pub fn text(&self, dutch: bool) -> String {
        let mut parts = Vec::new();
        if self.crisis {
            parts.push("crisis".to_string());
        }
        parts.push(if dutch { format!("{} signalen ({} recent)", self.signals, self.recent) } else { format!("{} signals ({} recent)", self.signals, self.recent) });
        if self.children {
            parts.push(if dutch { "kinderen in huis".into() } else { "children in the household".into() });
        }
        match self.days_left {
            Some(d) if d < 0 => parts.push(if dutch { format!("{} dagen te laat", -d) } else { format!("{} days overdue", -d) }),
            Some(d) => parts.push(if dutch { format!("nog {d} dagen") } else { format!("{d} days left") }),
            None => {}
        }
        parts.join(" · ")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    pub id: Id,
    pub household_id: Id,
    pub address: String,
    pub stage: CaseStage,
    pub due_date: Date,
    pub decision: Option<TeamDecision>,
    pub worker: Option<String>,
    /// Partner types and worries, "Huur, Energie, Buurtbewoner", with repeats counted.
    pub sources: String,
    pub end_result: Option<EndResult>,
    pub coercive: bool,
    pub hint: PriorityHint,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseSignal {
    pub id: Id,
    pub signal_date: Date,
    pub kind: SignalKind,
    pub channel: SignalChannel,
    pub partner: Option<String>,
    pub partner_type: Option<PartnerType>,
    pub amount_eur: Option<i64>,
    pub crisis: bool,
    pub warm_handover: bool,
    pub concern: Option<String>,
    pub link_state: LinkState,
    /// How many signals from this partner this case holds (2+: a repeated monthly signal).
    pub repeat: i64,
    pub reporter_feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeighingView {
    pub at: String,
    pub by: String,
    pub grounds: Vec<Ground>,
    pub why_go: String,
    pub why_not: Option<String>,
    pub proportionality: String,
    pub safety: Safety,
    pub models: Vec<OutreachModel>,
    pub approach: Approach,
    pub companion: Companion,
    pub decision: TeamDecision,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseDetail {
    pub row: CaseRow,
    pub members: Vec<String>,
    pub signals: Vec<CaseSignal>,
    pub weighings: Vec<WeighingView>,
    pub attempts: Vec<(String, domain::model::ContactKind, bool)>,
    pub picked_up_on: Option<Date>,
    pub closed_on: Option<Date>,
}

/// What the team records when it weighs a case.
#[derive(Debug, Clone, PartialEq)]
pub struct Weighing {
    pub grounds: Vec<Ground>,
    pub why_go: String,
    pub why_not: Option<String>,
    pub proportionality: String,
    pub safety: Safety,
    pub models: Vec<OutreachModel>,
    pub approach: Approach,
    pub companion: Companion,
    pub decision: TeamDecision,
    /// Who goes (a worker of the team); default the one who weighs.
    pub worker_id: Option<Id>,
}

pub(crate) fn invalid(field: &'static str, nl: &str, en: &str) -> StoreError {
    StoreError::Invalid { field, message_nl: nl.into(), message_en: en.into() }
}

impl Weighing {
    fn check(&self) -> Result<(), StoreError> {
        let text_ok = |s: &str| (10..=2000).contains(&s.trim().chars().count());
        if !text_ok(&self.why_go) {
            return Err(invalid("waarom", "Waarom ongevraagd: licht in 10 tot 2000 tekens toe waarom het team zou gaan.", "Why uninvited: explain in 10 to 2000 characters why the team would go."));
        }
        if !text_ok(&self.proportionality) {
            return Err(invalid("proportionaliteit", "Proportionaliteit: licht in 10 tot 2000 tekens toe waarom dit in verhouding is.", "Proportionality: explain in 10 to 2000 characters why this is proportionate."));
        }
        if self.why_not.as_deref().is_some_and(|s| s.chars().count() > 2000) {
            return Err(invalid("waarom-niet", "Waarom misschien niet: hoogstens 2000 tekens.", "Why perhaps not: at most 2000 characters."));
        }
        if self.decision == TeamDecision::Gaan && self.grounds.is_empty() {
            return Err(invalid("grond", "Grond: kies ten minste één grond om ongevraagd te gaan.", "Ground: choose at least one ground for going uninvited."));
        }
        if self.models.is_empty() {
            return Err(invalid("model", "Werkwijze: kies ten minste één model van outreachend werken.", "Approach model: choose at least one outreach model."));
        }
        Ok(())
    }
}

/// The signal cases of the actor's team (joined on the case's household area).
const CASE_FROM: &str = "FROM signal_cases sc JOIN households h ON h.id = sc.household_id JOIN addresses a ON a.id = h.address_id \
     JOIN neighbourhoods b ON b.code = a.buurt_code JOIN teams t ON t.wijk_code = b.parent_code AND t.id = $1 \
     LEFT JOIN users w ON w.id = sc.worker_id";
const CASE_COLUMNS: &str = "sc.id, sc.household_id, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality, \
     sc.stage, sc.due_date, sc.decision, w.display_name, sc.end_result, sc.crisis, sc.picked_up_on, sc.closed_on";

fn team_of(access: &Access<'_>) -> Result<Id, StoreError> {
    match access.actor.role {
        Role::Worker | Role::TeamLead => access.actor.team_id.ok_or(StoreError::Forbidden),
        _ => Err(StoreError::Forbidden),
    }
}

fn address_text(r: &crate::db::Row, first: usize) -> Result<String, StoreError> {
    let letter = r.opt_text(first + 2)?.unwrap_or_default();
    let addition = r.opt_text(first + 3)?.map(|a| format!("-{a}")).unwrap_or_default();
    let postcode = domain::Postcode::parse(&r.text(first + 4)?).map(|p| p.display()).unwrap_or_default();
    Ok(format!("{} {}{letter}{addition}, {postcode} {}", r.text(first)?, r.i64(first + 1)?, r.text(first + 5)?))
}

async fn case_rows(tx: &mut Tx, where_sql: &str, values: Vec<crate::db::Value>, today: Date) -> Result<Vec<CaseRow>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS} {CASE_FROM} WHERE {where_sql} ORDER BY sc.due_date, sc.id LIMIT 500");
    let rows = tx.fetch_all(&sql, &values).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let stage = CaseStage::from_code(&r.text(8)?).ok_or_else(|| StoreError::corrupt("case stage"))?;
        let due_date = time_fmt::parse_date(&r.text(9)?)?;
        let not_picked_up = matches!(stage, CaseStage::Nieuw | CaseStage::Gewogen);
        out.push(CaseRow {
            id: r.i64(0)?,
            household_id: r.i64(1)?,
            address: address_text(r, 2)?,
            stage,
            due_date,
            decision: r.opt_text(10)?.and_then(|d| TeamDecision::from_code(&d)),
            worker: r.opt_text(11)?,
            sources: String::new(),
            end_result: r.opt_text(12)?.and_then(|e| EndResult::from_code(&e)),
            coercive: false,
            hint: PriorityHint { crisis: r.bool(13)?, days_left: not_picked_up.then(|| (due_date - today).whole_days()), ..PriorityHint::default() },
        });
    }
    // Sources, counts, children and coercion per case: a few queries for the whole page.
    for chunk in out.chunks_mut(200) {
        let ids: Vec<String> = chunk.iter().map(|c| c.id.to_string()).collect();
        let list = ids.join(",");
        let recent = time_fmt::date(today - Duration::days(30));
        let sql = format!(
            "SELECT s.signal_case_id, s.kind, p.partner_type, s.reporter_type, s.signal_date FROM signals s LEFT JOIN partners p ON p.id = s.partner_id \
             WHERE s.signal_case_id IN ({list}) ORDER BY s.signal_date"
        );
        let mut sources: HashMap<Id, Vec<String>> = HashMap::new();
        for s in tx.fetch_all(&sql, &[]).await? {
            let case_id = s.i64(0)?;
            let label = match (s.opt_text(2)?.and_then(|p| PartnerType::from_code(&p)), s.opt_text(3)?.and_then(|p| PartnerType::from_code(&p))) {
                (Some(p), _) | (None, Some(p)) => p.label_nl().to_string(),
                (None, None) => SignalKind::from_code(&s.text(1)?).map(|k| k.label_nl().to_string()).unwrap_or_default(),
            };
            sources.entry(case_id).or_default().push(label);
            if let Some(c) = chunk.iter_mut().find(|c| c.id == case_id) {
                c.hint.signals += 1;
                c.hint.recent += i64::from(s.text(4)? >= recent);
            }
        }
        let adult = time_fmt::date(today - Duration::days(18 * 365 + 4));
        let sql = format!(
            "SELECT DISTINCT sc.id FROM signal_cases sc JOIN persons p ON p.household_id = sc.household_id WHERE sc.id IN ({list}) AND p.birth_date > $1"
        );
        let with_children: Vec<Id> = tx.fetch_all(&sql, &args![adult]).await?.iter().map(|r| r.i64(0)).collect::<Result<_, _>>()?;
        let sql = format!(
            "SELECT DISTINCT sw.signal_case_id, sw.models FROM signal_weighings sw WHERE sw.signal_case_id IN ({list})"
        );
        let coercive: Vec<Id> = tx
            .fetch_all(&sql, &[])
            .await?
            .iter()
            .filter(|r| r.text(1).is_ok_and(|m| m.split(',').any(|c| OutreachModel::from_code(c).is_some_and(OutreachModel::is_coercive))))
            .map(|r| r.i64(0))
            .collect::<Result<_, _>>()?;
        for c in chunk.iter_mut() {
            c.hint.children = with_children.contains(&c.id);
            c.coercive = coercive.contains(&c.id);
            let mut counted: Vec<(String, usize)> = Vec::new();
            for s in sources.remove(&c.id).unwrap_or_default() {
                match counted.iter_mut().find(|(l, _)| *l == s) {
                    Some(e) => e.1 += 1,
                    None => counted.push((s, 1)),
                }
            }
            c.sources = counted.into_iter().map(|(l, n)| if n > 1 { format!("{l} ({n}×)") } else { l }).collect::<Vec<_>>().join(", ");
        }
    }
    Ok(out)
}

impl Store {
    /// The team's signal cases in one of the lists, most urgent first for open ones. Audited
    /// per household shown.
    pub async fn signal_cases(&self, access: &Access<'_>, filter: CaseFilter, today: Date, policy: &SignalPolicy) -> Result<Vec<CaseRow>, StoreError> {
        let team = team_of(access)?;
        let mut values: Vec<crate::db::Value> = args![team].into();
        let where_sql = match filter {
            CaseFilter::Open => "sc.stage <> 'afgesloten'".to_string(),
            CaseFilter::DueSoon => {
                values.push(time_fmt::date(today).into());
                values.push(time_fmt::date(today + Duration::days(i64::from(policy.due_soon_days))).into());
                "sc.stage IN ('nieuw', 'gewogen') AND sc.due_date >= $2 AND sc.due_date <= $3".to_string()
            }
            CaseFilter::Overdue => {
                values.push(time_fmt::date(today).into());
                "sc.stage IN ('nieuw', 'gewogen') AND sc.due_date < $2".to_string()
            }
            CaseFilter::Mine => {
                values.push(access.actor.user_id.into());
                "sc.stage <> 'afgesloten' AND sc.worker_id = $2".to_string()
            }
            CaseFilter::Closed => "sc.stage = 'afgesloten'".to_string(),
        };
        let mut tx = self.pool().begin().await?;
        let mut rows = case_rows(&mut tx, &where_sql, values, today).await?;
        if filter != CaseFilter::Closed {
            rows.sort_by_key(|c| (-c.hint.score(), c.due_date, c.id));
        }
        let ids: Vec<Id> = rows.iter().map(|c| c.household_id).collect();
        audit::record_households(&mut tx, access, AuditEvent::HouseholdList, &ids).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// How many cases are open, due soon and overdue for the team (no personal data).
    pub async fn signal_case_counts(&self, access: &Access<'_>, today: Date, policy: &SignalPolicy) -> Result<[i64; 4], StoreError> {
        let team = team_of(access)?;
        let mut tx = self.pool().begin_read().await?;
        let soon = time_fmt::date(today + Duration::days(i64::from(policy.due_soon_days)));
        let t = time_fmt::date(today);
        let open = tx.fetch_i64("SELECT COUNT(*) FROM signal_cases WHERE team_id = $1 AND stage <> 'afgesloten'", &args![team]).await?;
        let due = tx
            .fetch_i64("SELECT COUNT(*) FROM signal_cases WHERE team_id = $1 AND stage IN ('nieuw', 'gewogen') AND due_date >= $2 AND due_date <= $3", &args![team, t.as_str(), soon])
            .await?;
        let late = tx.fetch_i64("SELECT COUNT(*) FROM signal_cases WHERE team_id = $1 AND stage IN ('nieuw', 'gewogen') AND due_date < $2", &args![team, t]).await?;
        let review = tx
            .fetch_i64("SELECT COUNT(*) FROM signals WHERE link_state = 'te-beoordelen' AND closed_result IS NULL AND (team_id = $1 OR team_id IS NULL)", &args![team])
            .await?;
        Ok([open, due, late, review])
    }

    /// One signal case with its signals, weighings and contact attempts. Audited.
    pub async fn signal_case(&self, access: &Access<'_>, case_id: Id, today: Date) -> Result<CaseDetail, StoreError> {
        let team = team_of(access)?;
        let mut tx = self.pool().begin().await?;
        let row = case_rows(&mut tx, "sc.id = $2", args![team, case_id].into(), today).await?.pop().ok_or(StoreError::NotFound)?;
        let members = tx
            .fetch_all("SELECT given_names, surname_prefix, surname, birth_date FROM persons WHERE household_id = $1 ORDER BY birth_date, id", &args![row.household_id])
            .await?
            .iter()
            .map(|r| {
                let name = [r.text(0)?, r.text(1)?, r.text(2)?].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
                Ok(format!("{name} ({})", time_fmt::parse_date(&r.text(3)?).map(|d| d.year()).unwrap_or_default()))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut signals = Vec::new();
        for s in tx
            .fetch_all(
                "SELECT s.id, s.signal_date, s.kind, s.channel, p.name, p.partner_type, s.amount_eur, s.crisis, s.warm_handover, s.concern, s.link_state, \
                 s.reporter_type, s.reporter_feedback, s.partner_id FROM signals s LEFT JOIN partners p ON p.id = s.partner_id \
                 WHERE s.signal_case_id = $1 ORDER BY s.signal_date DESC, s.id DESC",
                &args![case_id],
            )
            .await?
        {
            let partner_type = s.opt_text(5)?.and_then(|p| PartnerType::from_code(&p)).or(s.opt_text(11)?.and_then(|p| PartnerType::from_code(&p)));
            signals.push((
                s.opt_i64(13)?,
                CaseSignal {
                    id: s.i64(0)?,
                    signal_date: time_fmt::parse_date(&s.text(1)?)?,
                    kind: SignalKind::from_code(&s.text(2)?).ok_or_else(|| StoreError::corrupt("signal kind"))?,
                    channel: SignalChannel::from_code(&s.text(3)?).ok_or_else(|| StoreError::corrupt("channel"))?,
                    partner: s.opt_text(4)?,
                    partner_type,
                    amount_eur: s.opt_i64(6)?,
                    crisis: s.bool(7)?,
                    warm_handover: s.bool(8)?,
                    concern: s.opt_text(9)?,
                    link_state: LinkState::from_code(&s.text(10)?).ok_or_else(|| StoreError::corrupt("link state"))?,
                    repeat: 1,
                    reporter_feedback: s.opt_text(12)?,
                },
            ));
        }
        let partner_counts: HashMap<Id, i64> = signals.iter().filter_map(|(p, _)| *p).fold(HashMap::new(), |mut m, p| {
            *m.entry(p).or_default() += 1;
            m
        });
        let signals: Vec<CaseSignal> = signals
            .into_iter()
            .map(|(p, mut s)| {
                s.repeat = p.and_then(|p| partner_counts.get(&p).copied()).unwrap_or(1);
                s
            })
            .collect();
        let mut weighings = Vec::new();
        for w in tx
            .fetch_all(
                "SELECT sw.at, u.display_name, sw.grounds, sw.why_go, sw.why_not, sw.proportionality, sw.safety, sw.models, sw.approach, sw.companion, sw.decision \
                 FROM signal_weighings sw JOIN users u ON u.id = sw.user_id WHERE sw.signal_case_id = $1 ORDER BY sw.at DESC, sw.id DESC",
                &args![case_id],
            )
            .await?
        {
            let list = |s: String| s.split(',').filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
            weighings.push(WeighingView {
                at: w.text(0)?,
                by: w.text(1)?,
                grounds: list(w.text(2)?).iter().filter_map(|g| Ground::from_code(g)).collect(),
                why_go: w.text(3)?,
                why_not: w.opt_text(4)?,
                proportionality: w.text(5)?,
                safety: Safety::from_code(&w.text(6)?).ok_or_else(|| StoreError::corrupt("safety"))?,
                models: list(w.text(7)?).iter().filter_map(|m| OutreachModel::from_code(m)).collect(),
                approach: Approach::from_code(&w.text(8)?).ok_or_else(|| StoreError::corrupt("approach"))?,
                companion: Companion::from_code(&w.text(9)?).ok_or_else(|| StoreError::corrupt("companion"))?,
                decision: TeamDecision::from_code(&w.text(10)?).ok_or_else(|| StoreError::corrupt("decision"))?,
            });
        }
        let opened = tx.fetch_one("SELECT opened_at, picked_up_on, closed_on FROM signal_cases WHERE id = $1", &args![case_id]).await?;
        let attempts = tx
            .fetch_all("SELECT at, kind, reached FROM contact_attempts WHERE household_id = $1 AND at >= $2 ORDER BY at DESC, id DESC", &args![row.household_id, opened.text(0)?])
            .await?
            .iter()
            .map(|r| Ok((r.text(0)?, domain::model::ContactKind::from_code(&r.text(1)?).ok_or_else(|| StoreError::corrupt("contact kind"))?, r.bool(2)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let picked_up_on = opened.opt_text(1)?.map(|d| time_fmt::parse_date(&d)).transpose()?;
        let closed_on = opened.opt_text(2)?.map(|d| time_fmt::parse_date(&d)).transpose()?;
        audit::record(&mut tx, access, AuditEvent::HouseholdRead, Some(row.household_id), None).await?;
        tx.commit().await?;
        Ok(CaseDetail { row, members, signals, weighings, attempts, picked_up_on, closed_on })
    }

    /// The household of one of the team's signal cases (an id, no resident data: not audited).
    pub async fn signal_case_household(&self, access: &Access<'_>, case_id: Id) -> Result<Id, StoreError> {
        let team = team_of(access)?;
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("SELECT sc.household_id {CASE_FROM} WHERE sc.id = $2");
        tx.fetch_optional(&sql, &args![team, case_id]).await?.ok_or(StoreError::NotFound)?.i64(0)
    }

    /// The workers of the actor's team, (id, name), for "who goes".
    pub async fn team_workers(&self, team_id: Id) -> Result<Vec<(Id, String)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all("SELECT id, display_name FROM users WHERE team_id = $1 AND role IN ('worker', 'team-lead') AND NOT disabled ORDER BY display_name", &args![team_id])
            .await?;
        rows.iter().map(|r| Ok((r.i64(0)?, r.text(1)?))).collect()
    }

    /// Records the team's weighing and decision; the case shows who weighed what.
    pub async fn weigh_signal_case(&self, access: &Access<'_>, case_id: Id, w: &Weighing) -> Result<(), StoreError> {
        let team = team_of(access)?;
        w.check()?;
        let mut tx = self.pool().begin().await?;
        let sql = format!("SELECT sc.household_id, sc.stage {CASE_FROM} WHERE sc.id = $2");
        let row = tx.fetch_optional(&sql, &args![team, case_id]).await?.ok_or(StoreError::NotFound)?;
        let household_id = row.i64(0)?;
        if row.text(1)? == CaseStage::Afgesloten.code() {
            return Err(invalid("zaak", "Deze signaalzaak is al afgesloten.", "This signal case is already closed."));
        }
        let worker = w.worker_id.unwrap_or(access.actor.user_id);
        if tx.fetch_optional("SELECT id FROM users WHERE id = $1 AND team_id = $2", &args![worker, team]).await?.is_none() {
            return Err(invalid("werker", "Wie gaat: kies een werker uit uw team.", "Who goes: choose a worker of your team."));
        }
        let codes = |v: Vec<&str>| v.join(",");
        tx.execute(
            "INSERT INTO signal_weighings (signal_case_id, user_id, at, grounds, why_go, why_not, proportionality, safety, models, approach, companion, decision) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            &args![
                case_id,
                access.actor.user_id,
                time_fmt::instant(access.now),
                codes(w.grounds.iter().map(|g| g.code()).collect()),
                w.why_go.trim(),
                w.why_not.as_deref().map(str::trim).filter(|s| !s.is_empty()),
                w.proportionality.trim(),
                w.safety.code(),
                codes(w.models.iter().map(|m| m.code()).collect()),
                w.approach.code(),
                w.companion.code(),
                w.decision.code()
            ],
        )
        .await?;
        tx.execute(
            "UPDATE signal_cases SET decision = $1, worker_id = $2, stage = CASE WHEN stage = 'nieuw' THEN 'gewogen' ELSE stage END WHERE id = $3",
            &args![w.decision.code(), worker, case_id],
        )
        .await?;
        audit::record(&mut tx, access, AuditEvent::SignalWeigh, Some(household_id), None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes a signal case with its DDAS end result; partners then see the coarse result.
    pub async fn close_signal_case(&self, access: &Access<'_>, case_id: Id, result: EndResult, today: Date) -> Result<(), StoreError> {
        let team = team_of(access)?;
        let mut tx = self.pool().begin().await?;
        let sql = format!("SELECT sc.household_id, sc.stage {CASE_FROM} WHERE sc.id = $2");
        let row = tx.fetch_optional(&sql, &args![team, case_id]).await?.ok_or(StoreError::NotFound)?;
        if row.text(1)? == CaseStage::Afgesloten.code() {
            return Err(invalid("zaak", "Deze signaalzaak is al afgesloten.", "This signal case is already closed."));
        }
        tx.execute("UPDATE signal_cases SET stage = 'afgesloten', closed_on = $1, end_result = $2 WHERE id = $3", &args![time_fmt::date(today), result.code(), case_id])
            .await?;
        tx.execute("UPDATE signals SET status = 'afgesloten' WHERE signal_case_id = $1", &args![case_id]).await?;
        audit::record(&mut tx, access, AuditEvent::SignalClose, Some(row.i64(0)?), None).await?;
        tx.commit().await?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Review: signals linking was not sure about.

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    pub signal_id: Id,
    pub signal_date: Date,
    pub kind: SignalKind,
    pub partner: Option<String>,
    pub reported_name: String,
    pub reported_address: String,
    pub score: Option<f64>,
}

/// A candidate shown beside the reported resident: only people in the team's own area.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewCandidate {
    pub person_id: Option<Id>,
    pub household_id: Id,
    pub name: String,
    pub birth_date: Option<Date>,
    pub address: String,
    pub phone: Option<String>,
    pub probability: Option<f64>,
    pub explanation: Option<linkage::model::Explanation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewDetail {
    pub item: ReviewItem,
    pub reported: StoredReported,
    pub candidates: Vec<ReviewCandidate>,
    /// A new household can be made: the address is in the team's area and unknown.
    pub can_create: bool,
}

/// What the reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resolution {
    /// This is the household (and, when known, the person).
    Attach { household_id: Id, person_id: Option<Id> },
    /// Nobody known: register a new household at the reported address.
    NewHousehold,
    /// Not someone this municipality can help (DDAS signal status), closed without a case.
    Close(EndResult),
}

impl Store {
    /// Signals waiting for review in the actor's team (and those no team's area holds).
    pub async fn review_queue(&self, access: &Access<'_>) -> Result<Vec<ReviewItem>, StoreError> {
        let team = team_of(access)?;
        let mut tx = self.pool().begin().await?;
        let rows = tx
            .fetch_all(
                "SELECT s.id, s.signal_date, s.kind, p.name, s.reported_name, s.reported_address, s.link_score FROM signals s \
                 LEFT JOIN partners p ON p.id = s.partner_id WHERE s.link_state = 'te-beoordelen' AND s.closed_result IS NULL \
                 AND (s.team_id = $1 OR s.team_id IS NULL) ORDER BY s.crisis DESC, s.signal_date, s.id LIMIT 200",
                &args![team],
            )
            .await?;
        let items = rows.iter().map(review_item).collect::<Result<Vec<_>, _>>()?;
        if !items.is_empty() {
            audit::append(&mut tx, &[Entry::of(access, AuditEvent::SignalReviewList, None, None)]).await?;
        }
        tx.commit().await?;
        Ok(items)
    }

    /// One signal in review, side by side with its candidates in the team's area, each with
    /// the weight of every field. Audited per candidate shown.
    pub async fn review_detail(&self, access: &Access<'_>, linker: &RwLock<Linker>, signal_id: Id) -> Result<ReviewDetail, StoreError> {
        let team = team_of(access)?;
        let mut tx = self.pool().begin().await?;
        let row = tx
            .fetch_optional(
                "SELECT s.id, s.signal_date, s.kind, p.name, s.reported_name, s.reported_address, s.link_score, s.reported FROM signals s \
                 LEFT JOIN partners p ON p.id = s.partner_id WHERE s.id = $1 AND s.link_state = 'te-beoordelen' AND s.closed_result IS NULL \
                 AND (s.team_id = $2 OR s.team_id IS NULL)",
                &args![signal_id, team],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let item = review_item(&row)?;
        let reported: StoredReported = row.opt_text(7)?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
        let found: Vec<Match> = read_linker(linker)?.candidates(&reported.to_reported(), 0.001);
        let mut candidates = Vec::new();
        let in_area =
            "SELECT p.id, p.given_names, p.surname_prefix, p.surname, p.birth_date, p.phone, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality \
             FROM persons p JOIN households h ON h.id = p.household_id JOIN addresses a ON a.id = h.address_id JOIN neighbourhoods b ON b.code = a.buurt_code \
             JOIN teams t ON t.wijk_code = b.parent_code AND t.id = $1 WHERE p.id = $2";
        for m in found {
            if let Some(r) = tx.fetch_optional(in_area, &args![team, m.person_id]).await? {
                candidates.push(ReviewCandidate {
                    person_id: Some(m.person_id),
                    household_id: m.household_id,
                    name: [r.text(1)?, r.text(2)?, r.text(3)?].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "),
                    birth_date: Some(time_fmt::parse_date(&r.text(4)?)?),
                    phone: r.opt_text(5)?,
                    address: address_text(&r, 6)?,
                    probability: Some(m.probability),
                    explanation: m.explanation,
                });
            }
        }
        // Households at the reported address, when linking found nobody there.
        let reported_r = reported.to_reported();
        let mut can_create = false;
        if let (Some(pc), Some(h)) = (reported_r.postcode.as_ref(), reported_r.house_number.as_ref()) {
            let sql =
                "SELECT h.id, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality FROM households h JOIN addresses a ON a.id = h.address_id \
                 JOIN neighbourhoods b ON b.code = a.buurt_code JOIN teams t ON t.wijk_code = b.parent_code AND t.id = $1 \
                 WHERE a.postcode = $2 AND a.house_number = $3 AND COALESCE(a.house_letter, '') = $4 AND COALESCE(a.house_addition, '') = $5 ORDER BY h.id";
            let at_address = tx
                .fetch_all(sql, &args![team, pc.as_str(), i64::from(h.number), h.letter.map(String::from).unwrap_or_default(), h.addition.clone().unwrap_or_default()])
                .await?;
            for r in &at_address {
                let household_id = r.i64(0)?;
                if !candidates.iter().any(|c| c.household_id == household_id) {
                    candidates.push(ReviewCandidate {
                        person_id: None,
                        household_id,
                        name: String::new(),
                        birth_date: None,
                        phone: None,
                        address: address_text(r, 1)?,
                        probability: None,
                        explanation: None,
                    });
                }
            }
            let mut cache = HashMap::new();
            let area = team_of_postcode(&mut tx, &mut cache, pc.as_str()).await?;
            can_create = at_address.is_empty() && households_at(&mut tx, &reported_r).await? == 0 && area.is_some_and(|(t, _)| t == team);
        }
        let mut entries = vec![Entry::of(access, AuditEvent::SignalReviewRead, None, None)];
        entries.extend(candidates.iter().map(|c| Entry::of(access, AuditEvent::PersonRead, Some(c.household_id), c.person_id)));
        audit::append(&mut tx, &entries).await?;
        tx.commit().await?;
        Ok(ReviewDetail { item, reported, candidates, can_create })
    }

    /// Settles a signal in review. Attaching bundles it into the household's signal case.
    pub async fn resolve_review(
        &self,
        access: &Access<'_>,
        linker: &RwLock<Linker>,
        signal_id: Id,
        resolution: Resolution,
        policy: &SignalPolicy,
    ) -> Result<Option<Id>, StoreError> {
        let team = team_of(access)?;
        let mut tx = self.pool().begin().await?;
        let row = tx
            .fetch_optional(
                "SELECT reported, signal_date, crisis FROM signals WHERE id = $1 AND link_state = 'te-beoordelen' AND closed_result IS NULL AND (team_id = $2 OR team_id IS NULL)",
                &args![signal_id, team],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let reported: StoredReported = row.opt_text(0)?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
        let r = reported.to_reported();
        let due = policy.due_date(time_fmt::parse_date(&row.text(1)?)?, row.bool(2)?);
        let crisis = row.bool(2)?;
        let mut batch = Batch::default();
        let recorder = Recorder { access: Some(access), route: access.route, now: access.now };
        let (household_id, person_id) = match resolution {
            Resolution::Close(result) => {
                if !result.not_picked_up() {
                    return Err(invalid("resultaat", "Kies een reden waarom het signaal niet wordt opgepakt.", "Choose why the signal is not picked up."));
                }
                tx.execute("UPDATE signals SET status = 'afgesloten', link_state = 'beoordeeld', closed_result = $1 WHERE id = $2", &args![result.code(), signal_id])
                    .await?;
                audit::append(&mut tx, &[Entry::of(access, AuditEvent::SignalReviewResolve, None, None)]).await?;
                tx.commit().await?;
                return Ok(None);
            }
            Resolution::Attach { household_id, person_id } => {
                let sql = "SELECT h.id FROM households h JOIN addresses a ON a.id = h.address_id JOIN neighbourhoods b ON b.code = a.buurt_code \
                     JOIN teams t ON t.wijk_code = b.parent_code AND t.id = $1 WHERE h.id = $2";
                tx.fetch_optional(sql, &args![team, household_id]).await?.ok_or(StoreError::NotFound)?;
                if let Some(p) = person_id {
                    tx.fetch_optional("SELECT id FROM persons WHERE id = $1 AND household_id = $2", &args![p, household_id]).await?.ok_or(StoreError::NotFound)?;
                }
                (household_id, person_id)
            }
            Resolution::NewHousehold => {
                let pc = r.postcode.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default();
                let area = team_of_postcode(&mut tx, &mut batch.teams, &pc).await?;
                match area {
                    Some((t, buurt)) if t == team && households_at(&mut tx, &r).await? == 0 && r.house_number.is_some() => {
                        create_household(&mut tx, &mut batch, &recorder, &r, &buurt).await?
                    }
                    _ => {
                        return Err(invalid(
                            "adres",
                            "Op dit adres is al een huishouden bekend, of het ligt buiten het werkgebied van uw team; koppel het signaal aan een huishouden.",
                            "A household is already known at this address, or it lies outside your team's area; attach the signal to a household.",
                        ))
                    }
                }
            }
        };
        let (case_id, stage) = bundle(&mut tx, &mut batch, household_id, Some(team), due, crisis, access.now).await?;
        let status = if stage == CaseStage::Opgepakt { SignalStatus::Opgepakt } else { SignalStatus::Ontvangen };
        tx.execute(
            "UPDATE signals SET household_id = $1, person_id = $2, signal_case_id = $3, link_state = 'beoordeeld', status = $4, team_id = $5 WHERE id = $6",
            &args![household_id, person_id, case_id, status.code(), team, signal_id],
        )
        .await?;
        batch.audit.push(Entry::of(access, AuditEvent::SignalReviewResolve, Some(household_id), person_id));
        commit(tx, batch, linker, "review").await?;
        Ok(Some(case_id))
    }
}

fn review_item(r: &crate::db::Row) -> Result<ReviewItem, StoreError> {
    Ok(ReviewItem {
        signal_id: r.i64(0)?,
        signal_date: time_fmt::parse_date(&r.text(1)?)?,
        kind: SignalKind::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("signal kind"))?,
        partner: r.opt_text(3)?,
        reported_name: r.text(4)?,
        reported_address: r.text(5)?,
        score: r.opt_f64(6)?,
    })
}

// ---------------------------------------------------------------------------------------------
// What a partner sees of its own signals.

/// A partner's view of one of its signals: status and coarse result, nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerStatus {
    pub id: Id,
    pub signal_date: Date,
    pub kind: SignalKind,
    pub status: SignalStatus,
    pub result: Option<PartnerResult>,
}

const PARTNER_STATUS_SQL: &str = "SELECT s.id, s.signal_date, s.kind, s.status, sc.end_result, s.closed_result FROM signals s \
     LEFT JOIN signal_cases sc ON sc.id = s.signal_case_id";

fn partner_status(r: &crate::db::Row) -> Result<PartnerStatus, StoreError> {
    let status = SignalStatus::from_code(&r.text(3)?).ok_or_else(|| StoreError::corrupt("signal status"))?;
    let result = if status == SignalStatus::Afgesloten {
        r.opt_text(4)?.or(r.opt_text(5)?).and_then(|e| EndResult::from_code(&e)).map(EndResult::for_partner).or(Some(PartnerResult::NietOpgepakt))
    } else {
        None
    };
    Ok(PartnerStatus {
        id: r.i64(0)?,
        signal_date: time_fmt::parse_date(&r.text(1)?)?,
        kind: SignalKind::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("signal kind"))?,
        status,
        result,
    })
}

impl Store {
    /// One signal's status for the partner that sent it; another partner gets `NotFound`.
    pub async fn partner_signal(&self, partner_id: Id, signal_id: Id) -> Result<PartnerStatus, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("{PARTNER_STATUS_SQL} WHERE s.id = $1 AND s.partner_id = $2");
        partner_status(&tx.fetch_optional(&sql, &args![signal_id, partner_id]).await?.ok_or(StoreError::NotFound)?)
    }

    /// The partner's most recent signals with their status and coarse result.
    pub async fn partner_statuses(&self, partner_id: Id, limit: i64) -> Result<Vec<PartnerStatus>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("{PARTNER_STATUS_SQL} WHERE s.partner_id = $1 ORDER BY s.signal_date DESC, s.id DESC LIMIT $2");
        tx.fetch_all(&sql, &args![partner_id, limit]).await?.iter().map(partner_status).collect()
    }

    /// The partner's type, for the form and the API.
    pub async fn partner_type(&self, partner_id: Id) -> Result<PartnerType, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let r = tx.fetch_optional("SELECT partner_type FROM partners WHERE id = $1", &args![partner_id]).await?.ok_or(StoreError::NotFound)?;
        PartnerType::from_code(&r.text(0)?).ok_or_else(|| StoreError::corrupt("partner type"))
    }
}
