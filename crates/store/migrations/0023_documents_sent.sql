-- Documents confer makes and sends (issue 14; REP-04, MIN-03): every document sent, downloaded
-- as sent, or put on the print list is logged with its version, language, format and
-- recipient, beside an audit event written in the same transaction. Append only, except that
-- a letter on the print list is marked printed once.
CREATE TABLE document_sent (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL REFERENCES family(id),
    conference_id TEXT REFERENCES conference(id),
    -- record-copy, outcome-letter, invitation-letter, exclusion-letter, plan
    kind TEXT NOT NULL,
    -- the recipient as the conference names them, e.g. family-member:adult-1
    recipient TEXT NOT NULL,
    -- the version of the record (or plan) the document is of; 0 for letters without one
    version BIGINT NOT NULL,
    -- en or cy
    language TEXT NOT NULL,
    -- pdf or html
    format TEXT NOT NULL,
    -- standard or large
    print_size TEXT NOT NULL,
    -- download (staff), portal (the person themselves), post (the print list)
    channel TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    -- the letter itself, kept for the print list (NULL for downloads: they are made again
    -- from the same version on demand)
    content BYTEA,
    sent_by TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    -- the print list: 'waiting' until printed, then 'printed'; NULL for other channels
    print_state TEXT,
    printed_at TEXT
);
CREATE INDEX document_sent_conference ON document_sent (conference_id, sent_at);
CREATE INDEX document_sent_print ON document_sent (authority_id, print_state);
