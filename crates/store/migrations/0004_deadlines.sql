-- The deadlines of each case (TIME-01 and every rule of confer_domain::timescales). The due
-- date is computed once, with the authority's calendar and the policy version in force on the
-- trigger date, and stored with that version's date: a later policy change never rewrites it.
-- Recording a deadline as met keeps who recorded it and, when late, the reason (list + text).
CREATE TABLE deadline (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL REFERENCES family(id),
    case_id TEXT NOT NULL REFERENCES family_case(id),
    rule TEXT NOT NULL,
    trigger_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    policy_effective_from TEXT NOT NULL,
    -- the chair of the conference the deadline belongs to, where there is one
    chair_id TEXT REFERENCES user_account(id),
    met_on TEXT,
    late_reason TEXT,
    late_details TEXT,
    met_recorded_by TEXT,
    met_recorded_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX deadline_case_rule_trigger ON deadline (case_id, rule, trigger_on);
CREATE INDEX deadline_authority_due ON deadline (authority_id, met_on, due_on);
CREATE INDEX deadline_family ON deadline (family_id);
CREATE INDEX deadline_chair ON deadline (chair_id);
-- the late-reasons report counts by rule and reason from this index alone
CREATE INDEX deadline_late_reason ON deadline (authority_id, late_reason, rule);
