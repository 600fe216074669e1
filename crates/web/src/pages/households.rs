//! The worker's pages: "mijn dag", household search, the household page, and registering a
//! household met at the door. Search is a POST, so names and addresses never enter a URL.

use super::forms::Field;
use crate::layout::{render, Nav};
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use domain::model::{ContactKind, ContactOutcome, DayPart, Role, SupportLevel};
use domain::{Bsn, HouseNumber, PersonName, Postcode};
use store::residents::{HouseholdDetail, HouseholdQuery, HouseholdSummary, NewHousehold};
use store::MyDay;
use store::Access;

#[derive(Template)]
#[template(path = "my_day.html")]
pub struct MyDayPage {
    pub t: Lang,
    pub nav: Nav,
    pub today: String,
    pub day: MyDay,
    pub is_lead: bool,
    /// A case-discussion decision that was refused: the household, what was sent, the errors.
    pub discussion: Option<RefusedDecision>,
}

/// A case-discussion decision the store refused, shown at its own form on "mijn dag".
pub struct RefusedDecision {
    pub household_id: i64,
    pub decision: String,
    pub note: String,
    pub errors: Vec<FieldError>,
}

impl MyDayPage {
    /// What a case discussion can decide.
    pub fn outcomes(&self) -> &'static [domain::model::DiscussionOutcome] {
        domain::model::DiscussionOutcome::CHOICES
    }

    /// The refused decision's error on this household's form, for `field` ("besluit" or
    /// "toelichting").
    pub fn discussion_error(&self, household_id: &i64, field: &str) -> Option<String> {
        let r = self.discussion.as_ref().filter(|r| r.household_id == *household_id)?;
        r.errors.iter().find(|e| e.field == field).map(|e| e.message(&self.t).to_string())
    }

    /// What was sent on this household's form, for `field`, when it was refused.
    pub fn discussion_value(&self, household_id: &i64, field: &str) -> &str {
        match self.discussion.as_ref().filter(|r| r.household_id == *household_id) {
            Some(r) if field == "besluit" => &r.decision,
            Some(r) => &r.note,
            None => "",
        }
    }
}

pub async fn my_day(State(state): State<AppState>, user: PageUser) -> Result<Response, AppError> {
    my_day_page(&state, &user, "GET /mijn-dag", None).await
}

/// "Mijn dag", with a refused case-discussion decision at its form (422) when there is one.
pub(crate) async fn my_day_page(state: &AppState, user: &PageUser, route: &'static str, discussion: Option<RefusedDecision>) -> Result<Response, AppError> {
    let t = user.lang;
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route, now };
    let day = state.store.my_day(&access, now.date()).await?;
    let invalid = discussion.is_some();
    let page = MyDayPage { t, nav: user.nav("/mijn-dag"), today: t.date(&now.date()), day, is_lead: user.user.role == Role::TeamLead, discussion };
    Ok(render_form(&page, invalid))
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub t: Lang,
    pub nav: Nav,
    pub postcode: Field,
    pub house_number: Field,
    pub surname: Field,
    pub street: Field,
    pub errors: Vec<FieldError>,
    pub results: Option<Vec<HouseholdSummary>>,
}

#[derive(serde::Deserialize, Default)]
pub struct SearchForm {
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub huisnummer: String,
    #[serde(default)]
    pub achternaam: String,
    #[serde(default)]
    pub straat: String,
    #[serde(default)]
    pub csrf: String,
}

fn search_page(user: &PageUser, f: &SearchForm, errors: Vec<FieldError>, results: Option<Vec<HouseholdSummary>>) -> SearchPage {
    let t = user.lang;
    SearchPage {
        t,
        nav: user.nav("/huishoudens"),
        postcode: Field::new("postcode", "Postcode", &f.postcode, &errors, &t).hint(t.s("Bijvoorbeeld 1234 AB", "For example 1234 AB")),
        house_number: Field::new("huisnummer", t.s("Huisnummer", "House number"), &f.huisnummer, &errors, &t).hint(t.s("Met letter of toevoeging, bijvoorbeeld 12a of 12-2", "With letter or addition, e.g. 12a or 12-2")),
        surname: Field::new("achternaam", t.s("Achternaam", "Surname"), &f.achternaam, &errors, &t),
        street: Field::new("straat", t.s("Straat", "Street"), &f.straat, &errors, &t),
        errors,
        results,
    }
}

