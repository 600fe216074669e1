//! Who acts and in which context: the seam of need-to-know and the audit trail.

use domain::model::{Id, Role};
use time::OffsetDateTime;

/// Who acts, for need-to-know and the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Id,
    pub role: Role,
    pub team_id: Option<Id>,
    pub partner_id: Option<Id>,
}

/// The context of one act on residents' data: who, through which route, when.
#[derive(Debug, Clone)]
pub struct Access<'a> {
    pub actor: &'a Actor,
    /// The route or command, e.g. "GET /huishoudens/{id}"; never carries personal data.
    pub route: &'a str,
    pub now: OffsetDateTime,
}

/// Who changes the municipality's set-up (areas, teams, accounts, partners): an administrator
/// signed in on screen, or the operator on the command line, who has the database itself.
#[derive(Debug, Clone, Copy)]
pub enum Setup<'a> {
    Admin(&'a Access<'a>),
    Cli { command: &'static str, now: OffsetDateTime },
}

impl Setup<'_> {
    pub fn now(&self) -> OffsetDateTime {
        match self {
            Setup::Admin(a) => a.now,
            Setup::Cli { now, .. } => *now,
        }
    }

    /// Refuses anyone on screen but an administrator (the routes admit only them; this holds
    /// when a route is wired wrongly).
    pub(crate) fn check(&self) -> Result<(), super::error::StoreError> {
        match self {
            Setup::Admin(a) if a.actor.role != Role::Admin => Err(super::error::StoreError::Forbidden),
            _ => Ok(()),
        }
    }
}
