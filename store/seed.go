package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
)

// SeedActivity adds n learners (platform "test") with a little of
// everything, for tests and benchmarks: progress in three lessons (every
// other one finished), answersEach quiz answers each spread over the year
// before today (every third wrong), one activity day each (id %
// 200 days ago), one question each, as long ago, (every fourth not covered by the lessons) and feedback
// on every other question (every third of those unhelpful). Statistics
// are refreshed and the visibility map set (VACUUM ANALYZE) at the end, as
// autovacuum would.
func SeedActivity(ctx context.Context, s *DB, n, answersEach int, today time.Time) error {
	ls := make([]bottega.Learner, n)
	consent := today // progress is kept only with consent
	for i := range ls {
		ls[i] = bottega.Learner{Platform: "test", ExternalID: fmt.Sprint(1000 + i), ChatID: fmt.Sprint(1000 + i),
			Name: fmt.Sprintf("Learner %d", i), Role: bottega.Roles()[i%len(bottega.Roles())], Level: bottega.LevelBase,
			ConsentAt: &consent}
	}
	if err := s.CreateLearners(ctx, ls); err != nil {
		return err
	}
	for _, q := range []string{
		`INSERT INTO lesson_progress (learner_id, lesson_id, started_at, updated_at, finished_at, quiz_right, quiz_total)
			SELECT l.id, 'lesson-' || k, $1, $1, CASE WHEN (l.id + k) % 2 = 0 THEN CAST($1 AS timestamptz) END, (l.id + k) % 4, 3
			FROM learners l, generate_series(1, 3) k WHERE l.platform = 'test'`,
		`INSERT INTO quiz_answers (learner_id, lesson_id, question_id, choice, correct, source, version, answered_at)
			SELECT l.id, 'lesson-1', 'q' || (k % 4), 0, k % 3 <> 0, 'quiz', 1, CAST($1 AS timestamptz) - make_interval(days => CAST((k * 37 + l.id) % 365 AS integer))
			FROM learners l, generate_series(1, $2) k WHERE l.platform = 'test'`,
		`INSERT INTO activity_days (learner_id, day)
			SELECT l.id, CAST($1 AS date) - CAST(l.id % 200 AS integer) FROM learners l WHERE l.platform = 'test'`,
		`INSERT INTO ask_questions (learner_id, locale, text, asked_at, mode, unanswered)
			SELECT l.id, 'it', 'domanda ' || l.id, CAST($1 AS timestamptz) - make_interval(days => CAST(l.id % 200 AS integer)), CASE WHEN l.id % 4 = 0 THEN 'uncovered' ELSE 'offline' END, l.id % 4 = 0
			FROM learners l WHERE l.platform = 'test'`,
		`INSERT INTO ask_feedback (question_id, learner_id, helpful, created_at, updated_at)
			SELECT q.id, q.learner_id, q.id % 3 <> 0, q.asked_at, q.asked_at FROM ask_questions q WHERE q.id % 2 = 0 AND CAST($1 AS timestamptz) IS NOT NULL`,
	} {
		args := []any{today}
		if strings.Contains(q, "$2") {
			args = append(args, answersEach)
		}
		if _, err := s.q.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("seed activity: %w", err)
		}
	}
	if _, err := s.q.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		return fmt.Errorf("seed activity: %w", err)
	}
	return nil
}

// SeedFunnel gives the learners SeedActivity added progress in lessons, a
// track's lessons in order, as a course's funnel looks: fewer learners
// start each next lesson, fewer finish a lesson than start it, and a
// quarter of those who finish fail its quiz. For the console's pictures.
func SeedFunnel(ctx context.Context, s *DB, lessons []string, today time.Time) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO lesson_progress (learner_id, lesson_id, started_at, updated_at, finished_at, quiz_right, quiz_total)
		SELECT l.id, x.lesson, $1, $1,
			CASE WHEN l.id % 20 >= x.k + 3 THEN CAST($1 AS timestamptz) END,
			CASE WHEN l.id % 20 < x.k + 3 THEN 0 WHEN l.id % 4 = 0 THEN 1 ELSE 3 END,
			CASE WHEN l.id % 20 >= x.k + 3 THEN 3 ELSE 0 END
		FROM learners l, unnest(CAST($2 AS text[])) WITH ORDINALITY AS x(lesson, k)
		WHERE l.platform = 'test' AND l.id % 20 >= x.k
		ON CONFLICT DO NOTHING`, today, pq.Array(lessons))
	if err != nil {
		return fmt.Errorf("seed funnel: %w", err)
	}
	return nil
}

// Explain returns the plan Postgres chooses for a query (EXPLAIN, without
// running it), for the tests that check that a page's queries use indexes.
func (s *DB) Explain(ctx context.Context, query string, args ...any) (string, error) {
	var lines []string
	if err := s.q.SelectContext(ctx, &lines, `EXPLAIN `+query, args...); err != nil {
		return "", fmt.Errorf("explain: %w", err)
	}
	return strings.Join(lines, "\n"), nil
}
