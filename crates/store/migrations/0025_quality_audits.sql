-- Quality assurance audits of conferences (QA-03): the authority's checklist, samples drawn
-- with a recorded seed (so a sample can be drawn again and checked), and one audit per
-- conference sampled, kept whole as a JSON document with a version, as plans are.

CREATE TABLE qa_checklist (
    authority_id TEXT PRIMARY KEY REFERENCES authority(id),
    questions TEXT NOT NULL,
    version BIGINT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

CREATE TABLE qa_sample (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    -- the conference kind sampled, or '' for every kind
    kind TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    -- JSON: {"by": "percent" | "count", "n": N}
    size TEXT NOT NULL,
    seed BIGINT NOT NULL,
    candidates BIGINT NOT NULL,
    drawn_by TEXT NOT NULL,
    drawn_at TEXT NOT NULL
);

CREATE TABLE qa_audit (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    sample_id TEXT NOT NULL REFERENCES qa_sample(id),
    conference_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    -- 'open' or 'completed'
    state TEXT NOT NULL,
    grade TEXT,
    -- the earliest date of an action not yet done (for overdue follow-up lists)
    open_action_due TEXT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX qa_audit_authority ON qa_audit (authority_id, state, created_at);
CREATE UNIQUE INDEX qa_audit_sample_conference ON qa_audit (sample_id, conference_id);
