//! The entities of outreach work and their value lists. Value lists carry a stable code for
//! storage and the API, a Dutch label for screens and an English one for the language switch;
//! where DDAS (the national early-signal standard) has a value list, its wording is kept.

use crate::address::{HouseNumber, Postcode, RdPoint};
use crate::area::AreaCode;
use crate::bsn::Bsn;
use crate::name::PersonName;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// A closed list of values with a storage code and labels in both languages.
macro_rules! value_list {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($code:literal, $nl:literal, $en:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            pub fn label_nl(self) -> &'static str { match self { $($name::$variant => $nl),+ } }
            pub fn label_en(self) -> &'static str { match self { $($name::$variant => $en),+ } }
            pub fn label(self, dutch: bool) -> &'static str { if dutch { self.label_nl() } else { self.label_en() } }
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.code()) }
        }

        impl $crate::model::Coded for $name {
            const ALL: &'static [$name] = $name::ALL;
            fn code(self) -> &'static str { $name::code(self) }
            fn from_code(code: &str) -> Option<$name> { $name::from_code(code) }
        }
    };
}

pub use crate::coded::Coded;

pub(crate) use value_list;

value_list!(
    /// What a user of Eropaf is to the system; decides what they may see.
    Role {
        Worker => ("worker", "Outreachend werker", "Outreach worker"),
        TeamLead => ("team-lead", "Teamleider", "Team lead"),
        ExperienceExpert => ("ervaringsdeskundige", "Ervaringsdeskundige", "Experience expert"),
        Partner => ("partner", "Signaalpartner", "Signal partner"),
        PrivacyOfficer => ("privacy-officer", "Privacyfunctionaris", "Privacy officer"),
        Admin => ("admin", "Beheerder", "Administrator"),
    }
);

impl Role {
    /// Roles that see personal data: residents' files (workers, team leads), who looked at which
    /// resident and the access-request export (the privacy officer), and staff accounts (the
    /// admin). A partner only sends signals and sees their status.
    pub fn sees_personal_data(self) -> bool {
        !matches!(self, Role::Partner)
    }

    /// Whether logging in takes a second factor (TOTP) besides the password (issue 7): every
    /// role. A partner sees no files, but what it sends is about residents (names, addresses,
    /// debts), and with a password alone a stolen one would be enough to send or read its
    /// signals' status as that organisation (issue 27, finding 6).
    pub fn needs_second_factor(self) -> bool {
        // Exhaustive, so a new role decides this for itself.
        match self {
            Role::Worker | Role::TeamLead | Role::ExperienceExpert | Role::Partner | Role::PrivacyOfficer | Role::Admin => true,
        }
    }
}

value_list!(
    /// The six models of outreach work (Wat werkt-dossier §1.1); a team combines them.
    OutreachModel {
        Hulp => ("hulp", "Hulpmodel", "Help model"),
        DwangDrang => ("dwang-drang", "Dwang- en drangmodel", "Coercion and pressure model"),
        Politiserend => ("politiserend", "Politiserend model", "Politicising model"),
        Verbindend => ("verbindend", "Verbindend model", "Connecting model"),
        Kwartiermakers => ("kwartiermakers", "Kwartiermakersmodel", "Making-room model"),
        Presentie => ("presentie", "Presentiemodel", "Presence model"),
    }
);

impl OutreachModel {
    /// Coercion must be visibly marked for the team and kept apart from help.
    pub fn is_coercive(self) -> bool {
        matches!(self, OutreachModel::DwangDrang)
    }
}

value_list!(
    PartnerKind {
        Formal => ("formal", "Formele partner", "Formal partner"),
        Informal => ("informal", "Informele signaalgever", "Informal reporter"),
    }
);

