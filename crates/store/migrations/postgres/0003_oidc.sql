-- OpenID Connect login (issue 7): an administrator binds an account to the subject ('sub') that
-- the municipality's identity provider gives that person; nobody gets an account by logging in.
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX users_oidc_subject ON users(oidc_subject);

-- Logins under way at the identity provider: state (hashed), nonce and PKCE verifier, used once
-- and valid for ten minutes. In the database so any app server can finish the login.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    created_at TEXT NOT NULL
);
