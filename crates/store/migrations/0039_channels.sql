-- Issue 14: text messages and GOV.UK Notify as adapters behind the same outbox, chosen per
-- authority.
-- * outbox.channel (from 0001) is now 'email' or 'sms'; outbox.provider names the adapter
--   that took the message ('smtp', 'folder' or 'notify') and outbox.provider_id the
--   provider's own id for it (Notify's notification id), both set when it is sent.
-- * authority_channel: how an authority's messages go. email_via is 'smtp' (the relay given
--   to `confer serve`) or 'notify'; sms_via is 'off' or 'notify' (a family member with a
--   mobile number who has not asked for post is also told by text). The Notify API key is
--   stored sealed (as TOTP secrets are, when a key is set) and only its last four
--   characters are ever shown back (notify_key_hint). v: optimistic version.
ALTER TABLE outbox ADD COLUMN provider TEXT;
ALTER TABLE outbox ADD COLUMN provider_id TEXT;
CREATE TABLE authority_channel (
    authority_id TEXT PRIMARY KEY REFERENCES authority(id),
    email_via TEXT NOT NULL,
    sms_via TEXT NOT NULL,
    notify_api_key TEXT,
    notify_key_hint TEXT,
    notify_email_template TEXT,
    notify_sms_template TEXT,
    v BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
