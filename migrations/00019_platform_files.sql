-- +goose Up
-- The id a platform gave a file the bot sent it (Telegram's file_id,
-- WhatsApp's media id), so that each file is uploaded once per platform and
-- then reused. key names the file's source: a URL, or the SHA-256 of a
-- local file's content. Telegram's cache moves here, rows and all.
CREATE TABLE platform_files (
    platform   text NOT NULL,
    key        text NOT NULL,
    file_id    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, key)
);
INSERT INTO platform_files (platform, key, file_id, created_at)
SELECT 'telegram', key, file_id, created_at FROM telegram_files;
DROP TABLE telegram_files;
