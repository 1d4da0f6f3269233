-- +goose Up
-- Where an answer being written stands, so that an answer task run again
-- after a crash edits the message it had started instead of leaving it half
-- written, and shows a finished answer again without asking the model a
-- second time. Both are cleared once the question is marked answered.
-- message_id is the platform's id of the chat message being written; answer
-- the finished answer (the message as shown, how it was made, its usage).
ALTER TABLE ask_questions
    ADD COLUMN message_id text NOT NULL DEFAULT '',
    ADD COLUMN answer jsonb;
