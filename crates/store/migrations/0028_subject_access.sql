-- Subject access requests (RIGHT-01): one row per request, kept whole as a JSON document with
-- a version (as quality audits and plans are), with the columns lists need (state, the
-- deadline in force) beside it, and the answer's bundle once produced (the PDF the requester
-- downloads from the portal; the documents log records its sending).
CREATE TABLE subject_access_request (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL REFERENCES family(id),
    -- the requester as the portal names them: adult:ID or child:ID
    requester TEXT NOT NULL,
    doc TEXT NOT NULL,
    -- received, identity-verified, in-review, answered, refused, withdrawn
    state TEXT NOT NULL,
    -- the deadline in force (the extended one once extended)
    due TEXT NOT NULL,
    version BIGINT NOT NULL,
    bundle BYTEA,
    bundle_language TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX subject_access_request_authority ON subject_access_request (authority_id, state, due);
CREATE INDEX subject_access_request_family ON subject_access_request (family_id);
