-- Delivery of the outbox through an SMTP relay (or, for demonstrations, a folder of .eml files).
-- A message is 'pending' until it is sent ('sent'), or until its last attempt fails ('failed',
-- for a person to look at with `confer outbox`). A worker claims due messages by setting a
-- lease (lease_owner, lease_until) in a transaction; if it stops before it records the outcome,
-- the lease runs out and a worker sends the message again with the same Message-ID (at least
-- once, never lost). last_error holds the kind of failure and the SMTP code, never an address.
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN failed_at TEXT;
UPDATE outbox SET status = 'sent' WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