value_list!(
    /// Who sends signals: the DDAS partner types first, then the other partners of a team.
    PartnerType {
        Energie => ("energie", "Energieleverancier", "Energy supplier"),
        Huur => ("huur", "Woningcorporatie (huur)", "Housing corporation (rent)"),
        Hypotheek => ("hypotheek", "Hypotheekverstrekker", "Mortgage lender"),
        CakZorgverzekeringen => ("cak-zorgverzekeringen", "CAK Zorgverzekeringen", "CAK health insurance"),
        Zorg => ("zorg", "Zorgverzekeraar", "Health insurer"),
        Water => ("water", "Drinkwaterbedrijf", "Water company"),
        Duo => ("duo", "DUO", "DUO (student finance)"),
        Belastingdienst => ("belastingdienst", "Belastingdienst", "Tax administration"),
        CakEigenBijdrage => ("cak-eigen-bijdrage", "CAK Eigen bijdrage", "CAK personal contribution"),
        DienstToeslagen => ("dienst-toeslagen", "Dienst Toeslagen", "Benefits agency"),
        Overige => ("overige", "Overige partner", "Other partner"),
        Huisarts => ("huisarts", "Huisarts", "General practitioner"),
        School => ("school", "School", "School"),
        Politie => ("politie", "Politie", "Police"),
        Handhaving => ("handhaving", "Handhaving / inspectie", "Enforcement / inspection"),
        Buurtbewoner => ("buurtbewoner", "Buurtbewoner", "Neighbour"),
        Winkelier => ("winkelier", "Winkelier", "Shopkeeper"),
        Sleutelfiguur => ("sleutelfiguur", "Sleutelfiguur", "Key figure"),
        Migrantenorganisatie => ("migrantenorganisatie", "Migrantenzelforganisatie", "Migrant self-organisation"),
    }
);

impl PartnerType {
    pub fn kind(self) -> PartnerKind {
        match self {
            PartnerType::Buurtbewoner | PartnerType::Winkelier | PartnerType::Sleutelfiguur | PartnerType::Migrantenorganisatie => {
                PartnerKind::Informal
            }
            _ => PartnerKind::Formal,
        }
    }

    /// The DDAS `EnumSignaalpartner` value for the CBS delivery.
    pub fn ddas(self) -> &'static str {
        match self {
            PartnerType::Energie => "Energie",
            PartnerType::Huur => "Huur",
            PartnerType::Hypotheek => "Hypotheek",
            PartnerType::CakZorgverzekeringen => "CAK Zorgverzekeringen",
            PartnerType::Zorg => "Zorg",
            PartnerType::Water => "Water",
            PartnerType::Duo => "DUO",
            PartnerType::Belastingdienst => "Belastingdienst",
            PartnerType::CakEigenBijdrage => "CAK Eigen bijdrage",
            PartnerType::DienstToeslagen => "Dienst Toeslagen",
            _ => "Overige",
        }
    }

    /// Partners with an enforcement role never see help notes or weighing (issue 7).
    pub fn is_enforcement(self) -> bool {
        matches!(self, PartnerType::Politie | PartnerType::Handhaving)
    }

    /// Debt-signal partners whose signals carry an arrears amount.
    pub fn is_financial(self) -> bool {
        self.ddas() != "Overige"
    }
}

value_list!(
    /// How a contact attempt was made: DDAS `EnumContactsoort`, plus a conversation at a venue.
    ContactKind {
        Huisbezoek => ("huisbezoek", "Huisbezoek", "Home visit"),
        Telefoon => ("telefoon", "Telefoon", "Phone"),
        Brief => ("brief", "Brief", "Letter"),
        Kaartje => ("kaartje", "Kaartje achtergelaten", "Card left behind"),
        SmsWhatsapp => ("sms-whatsapp", "SMS/WhatsApp", "SMS/WhatsApp"),
        Mail => ("mail", "E-mail", "E-mail"),
        Overige => ("overige", "Overige", "Other"),
        Administratief => ("administratief", "Administratief", "Administrative"),
        GesprekVindplaats => ("gesprek-vindplaats", "Gesprek op vindplaats", "Conversation at a venue"),
    }
);

impl ContactKind {
    /// The DDAS `EnumContactsoort` value.
    pub fn ddas(self) -> &'static str {
        match self {
            ContactKind::Huisbezoek => "Huisbezoek",
            ContactKind::Telefoon => "Telefoon",
            ContactKind::Brief => "Brief",
            ContactKind::Kaartje => "Kaartje",
            ContactKind::SmsWhatsapp => "SMS/Whatsapp",
            ContactKind::Mail => "Mail",
            ContactKind::Administratief => "Administratief",
            ContactKind::Overige | ContactKind::GesprekVindplaats => "Overige",
        }
    }
}

