//! Bulk loading of a synthetic municipality (demo, tests, benchmarks): multi-row inserts in
//! one transaction, ids kept as generated, one audit event per household created.

use crate::kernel::area;
use crate::kernel::audit::{AuditEvent, Entry};
use crate::kernel::db::{insert_rows, reset_identities, Backend, Value};
use crate::kernel::time_fmt;
use crate::{args, Store, StoreError};
use domain::model::{ContactKind, DayPart, LinkState, SignalStatus};
use std::collections::HashMap;
use synth::Municipality;
use time::OffsetDateTime;

impl Store {
    /// Loads a generated municipality into an empty database, all or nothing.
    pub async fn load_municipality(&self, m: &Municipality, now: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        if tx.fetch_i64("SELECT COUNT(*) FROM households", &[]).await? > 0 || tx.fetch_i64("SELECT COUNT(*) FROM users", &[]).await? > 0
            || tx.fetch_i64("SELECT COUNT(*) FROM municipality", &[]).await? > 0
        {
            return Err(StoreError::Config("de database bevat al gegevens; demo-gegevens laden kan alleen in een lege database".into()));
        }
        insert_rows(&mut tx, "municipality", &["id", "code", "name", "created_at"], vec![args![1_i64, m.gemeente.code(), m.name.as_str(), time_fmt::instant(now)]]).await?;
        insert_rows(
            &mut tx,
            "neighbourhoods",
            &["code", "level", "name", "parent_code", "deprived"],
            m.wijken
                .iter()
                .map(|w| args![w.code.code(), "wijk", w.name.as_str(), None::<String>, w.deprived])
                .chain(m.buurten.iter().map(|b| args![b.code.code(), "buurt", b.name.as_str(), b.code.parent().map(|p| p.code()), b.deprived]))
                .collect(),
        )
        .await?;
        insert_rows(
            &mut tx,
            "addresses",
            &["id", "street", "house_number", "house_letter", "house_addition", "postcode", "locality", "buurt_code", "x", "y"],
            m.addresses
                .iter()
                .map(|a| {
                    args![
                        a.id,
                        a.street.as_str(),
                        i64::from(a.house_number.number),
                        a.house_number.letter.map(String::from),
                        a.house_number.addition.clone(),
                        a.postcode.as_str(),
                        a.locality.as_str(),
                        a.buurt.code(),
                        a.point.x,
                        a.point.y
                    ]
                })
                .collect(),
        )
        .await?;
        insert_rows(
            &mut tx,
            "households",
            &["id", "address_id", "support", "multi_problem"],
            m.households.iter().map(|h| args![h.id, h.address_id, h.support.code(), h.multi_problem]).collect(),
        )
        .await?;
        insert_rows(
            &mut tx,
            "persons",
            &["id", "household_id", "given_names", "initials", "surname_prefix", "surname", "surname_key", "birth_date", "bsn", "phone"],
            m.persons
                .iter()
                .map(|p| {
                    args![
                        p.id,
                        p.household_id,
                        p.name.given_names.as_str(),
                        p.name.initials.as_str(),
                        p.name.prefix.as_str(),
                        p.name.surname.as_str(),
                        p.name.surname.to_lowercase(),
                        time_fmt::date(p.birth_date),
                        p.bsn.as_ref().map(|b| b.expose().to_string()),
                        p.phone.clone()
                    ]
                })
                .collect(),
        )
        .await?;
        insert_rows(
            &mut tx,
            "partners",
            &["id", "name", "partner_type", "kind"],
            m.partners.iter().map(|p| args![p.id, p.name.as_str(), p.partner_type.code(), p.partner_type.kind().code()]).collect(),
        )
        .await?;
        insert_rows(
            &mut tx,
            "teams",
            &["id", "name", "wijk_code"],
            m.teams.iter().map(|t| args![t.id, t.name.as_str(), t.wijk.code()]).collect(),
        )
        .await?;
        insert_rows(&mut tx, "team_areas", &["team_id", "area_code"], m.teams.iter().map(|t| args![t.id, t.wijk.code()]).collect()).await?;
        area::refresh_team_buurten(&mut tx).await?;
        let created = time_fmt::instant(now);
        insert_rows(
            &mut tx,
            "users",
            &["id", "username", "display_name", "role", "team_id", "partner_id", "password_hash", "disabled", "created_at"],
            m.workers
                .iter()
                .map(|w| args![w.id, w.username.as_str(), w.display_name.as_str(), w.role.code(), w.team_id, None::<i64>, None::<String>, false, created.as_str()])
                .collect(),
        )
        .await?;
        insert_rows(
            &mut tx,
            "user_models",
            &["user_id", "model"],
            m.workers.iter().flat_map(|w| w.models.iter().map(move |model| args![w.id, model.code()])).collect(),
        )
        .await?;
        // Signal cases first (signals point at them), each in its team's area.
        let team_of_wijk: HashMap<String, i64> = m.teams.iter().map(|t| (t.wijk.code(), t.id)).collect();
        let addresses: HashMap<i64, &domain::model::Address> = m.addresses.iter().map(|a| (a.id, a)).collect();
        let address_of: HashMap<i64, i64> = m.households.iter().map(|h| (h.id, h.address_id)).collect();
        let team_of = |household: i64| -> Option<i64> {
            let address = addresses.get(address_of.get(&household)?)?;
            team_of_wijk.get(&address.buurt.parent()?.code()).copied()
        };
        insert_rows(
            &mut tx,
            "signal_cases",
            &["id", "household_id", "team_id", "stage", "opened_at", "due_date", "crisis", "decision", "worker_id", "picked_up_on", "closed_on", "end_result"],
            m.signal_cases
                .iter()
                .map(|c| {
                    args![
                        c.id,
                        c.household_id,
                        team_of(c.household_id),
                        c.stage.code(),
                        time_fmt::instant(c.opened_at),
                        time_fmt::date(c.due_date),
                        c.crisis,
                        c.decision.map(|d| d.code()),
                        c.worker_id,
                        c.picked_up_on.map(time_fmt::date),
                        c.closed_on.map(time_fmt::date),
                        c.end_result.map(|e| e.code())
                    ]
                })
                .collect(),
        )
        .await?;
        insert_rows(&mut tx, "signal_weighings", &WEIGHING_COLUMNS, m.signal_cases.iter().filter_map(demo_weighing).collect()).await?;
        let case_of: HashMap<i64, i64> = m.signal_cases.iter().flat_map(|c| c.signal_ids.iter().map(move |s| (*s, c.id))).collect();
        let persons: HashMap<i64, &domain::model::Person> = m.persons.iter().map(|p| (p.id, p)).collect();
        let reported_of = |i: usize| -> Option<String> {
            let person = persons.get(m.signal_person_ids.get(i)?)?;
            let address = addresses.get(address_of.get(&person.household_id)?)?;
            let r = crate::signals::StoredReported {
                bsn: String::new(),
                initials: person.name.initials.clone(),
                given_names: person.name.given_names.clone(),
                prefix: person.name.prefix.clone(),
                surname: person.name.surname.clone(),
                birth_date: Some(time_fmt::date(person.birth_date)),
                street: address.street.clone(),
                house_number: Some(address.house_number.number),
                house_letter: address.house_number.letter.map(String::from),
                house_addition: address.house_number.addition.clone(),
                postcode: address.postcode.as_str().to_string(),
                locality: address.locality.clone(),
                phone: person.phone.clone(),
                email: None,
            };
            serde_json::to_string(&r).ok()
        };
        insert_rows(
            &mut tx,
            "signals",
            &[
                "id", "household_id", "partner_id", "kind", "channel", "status", "signal_date", "received_at", "amount_eur", "crisis", "reported_name",
                "reported_address", "concern", "signal_case_id", "person_id", "team_id", "link_state", "reported",
            ],
            m.signals
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    args![
                        s.id,
                        s.household_id,
                        s.partner_id,
                        s.kind.code(),
                        s.channel.code(),
                        s.status.code(),
                        time_fmt::date(s.signal_date),
                        time_fmt::instant(s.received_at),
                        s.amount_eur,
                        s.crisis,
                        s.reported_name.as_str(),
                        s.reported_address.as_str(),
                        s.concern.clone(),
                        case_of.get(&s.id).copied(),
                        m.signal_person_ids.get(i).copied(),
                        s.household_id.and_then(team_of),
                        LinkState::Automatisch.code(),
                        reported_of(i)
                    ]
                })
                .collect(),
        )
        .await?;
        insert_rows(
            &mut tx,
            "contact_attempts",
            &["id", "household_id", "worker_id", "kind", "at", "day_part", "reached", "note"],
            m.contact_attempts
                .iter()
                .map(|c| args![c.id, c.household_id, c.worker_id, c.kind.code(), time_fmt::instant(c.at), c.day_part.code(), c.reached, c.note.clone()])
                .collect(),
        )
        .await?;
        insert_rows(&mut tx, "cases", &["id", "household_id", "opened", "closed"], m.cases.iter().map(|c| args![c.id, c.household_id, time_fmt::date(c.opened), c.closed.map(time_fmt::date)]).collect()).await?;
        insert_rows(
            &mut tx,
            "case_models",
            &["case_id", "model"],
            m.cases.iter().flat_map(|c| c.models.iter().map(move |model| args![c.id, model.code()])).collect(),
        )
        .await?;
        insert_rows(&mut tx, "planned_contacts", &["household_id", "worker_id", "planned_for", "kind", "day_part"], planned_follow_ups(m)).await?;
        let entries: Vec<Entry> = m
            .households
            .iter()
            .map(|h| Entry {
                at: created.clone(),
                event: AuditEvent::DemoLoad.code().to_string(),
                household_id: Some(h.id),
                person_id: None,
                user_id: None,
                on_behalf_of: Some("system:synth".into()),
                route: "eropaf demo".into(),
                reason: None,
            })
            .collect();
        crate::kernel::audit::append(&mut tx, &entries).await?;
        reset_identities(&mut tx).await?;
        tx.commit().await?;
        self.refresh_statistics().await?;
        tracing::info!(households = m.households.len(), persons = m.persons.len(), signals = m.signals.len(), "municipality loaded");
        Ok(())
    }

    /// After a bulk load: PostgreSQL plans with table statistics, which autovacuum gathers only
    /// later; without them the first minutes after a load run on guesses (seconds per page at
    /// 100,000 households). SQLite plans by its indexes and needs none.
    pub(crate) async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if self.backend() == Backend::Postgres {
            self.pool().execute_script("ANALYZE").await?;
        }
        Ok(())
    }

    /// The worker with the most planned contacts: the demo logs in as them so "mijn dag" has work.
    pub async fn busiest_worker(&self) -> Result<Option<domain::model::Id>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let row = tx
            .fetch_optional(
                "SELECT u.id FROM users u LEFT JOIN planned_contacts pc ON pc.worker_id = u.id WHERE u.role = 'worker' \
                 GROUP BY u.id ORDER BY COUNT(pc.id) DESC, u.id LIMIT 1",
                &[],
            )
            .await?;
        row.map(|r| r.i64(0)).transpose()
    }
}

