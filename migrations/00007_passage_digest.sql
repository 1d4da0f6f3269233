-- +goose Up
-- A digest of what a version's index holds (passages and words), so that a
-- new release that indexes differently (say, quizzes quoted otherwise)
-- rebuilds the index of the current version at start-up.
ALTER TABLE passage_versions ADD COLUMN digest text NOT NULL DEFAULT '';
