//! Accounts, API tokens and login sessions. Secrets are stored only as hashes: the password
//! as argon2id (hashed by the caller), token and session ids as SHA-256.

mod admin;
mod enrolment;
mod reset;

pub use admin::{account_problems, partner_service_account, PartnerRow};
pub use reset::RESET_CODE_VALID;

use crate::kernel::time_fmt;
use crate::{args, Actor, Store, StoreError};
use domain::model::{Id, OutreachModel, Role};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team_id: Option<Id>,
    pub partner_id: Option<Id>,
    pub disabled: bool,
    pub models: Vec<OutreachModel>,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor { user_id: self.id, role: self.role, team_id: self.team_id, partner_id: self.partner_id }
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team_id: Option<Id>,
    pub partner_id: Option<Id>,
    pub models: Vec<OutreachModel>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_id: Id,
    pub csrf_token: String,
    /// False while the second factor is still to be given.
    pub complete: bool,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// An API token as the admin sees it: never the token or its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenInfo {
    pub id: Id,
    pub username: String,
    pub name: String,
    pub created_at: OffsetDateTime,
    /// None for tokens from before tokens had an expiry: those no longer work.
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiTokenInfo {
    /// Whether the token still opens the API at `now`.
    pub fn active(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_some_and(|e| e > now)
    }
}

/// A new API token is valid this many days unless asked otherwise.
pub const API_TOKEN_DEFAULT_DAYS: i64 = 90;
/// The longest a token may be valid.
pub const API_TOKEN_MAX_DAYS: i64 = 365;

const USER_COLUMNS: &str = "id, username, display_name, role, team_id, partner_id, disabled";

impl Store {
    pub async fn create_user(&self, user: &NewUser, password_hash: Option<&str>, now: OffsetDateTime) -> Result<Id, StoreError> {
        let mut tx = self.pool().begin().await?;
        let id = admin::insert_user(&mut tx, user, password_hash, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn set_password_hash(&self, user_id: Id, password_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let n = tx.execute("UPDATE users SET password_hash = $1 WHERE id = $2", &args![password_hash, user_id]).await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await
    }

    /// The user and their password hash, for login.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(User, Option<String>)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1");
        let Some(row) = tx.fetch_optional(&sql, &args![username]).await? else { return Ok(None) };
        let hash = row.opt_text(7)?;
        let user = user_from_row(&mut tx, &row).await?;
        Ok(Some((user, hash)))
    }

    pub async fn user_by_id(&self, id: Id) -> Result<Option<User>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        match tx.fetch_optional(&sql, &args![id]).await? {
            Some(row) => Ok(Some(user_from_row(&mut tx, &row).await?)),
            None => Ok(None),
        }
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        Ok(self.user_for_login(username).await?.map(|(u, _)| u))
    }

