//! The audit trail: who read or changed which resident's data, when, through which route and
//! on whose behalf. Written only inside the transaction of the act it records.

use crate::kernel::db::{placeholder, Backend, Tx, Value};
use crate::kernel::time_fmt;
use crate::kernel::access::Setup;
use crate::{args, Access, StoreError};
use domain::model::Id;
use sha2::{Digest, Sha256};

/// What happened to a resident's data; codes are stable, they end up in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    HouseholdCreate,
    HouseholdRead,
    HouseholdBrief,
    HouseholdUpdate,
    HouseholdList,
    HouseholdSearchHit,
    PersonCreate,
    PersonRead,
    SignalCreate,
    ContactAttemptCreate,
    ContactPlan,
    HouseholdExport,
    HouseholdErase,
    /// One resident's own access request (AVG art. 15, per person).
    PersonExport,
    /// One resident erased (art. 17), the household and housemates kept.
    PersonErase,
    /// The privacy officer marked a flagged item of the trail as looked into, with a note.
    AuditReview,
    BreakGlass,
    DemoLoad,
    RetentionPurge,
    SignalWeigh,
    /// A second person confirmed a weighing ("vier ogen").
    SignalConfirm,
    /// The reporter heard back (what, at minimal disclosure).
    ReporterFeedback,
    /// The team lead recorded the case discussion's outcome for a household.
    DiscussionDecide,
    SignalClose,
    SignalReviewList,
    SignalReviewRead,
    SignalReviewResolve,
    DdasExport,
    CaseCreate,
    CaseRead,
    CaseUpdate,
    CaseClose,
    ZrmCreate,
    NetworkUpdate,
    ReferralCreate,
    ReferralCheck,
    CampaignPlan,
    WalkListRead,
    DoorResultCreate,
    AddressImport,
    /// The team's decision on a household's support level or multi-problem flag.
    SupportDecision,
    /// Set-up changes, with what changed (ids and codes, no names) in the reason field.
    MunicipalityChange,
    AreaImport,
    TeamChange,
    AccountChange,
    PartnerChange,
    /// A dilemma brought to the team's reflection (intervisie): a team act, no household.
    ReflectionCreate,
    /// The team recorded what it weighed and concluded.
    ReflectionConclude,
    /// A household's names were read to check a dilemma's text for them.
    ReflectionNameCheck,
}

