-- Residents' rights per person and the privacy officer's audit view (issue 21). Keep in step
-- with ../postgres/0014_rights.sql.

-- A household that asks for its file together: who consented, per request (ids only, no
-- foreign keys on the resident columns, so the record outlives an erased resident, as the
-- audit trail does).
CREATE TABLE rights_consents (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    requested_at TEXT NOT NULL,
    officer_id INTEGER NOT NULL
);
CREATE INDEX rights_consents_household ON rights_consents(household_id, requested_at);

-- A flagged item of the audit trail ("om na te gaan") the privacy officer looked into: which
-- flag (kind, user, Dutch day), how many records it covered then, and the officer's note.
CREATE TABLE audit_reviews (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    username TEXT NOT NULL,
    day TEXT NOT NULL,
    covered INTEGER NOT NULL,
    note TEXT NOT NULL,
    handled_by INTEGER NOT NULL REFERENCES users(id),
    handled_at TEXT NOT NULL
);
CREATE INDEX audit_reviews_flag ON audit_reviews(kind, username, day);
CREATE INDEX audit_events_person ON audit_events(person_id);
