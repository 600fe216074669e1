//! The bodies of the case (traject) endpoints: the case file as the case page shows it, and
//! the changes a case system sends — a goal, a step, help, the phase, the ZRM domains and an
//! assessment, the network, a referral with its warm handover and its follow-up checks.

use super::{coded, coded_list, coded_or_null};
use domain::case::{CheckOutcome, CloseReason, NetworkRole, Phase, ReferralTarget, ZrmDomain};
use domain::model::{OutreachModel, Sensitive};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

pub(super) fn components(all: &mut Vec<(String, RefOr<Schema>)>) {
    macro_rules! add {
        ($($t:ty),*) => {$(
            all.push((<$t as ToSchema>::name().into_owned(), <$t as PartialSchema>::schema()));
            <$t as ToSchema>::schemas(all);
        )*};
    }
    add!(Case, NewCase, NewGoal, Dated, NewStep, NewHelp, CasePhase, CaseDomains, NewJournalEntry, CloseCase, NewAssessment, NewNetworkMember, NewReferral, NewReferralCheck);
}

fn zrm_scores() -> utoipa::openapi::schema::ObjectBuilder {
    let score = utoipa::openapi::schema::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::Integer).minimum(Some(1)).maximum(Some(5));
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Object)
        .property_names(Some(coded::<ZrmDomain>()))
        .additional_properties(Some(score))
        .min_properties(Some(1))
        .description(Some("Per ZRM-domein van dit traject een score van 1 tot 5, bijvoorbeeld {\"financien\": 2}"))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseGoal {
    pub id: i64,
    /// In de woorden van de bewoner
    pub words: String,
    #[schema(format = Date)]
    pub added_on: String,
    #[schema(format = Date, required = true)]
    pub reached_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseStep {
    pub id: i64,
    pub what: String,
    pub who: String,
    #[schema(format = Date)]
    pub due_on: String,
    #[schema(format = Date, required = true)]
    pub done_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseHelp {
    #[schema(format = Date)]
    pub given_on: String,
    pub what: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ZrmScoreView {
    #[schema(schema_with = coded::<ZrmDomain>)]
    pub domain: &'static str,
    #[schema(minimum = 1, maximum = 5)]
    pub score: u8,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseAssessment {
    #[schema(format = Date)]
    pub on: String,
    pub scores: Vec<ZrmScoreView>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NetworkMember {
    pub id: i64,
    #[schema(schema_with = coded::<NetworkRole>)]
    pub role: &'static str,
    pub name: String,
    #[schema(required = true)]
    pub relation: Option<String>,
    #[schema(required = true)]
    pub reach: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReferralCheck {
    #[schema(format = Date)]
    pub on: String,
    #[schema(schema_with = coded::<CheckOutcome>)]
    pub outcome: &'static str,
    #[schema(required = true)]
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseReferral {
    pub id: i64,
    #[schema(schema_with = coded::<ReferralTarget>)]
    pub target: &'static str,
    pub organisation: String,
    pub reason: String,
    #[schema(format = Date)]
    pub referred_on: String,
    /// De warme overdracht: het gesprek van bewoner, werker en partner
    #[schema(format = Date, required = true)]
    pub handover_on: Option<String>,
    #[schema(required = true)]
    pub handover_with: Option<String>,
    pub check_every_days: i64,
    /// De partner bevestigde dat de hulp is gestart
    #[schema(format = Date, required = true)]
    pub started_on: Option<String>,
    #[schema(format = Date, required = true)]
    pub ended_on: Option<String>,
    #[schema(required = true)]
    pub worker: Option<String>,
    /// Wanneer de werker weer nagaat (null als de verwijzing is afgerond)
    #[schema(format = Date, required = true)]
    pub next_check: Option<String>,
    pub checks: Vec<ReferralCheck>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseJournalEntry {
    #[schema(format = DateTime)]
    pub at: String,
    pub author: String,
    pub body: String,
}

/// A marked case this reader may not read: its content is left out, and whom to call.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Withheld {
    /// De betrokken werker, bij wie u terecht kunt
    #[schema(required = true)]
    pub worker: Option<String>,
}

/// A case (traject) as the case page shows it. A case marked with special categories that this
/// reader may not read has no goals, steps, help, assessments, network, referrals or journal,
/// and says so in `withheld`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: i64,
    pub household_id: i64,
    pub address: String,
    pub names: Vec<String>,
    #[schema(format = Date)]
    pub opened: String,
    #[schema(format = Date, required = true)]
    pub closed: Option<String>,
    #[schema(schema_with = coded_or_null::<CloseReason>, required = true)]
    pub close_reason: Option<&'static str>,
    #[schema(required = true)]
    pub close_note: Option<String>,
    #[schema(schema_with = codes_of::<OutreachModel>)]
    pub models: Vec<&'static str>,
    #[schema(required = true)]
    pub worker: Option<String>,
    #[schema(schema_with = coded::<Phase>)]
    pub phase: &'static str,
    /// Blijvend contact: het team blijft in beeld na het traject
    pub lasting_contact: bool,
    pub goals: Vec<CaseGoal>,
    pub steps: Vec<CaseStep>,
    pub help: Vec<CaseHelp>,
    /// De ZRM-domeinen die voor dit traject van belang zijn; alleen die worden gescoord
    #[schema(schema_with = codes_of::<ZrmDomain>)]
    pub domains: Vec<&'static str>,
    pub assessments: Vec<CaseAssessment>,
    pub network: Vec<NetworkMember>,
    pub referrals: Vec<CaseReferral>,
    /// Nieuwste eerst
    pub journal: Vec<CaseJournalEntry>,
    /// De bijzondere categorieën waarmee het traject is gemarkeerd
    #[schema(schema_with = codes_of::<Sensitive>)]
    pub sensitive: Vec<&'static str>,
    #[schema(required = true)]
    pub withheld: Option<Withheld>,
}

/// Codes of one fixed list, as an answer gives them (possibly none: a case loaded from an
/// earlier system may have no ZRM domains yet).
fn codes_of<T: domain::model::Coded>() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new().items(coded::<T>())
}

/// Opening a case for a household in the team's area; one open case per household.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewCase {
    #[schema(minimum = 1)]
    household_id: i64,
    /// Standaard vandaag; eerder als werk op papier begon (hoogstens een jaar terug)
    #[schema(format = Date, required = false)]
    opened: Option<String>,
    #[schema(schema_with = coded_list::<OutreachModel>)]
    models: Vec<String>,
    /// De ZRM-domeinen die voor het doel van het traject van belang zijn
    #[schema(schema_with = coded_list::<ZrmDomain>)]
    domains: Vec<String>,
    /// Het eerste doel, in de woorden van de bewoner (hoogstens 300 tekens)
    #[schema(max_length = 300, required = false)]
    goal: Option<String>,
}

/// A goal in the resident's own words.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewGoal {
    #[schema(min_length = 3, max_length = 300)]
    words: String,
}

/// The day something happened (a goal reached, a step done); today when left out.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dated {
    /// Niet in de toekomst, niet vóór de start van het traject
    #[schema(format = Date, required = false)]
    on: Option<String>,
}

/// A small step, with who does it and when.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewStep {
    #[schema(min_length = 3, max_length = 200)]
    what: String,
    /// Wie het doet: de bewoner, de werker, een buur
    #[schema(min_length = 1, max_length = 80)]
    who: String,
    /// Vanaf vandaag, binnen een jaar
    #[schema(format = Date)]
    due_on: String,
}

/// Practical help given.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewHelp {
    #[schema(min_length = 3, max_length = 200)]
    what: String,
    /// Standaard vandaag
    #[schema(format = Date, required = false)]
    on: Option<String>,
}