value_list!(
    /// DDAS `EnumDagdeel`.
    DayPart {
        Ochtend => ("ochtend", "Ochtend", "Morning"),
        Middag => ("middag", "Middag", "Afternoon"),
        Avond => ("avond", "Avond", "Evening"),
    }
);

impl DayPart {
    /// Morning until 12:00, afternoon until 18:00, evening after (and the small hours), by the
    /// hour of the Dutch clock (`DayPart::at` takes an instant).
    pub fn of_hour(hour: u8) -> DayPart {
        match hour {
            6..=11 => DayPart::Ochtend,
            12..=17 => DayPart::Middag,
            _ => DayPart::Avond,
        }
    }

    /// The part of the day a moment falls in, by the Dutch clock (`crate::local`): a call at
    /// 18:30 is evening, winter and summer alike.
    pub fn at(at: OffsetDateTime) -> DayPart {
        DayPart::of_hour(crate::local::dutch(at).hour())
    }

    pub fn ddas(self) -> &'static str {
        self.label_nl()
    }

    /// The hour (Dutch time, like `DayPart::at`) a part of the day starts, for proposals.
    pub fn start_hour(self) -> u8 {
        match self {
            DayPart::Ochtend => 9,
            DayPart::Middag => 13,
            DayPart::Avond => 18,
        }
    }
}

value_list!(
    /// How a contact attempt ended: a short list, so logging it is one tap.
    ContactOutcome {
        NietThuis => ("niet-thuis", "Niet thuis of geen gehoor", "Not home or no answer"),
        GeenReactie => ("geen-reactie", "Geen reactie", "No response"),
        OnjuistAdres => ("onjuist-adres", "Onbekend op adres of nummer klopt niet", "Unknown at address or wrong number"),
        Gesproken => ("gesproken", "Gesproken", "Talked"),
        AfspraakGemaakt => ("afspraak", "Afspraak gemaakt", "Appointment made"),
        WilGeenContact => ("wil-geen-contact", "Wil nu geen contact", "Does not want contact now"),
    }
);

impl ContactOutcome {
    /// Whether the outcome means the household was reached.
    pub fn reached(self) -> bool {
        matches!(self, ContactOutcome::Gesproken | ContactOutcome::AfspraakGemaakt | ContactOutcome::WilGeenContact)
    }
}

value_list!(
    /// The support pyramid: most households manage, some need occasional help, a few intensive help.
    SupportLevel {
        SelfReliant => ("self-reliant", "Zelfredzaam", "Self-reliant"),
        Occasional => ("occasional", "Steun in de rug", "A helping hand"),
        Intensive => ("intensive", "Intensief", "Intensive"),
    }
);

value_list!(
    /// What a signal is about. Debt signals follow DDAS; the others are worries.
    SignalKind {
        Betalingsachterstand => ("betalingsachterstand", "Betalingsachterstand", "Payment arrears"),
        Zorgen => ("zorgen", "Zorgen om een bewoner", "Worry about a resident"),
        Vervuiling => ("vervuiling", "Vervuiling / verwaarlozing", "Squalor / neglect"),
        Eenzaamheid => ("eenzaamheid", "Eenzaamheid", "Loneliness"),
        Overlast => ("overlast", "Overlast", "Nuisance"),
        HuiselijkGeweld => ("huiselijk-geweld", "Zorgen over huiselijk geweld", "Concern about domestic violence"),
    }
);

value_list!(
    /// The special categories (AVG art. 9 and 10) a signal, a contact note or a case may be
    /// marked with: only the workers on the household's case and the team lead read them.
    Sensitive {
        HuiselijkGeweld => ("huiselijk-geweld", "Huiselijk geweld en veiligheid van kinderen", "Domestic violence and child safety"),
        Psychiatrie => ("psychiatrie", "Psychiatrie", "Psychiatry"),
        Verslaving => ("verslaving", "Verslaving", "Addiction"),
        Justitie => ("justitie", "Justitie", "Justice"),
    }
);