    /// Users of one role, by username: the demo picks its logins from these.
    pub async fn users_with_role(&self, role: Role) -> Result<Vec<User>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE role = $1 ORDER BY id");
        let rows = tx.fetch_all(&sql, &args![role.code()]).await?;
        let mut users = Vec::with_capacity(rows.len());
        for row in &rows {
            users.push(user_from_row(&mut tx, row).await?);
        }
        Ok(users)
    }

    pub async fn team_id_by_name(&self, name: &str) -> Result<Option<Id>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        Ok(match tx.fetch_optional("SELECT id FROM teams WHERE name = $1", &args![name]).await? {
            Some(r) => Some(r.i64(0)?),
            None => None,
        })
    }

    /// A new bearer token for the account, named `name`, valid for `days` days from `now`
    /// (at most [`API_TOKEN_MAX_DAYS`]). Returns the token's id and its expiry.
    pub async fn create_api_token(&self, user_id: Id, token_hash: &str, name: &str, days: i64, now: OffsetDateTime) -> Result<(Id, OffsetDateTime), StoreError> {
        if !(1..=API_TOKEN_MAX_DAYS).contains(&days) {
            return Err(StoreError::Invalid {
                field: "days",
                message_nl: format!("een token is 1 tot {API_TOKEN_MAX_DAYS} dagen geldig"),
                message_en: format!("a token is valid for 1 to {API_TOKEN_MAX_DAYS} days"),
            });
        }
        if name.chars().count() > 100 {
            return Err(StoreError::Invalid {
                field: "name",
                message_nl: "de naam van een token is hoogstens 100 tekens".into(),
                message_en: "a token's name is at most 100 characters".into(),
            });
        }
        let expires = now + time::Duration::days(days);
        let mut tx = self.pool().begin().await?;
        let id = tx
            .fetch_one(
                "INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &args![user_id, token_hash, name, time_fmt::instant(now), time_fmt::instant(expires)],
            )
            .await?
            .i64(0)?;
        tx.commit().await?;
        Ok((id, expires))
    }

    /// The enabled user a bearer token belongs to; an unknown, expired or revoked token (or
    /// one from before tokens had an expiry) gives None alike.
    pub async fn user_for_token(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<User>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = "SELECT u.id, u.username, u.display_name, u.role, u.team_id, u.partner_id, u.disabled \
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND u.disabled = FALSE \
             AND t.revoked_at IS NULL AND t.expires_at IS NOT NULL AND t.expires_at > $2";
        match tx.fetch_optional(sql, &args![token_hash, time_fmt::instant(now)]).await? {
            Some(row) => Ok(Some(user_from_row(&mut tx, &row).await?)),
            None => Ok(None),
        }
    }

    /// Every API token (never its hash), newest first.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT t.id, u.username, t.name, t.created_at, t.expires_at, t.revoked_at \
                 FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiTokenInfo {
                    id: r.i64(0)?,
                    username: r.text(1)?,
                    name: r.text(2)?,
                    created_at: time_fmt::parse_instant(&r.text(3)?)?,
                    expires_at: r.opt_text(4)?.map(|s| time_fmt::parse_instant(&s)).transpose()?,
                    revoked_at: r.opt_text(5)?.map(|s| time_fmt::parse_instant(&s)).transpose()?,
                })
            })
            .collect()
    }

    /// Revokes one token: it stops working at once. Revoking it again keeps the first instant.
    pub async fn revoke_api_token(&self, id: Id, now: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        if tx.fetch_optional("SELECT id FROM api_tokens WHERE id = $1", &args![id]).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        tx.execute("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", &args![time_fmt::instant(now), id]).await?;
        tx.commit().await
    }

    /// A session; `complete` false means only the password was given and the TOTP code is due.
    pub async fn create_session(&self, id_hash: &str, user_id: Id, csrf_token: &str, complete: bool, now: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let at = time_fmt::instant(now);
        tx.execute(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, stage, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $5)",
            &args![id_hash, user_id, csrf_token, if complete { "full" } else { "totp" }, at],
        )
        .await?;
        tx.commit().await
    }

    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let Some(row) = tx
            .fetch_optional(
                "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.stage FROM sessions s \
                 JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND u.disabled = FALSE",
                &args![id_hash],
            )
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            user_id: row.i64(0)?,
            csrf_token: row.text(1)?,
            created_at: time_fmt::parse_instant(&row.text(2)?)?,
            last_seen_at: time_fmt::parse_instant(&row.text(3)?)?,
            complete: row.text(4)? == "full",
        }))
    }

    pub async fn touch_session(&self, id_hash: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        tx.execute("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2", &args![time_fmt::instant(now), id_hash]).await?;
        tx.commit().await
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        tx.execute("DELETE FROM sessions WHERE id_hash = $1", &args![id_hash]).await?;
        tx.commit().await
    }

    /// Disabling an account ends its sessions at once.
    pub async fn set_user_disabled(&self, user_id: Id, disabled: bool) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        tx.execute("UPDATE users SET disabled = $1 WHERE id = $2", &args![disabled, user_id]).await?;
        if disabled {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &args![user_id]).await?;
        }
        tx.commit().await
    }
}