/// The intensity phase, and whether contact lasts after the case.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CasePhase {
    #[schema(schema_with = coded::<Phase>)]
    phase: String,
    /// Standaard false
    #[schema(required = false)]
    lasting_contact: Option<bool>,
}

/// The ZRM domains that matter for the case (replaces the list).
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseDomains {
    #[schema(schema_with = coded_list::<ZrmDomain>)]
    domains: Vec<String>,
}

/// A dated note in the case journal; its author is the token's account.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewJournalEntry {
    #[schema(min_length = 3, max_length = 4000)]
    body: String,
}

/// Closing a case, never silently: with a reason.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloseCase {
    #[schema(schema_with = coded::<CloseReason>)]
    reason: String,
    /// Verplicht bij de reden anders (hoogstens 500 tekens)
    #[schema(max_length = 500, required = false)]
    note: Option<String>,
    /// Standaard vandaag
    #[schema(format = Date, required = false)]
    on: Option<String>,
}

/// A ZRM assessment of the case's relevant domains only.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewAssessment {
    /// Standaard vandaag
    #[schema(format = Date, required = false)]
    on: Option<String>,
    #[schema(schema_with = zrm_scores)]
    scores: serde_json::Map<String, serde_json::Value>,
}

/// Someone in the household's network.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewNetworkMember {
    #[schema(schema_with = coded::<NetworkRole>)]
    role: String,
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(max_length = 100, required = false)]
    relation: Option<String>,
    /// Hoe te bereiken: telefoon, via wie, waar
    #[schema(max_length = 150, required = false)]
    reach: Option<String>,
}

/// A referral with its warm handover; followed up until the partner confirms that help started.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewReferral {
    #[schema(schema_with = coded::<ReferralTarget>)]
    target: String,
    #[schema(min_length = 2, max_length = 120)]
    organisation: String,
    #[schema(min_length = 5, max_length = 300)]
    reason: String,
    /// Standaard vandaag
    #[schema(format = Date, required = false)]
    referred_on: Option<String>,
    /// Het gesprek van bewoner, werker en partner: op of na de verwijsdatum, binnen 60 dagen
    #[schema(format = Date)]
    handover_on: String,
    /// Wie bij de partner het overneemt
    #[schema(max_length = 100, required = false)]
    handover_with: Option<String>,
    /// Standaard 14
    #[schema(minimum = 1, maximum = 90, required = false)]
    check_every_days: Option<i64>,
}

/// A follow-up check of a referral.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewReferralCheck {
    #[schema(schema_with = coded::<CheckOutcome>)]
    outcome: String,
    /// Verplicht als de hulp niet is gestart: wat u hoorde en wat u nu doet (hoogstens 200 tekens)
    #[schema(max_length = 200, required = false)]
    note: Option<String>,
    /// Standaard vandaag
    #[schema(format = Date, required = false)]
    on: Option<String>,
}
