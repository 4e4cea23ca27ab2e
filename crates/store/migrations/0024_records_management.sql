-- Records management (KEEP-01, KEEP-02): each authority's retention schedule, legal holds on
-- a family's records, and disposals: proposed by one person, authorised by a second, and
-- kept afterwards as a tombstone (what was disposed of, when, by whom, under which rule)
-- that holds no personal data.

CREATE TABLE retention_schedule (
    authority_id TEXT PRIMARY KEY REFERENCES authority(id),
    -- the rules as JSON (confer_domain::retention::RetentionSchedule)
    rules TEXT NOT NULL,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

-- A hold's family is not a foreign key: a lifted hold stays until the family's disposal,
-- which removes it with everything else (its reason may name people).
CREATE TABLE legal_hold (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    placed_by TEXT NOT NULL,
    placed_on TEXT NOT NULL,
    lifted_by TEXT,
    lifted_on TEXT,
    lift_reason TEXT
);
-- At most one hold in force per family.
CREATE UNIQUE INDEX legal_hold_in_force ON legal_hold (family_id) WHERE lifted_on IS NULL;

-- One row per family: the proposal, then (once authorised) the tombstone. The family id
-- stays as an opaque reference; nothing here names a person.
CREATE TABLE disposal (
    family_id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    retain_until TEXT NOT NULL,
    rule_basis TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    authorised_by TEXT,
    disposed_at TEXT,
    -- JSON: how many rows of each kind were removed and how many audit events redacted
    removed TEXT
);
CREATE INDEX disposal_authority ON disposal (authority_id, disposed_at);

-- The family whose disposal removed this event's content (KEEP-02); NULL for every other
-- event. See confer_domain::audit::redaction_digest.
ALTER TABLE audit_event ADD COLUMN redacted_by TEXT;