impl AuditEvent {
    pub const ALL: &'static [AuditEvent] = &[
        AuditEvent::HouseholdRead,
        AuditEvent::HouseholdBrief,
        AuditEvent::HouseholdUpdate,
        AuditEvent::HouseholdSearchHit,
        AuditEvent::HouseholdList,
        AuditEvent::HouseholdCreate,
        AuditEvent::PersonCreate,
        AuditEvent::PersonRead,
        AuditEvent::SignalCreate,
        AuditEvent::SignalReviewList,
        AuditEvent::SignalReviewRead,
        AuditEvent::SignalReviewResolve,
        AuditEvent::SignalWeigh,
        AuditEvent::SignalConfirm,
        AuditEvent::ReporterFeedback,
        AuditEvent::DiscussionDecide,
        AuditEvent::SignalClose,
        AuditEvent::ContactAttemptCreate,
        AuditEvent::ContactPlan,
        AuditEvent::DdasExport,
        AuditEvent::CaseCreate,
        AuditEvent::CaseRead,
        AuditEvent::CaseUpdate,
        AuditEvent::CaseClose,
        AuditEvent::ZrmCreate,
        AuditEvent::NetworkUpdate,
        AuditEvent::ReferralCreate,
        AuditEvent::ReferralCheck,
        AuditEvent::CampaignPlan,
        AuditEvent::WalkListRead,
        AuditEvent::DoorResultCreate,
        AuditEvent::AddressImport,
        AuditEvent::SupportDecision,
        AuditEvent::MunicipalityChange,
        AuditEvent::AreaImport,
        AuditEvent::TeamChange,
        AuditEvent::AccountChange,
        AuditEvent::PartnerChange,
        AuditEvent::ReflectionCreate,
        AuditEvent::ReflectionConclude,
        AuditEvent::ReflectionNameCheck,
        AuditEvent::HouseholdExport,
        AuditEvent::HouseholdErase,
        AuditEvent::PersonExport,
        AuditEvent::PersonErase,
        AuditEvent::AuditReview,
        AuditEvent::BreakGlass,
        AuditEvent::DemoLoad,
        AuditEvent::RetentionPurge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditEvent::HouseholdCreate => "household.create",
            AuditEvent::HouseholdRead => "household.read",
            AuditEvent::HouseholdBrief => "household.brief",
            AuditEvent::HouseholdUpdate => "household.update",
            AuditEvent::HouseholdList => "household.list",
            AuditEvent::HouseholdSearchHit => "household.search-hit",
            AuditEvent::PersonCreate => "person.create",
            AuditEvent::PersonRead => "person.read",
            AuditEvent::SignalCreate => "signal.create",
            AuditEvent::ContactAttemptCreate => "contact-attempt.create",
            AuditEvent::ContactPlan => "contact.plan",
            AuditEvent::HouseholdExport => "household.export",
            AuditEvent::HouseholdErase => "household.erase",
            AuditEvent::PersonExport => "person.export",
            AuditEvent::PersonErase => "person.erase",
            AuditEvent::AuditReview => "audit.review",
            AuditEvent::BreakGlass => "household.break-glass",
            AuditEvent::DemoLoad => "demo.load",
            AuditEvent::RetentionPurge => "retention.purge",
            AuditEvent::SignalWeigh => "signal-case.weigh",
            AuditEvent::SignalConfirm => "signal-case.confirm",
            AuditEvent::ReporterFeedback => "signal.feedback",
            AuditEvent::DiscussionDecide => "case-discussion.decide",
            AuditEvent::SignalClose => "signal-case.close",
            AuditEvent::SignalReviewList => "signal.review-list",
            AuditEvent::SignalReviewRead => "signal.review-read",
            AuditEvent::SignalReviewResolve => "signal.review-resolve",
            AuditEvent::DdasExport => "ddas.export",
            AuditEvent::CaseCreate => "case.create",
            AuditEvent::CaseRead => "case.read",
            AuditEvent::CaseUpdate => "case.update",
            AuditEvent::CaseClose => "case.close",
            AuditEvent::ZrmCreate => "zrm.create",
            AuditEvent::NetworkUpdate => "network.update",
            AuditEvent::ReferralCreate => "referral.create",
            AuditEvent::ReferralCheck => "referral.check",
            AuditEvent::CampaignPlan => "campaign.plan",
            AuditEvent::WalkListRead => "walk-list.read",
            AuditEvent::DoorResultCreate => "door-result.create",
            AuditEvent::AddressImport => "address.import",
            AuditEvent::SupportDecision => "household.support",
            AuditEvent::MunicipalityChange => "municipality.change",
            AuditEvent::AreaImport => "area.import",
            AuditEvent::TeamChange => "team.change",
            AuditEvent::AccountChange => "account.change",
            AuditEvent::PartnerChange => "partner.change",
            AuditEvent::ReflectionCreate => "reflection.create",
            AuditEvent::ReflectionConclude => "reflection.conclude",
            AuditEvent::ReflectionNameCheck => "reflection.name-check",
        }
    }
}

