-- Issue 12: the deadlines behind a dashboard figure (`/dashboards/families`), a page of 50 at
-- a time in the order shown (the earliest due first, then by id), read in order from this
-- index without sorting the period's deadlines; every column the filter reads is in it, so
-- only the rows of the page shown are read from the table.
CREATE INDEX deadline_behind ON deadline (authority_id, due_on, id, rule, met_on, late_reason, cancelled_on, family_id);
