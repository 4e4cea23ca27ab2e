-- Core group meetings arranged, invited to and reminded (issues 13 and 14, CG-01, CG-02).
-- * plan.core_group_arranged_on / _time: the core group meeting arranged next (UK date and
--   HH:MM), for lists and reminders without reading the plan's document; NULL when none is.
-- * document_sent.meeting: the meeting a letter is about, for core group letters
--   ('core-group:PLAN:N'); a letter waiting on the print list for a meeting that moved or
--   was cancelled is withdrawn (print_state 'withdrawn', withdrawn_at) instead of printed.
-- * print_request.withdrawn_at: a conference letter still to be made for a conference that
--   moved or was cancelled is withdrawn instead of made (its replacement, if any, follows).
ALTER TABLE plan ADD COLUMN core_group_arranged_on TEXT;
ALTER TABLE plan ADD COLUMN core_group_arranged_time TEXT;
ALTER TABLE document_sent ADD COLUMN meeting TEXT;
ALTER TABLE document_sent ADD COLUMN withdrawn_at TEXT;
ALTER TABLE print_request ADD COLUMN withdrawn_at TEXT;
CREATE INDEX document_sent_meeting ON document_sent (meeting);
CREATE INDEX print_request_conference ON print_request (conference_id, recipient);