impl AuditEvent {
    /// What the privacy officer and the resident read: the event in plain Dutch, and English
    /// for the language switch.
    pub fn label(self, dutch: bool) -> &'static str {
        let (nl, en) = match self {
            AuditEvent::HouseholdCreate => ("Huishouden vastgelegd", "Household recorded"),
            AuditEvent::HouseholdRead => ("Dossier van het huishouden bekeken", "Household file viewed"),
            AuditEvent::HouseholdBrief => ("Voorbereiding huisbezoek bekeken", "First-visit brief viewed"),
            AuditEvent::HouseholdUpdate => ("Gegevens van het huishouden gewijzigd", "Household details changed"),
            AuditEvent::HouseholdList => ("Huishouden getoond in een lijst", "Household shown in a list"),
            AuditEvent::HouseholdSearchHit => ("Huishouden gevonden bij zoeken", "Household found in a search"),
            AuditEvent::PersonCreate => ("Bewoner vastgelegd", "Resident recorded"),
            AuditEvent::PersonRead => ("Gegevens van een bewoner bekeken", "Resident details viewed"),
            AuditEvent::SignalCreate => ("Signaal ontvangen", "Signal received"),
            AuditEvent::ContactAttemptCreate => ("Contactpoging vastgelegd", "Contact attempt recorded"),
            AuditEvent::ContactPlan => ("Contact gepland", "Contact planned"),
            AuditEvent::HouseholdExport => ("Inzage voor het hele huishouden", "Access export for the whole household"),
            AuditEvent::HouseholdErase => ("Huishouden gewist", "Household erased"),
            AuditEvent::PersonExport => ("Inzage voor één bewoner", "Access export for one resident"),
            AuditEvent::PersonErase => ("Bewoner gewist", "Resident erased"),
            AuditEvent::AuditReview => ("Opvallende inzage nagegaan", "Flagged access reviewed"),
            AuditEvent::BreakGlass => ("Noodtoegang gebruikt", "Emergency access used"),
            AuditEvent::DemoLoad => ("Oefengegevens geladen", "Demo data loaded"),
            AuditEvent::RetentionPurge => ("Gegevens verwijderd na de bewaartermijn", "Data removed after the retention term"),
            AuditEvent::SignalWeigh => ("Signaal gewogen: wel of niet erop af", "Signal weighed: go or not"),
            AuditEvent::SignalConfirm => ("Weging bevestigd door een tweede persoon", "Weighing confirmed by a second person"),
            AuditEvent::ReporterFeedback => ("Terugkoppeling aan de melder", "Feedback to the reporter"),
            AuditEvent::DiscussionDecide => ("Besluit in het casusoverleg", "Case-discussion decision"),
            AuditEvent::SignalClose => ("Signaalzaak afgesloten", "Signal case closed"),
            AuditEvent::SignalReviewList => ("Signaal getoond in de lijst om na te gaan", "Signal shown in the review list"),
            AuditEvent::SignalReviewRead => ("Signaal bekeken om te koppelen", "Signal viewed for linking"),
            AuditEvent::SignalReviewResolve => ("Signaal gekoppeld of afgehandeld", "Signal linked or resolved"),
            AuditEvent::DdasExport => ("Opgenomen in de landelijke levering (DDAS)", "Included in the national delivery (DDAS)"),
            AuditEvent::CaseCreate => ("Traject gestart", "Case opened"),
            AuditEvent::CaseRead => ("Traject bekeken", "Case viewed"),
            AuditEvent::CaseUpdate => ("Traject bijgewerkt", "Case updated"),
            AuditEvent::CaseClose => ("Traject afgesloten", "Case closed"),
            AuditEvent::ZrmCreate => ("Zelfredzaamheid gescoord (ZRM)", "Self-reliance scored (ZRM)"),
            AuditEvent::NetworkUpdate => ("Netwerk bijgewerkt", "Network updated"),
            AuditEvent::ReferralCreate => ("Doorverwezen", "Referred"),
            AuditEvent::ReferralCheck => ("Verwijzing nagegaan", "Referral checked"),
            AuditEvent::CampaignPlan => ("Opgenomen in een deur-aan-deuractie", "Included in a door-to-door campaign"),
            AuditEvent::WalkListRead => ("Looplijst bekeken", "Walk list viewed"),
            AuditEvent::DoorResultCreate => ("Resultaat aan de deur vastgelegd", "Door result recorded"),
            AuditEvent::AddressImport => ("Adressen ingelezen", "Addresses imported"),
            AuditEvent::SupportDecision => ("Besluit over de ondersteuning", "Support decision"),
            AuditEvent::MunicipalityChange => ("Gemeente ingesteld", "Municipality set up"),
            AuditEvent::AreaImport => ("Wijken en buurten ingelezen", "Areas imported"),
            AuditEvent::TeamChange => ("Team gewijzigd", "Team changed"),
            AuditEvent::AccountChange => ("Account gewijzigd", "Account changed"),
            AuditEvent::PartnerChange => ("Partnerorganisatie gewijzigd", "Partner organisation changed"),
            AuditEvent::ReflectionCreate => ("Dilemma ingebracht voor intervisie", "Dilemma brought to the team's reflection"),
            AuditEvent::ReflectionConclude => ("Intervisie afgerond", "Team reflection concluded"),
            AuditEvent::ReflectionNameCheck => ("Namen gecontroleerd: een intervisietekst bevat ze niet", "Names checked: a reflection text does not hold them"),
        };
        if dutch { nl } else { en }
    }

    pub fn from_code(code: &str) -> Option<AuditEvent> {
        AuditEvent::ALL.iter().copied().find(|e| e.code() == code)
    }

    /// The label of a stored code; a code this binary does not know reads as "another event".
    pub fn label_of(code: &str, dutch: bool) -> &'static str {
        match AuditEvent::from_code(code) {
            Some(e) => e.label(dutch),
            None if dutch => "Andere gebeurtenis",
            None => "Other event",
        }
    }

    /// Events that read many households at once (lists, search hits): the trail shows one line
    /// per view with its count, while a record per household stays for that resident's export.
    pub fn is_list(self) -> bool {
        matches!(self, AuditEvent::HouseholdList | AuditEvent::HouseholdSearchHit | AuditEvent::SignalReviewList | AuditEvent::CampaignPlan | AuditEvent::DdasExport)
    }
}

