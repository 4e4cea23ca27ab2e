-- Issue 15 (QA-02): each conference's participation, counted from its document by the domain
-- (`Conference::participation`) and rewritten in the same transaction as every save of the
-- conference, so the dashboards add numbers up in SQL instead of reading every document.
-- One row per conference; held_on is NULL until the meeting starts (and for a cancelled one).
-- Existing conferences are counted at startup, after the migrations (`participation::backfill`).
CREATE TABLE conference_participation (
    conference_id TEXT PRIMARY KEY REFERENCES conference(id),
    authority_id TEXT NOT NULL,
    family_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    chair_id TEXT,
    held_on TEXT,
    parents BIGINT NOT NULL,
    parents_attended BIGINT NOT NULL,
    children BIGINT NOT NULL,
    children_views BIGINT NOT NULL,
    children_invited BIGINT NOT NULL,
    children_attended BIGINT NOT NULL,
    interpreters_needed BIGINT NOT NULL,
    interpreters_booked BIGINT NOT NULL,
    excluded_whole BIGINT NOT NULL,
    excluded_part BIGINT NOT NULL,
    -- exclusions naming each reason of EXC-02
    excluded_risk_of_violence BIGINT NOT NULL,
    excluded_risk_of_harm_to_child BIGINT NOT NULL,
    excluded_harm_to_own_wellbeing BIGINT NOT NULL,
    excluded_likely_to_disrupt BIGINT NOT NULL,
    excluded_under_the_influence BIGINT NOT NULL,
    dissents BIGINT NOT NULL
);
CREATE INDEX conference_participation_held ON conference_participation (authority_id, held_on);
