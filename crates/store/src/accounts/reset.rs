//! Password reset by an administrator: a one-time code (stored as its SHA-256, like sessions and
//! tokens) that the user redeems once, within a day, to set a password of their own.

use crate::kernel::access::Setup;
use crate::kernel::audit::{self, AuditEvent, Entry};
use crate::kernel::time_fmt;
use crate::{args, Store, StoreError};
use domain::model::Id;
use time::{Duration, OffsetDateTime};

/// How long a reset code works.
pub const RESET_CODE_VALID: Duration = Duration::hours(24);

impl Store {
    /// Starts a password reset for the account: the code (as `code_hash`) works until the
    /// instant returned, once; an earlier unused code of the account stops working.
    pub async fn start_password_reset(&self, setup: &Setup<'_>, user_id: Id, code_hash: &str) -> Result<OffsetDateTime, StoreError> {
        setup.check()?;
        let now = setup.now();
        let expires = now + RESET_CODE_VALID;
        let mut tx = self.pool().begin().await?;
        tx.fetch_optional("SELECT id FROM users WHERE id = $1", &args![user_id]).await?.ok_or(StoreError::NotFound)?;
        tx.execute("DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL", &args![user_id]).await?;
        tx.execute(
            "INSERT INTO password_resets (code_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &args![code_hash, user_id, time_fmt::instant(now), time_fmt::instant(expires)],
        )
        .await?;
        let detail = format!("account {user_id}: herstelcode uitgegeven, geldig tot {}", time_fmt::instant(expires));
        audit::append(&mut tx, &[audit::setup_entry(setup, AuditEvent::AccountChange, detail)]).await?;
        tx.commit().await?;
        Ok(expires)
    }

    /// Redeems a reset code for the account `username`: sets the new password (hashed by the
    /// caller), ends every session of the account and uses the code up, in one transaction.
    /// False alike for an unknown name, a wrong, used or expired code, or a blocked account;
    /// nothing changes then. `route` names the page in the audit record.
    pub async fn redeem_password_reset(&self, username: &str, code_hash: &str, password_hash: &str, route: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
        let at = time_fmt::instant(now);
        let mut tx = self.pool().begin().await?;
        let found = tx
            .fetch_optional(
                "SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id \
                 WHERE r.code_hash = $1 AND u.username = $2 AND r.used_at IS NULL AND r.expires_at > $3 AND u.disabled = FALSE",
                &args![code_hash, username, at.as_str()],
            )
            .await?;
        let Some(row) = found else { return Ok(false) };
        let user_id = row.i64(0)?;
        // Two redemptions at once: the second finds the code used (PostgreSQL re-reads the row
        // after the first commits; SQLite has one writer).
        if tx.execute("UPDATE password_resets SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL", &args![at.as_str(), code_hash]).await? != 1 {
            return Ok(false);
        }
        tx.execute("UPDATE users SET password_hash = $1 WHERE id = $2", &args![password_hash, user_id]).await?;
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &args![user_id]).await?;
        let entry = Entry {
            at,
            event: AuditEvent::AccountChange.code().to_string(),
            household_id: None,
            person_id: None,
            user_id: Some(user_id),
            on_behalf_of: None,
            route: route.to_string(),
            reason: Some(format!("account {user_id}: wachtwoord ingesteld met een herstelcode")),
        };
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await?;
        Ok(true)
    }
}
