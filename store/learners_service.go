package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bottega-app/bottega"
)

// Learners implements bottega.LearnerService on the database.
type Learners struct {
	DB *DB
}

var _ bottega.LearnerService = (*Learners)(nil)

// FindLearners implements bottega.LearnerService.
func (s *Learners) FindLearners(ctx context.Context, f bottega.LearnerFilter) ([]bottega.LearnerSummary, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	id, _ := strconv.ParseInt(q, 10, 64) // 0 when it is a name
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
	var out []bottega.LearnerSummary
	err := s.DB.q.SelectContext(ctx, &out, `
		SELECT `+learnerColsL+`,
			COALESCE(p.started, 0) AS started, COALESCE(p.finished, 0) AS finished, a.last_active
		FROM (
			SELECT * FROM learners
			WHERE $1 = '' OR lower(name) LIKE $2 OR external_id = $1 OR id = $3
			ORDER BY updated_at DESC, id DESC LIMIT $4
		) l
		LEFT JOIN LATERAL (
			SELECT count(*) AS started, count(*) FILTER (WHERE finished_at IS NOT NULL) AS finished
			FROM lesson_progress WHERE learner_id = l.id
		) p ON true
		LEFT JOIN LATERAL (
			SELECT CAST(max(day) AS timestamptz) AS last_active FROM activity_days WHERE learner_id = l.id
		) a ON true
		ORDER BY l.updated_at DESC, l.id DESC`, q, like, id, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("find learners: %w", err)
	}
	return out, nil
}

// LearnerDetail implements bottega.LearnerService.
func (s *Learners) LearnerDetail(ctx context.Context, id int64) (bottega.LearnerDetail, error) {
	var d bottega.LearnerDetail
	l, err := s.DB.Learner(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return d, bottega.Errorf(bottega.ENOTFOUND, "no learner %d", id)
	} else if err != nil {
		return d, err
	}
	d.Learner = l
	if d.Progress, err = s.DB.Progress(ctx, id); err != nil {
		return d, err
	}
	if d.Answers, err = s.DB.Answers(ctx, id); err != nil {
		return d, err
	}
	if d.Questions, err = s.DB.AskedQuestions(ctx, id); err != nil {
		return d, err
	}
	return d, nil
}

// ExportLearner implements bottega.LearnerService.
func (s *Learners) ExportLearner(ctx context.Context, id int64) (map[string]json.RawMessage, error) {
	m, err := s.DB.LearnerData(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, bottega.Errorf(bottega.ENOTFOUND, "no learner %d", id)
	}
	return m, err
}

// DeleteLearner implements bottega.LearnerService.
func (s *Learners) DeleteLearner(ctx context.Context, id int64) error {
	if _, err := s.DB.Learner(ctx, id); errors.Is(err, ErrNotFound) {
		return bottega.Errorf(bottega.ENOTFOUND, "no learner %d", id)
	} else if err != nil {
		return err
	}
	return s.DB.DeleteLearner(ctx, id)
}

// LessonLearners implements bottega.LearnerService.
func (s *Learners) LessonLearners(ctx context.Context, lessonID string, limit int) (bottega.LessonLearners, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var out bottega.LessonLearners
	if err := s.DB.q.QueryRowxContext(ctx, `
		SELECT count(*), count(*) FILTER (WHERE finished_at IS NOT NULL)
		FROM lesson_progress WHERE lesson_id = $1`, lessonID).Scan(&out.Started, &out.Finished); err != nil {
		return out, fmt.Errorf("count the learners of lesson %s: %w", lessonID, err)
	}
	var rows []struct {
		bottega.Learner
		P progressRow `db:"p"`
	}
	if err := s.DB.q.SelectContext(ctx, &rows, `
		SELECT `+learnerColsL+`, `+progressColsP+`
		FROM lesson_progress p JOIN learners l ON l.id = p.learner_id
		WHERE p.lesson_id = $1
		ORDER BY p.updated_at DESC, l.id DESC LIMIT $2`, lessonID, limit); err != nil {
		return out, fmt.Errorf("list the learners of lesson %s: %w", lessonID, err)
	}
	for _, r := range rows {
		out.Learners = append(out.Learners, bottega.LessonLearner{Learner: r.Learner, Progress: r.P.progress()})
	}
	return out, nil
}
