-- Recovery codes of the old form (40 bits, unsalted SHA-256, no selector) are no longer
-- accepted (issue 10): a copy of the database gives them up in seconds. They are removed; an
-- account that had only those asks an administrator to reset its second factor.
DELETE FROM recovery_code WHERE selector IS NULL;

-- Wrong passwords per (account, network address) (issue 10): five from one address lock the
-- account for that address only, so someone who knows only a user name cannot lock its owner
-- out from everywhere. The row with source_hash '*' counts wrong passwords from every address
-- together, against a higher ceiling that does lock the account. Addresses are kept as hashes.
CREATE TABLE password_failure (
    user_id TEXT NOT NULL REFERENCES user_account(id),
    source_hash TEXT NOT NULL,
    failures BIGINT NOT NULL,
    locked_until TEXT,
    -- The last wrong password counted: a count with none for a day starts again, so a person
    -- who mistypes now and then is never locked out by mistakes spread over months.
    last_at TEXT,
    PRIMARY KEY (user_id, source_hash)
);
