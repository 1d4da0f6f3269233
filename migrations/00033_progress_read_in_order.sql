-- +goose Up
-- How far a learner has read a lesson step by step from its first step: a
-- lesson opened midway (from an answer's button) and paged to its end is
-- not finished until the steps before are read too. Rows kept so far were
-- read in order as far as they say.
ALTER TABLE lesson_progress ADD COLUMN reached integer NOT NULL DEFAULT 0;
UPDATE lesson_progress SET reached = CASE
	WHEN finished_at IS NOT NULL THEN cardinality(step_ids)
	ELSE step_index END;

-- +goose Down
ALTER TABLE lesson_progress DROP COLUMN reached;
