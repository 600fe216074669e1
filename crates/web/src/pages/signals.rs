//! Signals on screen (issue 4): the team's signal cases with the pickup clock, one case with
//! its weighing, first contact and closing, the review queue with both records side by side,
//! the worker's form for an informal reporter or something noticed in the field, and the
//! partner's form. Every form goes through the one signal parser the API and files use.

use super::forms::{codes, field_error, field_errors, first, grouped, parse_id, pick, Field};
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
use domain::model::{
    Approach, CaseStage, Companion, ContactKind, Decision, EndResult, FeedbackMessage, Ground, OutreachModel, PartnerType, Role, Safety, SignalChannel, SignalKind,
};
use domain::signal::parse_signal;
use std::collections::HashMap;
use store::signals::{CaseDetail, CaseFilter, CaseRow, InformalReporter, Resolution, ReviewDetail, ReviewItem, Source, Weighing};
use store::Access;

// ---------------------------------------------------------------------------------------------
// The lists.

#[derive(Template)]
#[template(path = "signal_cases.html")]
pub struct CasesPage {
    pub t: Lang,
    pub nav: Nav,
    pub filter: &'static str,
    pub tabs: Vec<(&'static str, &'static str, &'static str, i64)>,
    pub rows: Vec<CaseRow>,
    pub review: i64,
    /// The team weighs with four eyes; `is_lead`: this user may change that.
    pub four_eyes: bool,
    pub is_lead: bool,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    lijst: Option<String>,
}

pub async fn cases(State(state): State<AppState>, user: PageUser, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let t = user.lang;
    let filter = match q.lijst.as_deref() {
        None => CaseFilter::Open,
        Some(code) => CaseFilter::from_code(code).ok_or(AppError::NotFound)?,
    };
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /signaalzaken", now };
    let [open, due, late, to_weigh, review] = state.store.signal_case_counts(&access, now.date()).await?;
    let rows = state.store.signal_cases(&access, filter, now.date()).await?;
    let mine = rows.len() as i64;
    let tabs = vec![
        ("open", "Open", "Open", open),
        ("te-laat", "Te laat", "Overdue", late),
        ("binnenkort", "Binnenkort", "Due soon", due),
        ("te-wegen", "Te (her)wegen", "To weigh (again)", to_weigh),
        ("mijn", "Waar ik heen ga", "Where I go", if filter == CaseFilter::Mine { mine } else { -1 }),
        ("afgesloten", "Afgesloten", "Closed", -1),
    ];
    let four_eyes = state.store.four_eyes(&access).await?;
    Ok(render(&CasesPage { t, nav: user.nav("/signaalzaken"), filter: filter.code(), tabs, rows, review, four_eyes, is_lead: user.user.role == Role::TeamLead }))
}

// ---------------------------------------------------------------------------------------------
// One case: weighing, first contact, closing.

#[derive(Template)]
#[template(path = "signal_case.html")]
pub struct CasePage {
    pub t: Lang,
    pub nav: Nav,
    pub c: CaseDetail,
    pub workers: Vec<(i64, String)>,
    pub errors: Vec<FieldError>,
    pub form: HashMap<String, Vec<String>>,
    pub grounds: &'static [Ground],
    pub safeties: &'static [Safety],
    pub models: &'static [OutreachModel],
    pub approaches: &'static [Approach],
    pub companions: &'static [Companion],
    pub decisions: &'static [Decision],
    pub results: &'static [EndResult],
    pub feedback_messages: &'static [FeedbackMessage],
    pub contact_kinds: &'static [ContactKind],
    pub notice: Option<&'static str>,
}

impl CasePage {
    pub fn sensitive_categories(&self) -> &'static [domain::model::Sensitive] {
        domain::model::Sensitive::ALL
    }

    pub fn checked(&self, name: &str, code: &str) -> bool {
        self.form.get(name).is_some_and(|v| v.iter().any(|x| x == code))
    }

