-- HTTP checks of telegram_ids that have no account, counted as an account's are (verification.max-attempts,
-- verification.max-failures), so that an unknown id answers the same sequence as an account: none tells whether an
-- account exists. Deleted verification.unverified-retention after the last counted check, as an unverified user is;
-- the gateway's total rate limit bounds how many rows that leaves (docs/reliability.md).
CREATE TABLE unknown_telegram_ids (
    telegram_id         bigint      PRIMARY KEY,
    api_failed_attempts integer     NOT NULL,
    api_failures_in_row integer     NOT NULL,
    api_last_failure_at timestamptz NOT NULL
);

CREATE INDEX unknown_telegram_ids_last_failure_at ON unknown_telegram_ids (api_last_failure_at);
