-- Bank holidays announced by government (imported from the gov.uk bank-holidays JSON),
-- authorities' own closure days, and effective-dated policy versions.

CREATE TABLE announced_holiday (
    region TEXT NOT NULL,
    date TEXT NOT NULL,
    name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (region, date)
);

-- A closure day is never deleted: removing one records when and by whom.
CREATE TABLE closure_day (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    date TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    removed_by TEXT,
    removed_at TEXT
);
CREATE INDEX closure_day_authority ON closure_day (authority_id, date);

-- Each version applies from its date; a deadline keeps the version it was set under.
CREATE TABLE policy_version (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    effective_from TEXT NOT NULL,
    policy_json TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX policy_version_authority ON policy_version (authority_id, effective_from);
