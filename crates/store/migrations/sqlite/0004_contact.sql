-- Contact and follow-through (issue 5).
-- How an attempt ended, from a short list (domain::model::ContactOutcome); older rows have none.
ALTER TABLE contact_attempts ADD COLUMN outcome TEXT;

-- A planned contact is either the cadence rule's proposal after a failed attempt, or the
-- worker's own plan; a plan that differs from the proposal says why.
ALTER TABLE planned_contacts ADD COLUMN proposed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE planned_contacts ADD COLUMN override_reason TEXT;
CREATE INDEX planned_contacts_household ON planned_contacts(household_id, planned_for);

-- Never closed silently: after the team's number of failed attempts in a row, the household
-- goes on the team's case-discussion list, until the team has discussed it.
CREATE TABLE case_discussions (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    added_at TEXT NOT NULL,
    failures INTEGER NOT NULL,
    discussed_at TEXT
);
CREATE INDEX case_discussions_team ON case_discussions(team_id, discussed_at);
