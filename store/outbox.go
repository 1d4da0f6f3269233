package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SaveReplyProgress records how far the sending of an update's replies
// got, after a send failed or timed out: the first done replies went out,
// may have (uncertain of them, never sent again) or were given up, and the
// next one failed attempts times. A resumed update starts after the done
// ones.
func (s *DB) SaveReplyProgress(ctx context.Context, platform string, updateID string, done, uncertain, attempts int) error {
	_, err := s.q.ExecContext(ctx, `
		UPDATE processed_updates SET replies_done = $3, replies_uncertain = $4, send_attempts = $5, reply_in_flight = NULL
		WHERE platform = $1 AND update_id = $2 AND sent_at IS NULL`, platform, updateID, done, uncertain, attempts)
	if err != nil {
		return fmt.Errorf("save progress of update %s's replies: %w", updateID, err)
	}
	return nil
}

// UnsentReplies calls fn, oldest first, for each update whose replies were
// committed but not all sent (the process stopped in between, or sends
// kept failing), with how many of them are done already (see
// SaveReplyProgress) and the uncertain ones among those.
func (s *DB) UnsentReplies(ctx context.Context, platform string, fn func(updateID string, chatID string, replies []byte, done, uncertain int) error) error {
	var rows []struct {
		UpdateID  string `db:"update_id"`
		ChatID    string `db:"chat_id"`
		Replies   []byte `db:"replies"`
		Done      int    `db:"replies_done"`
		Uncertain int    `db:"replies_uncertain"`
	}
	err := s.q.SelectContext(ctx, &rows, `
		SELECT update_id, chat_id, COALESCE(replies, '[]') AS replies, replies_done, replies_uncertain
		FROM processed_updates
		WHERE platform = $1 AND sent_at IS NULL
		ORDER BY seq`, platform)
	if err != nil {
		return fmt.Errorf("list unsent replies: %w", err)
	}
	for _, r := range rows {
		if err := fn(r.UpdateID, r.ChatID, r.Replies, r.Done, r.Uncertain); err != nil {
			return err
		}
	}
	return nil
}

// UncertainReplies counts the replies of a platform that may or may not
// have arrived (their send timed out), for reports.
func (s *DB) UncertainReplies(ctx context.Context, platform string) (int, error) {
	var n int
	err := s.q.GetContext(ctx, &n, `
		SELECT COALESCE(sum(replies_uncertain), 0) FROM processed_updates WHERE platform = $1`, platform)
	if err != nil {
		return 0, fmt.Errorf("count uncertain replies: %w", err)
	}
	return n, nil
}

// MarkInFlight records, before its send, that reply index of update
// updateID is being sent: the replies before it are done (bot.ConfirmStore).
func (s *DB) MarkInFlight(ctx context.Context, platform, updateID string, index int) error {
	_, err := s.q.ExecContext(ctx, `
		UPDATE processed_updates SET replies_done = $3, reply_in_flight = $3
		WHERE platform = $1 AND update_id = $2 AND sent_at IS NULL`, platform, updateID, index)
	if err != nil {
		return fmt.Errorf("record the reply of update %s in flight: %w", updateID, err)
	}
	return nil
}

// InFlight returns the reply of updateID being sent and not confirmed (-1
// if none), and how many of its replies are done.
func (s *DB) InFlight(ctx context.Context, platform, updateID string) (index, done int, err error) {
	var row struct {
		InFlight *int `db:"reply_in_flight"`
		Done     int  `db:"replies_done"`
	}
	err = s.q.GetContext(ctx, &row, `
		SELECT reply_in_flight, replies_done FROM processed_updates
		WHERE platform = $1 AND update_id = $2`, platform, updateID)
	if errors.Is(err, sql.ErrNoRows) {
		return -1, 0, nil
	}
	if err != nil {
		return -1, 0, fmt.Errorf("read the reply of update %s in flight: %w", updateID, err)
	}
	if row.InFlight == nil {
		return -1, row.Done, nil
	}
	return *row.InFlight, row.Done, nil
}

// ConfirmSent records that the platform confirmed reply index of update
// updateID: it is done, and a process that stopped while sending it does
// not send it again.
func (s *DB) ConfirmSent(ctx context.Context, platform, updateID string, index int) error {
	_, err := s.q.ExecContext(ctx, `
		UPDATE processed_updates SET replies_done = GREATEST(replies_done, $3 + 1), reply_in_flight = NULL
		WHERE platform = $1 AND update_id = $2 AND reply_in_flight = $3 AND sent_at IS NULL`, platform, updateID, index)
	if err != nil {
		return fmt.Errorf("confirm the reply of update %s: %w", updateID, err)
	}
	return nil
}
