-- +goose Up
-- Crisis drills. A run is one learner playing one drill; each written
-- answer is kept with its score and the rubric's findings (result); a
-- timer is a moment when something is due in a run (an event arrives, the
-- time to answer ends). The drill loop delivers due timers as updates of
-- the learner's chat, and the update's transaction marks the timer done:
-- a crash before the commit leaves it due, after it the update is known,
-- so nothing is lost or delivered twice.
CREATE TABLE drill_runs (
    id          bigserial PRIMARY KEY,
    learner_id  bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    drill_id    text NOT NULL,
    version     bigint NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    score       int
);
CREATE INDEX drill_runs_learner ON drill_runs (learner_id);

CREATE TABLE drill_answers (
    run_id      bigint NOT NULL REFERENCES drill_runs (id) ON DELETE CASCADE,
    learner_id  bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    task_id     text NOT NULL,
    answer      text NOT NULL,
    score       int NOT NULL,
    verdict     text NOT NULL,
    result      jsonb NOT NULL,
    answered_at timestamptz NOT NULL,
    PRIMARY KEY (run_id, task_id)
);
CREATE INDEX drill_answers_learner ON drill_answers (learner_id);

CREATE TABLE drill_timers (
    id          bigserial PRIMARY KEY,
    run_id      bigint NOT NULL REFERENCES drill_runs (id) ON DELETE CASCADE,
    learner_id  bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    task_id     text NOT NULL,
    -- the event's index in the task, or -1 for the end of the time to answer
    event       int NOT NULL,
    due_at      timestamptz NOT NULL,
    done_at     timestamptz
);
CREATE INDEX drill_timers_due ON drill_timers (due_at) WHERE done_at IS NULL;
CREATE INDEX drill_timers_learner ON drill_timers (learner_id);

