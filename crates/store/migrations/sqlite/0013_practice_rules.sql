-- The practice's rules where a team relies on them (issue 21): weigh before going, a next
-- moment for every decision, the case discussion's outcome, feedback to the reporter, and the
-- case journal.

-- "Monitoren" reviews on a date: the case stays off the pickup lists until then.
ALTER TABLE signal_weighings ADD COLUMN review_on TEXT;
ALTER TABLE signal_cases ADD COLUMN review_on TEXT;
-- "Vier ogen" (a team's choice): a second person confirms the weighing before a home visit.
ALTER TABLE teams ADD COLUMN four_eyes BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE signal_weighings ADD COLUMN confirmed_by INTEGER REFERENCES users(id);
ALTER TABLE signal_weighings ADD COLUMN confirmed_at TEXT;
-- A crisis visit before the weighing: when and why; the case is weighed within a working day.
ALTER TABLE signal_cases ADD COLUMN visited_first_at TEXT;
ALTER TABLE signal_cases ADD COLUMN visited_first_reason TEXT;
-- What the case discussion decided (domain::model::DiscussionOutcome), by whom.
ALTER TABLE case_discussions ADD COLUMN outcome TEXT;
ALTER TABLE case_discussions ADD COLUMN outcome_note TEXT;
ALTER TABLE case_discussions ADD COLUMN discussed_by INTEGER REFERENCES users(id);
-- Feedback to a reporter who asked for it: when, which minimal message, by whom.
ALTER TABLE signals ADD COLUMN feedback_given_at TEXT;
ALTER TABLE signals ADD COLUMN feedback_message TEXT;
ALTER TABLE signals ADD COLUMN feedback_by INTEGER REFERENCES users(id);

-- The case journal: dated notes with their author, longer than a contact note.
CREATE TABLE case_journal (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES users(id),
    at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX case_journal_case ON case_journal(case_id, at);
