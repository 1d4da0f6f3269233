-- +goose Up
-- What the learning flows keep. Every table belongs to a learner and goes
-- with them (ON DELETE CASCADE), so /delete erases everything. Times are the
-- flows' clock, not now(), so tests are deterministic.

-- Where a learner is in each lesson they opened. The step is kept by id and
-- index, with the lesson's step ids at the time, so a position survives a new
-- curriculum version.
CREATE TABLE lesson_progress (
    learner_id   bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id    text NOT NULL,
    step_id      text NOT NULL DEFAULT '',
    step_index   integer NOT NULL DEFAULT 0,
    step_ids     text[] NOT NULL DEFAULT '{}',
    version      bigint NOT NULL DEFAULT 0,
    started_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    quiz_right   integer NOT NULL DEFAULT 0,
    quiz_total   integer NOT NULL DEFAULT 0,
    quiz_at      timestamptz,
    PRIMARY KEY (learner_id, lesson_id)
);
CREATE INDEX lesson_progress_recent ON lesson_progress (learner_id, updated_at DESC);

-- Every answer to a quiz question, in a quiz or in a review.
CREATE TABLE quiz_answers (
    id           bigserial PRIMARY KEY,
    learner_id   bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id    text NOT NULL,
    question_id  text NOT NULL,
    choice       integer NOT NULL,
    correct      boolean NOT NULL,
    source       text NOT NULL CHECK (source IN ('quiz', 'review')),
    version      bigint NOT NULL DEFAULT 0,
    answered_at  timestamptz NOT NULL
);
CREATE INDEX quiz_answers_learner ON quiz_answers (learner_id, lesson_id, question_id, answered_at DESC, id DESC);
-- Where learners struggle, per question, for the admins.
CREATE INDEX quiz_answers_question ON quiz_answers (lesson_id, question_id);

-- The spaced-repetition schedule (Leitner boxes 1-5): a question answered
-- wrongly is due again from due_at, the start of a day in the learner's
-- time zone. Reminders read it.
CREATE TABLE review_items (
    learner_id   bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id    text NOT NULL,
    question_id  text NOT NULL,
    box          integer NOT NULL CHECK (box BETWEEN 1 AND 5),
    due_at       timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (learner_id, lesson_id, question_id)
);
CREATE INDEX review_items_due ON review_items (due_at, learner_id);

-- The days (in the learner's time zone) on which the learner did something,
-- for streaks.
CREATE TABLE activity_days (
    learner_id   bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    day          date NOT NULL,
    PRIMARY KEY (learner_id, day)
);
