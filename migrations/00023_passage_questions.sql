-- +goose Up
-- The questions a step lists (how learners ask what it answers), kept
-- apart from the keywords they are searched with: steps are also ranked
-- by how close a question is to the ones they list.
ALTER TABLE passages ADD COLUMN questions text[] NOT NULL DEFAULT '{}';
