-- Plans after the conference (issue 13): repeat plans, the step-down link, child in need plans'
-- network meetings, transfers out (with the receiving tenant's acceptance), and cancelled
-- deadlines.

-- How many plans of the same kind the child had before (a repeat plan when above 0): the
-- statutory returns count them without reading the documents.
ALTER TABLE plan ADD COLUMN previous_plans BIGINT NOT NULL DEFAULT 0;
-- A child in need plan made by a step-down: the child protection plan it follows.
ALTER TABLE plan ADD COLUMN stepped_down_from TEXT;
-- PLAN-04: the next network meeting of a child in need plan is due by this day.
ALTER TABLE plan ADD COLUMN network_meeting_due_by TEXT;
CREATE INDEX plan_network_due ON plan (authority_id, ended_on, network_meeting_due_by);

-- A deadline whose conference was cancelled: it no longer counts as due or overdue and no
-- longer grants the provisional chair role (ROLE-11).
ALTER TABLE deadline ADD COLUMN cancelled_on TEXT;

-- PLAN-05, TIME-02: a transfer out to another authority that is a tenant of this installation,
-- waiting for its coordinator to accept it (which requests the transfer-in conference there).
CREATE TABLE plan_transfer (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plan(id),
    from_authority_id TEXT NOT NULL REFERENCES authority(id),
    to_authority_id TEXT NOT NULL REFERENCES authority(id),
    notified_on TEXT NOT NULL,
    due_by TEXT,
    -- 'pending' or 'accepted'
    state TEXT NOT NULL,
    accepted_by TEXT,
    accepted_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX plan_transfer_plan ON plan_transfer (plan_id);
CREATE INDEX plan_transfer_to ON plan_transfer (to_authority_id, state);
