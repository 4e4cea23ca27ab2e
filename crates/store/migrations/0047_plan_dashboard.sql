-- Issue 12: the managers' dashboards read the child protection plans started or ended in a
-- period (the outcome figures, and the plans behind a figure, paged in SQL). Without these
-- each request read every plan of the authority (a scan of 61,599 plans at 50,000 families,
-- 160 ms for the count and as much for a page). Each index holds every column those counts
-- read, so a count reads the index alone; the first serves "started in the period", the
-- second "ended in the period".
CREATE INDEX plan_dashboard_started ON plan (authority_id, kind, started_on, ended_on, category, previous_plans);
CREATE INDEX plan_dashboard_ended ON plan (authority_id, kind, ended_on, started_on, category, previous_plans);