    pub fn value(&self, name: &str) -> &str {
        self.form.get(name).and_then(|v| v.first()).map(String::as_str).unwrap_or("")
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message(&self.t).to_string())
    }

    pub fn open(&self) -> bool {
        self.c.row.stage != CaseStage::Afgesloten
    }

    /// The latest weighing awaits a second person's confirmation (and this user may give it).
    pub fn can_confirm(&self) -> bool {
        self.open() && self.c.four_eyes && self.c.weighings.first().is_some_and(|w| w.confirmed.is_none() && self.nav.user.as_ref().is_some_and(|(name, _)| *name != w.by))
    }

    /// The end results "niet handelen" closes with (not picked up).
    pub fn not_picked_up(&self) -> Vec<EndResult> {
        EndResult::ALL.iter().copied().filter(|r| r.not_picked_up()).collect()
    }
}

#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    gedaan: Option<String>,
}

async fn case_page(state: &AppState, user: &PageUser, id: i64, errors: Vec<FieldError>, form: HashMap<String, Vec<String>>, notice: Option<&'static str>) -> Result<Response, AppError> {
    let t = user.lang;
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /signaalzaken/{id}", now };
    let c = state.store.signal_case(&access, id, now.date()).await?;
    let workers = state.store.team_workers(user.user.team_id.unwrap_or_default()).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = CasePage {
        t,
        nav: user.nav("/signaalzaken"),
        c,
        workers,
        errors,
        form,
        grounds: Ground::ALL,
        safeties: Safety::ALL,
        models: OutreachModel::ALL,
        approaches: Approach::ALL,
        companions: Companion::ALL,
        decisions: Decision::ALL,
        results: EndResult::ALL,
        feedback_messages: FeedbackMessage::ALL,
        contact_kinds: ContactKind::ALL,
        notice,
    };
    let mut r = render(&page);
    *r.status_mut() = status;
    Ok(r)
}

pub async fn case(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Query(q): Query<NoticeQuery>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let notice = match q.gedaan.as_deref() {
        Some("weging") => Some("weging"),
        Some("contact") => Some("contact"),
        Some("afgesloten") => Some("afgesloten"),
        Some("gekoppeld") => Some("gekoppeld"),
        Some("bevestigd") => Some("bevestigd"),
        Some("teruggekoppeld") => Some("teruggekoppeld"),
        _ => None,
    };
    case_page(&state, &user, id, Vec::new(), HashMap::new(), notice).await
}

pub async fn weigh(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let mut errors = Vec::new();
    let safety = pick(&form, "veiligheid", Safety::from_code, "Veiligheid", "Safety", &mut errors);
    let approach = pick(&form, "benadering", Approach::from_code, "Benadering", "Approach", &mut errors);
    let companion = pick(&form, "wie", Companion::from_code, "Wie gaat", "Who goes", &mut errors);
    let decision = pick(&form, "besluit", Decision::from_code, "Besluit", "Decision", &mut errors);
    let worker_id = first(&form, "werker").parse::<i64>().ok();
    let review_on = match first(&form, "herweging").trim() {
        "" => None,
        d => match domain::parse_date(d) {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError { field: "herweging", message_nl: "Opnieuw bekijken op: schrijf een datum als 31-12-2026.".into(), message_en: "Look again on: write a date as 31-12-2026.".into() });
                None
            }
        },
    };
    let closing = EndResult::from_code(first(&form, "afsluitreden"));
    let picked = safety.is_some() && approach.is_some() && companion.is_some() && decision.is_some() && errors.is_empty();
    // Where a choice is missing, a stand-in lets the store name every other field that is wrong
    // too, so the page lists them all at once.
    let w = Weighing {
        grounds: codes(&form, "grond", Ground::from_code),
        why_go: first(&form, "waarom").to_string(),
        why_not: Some(first(&form, "waarom-niet").to_string()).filter(|s| !s.trim().is_empty()),
        proportionality: first(&form, "proportionaliteit").to_string(),
        safety: safety.unwrap_or(Safety::GeenSignalen),
        models: codes(&form, "model", OutreachModel::from_code),
        approach: approach.unwrap_or(Approach::Afspraak),
        companion: companion.unwrap_or(Companion::Alleen),
        decision: decision.unwrap_or(Decision::Verwijzen),
        worker_id,
        review_on,
        closing,
    };
    let now = state.now();
    let problems = w.problems(now.date());
    if picked && problems.is_empty() {
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /signaalzaken/{id}/weging", now };
        match state.store.weigh_signal_case(&access, id, &w).await {
            Ok(()) => return Ok(Redirect::to(&format!("/signaalzaken/{id}?gedaan=weging")).into_response()),
            Err(e) => errors.push(field_error(e)?),
        }
    } else {
        for e in problems {
            errors.push(field_error(e)?);
        }
    }
    case_page(&state, &user, id, errors, form, None).await
}

