-- Eropaf schema v2 (SQLite): signals from intake to decision (issue 4). Keep in step with
-- ../postgres/0002_signals.sql.

-- A partner organisation signs in to the API as its service account (a user with role
-- 'partner' and no password) with a key from `eropaf partner key`, kept in api_tokens.
CREATE INDEX partners_name ON partners(name);

-- A signal case (DDAS Vroegsignaalzaak): all open signals of one household, weighed together.
CREATE TABLE signal_cases (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    team_id INTEGER REFERENCES teams(id),
    stage TEXT NOT NULL CHECK (stage IN ('nieuw', 'gewogen', 'opgepakt', 'afgesloten')),
    opened_at TEXT NOT NULL,
    -- first contact is due by this date (earliest over its signals; crisis: 3 working days)
    due_date TEXT NOT NULL,
    crisis BOOLEAN NOT NULL DEFAULT FALSE,
    decision TEXT,
    worker_id INTEGER REFERENCES users(id),
    picked_up_on TEXT,
    closed_on TEXT,
    end_result TEXT
);
CREATE INDEX signal_cases_household ON signal_cases(household_id, stage);
CREATE INDEX signal_cases_team ON signal_cases(team_id, stage, due_date);

ALTER TABLE signals ADD COLUMN signal_case_id INTEGER REFERENCES signal_cases(id) ON DELETE SET NULL;
ALTER TABLE signals ADD COLUMN person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL;
-- the team whose queue an unlinked signal waits in (by postcode)
ALTER TABLE signals ADD COLUMN team_id INTEGER REFERENCES teams(id);
ALTER TABLE signals ADD COLUMN link_state TEXT NOT NULL DEFAULT 'automatisch';
ALTER TABLE signals ADD COLUMN link_score REAL;
ALTER TABLE signals ADD COLUMN origin_date TEXT;
ALTER TABLE signals ADD COLUMN warm_handover BOOLEAN NOT NULL DEFAULT FALSE;
-- the resident as reported, field by field (JSON), for review and the DDAS delivery
ALTER TABLE signals ADD COLUMN reported TEXT;
-- an informal reporter: who (kind of reporter) and whether/how they want to hear back
ALTER TABLE signals ADD COLUMN reporter_type TEXT;
ALTER TABLE signals ADD COLUMN reporter_feedback TEXT;
ALTER TABLE signals ADD COLUMN reporter_contact TEXT;
-- a signal closed in review without a household (DDAS signal status, e.g. not a resident)
ALTER TABLE signals ADD COLUMN closed_result TEXT;
ALTER TABLE signals ADD COLUMN entered_by INTEGER REFERENCES users(id);
CREATE INDEX signals_case ON signals(signal_case_id);
CREATE INDEX signals_review ON signals(link_state, team_id);
CREATE INDEX signals_partner ON signals(partner_id, signal_date);

-- The team's weighing of a signal case; every weighing is kept, so who weighed what shows.
CREATE TABLE signal_weighings (
    id INTEGER PRIMARY KEY,
    signal_case_id INTEGER NOT NULL REFERENCES signal_cases(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    at TEXT NOT NULL,
    grounds TEXT NOT NULL,
    why_go TEXT NOT NULL,
    why_not TEXT,
    proportionality TEXT NOT NULL,
    safety TEXT NOT NULL,
    models TEXT NOT NULL,
    approach TEXT NOT NULL,
    companion TEXT NOT NULL,
    decision TEXT NOT NULL
);
CREATE INDEX signal_weighings_case ON signal_weighings(signal_case_id, at);

-- Idempotent API submission: same partner + key + body gives the same answer.
CREATE TABLE idempotency_keys (
    partner_id INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    signal_id INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (partner_id, idem_key)
);

-- The linkage model (Fellegi–Sunter weights, JSON) signals are linked with.
CREATE TABLE linkage_models (
    id INTEGER PRIMARY KEY,
    trained_at TEXT NOT NULL,
    model TEXT NOT NULL
);
