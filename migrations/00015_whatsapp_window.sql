-- +goose Up
-- WhatsApp lets a business write freely only within 24 hours of the
-- learner's last message; outside it, reminders and broadcasts go as
-- approved templates, or are skipped (never sent to fail) when none is
-- configured for the learner's language.
ALTER TABLE learners ADD COLUMN last_inbound_at timestamptz;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled', 'uncertain', 'skipped'));