pub async fn contact(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let mut errors = Vec::new();
    let kind = pick(&form, "soort", ContactKind::from_code, "Soort contact", "Kind of contact", &mut errors);
    let reached = match first(&form, "bereikt") {
        "ja" => Some(true),
        "nee" => Some(false),
        _ => {
            errors.push(FieldError { field: "bereikt", message_nl: "Bereikt: kies ja of nee.".into(), message_en: "Reached: choose yes or no.".into() });
            None
        }
    };
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /signaalzaken/{id}/contact", now };
    if let (Some(kind), Some(reached)) = (kind, reached) {
        let household_id = state.store.signal_case_household(&access, id).await?;
        let outcome = if reached { domain::model::ContactOutcome::Gesproken } else { domain::model::ContactOutcome::NietThuis };
        let note = Some(first(&form, "notitie")).filter(|n| !n.trim().is_empty());
        let crisis_reason = Some(first(&form, "crisisreden")).filter(|r| !r.trim().is_empty());
        let attempt = store::contact::NewAttempt { household_id, kind, at: now, day_part: None, outcome, note, crisis_reason };
        match state.store.log_contact_attempt(&access, &attempt).await {
            Ok(_) => return Ok(Redirect::to(&format!("/signaalzaken/{id}?gedaan=contact")).into_response()),
            Err(e) => errors.push(field_error(e)?),
        }
    }
    case_page(&state, &user, id, errors, form, None).await
}

pub async fn close(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let mut errors = Vec::new();
    if let Some(result) = pick(&form, "resultaat", EndResult::from_code, "Eindresultaat", "End result", &mut errors) {
        let now = state.now();
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /signaalzaken/{id}/afsluiten", now };
        match state.store.close_signal_case(&access, id, result, now.date()).await {
            Ok(()) => return Ok(Redirect::to(&format!("/signaalzaken/{id}?gedaan=afgesloten")).into_response()),
            Err(e) => errors.push(field_error(e)?),
        }
    }
    case_page(&state, &user, id, errors, form, None).await
}

/// Four eyes: a colleague or the team lead confirms the latest weighing.
pub async fn confirm(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /signaalzaken/{id}/bevestigen", now: state.now() };
    match state.store.confirm_weighing(&access, id).await {
        Ok(()) => Ok(Redirect::to(&format!("/signaalzaken/{id}?gedaan=bevestigd")).into_response()),
        Err(e) => {
            let errors = vec![field_error(e)?];
            case_page(&state, &user, id, errors, form, None).await
        }
    }
}

/// The team lead turns four eyes on or off for the team.
pub async fn four_eyes(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /signaalzaken/vier-ogen", now: state.now() };
    state.store.set_four_eyes(&access, first(&form, "vier-ogen") == "ja").await?;
    Ok(Redirect::to("/signaalzaken").into_response())
}

/// The worker records that the reporter heard back (which minimal message).
pub async fn feedback(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let signal_id = parse_id(&id)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let case_id = parse_id(first(&form, "zaak"))?;
    let mut errors = Vec::new();
    let name: &'static str = "terugkoppeling";
    if let Some(message) = pick(&form, name, FeedbackMessage::from_code, "Terugkoppeling", "Feedback", &mut errors) {
        let actor = user.actor();
        let access = Access { actor: &actor, route: "POST /signalen/{id}/terugkoppeling", now: state.now() };
        match state.store.record_feedback(&access, signal_id, message).await {
            Ok(()) => return Ok(Redirect::to(&format!("/signaalzaken/{case_id}?gedaan=teruggekoppeld")).into_response()),
            Err(e) => errors.push(field_error(e)?),
        }
    }
    case_page(&state, &user, case_id, errors, form, None).await
}

// ---------------------------------------------------------------------------------------------
// Review.

#[derive(Template)]
#[template(path = "review_queue.html")]
pub struct ReviewQueuePage {
    pub t: Lang,
    pub nav: Nav,
    pub items: Vec<ReviewItem>,
}