async fn user_from_row(tx: &mut crate::kernel::db::Tx, row: &crate::kernel::db::Row) -> Result<User, StoreError> {
    let id = row.i64(0)?;
    let role_code = row.text(3)?;
    let role = Role::from_code(&role_code).ok_or_else(|| StoreError::corrupt("role"))?;
    let models = tx
        .fetch_all("SELECT model FROM user_models WHERE user_id = $1 ORDER BY model", &args![id])
        .await?
        .iter()
        .filter_map(|r| r.text(0).ok().and_then(|c| OutreachModel::from_code(&c)))
        .collect();
    Ok(User {
        id,
        username: row.text(1)?,
        display_name: row.text(2)?,
        role,
        team_id: row.opt_i64(4)?,
        partner_id: row.opt_i64(5)?,
        disabled: row.bool(6)?,
        models,
    })
}

/// An account as the administrator's list shows it (no case content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub team: Option<String>,
    pub partner: Option<String>,
    pub disabled: bool,
    pub can_log_in: bool,
    /// Whether a second factor is set up (else the user enrols one at the next login).
    pub second_factor: bool,
}

impl Store {
    pub async fn list_accounts(&self) -> Result<Vec<AccountRow>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let rows = tx
            .fetch_all(
                "SELECT u.username, u.display_name, u.role, t.name, p.name, u.disabled, u.password_hash IS NOT NULL, u.id, u.totp_secret IS NOT NULL \
                 FROM users u LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN partners p ON p.id = u.partner_id ORDER BY u.role, u.username",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AccountRow {
                    id: r.i64(7)?,
                    username: r.text(0)?,
                    display_name: r.text(1)?,
                    role: Role::from_code(&r.text(2)?).ok_or_else(|| StoreError::corrupt("role"))?,
                    team: r.opt_text(3)?,
                    partner: r.opt_text(4)?,
                    disabled: r.bool(5)?,
                    can_log_in: r.bool(6)?,
                    second_factor: r.bool(8)?,
                })
            })
            .collect()
    }

    /// Registers a partner organisation.
    pub async fn create_partner(&self, name: &str, partner_type: domain::model::PartnerType) -> Result<Id, StoreError> {
        let mut tx = self.pool().begin().await?;
        let id = tx
            .fetch_one(
                "INSERT INTO partners (name, partner_type, kind) VALUES ($1, $2, $3) RETURNING id",
                &args![name, partner_type.code(), partner_type.kind().code()],
            )
            .await?
            .i64(0)?;
        tx.commit().await?;
        Ok(id)
    }

    /// Gives the account one new API token (named 'partner', valid [`API_TOKEN_MAX_DAYS`] days);
    /// its earlier tokens stop working at once.
    pub async fn replace_api_tokens(&self, user_id: Id, token_hash: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        replace_tokens_in(&mut tx, user_id, token_hash, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The partner organisation with this name, for `eropaf user add --partner`.
    pub async fn partner_id_by_name(&self, name: &str) -> Result<Option<Id>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        Ok(match tx.fetch_optional("SELECT id FROM partners WHERE name = $1 ORDER BY id LIMIT 1", &args![name]).await? {
            Some(r) => Some(r.i64(0)?),
            None => None,
        })
    }

    /// A partner organisation of this type (the demo's partner login belongs to one).
    pub async fn partner_of_type(&self, partner_type: domain::model::PartnerType) -> Result<Option<(Id, String)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        Ok(match tx.fetch_optional("SELECT id, name FROM partners WHERE partner_type = $1 ORDER BY id LIMIT 1", &args![partner_type.code()]).await? {
            Some(r) => Some((r.i64(0)?, r.text(1)?)),
            None => None,
        })
    }

    pub async fn partner_name(&self, id: Id) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        Ok(match tx.fetch_optional("SELECT name FROM partners WHERE id = $1", &args![id]).await? {
            Some(r) => Some(r.text(0)?),
            None => None,
        })
    }
}