impl Sensitive {
    /// The stored form of a set of categories: codes joined by commas, None when empty.
    pub fn join(marks: &[Sensitive]) -> Option<String> {
        let mut codes: Vec<&str> = marks.iter().map(|m| m.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        (!codes.is_empty()).then(|| codes.join(","))
    }

    /// The categories of a stored set (unknown codes are left out).
    pub fn split(stored: Option<&str>) -> Vec<Sensitive> {
        stored.unwrap_or("").split(',').filter_map(Sensitive::from_code).collect()
    }
}

value_list!(
    /// Where a signal is on its way from arrival to decision; partners see only these.
    SignalStatus {
        Ontvangen => ("ontvangen", "Ontvangen", "Received"),
        Opgepakt => ("opgepakt", "Opgepakt", "Picked up"),
        Afgesloten => ("afgesloten", "Afgesloten", "Closed"),
    }
);

value_list!(
    /// Where a signal came in.
    SignalChannel {
        Formulier => ("formulier", "Formulier signaalpartner", "Partner form"),
        Api => ("api", "Koppeling (API)", "Partner system (API)"),
        Informeel => ("informeel", "Informele signaalgever, ingevoerd door werker", "Informal reporter, entered by a worker"),
        Deur => ("deur", "Aan de deur opgemerkt", "Noticed at a door"),
        Bestand => ("bestand", "Maandbestand", "Monthly file"),
        Werker => ("werker", "Opgemerkt door een werker", "Noticed by a worker"),
    }
);

value_list!(
    /// How a signal found its household: the linkage engine was sure, a person decided after
    /// review, it is waiting for review, or its address was new and a household was made.
    LinkState {
        Automatisch => ("automatisch", "Automatisch gekoppeld", "Linked automatically"),
        Beoordeeld => ("beoordeeld", "Gekoppeld na beoordeling", "Linked after review"),
        TeBeoordelen => ("te-beoordelen", "Te beoordelen", "Awaiting review"),
        NieuwHuishouden => ("nieuw-huishouden", "Nieuw huishouden", "New household"),
    }
);

value_list!(
    /// Where a signal case (DDAS Vroegsignaalzaak) is.
    CaseStage {
        Nieuw => ("nieuw", "Nieuw, nog niet gewogen", "New, not yet weighed"),
        Gewogen => ("gewogen", "Gewogen", "Weighed"),
        Opgepakt => ("opgepakt", "Opgepakt (eerste contact)", "Picked up (first contact)"),
        Afgesloten => ("afgesloten", "Afgesloten", "Closed"),
    }
);

value_list!(
    /// On what ground the team would go uninvited (the legitimacy question).
    Ground {
        SchadeZelf => ("schade-zelf", "Schade voor de bewoner zelf", "Harm to the resident"),
        SchadeKinderen => ("schade-kinderen", "Schade voor kinderen", "Harm to children"),
        SchadeOmgeving => ("schade-omgeving", "Schade of overlast voor buren", "Harm or nuisance to neighbours"),
        Zorgplicht => ("zorgplicht", "Zorgplicht van de gemeente", "The municipality's duty of care"),
    }
);

value_list!(
    /// Signs of danger, and what follows from them.
    Safety {
        GeenSignalen => ("geen", "Geen signalen van agressie", "No signs of aggression"),
        MetZnTweeen => ("samen", "Signalen van agressie: met z'n tweeën gaan", "Signs of aggression: go in pairs"),
        Afstand => ("afstand", "Ernstige signalen: afstand houden, eerst overleg", "Serious signs: keep distance, consult first"),
    }
);

value_list!(
    /// How the team approaches the household.
    Approach {
        Onaangekondigd => ("onaangekondigd", "Onaangekondigd langs", "Unannounced visit"),
        Aangekondigd => ("aangekondigd", "Aangekondigd (brief of kaartje vooraf)", "Announced (letter or card first)"),
        Afspraak => ("afspraak", "Op afspraak", "By appointment"),
    }
);

value_list!(
    /// Who goes with or instead of the worker.
    Companion {
        Alleen => ("werker", "Werker", "Worker"),
        TweeWerkers => ("twee-werkers", "Twee werkers", "Two workers"),
        Ervaringsdeskundige => ("ervaringsdeskundige", "Werker met ervaringsdeskundige", "Worker with an experience expert"),
        Migrantenorganisatie => ("migrantenorganisatie", "Via een migrantenzelforganisatie", "Through a migrant self-organisation"),
        Sleutelfiguur => ("sleutelfiguur", "Via een sleutelfiguur", "Through a key figure"),
    }
);

value_list!(
    /// The team's decision after weighing. Eropaf never makes it.
    Decision {
        Gaan => ("gaan", "Erop af", "Go"),
        Monitoren => ("monitoren", "Vinger aan de pols (monitoren)", "Monitor"),
        Verwijzen => ("verwijzen", "Verwijzen zonder contact", "Refer without contact"),
        NietHandelen => ("niet-handelen", "Niet handelen", "Don't act"),
    }
);

value_list!(
    /// What the team decided in the case discussion about a household that persistence did not
    /// reach; `Bereikt` is written by Eropaf when the household is reached again.
    DiscussionOutcome {
        AnderKanaal => ("ander-kanaal", "Ander kanaal of dagdeel proberen", "Try another channel or part of the day"),
        AndereWerker => ("andere-werker", "Een andere werker gaat", "Another worker goes"),
        Ervaringsdeskundige => ("ervaringsdeskundige", "Met een ervaringsdeskundige", "With an experience expert"),
        Netwerk => ("netwerk", "Via het netwerk (familie, buren, sleutelfiguur)", "Through the network (family, neighbours, key figure)"),
        Overdragen => ("overdragen", "Overdragen aan een andere organisatie", "Hand over to another organisation"),
        Stoppen => ("stoppen", "Stoppen, met reden", "Stop, with the reason"),
        Bereikt => ("bereikt", "Weer bereikt", "Reached again"),
    }
);

impl DiscussionOutcome {
    /// The outcomes the team lead chooses from (`Bereikt` follows from a contact).
    pub const CHOICES: &'static [DiscussionOutcome] = &[
        DiscussionOutcome::AnderKanaal,
        DiscussionOutcome::AndereWerker,
        DiscussionOutcome::Ervaringsdeskundige,
        DiscussionOutcome::Netwerk,
        DiscussionOutcome::Overdragen,
        DiscussionOutcome::Stoppen,
    ];
}