pub async fn review_queue(State(state): State<AppState>, user: PageUser) -> Result<Response, AppError> {
    let t = user.lang;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /signalen/beoordelen", now: state.now() };
    let items = state.store.review_queue(&access).await?;
    Ok(render(&ReviewQueuePage { t, nav: user.nav("/signalen/beoordelen"), items }))
}

#[derive(Template)]
#[template(path = "review.html")]
pub struct ReviewPage {
    pub t: Lang,
    pub nav: Nav,
    pub r: ReviewDetail,
    pub reasons: Vec<EndResult>,
    pub errors: Vec<FieldError>,
}

impl ReviewPage {
    pub fn percent(&self, p: &Option<f64>) -> String {
        p.map(|p| format!("{:.0}%", p * 100.0)).unwrap_or_else(|| "–".into())
    }
}

async fn review_page(state: &AppState, user: &PageUser, id: i64, errors: Vec<FieldError>) -> Result<Response, AppError> {
    let t = user.lang;
    let actor = user.actor();
    let access = Access { actor: &actor, route: "GET /signalen/beoordelen/{id}", now: state.now() };
    let r = state.store.review_detail(&access, &state.linker, id).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let reasons = EndResult::ALL.iter().copied().filter(|e| e.not_picked_up()).collect();
    let mut resp = render(&ReviewPage { t, nav: user.nav("/signalen/beoordelen"), r, reasons, errors });
    *resp.status_mut() = status;
    Ok(resp)
}

pub async fn review(State(state): State<AppState>, user: PageUser, Path(id): Path<String>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    review_page(&state, &user, id, Vec::new()).await
}

#[derive(serde::Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    keuze: String,
    #[serde(default)]
    reden: String,
    #[serde(default)]
    csrf: String,
}

/// `keuze` is `koppel-H` or `koppel-H-P` (household, person), `nieuw`, or `sluiten` with `reden`.
pub async fn resolve(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<ResolveForm>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    user.check_csrf(&f.csrf)?;
    let resolution = if let Some(rest) = f.keuze.strip_prefix("koppel-") {
        let mut parts = rest.split('-').map(|p| p.parse::<i64>().ok());
        match (parts.next().flatten(), parts.next()) {
            (Some(household_id), person) => Some(Resolution::Attach { household_id, person_id: person.flatten() }),
            _ => None,
        }
    } else if f.keuze == "nieuw" {
        Some(Resolution::NewHousehold)
    } else if f.keuze == "sluiten" {
        EndResult::from_code(&f.reden).filter(|e| e.not_picked_up()).map(Resolution::Close)
    } else {
        None
    };
    let Some(resolution) = resolution else {
        let field = if f.keuze == "sluiten" { "reden" } else { "keuze" };
        let e = FieldError { field, message_nl: "Kies wat er met dit signaal gebeurt (en bij sluiten de reden).".into(), message_en: "Choose what happens to this signal (and, when closing, why).".into() };
        return review_page(&state, &user, id, vec![e]).await;
    };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /signalen/beoordelen/{id}", now: state.now() };
    match state.store.resolve_review(&access, &state.linker, id, resolution).await {
        Ok(Some(case_id)) => Ok(Redirect::to(&format!("/signaalzaken/{case_id}?gedaan=gekoppeld")).into_response()),
        Ok(None) => Ok(Redirect::to("/signalen/beoordelen").into_response()),
        Err(e) => review_page(&state, &user, id, vec![field_error(e)?]).await,
    }
}

// ---------------------------------------------------------------------------------------------
// New signals: a worker's (informal reporter, noticed in the field) and a partner's.

#[derive(Template)]
#[template(path = "new_signal.html")]
pub struct NewSignalPage {
    pub t: Lang,
    pub nav: Nav,
    pub partner: bool,
    pub action: &'static str,
    pub errors: Vec<FieldError>,
    pub form: HashMap<String, Vec<String>>,
    pub fields: Vec<Field>,
    /// The partner's own reference (the partner's form only).
    pub reference: Option<Field>,
    pub kinds: &'static [SignalKind],
    pub sensitive: &'static [domain::model::Sensitive],
    pub reporters: Vec<PartnerType>,
    /// The last signal lay in another team's area and went to that team.
    pub forwarded: bool,
}

