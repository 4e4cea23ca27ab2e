-- Issue 12: indexes for the pages measured at 50,000 families.
--
-- The coordinator's queue of requests waiting for a date (`/conferences`), in the order it is
-- shown (the earliest due first), so the first page of it is read without sorting the whole
-- backlog.
CREATE INDEX conference_waiting ON conference (authority_id, state, due_by, created_at, id);

-- The managers' dashboards count the deadlines due in a period (a year: about 100,000 at
-- 50,000 families). Every column the count reads is in the index, so the count reads the
-- index alone, not each deadline's row.
CREATE INDEX deadline_dashboard ON deadline (authority_id, due_on, rule, met_on, late_reason, cancelled_on);

-- Records due for a disposal review (`/records`, KEEP-01): the candidates are the families
-- with a child born at least the retention age ago, found from the children's dates instead
-- of grouping every child of the authority. One index answers both halves of the search, from
-- the index alone: children born by the cutoff, and unborn children (no date of birth, 3,735 at
-- 50,000 families) expected by it.
CREATE INDEX child_born ON child (date_of_birth, expected_date, family_id);
