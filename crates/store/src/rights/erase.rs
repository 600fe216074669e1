//! Erasure (AVG art. 17): of one resident, the household and housemates kept, or of a whole
//! household. All or nothing, refused while help under way is a legal ground to keep the data,
//! and audited; the audit records stay (they hold ids, not content), so the chain verifies.

use super::*;

impl Store {
    /// Erases one resident: their person record and the signals about them. The household, the
    /// housemates and the household's shared history stay. Refused while the household has an
    /// open case, or an open signal case that concerns this resident (a signal about them, or
    /// about the household as a whole).
    pub async fn erase_person(&self, access: &Access<'_>, person_id: Id, reason: &str) -> Result<(), StoreError> {
        privacy_officer_only(access)?;
        let reason = erasure_reason(reason)?;
        let mut tx = self.pool().begin().await?;
        let household_id = tx.fetch_optional("SELECT household_id FROM persons WHERE id = $1", &args![person_id]).await?.ok_or(StoreError::NotFound)?.i64(0)?;
        if tx.fetch_i64("SELECT COUNT(*) FROM cases WHERE household_id = $1 AND closed IS NULL", &args![household_id]).await? > 0 {
            return Err(StoreError::Invalid {
                field: "traject",
                message_nl: "Er loopt nog een traject met het huishouden van deze bewoner; de hulp die loopt is een grond om de gegevens te bewaren. Sluit het traject eerst af.".into(),
                message_en: "A case with this resident's household is still open; the help under way is a ground to keep the data. Close the case first.".into(),
            });
        }
        let open_signal_cases = tx
            .fetch_i64(
                "SELECT COUNT(*) FROM signal_cases sc WHERE sc.household_id = $1 AND sc.stage <> 'afgesloten' \
                 AND EXISTS (SELECT 1 FROM signals s WHERE s.signal_case_id = sc.id AND (s.person_id = $2 OR s.person_id IS NULL))",
                &args![household_id, person_id],
            )
            .await?;
        if open_signal_cases > 0 {
            return Err(StoreError::Invalid {
                field: "signaalzaak",
                message_nl: "Er loopt nog een signaalzaak met een signaal over deze bewoner of het hele huishouden; sluit die eerst af.".into(),
                message_en: "A signal case with a signal about this resident or the whole household is still open; close it first.".into(),
            });
        }
        tx.execute("DELETE FROM signals WHERE person_id = $1", &args![person_id]).await?;
        tx.execute("DELETE FROM persons WHERE id = $1", &args![person_id]).await?;
        let mut entry = audit::Entry::of(access, AuditEvent::PersonErase, Some(household_id), Some(person_id));
        entry.reason = Some(reason);
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await?;
        tracing::info!(person_id, household_id, "resident erased");
        Ok(())
    }

    /// Erases a household and everything about it (AVG art. 17), all or nothing. Refused while
    /// a case is open, because the help under way is a legal ground to keep the file.
    pub async fn erase_household(&self, access: &Access<'_>, household_id: Id, reason: &str) -> Result<(), StoreError> {
        privacy_officer_only(access)?;
        let reason = erasure_reason(reason)?;
        let mut tx = self.pool().begin().await?;
        let address_id = tx.fetch_optional("SELECT address_id FROM households WHERE id = $1", &args![household_id]).await?.ok_or(StoreError::NotFound)?.i64(0)?;
        if tx.fetch_i64("SELECT COUNT(*) FROM cases WHERE household_id = $1 AND closed IS NULL", &args![household_id]).await? > 0 {
            return Err(StoreError::Invalid {
                field: "traject",
                message_nl: "Er loopt nog een traject met dit huishouden; sluit dat eerst af.".into(),
                message_en: "A case with this household is still open; close it first.".into(),
            });
        }
        for sql in [
            "DELETE FROM signals WHERE household_id = $1",
            "DELETE FROM contact_attempts WHERE household_id = $1",
            "DELETE FROM planned_contacts WHERE household_id = $1",
            "DELETE FROM case_discussions WHERE household_id = $1",
            "DELETE FROM referrals WHERE household_id = $1",
            "DELETE FROM cases WHERE household_id = $1",
            "DELETE FROM network_members WHERE household_id = $1",
            "DELETE FROM persons WHERE household_id = $1",
            "DELETE FROM households WHERE id = $1",
        ] {
            tx.execute(sql, &args![household_id]).await?;
        }
        tx.execute("DELETE FROM addresses WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM households WHERE address_id = $1)", &args![address_id]).await?;
        let mut entry = audit::Entry::of(access, AuditEvent::HouseholdErase, Some(household_id), None);
        entry.reason = Some(reason);
        audit::append(&mut tx, &[entry]).await?;
        tx.commit().await?;
        tracing::info!(household_id, "household erased");
        Ok(())
    }
}
