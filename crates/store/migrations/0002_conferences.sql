-- Conferences (issue 6). The aggregate is kept whole as a JSON document with a version for
-- optimistic concurrency; the columns beside it are copies for lists and indexes, rewritten
-- from the document on every save (never edited on their own).

CREATE TABLE conference (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL REFERENCES family(id),
    case_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    -- the day the conference is (or was) held, once scheduled
    date TEXT,
    chair_id TEXT,
    -- the user who takes the notes (set when scheduling); gives them the conference's 'invited' relationship
    note_taker_id TEXT,
    due_by TEXT NOT NULL,
    next_review_on TEXT,
    outcome_due_by TEXT,
    doc TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX conference_family ON conference (family_id, created_at);
CREATE INDEX conference_authority_state ON conference (authority_id, state, date);
CREATE INDEX conference_chair ON conference (chair_id, date);

-- The children a conference is about (the document's children, for queries by child).
CREATE TABLE conference_child (
    conference_id TEXT NOT NULL REFERENCES conference(id),
    child_id TEXT NOT NULL,
    PRIMARY KEY (conference_id, child_id)
);
CREATE INDEX conference_child_child ON conference_child (child_id);

-- Who stands in a relationship to the conference: 'chair', 'invited' (a professional with an
-- account who is invited) or 'note-taker'. The access policy's ConferenceChair and Invited
-- come from here.
CREATE TABLE conference_person (
    conference_id TEXT NOT NULL REFERENCES conference(id),
    user_id TEXT NOT NULL,
    relationship TEXT NOT NULL,
    PRIMARY KEY (conference_id, user_id, relationship)
);
CREATE INDEX conference_person_user ON conference_person (user_id);
