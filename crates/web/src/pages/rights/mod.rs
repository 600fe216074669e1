//! Residents' rights on screen, for the privacy officer: find the household at the address the
//! resident gives, then the access request (AVG art. 15) as a readable page or a JSON file, or
//! erasure (art. 17) with its ground stated. The store audits each step in its transaction; the
//! address goes in a form body, never in a URL.

use super::forms::Field;
use crate::layout::{render, Nav};
use crate::auth::PageUser;
use crate::error::{AppError, FieldError};
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use domain::address::{HouseNumber, Postcode};
use domain::model::Id;
use store::rights::RightsLookup;
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
    pub found: Option<Vec<Id>>,
    /// The household just erased.
    pub erased: Option<Id>,
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

/// One part of the export as a table: its heading and, per row, the values in column order.
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "rights_export.html")]
pub struct ExportPage {
    pub t: Lang,
    pub nav: Nav,
    pub household_id: Id,
    pub summary: Vec<(&'static str, String)>,
    pub sections: Vec<Section>,
}

#[derive(serde::Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    formaat: String,
}

/// The access request: everything about the household, who looked at it and why, as a page to
/// read and print (`formaat=html`) or as a JSON file to hand over (`formaat=json`). Each is one
/// export in the audit trail.
pub async fn export(State(state): State<AppState>, user: PageUser, Path(id): Path<Id>, Form(f): Form<ExportForm>) -> Result<Response, AppError> {
    let t = user.lang;
    user.check_csrf(&f.csrf)?;
    let json = match f.formaat.as_str() {
        "json" => true,
        "" | "html" => false,
        _ => return Err(AppError::BadRequest("Kies als formaat html of json.", "Choose html or json as the format.")),
    };
    let actor = user.actor();
    let route = if json { "POST /privacy/rechten/{id}/inzage json" } else { "POST /privacy/rechten/{id}/inzage" };
    let access = Access { actor: &actor, route, now: state.now() };
    let export = state.store.export_household(&access, id).await?;
    if json {
        let body = serde_json::to_string_pretty(&export).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"))], body).into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"inzage-huishouden-{id}.json\"")) {
            response.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        return Ok(response);
    }
    let value = serde_json::to_value(&export).map_err(|e| AppError::Internal(e.to_string()))?;
    let summary = vec![
        (t.s("Huishouden", "Household"), id.to_string()),
        (t.s("Adres", "Address"), export.address.clone()),
        (t.s("Buurt", "Neighbourhood"), export.buurt.clone()),
        (t.s("Ondersteuning", "Support"), export.support.clone()),
        (t.s("Meervoudige problematiek", "Multiple problems"), yes_no(t, export.multi_problem).to_string()),
        (t.s("Voorkeurstaal", "Preferred language"), export.preferred_language.clone().unwrap_or_else(|| "—".into())),
        (t.s("Tolk nodig", "Interpreter needed"), yes_no(t, export.interpreter_needed).to_string()),
        (t.s("Via familie of netwerk", "Through family or network"), yes_no(t, export.network_approach).to_string()),
        (t.s("Notitie over cultuur en aanpak", "Note on culture and approach"), export.culture_note.clone().unwrap_or_else(|| "—".into())),
    ];
    let mut sections = Vec::new();
    for (key, nl, en) in SECTIONS {
        let items = value.get(key).and_then(|v| v.as_array()).cloned().unwrap_or_default();
        if *key == "signal_cases" {
            // The weighings of each signal case get a table of their own.
            let weighings: Vec<serde_json::Value> = items
                .iter()
                .flat_map(|case| {
                    let case_id = case.get("id").cloned().unwrap_or_default();
                    case.get("weighings").and_then(|w| w.as_array()).cloned().unwrap_or_default().into_iter().map(move |mut w| {
                        if let Some(o) = w.as_object_mut() {
                            o.insert("signal_case".into(), case_id.clone());
                        }
                        w
                    })
                })
                .collect();
            sections.push(section(t, "signaalzaken", t.s(nl, en), &items));
            sections.push(section(t, "wegingen", t.s("Wegingen: waarom het team wel of niet ging", "Weighings: why the team went or not"), &weighings));
        } else {
            sections.push(section(t, key, t.s(nl, en), &items));
        }
    }
    Ok(render(&ExportPage { t, nav: user.nav("/privacy/rechten"), household_id: id, summary, sections }))
}

