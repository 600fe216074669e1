-- Going out (issue 6): door-to-door campaigns over an area, cut into waves and walk lists (one
-- per walker-shift, one stop per entrance), with a result per door; venues (vindplaatsen) with
-- presence sessions; information sessions (voorlichting). Keep in step with the other backend.

-- Addresses that asked not to be visited at the door.
CREATE TABLE no_visit_addresses (
    address_id INTEGER PRIMARY KEY REFERENCES addresses(id) ON DELETE CASCADE,
    since TEXT NOT NULL
);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    name TEXT NOT NULL,
    area_code TEXT NOT NULL REFERENCES neighbourhoods(code),
    -- Optional narrowing: postcodes (4 digits or 6 characters) and street names, one per line.
    streets TEXT,
    service_seconds INTEGER NOT NULL,
    speed_kmh REAL NOT NULL,
    start_label TEXT NOT NULL,
    start_x REAL NOT NULL,
    start_y REAL NOT NULL,
    recent_days INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    closed_on TEXT
);
CREATE INDEX campaigns_team ON campaigns(team_id);

-- Every address in the campaign's area; excluded ones are kept with the reason, so the
-- coverage can say how many were left out and why.
CREATE TABLE campaign_doors (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    address_id INTEGER NOT NULL REFERENCES addresses(id) ON DELETE CASCADE,
    excluded TEXT,
    UNIQUE (campaign_id, address_id)
);

CREATE TABLE campaign_waves (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    walk_on TEXT NOT NULL,
    day_part TEXT NOT NULL,
    shift_minutes INTEGER NOT NULL,
    planned_at TEXT NOT NULL,
    unplanned INTEGER NOT NULL,
    UNIQUE (campaign_id, number)
);

CREATE TABLE walk_lists (
    id INTEGER PRIMARY KEY,
    wave_id INTEGER NOT NULL REFERENCES campaign_waves(id) ON DELETE CASCADE,
    walker_id INTEGER NOT NULL REFERENCES users(id),
    planned_seconds INTEGER NOT NULL,
    walk_metres INTEGER NOT NULL
);
CREATE INDEX walk_lists_wave ON walk_lists(wave_id);
CREATE INDEX walk_lists_walker ON walk_lists(walker_id);

-- Doors behind one entrance share a stop number.
CREATE TABLE walk_stops (
    walk_list_id INTEGER NOT NULL REFERENCES walk_lists(id) ON DELETE CASCADE,
    door_id INTEGER NOT NULL REFERENCES campaign_doors(id) ON DELETE CASCADE,
    stop INTEGER NOT NULL,
    PRIMARY KEY (walk_list_id, door_id)
);

-- A result at a door. The household living there is named so an erasure takes its results.
CREATE TABLE door_results (
    id INTEGER PRIMARY KEY,
    door_id INTEGER NOT NULL REFERENCES campaign_doors(id) ON DELETE CASCADE,
    walk_list_id INTEGER NOT NULL REFERENCES walk_lists(id) ON DELETE CASCADE,
    household_id INTEGER REFERENCES households(id) ON DELETE CASCADE,
    worker_id INTEGER REFERENCES users(id),
    outcome TEXT NOT NULL,
    at TEXT NOT NULL,
    come_back_at TEXT,
    note TEXT,
    signal_id INTEGER REFERENCES signals(id) ON DELETE SET NULL
);
CREATE INDEX door_results_door ON door_results(door_id, at);
CREATE INDEX door_results_list ON door_results(walk_list_id, at);

CREATE TABLE venues (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    place TEXT NOT NULL,
    x REAL,
    y REAL
);
CREATE INDEX venues_team ON venues(team_id);

CREATE TABLE presence_sessions (
    id INTEGER PRIMARY KEY,
    venue_id INTEGER NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
    worker_id INTEGER REFERENCES users(id),
    on_date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    conversations INTEGER NOT NULL,
    topics TEXT NOT NULL,
    signals_noted INTEGER NOT NULL,
    note TEXT
);
CREATE INDEX presence_sessions_venue ON presence_sessions(venue_id, on_date);

CREATE TABLE info_sessions (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams(id),
    worker_id INTEGER REFERENCES users(id),
    on_date TEXT NOT NULL,
    location TEXT NOT NULL,
    audience TEXT NOT NULL,
    organised_with TEXT,
    topics TEXT NOT NULL,
    attendance INTEGER NOT NULL,
    follow_ups INTEGER NOT NULL
);
CREATE INDEX info_sessions_team ON info_sessions(team_id, on_date);