value_list!(
    /// What a reporter hears back: the least that closes the loop, never what was found.
    FeedbackMessage {
        ContactGelegd => ("contact-gelegd", "We hebben contact gelegd", "We have made contact"),
        BezigContact => ("bezig", "We proberen contact te leggen", "We are trying to make contact"),
        Opgepakt => ("opgepakt", "Uw melding is opgepakt", "Your report has been taken up"),
    }
);

value_list!(
    /// Whether and how an informal reporter wants to hear back (the signal form's choice).
    FeedbackWish {
        Nee => ("nee", "Nee", "No"),
        Telefoon => ("telefoon", "Ja, per telefoon", "Yes, by phone"),
        Email => ("e-mail", "Ja, per e-mail", "Yes, by e-mail"),
        ViaWerker => ("via-werker", "Ja, de werker zoekt de melder op", "Yes, the worker looks the reporter up"),
    }
);

value_list!(
    /// How a signal case ended: DDAS `EnumEindresultaat`, word for word.
    EndResult {
        HerhaaldeMelding => ("herhaalde-melding", "Niet opgepakt: herhaalde melding", "Not picked up: repeated report"),
        OnterechtSignaal => ("onterecht-signaal", "Niet opgepakt: onterecht signaal", "Not picked up: unfounded signal"),
        Overleden => ("overleden", "Inwoner is overleden", "Resident has died"),
        GeenInwoner => ("geen-inwoner", "Persoon is geen inwoner (meer) in de gemeente", "Person is not (or no longer) a resident"),
        AndereReden => ("andere-reden", "Niet opgepakt: andere reden", "Not picked up: other reason"),
        BekendSchuldhulp => ("bekend-schuldhulp", "Inwoner al bekend bij schuldhulpverlening", "Already known to debt help"),
        AnderTraject => ("ander-traject", "Inwoner heeft al een ander lopend traject", "Already in another programme"),
        GeenContact => ("geen-contact", "Definitief geen contact kunnen krijgen", "No contact could be made"),
        GeenReactie => ("geen-reactie", "Geen reactie na eerder contact", "No response after earlier contact"),
        GeenHulpNodig => ("geen-hulp-nodig", "Inwoner hoeft geen hulp vanuit vroegsignalering", "Resident needs no help from early signalling"),
        ZelfBetaald => ("zelf-betaald", "Inwoner heeft zelf al betaald/betalingsregeling getroffen", "Resident paid or arranged payment"),
        AdviesQuickFix => ("advies", "(Budget)advies en/of quick fix", "Budget advice and/or quick fix"),
        VervolgFinancieel => ("vervolg-financieel", "Vervolghulp en/of verwijzing financieel", "Follow-up help or referral, financial"),
        VerwijzingZonderContact => ("verwijzing-zonder-contact", "Verwijzing zonder contact", "Referral without contact"),
        VervolgNietFinancieel => ("vervolg-niet-financieel", "Vervolghulp en/of verwijzing niet financieel", "Follow-up help or referral, non-financial"),
    }
);

