//! The terms a municipality configures (`eropaf serve --help`), set once when the store is
//! opened ([`crate::Store::with_policies`]) and read by every feature from there.

use domain::contact::CadencePolicy;
use domain::model::SignalKind;
use domain::signal::NewSignal;
use serde::Serialize;
use time::Date;

/// The pickup clock and the file filter; every term is configurable (`eropaf serve --help`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignalPolicy {
    /// First contact is due this many days after the signal date.
    pub pickup_days: u32,
    /// …and this many working days after it for a crisis signal.
    pub crisis_working_days: u32,
    /// Arrears below this amount in a creditor file are left out.
    pub min_amount_eur: i64,
    /// Cases are listed as "due soon" this many days before their due date.
    pub due_soon_days: u32,
    /// Whether Liberation Day is a day off every year or once in five (for the working days).
    pub liberation_day: domain::local::LiberationDay,
}

impl Default for SignalPolicy {
    fn default() -> SignalPolicy {
        SignalPolicy { pickup_days: 28, crisis_working_days: 3, min_amount_eur: 0, due_soon_days: 7, liberation_day: domain::local::LiberationDay::Yearly }
    }
}

impl SignalPolicy {
    /// Whether a file import keeps this signal: arrears below the minimum amount are left out.
    pub fn keeps(&self, s: &NewSignal) -> bool {
        s.kind != SignalKind::Betalingsachterstand || s.amount_eur.unwrap_or(0) >= self.min_amount_eur
    }

    pub fn due_date(&self, signal_date: Date, crisis: bool) -> Date {
        domain::model::pickup_deadline(signal_date, crisis, self.pickup_days, self.crisis_working_days, self.liberation_day)
    }
}

/// The terms, in days. Municipalities set their own (from their selection list and the
/// covenants with partners); the defaults are the shortest terms the practice allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetentionPolicy {
    /// A signal without a case: six months from the signal date (the term the early-warning
    /// practice under the Wgs works with).
    pub signal_days: u32,
    /// A contact attempt or planned contact without a case: one year.
    pub contact_days: u32,
    /// A closed case, with its signals and contact history: two years after closing. Also a
    /// signal case closed after help or a referral.
    pub case_days: u32,
    /// A signal case closed as not picked up or with no help needed: six months after closing
    /// (issue 4); its signals go with it.
    pub signal_case_days: u32,
}

impl Default for RetentionPolicy {
    fn default() -> RetentionPolicy {
        RetentionPolicy { signal_days: 183, contact_days: 365, case_days: 730, signal_case_days: 183 }
    }
}

/// Every configurable term the store's features apply.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Policies {
    pub signals: SignalPolicy,
    pub cadence: CadencePolicy,
    pub retention: RetentionPolicy,
}
