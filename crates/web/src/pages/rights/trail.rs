//! The privacy officer's audit trail: counts per kind, the flags to look into ("om na te gaan")
//! with a link to their records and a form to mark them handled with a note, and the trail
//! itself, one line per act (a list view of 36 households is one line "36 huishoudens"), with
//! Dutch event names and Dutch local times. Filters by resident, household, user, period and
//! kind are ids, staff names and dates, never residents' data, so they may sit in the URL.

use super::export::long_date;
use crate::pages::forms::Field;
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::{local_time, Lang};
use crate::layout::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use store::audit::AuditSummaryRow;
use store::rights::trail::{dutch_midnight, Anomaly, TrailFilter, TrailLine, MANY_RESIDENTS_PER_DAY};
use store::{Access, AuditEvent};

/// A flag as the page shows it: its words, the link to its records, and whether it was handled.
pub struct Flag {
    pub a: Anomaly,
    pub what: &'static str,
    pub day: String,
    pub link: String,
    pub handled_at: String,
}

/// A line of the trail as the page shows it.
pub struct Line {
    pub l: TrailLine,
    pub when: String,
    pub what: &'static str,
    /// "Huishouden 12", "36 huishoudens", "bewoner 7 (huishouden 12)", or "–".
    pub whom: String,
}

#[derive(Template)]
#[template(path = "privacy_home.html")]
pub struct PrivacyHome {
    pub t: Lang,
    pub nav: Nav,
    pub since: String,
    pub rows: Vec<(AuditSummaryRow, &'static str)>,
    pub flags: Vec<Flag>,
    pub lines: Vec<Line>,
    pub errors: Vec<FieldError>,
    pub household: Field,
    pub person: Field,
    pub username: Field,
    pub from: Field,
    pub until: Field,
    pub event: String,
    pub events: Vec<(&'static str, &'static str)>,
    pub days: i64,
    /// The flag just marked handled.
    pub handled: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    huishouden: String,
    #[serde(default)]
    bewoner: String,
    #[serde(default)]
    gebruiker: String,
    #[serde(default)]
    gebeurtenis: String,
    #[serde(default)]
    van: String,
    #[serde(default)]
    tot: String,
    dagen: Option<String>,
}

fn flag_words(t: Lang, kind: &str) -> &'static str {
    match kind {
        "many-residents" => t.s("Veel huishoudens geopend", "Many households opened"),
        "outside-area" => t.s("Buiten eigen werkgebied", "Outside own area"),
        "break-glass" => t.s("Noodtoegang gebruikt", "Emergency access used"),
        "export" => t.s("Inzageverzoek uitgevoerd", "Access request carried out"),
        _ => t.s("Gegevens gewist", "Data erased"),
    }
}

fn id_field(text: &str, field: &'static str, nl: &str, en: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    match text.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.push(FieldError { field, message_nl: format!("{nl}: vul een nummer in, zoals 42."), message_en: format!("{en}: enter a number, like 42.") });
                None
            }
        },
    }
}

fn date_field(text: &str, field: &'static str, nl: &str, en: &str, errors: &mut Vec<FieldError>) -> Option<time::Date> {
    match text.trim() {
        "" => None,
        s => match domain::parse_date(s) {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError { field, message_nl: format!("{nl}: vul een datum in, zoals 2-12-2026."), message_en: format!("{en}: enter a date, like 2-12-2026.") });
                None
            }
        },
    }
}

/// The privacy officer's view, filtered by household, resident, user, kind and period.
pub async fn privacy_home(State(state): State<AppState>, user: PageUser, Query(q): Query<AuditQuery>) -> Result<Response, AppError> {
    home(&state, &user, &q, false).await
}

