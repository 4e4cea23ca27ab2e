-- Issue 12: what the lists of conferences show of each conference besides its columns (the
-- coordinator's list `/conferences` and the chair's `/conferences/chair`): the time it meets,
-- its children's names and where its invitations stand (INV-04). Written from the document in
-- the same transaction as every save of the conference, so a list reads these small rows
-- instead of parsing each conference's whole document. A separate table (not columns of
-- `conference`) so that reading them never walks past the large document in the row.
-- Conferences stored before this table existed are summarised once at startup, after the
-- migrations (`list_summary::backfill`), on both databases.
CREATE TABLE conference_summary (
    conference_id TEXT PRIMARY KEY REFERENCES conference(id),
    family_id TEXT NOT NULL,
    slot_time TEXT,
    children_names TEXT NOT NULL,
    invited BIGINT NOT NULL,
    attending BIGINT NOT NULL,
    not_attending BIGINT NOT NULL,
    no_answer BIGINT NOT NULL
);
CREATE INDEX conference_summary_family ON conference_summary (family_id);
