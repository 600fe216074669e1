//! The access export as the resident reads it: plain Dutch labels (English on the switch),
//! dates in Dutch form ("2 december 2026"), no codes, in the order a resident reads their file
//! (who they are, where they live, what came in, what the team did, who looked), printable; and
//! the same export as JSON for machines. One audit record per export, written by the store.

use crate::auth::PageUser;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::layout::{render, Nav};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Form;
use domain::case::{CheckOutcome, CloseReason, NetworkRole, Phase, ReferralTarget, ZrmDomain};
use domain::model::{
    Approach, CaseStage, Companion, ContactKind, ContactOutcome, DayPart, Decision, EndResult, Ground, Id, LinkState, OutreachModel, PartnerType, Role, Safety,
    SignalChannel, SignalKind, SignalStatus, SupportLevel,
};
use store::rights::ResidentExport;
use store::Access;

/// One thing in the file: a heading and its facts, label by value.
pub struct Entry {
    pub heading: String,
    pub facts: Vec<(&'static str, String)>,
}

pub struct Part {
    pub id: &'static str,
    pub title: &'static str,
    pub entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "rights_export.html")]
pub struct ExportPage {
    pub t: Lang,
    pub nav: Nav,
    pub title: String,
    pub made: String,
    pub summary: Vec<(&'static str, String)>,
    pub parts: Vec<Part>,
}

#[derive(serde::Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    formaat: String,
}

/// The format asked for: a page to read and print, or a JSON file.
fn wants_json(formaat: &str) -> Result<bool, AppError> {
    match formaat {
        "json" => Ok(true),
        "" | "html" => Ok(false),
        _ => Err(AppError::BadRequest("Kies als formaat html of json.", "Choose html or json as the format.")),
    }
}

/// One resident's own access export (the usual request).
pub async fn export_person(State(state): State<AppState>, user: PageUser, Path(id): Path<Id>, Form(f): Form<ExportForm>) -> Result<Response, AppError> {
    user.check_csrf(&f.csrf)?;
    let json = wants_json(&f.formaat)?;
    let actor = user.actor();
    let route = if json { "POST /privacy/rechten/bewoner/{id}/inzage json" } else { "POST /privacy/rechten/bewoner/{id}/inzage" };
    let export = state.store.export_person(&Access { actor: &actor, route, now: state.now() }, id).await?;
    respond(&user, &export, json, &format!("inzage-bewoner-{id}.json"))
}

/// The household's export, for a household that asks together: every adult's consent ticked
/// (`toestemming` once per consenting resident).
pub async fn export_household(State(state): State<AppState>, user: PageUser, Path(id): Path<Id>, Form(form): Form<Vec<(String, String)>>) -> Result<Response, AppError> {
    let value = |k: &str| form.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str()).unwrap_or("");
    user.check_csrf(value("csrf"))?;
    let json = wants_json(value("formaat"))?;
    let consented: Vec<Id> = form.iter().filter(|(k, _)| k == "toestemming").filter_map(|(_, v)| v.parse().ok()).collect();
    let actor = user.actor();
    let route = if json { "POST /privacy/rechten/{id}/inzage json" } else { "POST /privacy/rechten/{id}/inzage" };
    let export = match state.store.export_household(&Access { actor: &actor, route, now: state.now() }, id, &consented).await {
        Ok(export) => export,
        Err(e) => return super::refused(&user, "/privacy/rechten", e),
    };
    respond(&user, &export, json, &format!("inzage-huishouden-{id}.json"))
}

fn respond(user: &PageUser, export: &ResidentExport, json: bool, filename: &str) -> Result<Response, AppError> {
    if json {
        let body = serde_json::to_string_pretty(export).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut response = ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"))], body).into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
            response.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        return Ok(response);
    }
    Ok(render(&page(user, export)))
}

const MONTHS_NL: [&str; 12] = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];
const MONTHS_EN: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// "2 december 2026" (English: "2 December 2026").
pub fn long_date(t: Lang, d: time::Date) -> String {
    let m = usize::from(u8::from(d.month())) - 1;
    format!("{} {} {}", d.day(), if t.is_nl() { MONTHS_NL[m] } else { MONTHS_EN[m] }, d.year())
}

