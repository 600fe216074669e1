//! Signals from intake to the team's decision (issue 4): linking to a household, bundling into
//! a signal case (DDAS Vroegsignaalzaak), the review queue, weighing, the pickup clock, closing
//! with a DDAS end result, and what a partner may see of its own signals.
//!
//! Linking runs before the transaction (it only reads the in-memory index); the transaction
//! then re-checks what it relies on (the person still exists, the address is still unknown), so
//! a concurrent intake or erasure cannot make it attach to nothing or make two households.

mod follow_up;
mod intake;
mod partner;
mod review;
mod team;

pub(crate) use intake::door_signal;
pub use partner::{partner_reference, PartnerSearch, PartnerStatus, REFERENCE_MAX_CHARS};
pub use review::{Resolution, ReviewCandidate, ReviewDetail, ReviewItem};
pub use follow_up::FeedbackTask;
pub(crate) use follow_up::collect_feedback;
pub use team::{CaseDetail, CaseFilter, CaseRow, CaseSignal, PriorityHint, Weighing, WeighingView};
pub(crate) use team::collect_to_weigh;

pub use crate::kernel::policy::SignalPolicy;
use crate::kernel::time_fmt;
use domain::model::{Id, LinkState, PartnerType, SignalChannel, SignalStatus};
use domain::signal::Reported;
use serde::{Deserialize, Serialize};

/// Where a signal came from; the source is always recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A partner organisation, through its form or its system (API).
    Partner { partner_id: Id, channel: SignalChannel },
    /// A monthly creditor file; the partner is found (or registered) by name and type.
    File,
    /// A worker: something noticed in the field, or an informal reporter's worry.
    Worker { channel: SignalChannel, reporter: Option<InformalReporter> },
    /// A worker at a door during a campaign: about the household living at that address, so
    /// no linkage is needed (the worker stood at that door).
    Door { household_id: Id },
}

/// A neighbour, shopkeeper or key figure, and whether and how they want to hear back.
#[derive(Debug, Clone, PartialEq)]
pub struct InformalReporter {
    pub reporter_type: PartnerType,
    /// "nee", or how: "telefoon", "e-mail", "via de werker".
    pub feedback: String,
    /// A phone number or e-mail address, when they want to hear back that way.
    pub contact: Option<String>,
}

/// The resident as reported, stored with the signal (JSON) for review and the DDAS delivery.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoredReported {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub bsn: String,
    pub initials: String,
    pub given_names: String,
    pub prefix: String,
    pub surname: String,
    pub birth_date: Option<String>,
    pub street: String,
    pub house_number: Option<u32>,
    pub house_letter: Option<String>,
    pub house_addition: Option<String>,
    pub postcode: String,
    pub locality: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl StoredReported {
    pub fn of(r: &Reported) -> StoredReported {
        StoredReported {
            bsn: r.bsn.as_ref().map(|b| b.expose().to_string()).unwrap_or_default(),
            initials: r.initials.clone(),
            given_names: r.given_names.clone(),
            prefix: r.prefix.clone(),
            surname: r.surname.clone(),
            birth_date: r.birth_date.map(time_fmt::date),
            street: r.street.clone(),
            house_number: r.house_number.as_ref().map(|h| h.number),
            house_letter: r.house_number.as_ref().and_then(|h| h.letter).map(String::from),
            house_addition: r.house_number.as_ref().and_then(|h| h.addition.clone()),
            postcode: r.postcode.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
            locality: r.locality.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
        }
    }

    /// Back to a `Reported` for linking (fields were checked at intake).
    pub fn to_reported(&self) -> Reported {
        Reported {
            bsn: domain::Bsn::parse(&self.bsn).ok(),
            initials: self.initials.clone(),
            given_names: self.given_names.clone(),
            prefix: self.prefix.clone(),
            surname: self.surname.clone(),
            birth_date: self.birth_date.as_deref().and_then(|d| time_fmt::parse_date(d).ok()),
            street: self.street.clone(),
            house_number: self
                .house_number
                .and_then(|n| domain::HouseNumber::new(n, self.house_letter.as_deref().and_then(|l| l.chars().next()), self.house_addition.as_deref()).ok()),
            postcode: domain::Postcode::parse(&self.postcode).ok(),
            locality: self.locality.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
        }
    }
}

/// What intake did with one signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    pub signal_id: Id,
    pub status: SignalStatus,
    pub link_state: LinkState,
    pub household_id: Option<Id>,
    pub signal_case_id: Option<Id>,
}

/// Counts of a file import, for the summary line and the benchmark.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: usize,
    pub below_minimum: usize,
    pub linked_automatically: usize,
    pub to_review: usize,
    /// Rows attached to a household this import made (the first row about an unknown address
    /// and any later row about it): with the two above, every row kept.
    pub to_new_household: usize,
    pub new_households: usize,
    pub signal_cases_opened: usize,
}

/// Signals whose address no team covers (a postcode outside every wijk) wait in one queue of
/// the municipality, which the team leads see and route; a worker sees only the own team's.
fn sees_unrouted(access: &crate::Access<'_>) -> bool {
    access.actor.role == domain::model::Role::TeamLead
}
