//! The API's bodies as Rust types: what a handler answers is one of these, serialised by serde,
//! and its schema in the OpenAPI document is derived from the same type by `utoipa`, so the two
//! cannot differ. Properties are lowerCamelCase (ADR); codes are the domain's own, listed from
//! each enum's `ALL`. Request bodies are described here too; their parsers in `mod.rs` read the
//! property names from these schemas, so a documented field is an accepted field.

use domain::model::{Approach, CaseStage, Companion, ContactKind, ContactOutcome, DayPart, Decision, EndResult, Ground, OutreachModel, PartnerResult, Role, Safety, SignalKind, SignalStatus};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

mod cases;
pub use cases::*;

/// The codes of one of the domain's fixed lists.
pub(super) fn coded<T: domain::model::Coded>() -> ObjectBuilder {
    codes(T::codes(), false)
}

/// The codes of one of the domain's fixed lists, or `null`.
pub(super) fn coded_or_null<T: domain::model::Coded>() -> ObjectBuilder {
    codes(T::codes(), true)
}

/// A list of at least one code of one of the domain's fixed lists.
pub(super) fn coded_list<T: domain::model::Coded>() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new().items(coded::<T>()).min_items(Some(1))
}

/// A string with one of the given codes, or also `null`.
pub(super) fn codes(all: impl IntoIterator<Item = &'static str>, nullable: bool) -> ObjectBuilder {
    let mut values: Vec<serde_json::Value> = all.into_iter().map(serde_json::Value::from).collect();
    let ty = if nullable {
        values.push(serde_json::Value::Null);
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    ObjectBuilder::new().schema_type(ty).enum_values(Some(values))
}

fn role() -> ObjectBuilder {
    codes(Role::ALL.iter().map(|r| r.code()), false)
}
fn signal_kind() -> ObjectBuilder {
    codes(SignalKind::ALL.iter().map(|k| k.code()), false).description(Some("Standaard betalingsachterstand"))
}
fn signal_status() -> ObjectBuilder {
    codes(SignalStatus::ALL.iter().map(|k| k.code()), false)
}
fn partner_result() -> ObjectBuilder {
    codes(PartnerResult::ALL.iter().map(|k| k.code()), true)
}
fn contact_kind() -> ObjectBuilder {
    codes(ContactKind::ALL.iter().map(|k| k.code()), false)
}
fn day_part() -> ObjectBuilder {
    codes(DayPart::ALL.iter().map(|k| k.code()), false)
}
fn day_part_or_null() -> ObjectBuilder {
    codes(DayPart::ALL.iter().map(|k| k.code()), true).description(Some("Standaard afgeleid van het tijdstip op de Nederlandse klok (Europe/Amsterdam)"))
}
fn outcome() -> ObjectBuilder {
    codes(ContactOutcome::ALL.iter().map(|k| k.code()), false).description(Some("Moet bij reached passen"))
}
fn outcome_or_null() -> ObjectBuilder {
    codes(ContactOutcome::ALL.iter().map(|k| k.code()), true)
}
fn out_of_view_reason() -> ObjectBuilder {
    codes(["planned-contact-overdue", "no-contact"], false)
}


/// The authenticated account.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[schema(schema_with = role)]
    pub role: &'static str,
}

