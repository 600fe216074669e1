//! Intake: linking a signal to a household (or the review queue), bundling it into the household's signal case, idempotent API submission, the creditor file in one transaction, and the door signal of a campaign.

use crate::kernel::audit::{self, AuditEvent, Entry, Recorder};
use crate::kernel::area;
use crate::kernel::households;
use crate::kernel::db::{Tx, Value};
use crate::linking::{self, Decision, KnownPerson, Linker};
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use crate::kernel::policy::SignalPolicy;
use domain::model::{
    CaseStage, Id, LinkState,
    PartnerType, Role, SignalChannel, SignalStatus,
};
use domain::signal::{NewSignal, Reported};
use domain::PersonName;
use std::collections::HashMap;
use std::sync::RwLock;
use time::{Date, OffsetDateTime};

use super::{ImportReport, Intake, Source, StoredReported};

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
pub(super) async fn team_of_postcode(tx: &mut Tx, cache: &mut HashMap<String, Option<(Id, String)>>, postcode: &str) -> Result<Option<(Id, String)>, StoreError> {
    if let Some(hit) = cache.get(postcode) {
        return Ok(hit.clone());
    }
    // A range on the postcode (not LIKE), so the postcode index is used: the exact postcode
    // first, then its four digits.
    const SQL: &str = concat!(
        "SELECT t.id, a.buurt_code FROM addresses a JOIN neighbourhoods b ON b.code = a.buurt_code JOIN teams t ON ",
        area::team_covers_buurt!(),
        " WHERE a.postcode >= $1 AND a.postcode < $2 ORDER BY a.postcode, a.id LIMIT 1"
    );
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
pub(super) struct Batch {
    pub(super) teams: HashMap<String, Option<(Id, String)>>,
    partners: HashMap<(String, PartnerType), Id>,
    new_addresses: NewAddresses,
    /// Open signal cases by household, as read or opened in this transaction; due date and
    /// crisis changes are written once, when it commits.
    cases: HashMap<Id, OpenCase>,
    /// A file import reads up front what rows would otherwise each look up, and writes its
    /// signals together at the end.
    bulk: Option<Bulk>,
    created: Created,
    pub(super) audit: Vec<Entry>,
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

const SIGNAL_COLUMNS: [&str; 25] = [
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
    "sensitive",
];

impl Bulk {
    /// Reads who lives where, which team holds each household, and every open signal case.
    async fn load(tx: &mut Tx, cases: &mut HashMap<Id, OpenCase>) -> Result<Bulk, StoreError> {
        let mut household_of = HashMap::new();
        for r in tx.fetch_all("SELECT id, household_id FROM persons", &[]).await? {
            household_of.insert(r.i64(0)?, r.i64(1)?);
        }
        let mut team_of = HashMap::new();
        let sql = format!("SELECT h.id, t.id FROM households h {}", area::HOUSEHOLD_AREA);
        for r in tx.fetch_all(&sql, &[]).await? {
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
fn open_case(r: &crate::kernel::db::Row, at: usize) -> Result<OpenCase, StoreError> {
    Ok(OpenCase {
        id: r.i64(at)?,
        stage: CaseStage::from_code(&r.text(at + 1)?).ok_or_else(|| StoreError::corrupt("case stage"))?,
        due: time_fmt::parse_date(&r.text(at + 2)?)?,
        crisis: r.bool(at + 3)?,
        changed: false,
    })
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
    ) -> Result<Intake, StoreError> {
        self.intake_with_reference(access, linker, source, None, signal).await
    }

    /// The same, with the partner's own reference for the signal (its case or customer number,
    /// checked by [`super::partner_reference`]), stored with the signal in its transaction;
    /// only a partner's signal carries one.
    pub async fn intake_with_reference(
        &self,
        access: &Access<'_>,
        linker: &RwLock<Linker>,
        source: &Source,
        reference: Option<&str>,
        signal: &NewSignal,
    ) -> Result<Intake, StoreError> {
        let policy = &self.policies().signals;
        let reference = checked_reference(source, reference)?;
        let decision = read_linker(linker)?.decide(&signal.resident);
        let mut tx = self.pool().begin().await?;
        let mut batch = Batch::default();
        let recorder = Recorder { access: Some(access), route: access.route, now: access.now };
        let intake = store_one(&mut tx, &mut batch, &recorder, source, signal, decision, policy).await?;
        set_reference(&mut tx, intake.signal_id, reference.as_deref()).await?;
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
    ) -> Result<Intake, StoreError> {
        self.intake_idempotent_with_reference(access, linker, key, body_hash, None, signal).await
    }

    /// The same, with the partner's own reference for the signal (part of the body, so of its
    /// hash: the same key with another reference is another signal, refused).
    #[allow(clippy::too_many_arguments)]
    pub async fn intake_idempotent_with_reference(
        &self,
        access: &Access<'_>,
        linker: &RwLock<Linker>,
        key: &str,
        body_hash: &str,
        reference: Option<&str>,
        signal: &NewSignal,
    ) -> Result<Intake, StoreError> {
        let policy = &self.policies().signals;
        let partner_id = access.actor.partner_id.ok_or(StoreError::Forbidden)?;
        let reference = super::partner_reference(reference.unwrap_or(""))?;
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
        set_reference(&mut tx, intake.signal_id, reference.as_deref()).await?;
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
        route: &str,
        now: OffsetDateTime,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<ImportReport, StoreError> {
        let policy = &self.policies().signals;
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

/// The partner's own reference, checked; refused for a signal that is not a partner's.
fn checked_reference(source: &Source, reference: Option<&str>) -> Result<Option<String>, StoreError> {
    let reference = super::partner_reference(reference.unwrap_or(""))?;
    if reference.is_some() && !matches!(source, Source::Partner { .. }) {
        return Err(crate::kernel::error::invalid("eigen_kenmerk", "Eigen kenmerk: alleen een signaalpartner geeft een eigen kenmerk mee.", "Own reference: only a signal partner gives its own reference."));
    }
    Ok(reference)
}

/// Stores the partner's own reference with the signal just stored, in its transaction.
async fn set_reference(tx: &mut Tx, signal_id: Id, reference: Option<&str>) -> Result<(), StoreError> {
    if let Some(r) = reference {
        tx.execute("UPDATE signals SET partner_reference = $1 WHERE id = $2", &args![r, signal_id]).await?;
    }
    Ok(())
}

/// Writes what the batch kept back (case changes, an import's signals) and its audit records,
/// commits, and lets the linker learn who was created.
/// Commits an intake's batch; then the linker learns who it created and the counters count it.
pub(super) async fn commit(mut tx: Tx, mut batch: Batch, linker: &RwLock<Linker>, channel: &str) -> Result<(), StoreError> {
    flush(&mut tx, &mut batch).await?;
    tx.commit().await?;
    let r = &batch.report;
    crate::kernel::metrics::signals_stored(channel, r.linked_automatically, r.to_review, r.to_new_household);
    learn(linker, batch.created)
}

/// Writes what a batch holds back: changed signal cases, bulk signals, the audit records.
async fn flush(tx: &mut Tx, batch: &mut Batch) -> Result<(), StoreError> {
    for case in batch.cases.values().filter(|c| c.changed) {
        tx.execute("UPDATE signal_cases SET due_date = $1, crisis = $2 WHERE id = $3", &args![time_fmt::date(case.due), case.crisis, case.id]).await?;
    }
    if let Some(bulk) = batch.bulk.take() {
        crate::kernel::db::insert_rows(tx, "signals", &SIGNAL_COLUMNS, bulk.signals).await?;
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

pub(super) fn read_linker(linker: &RwLock<Linker>) -> Result<std::sync::RwLockReadGuard<'_, Linker>, StoreError> {
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
                let person = (&name, birth_date, r.bsn.as_ref(), r.phone.as_deref());
                let person_id = households::create_person(tx, household_id, person, recorder, &mut batch.audit).await?;
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
    let (mut case_id, link_state, household_id, person_id, score) = match attach {
        Some((household_id, person_id, state, score)) => (None, state, Some(household_id), person_id, score),
        None => (None, LinkState::TeBeoordelen, None, None, review_score),
    };
    if let Some(h) = household_id {
        case_id = Some(bundle(tx, batch, h, area.as_ref().map(|a| a.0), due, signal.crisis, recorder.now).await?.0);
    }
    // Always received, also when the case it joins was picked up long ago: what the case went
    // through before this signal arrived is not the partner's to learn (issue 27, finding 1;
    // the rule is in `signals::partner`).
    let status = SignalStatus::Ontvangen;
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
        domain::text::clean_line(&r.name_line()),
        domain::text::clean_line(&r.address_line()),
        domain::text::clean_note(signal.concern.as_deref()),
        case_id,
        person_id,
        area.as_ref().map(|a| a.0),
        link_state.code(),
        score,
        signal.origin_date.map(time_fmt::date),
        signal.warm_handover,
        reported,
        reporter.as_ref().map(|x| x.reporter_type.code()),
        reporter.as_ref().map(|x| domain::text::clean_line(&x.feedback)),
        reporter.as_ref().and_then(|x| domain::text::clean_line_opt(x.contact.as_deref())),
        recorder.access.filter(|a| matches!(a.actor.role, Role::Worker | Role::TeamLead)).map(|a| a.actor.user_id),
        domain::model::Sensitive::join(&signal.sensitive)
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

pub(super) async fn households_at(tx: &mut Tx, r: &Reported) -> Result<i64, StoreError> {
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
pub(super) async fn create_household(tx: &mut Tx, batch: &mut Batch, recorder: &Recorder<'_>, r: &Reported, buurt: &str) -> Result<(Id, Option<Id>), StoreError> {
    let (Some(pc), Some(h)) = (r.postcode.as_ref(), r.house_number.as_ref()) else { return Err(StoreError::corrupt("address")) };
    let address = households::NewAddress { street: &r.street, house_number: h, postcode: pc, locality: &r.locality, buurt_code: buurt };
    let (address_id, _) = households::address_for(tx, &address).await?;
    let household_id = households::create_household(tx, address_id, recorder, &mut batch.audit).await?;
    let mut person_id = None;
    if let Some(birth_date) = r.birth_date {
        if let Ok(name) = PersonName::parse(&given_or_initials(r), &r.prefix, &r.surname) {
            let person = (&name, birth_date, r.bsn.as_ref(), r.phone.as_deref());
            let id = households::create_person(tx, household_id, person, recorder, &mut batch.audit).await?;
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
pub(super) async fn bundle(
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
        None => area::team_of_household(tx, household_id).await?,
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