/// A stored date or instant as the resident reads it: "2 december 2026" or, for an instant, in
/// Dutch time "2 december 2026, 14:05". Anything else is shown as it is.
pub fn when(t: Lang, text: &str) -> String {
    if let Ok(at) = store::time_fmt::parse_instant(text) {
        let local = domain::local::dutch(at);
        return format!("{}, {:02}:{:02}", long_date(t, local.date()), local.hour(), local.minute());
    }
    match store::time_fmt::parse_date(text) {
        Ok(d) => long_date(t, d),
        Err(_) => text.to_string(),
    }
}

fn opt_when(t: Lang, text: &Option<String>) -> String {
    text.as_deref().map(|s| when(t, s)).unwrap_or_else(|| "—".into())
}

fn yes_no(t: Lang, b: bool) -> String {
    if b { t.s("ja", "yes") } else { t.s("nee", "no") }.to_string()
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "—".into())
}

/// A value list's label for a stored code; a code this binary does not know is left out.
macro_rules! label {
    ($t:expr, $list:ty, $code:expr) => {
        <$list>::from_code($code).map(|v| v.label($t.is_nl()).to_string()).unwrap_or_else(|| "—".into())
    };
}

/// Comma-separated codes as labels, "a, b".
macro_rules! labels {
    ($t:expr, $list:ty, $codes:expr) => {
        $codes.split(',').filter(|c| !c.is_empty()).map(|c| label!($t, $list, c)).collect::<Vec<_>>().join(", ")
    };
}

/// "code: rest" with the code as its label (ZRM "financien: 3", a referral's target).
fn labelled_prefix(text: &str, f: impl Fn(&str) -> Option<String>) -> String {
    match text.split_once(": ") {
        Some((code, rest)) => match f(code) {
            Some(l) => format!("{l}: {rest}"),
            None => text.to_string(),
        },
        None => f(text).unwrap_or_else(|| text.to_string()),
    }
}

