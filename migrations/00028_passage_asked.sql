-- +goose Up
-- The questions a step lists in languages its lesson is not written in
-- (a Spanish or Polish learner's way of asking what it answers), by
-- locale. They have no passage of their own language to go with: they are
-- kept on the passage of the lesson's first locale, and searched only as
-- listed questions are, never by the full-text index.
ALTER TABLE passages ADD COLUMN asked jsonb NOT NULL DEFAULT '{}';
