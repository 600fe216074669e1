-- A partner recognises its own signals; the team's reflection (intervisie) (issue 21). Keep in
-- step with ../postgres/0015_partners_reflection.sql.

-- The partner's own reference for a signal (its case or customer number), as it gave it on the
-- form or in the API; shown only to that partner, searched only within its own signals.
ALTER TABLE signals ADD COLUMN partner_reference TEXT;
CREATE INDEX signals_partner_reference ON signals(partner_id, partner_reference);

-- A dilemma a worker brought to the team's reflection, and what the team weighed and
-- concluded. No personal data: no household, no resident, no worker; the text was checked
-- against the names of the household the worker started from before it was stored.
CREATE TABLE reflections (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    -- "2026-K4": the Dutch quarter of the day it was brought in
    quarter TEXT NOT NULL,
    brought_on TEXT NOT NULL,
    theme TEXT NOT NULL,
    dilemma TEXT NOT NULL,
    question TEXT NOT NULL,
    weighed TEXT,
    concluded TEXT,
    concluded_on TEXT
);
CREATE INDEX reflections_team_quarter ON reflections(team_id, quarter);