const WEIGHING_COLUMNS: [&str; 12] =
    ["signal_case_id", "user_id", "at", "grounds", "why_go", "why_not", "proportionality", "safety", "models", "approach", "companion", "decision"];

/// The team's weighing of a demo case that has a decision, in the words a team would use.
fn demo_weighing(c: &domain::model::SignalCase) -> Option<[Value; 12]> {
    let (decision, worker) = (c.decision?, c.worker_id?);
    let (grounds, why_go) = if c.crisis {
        ("schade-zelf,schade-kinderen", "Crisissignaal: dreigende huisuitzetting of afsluiting; er wonen mogelijk kinderen.")
    } else {
        ("zorgplicht", "Betalingsachterstand bij een vaste-lastenpartner; vroeg contact voorkomt grotere schulden.")
    };
    let (safety, companion) = if c.crisis { ("samen", "twee-werkers") } else { ("geen", "werker") };
    Some(args![
        c.id,
        worker,
        time_fmt::instant(c.opened_at + time::Duration::hours(20)),
        grounds,
        why_go,
        Some("Bewoner heeft niet om hulp gevraagd; eerst een kaartje, dan langs."),
        "Een kort huisbezoek met aanbod van hulp, zonder verplichting; geen gegevens van derden opgevraagd.",
        safety,
        "hulp,verbindend",
        if c.crisis { "onaangekondigd" } else { "aangekondigd" },
        companion,
        decision.code()
    ])
}

