-- +goose Up
-- The assistant: the curriculum split into searchable passages, the
-- questions learners ask, the answers' usage and feedback, and the last
-- turns of each conversation.

-- unaccent and pg_trgm are trusted extensions: a database owner may create
-- them.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Text search configurations that fold accents before stemming, so that
-- "perché", "perche" and "perche'" are the same word. A configuration (not
-- the unaccent() function, which is only STABLE) keeps to_tsvector
-- IMMUTABLE, as a generated column needs. Polish has no stemmer in
-- Postgres: it and any other locale use simple_unaccent.
CREATE TEXT SEARCH CONFIGURATION it_unaccent (COPY = pg_catalog.italian);
ALTER TEXT SEARCH CONFIGURATION it_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, italian_stem;
CREATE TEXT SEARCH CONFIGURATION en_unaccent (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION en_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
CREATE TEXT SEARCH CONFIGURATION es_unaccent (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION es_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TEXT SEARCH CONFIGURATION de_unaccent (COPY = pg_catalog.german);
ALTER TEXT SEARCH CONFIGURATION de_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, german_stem;
CREATE TEXT SEARCH CONFIGURATION simple_unaccent (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION simple_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

-- One row per searchable piece of a lesson in one locale: its summary, each
-- step, each quiz explanation. Rebuilt in the publish transaction; only the
-- newest version is searched.
CREATE TABLE passages (
    id              bigserial PRIMARY KEY,
    version_id      bigint NOT NULL REFERENCES curriculum_versions (id) ON DELETE CASCADE,
    track_id        text NOT NULL,
    lesson_id       text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('summary', 'step', 'quiz')),
    ref             text NOT NULL DEFAULT '',     -- the step or question id
    position        int NOT NULL DEFAULT 0,       -- the step's number, from 1; 0 otherwise
    steps           int NOT NULL DEFAULT 0,       -- how many steps the lesson has
    locale          text NOT NULL,
    config          regconfig NOT NULL,
    roles           text[] NOT NULL DEFAULT '{}',
    lesson_locales  text[] NOT NULL DEFAULT '{}',
    title           text NOT NULL,
    body            text NOT NULL,
    keywords        text NOT NULL DEFAULT '',
    -- title and keywords, lower-case and without accents, for trigram
    -- similarity
    tags            text NOT NULL DEFAULT '',
    video_start     int,                          -- seconds into the lesson's video
    tsv             tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector(config, title || ' ' || keywords), 'A') ||
                        setweight(to_tsvector(config, body), 'B')) STORED
);
CREATE INDEX passages_version ON passages (version_id);
-- The GIN indexes skip the pending list: passages are written in bulk at
-- publish time only, and a pending list makes every search slower (and the
-- planner shy of the index) until a vacuum.
CREATE INDEX passages_tsv ON passages USING gin (tsv) WITH (fastupdate = off);

-- The words of a version's passages, lower-case without accents: a
-- learner's misspelt word is replaced by the most similar of them
-- (pg_trgm's % operator, through a GIN index: much faster than GiST's
-- nearest-neighbour search on short words).
CREATE TABLE passage_words (
    version_id  bigint NOT NULL REFERENCES curriculum_versions (id) ON DELETE CASCADE,
    word        text NOT NULL,
    PRIMARY KEY (version_id, word)
);
CREATE INDEX passage_words_trgm ON passage_words USING gin (word gin_trgm_ops) WITH (fastupdate = off);

-- passage_word_fix returns the word of a version's passages most similar to
-- w (w itself when the passages have it), or null when none is at least
-- min_sim similar. The planner cannot see how few words a % lookup matches
-- and would scan the table: the function makes it use the index.
-- +goose StatementBegin
CREATE FUNCTION passage_word_fix(version bigint, w text, min_sim real) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
AS $$
    SELECT pw.word FROM passage_words pw
    WHERE pw.version_id = version AND pw.word % w AND similarity(pw.word, w) >= min_sim
    ORDER BY similarity(pw.word, w) DESC, pw.word
    LIMIT 1
$$;
-- +goose StatementEnd

-- What an indexed version holds: the locales every lesson is written in
-- (a learner in another locale also searches the Italian and English
-- passages of the lessons that lack theirs).
CREATE TABLE passage_versions (
    version_id  bigint PRIMARY KEY REFERENCES curriculum_versions (id) ON DELETE CASCADE,
    passages    int NOT NULL,
    complete    text[] NOT NULL DEFAULT '{}',
    indexed_at  timestamptz NOT NULL DEFAULT now()
);

-- How informative each lexeme of a version is, per text search
-- configuration: ranking weighs a matched lexeme by its inverse document
-- frequency, which ts_rank ignores.
CREATE TABLE passage_lexemes (
    version_id  bigint NOT NULL REFERENCES curriculum_versions (id) ON DELETE CASCADE,
    config      regconfig NOT NULL,
    lexeme      text NOT NULL,
    ndoc        int NOT NULL,
    idf         real NOT NULL,
    PRIMARY KEY (version_id, config, lexeme)
);

CREATE TABLE ask_questions (
    id           bigserial PRIMARY KEY,
    learner_id   bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    locale       text NOT NULL,
    text         text NOT NULL,
    asked_at     timestamptz NOT NULL,
    answered_at  timestamptz,
    -- llm, offline (no LLM configured), fallback (the LLM failed) or
    -- uncovered (the lessons do not answer it)
    mode         text NOT NULL DEFAULT '',
    -- the lessons do not cover it: a hint for content authors
    unanswered   boolean NOT NULL DEFAULT false,
    lessons      text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX ask_questions_learner ON ask_questions (learner_id, asked_at);
CREATE INDEX ask_questions_unanswered ON ask_questions (asked_at) WHERE unanswered;

-- One row per LLM call (or offline answer), for cost and quota.
CREATE TABLE ask_usage (
    id           bigserial PRIMARY KEY,
    question_id  bigint NOT NULL REFERENCES ask_questions (id) ON DELETE CASCADE,
    learner_id   bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    model        text NOT NULL DEFAULT '',
    outcome      text NOT NULL,
    tokens_in    int NOT NULL DEFAULT 0,
    tokens_out   int NOT NULL DEFAULT 0,
    latency_ms   int NOT NULL DEFAULT 0,
    cost_usd     numeric(12, 6) NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL
);
CREATE INDEX ask_usage_learner ON ask_usage (learner_id, created_at);

CREATE TABLE ask_feedback (
    question_id  bigint PRIMARY KEY REFERENCES ask_questions (id) ON DELETE CASCADE,
    learner_id   bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    helpful      boolean NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- The conversation with the assistant, so a follow-up question can refer
-- to the previous ones.
CREATE TABLE ask_turns (
    id           bigserial PRIMARY KEY,
    learner_id   bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    question_id  bigint REFERENCES ask_questions (id) ON DELETE CASCADE,
    role         text NOT NULL CHECK (role IN ('user', 'assistant')),
    text         text NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX ask_turns_learner ON ask_turns (learner_id, id);
