-- England's Children in Need census (issue 15): what the return needs that confer did not
-- hold. Everything else (section 47 enquiries that led to a conference, ICPC dates and their
-- targets, plans, reviews) is derived from the conferences and plans already held.

-- The child's Unique Pupil Number, or why there is none (UN1-UN7), and the date of death.
ALTER TABLE child ADD COLUMN upn TEXT;
ALTER TABLE child ADD COLUMN upn_unknown TEXT;
ALTER TABLE child ADD COLUMN death_date TEXT;

-- One episode of a child's involvement with children's social care (referral -> closure):
-- a CINdetails of the return. Assessments and the section 47 enquiries that led to no
-- conference here are kept with it as JSON lists (confer_domain::census::Assessment and
-- RecordedEnquiry). Edited at the family's version (family.version), as the child's details are.
CREATE TABLE cin_episode (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL REFERENCES family(id),
    child_id TEXT NOT NULL REFERENCES child(id),
    referral_date TEXT NOT NULL,
    referral_source TEXT NOT NULL,
    primary_need TEXT,
    nfa BIGINT NOT NULL,
    closure_date TEXT,
    closure_reason TEXT,
    assessments TEXT NOT NULL,
    enquiries TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX cin_episode_child ON cin_episode (child_id, referral_date);
CREATE INDEX cin_episode_authority ON cin_episode (authority_id, referral_date);
CREATE INDEX cin_episode_family ON cin_episode (family_id);
