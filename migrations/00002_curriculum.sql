-- +goose Up
-- Every publish of the curriculum is a new row; the newest row is what
-- learners see. The body is the whole curriculum as JSON (content.Curriculum).
CREATE TABLE curriculum_versions (
    id          bigserial PRIMARY KEY,
    hash        text NOT NULL,
    builtin     boolean NOT NULL DEFAULT false,
    source      text NOT NULL DEFAULT '',
    added       text[] NOT NULL DEFAULT '{}',
    changed     text[] NOT NULL DEFAULT '{}',
    removed     text[] NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    body        jsonb NOT NULL
);
