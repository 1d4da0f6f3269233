package store

import (
	"context"
	"fmt"

	"github.com/bottega-app/bottega"
)

// RecordAnswer stores one answer to a quiz question, if the learner gave
// consent.
func (s *DB) RecordAnswer(ctx context.Context, a bottega.Answer) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO quiz_answers (learner_id, lesson_id, question_id, choice, correct, source, version, answered_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE `+consented,
		a.LearnerID, a.LessonID, a.QuestionID, a.Choice, a.Correct, a.Source, a.Version, a.At)
	if err != nil {
		return fmt.Errorf("record answer to %s/%s: %w", a.LessonID, a.QuestionID, err)
	}
	return nil
}

// AnswerStats counts the learner's answers and the right ones.
func (s *DB) AnswerStats(ctx context.Context, learnerID int64) (total, correct int, err error) {
	err = s.q.QueryRowxContext(ctx, `
		SELECT count(*), count(*) FILTER (WHERE correct) FROM quiz_answers WHERE learner_id = $1`,
		learnerID).Scan(&total, &correct)
	if err != nil {
		return 0, 0, fmt.Errorf("count answers: %w", err)
	}
	return total, correct, nil
}

// AnswerCount counts the learner's answers to one question, in quizzes and
// reviews: the number of the attempt now on screen, counted from 0.
func (s *DB) AnswerCount(ctx context.Context, learnerID int64, lessonID, questionID string) (int, error) {
	var n int
	err := s.q.QueryRowxContext(ctx, `
		SELECT count(*) FROM quiz_answers WHERE learner_id = $1 AND lesson_id = $2 AND question_id = $3`,
		learnerID, lessonID, questionID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count answers to %s/%s: %w", lessonID, questionID, err)
	}
	return n, nil
}

// Missed returns the questions of a lesson whose latest answer by the
// learner was wrong, in question id order.
func (s *DB) Missed(ctx context.Context, learnerID int64, lessonID string) ([]string, error) {
	var ids []string
	err := s.q.SelectContext(ctx, &ids, `
		SELECT question_id FROM (
			SELECT DISTINCT ON (question_id) question_id, correct FROM quiz_answers
			WHERE learner_id = $1 AND lesson_id = $2
			ORDER BY question_id, answered_at DESC, id DESC
		) latest WHERE NOT correct ORDER BY question_id`, learnerID, lessonID)
	if err != nil {
		return nil, fmt.Errorf("load missed questions of %s: %w", lessonID, err)
	}
	return ids, nil
}

// Answers returns every answer of the learner, oldest first.
func (s *DB) Answers(ctx context.Context, learnerID int64) ([]bottega.Answer, error) {
	var as []bottega.Answer
	err := s.q.SelectContext(ctx, &as, `
		SELECT learner_id, lesson_id, question_id, choice, correct, source, version, answered_at
		FROM quiz_answers WHERE learner_id = $1 ORDER BY answered_at, id`, learnerID)
	if err != nil {
		return nil, fmt.Errorf("load answers: %w", err)
	}
	return as, nil
}
