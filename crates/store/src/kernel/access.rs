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