value_list!(
    /// The coarse result a partner may see of its own signal: never notes, workers or help.
    PartnerResult {
        HulpGestart => ("hulp-gestart", "Contact gelegd, hulp of advies gegeven", "Contact made, help or advice given"),
        GeenHulpNodig => ("geen-hulp-nodig", "Contact gelegd, geen hulp nodig", "Contact made, no help needed"),
        GeenContact => ("geen-contact", "Geen contact gekregen", "No contact made"),
        NietOpgepakt => ("niet-opgepakt", "Niet opgepakt", "Not picked up"),
    }
);

impl EndResult {
    /// The DDAS value.
    pub fn ddas(self) -> &'static str {
        self.label_nl()
    }

    /// The results that mean the case was never picked up; for these the signals carry the
    /// same value as their DDAS status.
    pub fn not_picked_up(self) -> bool {
        matches!(self, EndResult::HerhaaldeMelding | EndResult::OnterechtSignaal | EndResult::Overleden | EndResult::GeenInwoner | EndResult::AndereReden)
    }

    /// What the partner sees.
    pub fn for_partner(self) -> PartnerResult {
        match self {
            EndResult::AdviesQuickFix | EndResult::VervolgFinancieel | EndResult::VervolgNietFinancieel | EndResult::VerwijzingZonderContact => {
                PartnerResult::HulpGestart
            }
            EndResult::GeenHulpNodig | EndResult::ZelfBetaald | EndResult::BekendSchuldhulp | EndResult::AnderTraject => PartnerResult::GeenHulpNodig,
            EndResult::GeenContact | EndResult::GeenReactie => PartnerResult::GeenContact,
            _ => PartnerResult::NietOpgepakt,
        }
    }

    /// Cases closed this way are deleted after the shorter term of issue 4 (not picked up, or
    /// no help needed): nothing followed that the household could need later.
    pub fn short_retention(self) -> bool {
        self.not_picked_up() || matches!(self, EndResult::GeenHulpNodig | EndResult::ZelfBetaald)
    }
}

