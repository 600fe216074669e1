//! Accounts and partner organisations as an administrator sets them up, on screen or on the
//! command line ([`Setup`]): each change in one transaction with its audit record, which names
//! ids and what changed, never a name or a secret.

use super::{replace_tokens_in, NewUser};
use crate::kernel::access::Setup;
use crate::kernel::audit::{self, AuditEvent};
use crate::kernel::db::Tx;
use crate::kernel::error::invalid;
use crate::kernel::time_fmt;
use crate::{args, Store, StoreError};
use domain::model::{Id, PartnerType, Role};
use time::OffsetDateTime;

/// The longest username and display name.
const MAX_USERNAME: usize = 64;
const MAX_DISPLAY_NAME: usize = 100;
const MAX_PARTNER_NAME: usize = 200;

/// Every rule a new account breaks, one refusal per field, each with the field's label: the form
/// shows them all at once, and [`Store::add_account`] refuses the first.
pub fn account_problems(user: &NewUser) -> Vec<StoreError> {
    let mut problems = Vec::new();
    let name = user.username.as_str();
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_');
    let starts_plain = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !(2..=MAX_USERNAME).contains(&name.chars().count()) || !name.chars().all(plain) || !starts_plain {
        problems.push(invalid(
            "gebruikersnaam",
            "Gebruikersnaam: 2 tot 64 tekens: kleine letters, cijfers, punt, streepje of liggend streepje, beginnend met een letter of cijfer.",
            "Username: 2 to 64 characters: lower-case letters, digits, dot, hyphen or underscore, starting with a letter or digit.",
        ));
    }
    let display = domain::text::clean_line(&user.display_name);
    if display.trim().is_empty() || display.trim().chars().count() > MAX_DISPLAY_NAME {
        problems.push(invalid("naam", "Naam: vul de naam in zoals collega's die zien (hoogstens 100 tekens).", "Name: fill in the name as colleagues see it (at most 100 characters)."));
    }
    let in_team = matches!(user.role, Role::Worker | Role::TeamLead);
    // An experience expert belongs to a team too, without outreach models of their own.
    match (in_team || user.role == Role::ExperienceExpert, user.team_id) {
        (true, None) => problems.push(invalid("team", "Team: een werker, teamleider of ervaringsdeskundige hoort bij een team; kies het team.", "Team: a worker, team lead or experience expert belongs to a team; choose the team.")),
        (false, Some(_)) => problems.push(invalid("team", "Team: alleen een werker, teamleider of ervaringsdeskundige hoort bij een team; kies geen team.", "Team: only a worker, team lead or experience expert belongs to a team; choose no team.")),
        _ => {}
    }
    match (user.role == Role::Partner, user.partner_id) {
        (true, None) => problems.push(invalid("partner", "Partnerorganisatie: een partneraccount hoort bij een organisatie; kies de organisatie.", "Partner organisation: a partner account belongs to an organisation; choose it.")),
        (false, Some(_)) => problems.push(invalid("partner", "Partnerorganisatie: alleen een partneraccount hoort bij een organisatie; kies geen organisatie.", "Partner organisation: only a partner account belongs to an organisation; choose none.")),
        _ => {}
    }
    if !in_team && !user.models.is_empty() {
        problems.push(invalid("model", "Outreachmodellen: alleen voor een werker of teamleider.", "Outreach models: only for a worker or team lead."));
    }
    problems
}

/// The service account a partner organisation's system signs in as with its API key.
pub fn partner_service_account(name: &str) -> String {
    let slug: String = name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("partner-{}", slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-"))
}

/// A partner organisation as the administrator's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerRow {
    pub id: Id,
    pub name: String,
    pub partner_type: PartnerType,
    /// The service account its system uses, if it has one.
    pub account: Option<String>,
    /// Until when its API key works, if it has one that works now.
    pub key_expires: Option<OffsetDateTime>,
}

