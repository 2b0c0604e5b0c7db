-- Only Telegram binds a phone number to an account: the number the bot last received in the user's
-- own contact. Callers get codes only for it. Rows from before stay unattested: their users share
-- their contact with the bot again.
ALTER TABLE users ADD COLUMN attested_phone_number varchar(16);  -- E.164

-- Codes typed in the chat and codes checked over HTTP have budgets of their own, so that HTTP checks
-- can never burn the chat's code; so do codes the bot asked for and codes callers asked for, so that
-- callers can never use up the chat's send quota. The chat keeps the counters there were.
ALTER TABLE users RENAME COLUMN failed_attempts TO chat_failed_attempts;
ALTER TABLE users RENAME COLUMN codes_in_window TO chat_codes_in_window;
ALTER TABLE users RENAME COLUMN window_started_at TO chat_window_started_at;
ALTER TABLE users RENAME COLUMN last_code_at TO chat_last_code_at;
ALTER TABLE users
    ADD COLUMN api_failed_attempts   integer NOT NULL DEFAULT 0,  -- wrong HTTP checks of the current code
    ADD COLUMN api_codes_in_window   integer NOT NULL DEFAULT 0,  -- codes callers asked for in their window
    ADD COLUMN api_window_started_at timestamptz,
    ADD COLUMN api_last_code_at      timestamptz,
    ADD COLUMN api_failures_in_row   integer NOT NULL DEFAULT 0,  -- failed HTTP checks in a row, across codes
    ADD COLUMN api_last_failure_at   timestamptz;

-- Users who never verify are deleted once inactive for verification.unverified-retention.
CREATE INDEX users_unverified_updated_at ON users (updated_at) WHERE NOT is_verified;
