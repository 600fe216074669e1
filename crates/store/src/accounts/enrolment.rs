//! A second factor the user enrols at first login: a secret kept pending (the same one on every
//! reload) until the user confirms a code from it, then moved to the account in one step.

use crate::kernel::audit::{self, AuditEvent, Entry};
use crate::{args, Access, Store, StoreError};
use domain::model::Id;

impl Store {
    /// The secret the account is enrolling: the one already pending, else `candidate` (a fresh
    /// secret the caller made), kept from now on. None when the account has a second factor.
    pub async fn pending_totp(&self, user_id: Id, candidate: &str) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool().begin().await?;
        tx.execute(
            "UPDATE users SET totp_pending = $1 WHERE id = $2 AND totp_pending IS NULL AND totp_secret IS NULL",
            &args![candidate, user_id],
        )
        .await?;
        let row = tx.fetch_one("SELECT totp_secret, totp_pending FROM users WHERE id = $1", &args![user_id]).await?;
        tx.commit().await?;
        if row.opt_text(0)?.is_some() {
            return Ok(None);
        }
        row.opt_text(1)
    }

    /// Makes the pending secret the account's second factor, with the time step of the code
    /// that confirmed it as used, audited as the user's own act. False when `pending` is no
    /// longer the account's pending secret (reset meanwhile, or enrolled in another tab).
    pub async fn confirm_totp(&self, access: &Access<'_>, pending: &str, step: i64) -> Result<bool, StoreError> {
        let user_id = access.actor.user_id;
        let mut tx = self.pool().begin().await?;
        let n = tx
            .execute(
                "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1 \
                 WHERE id = $2 AND totp_pending = $3 AND totp_secret IS NULL",
                &args![step, user_id, pending],
            )
            .await?;
        if n != 1 {
            return Ok(false);
        }
        let entry = Entry { reason: Some(format!("account {user_id}: tweede factor ingesteld door de gebruiker")), ..Entry::of(access, AuditEvent::AccountChange, None, None) };
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await?;
        Ok(true)
    }
}
