package store

import (
	"context"
	"fmt"
	"time"

	"github.com/bottega-app/bottega"
)

// StartDrillRun records that a learner started a drill and returns the run's id.
func (s *DB) StartDrillRun(ctx context.Context, learnerID int64, drillID string, version int64, at time.Time) (int64, error) {
	var id int64
	err := s.q.GetContext(ctx, &id, `
		INSERT INTO drill_runs (learner_id, drill_id, version, started_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		learnerID, drillID, version, at)
	if err != nil {
		return 0, fmt.Errorf("start drill %s: %w", drillID, err)
	}
	return id, nil
}

// FinishDrillRun records a run's end and its score; it stops its timers.
func (s *DB) FinishDrillRun(ctx context.Context, runID int64, score int, at time.Time) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE drill_runs SET finished_at = $2, score = $3 WHERE id = $1`, runID, at, score); err != nil {
		return fmt.Errorf("finish drill run %d: %w", runID, err)
	}
	return s.StopDrillTimers(ctx, runID, at)
}

// StopDrillRun records that the learner left a run before its end: it
// keeps no score, and its timers stop.
func (s *DB) StopDrillRun(ctx context.Context, runID int64, at time.Time) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE drill_runs SET stopped_at = $2 WHERE id = $1 AND finished_at IS NULL`, runID, at); err != nil {
		return fmt.Errorf("stop drill run %d: %w", runID, err)
	}
	return s.StopDrillTimers(ctx, runID, at)
}

// SaveDrillAnswer keeps an answer to a drill task with its score.
func (s *DB) SaveDrillAnswer(ctx context.Context, a bottega.DrillAnswer) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO drill_answers (run_id, learner_id, task_id, answer, score, verdict, result, answered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (run_id, task_id) DO NOTHING`,
		a.RunID, a.LearnerID, a.TaskID, a.Answer, a.Score, a.Verdict, jsonArg(a.Result), a.At)
	if err != nil {
		return fmt.Errorf("save drill answer: %w", err)
	}
	return nil
}

// AddDrillTimers schedules timers of a run.
func (s *DB) AddDrillTimers(ctx context.Context, timers []bottega.DrillTimer) error {
	for _, t := range timers {
		_, err := s.q.ExecContext(ctx, `
			INSERT INTO drill_timers (run_id, learner_id, task_id, event, due_at) VALUES ($1, $2, $3, $4, $5)`,
			t.RunID, t.LearnerID, t.TaskID, t.Event, t.DueAt)
		if err != nil {
			return fmt.Errorf("schedule drill timer: %w", err)
		}
	}
	return nil
}

// TakeDrillTimer marks a learner's timer done and returns it, if it was still pending
// and due at now; ok is false otherwise (already delivered, stopped, not yet due, or
// someone else's), and then nothing changes.
func (s *DB) TakeDrillTimer(ctx context.Context, learnerID, id int64, now time.Time) (t bottega.DrillTimer, ok bool, err error) {
	err = s.q.GetContext(ctx, &t, `
		UPDATE drill_timers SET done_at = $3
		WHERE id = $1 AND learner_id = $2 AND done_at IS NULL AND due_at <= $3
		RETURNING id, run_id, learner_id, task_id, event, due_at, done_at`, id, learnerID, now)
	if err := notFound(err); err == ErrNotFound {
		return t, false, nil
	} else if err != nil {
		return t, false, fmt.Errorf("take drill timer %d: %w", id, err)
	}
	return t, true, nil
}

// StopDrillTimers marks every pending timer of a run done: the task they belong to was
// answered, or the run ended.
func (s *DB) StopDrillTimers(ctx context.Context, runID int64, at time.Time) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE drill_timers SET done_at = $2 WHERE run_id = $1 AND done_at IS NULL`, runID, at); err != nil {
		return fmt.Errorf("stop drill timers: %w", err)
	}
	return nil
}

// DueDrillTimers returns up to limit pending timers of a platform's learners due at
// now, the earliest first, with their chats.
func (s *DB) DueDrillTimers(ctx context.Context, platform string, now time.Time, limit int) ([]bottega.DueDrillTimer, error) {
	var ts []bottega.DueDrillTimer
	err := s.q.SelectContext(ctx, &ts, `
		SELECT t.id, l.external_id, l.chat_id, l.locale
		FROM drill_timers t JOIN learners l ON l.id = t.learner_id
		WHERE t.done_at IS NULL AND t.due_at <= $2 AND l.platform = $1 AND l.chat_id <> '' AND l.blocked_at IS NULL
		ORDER BY t.due_at, t.id LIMIT $3`, platform, now, limit)
	if err != nil {
		return nil, fmt.Errorf("find due drill timers: %w", err)
	}
	return ts, nil
}