pub async fn search_form(user: PageUser) -> Result<Response, AppError> {
    Ok(render(&search_page(&user, &SearchForm::default(), Vec::new(), None)))
}

/// Parses the search fields; any that is filled in must be valid.
pub(crate) fn parse_search(f: &SearchForm) -> Result<HouseholdQuery, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut q = HouseholdQuery::default();
    if !f.postcode.trim().is_empty() {
        match Postcode::parse(&f.postcode) {
            Ok(p) => q.postcode = Some(p),
            Err(e) => errors.push(FieldError::from_parse("postcode", "Postcode", "Postcode", &e)),
        }
    }
    if !f.huisnummer.trim().is_empty() {
        match HouseNumber::parse(&f.huisnummer) {
            Ok(h) => q.house_number = Some(h),
            Err(e) => errors.push(FieldError::from_parse("huisnummer", "Huisnummer", "House number", &e)),
        }
    }
    for (value, slot, field, nl, en) in [(&f.achternaam, &mut q.surname, "achternaam", "Achternaam", "Surname"), (&f.straat, &mut q.street, "straat", "Straat", "Street")] {
        let v = value.trim();
        if v.chars().count() > 100 {
            errors.push(FieldError { field, message_nl: format!("{nl}: hoogstens 100 tekens."), message_en: format!("{en}: at most 100 characters.") });
        } else if !v.is_empty() {
            *slot = Some(v.to_string());
        }
    }
    if errors.is_empty() && q.is_empty() {
        errors.push(FieldError {
            field: "postcode",
            message_nl: "Vul minstens één zoekveld in, bijvoorbeeld postcode en huisnummer.".into(),
            message_en: "Fill in at least one search field, for example postcode and house number.".into(),
        });
    }
    if errors.is_empty() { Ok(q) } else { Err(errors) }
}

pub async fn search(State(state): State<AppState>, user: PageUser, Form(f): Form<SearchForm>) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    let query = match parse_search(&f) {
        Ok(q) => q,
        Err(errors) => {
            let mut r = render(&search_page(&user, &f, errors, None));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /huishoudens", now: state.now() };
    let results = state.store.search_households(&access, &query).await?;
    Ok(render(&search_page(&user, &f, Vec::new(), Some(results))))
}

#[derive(Template)]
#[template(path = "household.html")]
pub struct HouseholdPage {
    pub t: Lang,
    pub nav: Nav,
    pub h: HouseholdDetail,
    pub created: bool,
    /// What was just saved: "contact", "kaartje" or "plan".
    pub done: Option<String>,
    /// The next planned contact (Eropaf's proposal or the worker's plan) and the discussion flag.
    pub next: Option<store::contact::PlannedNext>,
    pub errors: Vec<FieldError>,
    /// The kind selected in the contact form: the proposal's, else a home visit.
    pub kind: ContactKind,
    pub day_part: DayPart,
    pub today: String,
    pub language: store::contact::LanguageNotes,
    /// The team's experience experts, for the team lead or the case's worker to assign one.
    pub experts: Vec<store::confidential::ExpertOnHousehold>,
}

impl HouseholdPage {
    /// Whether one of the team's experience experts is not yet assigned to the household.
    pub fn unassigned_experts(&self) -> bool {
        self.experts.iter().any(|e| !e.assigned)
    }

    fn support_levels(&self) -> &'static [SupportLevel] {
        SupportLevel::ALL
    }

    /// A stored instant in Dutch local time.
    fn when(&self, at: &str) -> String {
        store::time_fmt::parse_instant(at).map(|t| crate::i18n::local_time(&t)).unwrap_or_default()
    }
}

#[derive(serde::Deserialize)]
pub struct SupportForm {
    csrf: String,
    #[serde(default)]
    steun: String,
    #[serde(default)]
    meervoudig: String,
    #[serde(default)]
    reden: String,
}

