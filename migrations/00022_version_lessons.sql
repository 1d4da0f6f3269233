-- +goose Up
-- How many lessons a curriculum version has, kept with it: the list of
-- versions shows it without reading every version's body.
ALTER TABLE curriculum_versions ADD COLUMN lessons integer NOT NULL DEFAULT 0;
UPDATE curriculum_versions SET lessons = (
    SELECT coalesce(sum(jsonb_array_length(t->'lessons')), 0) FROM jsonb_array_elements(body->'tracks') t);
