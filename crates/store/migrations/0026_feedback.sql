-- Feedback after a conference (QA-01). One invitation per person asked about a conference
-- (made when the outcome is first sent); an e-mailed link carries a single-purpose token kept
-- here only as a hash, which works once and until the window closes. The answers are kept in
-- feedback_response: with the invitation they answer, or, when the person asked for it,
-- anonymously: no invitation, no person, no time finer than the month (its id is random, not
-- time-ordered), so an answer cannot be matched to the invitation it used.

CREATE TABLE feedback_invitation (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL,
    conference_id TEXT NOT NULL,
    -- 'family-member', 'child' or 'professional', and that person's id
    invitee_kind TEXT NOT NULL,
    invitee_id TEXT NOT NULL,
    -- 'family' or 'professional': which questions
    audience TEXT NOT NULL,
    invited_on TEXT NOT NULL,
    -- the e-mailed link's token (SHA-256), cleared once used; NULL when no e-mail was sent
    token_hash TEXT,
    answered_at TEXT
);
CREATE UNIQUE INDEX feedback_invitation_person ON feedback_invitation (conference_id, invitee_kind, invitee_id);
CREATE UNIQUE INDEX feedback_invitation_token ON feedback_invitation (token_hash);
CREATE INDEX feedback_invitation_invitee ON feedback_invitation (invitee_id);

CREATE TABLE feedback_response (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    conference_id TEXT NOT NULL,
    -- NULL for an anonymous answer
    invitation_id TEXT,
    audience TEXT NOT NULL,
    -- the month it was given, YYYY-MM
    period TEXT NOT NULL,
    -- JSON: [["question-code", "yes" | "partly" | "no"], ...]
    replies TEXT NOT NULL,
    rating BIGINT NOT NULL,
    comment TEXT NOT NULL,
    -- 'en' or 'cy': the language of the form
    lang TEXT NOT NULL
);
CREATE INDEX feedback_response_period ON feedback_response (authority_id, period);