impl NewSignalPage {
    pub fn value(&self, name: &str) -> &str {
        self.form.get(name).and_then(|v| v.first()).map(String::as_str).unwrap_or("")
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message(&self.t).to_string())
    }
}

/// The signal form's fields by the label the form shows them with (Dutch, English), so an
/// error names the field as the user sees it, never by its key; `eigen_kenmerk` is the
/// partner's own reference.
const SIGNAL_LABELS: &[(&str, &str, &str)] = &[
    ("soort", "Waar gaat het over?", "What is it about?"),
    ("zorg", "Wat is er aan de hand?", "What is going on?"),
    ("signaaldatum", "Datum van het signaal", "Date of the signal"),
    ("ontstaansdatum", "Begin van de achterstand", "Start of the arrears"),
    ("bedrag", "Bedrag achterstand (hele euro's)", "Amount in arrears (whole euros)"),
    ("crisissignaal", "Crisis", "Crisis"),
    ("warme_overdracht", "Warme overdracht", "Warm handover"),
    ("eigen_kenmerk", "Uw eigen kenmerk", "Your own reference"),
    ("vertrouwelijk", "Gaat het over een vertrouwelijk onderwerp?", "Is it about a confidential subject?"),
    ("voornaam", "Voornaam", "Given name"),
    ("voorletters", "Voorletters", "Initials"),
    ("voorvoegsel", "Tussenvoegsel", "Surname prefix"),
    ("achternaam", "Achternaam", "Surname"),
    ("geboortedatum", "Geboortedatum", "Date of birth"),
    ("straatnaam", "Straat", "Street"),
    ("huisnummer", "Huisnummer", "House number"),
    ("huisletter", "Huisnummer", "House number"),
    ("huisnummertoevoeging", "Huisnummer", "House number"),
    ("postcode", "Postcode", "Postcode"),
    ("plaatsnaam", "Woonplaats", "Locality"),
    ("bsn", "BSN", "BSN"),
    ("telefoon", "Telefoon", "Phone"),
    ("email", "E-mail", "E-mail"),
];

fn signal_label(name: &str) -> Option<(&'static str, &'static str)> {
    SIGNAL_LABELS.iter().find(|(n, _, _)| *n == name).map(|(_, nl, en)| (*nl, *en))
}

/// "Label: reason." or, after a question, "Question? Reason."
fn labelled(label: &str, reason: &str) -> String {
    let reason = reason.trim_end_matches('.');
    if label.ends_with('?') {
        let mut c = reason.chars();
        let first = c.next().map(|f| f.to_uppercase().collect::<String>()).unwrap_or_default();
        format!("{label} {first}{}.", c.as_str())
    } else {
        format!("{label}: {reason}.")
    }
}

/// The parser's errors as the form shows them: each names its field by the form's label.
fn form_errors(errors: Vec<domain::signal::FieldError>) -> Vec<FieldError> {
    let keyed = errors.iter().map(|e| e.field.clone()).collect::<Vec<_>>();
    field_errors(errors)
        .into_iter()
        .zip(keyed)
        .map(|(mut e, key)| {
            // The form has one field for the number, its letter and its addition.
            if matches!(key.as_str(), "huisletter" | "huisnummertoevoeging") {
                e.field = "huisnummer";
            }
            if let Some((nl, en)) = signal_label(&key) {
                let strip = |m: &str| m.strip_prefix(&format!("{key}: ")).map(str::to_string).unwrap_or_else(|| m.to_string());
                e.message_nl = labelled(nl, &strip(&e.message_nl));
                e.message_en = labelled(en, &strip(&e.message_en));
            }
            e
        })
        .collect()
}

