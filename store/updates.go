package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// LockChat serialises the transactions of one chat across processes: it
// waits for, then holds until commit, an advisory lock keyed by the chat.
func (s *DB) LockChat(ctx context.Context, platform, chatID string) error {
	_, err := s.q(ctx).ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, platform+":"+chatID)
	if err != nil {
		return fmt.Errorf("lock chat: %w", err)
	}
	return nil
}

// RecordUpdate notes that an update is being handled. It returns false if the
// update was recorded before: a redelivery, to be skipped.
func (s *DB) RecordUpdate(ctx context.Context, platform string, updateID int64, chatID string) (bool, error) {
	res, err := s.q(ctx).ExecContext(ctx, `
		INSERT INTO processed_updates (platform, update_id, chat_id) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, platform, updateID, chatID)
	if err != nil {
		return false, fmt.Errorf("record update: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record update: %w", err)
	}
	return n == 1, nil
}

// LockAndCheckUpdate takes the chat's lock (see LockChat) and reports
// whether the update was recorded before, in one round trip. With
// RecordUpdateReplies at the end of the transaction it replaces
// RecordUpdate and SaveReplies: the update's row is written once, with its
// replies, instead of inserted then updated.
//
// The check is an early way out for redeliveries, not the guarantee: its
// snapshot is taken before the lock is granted, so it misses an update that
// the transaction holding the lock was committing meanwhile. That one's
// RecordUpdateReplies then finds the row, and its transaction is rolled
// back.
func (s *DB) LockAndCheckUpdate(ctx context.Context, platform string, updateID int64, chatID string) (seen bool, err error) {
	err = s.q(ctx).GetContext(ctx, &seen, `
		WITH lock AS (SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $3, 0)))
		SELECT EXISTS (SELECT 1 FROM processed_updates WHERE platform = $1 AND update_id = $2) FROM lock`,
		platform, updateID, chatID)
	if err != nil {
		return false, fmt.Errorf("lock chat and check update: %w", err)
	}
	return seen, nil
}

// RecordUpdateReplies records an update with its replies, to be kept until
// they are sent. It returns false if the update was recorded before: a
// redelivery, whose effects must be rolled back. The primary key settles a
// race with another transaction recording the same update: the second
// waits for the first to finish, and inserts only if it rolled back.
func (s *DB) RecordUpdateReplies(ctx context.Context, platform string, updateID int64, chatID string, replies []byte) (bool, error) {
	res, err := s.q(ctx).ExecContext(ctx, `
		INSERT INTO processed_updates (platform, update_id, chat_id, replies) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, platform, updateID, chatID, replies)
	if err != nil {
		return false, fmt.Errorf("record update: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record update: %w", err)
	}
	return n == 1, nil
}

// SaveReplies keeps an update's replies until they are sent.
func (s *DB) SaveReplies(ctx context.Context, platform string, updateID int64, replies []byte) error {
	_, err := s.q(ctx).ExecContext(ctx, `
		UPDATE processed_updates SET replies = $3 WHERE platform = $1 AND update_id = $2`,
		platform, updateID, replies)
	if err != nil {
		return fmt.Errorf("save replies: %w", err)
	}
	return nil
}

// MarkSent records that the replies of these updates went out.
func (s *DB) MarkSent(ctx context.Context, platform string, updateIDs ...int64) error {
	var err error
	switch len(updateIDs) {
	case 0:
		return nil
	case 1:
		// The usual case has its own statement: Postgres plans the array
		// one afresh every time, even prepared.
		_, err = s.q(ctx).ExecContext(ctx, `
			UPDATE processed_updates SET sent_at = now(), replies = NULL
			WHERE platform = $1 AND update_id = $2`, platform, updateIDs[0])
	default:
		_, err = s.q(ctx).ExecContext(ctx, `
			UPDATE processed_updates SET sent_at = now(), replies = NULL
			WHERE platform = $1 AND update_id = ANY($2)`, platform, pq.Array(updateIDs))
	}
	if err != nil {
		return fmt.Errorf("mark replies sent: %w", err)
	}
	return nil
}

// Unsent calls fn, oldest first, for each update whose replies were committed
// but not marked sent (the process stopped in between).
func (s *DB) Unsent(ctx context.Context, platform string, fn func(updateID int64, chatID string, replies []byte) error) error {
	var rows []struct {
		UpdateID int64  `db:"update_id"`
		ChatID   string `db:"chat_id"`
		Replies  []byte `db:"replies"`
	}
	err := s.q(ctx).SelectContext(ctx, &rows, `
		SELECT update_id, chat_id, COALESCE(replies, '[]') AS replies FROM processed_updates
		WHERE platform = $1 AND sent_at IS NULL
		ORDER BY processed_at, update_id`, platform)
	if err != nil {
		return fmt.Errorf("list unsent replies: %w", err)
	}
	for _, r := range rows {
		if err := fn(r.UpdateID, r.ChatID, r.Replies); err != nil {
			return err
		}
	}
	return nil
}

// CountUpdates returns how many updates of platform were recorded.
func (s *DB) CountUpdates(ctx context.Context, platform string) (int, error) {
	var n int
	err := s.q(ctx).GetContext(ctx, &n, `SELECT count(*) FROM processed_updates WHERE platform = $1`, platform)
	if err != nil {
		return 0, fmt.Errorf("count updates: %w", err)
	}
	return n, nil
}
