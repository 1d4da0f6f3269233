-- +goose Up
-- The web console: one-time sign-in links and sessions of the admins who
-- use it, and the indexes its pages read through. Tokens are kept as their
-- SHA-256, so a copy of the database signs nobody in.
CREATE TABLE console_links (
    token_hash   bytea PRIMARY KEY,
    -- the admin's platform and user id, as in BOTTEGA_ADMINS
    platform     text NOT NULL,
    user_id      text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);
CREATE INDEX console_links_expires ON console_links (expires_at);

CREATE TABLE console_sessions (
    token_hash   bytea PRIMARY KEY,
    platform     text NOT NULL,
    user_id      text NOT NULL,
    -- the token every form of the session carries
    csrf         text NOT NULL,
    created_at   timestamptz NOT NULL,
    seen_at      timestamptz NOT NULL
);
CREATE INDEX console_sessions_seen ON console_sessions (seen_at);

-- The overview: counts that would otherwise read whole tables.
CREATE INDEX learners_active ON learners (id) WHERE blocked_at IS NULL;
CREATE INDEX learners_name ON learners USING gin (lower(name) gin_trgm_ops);
CREATE INDEX activity_days_day ON activity_days (day, learner_id);
CREATE INDEX lesson_progress_funnel ON lesson_progress (lesson_id) INCLUDE (finished_at, quiz_right, quiz_total);
CREATE INDEX quiz_answers_recent ON quiz_answers (answered_at) INCLUDE (correct);
CREATE INDEX ask_questions_recent ON ask_questions (asked_at) INCLUDE (mode);
CREATE INDEX ask_feedback_recent ON ask_feedback (created_at) INCLUDE (helpful);
CREATE INDEX ask_turns_question ON ask_turns (question_id);
