-- Calendar invitations and scheduled reminders (issue 14).

-- The calendar entry (.ics) sent with an e-mail, as JSON (uid, sequence, method, start, end,
-- summary, description, location). The delivery worker writes it as a text/calendar
-- attachment with the sending address as its organiser. NULL for e-mails without one.
ALTER TABLE outbox ADD COLUMN calendar TEXT;

-- One row per meeting sent to people's calendars: its UID (random, so it says nothing about
-- the meeting) and the last SEQUENCE used. Every change of date, time or place and the
-- cancellation raise the sequence here, in the change's transaction, so several instances and
-- restarts never use one twice.
CREATE TABLE calendar_entry (
    uid TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL,
    -- 'conference' (or, later, another kind of meeting)
    meeting_kind TEXT NOT NULL,
    meeting_id TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX calendar_entry_meeting ON calendar_entry (meeting_kind, meeting_id);

-- Scheduled reminders sent (issue 14): what (kind), about which item, for whom, on which
-- occasion ('at-risk:DATE' or 'overdue:DATE'). The unique key makes each reminder once only:
-- the sweep inserts the row (insert-or-ignore) in the same transaction as its outbox message,
-- so two instances running the sweep at once never send one twice.
CREATE TABLE reminder_sent (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    item TEXT NOT NULL,
    -- user:ID, professional:ID or family-member:ID
    recipient TEXT NOT NULL,
    occasion TEXT NOT NULL,
    due_on TEXT NOT NULL,
    -- 'email' (outbox_id names the message) or 'none' (the person has no e-mail address)
    channel TEXT NOT NULL,
    outbox_id TEXT,
    sent_at TEXT NOT NULL
);
CREATE UNIQUE INDEX reminder_sent_once ON reminder_sent (kind, item, recipient, occasion);
CREATE INDEX reminder_sent_authority ON reminder_sent (authority_id, sent_at);

-- The print list's letters still to be made (issue 14): a family member told of a conference
-- who has no e-mail address gets a letter instead. The change that tells them writes this row
-- in its transaction; `confer documents print` makes the letter (tagged PDF, logged in
-- document_sent with channel 'post'), writes it out and marks it printed.
CREATE TABLE print_request (
    id TEXT PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authority(id),
    family_id TEXT NOT NULL,
    conference_id TEXT NOT NULL,
    -- family-member:ADULT
    recipient TEXT NOT NULL,
    -- invitation-letter (the invitation, or the new date, time or place)
    kind TEXT NOT NULL,
    -- en or cy
    language TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- the letter made from it (document_sent.id), once made
    document_sent_id TEXT
);
CREATE INDEX print_request_waiting ON print_request (authority_id, document_sent_id);
