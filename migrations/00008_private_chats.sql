-- +goose Up
-- A learner's chat is where bulk messages (broadcasts, reminders) go, so it
-- must be their private chat with the bot. Learners first seen in a Telegram
-- group were given the group (groups, supergroups and channels have negative
-- ids): they get no bulk message until they open a private chat, which then
-- becomes their chat.
UPDATE learners SET chat_id = '' WHERE platform = 'telegram' AND chat_id LIKE '-%';
