//! The partner's status list (issue 21): its own signals only, with what it gave to recognise
//! them (its reference, the address as it reported it), and a search that is a POST, so nothing
//! it searches for appears in a URL. The partner's form is with the other signal forms
//! (`signals::partner_signal_form`).

use super::forms::{first, grouped, Field};
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::layout::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use domain::model::Role;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "partner_home.html")]
pub struct PartnerHome {
    pub t: Lang,
    pub nav: Nav,
    pub organisation: String,
    pub signals: Vec<store::signals::PartnerStatus>,
    /// The reference of a signal just sent through the form.
    pub received: Option<i64>,
    /// The search form's fields, with their errors.
    pub search: Vec<Field>,
    pub errors: Vec<FieldError>,
    /// A search was done (the list shows its hits, not the recent signals).
    pub searched: bool,
}

#[derive(serde::Deserialize)]
pub struct PartnerQuery {
    ontvangen: Option<String>,
}

/// How many signals the list shows.
const PARTNER_LIST: i64 = 50;

fn partner_id(user: &PageUser) -> Result<i64, AppError> {
    match (user.user.role, user.user.partner_id) {
        (Role::Partner, Some(p)) => Ok(p),
        _ => Err(AppError::Forbidden),
    }
}

fn search_fields(t: &Lang, form: &HashMap<String, Vec<String>>, errors: &[FieldError]) -> Vec<Field> {
    let v = |name: &str| first(form, name).to_string();
    vec![
        Field::new("zoek_kenmerk", t.s("Uw eigen kenmerk", "Your own reference"), &v("zoek_kenmerk"), errors, t),
        Field::new("zoek_postcode", t.s("Postcode", "Postcode"), &v("zoek_postcode"), errors, t).hint(t.s("Bijvoorbeeld 1234 AB", "For example 1234 AB")),
        Field::new("zoek_huisnummer", t.s("Huisnummer", "House number"), &v("zoek_huisnummer"), errors, t).hint(t.s("Alleen met een postcode; bijvoorbeeld 12 of 12a", "Only with a postcode; e.g. 12 or 12a")),
        Field::new("zoek_datum", t.s("Datum van het signaal", "Date of the signal"), &v("zoek_datum"), errors, t).hint(t.s("Bijvoorbeeld 20-11-2026", "For example 20-11-2026")),
    ]
}

pub async fn partner_home(State(state): State<AppState>, user: PageUser, Query(q): Query<PartnerQuery>) -> Result<Response, AppError> {
    let t = user.lang;
    let partner = partner_id(&user)?;
    let organisation = state.store.partner_name(partner).await?.unwrap_or_default();
    let signals = state.store.partner_statuses(partner, PARTNER_LIST).await?;
    let received = q.ontvangen.and_then(|r| r.parse().ok()).filter(|r| signals.iter().any(|s| s.id == *r));
    let search = search_fields(&t, &HashMap::new(), &[]);
    Ok(render(&PartnerHome { t, nav: user.nav("/partner"), organisation, signals, received, search, errors: Vec::new(), searched: false }))
}

/// Reads the search form; every part that is not right is named by its label.
fn read_search(form: &HashMap<String, Vec<String>>) -> Result<store::signals::PartnerSearch, Vec<FieldError>> {
    let mut errors = Vec::new();
    let text = |name: &str| Some(first(form, name).trim().to_string()).filter(|s| !s.is_empty());
    let reference = match store::signals::partner_reference(first(form, "zoek_kenmerk")) {
        Ok(r) => r,
        Err(e) => {
            if let store::StoreError::Invalid { message_nl, message_en, .. } = e {
                errors.push(FieldError { field: "zoek_kenmerk", message_nl, message_en });
            }
            None
        }
    };
    let postcode = text("zoek_postcode").and_then(|p| match domain::Postcode::parse(&p) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(FieldError::from_parse("zoek_postcode", "Postcode", "Postcode", &e));
            None
        }
    });
    let house_number = text("zoek_huisnummer").and_then(|h| match domain::HouseNumber::parse(&h) {
        Ok(h) => Some(h),
        Err(e) => {
            errors.push(FieldError::from_parse("zoek_huisnummer", "Huisnummer", "House number", &e));
            None
        }
    });
    if house_number.is_some() && postcode.is_none() && !errors.iter().any(|e| e.field == "zoek_postcode") {
        errors.push(FieldError {
            field: "zoek_postcode",
            message_nl: "Postcode: vul bij een huisnummer ook de postcode in.".into(),
            message_en: "Postcode: with a house number, fill in the postcode too.".into(),
        });
    }
    let date = text("zoek_datum").and_then(|d| match domain::date::parse_date(&d) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(FieldError::from_parse("zoek_datum", "Datum van het signaal", "Date of the signal", &e));
            None
        }
    });
    if errors.is_empty() { Ok(store::signals::PartnerSearch { reference, postcode, house_number, date }) } else { Err(errors) }
}

pub async fn partner_search(State(state): State<AppState>, user: PageUser, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let t = user.lang;
    let partner = partner_id(&user)?;
    let form = grouped(pairs);
    user.check_csrf(first(&form, "csrf"))?;
    let organisation = state.store.partner_name(partner).await?.unwrap_or_default();
    let (signals, errors, searched) = match read_search(&form) {
        Ok(search) => (state.store.partner_search(partner, &search, PARTNER_LIST).await?, Vec::new(), !search.is_empty()),
        Err(errors) => (Vec::new(), errors, true),
    };
    let search = search_fields(&t, &form, &errors);
    let failed = !errors.is_empty();
    let mut r = render(&PartnerHome { t, nav: user.nav("/partner"), organisation, signals, received: None, search, errors, searched });
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}