/// Identifies a row of any entity; the entity decides its meaning.
pub type Id = i64;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Neighbourhood {
    pub code: AreaCode,
    pub name: String,
    /// Deprived buurten have more multi-problem households.
    pub deprived: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub id: Id,
    pub street: String,
    pub house_number: HouseNumber,
    pub postcode: Postcode,
    pub locality: String,
    pub buurt: AreaCode,
    pub point: RdPoint,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Household {
    pub id: Id,
    pub address_id: Id,
    pub support: SupportLevel,
    pub multi_problem: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: Id,
    pub household_id: Id,
    pub name: PersonName,
    pub birth_date: Date,
    pub bsn: Option<Bsn>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub id: Id,
    pub name: String,
    pub partner_type: PartnerType,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub id: Id,
    pub name: String,
    /// The wijk the team covers.
    pub wijk: AreaCode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Worker {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team_id: Option<Id>,
    /// Which outreach models this worker can apply.
    pub models: Vec<OutreachModel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub id: Id,
    pub household_id: Option<Id>,
    pub partner_id: Option<Id>,
    pub kind: SignalKind,
    pub channel: SignalChannel,
    pub status: SignalStatus,
    pub signal_date: Date,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// Whole euros, for financial signals.
    pub amount_eur: Option<i64>,
    pub crisis: bool,
    /// The resident as the partner wrote them, before linking (spelling varies per partner).
    pub reported_name: String,
    pub reported_address: String,
    pub concern: Option<String>,
}

/// When first contact is due: `days` after the signal, or `crisis_working_days` working days
/// after it when a crisis threatens (Divosa: 4 weeks and 3 working days; the terms are
/// configurable, see `store::signals::SignalPolicy`). Working days skip Dutch public holidays.
pub fn pickup_deadline(signal_date: Date, crisis: bool, days: u32, crisis_working_days: u32, liberation: crate::local::LiberationDay) -> Date {
    if crisis { crate::local::add_working_days(signal_date, crisis_working_days, liberation) } else { signal_date + time::Duration::days(i64::from(days)) }
}

/// A signal case (DDAS Vroegsignaalzaak): the open signals of one household, weighed and
/// picked up together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalCase {
    pub id: Id,
    pub household_id: Id,
    pub signal_ids: Vec<Id>,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    pub due_date: Date,
    pub crisis: bool,
    pub stage: CaseStage,
    /// Who goes, once weighed.
    pub worker_id: Option<Id>,
    pub decision: Option<Decision>,
    pub picked_up_on: Option<Date>,
    pub closed_on: Option<Date>,
    pub end_result: Option<EndResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactAttempt {
    pub id: Id,
    pub household_id: Id,
    pub worker_id: Option<Id>,
    pub kind: ContactKind,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub day_part: DayPart,
    pub reached: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: Id,
    pub household_id: Id,
    pub models: Vec<OutreachModel>,
    pub opened: Date,
    pub closed: Option<Date>,
}

impl Case {
    pub fn is_coercive(&self) -> bool {
        self.models.iter().any(|m| m.is_coercive())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn codes_round_trip_for_every_value_list() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(*r));
        }
        for p in PartnerType::ALL {
            assert_eq!(PartnerType::from_code(p.code()), Some(*p));
        }
        for k in ContactKind::ALL {
            assert_eq!(ContactKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn ddas_values_match_the_standard_lists() {
        let partners = ["Energie", "Huur", "Hypotheek", "CAK Zorgverzekeringen", "Zorg", "Water", "DUO", "Belastingdienst", "CAK Eigen bijdrage", "Overige", "Dienst Toeslagen"];
        assert!(PartnerType::ALL.iter().all(|p| partners.contains(&p.ddas())));
        let kinds = ["Mail", "Brief", "SMS/Whatsapp", "Telefoon", "Huisbezoek", "Kaartje", "Overige", "Administratief"];
        assert!(ContactKind::ALL.iter().all(|k| kinds.contains(&k.ddas())));
        assert_eq!(DayPart::of_hour(9).ddas(), "Ochtend");
        assert_eq!(DayPart::of_hour(12).ddas(), "Middag");
        assert_eq!(DayPart::of_hour(19).ddas(), "Avond");
        assert_eq!(DayPart::of_hour(2), DayPart::Avond);
    }

    #[test]
    fn partner_kinds_and_enforcement() {
        assert_eq!(PartnerType::Buurtbewoner.kind(), PartnerKind::Informal);
        assert_eq!(PartnerType::Huur.kind(), PartnerKind::Formal);
        assert!(PartnerType::Politie.is_enforcement());
        assert!(!PartnerType::Huisarts.is_enforcement());
    }

    #[test]
    fn a_call_at_half_past_six_is_evening_in_winter_and_in_summer() {
        // 18:30 in December is 17:30 UTC; in July it is 16:30 UTC.
        assert_eq!(DayPart::at(datetime!(2026-12-02 17:30 UTC)), DayPart::Avond);
        assert_eq!(DayPart::at(datetime!(2026-07-02 16:30 UTC)), DayPart::Avond);
        // 11:30 in summer is 09:30 UTC: still morning; 12:15 is afternoon.
        assert_eq!(DayPart::at(datetime!(2026-07-02 09:30 UTC)), DayPart::Ochtend);
        assert_eq!(DayPart::at(datetime!(2026-07-02 10:15 UTC)), DayPart::Middag);
    }

    #[test]
    fn pickup_deadline_is_three_working_days_in_crisis() {
        let friday = date!(2026 - 11 - 27);
        assert_eq!(pickup_deadline(friday, true, 28, 3, crate::local::LiberationDay::Yearly), date!(2026 - 12 - 02));
        assert_eq!(pickup_deadline(friday, false, 28, 3, crate::local::LiberationDay::Yearly), date!(2026 - 12 - 25));
    }
}