/// One audit row as stored, for checks and (later) the audit viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: Id,
    pub seq: i64,
    pub at: String,
    pub event: String,
    pub household_id: Option<Id>,
    pub person_id: Option<Id>,
    pub user_id: Option<Id>,
    pub on_behalf_of: Option<String>,
    pub route: String,
    pub reason: Option<String>,
}

/// One audit record to append; the chain fields are computed by [`append`].
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub at: String,
    pub event: String,
    pub household_id: Option<Id>,
    pub person_id: Option<Id>,
    pub user_id: Option<Id>,
    pub on_behalf_of: Option<String>,
    pub route: String,
    pub reason: Option<String>,
}

impl Entry {
    pub(crate) fn of(access: &Access<'_>, event: AuditEvent, household_id: Option<Id>, person_id: Option<Id>) -> Entry {
        Entry {
            at: time_fmt::instant(access.now),
            event: event.code().to_string(),
            household_id,
            person_id,
            user_id: Some(access.actor.user_id),
            on_behalf_of: access.actor.partner_id.map(|p| format!("partner:{p}")),
            route: access.route.to_string(),
            reason: None,
        }
    }
}

/// One record of a set-up change: the administrator (or the command), and what changed in
/// `detail` (ids, codes and counts, never a name).
pub(crate) fn setup_entry(setup: &Setup<'_>, event: AuditEvent, detail: String) -> Entry {
    match setup {
        Setup::Admin(a) => Entry { reason: Some(detail), ..Entry::of(a, event, None, None) },
        Setup::Cli { command, now } => Entry {
            at: time_fmt::instant(*now),
            event: event.code().to_string(),
            household_id: None,
            person_id: None,
            user_id: None,
            on_behalf_of: None,
            route: format!("cli: {command}"),
            reason: Some(detail),
        },
    }
}

/// Who the audit records name for an intake: the signed-in user, or for a file the partner.
pub(crate) struct Recorder<'a> {
    pub access: Option<&'a Access<'a>>,
    pub route: &'a str,
    pub now: time::OffsetDateTime,
}

