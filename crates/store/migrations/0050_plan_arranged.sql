-- Issue 12: `/deadlines` shows, beside each core group deadline, the meeting arranged for it
-- (`plan_people::arranged_for_cases`). Through `plan_case` each plan of the cases listed was
-- read from the table to test whether it is in force and has a meeting arranged, and those
-- columns come after the plan's document (8 KB on average), so each test walked the
-- document's overflow pages. This partial index holds only the plans in force with a meeting
-- arranged, with the columns the page reads: the lookup reads it alone.
CREATE INDEX plan_arranged ON plan (case_id, core_group_arranged_on, core_group_arranged_time, ended_on)
  WHERE ended_on IS NULL AND core_group_arranged_on IS NOT NULL;
