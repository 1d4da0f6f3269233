-- +goose Up
-- A search raises the steps whose listed questions are like the learner's:
-- they are looked up by lesson and step.
CREATE INDEX passages_step ON passages (version_id, lesson_id, ref);
