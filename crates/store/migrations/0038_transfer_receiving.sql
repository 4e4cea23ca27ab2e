-- Issue 13, PLAN-05, TIME-02: the receiving side of a transfer between two tenants of this
-- installation. The sending authority's consent to share the transfer pack (who and when: the
-- receiving authority opens the pack only with it), and the receiving authority's answer: an
-- accepted transfer names the transfer-in conference it requested; a declined one, who
-- declined it, when, and why. state is now 'pending', 'accepted' or 'declined'.
ALTER TABLE plan_transfer ADD COLUMN pack_shared_by TEXT;
ALTER TABLE plan_transfer ADD COLUMN pack_shared_at TEXT;
ALTER TABLE plan_transfer ADD COLUMN conference_id TEXT;
ALTER TABLE plan_transfer ADD COLUMN declined_by TEXT;
ALTER TABLE plan_transfer ADD COLUMN declined_at TEXT;
ALTER TABLE plan_transfer ADD COLUMN declined_reason TEXT;
