-- +goose Up
-- Model calls made for something other than a question (a plain-language
-- rewrite, a comment on a drill answer) count in the learner's daily
-- tokens too: their usage has no question.
ALTER TABLE ask_usage ALTER COLUMN question_id DROP NOT NULL;

-- +goose Down
DELETE FROM ask_usage WHERE question_id IS NULL;
ALTER TABLE ask_usage ALTER COLUMN question_id SET NOT NULL;
