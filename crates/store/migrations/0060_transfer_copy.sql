-- Issue 13 (PLAN-05, TIME-02): the people a receiving authority recorded from a transfer pack,
-- by the sending authority's id, and as whom. A sibling's later transfer adds to the family
-- recorded the first time and never records a parent twice; two acceptances at the same moment
-- that would record the same person twice are refused by the key.
CREATE TABLE transfer_copy (
    authority_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    copy_id TEXT NOT NULL,
    family_id TEXT NOT NULL,
    transfer_id TEXT NOT NULL,
    copied_at TEXT NOT NULL,
    PRIMARY KEY (authority_id, source_id)
);
