-- Issue 14: letters through GOV.UK Notify, and Notify's delivery-status callbacks.
--
-- * authority_channel.letter_via: 'print' (the authority's print list, as before) or 'notify'
--   (letters confer makes are sent to Notify as precompiled PDF letters).
-- * authority_channel.notify_callback_hash: the SHA-256 (hex) of the bearer token the authority
--   set for its delivery-status callback in Notify; only the hash is kept.
-- * outbox.delivery_status (delivered, permanent-failure, temporary-failure,
--   technical-failure) and when Notify said so. An e-mail to a family member about a
--   conference names the family, the conference and the letter that replaces it when Notify
--   says it can never be delivered (letter_fallback, JSON: recipient, kind, language).
-- * document_sent: a letter sent through Notify keeps Notify's id and delivery status;
--   print_state 'notify-sending' (claimed by a worker until notify_lease_until) then 'notify';
--   notify_error keeps why Notify refused it (the letter stays on the print list then).
ALTER TABLE authority_channel ADD COLUMN letter_via TEXT NOT NULL DEFAULT 'print';
ALTER TABLE authority_channel ADD COLUMN notify_callback_hash TEXT;
ALTER TABLE outbox ADD COLUMN delivery_status TEXT;
ALTER TABLE outbox ADD COLUMN delivery_status_at TEXT;
ALTER TABLE outbox ADD COLUMN family_id TEXT;
ALTER TABLE outbox ADD COLUMN conference_id TEXT;
ALTER TABLE outbox ADD COLUMN letter_fallback TEXT;
ALTER TABLE document_sent ADD COLUMN provider_id TEXT;
ALTER TABLE document_sent ADD COLUMN delivery_status TEXT;
ALTER TABLE document_sent ADD COLUMN delivery_status_at TEXT;
ALTER TABLE document_sent ADD COLUMN notify_error TEXT;
ALTER TABLE document_sent ADD COLUMN notify_lease_until TEXT;
CREATE INDEX outbox_provider_id ON outbox (provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX outbox_conference_delivery ON outbox (conference_id, delivery_status) WHERE conference_id IS NOT NULL;
CREATE INDEX document_sent_provider_id ON document_sent (provider_id) WHERE provider_id IS NOT NULL;