impl Store {
    /// A new account, set up by an administrator: checked against [`account_problems`] and
    /// against the teams and organisations that exist. `password_hash` is None for an account
    /// made on screen: its user sets a password with a one-time code.
    pub async fn add_account(&self, setup: &Setup<'_>, user: &NewUser, password_hash: Option<&str>) -> Result<Id, StoreError> {
        setup.check()?;
        let mut tx = self.pool().begin().await?;
        // Named first: help and enforcement stay apart, whatever else the form holds.
        no_enforcement_member(&mut tx, user).await?;
        if let Some(problem) = account_problems(user).into_iter().next() {
            return Err(problem);
        }
        let display = domain::text::clean_line(&user.display_name).trim().to_string();
        if let Some(team) = user.team_id {
            tx.fetch_optional("SELECT id FROM teams WHERE id = $1", &args![team])
                .await?
                .ok_or_else(|| invalid("team", "Team: dit team bestaat niet (meer).", "Team: this team does not exist (any more)."))?;
        }
        if let Some(partner) = user.partner_id {
            tx.fetch_optional("SELECT id FROM partners WHERE id = $1", &args![partner]).await?.ok_or_else(|| {
                invalid("partner", "Partnerorganisatie: deze organisatie bestaat niet (meer).", "Partner organisation: this organisation does not exist (any more).")
            })?;
        }
        let new = NewUser { display_name: display, ..user.clone() };
        let id = match insert_user(&mut tx, &new, password_hash, setup.now()).await {
            Err(e) if e.is_unique_violation() => {
                return Err(invalid("gebruikersnaam", "Gebruikersnaam: een account met deze naam bestaat al.", "Username: an account with this name already exists."))
            }
            other => other?,
        };
        let mut detail = format!("account {id}: nieuw, rol {}", user.role.code());
        if let Some(team) = user.team_id {
            detail.push_str(&format!(", team {team}"));
        }
        if let Some(partner) = user.partner_id {
            detail.push_str(&format!(", partner {partner}"));
        }
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::AccountChange, detail)]).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Blocks (or unblocks) an account: blocked, its sessions end and its API tokens stop
    /// working at once. An administrator on screen cannot block their own account.
    pub async fn block_account(&self, setup: &Setup<'_>, user_id: Id, blocked: bool) -> Result<(), StoreError> {
        setup.check()?;
        if matches!(setup, Setup::Admin(a) if a.actor.user_id == user_id) && blocked {
            return Err(invalid("account", "U kunt uw eigen account niet blokkeren.", "You cannot block your own account."));
        }
        let mut tx = self.pool().begin().await?;
        if tx.execute("UPDATE users SET disabled = $1 WHERE id = $2", &args![blocked, user_id]).await? == 0 {
            return Err(StoreError::NotFound);
        }
        if blocked {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &args![user_id]).await?;
        }
        let detail = format!("account {user_id}: {}", if blocked { "geblokkeerd" } else { "gedeblokkeerd" });
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::AccountChange, detail)]).await?;
        tx.commit().await
    }

    /// Clears the account's second factor (and one being enrolled) and ends its sessions: at
    /// the next login its user enrols a new one.
    pub async fn reset_second_factor(&self, setup: &Setup<'_>, user_id: Id) -> Result<(), StoreError> {
        setup.check()?;
        let mut tx = self.pool().begin().await?;
        let n = tx.execute("UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = $1", &args![user_id]).await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &args![user_id]).await?;
        let detail = format!("account {user_id}: tweede factor gewist, opnieuw in te stellen");
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::AccountChange, detail)]).await?;
        tx.commit().await
    }

    /// A new partner organisation with the service account its system signs in as (no
    /// password; it gets an API key with [`Store::replace_partner_key`]).
    pub async fn add_partner(&self, setup: &Setup<'_>, name: &str, partner_type: PartnerType) -> Result<Id, StoreError> {
        setup.check()?;
        let name = domain::text::clean_line(name).trim().to_string();
        if name.is_empty() || name.chars().count() > MAX_PARTNER_NAME {
            return Err(invalid("naam", "Naam: de naam van de organisatie is 1 tot 200 tekens.", "Name: the organisation's name is 1 to 200 characters."));
        }
        let taken = || invalid("naam", "Naam: een organisatie met deze naam bestaat al.", "Name: an organisation with this name already exists.");
        let mut tx = self.pool().begin().await?;
        if tx.fetch_optional("SELECT id FROM partners WHERE LOWER(name) = LOWER($1)", &args![name.as_str()]).await?.is_some() {
            return Err(taken());
        }
        let id = tx
            .fetch_one(
                "INSERT INTO partners (name, partner_type, kind) VALUES ($1, $2, $3) RETURNING id",
                &args![name.as_str(), partner_type.code(), partner_type.kind().code()],
            )
            .await?
            .i64(0)?;
        // Two names can make one service account ("Bakker & Zn" and "Bakker Zn").
        let account = match service_account_in(&mut tx, id, &name, setup.now()).await {
            Err(e) if e.is_unique_violation() => return Err(taken()),
            other => other?,
        };
        let detail = format!("partner {id}: nieuw, type {}, koppelaccount {account}", partner_type.code());
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::PartnerChange, detail)]).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A new API key (stored as `token_hash`) for the organisation's service account, valid
    /// [`super::API_TOKEN_MAX_DAYS`] days; its earlier key stops working at once. An
    /// organisation without a service account (from before they had one) gets it now.
    pub async fn replace_partner_key(&self, setup: &Setup<'_>, partner_id: Id, token_hash: &str) -> Result<OffsetDateTime, StoreError> {
        setup.check()?;
        let now = setup.now();
        let mut tx = self.pool().begin().await?;
        let name = tx.fetch_optional("SELECT name FROM partners WHERE id = $1", &args![partner_id]).await?.ok_or(StoreError::NotFound)?.text(0)?;
        let username = partner_service_account(&name);
        let found = tx.fetch_optional("SELECT id FROM users WHERE username = $1 AND partner_id = $2", &args![username.as_str(), partner_id]).await?;
        let (account, made) = match found {
            Some(r) => (r.i64(0)?, false),
            None => (service_account_in(&mut tx, partner_id, &name, now).await?, true),
        };
        let expires = replace_tokens_in(&mut tx, account, token_hash, now).await?;
        let detail = format!("partner {partner_id}: nieuwe API-sleutel voor koppelaccount {account}{}, eerdere ingetrokken", if made { " (nieuw)" } else { "" });
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::PartnerChange, detail)]).await?;
        tx.commit().await?;
        Ok(expires)
    }

    /// Every partner organisation by name, with its service account and whether its key works
    /// at `now`.
    pub async fn partners(&self, now: OffsetDateTime) -> Result<Vec<PartnerRow>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx.fetch_all("SELECT id, name, partner_type FROM partners ORDER BY LOWER(name), id", &[]).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let (id, name) = (r.i64(0)?, r.text(1)?);
            let partner_type = PartnerType::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("partner_type"))?;
            let username = partner_service_account(&name);
            let account = tx.fetch_optional("SELECT id FROM users WHERE username = $1 AND partner_id = $2", &args![username.as_str(), id]).await?;
            let key_expires = match &account {
                Some(a) => tx
                    .fetch_optional(
                        "SELECT MAX(expires_at) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2",
                        &args![a.i64(0)?, time_fmt::instant(now)],
                    )
                    .await?
                    .and_then(|k| k.opt_text(0).ok().flatten())
                    .map(|k| time_fmt::parse_instant(&k))
                    .transpose()?,
                None => None,
            };
            out.push(PartnerRow { id, name, partner_type, account: account.map(|_| username), key_expires });
        }
        Ok(out)
    }
}