/// The team's decision on support level and multi-problem flag, with its reason.
pub async fn support(State(state): State<AppState>, user: PageUser, Path(id): Path<String>, Form(f): Form<SupportForm>) -> Result<Response, AppError> {
    let id = super::forms::parse_id(&id)?;
    user.check_csrf(&f.csrf)?;
    let route = "POST /huishoudens/{id}/steun";
    let Some(level) = SupportLevel::from_code(&f.steun) else {
        let e = FieldError { field: "steun", message_nl: "Ondersteuning: kies een niveau.".into(), message_en: "Support: choose a level.".into() };
        return household_page(&state, &user, id, route, false, None, vec![e], true).await;
    };
    let actor = user.actor();
    let access = Access { actor: &actor, route, now: state.now() };
    match state.store.set_support(&access, id, level, f.meervoudig == "ja", &f.reden).await {
        Ok(()) => Ok(Redirect::to(&format!("/huishoudens/{id}?dossier=volledig&gedaan=steun#kop-steun")).into_response()),
        Err(e) => {
            let err = super::forms::field_error(e)?;
            household_page(&state, &user, id, route, false, None, vec![err], true).await
        }
    }
}

/// What `contact_section.html` (included by the household page and the first-visit brief)
/// asks of its page.
pub trait ContactSection {
    fn lang(&self) -> Lang;
    fn field_errors(&self) -> &[FieldError];

    fn contact_kinds(&self) -> &'static [ContactKind] {
        &[ContactKind::Huisbezoek, ContactKind::Telefoon, ContactKind::SmsWhatsapp, ContactKind::Mail, ContactKind::Brief, ContactKind::GesprekVindplaats, ContactKind::Overige, ContactKind::Administratief]
    }

    fn outcomes(&self) -> &'static [ContactOutcome] {
        ContactOutcome::ALL
    }

    fn day_parts(&self) -> &'static [DayPart] {
        DayPart::ALL
    }

    /// The special categories a note may be marked with (only the worker on the case and the
    /// team lead read it then).
    fn sensitive_categories(&self) -> &'static [domain::model::Sensitive] {
        domain::model::Sensitive::ALL
    }

    fn error(&self, field: &str) -> Option<String> {
        self.field_errors().iter().find(|e| e.field == field).map(|e| e.message(&self.lang()).to_string())
    }
}

impl HouseholdPage {
    fn has_open_case(&self) -> bool {
        self.h.cases.iter().any(|c| c.closed.is_none())
    }

    fn outreach_models(&self) -> &'static [domain::model::OutreachModel] {
        domain::model::OutreachModel::ALL
    }

    fn zrm_domains(&self) -> &'static [domain::case::ZrmDomain] {
        domain::case::ZrmDomain::ALL
    }
}

impl ContactSection for HouseholdPage {
    fn lang(&self) -> Lang {
        self.t
    }

    fn field_errors(&self) -> &[FieldError] {
        &self.errors
    }
}

/// The household a brief is about, as `contact_section.html` names it.
pub struct HouseholdRef {
    pub id: i64,
    pub via_break_glass: bool,
}

/// The first-visit brief instead of the file, with the contact form for that visit.
#[derive(Template)]
#[template(path = "brief.html")]
pub struct BriefPage {
    pub t: Lang,
    pub nav: Nav,
    pub h: HouseholdRef,
    pub brief: store::contact::Brief,
    pub language: store::contact::LanguageNotes,
    pub done: Option<String>,
    pub next: Option<store::contact::PlannedNext>,
    pub errors: Vec<FieldError>,
    pub kind: ContactKind,
    pub day_part: DayPart,
    pub today: String,
}

impl ContactSection for BriefPage {
    fn lang(&self) -> Lang {
        self.t
    }

    fn field_errors(&self) -> &[FieldError] {
        &self.errors
    }
}

#[derive(serde::Deserialize)]
pub struct DetailQuery {
    nieuw: Option<String>,
    gedaan: Option<String>,
    /// `volledig`: the whole file, also when a first-visit brief is due.
    dossier: Option<String>,
}

/// The kind the contact form starts with: the planned contact's, else a home visit (a card is
/// left on a visit, so never preselected) — but a phone call while a home visit would be
/// refused (the signal is not weighed yet).
fn preselected_kind(next: &Option<store::contact::PlannedNext>) -> ContactKind {
    let kind = match next.as_ref().and_then(|n| n.planned.as_ref()).map(|p| p.kind) {
        Some(ContactKind::Kaartje) | None => ContactKind::Huisbezoek,
        Some(kind) => kind,
    };
    if kind == ContactKind::Huisbezoek && next.as_ref().is_some_and(|n| n.awaits_weighing) {
        ContactKind::Telefoon
    } else {
        kind
    }
}

