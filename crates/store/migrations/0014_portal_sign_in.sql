-- Issue 10: two factors for everyone but the family, and the portal's e-mailed codes.
-- * web_session.factors: how many factors the session was established with (1: a password or
--   an e-mailed code, 2: then an authenticator code). Full sessions of staff accounts were
--   made after a TOTP code. Portal accounts' sessions were made with an e-mailed code alone.
ALTER TABLE web_session ADD COLUMN factors BIGINT NOT NULL DEFAULT 1;
UPDATE web_session SET factors = 2 WHERE stage = 'full' AND user_id IN (SELECT id FROM user_account WHERE kind = 'staff');
-- * user_account.code_failures: wrong e-mailed codes given for the account, across all its
--   codes (asking for a new code does not reset it). At the limit the account is locked
--   (locked_until) and the count starts again.
ALTER TABLE user_account ADD COLUMN code_failures BIGINT NOT NULL DEFAULT 0;
-- * outbox.secret: 1 when the body holds a one-time secret (a sign-in code). Its body is
--   replaced once the message is sent.
ALTER TABLE outbox ADD COLUMN secret BIGINT NOT NULL DEFAULT 0;
-- How many codes an address (known or not: the answer is the same) asked for in its window.
-- Keyed by a hash of the address, counted by one conditional upsert.
CREATE TABLE code_request_window (
    address_hash TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    requests BIGINT NOT NULL
);
-- A portal sign-in under way in one browser: the address the code was asked for (kept here,
-- not in the address bar), until it is used or expires. verified_at is set when the code was
-- right and the person still has to choose which authority's account to sign in to.
CREATE TABLE portal_sign_in (
    token_hash TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    lang TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    verified_at TEXT
);
CREATE INDEX portal_sign_in_expiry ON portal_sign_in (expires_at);
