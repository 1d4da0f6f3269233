-- +goose Up
-- The reply of an update that was being sent, recorded before the send
-- where the platform confirms each message it accepted (WhatsApp's status
-- webhooks): a process killed in between waits for the confirmation rather
-- than sending the reply twice. NULL once confirmed, or when none is.
ALTER TABLE processed_updates ADD COLUMN reply_in_flight integer;
