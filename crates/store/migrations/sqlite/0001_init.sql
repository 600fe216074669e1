-- Eropaf schema v1 (SQLite). Keep in step with ../postgres/0001_init.sql: same tables,
-- columns and meaning; only the id and boolean spellings differ.
-- Dates are TEXT 'YYYY-MM-DD', instants TEXT 'YYYY-MM-DDTHH:MM:SSZ' (UTC), so they sort and
-- compare the same on both backends.

CREATE TABLE neighbourhoods (
    code TEXT PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('wijk', 'buurt')),
    name TEXT NOT NULL,
    parent_code TEXT REFERENCES neighbourhoods(code),
    deprived BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE addresses (
    id INTEGER PRIMARY KEY,
    street TEXT NOT NULL,
    house_number INTEGER NOT NULL,
    house_letter TEXT,
    house_addition TEXT,
    postcode TEXT NOT NULL,
    locality TEXT NOT NULL,
    buurt_code TEXT NOT NULL REFERENCES neighbourhoods(code),
    x REAL,
    y REAL
);
CREATE INDEX addresses_postcode_number ON addresses(postcode, house_number);
CREATE INDEX addresses_buurt ON addresses(buurt_code);

CREATE TABLE households (
    id INTEGER PRIMARY KEY,
    address_id INTEGER NOT NULL REFERENCES addresses(id),
    support TEXT NOT NULL,
    multi_problem BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX households_address ON households(address_id);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    given_names TEXT NOT NULL,
    initials TEXT NOT NULL,
    surname_prefix TEXT NOT NULL,
    surname TEXT NOT NULL,
    -- lower-case surname without prefix, for search
    surname_key TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    bsn TEXT,
    phone TEXT
);
CREATE INDEX persons_household ON persons(household_id);
CREATE INDEX persons_surname_key ON persons(surname_key);

CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    partner_type TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    wijk_code TEXT NOT NULL REFERENCES neighbourhoods(code)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    team_id INTEGER REFERENCES teams(id),
    partner_id INTEGER REFERENCES partners(id),
    password_hash TEXT,
    -- base32 TOTP secret, and the last time step used (a code is accepted once)
    totp_secret TEXT,
    totp_last_step INTEGER,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);

CREATE TABLE user_models (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    PRIMARY KEY (user_id, model)
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    -- 'totp' while the second factor is still to be given, then a new 'full' session
    stage TEXT NOT NULL DEFAULT 'full' CHECK (stage IN ('totp', 'full')),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Break the glass: access outside need-to-know, with a stated reason, for a limited time.
CREATE TABLE break_glass_grants (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX break_glass_grants_user ON break_glass_grants(user_id, household_id, expires_at);

-- Failed logins by account name and by client address, for throttling across app servers.
CREATE TABLE login_failures (
    throttle_key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(throttle_key, at);

CREATE TABLE signals (
    id INTEGER PRIMARY KEY,
    household_id INTEGER REFERENCES households(id) ON DELETE SET NULL,
    partner_id INTEGER REFERENCES partners(id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    signal_date TEXT NOT NULL,
    received_at TEXT NOT NULL,
    amount_eur INTEGER,
    crisis BOOLEAN NOT NULL DEFAULT FALSE,
    reported_name TEXT NOT NULL,
    reported_address TEXT NOT NULL,
    concern TEXT
);
CREATE INDEX signals_household ON signals(household_id);
CREATE INDEX signals_status ON signals(status, signal_date);

CREATE TABLE contact_attempts (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    worker_id INTEGER REFERENCES users(id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    day_part TEXT NOT NULL,
    reached BOOLEAN NOT NULL,
    note TEXT
);
CREATE INDEX contact_attempts_household ON contact_attempts(household_id, at);

CREATE TABLE planned_contacts (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    worker_id INTEGER NOT NULL REFERENCES users(id),
    planned_for TEXT NOT NULL,
    kind TEXT NOT NULL,
    day_part TEXT NOT NULL
);
CREATE INDEX planned_contacts_worker ON planned_contacts(worker_id, planned_for);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    opened TEXT NOT NULL,
    closed TEXT
);
CREATE INDEX cases_household ON cases(household_id);

CREATE TABLE case_models (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    PRIMARY KEY (case_id, model)
);

-- Who read or changed which resident's data, written in the same transaction as the act
-- (NEN 7513 fields). No foreign keys on the resident columns: the record must outlive an erased
-- resident. Hash-chained in `seq` order: hash = SHA-256(prev_hash, the fields); `audit_head`
-- holds the chain's end, and triggers refuse any change or deletion.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    household_id INTEGER,
    person_id INTEGER,
    user_id INTEGER,
    on_behalf_of TEXT,
    route TEXT NOT NULL,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_household ON audit_events(household_id);
CREATE INDEX audit_events_user ON audit_events(user_id, at);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
