package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
)

// Statistics implements bottega.StatsService on the database. Every query
// of the overview reads through an index (migration 00013, checked by a
// test with EXPLAIN), so it stays fast with millions of answers.
type Statistics struct {
	DB *DB
}

var _ bottega.StatsService = (*Statistics)(nil)

// OverviewQueries are the overview's queries, by name, with their
// arguments for a day: the test that EXPLAINs them and Overview run the
// same text.
func OverviewQueries(today time.Time) map[string]struct {
	SQL  string
	Args []any
} {
	day := today.Format(time.DateOnly)
	since := time.Date(today.Year(), today.Month(), today.Day()-bottega.RecentDays+1, 0, 0, 0, 0, today.Location())
	type q = struct {
		SQL  string
		Args []any
	}
	return map[string]q{
		"learners": {`SELECT count(*) FROM learners WHERE blocked_at IS NULL`, nil},
		"active": {`SELECT count(DISTINCT learner_id) FILTER (WHERE day > CAST($1 AS date) - 7),
			count(DISTINCT learner_id) FROM activity_days WHERE day > CAST($1 AS date) - 30`, []any{day}},
		"funnel": {`SELECT lesson_id, count(*) AS started,
			count(*) FILTER (WHERE finished_at IS NOT NULL) AS finished,
			count(*) FILTER (WHERE quiz_total > 0 AND quiz_right * 100 >= quiz_total * $1) AS passed
			FROM lesson_progress GROUP BY lesson_id ORDER BY lesson_id`, []any{bottega.PassPercent}},
		"answers":   {`SELECT count(*), count(*) FILTER (WHERE correct) FROM quiz_answers WHERE answered_at >= $1`, []any{since}},
		"questions": {`SELECT mode AS key, count(*) AS n FROM ask_questions WHERE asked_at >= $1 GROUP BY mode`, []any{since}},
		"feedback": {`SELECT count(*) FILTER (WHERE helpful), count(*) FILTER (WHERE NOT helpful)
			FROM ask_feedback WHERE created_at >= $1`, []any{since}},
	}
}

// Overview implements bottega.StatsService.
func (s *Statistics) Overview(ctx context.Context, today time.Time) (bottega.Overview, error) {
	var o bottega.Overview
	qs := OverviewQueries(today)
	db := s.DB.q
	if err := db.QueryRowxContext(ctx, qs["learners"].SQL).Scan(&o.Learners); err != nil {
		return o, fmt.Errorf("count learners: %w", err)
	}
	if err := db.QueryRowxContext(ctx, qs["active"].SQL, qs["active"].Args...).Scan(&o.Active7, &o.Active30); err != nil {
		return o, fmt.Errorf("count active learners: %w", err)
	}
	if err := db.SelectContext(ctx, &o.Funnel, qs["funnel"].SQL, qs["funnel"].Args...); err != nil {
		return o, fmt.Errorf("completion funnel: %w", err)
	}
	for _, f := range o.Funnel {
		o.LessonsFinished += f.Finished
	}
	if err := db.QueryRowxContext(ctx, qs["answers"].SQL, qs["answers"].Args...).Scan(&o.Answers, &o.Correct); err != nil {
		return o, fmt.Errorf("count quiz answers: %w", err)
	}
	var modes []Count
	if err := db.SelectContext(ctx, &modes, qs["questions"].SQL, qs["questions"].Args...); err != nil {
		return o, fmt.Errorf("count questions: %w", err)
	}
	o.Questions = map[string]int{}
	for _, m := range modes {
		o.Questions[m.Key] = m.N
	}
	if err := db.QueryRowxContext(ctx, qs["feedback"].SQL, qs["feedback"].Args...).Scan(&o.Helpful, &o.Unhelpful); err != nil {
		return o, fmt.Errorf("count feedback: %w", err)
	}
	return o, nil
}

// FindQuestions implements bottega.StatsService.
func (s *Statistics) FindQuestions(ctx context.Context, f bottega.QuestionFilter) ([]bottega.QuestionReport, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var where string
	switch f.Kind {
	case bottega.QuestionsUncovered:
		where = `q.unanswered`
	case bottega.QuestionsUnhelpful:
		where = `f.helpful = false`
	default:
		return nil, bottega.Errorf(bottega.EINVALID, "unknown kind of questions %q", f.Kind)
	}
	var rows []struct {
		bottega.QuestionReport
		Lessons pq.StringArray `db:"lessons"`
	}
	// #nosec G202 -- where is one of two constants above
	err := s.DB.q.SelectContext(ctx, &rows, `
		SELECT q.id, q.text, q.locale, q.asked_at, q.mode, q.lessons, f.helpful,
			COALESCE((SELECT t.text FROM ask_turns t WHERE t.question_id = q.id AND t.role = 'assistant'
				ORDER BY t.created_at DESC LIMIT 1), '') AS answer
		FROM ask_questions q LEFT JOIN ask_feedback f ON f.question_id = q.id
		WHERE `+where+` ORDER BY q.asked_at DESC, q.id DESC LIMIT $1`, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list questions: %w", err)
	}
	out := make([]bottega.QuestionReport, len(rows))
	for i, r := range rows {
		out[i] = r.QuestionReport
		out[i].Lessons = []string(r.Lessons)
	}
	return out, nil
}
