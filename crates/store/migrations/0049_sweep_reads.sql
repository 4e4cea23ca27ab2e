-- Issue 12: the reminder sweep (at start and every 10 minutes inside `confer serve`) read, for
-- each authority, every open deadline of every rule through `deadline_authority_due` to keep
-- three rules (0.5-1.7 s at 50,000 families on SQLite), competing with every page for the
-- cores.
--
-- deadline_sweep: the open deadlines (not met, not cancelled) by rule, with every column the
-- sweep reads (the two of the condition too, so that SQLite reads the index alone); partial,
-- so the met deadlines, which grow without end, are not in it.
CREATE INDEX deadline_sweep ON deadline (authority_id, rule, due_on, id, family_id, case_id, chair_id, met_on,
  cancelled_on) WHERE met_on IS NULL AND cancelled_on IS NULL;
