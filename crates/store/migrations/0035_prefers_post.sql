-- Issue 14: a family member who asked for letters by post (LANG-03: documents in the format a
-- person can use). Their invitations and new dates go on the authority's print list as
-- letters, as for someone with no e-mail address, and reminders are not e-mailed to them.
-- 0 or 1.
ALTER TABLE adult ADD COLUMN prefers_post BIGINT NOT NULL DEFAULT 0;
