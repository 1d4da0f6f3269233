-- +goose Up
-- Embeddings of the lessons' passages, made by the embeddings model the
-- assistant is configured with (OPENAI_EMBEDDING_MODEL), for ranking
-- passages by meaning as well as by words. A row is keyed by the passage
-- (lesson, kind, ref, locale: the same across curriculum versions) and the
-- model; n is 0 for the passage's own text and 1, 2, ... for the questions
-- the lesson lists with that step. digest is the SHA-256 of the text
-- embedded: a passage whose text changed, or a new model, is embedded
-- again; rows of another model or of passages gone are dropped. Nothing
-- here is about a learner.
CREATE TABLE passage_embeddings (
    model       text NOT NULL,
    lesson_id   text NOT NULL,
    kind        text NOT NULL,
    ref         text NOT NULL DEFAULT '',
    locale      text NOT NULL,
    n           int NOT NULL DEFAULT 0,
    digest      text NOT NULL,
    -- float32 values, little-endian, scaled to unit length
    vector      bytea NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model, lesson_id, kind, ref, locale, n)
);