/// A next contact for every picked-up signal whose last attempt did not reach anyone: another
/// channel at another day part, three days on (the persistence of issue 5 refines this).
fn planned_follow_ups(m: &Municipality) -> Vec<[Value; 5]> {
    let mut last: HashMap<i64, &domain::model::ContactAttempt> = HashMap::new();
    for a in &m.contact_attempts {
        let entry = last.entry(a.household_id).or_insert(a);
        if a.at > entry.at {
            *entry = a;
        }
    }
    let mut households: Vec<i64> = m.signals.iter().filter(|s| s.status == SignalStatus::Opgepakt).filter_map(|s| s.household_id).collect();
    households.sort_unstable();
    households.dedup();
    households
        .into_iter()
        .filter_map(|h| last.get(&h).copied())
        .filter(|a| !a.reached)
        .filter_map(|a| {
            let worker = a.worker_id?;
            let kind = if a.kind == ContactKind::Huisbezoek { ContactKind::Telefoon } else { ContactKind::Huisbezoek };
            let day_part = match a.day_part {
                DayPart::Ochtend => DayPart::Middag,
                DayPart::Middag => DayPart::Avond,
                DayPart::Avond => DayPart::Ochtend,
            };
            let planned_for = a.at.date() + time::Duration::days(3);
            Some(args![a.household_id, worker, time_fmt::date(planned_for), kind.code(), day_part.code()])
        })
        .collect()
}