/// Help and enforcement stay apart (issue 21): an account with a team role (worker, team lead)
/// never belongs to an enforcement partner's organisation (police, inspection), so no
/// enforcement employee works inside a team's files. Checked on every way an account is made.
pub(crate) async fn no_enforcement_member(tx: &mut Tx, user: &NewUser) -> Result<(), StoreError> {
    // Every role but these works in a team (an experience expert too).
    let in_team = !matches!(user.role, Role::Partner | Role::PrivacyOfficer | Role::Admin);
    let (true, Some(partner)) = (in_team, user.partner_id) else { return Ok(()) };
    let Some(row) = tx.fetch_optional("SELECT partner_type FROM partners WHERE id = $1", &args![partner]).await? else { return Ok(()) };
    if PartnerType::from_code(&row.text(0)?).is_some_and(PartnerType::is_enforcement) {
        return Err(invalid(
            "partner",
            "Partnerorganisatie: een medewerker van politie of handhaving kan geen werker of teamleider in een wijkteam zijn; hulp en handhaving blijven gescheiden.",
            "Partner organisation: an employee of the police or an enforcement body cannot be a worker or team lead in a team; help and enforcement stay apart.",
        ));
    }
    Ok(())
}

/// Inserts an account with its outreach models.
pub(super) async fn insert_user(tx: &mut Tx, user: &NewUser, password_hash: Option<&str>, now: OffsetDateTime) -> Result<Id, StoreError> {
    no_enforcement_member(tx, user).await?;
    let id = tx
        .fetch_one(
            "INSERT INTO users (username, display_name, role, team_id, partner_id, password_hash, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7) RETURNING id",
            &args![
                user.username.as_str(),
                user.display_name.as_str(),
                user.role.code(),
                user.team_id,
                user.partner_id,
                password_hash,
                time_fmt::instant(now)
            ],
        )
        .await?
        .i64(0)?;
    for m in &user.models {
        tx.execute("INSERT INTO user_models (user_id, model) VALUES ($1, $2)", &args![id, m.code()]).await?;
    }
    Ok(id)
}

/// The organisation's service account (role partner, no password).
async fn service_account_in(tx: &mut Tx, partner_id: Id, name: &str, now: OffsetDateTime) -> Result<Id, StoreError> {
    let account = NewUser { username: partner_service_account(name), display_name: name.to_string(), role: Role::Partner, team_id: None, partner_id: Some(partner_id), models: Vec::new() };
    insert_user(tx, &account, None, now).await
}
