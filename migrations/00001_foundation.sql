-- +goose Up
CREATE TABLE learners (
    id           bigserial PRIMARY KEY,
    platform     text NOT NULL,
    external_id  text NOT NULL,
    chat_id      text NOT NULL DEFAULT '',
    name         text NOT NULL DEFAULT '',
    locale       text NOT NULL DEFAULT 'it',
    role         text NOT NULL DEFAULT '',
    level        text NOT NULL DEFAULT '',
    timezone     text NOT NULL DEFAULT 'Europe/Rome',
    reminder     text NOT NULL DEFAULT '',
    consent_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    blocked_at   timestamptz,
    UNIQUE (platform, external_id)
);

-- One row per incoming update, written in the same transaction as the
-- update's effects. The replies are kept until they are sent, so a crash
-- between commit and send loses nothing: unsent replies go out at start-up.
CREATE TABLE processed_updates (
    platform     text NOT NULL,
    update_id    bigint NOT NULL,
    chat_id      text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    replies      jsonb,
    sent_at      timestamptz,
    PRIMARY KEY (platform, update_id)
);
CREATE INDEX processed_updates_unsent ON processed_updates (platform, processed_at) WHERE sent_at IS NULL;

CREATE TABLE conversation_state (
    learner_id  bigint PRIMARY KEY REFERENCES learners (id) ON DELETE CASCADE,
    state       jsonb NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);
