-- +goose Up
-- The file_id Telegram returns for a photo or video we sent, so each file is
-- uploaded (or fetched by Telegram from its URL) once and then reused. The key
-- names the source: a URL, or the SHA-256 of a local file's content.
CREATE TABLE telegram_files (
    key        text PRIMARY KEY,
    kind       text NOT NULL,
    file_id    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
