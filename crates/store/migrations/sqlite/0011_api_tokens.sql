-- API tokens get a name, an expiry and a revocation (penetration test, finding 13). The
-- lookup (`Store::user_for_token`) refuses a token whose expires_at is NULL or past, or that
-- is revoked: tokens issued before this step have no expiry and must be issued again.
-- Instants are UTC RFC 3339 text like the rest of the schema.
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
