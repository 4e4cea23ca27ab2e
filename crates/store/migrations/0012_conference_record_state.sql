-- Where a conference's record stands, copied from the document on every save like the other
-- list columns: 'none' (no draft yet), 'draft' (written, not approved) or 'approved' (a
-- version approved by the chair). NULL for conferences saved before this column existed:
-- lists read those from the document.
ALTER TABLE conference ADD COLUMN record_state TEXT;
CREATE INDEX conference_chair_state ON conference (chair_id, state, date);
