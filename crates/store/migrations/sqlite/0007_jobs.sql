-- Background jobs run once a day across every app server on this database: the first server to
-- claim the day's row, inside the job's own transaction, runs it; a failed run rolls its claim
-- back. No personal data.
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    run_on TEXT NOT NULL,
    instance TEXT NOT NULL,
    started_at TEXT NOT NULL,
    PRIMARY KEY (job, run_on)
);
