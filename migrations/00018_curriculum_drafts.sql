-- +goose Up
-- Uploads checked and waiting to be published (bottega.PublishService):
-- the merged curriculum, the version it was compared with, and who sent
-- it. A draft is published once, or forgotten after a day.
CREATE TABLE curriculum_drafts (
    id          bigserial PRIMARY KEY,
    base        bigint NOT NULL,
    source      text NOT NULL,
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    body        jsonb NOT NULL
);
CREATE INDEX curriculum_drafts_created ON curriculum_drafts (created_at);
