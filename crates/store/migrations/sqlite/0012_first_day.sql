-- A municipality's first day (issue 20): the municipality itself, the CBS key figures per area
-- and year, teams that cover several wijken or buurten, the team's own decision on a
-- household's support, and accounts that are set up on screen (second factor enrolled by the
-- user, a password reset by a one-time code).

-- One row: the CBS municipality this database serves (set once by `eropaf municipality init`).
CREATE TABLE municipality (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- CBS "Kerncijfers wijken en buurten" per area (GM, WK or BU code) and year. NULL is CBS's
-- "." (secret or unknown), never 0.
CREATE TABLE area_figures (
    code TEXT NOT NULL,
    year INTEGER NOT NULL,
    inhabitants INTEGER,
    households INTEGER,
    household_size REAL,
    density INTEGER,
    low_income_pct REAL,
    social_minimum_pct REAL,
    urbanity INTEGER,
    address_density INTEGER,
    PRIMARY KEY (code, year)
);

-- The areas a team works in, as the administrator chose them (wijken or buurten) ...
CREATE TABLE team_areas (
    team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    area_code TEXT NOT NULL REFERENCES neighbourhoods(code),
    PRIMARY KEY (team_id, area_code)
);

-- ... and the buurten that follow from them, one team per buurt: the need-to-know rule reads
-- this table (kept by store::kernel::area::refresh_team_buurten).
CREATE TABLE team_buurten (
    buurt_code TEXT PRIMARY KEY REFERENCES neighbourhoods(code),
    team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE
);
CREATE INDEX team_buurten_team ON team_buurten(team_id, buurt_code);

INSERT INTO team_areas (team_id, area_code) SELECT id, wijk_code FROM teams;
INSERT INTO team_buurten (buurt_code, team_id)
    SELECT b.code, MIN(t.id) FROM teams t JOIN neighbourhoods b ON b.parent_code = t.wijk_code GROUP BY b.code;

-- The team's decisions on a household's support level and multi-problem flag, with the reason;
-- the latest is on households (support, multi_problem), the history here.
CREATE TABLE support_decisions (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    support TEXT NOT NULL,
    multi_problem BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    decided_by INTEGER REFERENCES users(id),
    decided_at TEXT NOT NULL
);
CREATE INDEX support_decisions_household ON support_decisions(household_id, decided_at);

-- A second factor the user is enrolling: shown as a QR code at first login, moved to
-- totp_secret once the user confirms a code from it.
ALTER TABLE users ADD COLUMN totp_pending TEXT;

-- A password reset an administrator started: a one-time code (stored hashed) that expires.
CREATE TABLE password_resets (
    code_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_resets_user ON password_resets(user_id);
