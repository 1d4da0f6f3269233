-- +goose Up
-- The id a platform gave a file uploaded to it (a lesson's clip uploaded to
-- WhatsApp's /media), by platform and the file's key (a clip's content
-- address), so that each clip is uploaded once per platform and then sent
-- by its id. WhatsApp keeps an upload for 30 days: created_at tells when an
-- id is too old to use.
CREATE TABLE media_ids (
    platform   text NOT NULL,
    key        text NOT NULL,
    kind       text NOT NULL,
    media_id   text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, key)
);
