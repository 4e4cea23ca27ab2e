-- Complaints (RIGHT-02): a parent's complaint about a conference (its conduct or decision) or
-- about the family's case, kept whole as a JSON document with a version (the domain's
-- `complaint::Complaint`: stages, deadlines, officer, answers and escalations), with the
-- columns lists and the due-and-overdue view need.

CREATE TABLE complaint (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL,
    -- the conference complained about; NULL for a complaint about the case
    conference_id TEXT,
    doc TEXT NOT NULL,
    -- 'received', 'acknowledged', 'answered' or 'closed'
    status TEXT NOT NULL,
    stage BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    officer_id TEXT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX complaint_open ON complaint (authority_id, status, due_on);
CREATE INDEX complaint_family ON complaint (family_id);
