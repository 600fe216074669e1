//! The team's side: the lists with the pickup clock, the case page, weighing, closing.

use crate::kernel::audit::AuditEvent;
use crate::kernel::area;
use crate::kernel::db::Tx;
use crate::kernel::time_fmt;
use crate::{args, Access, Store, StoreError};
use domain::model::{
    Approach, CaseStage, FeedbackMessage, FeedbackWish, Companion, Decision as TeamDecision, EndResult, Ground, Id, LinkState, OutreachModel,
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
    /// To weigh (again): monitored cases whose review date came, crisis visits made before the
    /// weighing (within one working day after).
    Review,
    Closed,
}

impl CaseFilter {
    pub fn from_code(s: &str) -> Option<CaseFilter> {
        Some(match s {
            "open" => CaseFilter::Open,
            "binnenkort" => CaseFilter::DueSoon,
            "te-laat" => CaseFilter::Overdue,
            "mijn" => CaseFilter::Mine,
            "te-wegen" => CaseFilter::Review,
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
            CaseFilter::Review => "te-wegen",
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
    /// "Monitoren": when the team looks again.
    pub review_on: Option<Date>,
    /// A crisis visit went before the weighing: weigh by this working day.
    pub weigh_by: Option<Date>,
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
    /// Whether and how an informal reporter wants to hear back, and whether they have.
    pub reporter_feedback: Option<FeedbackWish>,
    pub feedback_given: Option<(FeedbackMessage, time::OffsetDateTime)>,
    /// The special categories it is marked with (none shown to a reader it is withheld from).
    pub sensitive: Vec<domain::model::Sensitive>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeighingView {
    pub at: time::OffsetDateTime,
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
    /// "Monitoren": when the team looks again.
    pub review_on: Option<Date>,
    /// Four eyes: who confirmed the weighing, and when.
    pub confirmed: Option<(String, time::OffsetDateTime)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseDetail {
    pub row: CaseRow,
    pub members: Vec<String>,
    pub signals: Vec<CaseSignal>,
    pub weighings: Vec<WeighingView>,
    pub attempts: Vec<(time::OffsetDateTime, domain::model::ContactKind, bool)>,
    pub picked_up_on: Option<Date>,
    pub closed_on: Option<Date>,
    /// The team weighs with four eyes: a second person confirms before a home visit.
    pub four_eyes: bool,
    /// A crisis visit before the weighing: when, and why (empty for a reader the case's sensitive
    /// signal is withheld from).
    pub visited_first: Option<(time::OffsetDateTime, String)>,
    /// The reporters who asked to hear back and have not yet: (signal id, how).
    pub feedback_due: Vec<(Id, domain::model::FeedbackWish)>,
    /// Sensitive signals' concerns and the weighing's texts were left out for this reader.
    pub confidential: Option<crate::Withheld>,
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
    /// Who goes (a worker of the team); required when the team decides to go.
    pub worker_id: Option<Id>,
    /// "Monitoren": the date the team looks again (required then).
    pub review_on: Option<Date>,
    /// "Niet handelen": the DDAS end result it closes with (one of "niet opgepakt").
    pub closing: Option<EndResult>,
}

impl Weighing {
    /// The texts as the file keeps them: without control characters (tab and line feed kept)
    /// and bidirectional overrides (`domain::text::clean`).
    fn cleaned(&self) -> Weighing {
        use domain::text::clean;
        Weighing { why_go: clean(&self.why_go), why_not: self.why_not.as_deref().map(clean), proportionality: clean(&self.proportionality), ..self.clone() }
    }

    /// The weighing decides nothing by itself: the ground and the why are always required, and
    /// every decision has its next moment (who goes; when to look again; the reason it closes).
    fn check(&self, today: Date) -> Result<(), StoreError> {
        match self.problems(today).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every rule the weighing breaks, in the form's order (the form shows them together).
    pub fn problems(&self, today: Date) -> Vec<StoreError> {
        let mut out = Vec::new();
        let text_ok = |s: &str| (10..=2000).contains(&s.trim().chars().count());
        if self.grounds.is_empty() {
            out.push(invalid("grond", "Grond: kies ten minste één grond waarop het team ongevraagd zou gaan.", "Ground: choose at least one ground on which the team would go uninvited."));
        }
        if !text_ok(&self.why_go) {
            out.push(invalid("waarom", "Waarom ongevraagd: licht in 10 tot 2000 tekens toe waarom het team zou gaan.", "Why uninvited: explain in 10 to 2000 characters why the team would go."));
        }
        if self.why_not.as_deref().is_some_and(|s| s.chars().count() > 2000) {
            out.push(invalid("waarom-niet", "Waarom misschien niet: hoogstens 2000 tekens.", "Why perhaps not: at most 2000 characters."));
        }
        if !text_ok(&self.proportionality) {
            out.push(invalid("proportionaliteit", "Proportionaliteit: licht in 10 tot 2000 tekens toe waarom dit in verhouding is.", "Proportionality: explain in 10 to 2000 characters why this is proportionate."));
        }
        if self.models.is_empty() {
            out.push(invalid("model", "Werkwijze: kies ten minste één model van outreachend werken.", "Approach model: choose at least one outreach model."));
        }
        match self.decision {
            TeamDecision::Gaan if self.worker_id.is_none() => {
                out.push(invalid("werker", "Werker die gaat: kies wie er op af gaat.", "Worker who goes: choose who goes."));
            }
            TeamDecision::Monitoren => match self.review_on {
                None => out.push(invalid("herweging", "Opnieuw bekijken op: kies de datum waarop het team opnieuw kijkt.", "Look again on: choose the date the team looks again.")),
                Some(d) if d <= today || d > today + Duration::days(183) => {
                    out.push(invalid("herweging", "Opnieuw bekijken op: kies een datum na vandaag en binnen zes maanden.", "Look again on: choose a date after today and within six months."));
                }
                Some(_) => {}
            },
            TeamDecision::NietHandelen => {
                if !self.closing.is_some_and(EndResult::not_picked_up) {
                    out.push(invalid("afsluitreden", "Reden om af te sluiten: kies waarom het signaal niet wordt opgepakt.", "Reason to close: choose why the signal is not taken up."));
                }
                if !self.why_not.as_deref().is_some_and(text_ok) {
                    out.push(invalid("waarom-niet", "Waarom niet: licht in 10 tot 2000 tekens toe waarom het team niet handelt.", "Why not: explain in 10 to 2000 characters why the team does not act."));
                }
            }
            _ => {}
        }
        out
    }
}

/// A case the team decided to monitor is off the pickup lists; it comes back on its review date.
const NOT_MONITORED: &str = "(sc.decision IS NULL OR sc.decision <> 'monitoren')";
/// To weigh (again): a monitored case on or after its review date, or a crisis visit made
/// before any weighing.
const TO_WEIGH: &str = "sc.stage <> 'afgesloten' AND ((sc.decision = 'monitoren' AND sc.review_on <= $2) \
     OR (sc.visited_first_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM signal_weighings sw WHERE sw.signal_case_id = sc.id)))";

/// The signal cases of the actor's team (joined on the case's household area).
pub(super) const CASE_FROM: &str = concat!(
    "FROM signal_cases sc JOIN households h ON h.id = sc.household_id ",
    area::household_in_team_area!(),
    " LEFT JOIN users w ON w.id = sc.worker_id"
);
const CASE_COLUMNS: &str = "sc.id, sc.household_id, a.street, a.house_number, a.house_letter, a.house_addition, a.postcode, a.locality, \
     sc.stage, sc.due_date, sc.decision, w.display_name, sc.end_result, sc.crisis, sc.picked_up_on, sc.closed_on, \
     sc.review_on, sc.visited_first_at, (SELECT COUNT(*) FROM signal_weighings sw WHERE sw.signal_case_id = sc.id)";


pub(super) fn address_text(r: &crate::kernel::db::Row, first: usize) -> Result<String, StoreError> {
    let letter = r.opt_text(first + 2)?.unwrap_or_default();
    let addition = r.opt_text(first + 3)?.map(|a| format!("-{a}")).unwrap_or_default();
    let postcode = domain::Postcode::parse(&r.text(first + 4)?).map(|p| p.display()).unwrap_or_default();
    Ok(format!("{} {}{letter}{addition}, {postcode} {}", r.text(first)?, r.i64(first + 1)?, r.text(first + 5)?))
}

async fn case_rows(tx: &mut Tx, where_sql: &str, values: Vec<crate::kernel::db::Value>, today: Date, liberation: domain::local::LiberationDay) -> Result<Vec<CaseRow>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS} {CASE_FROM} WHERE {where_sql} ORDER BY sc.due_date, sc.id LIMIT 500");
    let rows = tx.fetch_all(&sql, &values).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let stage = CaseStage::from_code(&r.text(8)?).ok_or_else(|| StoreError::corrupt("case stage"))?;
        let due_date = time_fmt::parse_date(&r.text(9)?)?;
        let decision = r.opt_text(10)?.and_then(|d| TeamDecision::from_code(&d));
        let not_picked_up = matches!(stage, CaseStage::Nieuw | CaseStage::Gewogen) && decision != Some(TeamDecision::Monitoren);
        let weigh_by = match (r.opt_text(17)?, r.i64(18)?) {
            (Some(at), 0) => Some(domain::local::add_working_days(domain::local::dutch(time_fmt::parse_instant(&at)?).date(), 1, liberation)),
            _ => None,
        };
        out.push(CaseRow {
            id: r.i64(0)?,
            household_id: r.i64(1)?,
            address: address_text(r, 2)?,
            stage,
            due_date,
            decision,
            worker: r.opt_text(11)?,
            sources: String::new(),
            end_result: r.opt_text(12)?.and_then(|e| EndResult::from_code(&e)),
            coercive: false,
            hint: PriorityHint { crisis: r.bool(13)?, days_left: not_picked_up.then(|| (due_date - today).whole_days()), ..PriorityHint::default() },
            review_on: r.opt_text(16)?.map(|d| time_fmt::parse_date(&d)).transpose()?,
            weigh_by,
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
                // A list is the team's: domestic violence (sensitive by its kind) reads as a worry.
                (None, None) => SignalKind::from_code(&s.text(1)?).map(|k| if k == SignalKind::HuiselijkGeweld { SignalKind::Zorgen } else { k }).map(|k| k.label_nl().to_string()).unwrap_or_default(),
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
                format!("sc.stage IN ('nieuw', 'gewogen') AND {NOT_MONITORED} AND sc.due_date >= $2 AND sc.due_date <= $3")
            }
            CaseFilter::Overdue => {
                values.push(time_fmt::date(today).into());
                format!("sc.stage IN ('nieuw', 'gewogen') AND {NOT_MONITORED} AND sc.due_date < $2")
            }
            CaseFilter::Mine => {
                values.push(access.actor.user_id.into());
                "sc.stage <> 'afgesloten' AND sc.worker_id = $2".to_string()
            }
            CaseFilter::Review => {
                values.push(time_fmt::date(today).into());
                TO_WEIGH.to_string()
            }
            CaseFilter::Closed => "sc.stage = 'afgesloten'".to_string(),
        };
        let mut tx = self.scoped(access).await?;
        let mut rows = case_rows(&mut tx, &where_sql, values, today, policy.liberation_day).await?;
        if filter != CaseFilter::Closed {
            rows.sort_by_key(|c| (-c.hint.score(), c.due_date, c.id));
        }
        let ids: Vec<Id> = rows.iter().map(|c| c.household_id).collect();
        tx.record_households(AuditEvent::HouseholdList, &ids).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// How many cases are open, due soon and overdue for the team (no personal data).
    /// `[open, due soon, overdue, to weigh (again), signals to review]`.
    pub async fn signal_case_counts(&self, access: &Access<'_>, today: Date) -> Result<[i64; 5], StoreError> {
        let policy = &self.policies().signals;
        let team = area::team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
        let soon = time_fmt::date(today + Duration::days(i64::from(policy.due_soon_days)));
        let t = time_fmt::date(today);
        let open = tx.fetch_i64("SELECT COUNT(*) FROM signal_cases WHERE team_id = $1 AND stage <> 'afgesloten'", &args![team]).await?;
        let due = tx
            .fetch_i64(&format!("SELECT COUNT(*) FROM signal_cases sc WHERE team_id = $1 AND stage IN ('nieuw', 'gewogen') AND {NOT_MONITORED} AND due_date >= $2 AND due_date <= $3"), &args![team, t.as_str(), soon])
            .await?;
        let late = tx.fetch_i64(&format!("SELECT COUNT(*) FROM signal_cases sc WHERE team_id = $1 AND stage IN ('nieuw', 'gewogen') AND {NOT_MONITORED} AND due_date < $2"), &args![team, t]).await?;
        let review = tx
            .fetch_i64(
                "SELECT COUNT(*) FROM signals WHERE link_state = 'te-beoordelen' AND closed_result IS NULL AND (team_id = $1 OR (team_id IS NULL AND $2))",
                &args![team, super::sees_unrouted(access)],
            )
            .await?;
        let to_weigh = tx.fetch_i64(&format!("SELECT COUNT(*) FROM signal_cases sc WHERE sc.team_id = $1 AND {TO_WEIGH}"), &args![team, time_fmt::date(today)]).await?;
        Ok([open, due, late, to_weigh, review])
    }

    /// One signal case with its signals, weighings and contact attempts. Audited.
    pub async fn signal_case(&self, access: &Access<'_>, case_id: Id, today: Date) -> Result<CaseDetail, StoreError> {
        let team = area::team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let row = case_rows(&mut tx, "sc.id = $2", args![team, case_id].into(), today, self.policies().signals.liberation_day).await?.pop().ok_or(StoreError::NotFound)?;
        let members = tx
            .fetch_all("SELECT given_names, surname_prefix, surname, birth_date FROM persons WHERE household_id = $1 ORDER BY birth_date, id", &args![row.household_id])
            .await?
            .iter()
            .map(|r| {
                let name = [r.text(0)?, r.text(1)?, r.text(2)?].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
                Ok(format!("{name} ({})", time_fmt::parse_date(&r.text(3)?).map(|d| d.year()).unwrap_or_default()))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let (mut signals, withheld, mut hidden) = (Vec::new(), tx.withheld(row.household_id).await?, false);
        for s in tx
            .fetch_all(
                concat!("SELECT s.id, s.signal_date, s.kind, s.channel, p.name, p.partner_type, s.amount_eur, s.crisis, s.warm_handover, s.concern, s.link_state, \
                 s.reporter_type, s.reporter_feedback, s.partner_id, s.feedback_message, s.feedback_given_at, ", crate::kernel::sensitive::signal_sensitive!(), ", s.sensitive FROM signals s \
                 LEFT JOIN partners p ON p.id = s.partner_id WHERE s.signal_case_id = $1 ORDER BY s.signal_date DESC, s.id DESC"),
                &args![case_id],
            )
            .await?
        {
            let hide = withheld.is_some() && s.bool(16)?;
            let partner_type = s.opt_text(5)?.and_then(|p| PartnerType::from_code(&p)).or(s.opt_text(11)?.and_then(|p| PartnerType::from_code(&p)));
            hidden |= hide;
            signals.push((
                s.opt_i64(13)?,
                CaseSignal {
                    id: s.i64(0)?,
                    signal_date: time_fmt::parse_date(&s.text(1)?)?,
                    kind: if hide { SignalKind::Zorgen } else { SignalKind::from_code(&s.text(2)?).ok_or_else(|| StoreError::corrupt("signal kind"))? },
                    channel: SignalChannel::from_code(&s.text(3)?).ok_or_else(|| StoreError::corrupt("channel"))?,
                    partner: s.opt_text(4)?,
                    partner_type,
                    amount_eur: s.opt_i64(6)?,
                    crisis: s.bool(7)?,
                    warm_handover: s.bool(8)?,
                    concern: if hide { None } else { s.opt_text(9)? },
                    link_state: LinkState::from_code(&s.text(10)?).ok_or_else(|| StoreError::corrupt("link state"))?,
                    repeat: 1,
                    reporter_feedback: s.opt_text(12)?.and_then(|w| FeedbackWish::from_code(&w)),
                    feedback_given: match (s.opt_text(14)?.and_then(|m| FeedbackMessage::from_code(&m)), s.opt_text(15)?) {
                        (Some(m), Some(at)) => Some((m, time_fmt::parse_instant(&at)?)),
                        _ => None,
                    },
                    sensitive: if hide { Vec::new() } else { domain::model::Sensitive::split(s.opt_text(17)?.as_deref()) },
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
                "SELECT sw.at, u.display_name, sw.grounds, sw.why_go, sw.why_not, sw.proportionality, sw.safety, sw.models, sw.approach, sw.companion, sw.decision, \
                 sw.review_on, c.display_name, sw.confirmed_at \
                 FROM signal_weighings sw JOIN users u ON u.id = sw.user_id LEFT JOIN users c ON c.id = sw.confirmed_by WHERE sw.signal_case_id = $1 ORDER BY sw.at DESC, sw.id DESC",
                &args![case_id],
            )
            .await?
        {
            let list = |s: String| s.split(',').filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
            let confirmed = match (w.opt_text(12)?, w.opt_text(13)?) {
                (Some(by), Some(at)) => Some((by, time_fmt::parse_instant(&at)?)),
                _ => None,
            };
            weighings.push(WeighingView {
                at: time_fmt::parse_instant(&w.text(0)?)?,
                by: w.text(1)?,
                grounds: list(w.text(2)?).iter().filter_map(|g| Ground::from_code(g)).collect(),
                // A case with a sensitive signal: the weighing's texts only for who may read it.
                why_go: if hidden { String::new() } else { w.text(3)? },
                why_not: if hidden { None } else { w.opt_text(4)? },
                proportionality: if hidden { String::new() } else { w.text(5)? },
                safety: Safety::from_code(&w.text(6)?).ok_or_else(|| StoreError::corrupt("safety"))?,
                models: list(w.text(7)?).iter().filter_map(|m| OutreachModel::from_code(m)).collect(),
                approach: Approach::from_code(&w.text(8)?).ok_or_else(|| StoreError::corrupt("approach"))?,
                companion: Companion::from_code(&w.text(9)?).ok_or_else(|| StoreError::corrupt("companion"))?,
                decision: TeamDecision::from_code(&w.text(10)?).ok_or_else(|| StoreError::corrupt("decision"))?,
                review_on: w.opt_text(11)?.map(|d| time_fmt::parse_date(&d)).transpose()?,
                confirmed,
            });
        }
        let opened = tx
            .fetch_one(
                "SELECT sc.opened_at, sc.picked_up_on, sc.closed_on, t.four_eyes, sc.visited_first_at, sc.visited_first_reason FROM signal_cases sc JOIN teams t ON t.id = sc.team_id WHERE sc.id = $1",
                &args![case_id],
            )
            .await?;
        let attempts = tx
            .fetch_all("SELECT at, kind, reached FROM contact_attempts WHERE household_id = $1 AND at >= $2 ORDER BY at DESC, id DESC", &args![row.household_id, opened.text(0)?])
            .await?
            .iter()
            .map(|r| Ok((time_fmt::parse_instant(&r.text(0)?)?, domain::model::ContactKind::from_code(&r.text(1)?).ok_or_else(|| StoreError::corrupt("contact kind"))?, r.bool(2)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let picked_up_on = opened.opt_text(1)?.map(|d| time_fmt::parse_date(&d)).transpose()?;
        let closed_on = opened.opt_text(2)?.map(|d| time_fmt::parse_date(&d)).transpose()?;
        let visited_first = match (opened.opt_text(4)?, opened.opt_text(5)?) {
            // Why it could not wait may tell what the sensitive signal says: only for who reads it.
            (Some(at), Some(reason)) => Some((time_fmt::parse_instant(&at)?, if hidden { String::new() } else { reason })),
            _ => None,
        };
        let feedback_due = tx
            .fetch_all("SELECT id, reporter_feedback FROM signals WHERE signal_case_id = $1 AND feedback_given_at IS NULL AND reporter_feedback IS NOT NULL ORDER BY id", &args![case_id])
            .await?
            .iter()
            .filter_map(|r| Some((r.i64(0).ok()?, r.opt_text(1).ok()?.and_then(|w| FeedbackWish::from_code(&w))?)))
            .filter(|(_, w)| *w != FeedbackWish::Nee)
            .collect();
        tx.record(AuditEvent::HouseholdRead, Some(row.household_id), None).await?;
        tx.commit().await?;
        let confidential = withheld.filter(|_| hidden);
        Ok(CaseDetail { row, members, signals, weighings, attempts, picked_up_on, closed_on, four_eyes: opened.bool(3)?, visited_first, feedback_due, confidential })
    }

    /// The household of one of the team's signal cases (an id, no resident data: not audited).
    pub async fn signal_case_household(&self, access: &Access<'_>, case_id: Id) -> Result<Id, StoreError> {
        let team = area::team_scope(access)?;
        let mut tx = self.scoped_read(access).await?;
        let sql = format!("SELECT sc.household_id {CASE_FROM} WHERE sc.id = $2");
        tx.fetch_optional(&sql, &args![team, case_id]).await?.ok_or(StoreError::NotFound)?.i64(0)
    }

    /// The workers of the actor's team, (id, name), for "who goes" and the walkers of a walk
    /// list; an experience expert labelled as such.
    pub async fn team_workers(&self, team_id: Id) -> Result<Vec<(Id, String)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = "SELECT id, display_name, role FROM users WHERE team_id = $1 AND role IN ('worker', 'team-lead', 'ervaringsdeskundige') AND NOT disabled ORDER BY display_name";
        let rows = tx.fetch_all(sql, &args![team_id]).await?;
        let label = |name: String, role: String| if role == "ervaringsdeskundige" { format!("{name} (ervaringsdeskundige)") } else { name };
        rows.iter().map(|r| Ok((r.i64(0)?, label(r.text(1)?, r.text(2)?)))).collect()
    }

    /// Records the team's weighing and decision; the case shows who weighed what. A case can be
    /// weighed again after contact (the situation may differ from the signal); every weighing
    /// stays in its history. "Niet handelen" closes the case with its reason; "monitoren" takes
    /// it off the pickup lists until its review date.
    pub async fn weigh_signal_case(&self, access: &Access<'_>, case_id: Id, w: &Weighing) -> Result<(), StoreError> {
        let team = area::team_scope(access)?;
        let w = &w.cleaned();
        w.check(access.now.date())?;
        let mut tx = self.scoped(access).await?;
        let (household_id, _) = open_case(&mut tx, team, case_id).await?;
        if let Some(worker) = w.worker_id {
            if tx.fetch_optional("SELECT id FROM users WHERE id = $1 AND team_id = $2 AND NOT disabled", &args![worker, team]).await?.is_none() {
                return Err(invalid("werker", "Werker die gaat: kies een werker uit uw team.", "Worker who goes: choose a worker of your team."));
            }
        }
        let review_on = (w.decision == TeamDecision::Monitoren).then_some(w.review_on).flatten().map(time_fmt::date);
        let codes = |v: Vec<&str>| v.join(",");
        tx.execute(
            "INSERT INTO signal_weighings (signal_case_id, user_id, at, grounds, why_go, why_not, proportionality, safety, models, approach, companion, decision, review_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
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
                w.decision.code(),
                review_on.clone()
            ],
        )
        .await?;
        tx.execute(
            "UPDATE signal_cases SET decision = $1, worker_id = COALESCE($2, worker_id), review_on = $3, stage = CASE WHEN stage = 'nieuw' THEN 'gewogen' ELSE stage END WHERE id = $4",
            &args![w.decision.code(), w.worker_id, review_on, case_id],
        )
        .await?;
        tx.record(AuditEvent::SignalWeigh, Some(household_id), None).await?;
        if let (TeamDecision::NietHandelen, Some(result)) = (w.decision, w.closing) {
            close_case(&mut tx, case_id, result, access.now.date()).await?;
            tx.record(AuditEvent::SignalClose, Some(household_id), None).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Closes a signal case with its DDAS end result; partners then see the coarse result.
    /// "Definitief geen contact" needs the cadence's attempts on two channels and at two parts
    /// of the day since the case opened, or the case discussion's decision to stop.
    pub async fn close_signal_case(&self, access: &Access<'_>, case_id: Id, result: EndResult, today: Date) -> Result<(), StoreError> {
        let cadence = &self.policies().cadence;
        let team = area::team_scope(access)?;
        let mut tx = self.scoped(access).await?;
        let (household_id, opened) = open_case(&mut tx, team, case_id).await?;
        if result == EndResult::GeenContact {
            let attempts = crate::kernel::households::attempts_of(&mut tx, household_id, Some(&opened)).await?;
            let stopped = tx
                .fetch_i64("SELECT COUNT(*) FROM case_discussions WHERE household_id = $1 AND outcome = 'stoppen' AND discussed_at >= $2", &args![household_id, opened])
                .await?
                > 0;
            if !stopped && !domain::contact::tried_enough(&attempts, cadence) {
                let n = cadence.failures_before_discussion;
                return Err(invalid(
                    "resultaat",
                    &format!("Eindresultaat: definitief geen contact vraagt ten minste {n} pogingen via twee kanalen op twee dagdelen (een kaartje telt niet), of een besluit van het casusoverleg om te stoppen."),
                    &format!("End result: no contact for good needs at least {n} attempts on two channels at two parts of the day (a card does not count), or the case discussion's decision to stop."),
                ));
            }
        }
        close_case(&mut tx, case_id, result, today).await?;
        tx.record(AuditEvent::SignalClose, Some(household_id), None).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// One of the team's signal cases that is still open: (household, opened at); `NotFound` out of
/// the team's area, refused when closed.
pub(super) async fn open_case(tx: &mut Tx, team: Id, case_id: Id) -> Result<(Id, String), StoreError> {
    let sql = format!("SELECT sc.household_id, sc.stage, sc.opened_at {CASE_FROM} WHERE sc.id = $2");
    let row = tx.fetch_optional(&sql, &args![team, case_id]).await?.ok_or(StoreError::NotFound)?;
    if row.text(1)? == CaseStage::Afgesloten.code() {
        return Err(invalid("zaak", "Deze signaalzaak is al afgesloten.", "This signal case is already closed."));
    }
    Ok((row.i64(0)?, row.text(2)?))
}

/// Closes the case and its signals (the partners' status follows).
async fn close_case(tx: &mut Tx, case_id: Id, result: EndResult, today: Date) -> Result<(), StoreError> {
    tx.execute("UPDATE signal_cases SET stage = 'afgesloten', closed_on = $1, end_result = $2 WHERE id = $3", &args![time_fmt::date(today), result.code(), case_id]).await?;
    tx.execute("UPDATE signals SET status = 'afgesloten' WHERE signal_case_id = $1", &args![case_id]).await?;
    Ok(())
}

/// The cases to weigh (again) (monitored ones on their review date, crisis visits before a
/// weighing) of the actor (`team_wide`: the team's), without auditing.
pub(crate) async fn collect_to_weigh(tx: &mut Tx, team: Id, user_id: Id, team_wide: bool, today: Date, liberation: domain::local::LiberationDay) -> Result<Vec<CaseRow>, StoreError> {
    let where_sql = format!("{TO_WEIGH} AND ($3 OR sc.worker_id = $4 OR sc.worker_id IS NULL)");
    case_rows(tx, &where_sql, args![team, time_fmt::date(today), team_wide, user_id].into(), today, liberation).await
}
