-- Indexes for lists at national scale: who reports to whom (management lines), and children
-- by authority.
CREATE INDEX user_account_line_manager ON user_account (line_manager_id);
CREATE INDEX child_authority ON child (authority_id);
