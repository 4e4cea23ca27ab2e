-- Files uploaded to a conference: a report sent as a file (REP-*). Append only: a file is
-- never changed or overwritten; a new upload is a new row. Who, when, size, type and the
-- SHA-256 of the content are kept beside the bytes, and the conference's document names the
-- file by its id. BYTEA is PostgreSQL's binary type; SQLite stores the same bytes as a BLOB.
CREATE TABLE document (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    conference_id TEXT NOT NULL REFERENCES conference(id),
    report_number BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX document_conference ON document (conference_id, report_number);
