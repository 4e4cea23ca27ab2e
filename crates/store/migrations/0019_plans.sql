-- Plans and core groups (issue 13, PLAN-*, CG-01). A child's plan is kept whole as a JSON
-- document with a version for optimistic concurrency, as a conference is; the columns beside
-- it are copies for lists and indexes, rewritten from the document on every save.
CREATE TABLE plan (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL REFERENCES family(id),
    case_id TEXT NOT NULL,
    child_id TEXT NOT NULL,
    -- 'child-protection' or 'child-in-need'
    kind TEXT NOT NULL,
    -- the category in force (child protection plans)
    category TEXT,
    key_worker_id TEXT NOT NULL,
    started_on TEXT NOT NULL,
    -- the conference that decided the plan
    started_by TEXT NOT NULL,
    ended_on TEXT,
    end_reason TEXT,
    core_group_due_by TEXT,
    next_review_by TEXT,
    -- the earliest due date of an action neither done nor closed as not done (for lists of
    -- overdue actions without reading the documents); NULL when there is none
    open_action_due TEXT,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX plan_family ON plan (family_id, started_on);
CREATE INDEX plan_child ON plan (child_id, kind);
CREATE INDEX plan_key_worker ON plan (key_worker_id, ended_on);
-- One plan per child from a conference: a close that is retried never makes a second.
CREATE UNIQUE INDEX plan_from_conference ON plan (started_by, child_id);

-- Every version of a plan, with what changed, when and by whom (the plan's history page).
CREATE TABLE plan_version (
    plan_id TEXT NOT NULL REFERENCES plan(id),
    version BIGINT NOT NULL,
    action TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    -- the top-level parts of the document the change touched, before and after (JSON)
    changed_before TEXT NOT NULL,
    changed_after TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);

-- CG-01: the accounts of a plan's core group, as named at the conference. The access policy's
-- CoreGroupMember relationship comes from here. Rewritten from the document on every save.
CREATE TABLE core_group_member (
    plan_id TEXT NOT NULL REFERENCES plan(id),
    family_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (plan_id, user_id)
);
CREATE INDEX core_group_member_user ON core_group_member (user_id, family_id);