/// The parts of the export, in the order a resident reads them.
const SECTIONS: &[(&str, &str, &str)] = &[
    ("persons", "Bewoners", "Residents"),
    ("signals", "Signalen over het huishouden", "Signals about the household"),
    ("signal_cases", "Signaalzaken", "Signal cases"),
    ("contact_attempts", "Contactpogingen", "Contact attempts"),
    ("planned_contacts", "Geplande contacten", "Planned contacts"),
    ("case_discussions", "Op de lijst voor het casusoverleg", "On the case-discussion list"),
    ("cases", "Trajecten", "Cases"),
    ("case_goals", "Doelen, in de woorden van de bewoner", "Goals, in the resident's own words"),
    ("case_steps", "Stappen", "Steps"),
    ("case_help", "Praktische hulp", "Practical help"),
    ("zrm_scores", "Zelfredzaamheid (ZRM-scores)", "Self-reliance (ZRM scores)"),
    ("network", "Netwerk", "Network"),
    ("referrals", "Verwijzingen", "Referrals"),
    ("referral_checks", "Verwijzingen nagegaan", "Referral checks"),
    ("accesses", "Wie het dossier inzag of wijzigde, en waarom", "Who read or changed the file, and why"),
];

fn yes_no(t: Lang, b: bool) -> &'static str {
    if b { t.s("ja", "yes") } else { t.s("nee", "no") }
}

fn section(t: Lang, id: &'static str, title: &'static str, items: &[serde_json::Value]) -> Section {
    let keys: Vec<String> = items
        .first()
        .and_then(|i| i.as_object())
        .map(|o| o.iter().filter(|(_, v)| !v.is_array() || v.as_array().is_some_and(|a| a.iter().all(|x| !x.is_object()))).map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    let rows = items
        .iter()
        .map(|item| {
            keys.iter()
                .map(|k| match item.get(k) {
                    None | Some(serde_json::Value::Null) => "—".to_string(),
                    Some(serde_json::Value::Bool(b)) => yes_no(t, *b).to_string(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Array(a)) => a.iter().map(|x| x.as_str().map(String::from).unwrap_or_else(|| x.to_string())).collect::<Vec<_>>().join(", "),
                    Some(other) => other.to_string(),
                })
                .collect()
        })
        .collect();
    Section { id, title, columns: keys.iter().map(|k| label(t, k)).collect(), rows }
}

/// Dutch and English column names for the export's fields.
fn label(t: Lang, key: &str) -> &'static str {
    let (nl, en) = match key {
        "id" => ("Nummer", "Number"),
        "given_names" => ("Voornamen", "Given names"),
        "surname_prefix" => ("Tussenvoegsel", "Prefix"),
        "surname" => ("Achternaam", "Surname"),
        "birth_date" => ("Geboortedatum", "Date of birth"),
        "bsn" => ("BSN", "BSN"),
        "phone" => ("Telefoon", "Phone"),
        "partner" => ("Partner", "Partner"),
        "kind" => ("Soort", "Kind"),
        "channel" => ("Kanaal", "Channel"),
        "status" => ("Status", "Status"),
        "signal_date" => ("Signaaldatum", "Signal date"),
        "amount_eur" => ("Bedrag (euro)", "Amount (euro)"),
        "crisis" => ("Crisis", "Crisis"),
        "reported_name" => ("Gemelde naam", "Reported name"),
        "reported_address" => ("Gemeld adres", "Reported address"),
        "concern" => ("Zorg", "Concern"),
        "link_state" => ("Koppeling", "Linking"),
        "warm_handover" => ("Warme overdracht", "Warm handover"),
        "reporter_type" => ("Soort melder", "Kind of reporter"),
        "at" => ("Moment", "When"),
        "day_part" => ("Dagdeel", "Part of day"),
        "reached" => ("Bereikt", "Reached"),
        "worker" => ("Medewerker", "Worker"),
        "note" => ("Notitie", "Note"),
        "opened" | "opened_at" => ("Geopend", "Opened"),
        "closed" | "closed_on" => ("Gesloten", "Closed"),
        "models" => ("Werkwijzen", "Models"),
        "stage" => ("Fase", "Stage"),
        "due_date" => ("Uiterste datum", "Due date"),
        "picked_up_on" => ("Opgepakt op", "Picked up on"),
        "end_result" => ("Eindresultaat", "End result"),
        "signal_case" => ("Signaalzaak", "Signal case"),
        "by" => ("Door", "By"),
        "grounds" => ("Grondslag", "Legal ground"),
        "why_go" => ("Waarom gaan", "Why go"),
        "why_not" => ("Waarom niet", "Why not"),
        "proportionality" => ("Proportionaliteit", "Proportionality"),
        "safety" => ("Veiligheid", "Safety"),
        "approach" => ("Aanpak", "Approach"),
        "companion" => ("Samen met", "Together with"),
        "decision" => ("Besluit", "Decision"),
        "event" => ("Gebeurtenis", "Event"),
        "user" => ("Gebruiker", "User"),
        "role" => ("Rol", "Role"),
        "on_behalf_of" => ("Namens", "On behalf of"),
        "route" => ("Route", "Route"),
        "reason" => ("Reden", "Reason"),
        "outcome" => ("Uitkomst", "Outcome"),
        "planned_for" => ("Gepland voor", "Planned for"),
        "proposed" => ("Voorstel van Eropaf", "Proposed by Eropaf"),
        "added_at" => ("Op de lijst sinds", "Listed since"),
        "failures" => ("Pogingen zonder contact", "Attempts without contact"),
        "discussed_at" => ("Besproken op", "Discussed on"),
        "phase" => ("Fase", "Phase"),
        "lasting_contact" => ("Blijvend contact", "Lasting contact"),
        "close_reason" => ("Reden van afsluiten", "Reason for closing"),
        "close_note" => ("Toelichting", "Explanation"),
        "zrm_domains" => ("ZRM-domeinen", "ZRM domains"),
        "case" => ("Traject", "Case"),
        "date" => ("Datum", "Date"),
        "what" => ("Wat", "What"),
        "who" => ("Wie", "Who"),
        "until" => ("Tot / gedaan", "Until / done"),
        "name" => ("Naam", "Name"),
        "relation" => ("Relatie", "Relation"),
        "reach" => ("Hoe te bereiken", "How to reach"),
        _ => ("Overig", "Other"),
    };
    t.s(nl, en)
}

