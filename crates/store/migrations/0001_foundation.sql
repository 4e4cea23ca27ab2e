-- confer's foundation schema. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Conventions: ids are TEXT (UUID v7 made by the application); instants are TEXT in RFC 3339
-- UTC with microseconds (so they sort as text); days are TEXT YYYY-MM-DD; flags and numbers
-- are BIGINT (0/1 for flags) so one decoding path serves both databases.

CREATE TABLE authority (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    nation TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The head of each authority's audit chain: the last sequence number and hash. Appending
-- updates this row first, which serialises appends per authority on both databases.
CREATE TABLE audit_head (
    authority_id TEXT PRIMARY KEY REFERENCES authority(id),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_event (
    authority_id TEXT NOT NULL REFERENCES authority(id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (authority_id, seq)
);
CREATE INDEX audit_event_entity ON audit_event (authority_id, entity_type, entity_id);

CREATE TABLE team (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    name TEXT NOT NULL
);

CREATE TABLE user_account (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL,
    -- 'staff' (password and TOTP) or 'portal' (one-time code to a verified e-mail address)
    kind TEXT NOT NULL,
    email_verified BIGINT NOT NULL DEFAULT 0,
    team_id TEXT REFERENCES team(id),
    line_manager_id TEXT REFERENCES user_account(id),
    password_hash TEXT,
    totp_secret TEXT,
    totp_enrolled BIGINT NOT NULL DEFAULT 0,
    -- the last TOTP time step accepted, so a code cannot be used twice
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    disabled BIGINT NOT NULL DEFAULT 0,
    failed_sign_ins BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,
    -- bumped by "sign out everywhere": sessions of an older generation are dead
    session_generation BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX user_account_authority ON user_account (authority_id);
CREATE INDEX user_account_email ON user_account (email);

CREATE TABLE user_role (
    user_id TEXT NOT NULL REFERENCES user_account(id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE recovery_code (
    user_id TEXT NOT NULL REFERENCES user_account(id),
    code_hash TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE web_session (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES user_account(id),
    generation BIGINT NOT NULL,
    -- 'password' (second factor still to come), 'enrol' (must set up TOTP), 'full'
    stage TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX web_session_user ON web_session (user_id);

CREATE TABLE access_token (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES user_account(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

-- One-time sign-in codes for families and partner professionals (hashed, short-lived, single use).
CREATE TABLE one_time_code (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES user_account(id),
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    attempts BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX one_time_code_user ON one_time_code (user_id, created_at);

-- Messages to send, written in the same transaction as the change that causes them.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    attempts BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE agency (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE professional (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    agency_id TEXT NOT NULL REFERENCES agency(id),
    name TEXT NOT NULL,
    job_title TEXT NOT NULL,
    email TEXT NOT NULL,
    user_id TEXT REFERENCES user_account(id)
);
CREATE INDEX professional_user ON professional (user_id);

CREATE TABLE family (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    name TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX family_authority_name ON family (authority_id, name);

CREATE TABLE child (
    id TEXT PRIMARY KEY,
    family_id TEXT NOT NULL REFERENCES family(id),
    authority_id TEXT NOT NULL REFERENCES authority(id),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth TEXT,
    expected_date TEXT,
    nhs_number TEXT,
    la_child_id TEXT NOT NULL,
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    disability TEXT NOT NULL,
    first_language TEXT NOT NULL,
    needs_interpreter BIGINT NOT NULL,
    access_needs TEXT NOT NULL
);
CREATE INDEX child_family ON child (family_id);

CREATE TABLE adult (
    id TEXT PRIMARY KEY,
    family_id TEXT NOT NULL REFERENCES family(id),
    authority_id TEXT NOT NULL REFERENCES authority(id),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    first_language TEXT NOT NULL,
    needs_interpreter BIGINT NOT NULL,
    access_needs TEXT NOT NULL,
    user_id TEXT REFERENCES user_account(id)
);
CREATE INDEX adult_family ON adult (family_id);

CREATE TABLE adult_child (
    adult_id TEXT NOT NULL REFERENCES adult(id),
    child_id TEXT NOT NULL REFERENCES child(id),
    kind TEXT NOT NULL,
    parental_responsibility BIGINT NOT NULL,
    carer BIGINT NOT NULL,
    PRIMARY KEY (adult_id, child_id)
);

CREATE TABLE family_case (
    id TEXT PRIMARY KEY,
    family_id TEXT NOT NULL REFERENCES family(id),
    authority_id TEXT NOT NULL REFERENCES authority(id),
    allocated_worker_id TEXT NOT NULL REFERENCES user_account(id),
    stage TEXT NOT NULL,
    opened_on TEXT NOT NULL
);
CREATE INDEX family_case_family ON family_case (family_id);
CREATE INDEX family_case_worker ON family_case (allocated_worker_id);

CREATE TABLE case_professional (
    case_id TEXT NOT NULL REFERENCES family_case(id),
    professional_id TEXT NOT NULL REFERENCES professional(id),
    PRIMARY KEY (case_id, professional_id)
);
CREATE INDEX case_professional_professional ON case_professional (professional_id);

-- Each form submission's idempotency key, stored in the transaction that did the work, so a
-- form sent twice (double click, retry after a dropped connection) does the work once.
CREATE TABLE form_submission (
    idempotency_key TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at TEXT NOT NULL
);
