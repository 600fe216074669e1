//! Residents' rights on screen, for the privacy officer: find the household at the address the
//! resident gives, with its residents (initials and birth date, to match the identity document),
//! then per resident the access request (AVG art. 15) as a readable page or a JSON file
//! (`export`) or erasure (art. 17); for a household that asks together, the household's export
//! with every adult's consent ticked, or its erasure. `trail` is the privacy officer's audit
//! trail. The store audits each step in its transaction; addresses go in form bodies, never in
//! URLs; ids are the only thing a URL carries.

pub mod export;
pub mod trail;

use super::forms::Field;
use crate::layout::{render, Nav};
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use domain::address::{HouseNumber, Postcode};
use domain::model::Id;
use store::rights::{RightsHousehold, RightsLookup};
use store::Access;

#[derive(Template)]
#[template(path = "rights.html")]
pub struct RightsPage {
    pub t: Lang,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub postcode: Field,
    pub house_number: Field,
    pub household: Field,
    /// The households found at the address, after a lookup.
    pub found: Option<Vec<RightsHousehold>>,
    /// What was just erased, as the page says it.
    pub erased: Option<String>,
}

/// A request refused by a rule (a missing consent, a note left empty): what is wrong, named by
/// the field's label, and the way back. No personal data: the rules' messages name numbers only.
#[derive(Template)]
#[template(path = "rights_refused.html")]
pub struct RefusedPage {
    pub t: Lang,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub back: &'static str,
}

/// The refusal page (422) for a rule's refusal; other errors pass through.
pub(crate) fn refused(user: &PageUser, back: &'static str, e: store::StoreError) -> Result<Response, AppError> {
    match AppError::from(e) {
        AppError::Validation(errors) => {
            let mut r = render(&RefusedPage { t: user.lang, nav: user.nav(back), errors, back });
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        other => Err(other),
    }
}

impl RightsPage {
    /// A stored date in Dutch form, "12 maart 1984".
    pub fn date(&self, iso: &str) -> String {
        export::when(self.t, iso)
    }
}

fn rights_page(user: &PageUser, f: &LookupForm, errors: Vec<FieldError>) -> RightsPage {
    let t = user.lang;
    RightsPage {
        t,
        nav: user.nav("/privacy/rechten"),
        postcode: Field::new("postcode", "Postcode", &f.postcode, &errors, &t).hint(t.s("Bijvoorbeeld 3511 AB", "For example 3511 AB")),
        house_number: Field::new("huisnummer", t.s("Huisnummer", "House number"), &f.huisnummer, &errors, &t)
            .hint(t.s("Met letter of toevoeging, zoals 12a of 12-2", "With letter or addition, like 12a or 12-2")),
        household: Field::new("huishouden", t.s("Of: huishoudnummer", "Or: household number"), &f.huishouden, &errors, &t)
            .hint(t.s("Het nummer uit het privacy-overzicht, zoals 42", "The number from the privacy overview, like 42")),
        errors,
        found: None,
        erased: None,
    }
}

pub async fn lookup_form(user: PageUser) -> Result<Response, AppError> {
    Ok(render(&rights_page(&user, &LookupForm::default(), vec![])))
}

#[derive(serde::Deserialize, Default)]
pub struct LookupForm {
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    huisnummer: String,
    #[serde(default)]
    huishouden: String,
    #[serde(default)]
    csrf: String,
}

/// The households at the address, by number only: the officer acts on a resident's request
/// and needs no more to find the file.
pub async fn lookup(State(state): State<AppState>, user: PageUser, Form(f): Form<LookupForm>) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    let invalid = |errors: Vec<FieldError>| {
        let mut r = render(&rights_page(&user, &f, errors));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    let mut errors = Vec::new();
    let query = if f.huishouden.trim().is_empty() || !(f.postcode.trim().is_empty() && f.huisnummer.trim().is_empty()) {
        let postcode = Postcode::parse(&f.postcode).map_err(|e| errors.push(FieldError::from_parse("postcode", "Postcode", "Postcode", &e))).ok();
        let number = HouseNumber::parse(&f.huisnummer).map_err(|e| errors.push(FieldError::from_parse("huisnummer", "Huisnummer", "House number", &e))).ok();
        let (Some(postcode), Some(number)) = (postcode, number) else { return Ok(invalid(errors)) };
        RightsLookup::Address(postcode, number)
    } else {
        match f.huishouden.trim().parse::<Id>() {
            Ok(id) if id > 0 => RightsLookup::Household(id),
            _ => {
                errors.push(FieldError { field: "huishouden", message_nl: "Huishouden: vul een nummer in, zoals 42.".into(), message_en: "Household: enter a number, like 42.".into() });
                return Ok(invalid(errors));
            }
        }
    };
    let actor = user.actor();
    let access = Access { actor: &actor, route: "POST /privacy/rechten", now: state.now() };
    match state.store.rights_lookup(&access, &query).await {
        Ok(ids) => {
            let mut page = rights_page(&user, &f, vec![]);
            page.found = Some(ids);
            Ok(render(&page))
        }
        Err(e) => match AppError::from(e) {
            AppError::Validation(errors) => Ok(invalid(errors)),
            other => Err(other),
        },
    }
}

#[derive(Template)]
#[template(path = "rights_erase.html")]
pub struct ErasePage {
    pub t: Lang,
    pub nav: Nav,
    /// "Bewoner 12" or "Huishouden 4".
    pub subject: String,
    pub person: bool,
    pub action: String,
    pub errors: Vec<FieldError>,
    pub reason: String,
    pub reason_error: Option<String>,
    pub confirm_error: Option<String>,
}

/// Whom an erasure is about: one resident, or the whole household.
#[derive(Clone, Copy)]
enum Whom {
    Person(Id),
    Household(Id),
}

fn erase_page(user: &PageUser, whom: Whom, reason: &str, errors: Vec<FieldError>) -> ErasePage {
    let t = user.lang;
    let message = |field: &str| errors.iter().find(|e| e.field == field).map(|e| e.message(&t).to_string());
    let (subject, person, action) = match whom {
        Whom::Person(id) => (format!("{} {id}", t.s("Bewoner", "Resident")), true, format!("/privacy/rechten/bewoner/{id}/wissen")),
        Whom::Household(id) => (format!("{} {id}", t.s("Huishouden", "Household")), false, format!("/privacy/rechten/{id}/wissen")),
    };
    // A refusal about the case or signal case is shown above the form, by the description.
    let reason_error = message("reden");
    let confirm_error = message("bewaarplicht");
    ErasePage { t, nav: user.nav("/privacy/rechten"), subject, person, action, reason: reason.to_string(), reason_error, confirm_error, errors }
}

pub async fn erase_form(user: PageUser, Path(id): Path<Id>) -> Result<Response, AppError> {
    Ok(render(&erase_page(&user, Whom::Household(id), "", vec![])))
}

pub async fn erase_person_form(user: PageUser, Path(id): Path<Id>) -> Result<Response, AppError> {
    Ok(render(&erase_page(&user, Whom::Person(id), "", vec![])))
}

#[derive(serde::Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reden: String,
    #[serde(default)]
    bewaarplicht: String,
}