/// The account's one API token from now on (named 'partner', valid [`API_TOKEN_MAX_DAYS`]
/// days), its earlier ones gone; returns the expiry.
async fn replace_tokens_in(tx: &mut crate::kernel::db::Tx, user_id: Id, token_hash: &str, now: OffsetDateTime) -> Result<OffsetDateTime, StoreError> {
    let expires = now + time::Duration::days(API_TOKEN_MAX_DAYS);
    tx.execute("DELETE FROM api_tokens WHERE user_id = $1", &args![user_id]).await?;
    tx.execute(
        "INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) VALUES ($1, $2, 'partner', $3, $4)",
        &args![user_id, token_hash, time_fmt::instant(now), time_fmt::instant(expires)],
    )
    .await?;
    Ok(expires)
}

/// Counts one attempt under a key and answers the count in the key's window, in one statement:
/// the row is locked by the upsert (PostgreSQL) or the one writer (SQLite), so two parallel
/// attempts never read the same count. A window older than `$3` starts again at `$2`.
const COUNT_ATTEMPT: &str = "INSERT INTO login_attempts (throttle_key, window_start, attempts) VALUES ($1, $2, 1) \
     ON CONFLICT (throttle_key) DO UPDATE SET \
     attempts = CASE WHEN login_attempts.window_start < $3 THEN 1 ELSE login_attempts.attempts + 1 END, \
     window_start = CASE WHEN login_attempts.window_start < $3 THEN $2 ELSE login_attempts.window_start END \
     RETURNING attempts";

/// Login throttling that holds under parallel requests (issue 27, finding 3): an attempt is
/// counted *before* the password or the code is checked, so the count can never lag behind the
/// attempts being checked.
impl Store {
    /// Counts one login attempt under every key (an account name, a client address) with its
    /// limit, and answers whether the attempt may go ahead: true when, with this attempt counted,
    /// no key has more than its limit of attempts in `window`. Call it before the password (or
    /// the TOTP code) is verified, and verify only on true. Of any number of parallel attempts
    /// under a key with limit `n`, at most `n` get true within a window. A refused attempt
    /// counts too; the window starts at the first attempt and ends `window` later, however many
    /// attempts follow. A successful attempt gives its count back with
    /// [`Store::refund_login_attempt`] or ends the count with [`Store::clear_login_attempts`],
    /// so what stays counted is failures (and attempts still being checked).
    pub async fn count_login_attempt(&self, keys: &[(&str, i64)], window: time::Duration, now: OffsetDateTime) -> Result<bool, StoreError> {
        // One order for every caller, so two attempts that share keys cannot wait on each other.
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup_by(|a, b| a.0 == b.0);
        let (at, expired) = (time_fmt::instant(now), time_fmt::instant(now - window));
        let mut tx = self.pool().begin().await?;
        let mut allowed = true;
        for (key, limit) in keys {
            let attempts = tx.fetch_one(COUNT_ATTEMPT, &args![key, at.as_str(), expired.as_str()]).await?.i64(0)?;
            allowed &= attempts <= limit;
        }
        tx.commit().await?;
        Ok(allowed)
    }

    /// Gives a successful attempt's count back under these keys (the client address after a
    /// right password, so colleagues behind one address are not throttled by logging in; the
    /// account while its second factor is still to come).
    pub async fn refund_login_attempt(&self, keys: &[&str]) -> Result<(), StoreError> {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        let mut tx = self.pool().begin().await?;
        for key in keys {
            tx.execute("UPDATE login_attempts SET attempts = attempts - 1 WHERE throttle_key = $1 AND attempts > 0", &args![key]).await?;
        }
        tx.commit().await
    }

