//! The DDAS Vroegsignalering v0.9 delivery for the national monitor (CBS): the early debt
//! signals of a period, the signal cases they belong to and the contact attempts of those
//! cases. The shape follows `json_schema_Uitwisselmodel.json` (copied into `data/ddas/`), which
//! the test suite validates every export against.

use crate::kernel::audit::{self, AuditEvent, Entry};
use crate::signals::StoredReported;
use crate::kernel::time_fmt;
use crate::{args, Store, StoreError};
use domain::model::{ContactKind, DayPart, EndResult, Id, PartnerType};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, OffsetDateTime};

/// Who delivers: the municipality (or its processor) as CBS knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub supplier_code: String,
    pub municipality_code: String,
    pub organisation: String,
    pub kvk: String,
}

/// The DDAS signal ID of a stored signal.
pub fn signal_ddas_id(id: Id) -> String {
    format!("EROPAF-{id}")
}

impl Store {
    /// The delivery of the early debt signals with a signal date from `from` to `to`, both
    /// included. Reading residents' data for a third party: one audit record per household.
    pub async fn ddas_delivery(&self, sender: &Sender, from: Date, to: Date, now: OffsetDateTime, route: &str) -> Result<Value, StoreError> {
        let mut tx = self.pool().begin().await?;
        let rows = tx
            .fetch_all(
                "SELECT s.id, s.crisis, s.warm_handover, s.amount_eur, s.origin_date, s.signal_date, s.status, s.closed_result, p.partner_type, s.reported, \
                 s.signal_case_id, s.household_id, sc.stage, sc.end_result FROM signals s LEFT JOIN partners p ON p.id = s.partner_id \
                 LEFT JOIN signal_cases sc ON sc.id = s.signal_case_id \
                 WHERE s.kind = 'betalingsachterstand' AND s.signal_date >= $1 AND s.signal_date <= $2 ORDER BY s.signal_date, s.id",
                &args![time_fmt::date(from), time_fmt::date(to)],
            )
            .await?;
        let mut signals = Vec::with_capacity(rows.len());
        let mut cases: BTreeMap<Id, Vec<String>> = BTreeMap::new();
        let mut households: BTreeSet<Id> = BTreeSet::new();
        for r in &rows {
            let id = signal_ddas_id(r.i64(0)?);
            let mut s = Map::new();
            s.insert("ID".into(), json!(id));
            s.insert("crisissignaal".into(), json!(r.bool(1)?));
            s.insert("warmeOverdracht".into(), json!(r.bool(2)?));
            if let Some(amount) = r.opt_i64(3)? {
                s.insert("bedrag".into(), json!(amount));
            }
            if let Some(origin) = r.opt_text(4)? {
                s.insert("ontstaansdatum".into(), json!(origin));
            }
            s.insert("signaaldatum".into(), json!(r.text(5)?));
            // DDAS signal status: not yet picked up, or why it never was; none once picked up.
            let stage = r.opt_text(12)?;
            let never = r.opt_text(7)?.or(r.opt_text(13)?).and_then(|e| EndResult::from_code(&e)).filter(|e| e.not_picked_up());
            match (never, stage.as_deref()) {
                (Some(e), _) => {
                    s.insert("status".into(), json!(e.ddas()));
                }
                (None, None | Some("nieuw" | "gewogen")) => {
                    s.insert("status".into(), json!("Nog niet opgepakt"));
                }
                _ => {}
            }
            let partner = r.opt_text(8)?.and_then(|p| PartnerType::from_code(&p)).unwrap_or(PartnerType::Overige);
            s.insert("signaalpartner".into(), json!({ "type": partner.ddas() }));
            let reported: StoredReported = r.opt_text(9)?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
            s.insert("client".into(), client(&reported));
            signals.push(Value::Object(s));
            if let Some(case_id) = r.opt_i64(10)? {
                cases.entry(case_id).or_default().push(id);
            }
            if let Some(h) = r.opt_i64(11)? {
                households.insert(h);
            }
        }

        let mut zaken = Vec::with_capacity(cases.len());
        for (case_id, ids) in &cases {
            let c = tx
                .fetch_one(
                    "SELECT sc.household_id, sc.opened_at, sc.picked_up_on, sc.closed_on, sc.end_result, \
                     (SELECT MIN(signal_date) FROM signals WHERE signal_case_id = sc.id), (SELECT MAX(signal_date) FROM signals WHERE signal_case_id = sc.id) \
                     FROM signal_cases sc WHERE sc.id = $1",
                    &args![*case_id],
                )
                .await?;
            let mut z = Map::new();
            if let Some(result) = c.opt_text(4)?.and_then(|e| EndResult::from_code(&e)) {
                z.insert("resultaat".into(), json!(result.ddas()));
            }
            let opened = c.text(1)?;
            z.insert("matchingsdatum".into(), json!(opened.get(..10).unwrap_or_default()));
            if let Some(first) = c.opt_text(5)? {
                z.insert("startdatum_matchtingperiode".into(), json!(first));
            }
            if let Some(picked) = c.opt_text(2)? {
                z.insert("datum_opgepakt".into(), json!(picked));
            }
            if let Some(last) = c.opt_text(6)? {
                z.insert("einddatum_matchingperiode".into(), json!(last));
            }
            z.insert("vroegsignalen".into(), Value::Array(ids.iter().map(|id| json!({ "ID": id })).collect()));
            let until = c.opt_text(3)?.map(|d| format!("{d}T23:59:59Z")).unwrap_or_else(|| time_fmt::instant(now));
            let attempts = tx
                .fetch_all(
                    "SELECT kind, reached, at, day_part FROM contact_attempts WHERE household_id = $1 AND at >= $2 AND at <= $3 ORDER BY at, id",
                    &args![c.i64(0)?, opened, until],
                )
                .await?;
            let mut pogingen = Vec::with_capacity(attempts.len());
            for a in &attempts {
                let kind = ContactKind::from_code(&a.text(0)?).ok_or_else(|| StoreError::corrupt("contact kind"))?;
                let day_part = DayPart::from_code(&a.text(3)?).ok_or_else(|| StoreError::corrupt("day part"))?;
                pogingen.push(json!({ "soort": kind.ddas(), "bereikt": a.bool(1)?, "datum": a.text(2)?.get(..10).unwrap_or_default(), "dagdeel": day_part.ddas() }));
            }
            z.insert("contactpogingen".into(), Value::Array(pogingen));
            zaken.push(Value::Object(z));
        }

        let entries: Vec<Entry> = households
            .iter()
            .map(|h| Entry {
                at: time_fmt::instant(now),
                event: AuditEvent::DdasExport.code().to_string(),
                household_id: Some(*h),
                person_id: None,
                user_id: None,
                on_behalf_of: Some("CBS".into()),
                route: route.to_string(),
                reason: Some(format!("DDAS-levering {} t/m {}", time_fmt::date(from), time_fmt::date(to))),
            })
            .collect();
        audit::append(&mut tx, &entries).await?;
        tx.commit().await?;

        Ok(json!({
            "codeGegevensleverancier": sender.supplier_code,
            "startdatumLevering": time_fmt::date(from),
            "einddatumLevering": time_fmt::date(to),
            "aanleverdatumEnTijd": time_fmt::instant(now),
            "leveringen": [{
                "teller": 1,
                "gemeentecode": sender.municipality_code,
                "aanleverende_organisatie": { "naam": sender.organisation, "kvk-nummer": sender.kvk },
                "vroegsignalen": signals,
                "vroegsignaalzaken": zaken,
            }],
        }))
    }
}

fn client(r: &StoredReported) -> Value {
    let mut c = Map::new();
    let mut put = |k: &str, v: &str| {
        if !v.is_empty() {
            c.insert(k.into(), json!(v));
        }
    };
    put("Burgerservicenummer", &r.bsn);
    let initials = if r.initials.is_empty() { domain::name::initials_of(&r.given_names) } else { r.initials.clone() };
    put("Voorletters", &initials);
    put("Voorvoegsel", &r.prefix);
    put("Achternaam", &r.surname);
    put("Geboortedatum", r.birth_date.as_deref().unwrap_or_default());
    put("Straatnaam", &r.street);
    put("Postcode", &r.postcode);
    put("Huisnummer", &r.house_number.map(|n| n.to_string()).unwrap_or_default());
    let addition = [r.house_letter.clone().unwrap_or_default(), r.house_addition.clone().unwrap_or_default()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    put("Huisnummertoevoeging", &addition);
    put("Plaatsnaam", &r.locality);
    Value::Object(c)
}
