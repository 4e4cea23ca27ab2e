-- Issue 12: plans looked up by their case had no index, so each lookup read every plan (with
-- its document) of every authority:
-- * `/deadlines` reads the core group meeting arranged for the cases listed
--   (`plan_people::arranged_for_cases`): 280-315 ms a request at 50,000 families on SQLite;
-- * the managers' dashboards filtered by category ask, for each deadline in the period, whether
--   its case has a plan of that category (`EXISTS ... p.case_id = d.case_id`): on SQLite that
--   was a scan of the plans per deadline, and the page ran past its 30 s limit (503).
CREATE INDEX plan_case ON plan (case_id, kind, category);
