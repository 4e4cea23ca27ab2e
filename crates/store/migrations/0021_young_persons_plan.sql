-- CHILD-04: the young person's own version of their plan, written for them by the social
-- worker. Every version is kept (the newest is the one shown); who wrote it and when is here
-- and in the audit trail. shared_with_parents: 1 when the parents may read it too.
CREATE TABLE plan_young_person_version (
    plan_id TEXT NOT NULL REFERENCES plan(id),
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    shared_with_parents BIGINT NOT NULL,
    written_by TEXT NOT NULL,
    written_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);