fn new_signal_page(user: &PageUser, partner: bool, form: HashMap<String, Vec<String>>, errors: Vec<FieldError>) -> NewSignalPage {
    let t = user.lang;
    let v = |name: &str| form.get(name).and_then(|v| v.first()).cloned().unwrap_or_default();
    let f = |name: &'static str| {
        let (nl, en) = signal_label(name).unwrap_or((name, name));
        Field::new(name, t.s(nl, en), &v(name), &errors, &t)
    };
    let fields = vec![
        f("voornaam").autocomplete("off"),
        f("voorletters"),
        f("voorvoegsel").hint(t.s("Bijvoorbeeld van, de, van der", "For example van, de, van der")),
        f("achternaam").required(),
        f("geboortedatum").hint(t.s("Als u die weet; bijvoorbeeld 31-12-1960", "If known; e.g. 31-12-1960")),
        f("straatnaam"),
        f("huisnummer").required().hint(t.s("Met letter of toevoeging, bijvoorbeeld 12a of 12-2", "With letter or addition, e.g. 12a or 12-2")),
        f("postcode").required().hint(t.s("Bijvoorbeeld 1234 AB", "For example 1234 AB")),
        f("plaatsnaam"),
    ];
    // The partner's own case or customer number, so it recognises the signal in its list.
    let reference = partner.then(|| {
        f("eigen_kenmerk").hint(t.s(
            "Niet verplicht. Bijvoorbeeld uw dossier- of klantnummer (hoogstens 40 tekens), zodat u het signaal terugvindt. Alleen uw organisatie ziet het.",
            "Optional. For example your case or customer number (at most 40 characters), so you can find the signal again. Only your organisation sees it.",
        ))
    });
    NewSignalPage {
        t,
        nav: user.nav(if partner { "/partner/signaal" } else { "/signalen/nieuw" }),
        partner,
        action: if partner { "/partner/signaal" } else { "/signalen/nieuw" },
        errors,
        form,
        fields,
        reference,
        kinds: SignalKind::ALL,
        sensitive: domain::model::Sensitive::ALL,
        reporters: [PartnerType::Buurtbewoner, PartnerType::Winkelier, PartnerType::Sleutelfiguur, PartnerType::Migrantenorganisatie].to_vec(),
        forwarded: false,
    }
}

#[derive(serde::Deserialize)]
pub struct NewSignalQuery {
    huishouden: Option<String>,
    doorgestuurd: Option<String>,
}

pub async fn new_signal_form(State(state): State<AppState>, user: PageUser, Query(q): Query<NewSignalQuery>) -> Result<Response, AppError> {
    let mut form: HashMap<String, Vec<String>> = HashMap::new();
    form.insert("signaaldatum".into(), vec![store::time_fmt::date(state.now().date())]);
    // Noted on a household's page: its address is filled in (reading it is audited).
    if let Some(id) = q.huishouden.and_then(|h| h.parse::<i64>().ok()) {
        let actor = user.actor();
        let access = Access { actor: &actor, route: "GET /signalen/nieuw", now: state.now() };
        let h = state.store.household(&access, id).await?;
        form.insert("straatnaam".into(), vec![h.address.street.clone()]);
        form.insert("huisnummer".into(), vec![h.address.house_number.clone()]);
        form.insert("postcode".into(), vec![h.address.postcode.clone()]);
        form.insert("plaatsnaam".into(), vec![h.address.locality.clone()]);
        form.insert("bron".into(), vec!["werker".into()]);
    }
    let mut page = new_signal_page(&user, false, form, Vec::new());
    page.forwarded = q.doorgestuurd.is_some();
    Ok(render(&page))
}

pub async fn partner_signal_form(State(state): State<AppState>, user: PageUser) -> Result<Response, AppError> {
    if user.user.role != Role::Partner {
        return Err(AppError::Forbidden);
    }
    let mut form: HashMap<String, Vec<String>> = HashMap::new();
    form.insert("signaaldatum".into(), vec![store::time_fmt::date(state.now().date())]);
    Ok(render(&new_signal_page(&user, true, form, Vec::new())))
}

/// Checks a signal form with the one parser; the reporter part for a worker's form.
fn parse_form(form: &HashMap<String, Vec<String>>, partner_type: PartnerType, today: time::Date) -> Result<domain::signal::NewSignal, Vec<FieldError>> {
    let get = |k: &str| -> Option<String> {
        match k {
            "crisissignaal" | "warme_overdracht" => Some(if first(form, k) == "ja" { "ja".into() } else { "nee".into() }),
            _ => form.get(k).and_then(|v| v.first()).cloned(),
        }
    };
    parse_signal(&get, Some(partner_type), today).map_err(form_errors)
}

