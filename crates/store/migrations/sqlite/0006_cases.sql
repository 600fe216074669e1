-- The case (traject, issue 5): who works on it, its intensity phase, lasting contact, and
-- closing with a reason; goals in the resident's own words, small steps, practical help; the
-- ZRM domains that matter for its purpose and the assessments; the household's network; and
-- referrals with a warm handover, followed up until the partner confirms that help started.
ALTER TABLE cases ADD COLUMN worker_id INTEGER REFERENCES users(id);
ALTER TABLE cases ADD COLUMN phase TEXT NOT NULL DEFAULT 'vertrouwen';
ALTER TABLE cases ADD COLUMN lasting_contact BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN close_reason TEXT;
ALTER TABLE cases ADD COLUMN close_note TEXT;
-- One open case per household.
CREATE UNIQUE INDEX cases_one_open ON cases(household_id) WHERE closed IS NULL;

CREATE TABLE case_goals (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    words TEXT NOT NULL,
    added_on TEXT NOT NULL,
    reached_on TEXT
);
CREATE INDEX case_goals_case ON case_goals(case_id);

CREATE TABLE case_steps (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    what TEXT NOT NULL,
    who TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT
);
CREATE INDEX case_steps_case ON case_steps(case_id, due_on);

CREATE TABLE case_help (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    given_on TEXT NOT NULL,
    what TEXT NOT NULL
);
CREATE INDEX case_help_case ON case_help(case_id);

CREATE TABLE case_domains (
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    PRIMARY KEY (case_id, domain)
);

CREATE TABLE zrm_assessments (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    assessed_on TEXT NOT NULL,
    worker_id INTEGER REFERENCES users(id)
);
CREATE INDEX zrm_assessments_case ON zrm_assessments(case_id, assessed_on);

CREATE TABLE zrm_scores (
    assessment_id INTEGER NOT NULL REFERENCES zrm_assessments(id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    PRIMARY KEY (assessment_id, domain)
);

CREATE TABLE network_members (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    relation TEXT,
    reach TEXT
);
CREATE INDEX network_members_household ON network_members(household_id);

CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
    worker_id INTEGER NOT NULL REFERENCES users(id),
    target TEXT NOT NULL,
    organisation TEXT NOT NULL,
    reason TEXT NOT NULL,
    referred_on TEXT NOT NULL,
    handover_on TEXT,
    handover_with TEXT,
    check_every_days INTEGER NOT NULL,
    started_on TEXT,
    ended_on TEXT
);
CREATE INDEX referrals_worker ON referrals(worker_id, started_on, ended_on);
CREATE INDEX referrals_case ON referrals(case_id);

CREATE TABLE referral_checks (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
    checked_on TEXT NOT NULL,
    outcome TEXT NOT NULL,
    note TEXT
);
CREATE INDEX referral_checks_referral ON referral_checks(referral_id, checked_on);
