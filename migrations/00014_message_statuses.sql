-- +goose Up
-- What the platform says became of a message the bot sent (WhatsApp's
-- status webhooks: delivered, read, failed with an error code). Deliveries
-- join it on message_id, so that broadcasts and reminders know what was
-- delivered and read. A status may come before the delivery has recorded
-- its message id, hence a table of its own rather than columns.
CREATE TABLE message_statuses (
    platform     text NOT NULL,
    message_id   text NOT NULL,
    delivered_at timestamptz,
    read_at      timestamptz,
    failed_at    timestamptz,
    error_code   integer NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, message_id)
);
CREATE INDEX message_statuses_updated ON message_statuses (updated_at);
CREATE INDEX deliveries_message_id ON deliveries (message_id) WHERE message_id <> '';
