//! The team's side: the lists with the pickup clock, the case page, weighing, closing.

use crate::kernel::audit::AuditEvent;
use crate::kernel::area;
use crate::kernel::db::Tx;
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use domain::model::{
    Approach, CaseStage, Companion, Decision as TeamDecision, EndResult, Ground, Id, LinkState, OutreachModel,
    PartnerType, Safety, SignalChannel, SignalKind,
};
use std::collections::HashMap;
use time::{Date, Duration};

use crate::kernel::error::invalid;

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

impl Weighing {
    /// The texts as the file keeps them: without control characters (tab and line feed kept)
    /// and bidirectional overrides (`domain::text::clean`).
    fn cleaned(&self) -> Weighing {
        use domain::text::clean;
        Weighing { why_go: clean(&self.why_go), why_not: self.why_not.as_deref().map(clean), proportionality: clean(&self.proportionality), ..self.clone() }
    }

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
const CASE_FROM: &str = concat!(
    "FROM signal_cases sc JOIN households h ON h.id = sc.household_id ",
    area::household_in_team_area!(),
    " LEFT JOIN users w ON w.id = sc.worker_id"
);
const CASE_COLUMNS: &str = "sc.id, sc.household_id, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality, \
     sc.stage, sc.due_date, sc.decision, w.display_name, sc.end_result, sc.crisis, sc.picked_up_on, sc.closed_on";


pub(super) fn address_text(r: &crate::kernel::db::Row, first: usize) -> Result<String, StoreError> {
    let letter = r.opt_text(first + 2)?.unwrap_or_default();
    let addition = r.opt_text(first + 3)?.map(|a| format!("-{a}")).unwrap_or_default();
    let postcode = domain::Postcode::parse(&r.text(first + 4)?).map(|p| p.display()).unwrap_or_default();
    Ok(format!("{} {}{letter}{addition}, {postcode} {}", r.text(first)?, r.i64(first + 1)?, r.text(first + 5)?))
}

async fn case_rows(tx: &mut Tx, where_sql: &str, values: Vec<crate::kernel::db::Value>, today: Date) -> Result<Vec<CaseRow>, StoreError> {
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
    pub async fn signal_cases(&self, access: &Access<'_>, filter: CaseFilter, today: Date) -> Result<Vec<CaseRow>, StoreError> {
        let policy = &self.policies().signals;
        let team = area::team_scope(access)?;
        let mut values: Vec<crate::kernel::db::Value> = args![team].into();
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
        let mut tx = self.scoped(access).await?;
        let mut rows = case_rows(&mut tx, &where_sql, values, today).await?;
        if filter != CaseFilter::Closed {
            rows.sort_by_key(|c| (-c.hint.score(), c.due_date, c.id));
        }
        let ids: Vec<Id> = rows.iter().map(|c| c.household_id).collect();
        tx.record_households(AuditEvent::HouseholdList, &ids).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// How many cases are open, due soon and overdue for the team (no personal data).
    pub async fn signal_case_counts(&self, access: &Access<'_>, today: Date) -> Result<[i64; 4], StoreError> {
        let policy = &self.policies().signals;
        let team = area::team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
        let soon = time_fmt::date(today + Duration::days(i64::from(policy.due_soon_days)));
        let t = time_fmt::date(today);
        let open = tx.fetch_i64("SELECT COUNT(*) FROM signal_cases WHERE team_id = $1 AND stage <> 'afgesloten'", &args![team]).await?;
        let due = tx
            .fetch_i64("SELECT COUNT(*) FROM signal_cases WHERE team_id = $1 AND stage IN ('nieuw', 'gewogen') AND due_date >= $2 AND due_date <= $3", &args![team, t.as_str(), soon])
            .await?;
        let late = tx.fetch_i64("SELECT COUNT(*) FROM signal_cases WHERE team_id = $1 AND stage IN ('nieuw', 'gewogen') AND due_date < $2", &args![team, t]).await?;
        let review = tx
            .fetch_i64(
                "SELECT COUNT(*) FROM signals WHERE link_state = 'te-beoordelen' AND closed_result IS NULL AND (team_id = $1 OR (team_id IS NULL AND $2))",
                &args![team, super::sees_unrouted(access)],
            )
            .await?;
        Ok([open, due, late, review])
    }

    /// One signal case with its signals, weighings and contact attempts. Audited.
    pub async fn signal_case(&self, access: &Access<'_>, case_id: Id, today: Date) -> Result<CaseDetail, StoreError> {
        let team = area::team_scope(access)?;
        let mut tx = self.scoped(access).await?;
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
        tx.record(AuditEvent::HouseholdRead, Some(row.household_id), None).await?;
        tx.commit().await?;
        Ok(CaseDetail { row, members, signals, weighings, attempts, picked_up_on, closed_on })
    }

    /// The household of one of the team's signal cases (an id, no resident data: not audited).
    pub async fn signal_case_household(&self, access: &Access<'_>, case_id: Id) -> Result<Id, StoreError> {
        let team = area::team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
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
        let team = area::team_scope(access)?;
        let w = &w.cleaned();
        w.check()?;
        let mut tx = self.scoped(access).await?;
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
        tx.record(AuditEvent::SignalWeigh, Some(household_id), None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes a signal case with its DDAS end result; partners then see the coarse result.
    pub async fn close_signal_case(&self, access: &Access<'_>, case_id: Id, result: EndResult, today: Date) -> Result<(), StoreError> {
        let team = area::team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let sql = format!("SELECT sc.household_id, sc.stage {CASE_FROM} WHERE sc.id = $2");
        let row = tx.fetch_optional(&sql, &args![team, case_id]).await?.ok_or(StoreError::NotFound)?;
        if row.text(1)? == CaseStage::Afgesloten.code() {
            return Err(invalid("zaak", "Deze signaalzaak is al afgesloten.", "This signal case is already closed."));
        }
        tx.execute("UPDATE signal_cases SET stage = 'afgesloten', closed_on = $1, end_result = $2 WHERE id = $3", &args![time_fmt::date(today), result.code(), case_id])
            .await?;
        tx.execute("UPDATE signals SET status = 'afgesloten' WHERE signal_case_id = $1", &args![case_id]).await?;
        tx.record(AuditEvent::SignalClose, Some(row.i64(0)?), None).await?;
        tx.commit().await?;
        Ok(())
    }
}