/// A household found by a search, in one line.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdListItem {
    pub id: i64,
    pub address: String,
    pub buurt: String,
    /// CBS-buurtcode (BU + 8 cijfers); wat een nieuw huishouden als buurt vraagt
    pub buurt_code: String,
    pub members: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdList {
    pub households: Vec<HouseholdListItem>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub locality: String,
    pub buurt: String,
    /// CBS-buurtcode (BU + 8 cijfers); wat een nieuw huishouden als buurt vraagt
    pub buurt_code: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: i64,
    pub name: String,
    #[schema(format = Date)]
    pub birth_date: String,
    #[schema(required = true)]
    pub phone: Option<String>,
    pub has_bsn: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdSignal {
    pub id: i64,
    pub kind: &'static str,
    pub status: &'static str,
    #[schema(format = Date)]
    pub signal_date: String,
    #[schema(format = Date)]
    pub pickup_deadline: String,
    pub crisis: bool,
    #[schema(required = true)]
    pub partner: Option<String>,
    #[schema(required = true)]
    pub amount_eur: Option<i64>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdContactAttempt {
    #[schema(format = DateTime)]
    pub at: String,
    pub kind: &'static str,
    pub day_part: &'static str,
    pub reached: bool,
    #[schema(schema_with = outcome_or_null, required = true)]
    pub outcome: Option<&'static str>,
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdCase {
    pub id: i64,
    #[schema(format = Date)]
    pub opened: String,
    #[schema(format = Date, required = true)]
    pub closed: Option<String>,
    pub models: Vec<&'static str>,
}

/// One household as the caller may see it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Household {
    pub id: i64,
    pub address: Address,
    pub support: &'static str,
    pub multi_problem: bool,
    pub members: Vec<Member>,
    pub signals: Vec<HouseholdSignal>,
    pub contact_attempts: Vec<HouseholdContactAttempt>,
    pub cases: Vec<HouseholdCase>,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SignalReceipt {
    pub id: i64,
    #[schema(schema_with = signal_status)]
    pub status: &'static str,
}

/// What the sending organisation may know of its signal: never notes, workers or help.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = SignalStatus)]
pub struct SignalStatusView {
    pub id: i64,
    #[schema(format = Date)]
    pub signal_date: String,
    pub kind: &'static str,
    #[schema(schema_with = signal_status)]
    pub status: &'static str,
    #[schema(schema_with = partner_result, required = true)]
    pub result: Option<&'static str>,
    /// Uw eigen kenmerk, zoals u het meegaf
    #[schema(required = true)]
    pub eigen_kenmerk: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NextProposal {
    #[schema(schema_with = contact_kind)]
    pub kind: &'static str,
    #[schema(schema_with = day_part)]
    pub day_part: &'static str,
    #[schema(format = Date)]
    pub not_before: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactAttemptLogged {
    pub id: i64,
    /// Het voorstel voor de volgende poging; null als het huishouden bereikt is of naar het casusoverleg gaat
    #[schema(required = true)]
    pub next_proposal: Option<NextProposal>,
    /// Te vaak mislukt: het huishouden staat op de lijst voor het casusoverleg
    pub case_discussion: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutOfViewItem {
    pub household_id: i64,
    #[schema(schema_with = out_of_view_reason)]
    pub reason: &'static str,
    pub reason_label: &'static str,
    #[schema(minimum = 1)]
    pub days_overdue: i64,
    pub crisis: bool,
}

fn case_stage() -> ObjectBuilder {
    codes(CaseStage::ALL.iter().map(|k| k.code()), false)
}
fn decision_or_null() -> ObjectBuilder {
    codes(Decision::ALL.iter().map(|k| k.code()), true)
}
fn decision() -> ObjectBuilder {
    codes(Decision::ALL.iter().map(|k| k.code()), false)
}
fn end_result_or_null() -> ObjectBuilder {
    codes(EndResult::ALL.iter().map(|k| k.code()), true)
}
fn end_result() -> ObjectBuilder {
    codes(EndResult::ALL.iter().map(|k| k.code()), false)
}

/// A signal case in one of the team's lists.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignalCaseItem {
    pub id: i64,
    pub household_id: i64,
    pub address: String,
    #[schema(schema_with = case_stage)]
    pub stage: &'static str,
    /// Eerste contact uiterlijk op deze dag
    #[schema(format = Date)]
    pub due_date: String,
    /// Het besluit van de laatste weging
    #[schema(schema_with = decision_or_null, required = true)]
    pub decision: Option<&'static str>,
    /// Wie er gaat
    #[schema(required = true)]
    pub worker: Option<String>,
    /// Soorten partners en zorgen, met herhalingen geteld
    pub sources: String,
    #[schema(schema_with = end_result_or_null, required = true)]
    pub end_result: Option<&'static str>,
    pub crisis: bool,
    /// Waarom de zaak voor kan gaan (Eropaf beslist niet; het team weegt)
    pub priority: String,
    /// Monitoren: wanneer het team opnieuw kijkt
    #[schema(format = Date, required = true)]
    pub review_on: Option<String>,
    /// Na een crisisbezoek vóór de weging: uiterlijk deze werkdag wegen
    #[schema(format = Date, required = true)]
    pub weigh_by: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignalCaseList {
    pub signal_cases: Vec<SignalCaseItem>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignalCaseSignal {
    pub id: i64,
    #[schema(format = Date)]
    pub signal_date: String,
    pub kind: &'static str,
    #[schema(required = true)]
    pub partner: Option<String>,
    #[schema(required = true)]
    pub amount_eur: Option<i64>,
    pub crisis: bool,
    pub warm_handover: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignalCaseWeighing {
    #[schema(format = DateTime)]
    pub at: String,
    #[schema(schema_with = decision)]
    pub decision: &'static str,
    #[schema(format = Date, required = true)]
    pub review_on: Option<String>,
    /// Vier ogen: een tweede persoon heeft de weging bevestigd
    pub confirmed: bool,
}

/// One signal case with its signals and weighings; never the weighing's texts or a sensitive concern.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignalCase {
    pub case: SignalCaseItem,
    pub members: Vec<String>,
    pub signals: Vec<SignalCaseSignal>,
    pub weighings: Vec<SignalCaseWeighing>,
    #[schema(format = Date, required = true)]
    pub picked_up_on: Option<String>,
    #[schema(format = Date, required = true)]
    pub closed_on: Option<String>,
    /// Het team weegt met vier ogen
    pub four_eyes: bool,
}

fn grounds() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new().items(codes(Ground::ALL.iter().map(|k| k.code()), false)).min_items(Some(1))
}
fn models() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new().items(codes(OutreachModel::ALL.iter().map(|k| k.code()), false)).min_items(Some(1))
}
fn safety() -> ObjectBuilder {
    codes(Safety::ALL.iter().map(|k| k.code()), false)
}
fn approach() -> ObjectBuilder {
    codes(Approach::ALL.iter().map(|k| k.code()), false)
}
fn companion() -> ObjectBuilder {
    codes(Companion::ALL.iter().map(|k| k.code()), false)
}
fn closing() -> ObjectBuilder {
    codes(EndResult::ALL.iter().filter(|r| r.not_picked_up()).map(|k| k.code()), true).description(Some("Bij niet-handelen: waarom het signaal niet wordt opgepakt"))
}

/// The team's weighing of a signal case: on what ground and why it would go uninvited, whether
/// that is proportionate, safety, the approach, and the decision with its next moment.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewWeighing {
    #[schema(schema_with = grounds)]
    grounds: Vec<String>,
    /// Waarom ongevraagd: 10 tot 2000 tekens
    #[schema(min_length = 10, max_length = 2000)]
    why_go: String,
    /// Waarom misschien niet; bij niet-handelen verplicht (10 tot 2000 tekens)
    #[schema(max_length = 2000, required = false)]
    why_not: Option<String>,
    /// Waarom dit in verhouding is: 10 tot 2000 tekens
    #[schema(min_length = 10, max_length = 2000)]
    proportionality: String,
    #[schema(schema_with = safety)]
    safety: String,
    #[schema(schema_with = models)]
    models: Vec<String>,
    #[schema(schema_with = approach)]
    approach: String,
    #[schema(schema_with = companion)]
    companion: String,
    #[schema(schema_with = decision)]
    decision: String,
    /// Bij gaan: wie er gaat (een werker van het team)
    #[schema(minimum = 1, required = false)]
    worker_id: Option<i64>,
    /// Bij monitoren: wanneer het team opnieuw kijkt (na vandaag, binnen zes maanden)
    #[schema(format = Date, required = false)]
    review_on: Option<String>,
    #[schema(schema_with = closing, required = false)]
    closing: Option<String>,
}

/// Closing a signal case.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloseSignalCase {
    #[schema(schema_with = end_result)]
    end_result: String,
}

/// The search form; at least a postcode with a house number, or a surname or street.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct HouseholdSearch {
    /// Bijvoorbeeld 1234 AB
    #[schema(max_length = 20)]
    #[serde(default)]
    postcode: String,
    /// Bijvoorbeeld 12a of 12-2
    #[schema(max_length = 20)]
    #[serde(default)]
    huisnummer: String,
    #[schema(max_length = 100)]
    #[serde(default)]
    achternaam: String,
    #[schema(max_length = 100)]
    #[serde(default)]
    straat: String,
}

/// A household with its first resident.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct NewHousehold {
    straat: String,
    huisnummer: String,
    postcode: String,
    woonplaats: String,
    /// CBS-buurtcode, BU + 8 cijfers, in het werkgebied van het team
    buurt: String,
    #[serde(default)]
    voornamen: String,
    #[serde(default)]
    tussenvoegsel: String,
    achternaam: String,
    /// 31-12-1960 of 1960-12-31
    geboortedatum: String,
    /// Niet verplicht; moet de elfproef doorstaan
    #[serde(default)]
    bsn: String,
    #[serde(default)]
    telefoon: String,
}

/// The person a signal is about, in the DDAS field names.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(deny_unknown_fields)]
pub struct SignalClient {
    #[schema(required = false)]
    bsn: Option<String>,
    #[schema(required = false)]
    voorletters: Option<String>,
    #[schema(required = false)]
    voornaam: Option<String>,
    #[schema(required = false)]
    voorvoegsel: Option<String>,
    achternaam: String,
    #[schema(required = false)]
    geboortedatum: Option<String>,
    #[schema(required = false)]
    straatnaam: Option<String>,
    huisnummer: String,
    #[schema(required = false)]
    huisletter: Option<String>,
    #[schema(required = false)]
    huisnummertoevoeging: Option<String>,
    postcode: String,
    #[schema(required = false)]
    plaatsnaam: Option<String>,
    #[schema(required = false)]
    telefoon: Option<String>,
    #[schema(required = false)]
    email: Option<String>,
}

/// A signal from a signal partner (DDAS field names, in Dutch).
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewSignal {
    #[schema(schema_with = signal_kind, required = false)]
    soort: Option<String>,
    /// 2026-11-02 of 02-11-2026
    signaaldatum: String,
    #[schema(required = false)]
    ontstaansdatum: Option<String>,
    /// Hele euro's; verplicht bij een betalingsachterstand
    #[schema(minimum = 1, required = false)]
    bedrag: Option<i64>,
    #[schema(required = false)]
    crisissignaal: Option<bool>,
    #[schema(required = false)]
    warme_overdracht: Option<bool>,
    /// Waar de zorg over gaat; verplicht als het geen betalingsachterstand is
    #[schema(max_length = 2000, required = false)]
    zorg: Option<String>,
    /// Niet verplicht: uw eigen dossier- of klantnummer, om het signaal terug te vinden (één regel, geen stuurtekens); alleen uw organisatie ziet het
    #[schema(max_length = 40, required = false)]
    eigen_kenmerk: Option<String>,
    /// Niet verplicht: vertrouwelijke onderwerpen waar het signaal over gaat, met komma's gescheiden, uit: huiselijk-geweld, psychiatrie, verslaving, justitie. Dan lezen alleen de betrokken werker en de teamleider het signaal.
    #[schema(required = false)]
    vertrouwelijk: Option<String>,
    client: SignalClient,
}

/// A contact attempt from a field app.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewContactAttempt {
    #[schema(minimum = 1)]
    household_id: i64,
    #[schema(schema_with = contact_kind)]
    kind: String,
    /// RFC 3339; niet in de toekomst
    #[schema(format = DateTime)]
    at: String,
    #[schema(schema_with = day_part_or_null, required = false)]
    day_part: Option<String>,
    reached: bool,
    #[schema(schema_with = outcome)]
    outcome: String,
    #[schema(max_length = 200, required = false)]
    note: Option<String>,
    /// Alleen een huisbezoek vóór de weging, bij een crisissignaal: waarom het niet kan wachten (10 tot 500 tekens)
    #[schema(max_length = 500, required = false)]
    crisis_reason: Option<String>,
}

/// The property names of a request body's schema, as a client sends them.
pub fn properties<T: PartialSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(o)) => o.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Every schema of the API by name, for the document's `components`.
pub fn components() -> Vec<(String, RefOr<Schema>)> {
    let mut all = Vec::new();
    macro_rules! add {
        ($($t:ty),*) => {$(
            all.push((<$t as ToSchema>::name().into_owned(), <$t as PartialSchema>::schema()));
            <$t as ToSchema>::schemas(&mut all);
        )*};
    }
    add!(
        crate::error::Problem, Me, HouseholdList, Household, Created, SignalReceipt, SignalStatusView, ContactAttemptLogged, OutOfViewItem,
        HouseholdSearch, NewHousehold, NewSignal, NewContactAttempt, SignalCaseList, SignalCase, CloseSignalCase, NewWeighing
    );
    cases::components(&mut all);
    all.push(("OutOfViewList".into(), <Vec<OutOfViewItem> as PartialSchema>::schema()));
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup_by(|a, b| a.0 == b.0);
    all
}
