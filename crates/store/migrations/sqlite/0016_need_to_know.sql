-- Need-to-know per field (issue 21). Keep in step with ../postgres/0016_need_to_know.sql.

-- Special categories (AVG art. 9/10): comma-separated codes of domain::model::Sensitive
-- (huiselijk-geweld, psychiatrie, verslaving, justitie); NULL when none. A signal of kind
-- huiselijk-geweld is sensitive by itself. A case marked covers its goals, steps, ZRM scores,
-- referrals, journal and network.
ALTER TABLE signals ADD COLUMN sensitive TEXT;
ALTER TABLE contact_attempts ADD COLUMN sensitive TEXT;
ALTER TABLE cases ADD COLUMN sensitive TEXT;

-- A colleague of the wijk broke the glass for a household's sensitive data, with a reason,
-- until the end of that working day (audited as household.break-glass as well).
CREATE TABLE sensitive_grants (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sensitive_grants_user ON sensitive_grants(user_id, household_id, expires_at);

-- An experience expert (ervaringsdeskundige) works on the households assigned to them (by
-- the team lead or the case's worker); the case's worker may share the sensitive data.
CREATE TABLE household_assignments (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    assigned_by INTEGER NOT NULL REFERENCES users(id),
    assigned_at TEXT NOT NULL,
    shared_by INTEGER REFERENCES users(id),
    shared_at TEXT,
    UNIQUE (household_id, user_id)
);
CREATE INDEX household_assignments_user ON household_assignments(user_id);