/// Erasure of a household (art. 17): a stated ground and the officer's confirmation that no
/// legal retention applies; all or nothing, refused while a case is open.
pub async fn erase(State(state): State<AppState>, user: PageUser, Path(id): Path<Id>, Form(f): Form<EraseForm>) -> Result<Response, AppError> {
    erase_whom(state, user, Whom::Household(id), f).await
}

/// Erasure of one resident: the household and housemates stay; refused while the household
/// has an open case, or an open signal case about them.
pub async fn erase_person(State(state): State<AppState>, user: PageUser, Path(id): Path<Id>, Form(f): Form<EraseForm>) -> Result<Response, AppError> {
    erase_whom(state, user, Whom::Person(id), f).await
}

async fn erase_whom(state: AppState, user: PageUser, whom: Whom, f: EraseForm) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    let invalid = |errors: Vec<FieldError>| {
        let mut r = render(&erase_page(&user, whom, &f.reden, errors));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        r
    };
    if f.bewaarplicht != "geen" {
        let mut errors = vec![FieldError {
            field: "bewaarplicht",
            message_nl: "Bewaarplicht: bevestig dat er geen wettelijke bewaarplicht geldt.".into(),
            message_en: "Retention: confirm that no legal retention duty applies.".into(),
        }];
        if f.reden.trim().is_empty() {
            errors.insert(0, FieldError::required("reden", "Reden", "Reason"));
        }
        return Ok(invalid(errors));
    }
    let actor = user.actor();
    let t = user.lang;
    let (result, done) = match whom {
        Whom::Household(id) => {
            let access = Access { actor: &actor, route: "POST /privacy/rechten/{id}/wissen", now: state.now() };
            (
                state.store.erase_household(&access, id, &f.reden).await,
                format!("{} {id} {}", t.s("Huishouden", "Household"), t.s("is gewist, met alle bewoners, signalen, contacten en trajecten. Het auditlogboek blijft sluitend.", "has been erased, with all its residents, signals, contacts and cases. The audit trail stays intact.")),
            )
        }
        Whom::Person(id) => {
            let access = Access { actor: &actor, route: "POST /privacy/rechten/bewoner/{id}/wissen", now: state.now() };
            (
                state.store.erase_person(&access, id, &f.reden).await,
                format!("{} {id} {}", t.s("Bewoner", "Resident"), t.s("is gewist, met de signalen over deze bewoner. Het huishouden en de huisgenoten blijven. Het auditlogboek blijft sluitend.", "has been erased, with the signals about this resident. The household and housemates stay. The audit trail stays intact.")),
            )
        }
    };
    match result {
        Ok(()) => {
            let mut page = rights_page(&user, &LookupForm::default(), vec![]);
            page.erased = Some(done);
            Ok(render(&page))
        }
        Err(e) => match AppError::from(e) {
            AppError::Validation(errors) => Ok(invalid(errors)),
            other => Err(other),
        },
    }
}