async fn home(state: &AppState, user: &PageUser, q: &AuditQuery, handled: bool) -> Result<Response, AppError> {
    let t = user.lang;
    let mut errors = Vec::new();
    let household_id = id_field(&q.huishouden, "huishouden", "Huishouden", "Household", &mut errors);
    let person_id = id_field(&q.bewoner, "bewoner", "Bewoner", "Resident", &mut errors);
    let days = match q.dagen.as_deref().map(str::trim) {
        None | Some("") => 30,
        Some(text) => match text.parse::<i64>() {
            Ok(d) if (1..=3660).contains(&d) => d,
            _ => {
                errors.push(FieldError { field: "dagen", message_nl: "Periode: kies een aantal dagen tussen 1 en 3660.".into(), message_en: "Period: choose a number of days between 1 and 3660.".into() });
                30
            }
        },
    };
    let now = state.now();
    let from_day = date_field(&q.van, "van", "Van", "From", &mut errors);
    let until_day = date_field(&q.tot, "tot", "Tot en met", "Up to and including", &mut errors);
    let since = match from_day {
        Some(d) => dutch_midnight(d),
        None => now - time::Duration::days(days),
    };
    let until = match until_day {
        Some(d) => dutch_midnight(d.next_day().unwrap_or(d)),
        // No end given: everything since the start, records stamped later included.
        None => time::macros::datetime!(9999-12-31 0:00 UTC),
    };
    if let (Some(a), Some(b)) = (from_day, until_day) {
        if b < a {
            errors.push(FieldError { field: "tot", message_nl: "Tot en met: kies een datum op of na de begindatum.".into(), message_en: "Up to and including: choose a date on or after the start date.".into() });
        }
    }
    let event = AuditEvent::from_code(q.gebeurtenis.trim()).map(|e| e.code().to_string());
    let username = Some(q.gebruiker.trim().to_string()).filter(|u| !u.is_empty() && u.len() <= 100);
    let rows = state.store.audit_summary(since).await?.into_iter().map(|r| { let label = AuditEvent::label_of(&r.event, t.is_nl()); (r, label) }).collect();
    let flags = state
        .store
        .audit_anomalies(since, MANY_RESIDENTS_PER_DAY)
        .await?
        .into_iter()
        .map(|a| {
            let mut link = format!("/privacy?gebruiker={}&van={}&tot={}", a.user.clone().unwrap_or_default(), a.day, a.day);
            if let Some(e) = a.event {
                link.push_str(&format!("&gebeurtenis={e}"));
            }
            link.push_str("#kop-records");
            let day = time::Date::parse(&a.day, time::macros::format_description!("[year]-[month]-[day]")).map(|d| long_date(t, d)).unwrap_or_else(|_| a.day.clone());
            let handled_at = a.handled.as_ref().map(|h| local_time(&h.at)).unwrap_or_default();
            Flag { what: flag_words(t, a.kind), day, link, handled_at, a }
        })
        .collect();
    let lines = if errors.is_empty() {
        let filter = TrailFilter { household_id, person_id, username, event: event.clone(), from: since, until };
        state
            .store
            .audit_trail(&filter, 200)
            .await?
            .into_iter()
            .map(|l| {
                let whom = match (l.person_id, l.household_id, l.households) {
                    (Some(p), Some(h), _) => format!("{} {p} ({} {h})", t.s("bewoner", "resident"), t.s("huishouden", "household")),
                    (None, Some(h), _) => format!("{} {h}", t.s("huishouden", "household")),
                    (_, None, n) if n > 1 => format!("{n} {}", t.s("huishoudens", "households")),
                    _ => "–".to_string(),
                };
                Line { when: local_time(&l.at), what: l.label(t.is_nl()), whom, l }
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = PrivacyHome {
        t,
        nav: user.nav("/privacy"),
        since: long_date(t, domain::local::dutch(since).date()),
        rows,
        flags,
        lines,
        household: Field::new("huishouden", t.s("Huishouden (nummer)", "Household (number)"), &q.huishouden, &errors, &t),
        person: Field::new("bewoner", t.s("Bewoner (nummer)", "Resident (number)"), &q.bewoner, &errors, &t),
        username: Field::new("gebruiker", t.s("Gebruiker (gebruikersnaam)", "User (username)"), &q.gebruiker, &errors, &t),
        from: Field::new("van", t.s("Van", "From"), &q.van, &errors, &t).hint(t.s("Datum, zoals 1-12-2026", "Date, like 1-12-2026")),
        until: Field::new("tot", t.s("Tot en met", "Up to and including"), &q.tot, &errors, &t).hint(t.s("Datum, zoals 2-12-2026", "Date, like 2-12-2026")),
        event: event.unwrap_or_default(),
        events: AuditEvent::ALL.iter().map(|e| (e.code(), e.label(t.is_nl()))).collect(),
        days,
        errors,
        handled,
    };
    let mut response = render(&page);
    if !page.errors.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

#[derive(serde::Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    soort: String,
    #[serde(default)]
    gebruiker: String,
    #[serde(default)]
    dag: String,
    #[serde(default)]
    notitie: String,
}

/// Marks a flag handled with the officer's note (audited); the page again, with the flag shown
/// as handled, or the note's error.
pub async fn review(State(state): State<AppState>, user: PageUser, Form(f): Form<ReviewForm>) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /privacy/nagaan", now: state.now() };
    if let Err(e) = state.store.audit_review(&access, &f.soort, &f.gebruiker, &f.dag, &f.notitie).await {
        return super::refused(&user, "/privacy", e);
    }
    home(&state, &user, &AuditQuery { dagen: Some("3660".into()), ..AuditQuery::default() }, true).await
}
