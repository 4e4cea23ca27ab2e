-- Failed sign-in attempts by network address (kept as a hash, never the address itself), so
-- many wrong guesses from one place are slowed down even when they spread over many accounts.
CREATE TABLE sign_in_failure (
    id TEXT PRIMARY KEY,
    source_hash TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failure_source ON sign_in_failure (source_hash, at);
CREATE INDEX sign_in_failure_at ON sign_in_failure (at);
