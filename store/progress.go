package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
)

// progressRow is a lesson_progress row as sqlx scans it.
type progressRow struct {
	LearnerID  int64          `db:"learner_id"`
	LessonID   string         `db:"lesson_id"`
	StepID     string         `db:"step_id"`
	StepIndex  int            `db:"step_index"`
	StepIDs    pq.StringArray `db:"step_ids"`
	Reached    int            `db:"reached"`
	Version    int64          `db:"version"`
	StartedAt  time.Time      `db:"started_at"`
	UpdatedAt  time.Time      `db:"updated_at"`
	FinishedAt *time.Time     `db:"finished_at"`
	QuizRight  int            `db:"quiz_right"`
	QuizTotal  int            `db:"quiz_total"`
	QuizAt     *time.Time     `db:"quiz_at"`
}

func (r progressRow) progress() bottega.LessonProgress {
	return bottega.LessonProgress{
		LearnerID: r.LearnerID, LessonID: r.LessonID, StepID: r.StepID, StepIndex: r.StepIndex,
		StepIDs: []string(r.StepIDs), Reached: r.Reached, Version: r.Version, StartedAt: r.StartedAt, UpdatedAt: r.UpdatedAt,
		FinishedAt: r.FinishedAt, QuizRight: r.QuizRight, QuizTotal: r.QuizTotal, QuizAt: r.QuizAt,
	}
}

const progressCols = `learner_id, lesson_id, step_id, step_index, step_ids, reached, version, started_at, updated_at, finished_at, quiz_right, quiz_total, quiz_at`

// progressColsP are progressCols of lesson_progress p, named "p.<column>"
// for a progressRow tagged db:"p" beside a learner's columns.
var progressColsP = func() string {
	var cols []string
	for _, c := range strings.Split(progressCols, ", ") {
		cols = append(cols, `p.`+c+` AS "p.`+c+`"`)
	}
	return strings.Join(cols, ", ")
}()

// consented is the condition, on a statement whose $1 is a learner's id,
// that the learner gave consent to keep their data. Without it, what they
// do is kept only in their conversation state (the flows' session), and
// the writes of progress, answers, review schedule and activity store
// nothing: consent is enforced here too, not only by the flows.
const consented = `EXISTS (SELECT 1 FROM learners c WHERE c.id = $1 AND c.consent_at IS NOT NULL)`

// SavePosition records the learner's step in a lesson (p.StepID, p.StepIndex,
// p.StepIDs, p.Version at p.UpdatedAt), starting the lesson the first time.
// Having read every step in order (p.Reached, the steps read one after
// the other from the first, as many as there are) marks the lesson
// finished, once: a lesson opened midway and paged to its end is not. Nothing is stored for a learner without consent.
func (s *DB) SavePosition(ctx context.Context, p bottega.LessonProgress) error {
	ids := p.StepIDs
	if ids == nil {
		ids = []string{}
	}
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO lesson_progress (learner_id, lesson_id, step_id, step_index, step_ids, reached, version, started_at, updated_at, finished_at)
		SELECT $1, $2, $3, $4, $5, $9, $6, $7, $7, CASE WHEN $8 THEN CAST($7 AS timestamptz) END
		WHERE `+consented+`
		ON CONFLICT (learner_id, lesson_id) DO UPDATE SET
			step_id = EXCLUDED.step_id, step_index = EXCLUDED.step_index, step_ids = EXCLUDED.step_ids,
			reached = EXCLUDED.reached, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,
			finished_at = COALESCE(lesson_progress.finished_at, EXCLUDED.finished_at)`,
		p.LearnerID, p.LessonID, p.StepID, p.StepIndex, pq.StringArray(ids), p.Version, p.UpdatedAt,
		p.Reached >= len(ids), p.Reached)
	if err != nil {
		return fmt.Errorf("save position in lesson %s: %w", p.LessonID, err)
	}
	return nil
}

// SaveQuizResult records the score of a full quiz of a lesson (only with
// the learner's consent).
func (s *DB) SaveQuizResult(ctx context.Context, learnerID int64, lessonID string, right, total int, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO lesson_progress (learner_id, lesson_id, started_at, updated_at, quiz_right, quiz_total, quiz_at)
		SELECT $1, $2, $5, $5, $3, $4, $5
		WHERE `+consented+`
		ON CONFLICT (learner_id, lesson_id) DO UPDATE SET
			quiz_right = EXCLUDED.quiz_right, quiz_total = EXCLUDED.quiz_total,
			quiz_at = EXCLUDED.quiz_at, updated_at = EXCLUDED.updated_at`,
		learnerID, lessonID, right, total, at)
	if err != nil {
		return fmt.Errorf("save quiz result of lesson %s: %w", lessonID, err)
	}
	return nil
}

// Position returns the learner's progress in a lesson; ok is false if they
// never opened it.
func (s *DB) Position(ctx context.Context, learnerID int64, lessonID string) (p bottega.LessonProgress, ok bool, err error) {
	var r progressRow
	err = s.q.GetContext(ctx, &r, `SELECT `+progressCols+` FROM lesson_progress WHERE learner_id = $1 AND lesson_id = $2`, learnerID, lessonID)
	if err := notFound(err); err == ErrNotFound {
		return p, false, nil
	} else if err != nil {
		return p, false, fmt.Errorf("load position in lesson %s: %w", lessonID, err)
	}
	return r.progress(), true, nil
}

// Progress returns the learner's progress in every lesson they opened, the
// most recently active first.
func (s *DB) Progress(ctx context.Context, learnerID int64) ([]bottega.LessonProgress, error) {
	var rows []progressRow
	err := s.q.SelectContext(ctx, &rows, `
		SELECT `+progressCols+` FROM lesson_progress WHERE learner_id = $1
		ORDER BY updated_at DESC, lesson_id`, learnerID)
	if err != nil {
		return nil, fmt.Errorf("load lesson progress: %w", err)
	}
	ps := make([]bottega.LessonProgress, len(rows))
	for i, r := range rows {
		ps[i] = r.progress()
	}
	return ps, nil
}

// TouchActivity records that the learner was active on day ("2006-01-02",
// in their time zone), if they gave consent.
func (s *DB) TouchActivity(ctx context.Context, learnerID int64, day string) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO activity_days (learner_id, day) SELECT $1, CAST($2 AS date)
		WHERE `+consented+`
		ON CONFLICT DO NOTHING`, learnerID, day)
	if err != nil {
		return fmt.Errorf("record activity: %w", err)
	}
	return nil
}

// ActivityDays returns up to limit days ("2006-01-02") on which the learner
// was active, the latest first.
func (s *DB) ActivityDays(ctx context.Context, learnerID int64, limit int) ([]string, error) {
	var days []string
	err := s.q.SelectContext(ctx, &days, `
		SELECT to_char(day, 'YYYY-MM-DD') FROM activity_days WHERE learner_id = $1
		ORDER BY day DESC LIMIT $2`, learnerID, limit)
	if err != nil {
		return nil, fmt.Errorf("load activity days: %w", err)
	}
	return days, nil
}