fn page(user: &PageUser, e: &ResidentExport) -> ExportPage {
    let t = user.lang;
    let nl = t.is_nl();
    let s = |a: &'static str, b: &'static str| t.s(a, b);
    let title = match e.person_id {
        Some(_) => match e.persons.first() {
            Some(p) => format!("{} {}", s("Inzage voor", "Access export for"), [p.given_names.as_str(), p.surname_prefix.as_str(), p.surname.as_str()].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(" ")),
            None => s("Inzage voor één bewoner", "Access export for one resident").to_string(),
        },
        None => format!("{} {}", s("Inzage voor het huishouden op", "Access export for the household at"), e.address),
    };
    let mut summary = vec![
        (s("Adres", "Address"), e.address.clone()),
        (s("Buurt", "Neighbourhood"), e.buurt.clone()),
        (s("Ondersteuning", "Support"), label!(t, SupportLevel, &e.support)),
        (s("Meerdere problemen tegelijk", "Several problems at once"), yes_no(t, e.multi_problem)),
        (s("Voorkeurstaal", "Preferred language"), or_dash(&e.preferred_language)),
        (s("Tolk nodig", "Interpreter needed"), yes_no(t, e.interpreter_needed)),
        (s("Eerst via familie of netwerk", "First through family or network"), yes_no(t, e.network_approach)),
        (s("Notitie over taal en aanpak", "Note on language and approach"), or_dash(&e.culture_note)),
    ];
    if e.person_id.is_none() {
        summary.push((s("Met toestemming van", "With the consent of"), e.consented.iter().map(|c| format!("{} {c}", s("bewoner", "resident"))).collect::<Vec<_>>().join(", ")));
    }
    let mut parts = Vec::new();
    let mut part = |id, title, entries: Vec<Entry>| parts.push(Part { id, title, entries });
    part(
        "bewoners",
        if e.person_id.is_some() { s("Uw gegevens", "Your details") } else { s("Bewoners", "Residents") },
        e.persons
            .iter()
            .map(|p| Entry {
                heading: [p.given_names.as_str(), p.surname_prefix.as_str(), p.surname.as_str()].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(" "),
                facts: vec![
                    (s("Geboortedatum", "Date of birth"), when(t, &p.birth_date)),
                    (s("Burgerservicenummer", "Citizen service number"), or_dash(&p.bsn)),
                    (s("Telefoon", "Phone"), or_dash(&p.phone)),
                ],
            })
            .collect(),
    );
    part(
        "signalen",
        s("Signalen: wie meldde wat", "Signals: who reported what"),
        e.signals
            .iter()
            .map(|g| {
                let from = match (&g.partner, &g.reporter_type) {
                    (Some(p), _) => p.clone(),
                    (None, Some(r)) => format!("{} ({})", label!(t, PartnerType, r), s("naam niet getoond, ter bescherming van de melder", "name not shown, to protect the reporter")),
                    (None, None) => s("Het team zelf", "The team itself").to_string(),
                };
                let facts = vec![
                    (s("Van", "From"), from),
                    (s("Datum van het signaal", "Date of the signal"), when(t, &g.signal_date)),
                    (s("Hoe het binnenkwam", "How it came in"), label!(t, SignalChannel, &g.channel)),
                    (s("Stand", "Status"), label!(t, SignalStatus, &g.status)),
                    (s("Gemelde naam", "Name as reported"), g.reported_name.clone().unwrap_or_else(|| s("niet getoond: het signaal gaat over het hele huishouden", "not shown: the signal is about the whole household").to_string())),
                    (s("Gemeld adres", "Address as reported"), g.reported_address.clone()),
                    (s("Bedrag", "Amount"), g.amount_eur.map(|a| format!("€ {a}")).unwrap_or_else(|| "—".into())),
                    (s("Met spoed (crisis)", "Urgent (crisis)"), yes_no(t, g.crisis)),
                    (s("Zorg die de melder noemde", "Concern the reporter named"), or_dash(&g.concern)),
                    (s("Hoe het bij u terechtkwam", "How it was matched to you"), label!(t, LinkState, &g.link_state)),
                    (s("Warme overdracht", "Warm handover"), yes_no(t, g.warm_handover)),
                ];
                Entry { heading: label!(t, SignalKind, &g.kind), facts }
            })
            .collect(),
    );
    part(
        "signaalzaken",
        s("Wat het team met de signalen deed", "What the team did with the signals"),
        e.signal_cases
            .iter()
            .flat_map(|c| {
                let case = Entry {
                    heading: format!("{} {}", s("Signaalzaak van", "Signal case of"), when(t, &c.opened_at)),
                    facts: vec![
                        (s("Stand", "Stage"), label!(t, CaseStage, &c.stage)),
                        (s("Eerste contact uiterlijk", "First contact due by"), when(t, &c.due_date)),
                        (s("Met spoed (crisis)", "Urgent (crisis)"), yes_no(t, c.crisis)),
                        (s("Medewerker", "Worker"), or_dash(&c.worker)),
                        (s("Opgepakt op", "Picked up on"), opt_when(t, &c.picked_up_on)),
                        (s("Afgesloten op", "Closed on"), opt_when(t, &c.closed_on)),
                        (s("Uitkomst", "Result"), c.end_result.as_deref().map(|r| label!(t, EndResult, r)).unwrap_or_else(|| "—".into())),
                    ],
                };
                let weighings = c.weighings.iter().map(move |w| Entry {
                    heading: format!("{} {}", s("Afweging van", "Weighing of"), when(t, &w.at)),
                    facts: vec![
                        (s("Door", "By"), or_dash(&w.by)),
                        (s("Besluit", "Decision"), label!(t, Decision, &w.decision)),
                        (s("Grond", "Ground"), labels!(t, Ground, &w.grounds)),
                        (s("Waarom wel gaan", "Why go"), w.why_go.clone()),
                        (s("Waarom niet", "Why not"), or_dash(&w.why_not)),
                        (s("Staat het in verhouding", "Is it proportionate"), w.proportionality.clone()),
                        (s("Veiligheid", "Safety"), label!(t, Safety, &w.safety)),
                        (s("Werkwijze", "Way of working"), labels!(t, OutreachModel, &w.models)),
                        (s("Aanpak", "Approach"), label!(t, Approach, &w.approach)),
                        (s("Samen met", "Together with"), label!(t, Companion, &w.companion)),
                    ],
                });
                std::iter::once(case).chain(weighings)
            })
            .collect(),
    );
    part(
        "contact",
        s("Contact met het huishouden", "Contact with the household"),
        e.contact_attempts
            .iter()
            .map(|a| Entry {
                heading: format!("{}: {}", when(t, &a.at), label!(t, ContactKind, &a.kind)),
                facts: vec![
                    (s("Dagdeel", "Part of day"), label!(t, DayPart, &a.day_part)),
                    (s("Contact gehad", "Reached"), yes_no(t, a.reached)),
                    (s("Uitkomst", "Outcome"), a.outcome.as_deref().map(|o| label!(t, ContactOutcome, o)).unwrap_or_else(|| "—".into())),
                    (s("Medewerker", "Worker"), or_dash(&a.worker)),
                    (s("Notitie", "Note"), or_dash(&a.note)),
                ],
            })
            .chain(e.planned_contacts.iter().map(|p| Entry {
                heading: format!("{} {}: {}", s("Gepland voor", "Planned for"), when(t, &p.planned_for), label!(t, ContactKind, &p.kind)),
                facts: vec![
                    (s("Dagdeel", "Part of day"), label!(t, DayPart, &p.day_part)),
                    (s("Medewerker", "Worker"), or_dash(&p.worker)),
                    (s("Voorgesteld door", "Proposed by"), if p.proposed { s("Eropaf, volgens het vaste ritme", "Eropaf, by the usual rhythm").to_string() } else { s("de medewerker", "the worker").to_string() }),
                    (s("Reden", "Reason"), or_dash(&p.reason)),
                ],
            }))
            .chain(e.case_discussions.iter().map(|d| Entry {
                heading: format!("{} {}", s("Besproken in het team sinds", "Discussed in the team since"), when(t, &d.added_at)),
                facts: vec![
                    (s("Pogingen zonder contact", "Attempts without contact"), d.failures.to_string()),
                    (s("Besproken op", "Discussed on"), opt_when(t, &d.discussed_at)),
                ],
            }))
            .collect(),
    );
    let item = |x: &store::rights::ExportCaseItem, what: String| Entry {
        heading: format!("{}: {what}", when(t, &x.date)),
        facts: vec![(s("Wie", "Who"), or_dash(&x.who)), (s("Tot of gedaan op", "Until or done on"), opt_when(t, &x.until))],
    };
    part(
        "trajecten",
        s("Hulp: trajecten, doelen en stappen", "Help: cases, goals and steps"),
        e.cases
            .iter()
            .map(|c| Entry {
                heading: format!("{} {}", s("Traject sinds", "Case since"), when(t, &c.opened)),
                facts: vec![
                    (s("Fase", "Phase"), label!(t, Phase, &c.phase)),
                    (s("Werkwijze", "Way of working"), c.models.iter().map(|m| label!(t, OutreachModel, m)).collect::<Vec<_>>().join(", ")),
                    (s("Levensgebieden", "Areas of life"), c.zrm_domains.iter().map(|d| label!(t, ZrmDomain, d)).collect::<Vec<_>>().join(", ")),
                    (s("Blijvend contact", "Lasting contact"), yes_no(t, c.lasting_contact)),
                    (s("Afgesloten op", "Closed on"), opt_when(t, &c.closed)),
                    (s("Reden van afsluiten", "Reason for closing"), c.close_reason.as_deref().map(|r| label!(t, CloseReason, r)).unwrap_or_else(|| "—".into())),
                    (s("Toelichting", "Explanation"), or_dash(&c.close_note)),
                ],
            })
            .chain(e.case_goals.iter().map(|g| item(g, format!("{} {}", s("doel:", "goal:"), g.what))))
            .chain(e.case_steps.iter().map(|g| item(g, format!("{} {}", s("stap:", "step:"), g.what))))
            .chain(e.case_help.iter().map(|g| item(g, format!("{} {}", s("praktische hulp:", "practical help:"), g.what))))
            .chain(e.zrm_scores.iter().map(|g| item(g, format!("{} {}", s("zelfredzaamheid", "self-reliance"), labelled_prefix(&g.what, |c| ZrmDomain::from_code(c).map(|d| d.label(nl).to_string()))))))
            .chain(e.referrals.iter().map(|g| item(g, format!("{} {}", s("doorverwezen naar", "referred to"), labelled_prefix(&g.what, |c| ReferralTarget::from_code(c).map(|d| d.label(nl).to_string()))))))
            .chain(e.referral_checks.iter().map(|g| item(g, format!("{} {}", s("verwijzing nagegaan:", "referral checked:"), labelled_prefix(&g.what, |c| CheckOutcome::from_code(c).map(|d| d.label(nl).to_string()))))))
            .chain(e.case_journal.iter().map(|j| Entry { heading: format!("{}: {}", when(t, &j.at), s("aantekening", "journal note")), facts: vec![(s("Door", "By"), or_dash(&j.by)), (s("Tekst", "Text"), j.body.clone())] }))
            .chain(e.support_decisions.iter().map(|d| Entry {
                heading: format!("{}: {}", when(t, &d.at), s("besluit over de ondersteuning", "decision on support")),
                facts: vec![
                    (s("Ondersteuning", "Support"), label!(t, SupportLevel, &d.support)),
                    (s("Meerdere problemen tegelijk", "Several problems at once"), yes_no(t, d.multi_problem)),
                    (s("Reden", "Reason"), d.reason.clone()),
                    (s("Door", "By"), or_dash(&d.by)),
                ],
            }))
            .collect(),
    );
    part(
        "netwerk",
        s("Mensen om het huishouden heen", "People around the household"),
        e.network
            .iter()
            .map(|n| Entry {
                heading: label!(t, NetworkRole, &n.role),
                facts: vec![
                    (s("Naam", "Name"), n.name.clone().unwrap_or_else(|| s("niet getoond: ook zij hebben recht op privacy", "not shown: they have a right to privacy too").to_string())),
                    (s("Relatie", "Relation"), or_dash(&n.relation)),
                    (s("Hoe te bereiken", "How to reach"), n.reach.clone().unwrap_or_else(|| "—".into())),
                ],
            })
            .collect(),
    );
    part(
        "inzage",
        s("Wie uw gegevens inzag of wijzigde, en waarom", "Who read or changed your data, and why"),
        e.accesses
            .iter()
            .rev()
            .map(|a| Entry {
                heading: format!("{}: {}", when(t, &a.at), store::AuditEvent::label_of(&a.event, nl)),
                facts: vec![
                    (s("Wie", "Who"), match (&a.user, &a.role) {
                        (Some(u), Some(r)) => format!("{u} ({})", Role::from_code(r).map(|r| r.label(nl)).unwrap_or("—")),
                        (Some(u), None) => u.clone(),
                        (None, _) if a.on_behalf_of.is_some() => s("een partnerorganisatie, via haar koppeling", "a partner organisation, through its connection").to_string(),
                        (None, _) => s("Eropaf zelf (automatisch)", "Eropaf itself (automatic)").to_string(),
                    }),
                    (s("Waarom", "Why"), or_dash(&a.reason)),
                ],
            })
            .collect(),
    );
    // What may concern a housemate waits for the privacy officer's review (AVG art. 15(4)).
    if !e.held_back.is_empty() {
        part(
            "achtergehouden",
            s("Nog niet in dit overzicht: eerst beoordeeld", "Not yet in this overview: reviewed first"),
            e.held_back
                .iter()
                .map(|h| Entry {
                    heading: h.label(nl).to_string(),
                    facts: vec![
                        (s("Van", "Of"), when(t, &h.date)),
                        (s("Waarom", "Why"), s(
                            "Dit kan ook over een huisgenoot gaan. De privacyfunctionaris beoordeelt het en geeft u wat over u gaat.",
                            "This may concern a housemate too. The privacy officer reviews it and gives you what concerns you.",
                        ).to_string()),
                    ],
                })
                .collect(),
        );
    }
    ExportPage { t, nav: user.nav("/privacy/rechten"), title, made: when(t, &e.made_at), summary, parts }
}