/// A page with the contact form, 422 when it comes back with errors.
fn render_form(page: &impl Template, invalid: bool) -> Response {
    let mut response = render(page);
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

/// The household page, with the contact form's state; `route` names the request in the audit.
/// When a first visit is due and `full` is false, the first-visit brief instead of the file.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn household_page(state: &AppState, user: &PageUser, id: i64, route: &'static str, created: bool, done: Option<String>, errors: Vec<FieldError>, full: bool) -> Result<Response, AppError> {
    let t = user.lang;
    let now = state.now();
    let actor = user.actor();
    let access = Access { actor: &actor, route, now };
    let done = done.filter(|d| ["contact", "kaartje", "plan", "taal", "steun", "deskundige", "gedeeld"].contains(&d.as_str()));
    let invalid = !errors.is_empty();
    let day_part = DayPart::at(now);
    if !full && !created {
        if let Some(brief) = state.store.first_visit_brief(&access, id).await? {
            let next = state.store.next_contact(&access, id).await?;
            let page = BriefPage {
                t,
                nav: user.nav("/huishoudens"),
                h: HouseholdRef { id, via_break_glass: false },
                language: brief.language.clone(),
                brief,
                done,
                errors,
                kind: preselected_kind(&next),
                next,
                day_part,
                today: store::time_fmt::date(now.date()),
            };
            return Ok(render_form(&page, invalid));
        }
    }
    let h = state.store.household(&access, id).await?;
    // Break-the-glass access is to read in an emergency: no contact is logged or planned through it.
    let next = if h.via_break_glass { None } else { state.store.next_contact(&access, id).await? };
    let experts = if h.via_break_glass { Vec::new() } else { state.store.household_experts(&access, id).await? };
    let page = HouseholdPage {
        experts,
        t,
        nav: user.nav("/huishoudens"),
        language: h.language.clone(),
        h,
        created,
        done,
        errors,
        kind: preselected_kind(&next),
        next,
        day_part,
        today: store::time_fmt::date(now.date()),
    };
    Ok(render_form(&page, invalid))
}

pub async fn detail(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<DetailQuery>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let full = q.dossier.as_deref() == Some("volledig");
    let route = if full { "GET /huishoudens/{id} volledig dossier" } else { "GET /huishoudens/{id}" };
    household_page(&state, &user, id, route, q.nieuw.is_some(), q.gedaan, vec![], full).await
}

#[derive(serde::Deserialize, Default)]
pub struct NewHouseholdForm {
    #[serde(default)]
    pub straat: String,
    #[serde(default)]
    pub huisnummer: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub woonplaats: String,
    #[serde(default)]
    pub buurt: String,
    #[serde(default)]
    pub voornamen: String,
    #[serde(default)]
    pub tussenvoegsel: String,
    #[serde(default)]
    pub achternaam: String,
    #[serde(default)]
    pub geboortedatum: String,
    #[serde(default)]
    pub bsn: String,
    #[serde(default)]
    pub telefoon: String,
    #[serde(default)]
    pub csrf: String,
}

/// Parse, don't validate: the form becomes a `NewHousehold` or the list of what is wrong.
impl TryFrom<&NewHouseholdForm> for NewHousehold {
    type Error = Vec<FieldError>;

