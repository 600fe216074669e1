//! The case page (traject): goals in the resident's words, small steps, practical help, the
//! intensity phase, the ZRM chart per relevant domain, the network map and referrals with a
//! warm handover and their follow-up checks; opening a case from the household page.

use super::households::household_page;
use super::forms::{codes, field_error, first, grouped, parse_id, pick};
use super::forms::Field;
use crate::layout::{render, Nav};
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use domain::case::{self as rules, CheckOutcome, CloseReason, FollowUp, NetworkRole, Phase, ReferralTarget, ZrmDomain, ZrmScore};
use domain::model::OutreachModel;
use std::collections::HashMap;
use store::cases::{CaseChange, CaseFile, NewCase, NewMember, NewReferral, ReferralView};
use store::Access;
use time::Date;

type FormMap = HashMap<String, Vec<String>>;

/// Opens a case from the household page.
pub async fn open(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let actor = user.actor();
    let now = state.now();
    let access = Access { actor: &actor, route: "POST /huishoudens/{id}/traject", now };
    let goal = Some(first(&form, "doel")).filter(|g| !g.trim().is_empty());
    let new = NewCase { household_id: id, opened: now.date(), models: codes(&form, "model", OutreachModel::from_code), domains: codes(&form, "domein", ZrmDomain::from_code), goal };
    match state.store.open_case(&access, &new).await {
        Ok(case_id) => Ok(Redirect::to(&format!("/trajecten/{case_id}?gedaan=geopend")).into_response()),
        Err(e) => {
            let err = field_error(e)?;
            household_page(&state, &user, id, "POST /huishoudens/{id}/traject", false, None, vec![err], true).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct DoneQuery {
    gedaan: Option<String>,
}

pub async fn page(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Query(q): Query<DoneQuery>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    case_page(&state, &user, id, "GET /trajecten/{id}", Vec::new(), HashMap::new(), q.gedaan).await
}

/// One of the case page's forms.
pub async fn act(State(state): State<AppState>, user: PageUser, Path((id, action)): Path<(String, String)>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let now = state.now();
    let today = now.date();
    let actor = user.actor();
    let mut errors = Vec::new();
    let date = |name: &'static str, nl: &str, en: &str, errors: &mut Vec<FieldError>| -> Option<Date> {
        let v = first(&form, name);
        if v.trim().is_empty() {
            return Some(today);
        }
        domain::parse_date(v).map_err(|e| errors.push(FieldError::from_parse(name, nl, en, &e))).ok()
    };
    let id_of = |name: &str| first(&form, name).parse::<i64>().map_err(|_| AppError::NotFound);
    let route = match action.as_str() {
        "zrm" => "POST /trajecten/{id}/zrm",
        "netwerk" | "netwerk-weg" => "POST /trajecten/{id}/netwerk",
        "verwijzing" => "POST /trajecten/{id}/verwijzing",
        _ => "POST /trajecten/{id}",
    };
    let access = Access { actor: &actor, route, now };
    let anchor = match action.as_str() {
        "doel" | "doel-bereikt" => "kop-doelen",
        "stap" | "stap-gedaan" => "kop-stappen",
        "hulp" => "kop-hulp",
        "fase" | "afsluiten" => "kop-traject",
        "domeinen" | "zrm" => "kop-zrm",
        "netwerk" | "netwerk-weg" => "kop-netwerk",
        "verwijzing" => "kop-verwijzingen",
        "journaal" => "kop-journaal",
        "vertrouwelijk" => "kop-vertrouwelijk",
        _ => return Err(AppError::NotFound),
    };
    let outcome: Option<Result<(), store::StoreError>> = match action.as_str() {
        "zrm" => {
            let on = date("zrm-datum", "Datum", "Date", &mut errors);
            let mut scores = Vec::new();
            for d in ZrmDomain::ALL {
                match first(&form, &format!("zrm-{}", d.code())) {
                    "" => {}
                    v => match ZrmScore::from_code(v) {
                        Some(s) => scores.push((*d, s)),
                        None => errors.push(FieldError {
                            field: "zrm",
                            message_nl: format!("ZRM {}: kies een score van 1 tot 5.", d.label_nl()),
                            message_en: format!("ZRM {}: choose a score from 1 to 5.", d.label_en()),
                        }),
                    },
                }
            }
            match on.filter(|_| errors.is_empty()) {
                Some(on) => Some(state.store.record_zrm(&access, id, on, &scores).await.map(|_| ())),
                None => None,
            }
        }
        "netwerk" => match pick(&form, "rol", NetworkRole::from_code, "Rol", "Role", &mut errors) {
            Some(role) => {
                let opt = |name: &str| Some(first(&form, name)).filter(|v| !v.trim().is_empty());
                let member = NewMember { role, name: first(&form, "netwerk-naam"), relation: opt("netwerk-relatie"), reach: opt("netwerk-bereik") };
                // By this case, so a closed case refuses like every other action (issue 27, finding 7).
                Some(state.store.add_case_network_member(&access, id, &member).await.map(|_| ()))
            }
            None => None,
        },
        "netwerk-weg" => {
            Some(state.store.remove_case_network_member(&access, id, id_of("lid")?).await)
        }
        // The special categories the case touches: none ticked is none.
        "vertrouwelijk" => Some(state.store.mark_case_sensitive(&access, id, &codes(&form, "vertrouwelijk", domain::model::Sensitive::from_code)).await),
        "verwijzing" => {
            let target = pick(&form, "naar", ReferralTarget::from_code, "Naar", "To", &mut errors);
            let referred_on = date("verwezen-op", "Verwezen op", "Referred on", &mut errors);
            let handover_on = date("overdracht-op", "Warme overdracht op", "Warm handover on", &mut errors);
            let every = match first(&form, "nagaan-elke").trim() {
                "" => Some(rules::DEFAULT_CHECK_EVERY_DAYS),
                v => v.parse::<i64>().map_err(|_| errors.push(FieldError { field: "nagaan-elke", message_nl: "Nagaan: vul een aantal dagen in.".into(), message_en: "Follow up: enter a number of days.".into() })).ok(),
            };
            match (target, referred_on, handover_on, every) {
                (Some(target), Some(referred_on), Some(handover_on), Some(check_every_days)) => {
                    let with = Some(first(&form, "overdracht-met")).filter(|v| !v.trim().is_empty());
                    let r = NewReferral { target, organisation: first(&form, "organisatie"), reason: first(&form, "verwijsreden"), referred_on, handover_on, handover_with: with, check_every_days };
                    Some(state.store.refer(&access, id, &r).await.map(|_| ()))
                }
                _ => None,
            }
        }
        other => {
            let change = match other {
                "doel" => Some(CaseChange::Goal { words: first(&form, "doel") }),
                "journaal" => Some(CaseChange::Journal { body: first(&form, "journaal") }),
                "doel-bereikt" => Some(CaseChange::GoalReached { goal_id: id_of("doel_id")?, on: today }),
                "stap" => date("stap-datum", "Wanneer", "When", &mut errors).map(|due_on| CaseChange::Step { what: first(&form, "stap"), who: first(&form, "wie"), due_on }),
                "stap-gedaan" => Some(CaseChange::StepDone { step_id: id_of("stap_id")?, on: today }),
                "hulp" => date("hulp-datum", "Datum", "Date", &mut errors).map(|on| CaseChange::Help { what: first(&form, "hulp"), on }),
                "fase" => pick(&form, "fase", Phase::from_code, "Fase", "Phase", &mut errors).map(|phase| CaseChange::Phase { phase, lasting_contact: first(&form, "blijvend") == "ja" }),
                "domeinen" => Some(CaseChange::Domains { domains: codes(&form, "domein", ZrmDomain::from_code) }),
                "afsluiten" => pick(&form, "reden", CloseReason::from_code, "Reden", "Reason", &mut errors).map(|reason| CaseChange::Close {
                    reason,
                    note: Some(first(&form, "toelichting")).filter(|v| !v.trim().is_empty()),
                    on: today,
                }),
                _ => None,
            };
            match change {
                Some(change) => Some(state.store.change_case(&access, id, &change).await),
                None => None,
            }
        }
    };
    match outcome {
        Some(Ok(())) => return Ok(Redirect::to(&format!("/trajecten/{id}?gedaan={action}#{anchor}")).into_response()),
        Some(Err(e)) => errors.push(field_error(e)?),
        None => {}
    }
    case_page(&state, &user, id, route, errors, form, None).await
}

/// A follow-up check of a referral; back to its case.
pub async fn check(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let case_id = parse_id(first(&form, "traject"))?;
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /verwijzingen/{id}/nagaan", now };
    let mut errors = Vec::new();
    if let Some(outcome) = pick(&form, "uitkomst", CheckOutcome::from_code, "Uitkomst", "Outcome", &mut errors) {
        let note = Some(first(&form, "nagaan-notitie")).filter(|v| !v.trim().is_empty());
        match state.store.check_referral(&access, id, now.date(), outcome, note).await {
            Ok(case_id) => return Ok(Redirect::to(&format!("/trajecten/{case_id}?gedaan=nagaan#verwijzing-{id}")).into_response()),
            Err(e) => errors.push(field_error(e)?),
        }
    }
    if let Some(e) = errors.iter_mut().find(|e| e.field == "uitkomst") {
        e.field = "nagaan-notitie";
    }
    case_page(&state, &user, case_id, "POST /verwijzingen/{id}/nagaan", errors, form, None).await
}

/// One domain's scores over time, drawn as a small line chart (the table beside it holds the
/// same numbers for screen readers and print).
pub struct Chart {
    pub domain: ZrmDomain,
    pub summary: String,
    pub line: String,
    pub points: Vec<(i32, i32, u8)>,
    pub first: String,
    pub last: String,
}

const CHART_LEFT: i32 = 40;
const CHART_WIDTH: i32 = 240;

/// The y of a score: 5 at the top.
pub fn chart_y(score: u8) -> i32 {
    14 + (5 - i32::from(score.clamp(1, 5))) * 26
}

fn charts(file: &CaseFile, t: Lang) -> Vec<Chart> {
    let dates: Vec<Date> = file.assessments.iter().map(|a| a.on).collect();
    let (Some(&start), Some(&end)) = (dates.iter().min(), dates.iter().max()) else { return Vec::new() };
    let span = (end - start).whole_days().max(1);
    let x = |d: Date| if start == end { CHART_LEFT + CHART_WIDTH / 2 } else { CHART_LEFT + ((d - start).whole_days() * i64::from(CHART_WIDTH) / span) as i32 };
    file.domains
        .iter()
        .filter_map(|domain| {
            let series = rules::progress(&file.assessments, *domain);
            if series.is_empty() {
                return None;
            }
            let points: Vec<(i32, i32, u8)> = series.iter().map(|(d, s)| (x(*d), chart_y(s.value()), s.value())).collect();
            let told: Vec<String> = series.iter().map(|(d, s)| format!("{} {}", t.date(d), s.value())).collect();
            Some(Chart {
                domain: *domain,
                summary: format!("{}: {}", domain.label(t.is_nl()), told.join(", ")),
                line: points.iter().map(|(x, y, _)| format!("{x},{y}")).collect::<Vec<_>>().join(" "),
                points,
                first: t.date(&start),
                last: t.date(&end),
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub t: Lang,
    pub nav: Nav,
    pub c: CaseFile,
    pub errors: Vec<FieldError>,
    pub form: FormMap,
    pub done: Option<String>,
    pub today: String,
    pub charts: Vec<Chart>,
    /// Per referral: the next check, and why it is on the list now.
    pub follow: Vec<(Date, Option<FollowUp>)>,
}

impl CasePage {
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == name).map(|e| e.message(&self.t))
    }

    pub fn value(&self, name: &str) -> &str {
        first(&self.form, name)
    }

    /// A text input, refilled after an error.
    pub fn input(&self, name: &'static str, nl: &str, en: &str, kind: &'static str) -> Field {
        let value = if kind == "date" && self.value(name).is_empty() { self.today.clone() } else { self.value(name).to_string() };
        Field::new(name, self.t.s(nl, en), &value, &self.errors, &self.t).kind(kind)
    }

    pub fn referral(&self, i: &usize) -> (&ReferralView, Date, Option<FollowUp>) {
        let (next, follow) = self.follow[*i];
        (&self.c.referrals[*i], next, follow)
    }

    pub fn score_of(&self, on: &Date, domain: &ZrmDomain) -> String {
        self.c.assessments.iter().find(|a| a.on == *on).and_then(|a| a.scores.iter().find(|(d, _)| d == domain)).map_or("–".into(), |(_, s)| s.value().to_string())
    }

    pub fn grid(&self) -> Vec<(u8, i32)> {
        (1..=5).map(|s| (s, chart_y(s))).collect()
    }

    pub fn phases(&self) -> &'static [Phase] {
        Phase::ALL
    }
    pub fn sensitive_categories(&self) -> &'static [domain::model::Sensitive] {
        domain::model::Sensitive::ALL
    }
    pub fn close_reasons(&self) -> &'static [CloseReason] {
        CloseReason::ALL
    }
    pub fn all_domains(&self) -> &'static [ZrmDomain] {
        ZrmDomain::ALL
    }
    pub fn scores(&self) -> &'static [ZrmScore] {
        ZrmScore::ALL
    }
    pub fn roles(&self) -> &'static [NetworkRole] {
        NetworkRole::ALL
    }
    pub fn targets(&self) -> &'static [ReferralTarget] {
        ReferralTarget::ALL
    }
    pub fn check_outcomes(&self) -> &'static [CheckOutcome] {
        CheckOutcome::ALL
    }
}

async fn case_page(state: &AppState, user: &PageUser, id: i64, route: &'static str, errors: Vec<FieldError>, form: FormMap, done: Option<String>) -> Result<Response, AppError> {
    let t = user.lang;
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route, now };
    let c = state.store.case_file(&access, id).await?;
    let stalled_after = state.store.policies().cadence.referral_stalled_days;
    let follow = c.referrals.iter().map(|r| (r.facts().next_check(), r.facts().follow_up(now.date(), stalled_after))).collect();
    let invalid = !errors.is_empty();
    let page = CasePage { t, nav: user.nav("/mijn-dag"), charts: charts(&c, t), c, errors, form, done, today: store::time_fmt::date(now.date()), follow };
    let mut response = render(&page);
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}
