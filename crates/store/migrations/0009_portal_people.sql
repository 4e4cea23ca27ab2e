-- The family portal (issue 6): a portal account linked to the person of a family it is for,
-- an adult (parent or carer) or a child (young person). One person per account and family;
-- the link gives the account its relationship to that family's records (FamilyMember).
CREATE TABLE portal_person (
    user_id TEXT NOT NULL REFERENCES user_account(id),
    family_id TEXT NOT NULL REFERENCES family(id),
    authority_id TEXT NOT NULL REFERENCES authority(id),
    adult_id TEXT REFERENCES adult(id),
    child_id TEXT REFERENCES child(id),
    linked_by TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (user_id, family_id)
);
CREATE INDEX portal_person_family ON portal_person (family_id);
