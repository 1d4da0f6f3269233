-- +goose Up
-- What admins send: broadcasts to many learners and the daily reminders,
-- through one delivery queue. See package broadcast for how a delivery is
-- sent exactly once.

CREATE TABLE broadcasts (
    id                bigserial PRIMARY KEY,
    -- the admin's platform user id, or "cli"
    created_by        text NOT NULL DEFAULT '',
    platform          text NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('lesson', 'text')),
    lesson_id         text NOT NULL DEFAULT '',
    text              text NOT NULL DEFAULT '',
    -- the filters the learners were chosen with (bottega.Audience)
    audience          jsonb NOT NULL DEFAULT '{}',
    status            text NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'running', 'paused', 'cancelled', 'done')),
    -- messages per second
    rate              double precision NOT NULL DEFAULT 25,
    total             integer NOT NULL DEFAULT 0,
    -- the admin's message that shows the progress, edited as it goes
    progress_chat     text NOT NULL DEFAULT '',
    progress_message  text NOT NULL DEFAULT '',
    progress_lang     text NOT NULL DEFAULT 'it',
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz
);
CREATE INDEX broadcasts_active ON broadcasts (platform, id) WHERE status IN ('running', 'paused');

-- One row per message to one learner. Broadcast rows are created all at
-- once, in the transaction that starts the broadcast; reminder rows one per
-- learner and day. A row is pending until a worker leases it, marks it
-- sending (committed before the request leaves), sends it and marks the
-- outcome. A row found sending after a crash is uncertain: never resent.
CREATE TABLE deliveries (
    id               bigserial PRIMARY KEY,
    broadcast_id     bigint REFERENCES broadcasts (id) ON DELETE CASCADE,
    learner_id       bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('broadcast', 'reminder')),
    -- the learner's local date of a reminder
    day              date,
    -- what a reminder is about (bottega.ReminderPayload)
    payload          jsonb NOT NULL DEFAULT '{}',
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled', 'uncertain')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- a reminder not sent by then is dropped (quiet hours begin)
    expires_at       timestamptz,
    lease_owner      text,
    lease_until      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    message_id       text NOT NULL DEFAULT '',
    error            text NOT NULL DEFAULT '',
    UNIQUE (broadcast_id, learner_id),
    CHECK ((kind = 'broadcast') = (broadcast_id IS NOT NULL)),
    CHECK ((kind = 'reminder') = (day IS NOT NULL))
);
CREATE UNIQUE INDEX deliveries_reminder_day ON deliveries (learner_id, day) WHERE kind = 'reminder';
CREATE INDEX deliveries_pending ON deliveries (id) WHERE status = 'pending';
CREATE INDEX deliveries_sending ON deliveries (id) WHERE status = 'sending';
CREATE INDEX deliveries_broadcast ON deliveries (broadcast_id, status);
CREATE INDEX deliveries_reminders ON deliveries (learner_id, day) WHERE kind = 'reminder';

-- A video an admin attached to a lesson from the chat: the platform's file
-- id, used instead of uploading the lesson's video.
CREATE TABLE lesson_videos (
    lesson_id   text NOT NULL,
    platform    text NOT NULL,
    file_id     text NOT NULL,
    kind        text NOT NULL DEFAULT 'video',
    added_by    text NOT NULL DEFAULT '',
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (lesson_id, platform)
);

-- The admin's chat wizards (a broadcast being composed, an upload waiting
-- for Publish): kept apart from the learner's conversation state.
CREATE TABLE admin_state (
    platform    text NOT NULL,
    user_id     text NOT NULL,
    state       jsonb NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, user_id)
);