#[derive(Template)]
#[template(path = "rights_erase.html")]
pub struct ErasePage {
    pub t: Lang,
    pub nav: Nav,
    pub household_id: Id,
    pub errors: Vec<FieldError>,
    pub reason: String,
    pub reason_error: Option<String>,
    pub confirm_error: Option<String>,
}

fn erase_page(user: &PageUser, household_id: Id, reason: &str, errors: Vec<FieldError>) -> ErasePage {
    let t = user.lang;
    let message = |field: &str| errors.iter().find(|e| e.field == field).map(|e| e.message(&t).to_string());
    ErasePage {
        t,
        nav: user.nav("/privacy/rechten"),
        household_id,
        reason: reason.to_string(),
        reason_error: message("reden"),
        confirm_error: message("bewaarplicht"),
        errors,
    }
}

pub async fn erase_form(user: PageUser, Path(id): Path<Id>) -> Result<Response, AppError> {
    Ok(render(&erase_page(&user, id, "", vec![])))
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

/// Erasure (art. 17): a stated ground and the officer's confirmation that no legal retention
/// applies; all or nothing, refused while a case is open. The audit chain stays verifiable.
pub async fn erase(State(state): State<AppState>, user: PageUser, Path(id): Path<Id>, Form(f): Form<EraseForm>) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    let invalid = |errors: Vec<FieldError>| {
        let mut r = render(&erase_page(&user, id, &f.reden, errors));
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
    let access = Access { actor: &actor, route: "POST /privacy/rechten/{id}/wissen", now: state.now() };
    match state.store.erase_household(&access, id, &f.reden).await {
        Ok(()) => {
            let mut page = rights_page(&user, &LookupForm::default(), vec![]);
            page.erased = Some(id);
            Ok(render(&page))
        }
        Err(e) => match AppError::from(e) {
            AppError::Validation(errors) => Ok(invalid(errors)),
            other => Err(other),
        },
    }
}
