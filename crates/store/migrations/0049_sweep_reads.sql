-- Issue 12: the reminder sweep (at start and every 10 minutes inside `confer serve`) read, for
-- each authority, every open deadline of every rule through `deadline_authority_due` to keep
-- three rules (0.5-1.7 s at 50,000 families), and every plan in force through
-- `plan_network_due`, reading each plan's row, whose columns it reads come after the plan's
-- document (8 KB on average: its overflow pages were walked for each plan), competing with
-- every page for the cores.
--
-- deadline_sweep: the open deadlines (not met, not cancelled) by rule, with every column the
-- sweep reads (the two of the condition too, so that SQLite reads the index alone); partial,
-- so the met deadlines, which grow without end, are not in it.
CREATE INDEX deadline_sweep ON deadline (authority_id, rule, due_on, id, family_id, case_id, chair_id, met_on,
  cancelled_on) WHERE met_on IS NULL AND cancelled_on IS NULL;
-- plan_in_force: the plans not ended, with exactly the columns the sweep reads (never the
-- document), so that read is of this index alone.
CREATE INDEX plan_in_force ON plan (authority_id, id, family_id, kind, key_worker_id, core_group_due_by,
  next_review_by, network_meeting_due_by, open_action_due, core_group_arranged_on, core_group_arranged_time, ended_on)
  WHERE ended_on IS NULL;
