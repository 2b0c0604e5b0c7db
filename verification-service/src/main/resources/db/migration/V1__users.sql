-- The specification's users table, plus what the limits need.
CREATE TABLE users (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    telegram_id       bigint       NOT NULL UNIQUE,
    phone_number      varchar(16)  NOT NULL,                -- E.164
    verification_code varchar(64),                          -- HMAC-SHA256 (hex) of the live code; never the code
    expires_at        timestamptz,
    is_verified       boolean      NOT NULL DEFAULT false,
    failed_attempts   integer      NOT NULL DEFAULT 0,      -- wrong checks of the current code
    codes_in_window   integer      NOT NULL DEFAULT 0,      -- codes sent in the current quota window
    window_started_at timestamptz,
    last_code_at      timestamptz,                          -- for the resend cooldown
    language          varchar(2)   NOT NULL,
    created_at        timestamptz  NOT NULL,
    updated_at        timestamptz  NOT NULL,
    verified_at       timestamptz
);

-- A verified phone number belongs to one user only.
CREATE UNIQUE INDEX users_verified_phone_number ON users (phone_number) WHERE is_verified;

-- Idempotency: a command redelivered after a crash gets its first reply again and changes nothing.
CREATE TABLE processed_commands (
    event_id     uuid        PRIMARY KEY,
    reply        bytea,
    processed_at timestamptz NOT NULL
);

CREATE INDEX processed_commands_processed_at ON processed_commands (processed_at);

-- Outbox: records to publish, written in the same transaction as the change that causes them.
-- Payloads are sealed (AES-GCM) because a code to deliver must never be stored in clear.
CREATE TABLE outbox (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic          varchar(249) NOT NULL,
    kafka_partition integer,
    record_key     varchar(20)  NOT NULL,
    correlation_id bytea,
    payload        bytea        NOT NULL,
    created_at     timestamptz  NOT NULL DEFAULT now()
);