    fn try_from(f: &NewHouseholdForm) -> Result<NewHousehold, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut text = |value: &str, field: &'static str, nl: &str, en: &str, max: usize| -> String {
            let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
            if v.is_empty() {
                errors.push(FieldError::required(field, nl, en));
            } else if v.chars().count() > max || v.chars().any(char::is_control) {
                errors.push(FieldError { field, message_nl: format!("{nl}: hoogstens {max} tekens, zonder stuurtekens."), message_en: format!("{en}: at most {max} characters, no control characters.") });
            }
            v
        };
        let street = text(&f.straat, "straat", "Straat", "Street", 100);
        let locality = text(&f.woonplaats, "woonplaats", "Woonplaats", "Locality", 80);
        let buurt = text(&f.buurt, "buurt", "Buurt", "Neighbourhood", 20);
        let house_number = HouseNumber::parse(&f.huisnummer).map_err(|e| errors.push(FieldError::from_parse("huisnummer", "Huisnummer", "House number", &e))).ok();
        let postcode = Postcode::parse(&f.postcode).map_err(|e| errors.push(FieldError::from_parse("postcode", "Postcode", "Postcode", &e))).ok();
        let name = PersonName::parse(&f.voornamen, &f.tussenvoegsel, &f.achternaam)
            .map_err(|e| {
                let field = if e.what == "achternaam" { "achternaam" } else { "voornamen" };
                errors.push(FieldError::from_parse(field, if field == "achternaam" { "Achternaam" } else { "Naam" }, if field == "achternaam" { "Surname" } else { "Name" }, &e))
            })
            .ok();
        let birth_date = if f.geboortedatum.trim().is_empty() {
            errors.push(FieldError::required("geboortedatum", "Geboortedatum", "Date of birth"));
            None
        } else {
            domain::parse_date(&f.geboortedatum).map_err(|e| errors.push(FieldError::from_parse("geboortedatum", "Geboortedatum", "Date of birth", &e))).ok()
        };
        let bsn = if f.bsn.trim().is_empty() { Ok(None) } else { Bsn::parse(&f.bsn).map(Some) };
        let bsn = bsn.map_err(|e| errors.push(FieldError::from_parse("bsn", "BSN", "BSN", &e))).ok().flatten();
        let phone: String = f.telefoon.chars().filter(|c| !c.is_whitespace()).collect();
        if !phone.is_empty() && (phone.len() > 16 || !phone.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+')) {
            errors.push(FieldError { field: "telefoon", message_nl: "Telefoonnummer: alleen cijfers, + en -, hoogstens 16 tekens.".into(), message_en: "Phone number: only digits, + and -, at most 16 characters.".into() });
        }
        // The error summary lists fields in the order the form shows them.
        const FORM_ORDER: [&str; 11] = ["straat", "huisnummer", "postcode", "woonplaats", "buurt", "voornamen", "tussenvoegsel", "achternaam", "geboortedatum", "bsn", "telefoon"];
        errors.sort_by_key(|e| FORM_ORDER.iter().position(|f| *f == e.field).unwrap_or(usize::MAX));
        match (house_number, postcode, name, birth_date) {
            (Some(house_number), Some(postcode), Some(name), Some(birth_date)) if errors.is_empty() => Ok(NewHousehold {
                street,
                house_number,
                postcode,
                locality,
                buurt_code: buurt,
                name,
                birth_date,
                bsn,
                phone: if phone.is_empty() { None } else { Some(phone) },
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "new_household.html")]
pub struct NewHouseholdPage {
    pub t: Lang,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub fields_address: Vec<Field>,
    pub fields_person: Vec<Field>,
    pub buurten: Vec<(String, String)>,
    pub buurt: String,
    pub buurt_error: Option<String>,
}

async fn new_page(state: &AppState, user: &PageUser, f: &NewHouseholdForm, errors: Vec<FieldError>) -> Result<NewHouseholdPage, AppError> {
    let t = user.lang;
    let buurten = match user.user.team_id {
        Some(team) => state.store.team_buurten(team).await?,
        None => Vec::new(),
    };
    let e = &errors;
    Ok(NewHouseholdPage {
        t,
        nav: user.nav("/huishoudens/nieuw"),
        fields_address: vec![
            Field::new("straat", t.s("Straat", "Street"), &f.straat, e, &t).required().autocomplete("address-line1"),
            Field::new("huisnummer", t.s("Huisnummer", "House number"), &f.huisnummer, e, &t).required().hint(t.s("Met letter of toevoeging, bijvoorbeeld 12a of 12-2", "With letter or addition, e.g. 12a or 12-2")),
            Field::new("postcode", "Postcode", &f.postcode, e, &t).required().autocomplete("postal-code").hint(t.s("Bijvoorbeeld 1234 AB", "For example 1234 AB")),
            Field::new("woonplaats", t.s("Woonplaats", "Locality"), &f.woonplaats, e, &t).required().autocomplete("address-level2"),
        ],
        fields_person: vec![
            Field::new("voornamen", t.s("Voornamen", "Given names"), &f.voornamen, e, &t),
            Field::new("tussenvoegsel", t.s("Tussenvoegsel", "Surname prefix"), &f.tussenvoegsel, e, &t).hint(t.s("Bijvoorbeeld van der", "For example van der")),
            Field::new("achternaam", t.s("Achternaam", "Surname"), &f.achternaam, e, &t).required(),
            Field::new("geboortedatum", t.s("Geboortedatum", "Date of birth"), &f.geboortedatum, e, &t).required().hint(t.s("Bijvoorbeeld 31-12-1960", "For example 31-12-1960")),
            Field::new("bsn", t.s("BSN (niet verplicht)", "BSN (optional)"), &f.bsn, e, &t).hint(t.s("Alleen als het nodig is voor de hulp", "Only when the help needs it")),
            Field::new("telefoon", t.s("Telefoonnummer (niet verplicht)", "Phone number (optional)"), &f.telefoon, e, &t).kind("tel"),
        ],
        buurt_error: errors.iter().find(|x| x.field == "buurt").map(|x| x.message(&t).to_string()),
        buurt: f.buurt.clone(),
        buurten,
        errors,
    })
}

pub async fn new_form(State(state): State<AppState>, user: PageUser) -> Result<Response, AppError> {
    let page = new_page(&state, &user, &NewHouseholdForm::default(), Vec::new()).await?;
    Ok(render(&page))
}

pub async fn create(State(state): State<AppState>, user: PageUser, Form(f): Form<NewHouseholdForm>) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    let invalid = |errors: Vec<FieldError>| async {
        let page = new_page(&state, &user, &f, errors).await?;
        let mut r = render(&page);
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        Ok::<Response, AppError>(r)
    };
    let new = match NewHousehold::try_from(&f) {
        Ok(n) => n,
        Err(errors) => return invalid(errors).await,
    };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /huishoudens/nieuw", now: state.now() };
    match state.store.create_household(&access, &new).await {
        Ok(id) => {
            // Known to the linker at once: a partner's signal about the resident links without review.
            state.store.learn_household(&state.linker, id).await?;
            Ok(Redirect::to(&format!("/huishoudens/{id}?nieuw=1")).into_response())
        }
        Err(e) => match AppError::from(e) {
            AppError::Validation(errors) => invalid(errors).await,
            other => Err(other),
        },
    }
}

