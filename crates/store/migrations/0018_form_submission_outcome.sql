-- Idempotent forms (issue 11). form_submission (0001) holds one row per form sent by a
-- signed-in person, keyed by a hash of who sent it, the page render's nonce, the address and
-- the body. outcome is '' while the first submission runs, then the address its success
-- redirected to. Old rows are removed by age, hence the index.
CREATE INDEX form_submission_created ON form_submission (created_at);
