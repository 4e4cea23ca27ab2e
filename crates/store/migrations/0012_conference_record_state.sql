-- List and index columns copied from the conference document on every save, like the others:
-- * record_state: where its record stands: 'none' (no draft yet), 'draft' (written, not
--   approved) or 'approved' (a version approved by the chair).
-- * slot_time and venue_key: the time it meets and its room as compared for clashes (case,
--   spacing and punctuation ignored; NULL without a room).
-- NULL for conferences saved before these columns existed: readers fall back to the document.
ALTER TABLE conference ADD COLUMN record_state TEXT;
ALTER TABLE conference ADD COLUMN slot_time TEXT;
ALTER TABLE conference ADD COLUMN venue_key TEXT;
CREATE INDEX conference_chair_state ON conference (chair_id, state, date);
-- A day's conferences by the columns clashes are looked for by, without reading the rows: the
-- columns added above sit after the (large) document in each row, so a filter on them alone
-- would read every document of the day.
CREATE INDEX conference_day ON conference (authority_id, date, state, chair_id, venue_key, slot_time, case_id);
