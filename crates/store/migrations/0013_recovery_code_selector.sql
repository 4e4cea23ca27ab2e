-- Recovery codes are hashed with argon2 (each with its own salt) since this version, so a row
-- can no longer be found by its hash: the code's first group (16 of its 80 bits, not part of
-- the 64-bit secret) is kept as it is to find the row. NULL for codes given before, which
-- were hashed with SHA-256 and are still found by their hash.
ALTER TABLE recovery_code ADD COLUMN selector TEXT;
CREATE INDEX recovery_code_selector ON recovery_code (user_id, selector);
