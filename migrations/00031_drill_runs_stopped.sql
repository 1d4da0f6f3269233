-- +goose Up
-- A drill the learner left before its end is stopped, not finished: its
-- run keeps no score, and a learner's data says when they stopped it.
ALTER TABLE drill_runs ADD COLUMN stopped_at timestamptz;

-- +goose Down
ALTER TABLE drill_runs DROP COLUMN stopped_at;