    /// Ends the count under a key (the account, once the login is complete).
    pub async fn clear_login_attempts(&self, key: &str) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        tx.execute("DELETE FROM login_attempts WHERE throttle_key = $1", &args![key]).await?;
        tx.commit().await
    }
}

impl Store {
    pub async fn set_totp_secret(&self, user_id: Id, secret: Option<&str>) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let n = tx.execute("UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2", &args![secret, user_id]).await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await
    }

    /// The user's TOTP secret and the last time step used, if a second factor is set up.
    pub async fn totp_secret(&self, user_id: Id) -> Result<Option<(String, Option<i64>)>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let row = tx.fetch_one("SELECT totp_secret, totp_last_step FROM users WHERE id = $1", &args![user_id]).await?;
        row.opt_text(0)?.map(|s| Ok::<_, StoreError>((s, row.opt_i64(1)?))).transpose()
    }

    /// Marks a time step as used; false when it (or a later one) already was, so the same code
    /// cannot be used twice, not even on two app servers at once.
    pub async fn use_totp_step(&self, user_id: Id, step: i64) -> Result<bool, StoreError> {
        let mut tx = self.pool().begin().await?;
        let n = tx
            .execute(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
                &args![step, user_id],
            )
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }
}

/// OpenID Connect: accounts bound to the identity provider's subject, and logins under way.
impl Store {
    /// Binds an account to a subject of the identity provider (None unbinds). A subject bound
    /// to another account is refused.
    pub async fn set_oidc_subject(&self, user_id: Id, subject: Option<&str>) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        let n = match tx.execute("UPDATE users SET oidc_subject = $1 WHERE id = $2", &args![subject, user_id]).await {
            Ok(n) => n,
            Err(e) if e.is_unique_violation() => {
                return Err(StoreError::Invalid {
                    field: "oidc_subject",
                    message_nl: "dit subject is al aan een ander account gekoppeld".into(),
                    message_en: "this subject is already bound to another account".into(),
                })
            }
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await
    }

    /// The account bound to a subject, if any (disabled accounts too; the caller refuses those).
    pub async fn user_for_oidc_subject(&self, subject: &str) -> Result<Option<User>, StoreError> {
        let mut tx = self.pool().begin_read().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE oidc_subject = $1");
        match tx.fetch_optional(&sql, &args![subject]).await? {
            Some(row) => Ok(Some(user_from_row(&mut tx, &row).await?)),
            None => Ok(None),
        }
    }

    /// Records a login sent to the identity provider; logins older than `expired_before` go.
    pub async fn start_oidc_login(&self, state_hash: &str, nonce: &str, code_verifier: &str, now: OffsetDateTime, expired_before: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        tx.execute("DELETE FROM oidc_logins WHERE created_at < $1", &args![time_fmt::instant(expired_before)]).await?;
        tx.execute(
            "INSERT INTO oidc_logins (state_hash, nonce, code_verifier, created_at) VALUES ($1, $2, $3, $4)",
            &args![state_hash, nonce, code_verifier, time_fmt::instant(now)],
        )
        .await?;
        tx.commit().await
    }

    /// Takes a login under way (nonce, PKCE verifier) once: a second use of the same state, or
    /// one started before `expired_before`, finds nothing.
    pub async fn take_oidc_login(&self, state_hash: &str, expired_before: OffsetDateTime) -> Result<Option<(String, String)>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let row = tx.fetch_optional("SELECT nonce, code_verifier, created_at FROM oidc_logins WHERE state_hash = $1", &args![state_hash]).await?;
        let Some(row) = row else { return Ok(None) };
        tx.execute("DELETE FROM oidc_logins WHERE state_hash = $1", &args![state_hash]).await?;
        tx.commit().await?;
        let fresh = time_fmt::parse_instant(&row.text(2)?)? >= expired_before;
        fresh.then(|| Ok::<_, StoreError>((row.text(0)?, row.text(1)?))).transpose()
    }
}
