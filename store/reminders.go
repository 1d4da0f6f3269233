package store

import (
	"context"
	"fmt"
	"time"
)

// ReminderCandidate is a learner who chose a reminder time and has
// something to do: a lesson in progress or review questions due.
type ReminderCandidate struct {
	LearnerID int64  `db:"learner_id"`
	Timezone  string `db:"timezone"`
	Reminder  string `db:"reminder"` // "HH:MM", local
	// Lesson is the lesson in progress most recently touched, if any.
	Lesson string `db:"lesson"`
	// Reviews counts the review questions due at the time asked.
	Reviews int `db:"reviews"`
	// LastActive is the learner's latest active day (local), if any.
	LastActive *time.Time `db:"last_active"`
	// LastReminder is the latest day a reminder was queued for, if any.
	LastReminder *time.Time `db:"last_reminder"`
	// Ignored counts the reminders sent after the learner's latest active
	// day: nudges that brought nobody back.
	Ignored int `db:"ignored"`
}

// ReminderCandidates lists the learners of a platform who chose a reminder
// time, did not block the bot, and have something to do at now.
func (s *DB) ReminderCandidates(ctx context.Context, platform string, now time.Time) ([]ReminderCandidate, error) {
	var cs []ReminderCandidate
	err := s.q.SelectContext(ctx, &cs, `
		SELECT l.id AS learner_id, l.timezone, l.reminder,
			COALESCE((SELECT p.lesson_id FROM lesson_progress p
				WHERE p.learner_id = l.id AND p.finished_at IS NULL
				ORDER BY p.updated_at DESC, p.lesson_id LIMIT 1), '') AS lesson,
			(SELECT count(*) FROM review_items r WHERE r.learner_id = l.id AND r.due_at <= $2) AS reviews,
			act.last_active,
			(SELECT max(d.day) FROM deliveries d
				WHERE d.learner_id = l.id AND d.kind = 'reminder' AND d.status <> 'cancelled') AS last_reminder,
			(SELECT count(*) FROM deliveries d
				WHERE d.learner_id = l.id AND d.kind = 'reminder' AND d.status IN ('sent', 'uncertain')
				AND (act.last_active IS NULL OR d.day > act.last_active)) AS ignored
		FROM learners l
		LEFT JOIN LATERAL (SELECT max(a.day) AS last_active FROM activity_days a WHERE a.learner_id = l.id) act ON true
		WHERE l.platform = $1 AND l.reminder <> '' AND l.blocked_at IS NULL AND l.chat_id <> ''
			AND l.consent_at IS NOT NULL
			AND (EXISTS (SELECT 1 FROM lesson_progress p WHERE p.learner_id = l.id AND p.finished_at IS NULL)
				OR EXISTS (SELECT 1 FROM review_items r WHERE r.learner_id = l.id AND r.due_at <= $2))
		ORDER BY l.id`, platform, now)
	if err != nil {
		return nil, fmt.Errorf("find learners to remind: %w", err)
	}
	return cs, nil
}

// AddReminder queues a reminder for a learner's local day, unless one was
// queued for that day already (then added is false). It is dropped if not
// sent by expires.
func (s *DB) AddReminder(ctx context.Context, learnerID int64, day string, payload []byte, expires time.Time) (added bool, err error) {
	res, err := s.q.ExecContext(ctx, `
		INSERT INTO deliveries (learner_id, kind, day, payload, expires_at)
		VALUES ($1, 'reminder', CAST($2 AS date), $3, $4)
		ON CONFLICT (learner_id, day) WHERE kind = 'reminder' DO NOTHING`,
		learnerID, day, jsonArg(payload), expires)
	if err != nil {
		return false, fmt.Errorf("queue reminder: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("queue reminder: %w", err)
	}
	return n == 1, nil
}
