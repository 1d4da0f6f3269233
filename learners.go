package bottega

import (
	"context"
	"encoding/json"
	"time"
)

// LearnerService finds learners, shows what they did, gives their data and
// erases them, for the people who run Bottega. store.Learners implements
// it.
type LearnerService interface {
	// FindLearners searches learners by name (any part of it, any case) or
	// by id (Bottega's, or the platform's), the most recently active first.
	FindLearners(ctx context.Context, f LearnerFilter) ([]LearnerSummary, error)
	// LearnerDetail returns a learner with their progress and answers;
	// ENOTFOUND if there is none.
	LearnerDetail(ctx context.Context, id int64) (LearnerDetail, error)
	// ExportLearner returns everything stored about a learner, table by
	// table, as /export gives it to them.
	ExportLearner(ctx context.Context, id int64) (map[string]json.RawMessage, error)
	// DeleteLearner erases a learner as /delete does.
	DeleteLearner(ctx context.Context, id int64) error
	// LessonLearners lists the learners who started a lesson, with their
	// progress in it, the most recently active first, at most limit
	// (default 100); and how many started and finished it in all.
	LessonLearners(ctx context.Context, lessonID string, limit int) (LessonLearners, error)
}

// LessonLearners are the learners of one lesson.
type LessonLearners struct {
	Started, Finished int
	Learners          []LessonLearner
}

// LessonLearner is a learner with their progress in one lesson.
type LessonLearner struct {
	Learner
	Progress LessonProgress
}

// LearnerFilter chooses learners to list.
type LearnerFilter struct {
	Query string
	// Limit bounds the list (default 50).
	Limit int
}

// LearnerSummary is a learner as a list shows them.
type LearnerSummary struct {
	Learner
	Started    int        `db:"started"`
	Finished   int        `db:"finished"`
	LastActive *time.Time `db:"last_active"`
}

// LearnerDetail is a learner with what they did.
type LearnerDetail struct {
	Learner
	Progress  []LessonProgress
	Answers   []Answer
	Questions []AskedQuestion
}