impl<'a> Recorder<'a> {
    /// Records that name the signed-in user of `access`.
    pub(crate) fn of(access: &'a Access<'a>) -> Recorder<'a> {
        Recorder { access: Some(access), route: access.route, now: access.now }
    }

    pub(crate) fn entry(&self, event: AuditEvent, household_id: Option<Id>, person_id: Option<Id>, partner_id: Option<Id>) -> Entry {
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

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 over the previous hash and every field, each length-prefixed so no two different
/// records can serialise alike.
pub(crate) fn chain_hash(prev_hash: &str, seq: i64, e: &Entry) -> String {
    let mut h = Sha256::new();
    let opt = |v: Option<Id>| v.map(|x| x.to_string()).unwrap_or_default();
    let fields = [
        prev_hash.to_string(),
        seq.to_string(),
        e.at.clone(),
        e.event.clone(),
        opt(e.household_id),
        opt(e.person_id),
        opt(e.user_id),
        e.on_behalf_of.clone().unwrap_or_default(),
        e.route.clone(),
        e.reason.clone().unwrap_or_default(),
    ];
    for f in &fields {
        h.update(f.len().to_string().as_bytes());
        h.update(b":");
        h.update(f.as_bytes());
        h.update(b";");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends records to the chain inside the caller's transaction. The head row is locked
/// (PostgreSQL) or the single SQLite writer holds the database, so concurrent appenders queue.
pub(crate) async fn append(tx: &mut Tx, entries: &[Entry]) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let lock = match tx.backend() {
        Backend::Sqlite => "SELECT seq, hash FROM audit_head WHERE id = 1",
        Backend::Postgres => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
    };
    let head = tx.fetch_one(lock, &[]).await?;
    let (mut seq, mut hash) = (head.i64(0)?, head.text(1)?);
    const COLUMNS: usize = 11;
    for chunk in entries.chunks(2000) {
        let mut sql = String::from(
            "INSERT INTO audit_events (seq, at, event, household_id, person_id, user_id, on_behalf_of, route, reason, prev_hash, hash) VALUES ",
        );
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * COLUMNS);
        for (i, e) in chunk.iter().enumerate() {
            seq += 1;
            let next = chain_hash(&hash, seq, e);
            if i > 0 {
                sql.push(',');
            }
            let p: Vec<String> = (1..=COLUMNS).map(|k| placeholder(tx.backend(), i * COLUMNS + k)).collect();
            sql.push_str(&format!("({})", p.join(",")));
            values.extend(args![
                seq,
                e.at.as_str(),
                e.event.as_str(),
                e.household_id,
                e.person_id,
                e.user_id,
                e.on_behalf_of.clone(),
                e.route.as_str(),
                e.reason.clone(),
                hash.as_str(),
                next.as_str()
            ]);
            hash = next;
        }
        tx.execute(&sql, &values).await?;
    }
    tx.execute("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", &args![seq, hash]).await?;
    Ok(())
}

pub(crate) async fn record(
    tx: &mut Tx,
    access: &Access<'_>,
    event: AuditEvent,
    household_id: Option<Id>,
    person_id: Option<Id>,
) -> Result<(), StoreError> {
    append(tx, &[Entry::of(access, event, household_id, person_id)]).await
}

/// Many households at once (search hits, lists): one record each, one statement per 2,000.
pub(crate) async fn record_households(tx: &mut Tx, access: &Access<'_>, event: AuditEvent, household_ids: &[Id]) -> Result<(), StoreError> {
    let entries: Vec<Entry> = household_ids.iter().map(|id| Entry::of(access, event, Some(*id), None)).collect();
    append(tx, &entries).await
}

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every record links to the one before and its hash recomputes; the head matches.
    Intact { records: i64, head: String },
    /// The first record (by sequence number) that does not fit, and why.
    Broken { seq: i64, id: Option<Id>, reason: &'static str },
}

impl crate::Store {
    /// The audit events about one household, oldest first (for tests and the privacy officer).
    pub async fn audit_for_household(&self, household_id: Id) -> Result<Vec<AuditRecord>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT id, seq, at, event, household_id, person_id, user_id, on_behalf_of, route, reason \
                 FROM audit_events WHERE household_id = $1 ORDER BY seq",
                &args![household_id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRecord {
                    id: r.i64(0)?,
                    seq: r.i64(1)?,
                    at: r.text(2)?,
                    event: r.text(3)?,
                    household_id: r.opt_i64(4)?,
                    person_id: r.opt_i64(5)?,
                    user_id: r.opt_i64(6)?,
                    on_behalf_of: r.opt_text(7)?,
                    route: r.text(8)?,
                    reason: r.opt_text(9)?,
                })
            })
            .collect()
    }
}

/// How often each kind of event happened since a moment, and by how many users: what the
/// privacy officer sees first, without any case content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSummaryRow {
    pub event: String,
    pub count: i64,
    pub users: i64,
}

impl crate::Store {
    pub async fn audit_summary(&self, since: time::OffsetDateTime) -> Result<Vec<AuditSummaryRow>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT event, COUNT(*), COUNT(DISTINCT user_id) FROM audit_events WHERE at >= $1 GROUP BY event ORDER BY event",
                &args![time_fmt::instant(since)],
            )
            .await?;
        rows.iter().map(|r| Ok(AuditSummaryRow { event: r.text(0)?, count: r.i64(1)?, users: r.i64(2)? })).collect()
    }
}

