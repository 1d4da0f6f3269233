-- +goose Up
-- A console job publishes an upload whose videos are cut first, which
-- takes minutes. Its state lives here rather than in the process that runs
-- it: the page that follows it is served by whichever replica the admin's
-- browser reaches, and after a restart it says the job stopped, rather
-- than that it never was. seen_at is when the running process last wrote;
-- a job not finished and not seen for a while was stopped with its
-- process.
CREATE TABLE console_jobs (
    id text PRIMARY KEY,
    platform text NOT NULL,
    user_id text NOT NULL,
    source text NOT NULL,
    started_at timestamptz NOT NULL,
    seen_at timestamptz NOT NULL,
    stage jsonb NOT NULL DEFAULT '{}',
    finished_at timestamptz,
    version bigint NOT NULL DEFAULT 0,
    encoded integer NOT NULL DEFAULT 0,
    cached integer NOT NULL DEFAULT 0,
    error_key text NOT NULL DEFAULT '',
    error_detail text NOT NULL DEFAULT ''
);
CREATE INDEX console_jobs_user ON console_jobs (platform, user_id);