#[derive(Template)]
#[template(path = "break_glass.html")]
pub struct BreakGlassPage {
    pub t: Lang,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub postcode: Field,
    pub house_number: Field,
    pub reason: String,
    pub reason_error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct BreakGlassForm {
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    huisnummer: String,
    #[serde(default)]
    reden: String,
    #[serde(default)]
    csrf: String,
}

fn break_glass_page(user: &PageUser, f: &BreakGlassForm, errors: Vec<FieldError>) -> BreakGlassPage {
    let t = user.lang;
    BreakGlassPage {
        t,
        nav: user.nav("/noodtoegang"),
        postcode: Field::new("postcode", "Postcode", &f.postcode, &errors, &t).required(),
        house_number: Field::new("huisnummer", t.s("Huisnummer", "House number"), &f.huisnummer, &errors, &t).required(),
        reason: f.reden.clone(),
        reason_error: errors.iter().find(|e| e.field == "reden").map(|e| e.message(&t).to_string()),
        errors,
    }
}

pub async fn break_glass_form(user: PageUser) -> Result<Response, AppError> {
    Ok(render(&break_glass_page(&user, &BreakGlassForm::default(), Vec::new())))
}

/// Break the glass: a household outside the team's area, opened for four hours with a reason
/// that the privacy officer sees.
pub async fn break_glass(State(state): State<AppState>, user: PageUser, Form(f): Form<BreakGlassForm>) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    let invalid = |errors: Vec<FieldError>| -> Response {
        let mut r = render(&break_glass_page(&user, &f, errors));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    let mut errors = Vec::new();
    let postcode = Postcode::parse(&f.postcode).map_err(|e| errors.push(FieldError::from_parse("postcode", "Postcode", "Postcode", &e))).ok();
    let number = HouseNumber::parse(&f.huisnummer).map_err(|e| errors.push(FieldError::from_parse("huisnummer", "Huisnummer", "House number", &e))).ok();
    let (Some(postcode), Some(number)) = (postcode, number) else { return Ok(invalid(errors)) };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /noodtoegang", now: state.now() };
    match state.store.break_glass(&access, &postcode, &number, &f.reden).await {
        Ok(ids) => Ok(Redirect::to(&format!("/huishoudens/{}", ids.first().copied().unwrap_or_default())).into_response()),
        Err(e) => match AppError::from(e) {
            AppError::Validation(errors) => Ok(invalid(errors)),
            other => Err(other),
        },
    }
}
