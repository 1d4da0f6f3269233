package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Count is a number of learners with one value of something (a role, a
// language).
type Count struct {
	Key string `db:"key"`
	N   int    `db:"n"`
}

// LearnerStats counts the learners who were not blocked.
type LearnerStats struct {
	Total    int
	Active7  int // active in the last 7 days, today included
	Active30 int
	ByRole   []Count
	ByLang   []Count
}

// LearnerStats counts learners by role and language, and those active in
// the 7 and 30 days up to today (a date).
func (s *DB) LearnerStats(ctx context.Context, today time.Time) (LearnerStats, error) {
	var st LearnerStats
	q := s.q
	day := today.Format(time.DateOnly)
	err := q.QueryRowxContext(ctx, `
		SELECT (SELECT count(*) FROM learners WHERE blocked_at IS NULL),
			(SELECT count(DISTINCT learner_id) FROM activity_days WHERE day > CAST($1 AS date) - 7),
			(SELECT count(DISTINCT learner_id) FROM activity_days WHERE day > CAST($1 AS date) - 30)`, day).
		Scan(&st.Total, &st.Active7, &st.Active30)
	if err != nil {
		return st, fmt.Errorf("count learners: %w", err)
	}
	if err := q.SelectContext(ctx, &st.ByRole, `
		SELECT role AS key, count(*) AS n FROM learners WHERE blocked_at IS NULL
		GROUP BY role ORDER BY n DESC, key`); err != nil {
		return st, fmt.Errorf("count learners by role: %w", err)
	}
	if err := q.SelectContext(ctx, &st.ByLang, `
		SELECT locale AS key, count(*) AS n FROM learners WHERE blocked_at IS NULL
		GROUP BY locale ORDER BY n DESC, key`); err != nil {
		return st, fmt.Errorf("count learners by language: %w", err)
	}
	return st, nil
}

// LearnersInLessons counts the learners who opened any of the lessons (a
// track's).
func (s *DB) LearnersInLessons(ctx context.Context, lessons []string) (int, error) {
	var n int
	err := s.q.GetContext(ctx, &n, `
		SELECT count(DISTINCT learner_id) FROM lesson_progress WHERE lesson_id = ANY($1)`, pq.StringArray(nonNil(lessons)))
	if err != nil {
		return 0, fmt.Errorf("count learners of lessons: %w", err)
	}
	return n, nil
}

// LessonFunnel is how far learners got in one lesson.
type LessonFunnel struct {
	LessonID string `db:"lesson_id"`
	Started  int    `db:"started"`
	Finished int    `db:"finished"`
	// Passed counts learners whose latest full quiz had at least the pass
	// mark.
	Passed int `db:"passed"`
}

// Funnel returns, per lesson anyone opened, how many started it, finished
// its steps and passed its quiz with at least passPercent right answers.
func (s *DB) Funnel(ctx context.Context, passPercent int) ([]LessonFunnel, error) {
	var fs []LessonFunnel
	err := s.q.SelectContext(ctx, &fs, `
		SELECT lesson_id, count(*) AS started,
			count(*) FILTER (WHERE finished_at IS NOT NULL) AS finished,
			count(*) FILTER (WHERE quiz_total > 0 AND quiz_right * 100 >= quiz_total * $1) AS passed
		FROM lesson_progress GROUP BY lesson_id ORDER BY lesson_id`, passPercent)
	if err != nil {
		return nil, fmt.Errorf("completion funnel: %w", err)
	}
	return fs, nil
}

// QuestionStat is how a quiz question was answered.
type QuestionStat struct {
	LessonID   string `db:"lesson_id"`
	QuestionID string `db:"question_id"`
	Answers    int    `db:"answers"`
	Wrong      int    `db:"wrong"`
}

// HardestQuestions returns the questions most often answered wrongly (as a
// share of their answers), among those answered at least minAnswers times.
func (s *DB) HardestQuestions(ctx context.Context, minAnswers, limit int) ([]QuestionStat, error) {
	var qs []QuestionStat
	err := s.q.SelectContext(ctx, &qs, `
		SELECT lesson_id, question_id, count(*) AS answers, count(*) FILTER (WHERE NOT correct) AS wrong
		FROM quiz_answers GROUP BY lesson_id, question_id
		HAVING count(*) >= $1 AND count(*) FILTER (WHERE NOT correct) > 0
		ORDER BY count(*) FILTER (WHERE NOT correct) * 1.0 / count(*) DESC, count(*) DESC, lesson_id, question_id
		LIMIT $2`, minAnswers, limit)
	if err != nil {
		return nil, fmt.Errorf("hardest questions: %w", err)
	}
	return qs, nil
}

// Unanswered is a question the lessons did not answer.
type Unanswered struct {
	Text    string    `db:"text"`
	Locale  string    `db:"locale"`
	AskedAt time.Time `db:"asked_at"`
}

// UnansweredStats returns how many questions the assistant could not
// answer from the lessons, and the latest of them.
func (s *DB) UnansweredStats(ctx context.Context, limit int) (int, []Unanswered, error) {
	var n int
	if err := s.q.GetContext(ctx, &n, `SELECT count(*) FROM ask_questions WHERE unanswered`); err != nil {
		return 0, nil, fmt.Errorf("count unanswered questions: %w", err)
	}
	var qs []Unanswered
	err := s.q.SelectContext(ctx, &qs, `
		SELECT text, locale, asked_at FROM ask_questions WHERE unanswered
		ORDER BY asked_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return 0, nil, fmt.Errorf("list unanswered questions: %w", err)
	}
	return n, qs, nil
}

// Usage is what the LLM was used for, per model.
type Usage struct {
	Model     string  `db:"model"`
	Calls     int     `db:"calls"`
	TokensIn  int64   `db:"tokens_in"`
	TokensOut int64   `db:"tokens_out"`
	CostUSD   float64 `db:"cost_usd"`
}

// LLMUsage sums the assistant's usage since a time, per model.
func (s *DB) LLMUsage(ctx context.Context, since time.Time) ([]Usage, error) {
	var us []Usage
	err := s.q.SelectContext(ctx, &us, `
		SELECT COALESCE(NULLIF(model, ''), outcome) AS model, count(*) AS calls,
			COALESCE(sum(tokens_in), 0) AS tokens_in, COALESCE(sum(tokens_out), 0) AS tokens_out,
			CAST(COALESCE(sum(cost_usd), 0) AS double precision) AS cost_usd
		FROM ask_usage WHERE created_at >= $1
		GROUP BY 1 ORDER BY cost_usd DESC, calls DESC`, since)
	if err != nil {
		return nil, fmt.Errorf("llm usage: %w", err)
	}
	return us, nil
}
