-- Login attempts counted before the password or code is checked, one row per throttle key (an
-- account name or a client address): one upsert counts an attempt and answers the new count, so
-- parallel requests cannot all read "under the limit" before any of them is written
-- (`Store::count_login_attempt`). The window starts at its first attempt. No personal data
-- beyond the account name and address the key names; rows go after a day (retention).
CREATE TABLE login_attempts (
    throttle_key TEXT NOT NULL PRIMARY KEY,
    window_start TEXT NOT NULL,
    attempts BIGINT NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts(window_start);
