package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
)

// questionRow reads a bottega.Question, its lessons from a text[].
type questionRow struct {
	bottega.Question
	Lessons pq.StringArray `db:"lessons"`
}

func (r questionRow) question() bottega.Question {
	q := r.Question
	q.Lessons = r.Lessons
	return q
}

// AskUsage is the cost of one model call: an answer, or (QuestionID 0)
// a call made for something else, such as a plain-language rewrite.
type AskUsage struct {
	QuestionID int64
	LearnerID  int64
	Model      string
	Outcome    string
	TokensIn   int
	TokensOut  int
	Latency    time.Duration
	CostUSD    float64
	At         time.Time
}

// AskTurn is one message of the conversation with the assistant.
type AskTurn struct {
	LearnerID  int64     `db:"learner_id"`
	QuestionID *int64    `db:"question_id"`
	Role       string    `db:"role"` // "user" or "assistant"
	Text       string    `db:"text"`
	At         time.Time `db:"created_at"`
	// Mode is how the question was answered ("llm", "offline", …), read
	// by RecentTurns; "" while it is not.
	Mode string `db:"mode"`
}

// AskQuota is what a learner used since a moment.
type AskQuota struct {
	Questions int `db:"questions"`
	Tokens    int `db:"tokens"`
}

// AskUsed returns how many questions the learner asked, and how many LLM
// tokens their answers took, since since.
func (s *DB) AskUsed(ctx context.Context, learnerID int64, since time.Time) (AskQuota, error) {
	var u AskQuota
	err := s.q.GetContext(ctx, &u, `
		SELECT (SELECT count(*) FROM ask_questions WHERE learner_id = $1 AND asked_at >= $2) AS questions,
		       (SELECT COALESCE(sum(tokens_in + tokens_out), 0) FROM ask_usage WHERE learner_id = $1 AND created_at >= $2) AS tokens`,
		learnerID, since)
	if err != nil {
		return u, fmt.Errorf("read assistant quota: %w", err)
	}
	return u, nil
}

