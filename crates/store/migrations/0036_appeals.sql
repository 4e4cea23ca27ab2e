-- Northern Ireland (issue 15): a family member's appeal against a child protection case
-- conference's decision, kept whole as a JSON document with a version (the domain's
-- `appeal::Appeal`: appellant, grounds, each stage with its outcome and date, the final
-- outcome), with the columns the lists need. One appeal per conference: the family's appeal
-- against its decision (several appellants are named in its details).

CREATE TABLE conference_appeal (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL,
    conference_id TEXT NOT NULL,
    doc TEXT NOT NULL,
    -- the current stage's name, or the final outcome once concluded
    status TEXT NOT NULL,
    concluded BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX conference_appeal_conference ON conference_appeal (conference_id);
CREATE INDEX conference_appeal_open ON conference_appeal (authority_id, concluded);
CREATE INDEX conference_appeal_family ON conference_appeal (family_id);