impl crate::Store {
    /// Walks the audit chain in sequence order, in pages, and names the first record that was
    /// changed, removed or inserted out of order.
    pub async fn verify_audit_chain(&self) -> Result<ChainCheck, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        verify_chain(&mut tx).await
    }
}

/// The chain check inside a transaction, so a copy can be checked before it is committed.
pub(crate) async fn verify_chain(tx: &mut Tx) -> Result<ChainCheck, StoreError> {
    let (mut expected_seq, mut prev) = (0i64, GENESIS_HASH.to_string());
    loop {
        let rows = tx
            .fetch_all(
                "SELECT id, seq, at, event, household_id, person_id, user_id, on_behalf_of, route, reason, prev_hash, hash \
                 FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 10000",
                &args![expected_seq],
            )
            .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let (id, seq) = (r.i64(0)?, r.i64(1)?);
            if seq != expected_seq + 1 {
                return Ok(ChainCheck::Broken { seq: expected_seq + 1, id: None, reason: "record missing" });
            }
            let entry = Entry {
                at: r.text(2)?,
                event: r.text(3)?,
                household_id: r.opt_i64(4)?,
                person_id: r.opt_i64(5)?,
                user_id: r.opt_i64(6)?,
                on_behalf_of: r.opt_text(7)?,
                route: r.text(8)?,
                reason: r.opt_text(9)?,
            };
            if r.text(10)? != prev {
                return Ok(ChainCheck::Broken { seq, id: Some(id), reason: "does not link to the record before" });
            }
            let recomputed = chain_hash(&prev, seq, &entry);
            if r.text(11)? != recomputed {
                return Ok(ChainCheck::Broken { seq, id: Some(id), reason: "content changed" });
            }
            prev = recomputed;
            expected_seq = seq;
        }
    }
    let head = tx.fetch_one("SELECT seq, hash FROM audit_head WHERE id = 1", &[]).await?;
    if head.i64(0)? != expected_seq || head.text(1)? != prev {
        return Ok(ChainCheck::Broken { seq: expected_seq + 1, id: None, reason: "records after this point were removed" });
    }
    Ok(ChainCheck::Intact { records: expected_seq, head: prev })
}

/// What the privacy officer filters the audit trail on.
#[derive(Debug, Clone)]
pub struct AuditFilter {
    pub household_id: Option<Id>,
    pub username: Option<String>,
    pub event: Option<String>,
    pub since: time::OffsetDateTime,
}

/// One audit record as the privacy officer sees it: ids and staff, never case content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditViewRow {
    pub seq: i64,
    pub at: String,
    pub event: String,
    pub household_id: Option<Id>,
    pub user: Option<String>,
    pub on_behalf_of: Option<String>,
    pub route: String,
    pub reason: Option<String>,
}

impl crate::Store {
    /// The newest records matching the filter, at most `limit`.
    pub async fn audit_search(&self, f: &AuditFilter, limit: i64) -> Result<Vec<AuditViewRow>, StoreError> {
        let mut sql = String::from(
            "SELECT e.seq, e.at, e.event, e.household_id, u.username, e.on_behalf_of, e.route, e.reason \
             FROM audit_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.at >= $1",
        );
        let mut values: Vec<Value> = args![time_fmt::instant(f.since)].into();
        if let Some(h) = f.household_id {
            values.push(h.into());
            sql.push_str(&format!(" AND e.household_id = ${}", values.len()));
        }
        if let Some(u) = &f.username {
            values.push(u.clone().into());
            sql.push_str(&format!(" AND u.username = ${}", values.len()));
        }
        if let Some(ev) = &f.event {
            values.push(ev.clone().into());
            sql.push_str(&format!(" AND e.event = ${}", values.len()));
        }
        values.push(limit.into());
        sql.push_str(&format!(" ORDER BY e.seq DESC LIMIT ${}", values.len()));
        let mut tx = self.pool().begin_read().await?;
        tx.fetch_all(&sql, &values)
            .await?
            .iter()
            .map(|r| {
                Ok(AuditViewRow {
                    seq: r.i64(0)?,
                    at: r.text(1)?,
                    event: r.text(2)?,
                    household_id: r.opt_i64(3)?,
                    user: r.opt_text(4)?,
                    on_behalf_of: r.opt_text(5)?,
                    route: r.text(6)?,
                    reason: r.opt_text(7)?,
                })
            })
            .collect()
    }
}