// SaveQuestion records a question and returns its id.
func (s *DB) SaveQuestion(ctx context.Context, q bottega.Question) (int64, error) {
	var id int64
	err := s.q.GetContext(ctx, &id, `
		INSERT INTO ask_questions (learner_id, locale, text, asked_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		q.LearnerID, q.Locale, q.Text, q.AskedAt)
	if err != nil {
		return 0, fmt.Errorf("save question: %w", err)
	}
	return id, nil
}

// Question returns the question with id.
func (s *DB) Question(ctx context.Context, id int64) (bottega.Question, error) {
	var q questionRow
	err := s.q.GetContext(ctx, &q, `
		SELECT id, learner_id, locale, text, asked_at, answered_at, mode, unanswered, lessons, message_id, answer
		FROM ask_questions WHERE id = $1`, id)
	if err != nil {
		return bottega.Question{}, fmt.Errorf("get question %d: %w", id, notFound(err))
	}
	return q.question(), nil
}

// AnswerMessage records the chat message in which a question's answer is
// being written.
func (s *DB) AnswerMessage(ctx context.Context, id int64, messageID string) error {
	_, err := s.q.ExecContext(ctx, `UPDATE ask_questions SET message_id = $2 WHERE id = $1`, id, messageID)
	if err != nil {
		return fmt.Errorf("save answer message of question %d: %w", id, err)
	}
	return nil
}

// SaveAnswer records a question's finished answer (JSON), before it is
// shown and marked answered.
func (s *DB) SaveAnswer(ctx context.Context, id int64, answer []byte) error {
	_, err := s.q.ExecContext(ctx, `UPDATE ask_questions SET answer = CAST($2 AS jsonb) WHERE id = $1`, id, string(answer))
	if err != nil {
		return fmt.Errorf("save answer of question %d: %w", id, err)
	}
	return nil
}

// FinishQuestion records how a question was answered: mode, whether the
// lessons did not cover it (for content authors), the lessons cited. The
// answer's progress is no longer needed.
func (s *DB) FinishQuestion(ctx context.Context, id int64, mode string, unanswered bool, lessons []string, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `
		UPDATE ask_questions SET answered_at = $2, mode = $3, unanswered = $4, lessons = $5, message_id = '', answer = NULL
		WHERE id = $1`,
		id, at, mode, unanswered, pq.Array(nonNil(lessons)))
	if err != nil {
		return fmt.Errorf("finish question %d: %w", id, err)
	}
	return nil
}

// UnansweredQuestions returns the questions the lessons did not cover,
// newest first, for content authors.
func (s *DB) UnansweredQuestions(ctx context.Context, since time.Time, limit int) ([]bottega.Question, error) {
	var rows []questionRow
	err := s.q.SelectContext(ctx, &rows, `
		SELECT id, learner_id, locale, text, asked_at, answered_at, mode, unanswered, lessons
		FROM ask_questions WHERE unanswered AND asked_at >= $1
		ORDER BY asked_at DESC, id DESC LIMIT $2`, since, limit)
	if err != nil {
		return nil, fmt.Errorf("list unanswered questions: %w", err)
	}
	qs := make([]bottega.Question, len(rows))
	for i, r := range rows {
		qs[i] = r.question()
	}
	return qs, nil
}

// RecordUsage stores the cost of a model call.
func (s *DB) RecordUsage(ctx context.Context, u AskUsage) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO ask_usage (question_id, learner_id, model, outcome, tokens_in, tokens_out, latency_ms, cost_usd, created_at)
		VALUES (NULLIF(CAST($1 AS bigint), 0), $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.QuestionID, u.LearnerID, u.Model, u.Outcome, u.TokensIn, u.TokensOut, u.Latency.Milliseconds(), u.CostUSD, u.At)
	if err != nil {
		return fmt.Errorf("record assistant usage: %w", err)
	}
	return nil
}

// AskUsageTotal sums what the assistant cost since a moment.
type AskUsageTotal struct {
	Answers   int     `db:"answers"`
	TokensIn  int     `db:"tokens_in"`
	TokensOut int     `db:"tokens_out"`
	CostUSD   float64 `db:"cost_usd"`
}

// AskUsageSince sums the usage recorded since since.
func (s *DB) AskUsageSince(ctx context.Context, since time.Time) (AskUsageTotal, error) {
	var t AskUsageTotal
	err := s.q.GetContext(ctx, &t, `
		SELECT count(*) AS answers, COALESCE(sum(tokens_in), 0) AS tokens_in, COALESCE(sum(tokens_out), 0) AS tokens_out,
		       CAST(COALESCE(sum(cost_usd), 0) AS float8) AS cost_usd
		FROM ask_usage WHERE created_at >= $1`, since)
	if err != nil {
		return t, fmt.Errorf("sum assistant usage: %w", err)
	}
	return t, nil
}

// SaveFeedback records the learner's 👍 (helpful) or 👎 on an answer; a
// second press replaces the first. It reports false when the question is
// not the learner's.
func (s *DB) SaveFeedback(ctx context.Context, questionID, learnerID int64, helpful bool, at time.Time) (bool, error) {
	res, err := s.q.ExecContext(ctx, `
		INSERT INTO ask_feedback (question_id, learner_id, helpful, created_at, updated_at)
		SELECT id, learner_id, $3, $4, $4 FROM ask_questions WHERE id = $1 AND learner_id = $2
		ON CONFLICT (question_id) DO UPDATE SET helpful = EXCLUDED.helpful, updated_at = EXCLUDED.updated_at`,
		questionID, learnerID, helpful, at)
	if err != nil {
		return false, fmt.Errorf("save feedback: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("save feedback: %w", err)
	}
	return n == 1, nil
}

// Feedback returns the learner's verdict on an answer, if any.
func (s *DB) Feedback(ctx context.Context, questionID int64) (helpful, ok bool, err error) {
	var h []bool
	if err := s.q.SelectContext(ctx, &h, `SELECT helpful FROM ask_feedback WHERE question_id = $1`, questionID); err != nil {
		return false, false, fmt.Errorf("read feedback: %w", err)
	}
	if len(h) == 0 {
		return false, false, nil
	}
	return h[0], true, nil
}

// AddTurn appends a message to the learner's conversation with the
// assistant.
func (s *DB) AddTurn(ctx context.Context, t AskTurn) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO ask_turns (learner_id, question_id, role, text, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.LearnerID, t.QuestionID, t.Role, t.Text, t.At)
	if err != nil {
		return fmt.Errorf("save conversation turn: %w", err)
	}
	return nil
}

// RecentTurns returns the learner's last turns since since, at most limit,
// oldest first, leaving out those of question exclude (the one being
// answered).
func (s *DB) RecentTurns(ctx context.Context, learnerID int64, since time.Time, limit int, exclude int64) ([]AskTurn, error) {
	var ts []AskTurn
	err := s.q.SelectContext(ctx, &ts, `
		SELECT t.learner_id, t.question_id, t.role, t.text, t.created_at, COALESCE(q.mode, '') AS mode FROM (
			SELECT * FROM ask_turns
			WHERE learner_id = $1 AND created_at >= $2 AND question_id IS DISTINCT FROM $4
			ORDER BY id DESC LIMIT $3
		) t LEFT JOIN ask_questions q ON q.id = t.question_id ORDER BY t.id`, learnerID, since, limit, exclude)
	if err != nil {
		return nil, fmt.Errorf("read conversation turns: %w", err)
	}
	return ts, nil
}

// LastLessonsCited returns the lessons that the answer to the learner's
// latest question cited, best first: none if it cited none, or if they
// asked nothing.
func (s *DB) LastLessonsCited(ctx context.Context, learnerID int64) ([]string, error) {
	var lessons []pq.StringArray
	err := s.q.SelectContext(ctx, &lessons, `
		SELECT lessons FROM ask_questions WHERE learner_id = $1
		ORDER BY asked_at DESC, id DESC LIMIT 1`, learnerID)
	if err != nil {
		return nil, fmt.Errorf("read the lessons last cited to learner %d: %w", learnerID, err)
	}
	if len(lessons) == 0 {
		return nil, nil
	}
	return []string(lessons[0]), nil
}

// AskedQuestions returns the learner's questions to the assistant, the
// oldest first, with the answer kept for follow-ups and their feedback.
func (s *DB) AskedQuestions(ctx context.Context, learnerID int64) ([]bottega.AskedQuestion, error) {
	var rows []struct {
		bottega.AskedQuestion
		Lessons pq.StringArray `db:"lessons"`
	}
	err := s.q.SelectContext(ctx, &rows, `
		SELECT q.text, q.locale, q.asked_at, q.mode, q.lessons, f.helpful,
			COALESCE((SELECT t.text FROM ask_turns t WHERE t.question_id = q.id AND t.role = 'assistant'
				ORDER BY t.created_at DESC LIMIT 1), '') AS answer
		FROM ask_questions q LEFT JOIN ask_feedback f ON f.question_id = q.id
		WHERE q.learner_id = $1 ORDER BY q.asked_at, q.id`, learnerID)
	if err != nil {
		return nil, fmt.Errorf("list questions of learner %d: %w", learnerID, err)
	}
	out := make([]bottega.AskedQuestion, len(rows))
	for i, r := range rows {
		out[i] = r.AskedQuestion
		out[i].Lessons = []string(r.Lessons)
	}
	return out, nil
}