pub async fn create_signal(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let now = state.now();
    let (source, partner_type) = match first(&form, "bron") {
        "werker" => (Source::Worker { channel: SignalChannel::Werker, reporter: None }, PartnerType::Overige),
        _ => {
            let reporter_type = PartnerType::from_code(first(&form, "melder")).filter(|p| p.kind() == domain::model::PartnerKind::Informal);
            let feedback = match first(&form, "terugkoppeling") {
                f @ ("nee" | "telefoon" | "e-mail" | "via-werker") => f.to_string(),
                _ => String::new(),
            };
            let contact = Some(first(&form, "melder-contact").trim().to_string()).filter(|c| !c.is_empty());
            let mut errors = Vec::new();
            if reporter_type.is_none() {
                errors.push(FieldError { field: "melder", message_nl: "Melder: kies wie het signaal gaf.".into(), message_en: "Reporter: choose who gave the signal.".into() });
            }
            if feedback.is_empty() {
                errors.push(FieldError { field: "terugkoppeling", message_nl: "Terugkoppeling: kies of en hoe de melder iets terug wil horen.".into(), message_en: "Feedback: choose whether and how the reporter wants to hear back.".into() });
            }
            if matches!(feedback.as_str(), "telefoon" | "e-mail") && contact.as_deref().is_none_or(|c| c.chars().count() > 100) {
                errors.push(FieldError { field: "melder-contact", message_nl: "Contact van de melder: vul het telefoonnummer of e-mailadres in (hoogstens 100 tekens).".into(), message_en: "Reporter's contact: fill in the phone number or e-mail address (at most 100 characters).".into() });
            }
            if !errors.is_empty() {
                let mut all = errors;
                if let Err(mut more) = parse_form(&form, PartnerType::Overige, now.date()) {
                    all.append(&mut more);
                }
                let mut r = render(&new_signal_page(&user, false, form, all));
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                return Ok(r);
            }
            let reporter_type = reporter_type.unwrap_or(PartnerType::Buurtbewoner);
            let contact = if matches!(feedback.as_str(), "telefoon" | "e-mail") { contact } else { None };
            (Source::Worker { channel: SignalChannel::Informeel, reporter: Some(InformalReporter { reporter_type, feedback, contact }) }, reporter_type)
        }
    };
    let signal = match parse_form(&form, partner_type, now.date()) {
        Ok(s) => s,
        Err(errors) => {
            let mut r = render(&new_signal_page(&user, false, form, errors));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /signalen/nieuw", now };
    let intake = state.store.intake_signal(&access, &state.linker, &source, &signal).await?;
    // A signal about someone in another team's area goes to that team's weighing; the worker
    // learns only that it was forwarded, never whether that team already has a case.
    let own_case = match intake.signal_case_id {
        Some(case) => match state.store.signal_case_household(&access, case).await {
            Ok(_) => Some(case),
            Err(store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    Ok(match (own_case, intake.signal_case_id) {
        (Some(case), _) => Redirect::to(&format!("/signaalzaken/{case}")).into_response(),
        (None, Some(_)) => Redirect::to("/signalen/nieuw?doorgestuurd=1").into_response(),
        (None, None) => Redirect::to("/signalen/beoordelen").into_response(),
    })
}

pub async fn create_partner_signal(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let partner_id = match (user.user.role, user.user.partner_id) {
        (Role::Partner, Some(p)) => p,
        _ => return Err(AppError::Forbidden),
    };
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let now = state.now();
    let partner_type = state.store.partner_type(partner_id).await?;
    // Every field that is not right is named at once: the reference with the signal's own.
    let reference = store::signals::partner_reference(first(&form, "eigen_kenmerk"));
    let signal = parse_form(&form, partner_type, now.date());
    let (reference, signal) = match (reference, signal) {
        (Ok(r), Ok(s)) => (r, s),
        (reference, signal) => {
            let mut errors = Vec::new();
            if let Err(e) = reference {
                errors.push(field_error(e)?);
            }
            if let Err(mut more) = signal {
                errors.append(&mut more);
            }
            let mut r = render(&new_signal_page(&user, true, form, errors));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /partner/signaal", now };
    let source = Source::Partner { partner_id, channel: SignalChannel::Formulier };
    let intake = state.store.intake_with_reference(&access, &state.linker, &source, reference.as_deref(), &signal).await?;
    Ok(Redirect::to(&format!("/partner?ontvangen={}", intake.signal_id)).into_response())
}
