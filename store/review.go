package store

import (
	"context"
	"fmt"
	"time"

	"github.com/bottega-app/bottega"
)

const reviewCols = `learner_id, lesson_id, question_id, box, due_at, updated_at`

// SaveReviewItem schedules a question for review, replacing its previous
// schedule, if the learner gave consent.
func (s *DB) SaveReviewItem(ctx context.Context, it bottega.ReviewItem) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO review_items (learner_id, lesson_id, question_id, box, due_at, updated_at)
		SELECT $1, $2, $3, $4, $5, $6 WHERE `+consented+`
		ON CONFLICT (learner_id, lesson_id, question_id) DO UPDATE SET
			box = EXCLUDED.box, due_at = EXCLUDED.due_at, updated_at = EXCLUDED.updated_at`,
		it.LearnerID, it.LessonID, it.QuestionID, it.Box, it.DueAt, it.UpdatedAt)
	if err != nil {
		return fmt.Errorf("schedule review of %s/%s: %w", it.LessonID, it.QuestionID, err)
	}
	return nil
}

// DeleteReviewItem takes a question off the learner's review schedule.
func (s *DB) DeleteReviewItem(ctx context.Context, learnerID int64, lessonID, questionID string) error {
	_, err := s.q.ExecContext(ctx, `
		DELETE FROM review_items WHERE learner_id = $1 AND lesson_id = $2 AND question_id = $3`,
		learnerID, lessonID, questionID)
	if err != nil {
		return fmt.Errorf("unschedule review of %s/%s: %w", lessonID, questionID, err)
	}
	return nil
}

// ReviewItem returns a question's review schedule; ok is false if it has
// none.
func (s *DB) ReviewItem(ctx context.Context, learnerID int64, lessonID, questionID string) (it bottega.ReviewItem, ok bool, err error) {
	err = s.q.GetContext(ctx, &it, `
		SELECT `+reviewCols+` FROM review_items
		WHERE learner_id = $1 AND lesson_id = $2 AND question_id = $3`, learnerID, lessonID, questionID)
	if err := notFound(err); err == ErrNotFound {
		return it, false, nil
	} else if err != nil {
		return it, false, fmt.Errorf("load review of %s/%s: %w", lessonID, questionID, err)
	}
	return it, true, nil
}

// ReviewItems returns the learner's review schedule, the earliest due
// first.
func (s *DB) ReviewItems(ctx context.Context, learnerID int64) ([]bottega.ReviewItem, error) {
	var items []bottega.ReviewItem
	err := s.q.SelectContext(ctx, &items, `
		SELECT `+reviewCols+` FROM review_items WHERE learner_id = $1
		ORDER BY due_at, lesson_id, question_id`, learnerID)
	if err != nil {
		return nil, fmt.Errorf("load review schedule: %w", err)
	}
	return items, nil
}

// DueReviews returns the learner's questions due before the given time, the
// earliest due first.
func (s *DB) DueReviews(ctx context.Context, learnerID int64, before time.Time) ([]bottega.ReviewItem, error) {
	var items []bottega.ReviewItem
	err := s.q.SelectContext(ctx, &items, `
		SELECT `+reviewCols+` FROM review_items WHERE learner_id = $1 AND due_at < $2
		ORDER BY due_at, lesson_id, question_id`, learnerID, before)
	if err != nil {
		return nil, fmt.Errorf("load due reviews: %w", err)
	}
	return items, nil
}
