-- Personal access tokens expire: the end is chosen when a token is made (at most a year).
-- Tokens made before this migration have none and are refused: their owners make new ones.
ALTER TABLE access_token ADD COLUMN expires_at TEXT;
