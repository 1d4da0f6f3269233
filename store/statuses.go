package store

import (
	"context"
	"fmt"
	"time"
)

// RecordDeliveryStatus records what the platform says became of message
// messageID: delivered, read (which implies delivered, as WhatsApp may
// report read alone) or failed with an error code. Statuses come in any
// order and more than once: each time is kept from its first report.
// "sent" records nothing.
func (s *DB) RecordDeliveryStatus(ctx context.Context, platform, messageID, status string, at time.Time, code int) error {
	switch status {
	case "delivered", "read", "failed":
	default:
		return nil
	}
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO message_statuses (platform, message_id, delivered_at, read_at, failed_at, error_code)
		VALUES ($1, $2,
			CASE WHEN $3 IN ('delivered', 'read') THEN CAST($4 AS timestamptz) END,
			CASE WHEN $3 = 'read' THEN CAST($4 AS timestamptz) END,
			CASE WHEN $3 = 'failed' THEN CAST($4 AS timestamptz) END,
			$5)
		ON CONFLICT (platform, message_id) DO UPDATE SET
			delivered_at = LEAST(message_statuses.delivered_at, EXCLUDED.delivered_at),
			read_at = COALESCE(message_statuses.read_at, EXCLUDED.read_at),
			failed_at = COALESCE(message_statuses.failed_at, EXCLUDED.failed_at),
			error_code = GREATEST(message_statuses.error_code, EXCLUDED.error_code),
			updated_at = now()`,
		platform, messageID, status, at, code)
	if err != nil {
		return fmt.Errorf("record message status: %w", err)
	}
	return nil
}

// Receipts counts a broadcast's messages that the platform reported
// delivered and read.
type Receipts struct {
	Delivered int `db:"delivered"`
	Read      int `db:"read"`
	Failed    int `db:"failed"`
}

// DeliveryReceipts returns the receipts of broadcast id's messages.
func (s *DB) DeliveryReceipts(ctx context.Context, broadcastID int64) (Receipts, error) {
	var r Receipts
	err := s.q.GetContext(ctx, &r, `
		SELECT count(m.delivered_at) AS delivered, count(m.read_at) AS read, count(m.failed_at) AS failed
		FROM deliveries d
		JOIN learners l ON l.id = d.learner_id
		JOIN message_statuses m ON m.platform = l.platform AND m.message_id = d.message_id
		WHERE d.broadcast_id = $1 AND d.message_id <> ''`, broadcastID)
	if err != nil {
		return r, fmt.Errorf("count receipts of broadcast %d: %w", broadcastID, err)
	}
	return r, nil
}

// TouchInbound records that the learner in chatID (their external id)
// wrote at at: the start of WhatsApp's 24-hour window. A later time never
// goes back.
func (s *DB) TouchInbound(ctx context.Context, platform, chatID string, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `
		UPDATE learners SET last_inbound_at = GREATEST(COALESCE(last_inbound_at, CAST($3 AS timestamptz)), CAST($3 AS timestamptz))
		WHERE platform = $1 AND external_id = $2`, platform, chatID, at)
	if err != nil {
		return fmt.Errorf("record the learner's last message: %w", err)
	}
	return nil
}

// LastInbound is when the learner in chatID last wrote; zero if never
// recorded.
func (s *DB) LastInbound(ctx context.Context, platform, chatID string) (time.Time, error) {
	var at *time.Time
	err := s.q.GetContext(ctx, &at, `
		SELECT max(last_inbound_at) FROM learners WHERE platform = $1 AND external_id = $2`, platform, chatID)
	if err != nil {
		return time.Time{}, fmt.Errorf("read the learner's last message: %w", err)
	}
	if at == nil {
		return time.Time{}, nil
	}
	return *at, nil
}

// Refusal is a failure that the platform reports after accepting a message
// (WhatsApp's failed status), which a delivery survives: the message goes
// again after Wait. CloseWindow says the failure means the learner's
// conversation window was closed at the time (WhatsApp's 131047): it is
// recorded closed, so that the message goes again as a template, or is
// skipped if none is configured.
type Refusal struct {
	Code        int
	Wait        time.Duration
	CloseWindow bool
}

// RequeueRefused puts back in the queue the broadcasts and reminders sent
// on platform whose message was then reported failed with r.Code, to go
// again Wait after the failure, as a new message (a finished broadcast is
// running again until it has gone). One whose attempts reach maxAttempts
// is failed instead. It returns how many were requeued. A status may come
// before the delivery records its message id: calling it again later
// catches those.
func (s *DB) RequeueRefused(ctx context.Context, platform string, r Refusal, maxAttempts int) (int, error) {
	reason := fmt.Sprintf("error %d reported after sending; sent again", r.Code)
	var n int
	err := s.q.GetContext(ctx, &n, `
		WITH refused AS (
			SELECT d.id, d.learner_id, d.broadcast_id, LEAST(m.failed_at, now()) AS failed_at FROM deliveries d
			JOIN learners l ON l.id = d.learner_id
			JOIN message_statuses m ON m.platform = l.platform AND m.message_id = d.message_id
			WHERE l.platform = $1 AND m.error_code = $2 AND m.failed_at IS NOT NULL
				AND m.updated_at > now() - interval '2 days'
				AND d.status = 'sent' AND d.message_id <> ''
			FOR UPDATE OF d SKIP LOCKED
		),
		requeued AS (
			UPDATE deliveries d SET
				status = CASE WHEN d.attempts + 1 < $4 THEN 'pending' ELSE 'failed' END,
				message_id = CASE WHEN d.attempts + 1 < $4 THEN '' ELSE d.message_id END,
				attempts = d.attempts + 1,
				next_attempt_at = r.failed_at + make_interval(secs => $3),
				sent_at = NULL, error = $6
			FROM refused r WHERE d.id = r.id
			RETURNING d.learner_id, d.broadcast_id, d.status, r.failed_at
		),
		reopened AS (
			UPDATE broadcasts b SET status = 'running', finished_at = NULL
			WHERE b.status = 'done' AND b.id IN (SELECT broadcast_id FROM requeued WHERE status = 'pending')
			RETURNING 1
		),
		closed AS (
			UPDATE learners l SET last_inbound_at = q.failed_at - interval '24 hours'
			FROM requeued q
			WHERE $5 AND q.status = 'pending' AND l.id = q.learner_id AND l.last_inbound_at IS NOT NULL
				AND l.last_inbound_at <= q.failed_at AND l.last_inbound_at > q.failed_at - interval '24 hours'
			RETURNING 1
		)
		SELECT count(*) FROM requeued WHERE status = 'pending'`,
		platform, r.Code, r.Wait.Seconds(), maxAttempts, r.CloseWindow, reason)
	if err != nil {
		return 0, fmt.Errorf("requeue deliveries refused with %d: %w", r.Code, err)
	}
	return n, nil
}
