-- +goose Up
-- Who uploaded a draft is a user of one platform: a Telegram id and a
-- WhatsApp id may be equal, so /export and /delete match both.
ALTER TABLE curriculum_drafts ADD COLUMN platform text NOT NULL DEFAULT '';
-- The drafts kept so far came from Telegram (the chat, or the web console
-- of a Telegram admin) or from the terminal chat (user "local"); WhatsApp
-- passes no files on. A draft without an uploader stays without platform.
UPDATE curriculum_drafts d SET platform = CASE
    WHEN d.created_by = '' THEN ''
    WHEN EXISTS (SELECT 1 FROM learners l WHERE l.platform = 'console' AND l.external_id = d.created_by)
        AND NOT EXISTS (SELECT 1 FROM learners l WHERE l.platform = 'telegram' AND l.external_id = d.created_by) THEN 'console'
    ELSE 'telegram'
END;
