-- Issue 12: the delivery worker's claim reads the pending messages through an index instead
-- of reading the whole outbox and sorting it (a demo of 50,000 families leaves some 33,000
-- reminders pending: each claim was a scan and a sort of them, 30-50 ms).
--
-- outbox_pending: the pending messages in the order they are sent (the earliest first), so
-- a claim of 20 reads the first 20 due of the index. Partial: sent and failed messages, which
-- grow without end, are not in it.
CREATE INDEX outbox_pending ON outbox (created_at) WHERE status = 'pending';
-- outbox_pending_route: a worker without a relay sends only what goes through GOV.UK Notify
-- (text messages, and the e-mails of the authorities that chose it): it seeks those directly,
-- so with none pending its claim reads nothing.
CREATE INDEX outbox_pending_route ON outbox (channel, authority_id, created_at) WHERE status = 'pending';
