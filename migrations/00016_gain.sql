-- +goose Up
-- Learning gain and certificates.
--
-- Invitation codes: an admin creates one for a course (an evening class of a
-- trade association, one municipality's office); learners who start the bot
-- with it (/start c_<code>) belong to its cohort. created_by is the admin's
-- platform user id: /delete of that admin empties it.
CREATE TABLE invites (
    code        text PRIMARY KEY,
    course      text NOT NULL,
    platform    text NOT NULL DEFAULT '',
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The cohort a learner joined with an invitation code (one at a time: the
-- latest code they started with). It goes with the learner.
CREATE TABLE cohort_members (
    learner_id  bigint PRIMARY KEY REFERENCES learners (id) ON DELETE CASCADE,
    code        text NOT NULL REFERENCES invites (code) ON DELETE CASCADE,
    joined_at   timestamptz NOT NULL
);
CREATE INDEX cohort_members_code ON cohort_members (code);

-- A track's placement check (before its lessons) and final check (after
-- them): the items asked as "lesson/question", the answers chosen, the
-- score. A retaken check replaces the earlier one.
CREATE TABLE track_checks (
    learner_id     bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    track_id       text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('placement', 'final')),
    items          text[] NOT NULL DEFAULT '{}',
    choices        integer[] NOT NULL DEFAULT '{}',
    right_answers  integer NOT NULL CHECK (right_answers >= 0),
    total          integer NOT NULL CHECK (total > 0 AND right_answers <= total),
    attempts       integer NOT NULL DEFAULT 1,
    finished_at    timestamptz NOT NULL,
    PRIMARY KEY (learner_id, track_id, kind)
);
CREATE INDEX track_checks_track ON track_checks (track_id, kind);

-- Certificates of completion, as issued: the name the learner confirmed,
-- the track and its lessons in their language, the minutes of training. The
-- code verifies it at /verify/<code>; an admin may revoke it. It goes with
-- the learner (/delete): after that the code is unknown.
CREATE TABLE certificates (
    code         text PRIMARY KEY,
    learner_id   bigint NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    track_id     text NOT NULL,
    track_title  text NOT NULL,
    name         text NOT NULL,
    locale       text NOT NULL,
    lessons      text[] NOT NULL DEFAULT '{}',
    minutes      integer NOT NULL,
    issued_at    timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX certificates_learner ON certificates (learner_id, track_id);
