package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/lib/pq"
)

// UpdateTx handles an update in a transaction of its own. It holds the
// chat's lock (a transaction-level advisory lock keyed by platform and
// chat) from before its first read to its commit, so that the updates of a
// chat are handled one at a time and in order, across processes too. An
// update recorded before is a redelivery: UpdateTx returns seen and does
// not call fn. Otherwise it calls fn with the transaction (a *Tx, typed any
// for the dispatcher, which hands it on to the handler), then records the update with the
// replies fn returned, to be kept until MarkSent; fn's error (or panic)
// rolls everything back. The fifth argument, the user who sent the update,
// is not needed here; it stays for the dispatcher's interface.
//
// The transaction is an ordinary one with parameterized statements and
// leaves nothing on the session, so it runs the same through a transaction
// pooler such as PgBouncer. The redelivery check is a statement of its own
// after the lock's: it reads with a snapshot taken once the lock is
// granted, so it sees a first delivery that committed while this one
// waited. Should the record still collide (the primary key refuses it),
// the update was seen and everything is rolled back.
func (s *DB) UpdateTx(ctx context.Context, platform string, updateID string, chatID, _ string, fn func(tx any) (replies []byte, err error)) (seen bool, err error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin update transaction: %w", err)
	}
	done := false
	defer func() {
		if !done {
			// A connection whose rollback fails is closed by database/sql,
			// never returned to the pool mid-transaction.
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, platform+":"+chatID); err != nil {
		return false, fmt.Errorf("lock chat: %w", err)
	}
	err = tx.GetContext(ctx, &seen, `
		SELECT EXISTS (SELECT 1 FROM processed_updates WHERE platform = $1 AND update_id = $2)`, platform, updateID)
	if err != nil {
		return false, fmt.Errorf("check for a redelivery: %w", err)
	}
	if seen {
		return true, nil // rolled back by the deferred call
	}
	replies, err := fn(s.bind(tx))
	if err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO processed_updates (platform, update_id, chat_id, replies) VALUES ($1, $2, $3, $4)`,
		platform, updateID, chatID, jsonArg(replies))
	if e := (*pq.Error)(nil); errors.As(err, &e) && e.Code == "23505" && e.Table == "processed_updates" { // unique_violation
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("record update: %w", err)
	}
	done = true
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit update: %w", err)
	}
	return false, nil
}

// jsonArg passes a JSON document to a jsonb parameter: as text, since
// lib/pq sends []byte in binary format when binary_parameters is on (see
// Open) and jsonb's binary format is not plain JSON; nil is NULL.
func jsonArg(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// RecordUpdateReplies records an update with its replies, to be kept until
// they are sent. It returns false if the update was recorded before. It is
// the record UpdateTx makes, as a statement of its own.
func (s *DB) RecordUpdateReplies(ctx context.Context, platform string, updateID string, chatID string, replies []byte) (bool, error) {
	res, err := s.q.ExecContext(ctx, `
		INSERT INTO processed_updates (platform, update_id, chat_id, replies) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, platform, updateID, chatID, jsonArg(replies))
	if err != nil {
		return false, fmt.Errorf("record update: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record update: %w", err)
	}
	return n == 1, nil
}

// MarkSent records that the replies of these updates went out. The record
// then keeps only what recognises a redelivery: the replies and the chat
// they were for are forgotten, so the table names nobody once a chat's
// replies are delivered.
func (s *DB) MarkSent(ctx context.Context, platform string, updateIDs ...string) error {
	var err error
	switch len(updateIDs) {
	case 0:
		return nil
	case 1:
		// The usual case has its own statement: Postgres plans the array
		// one afresh every time, even prepared.
		_, err = s.q.ExecContext(ctx, `
			UPDATE processed_updates SET sent_at = now(), replies = NULL, chat_id = ''
			WHERE platform = $1 AND update_id = $2`, platform, updateIDs[0])
	default:
		_, err = s.q.ExecContext(ctx, `
			UPDATE processed_updates SET sent_at = now(), replies = NULL, chat_id = ''
			WHERE platform = $1 AND update_id = ANY($2)`, platform, pq.Array(updateIDs))
	}
	if err != nil {
		return fmt.Errorf("mark replies sent: %w", err)
	}
	return nil
}

// Unsent calls fn, oldest first, for each update whose replies were committed
// but not marked sent (the process stopped in between).
func (s *DB) Unsent(ctx context.Context, platform string, fn func(updateID string, chatID string, replies []byte) error) error {
	var rows []struct {
		UpdateID string `db:"update_id"`
		ChatID   string `db:"chat_id"`
		Replies  []byte `db:"replies"`
	}
	err := s.q.SelectContext(ctx, &rows, `
		SELECT update_id, chat_id, COALESCE(replies, '[]') AS replies FROM processed_updates
		WHERE platform = $1 AND sent_at IS NULL
		ORDER BY seq`, platform)
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
	err := s.q.GetContext(ctx, &n, `SELECT count(*) FROM processed_updates WHERE platform = $1`, platform)
	if err != nil {
		return 0, fmt.Errorf("count updates: %w", err)
	}
	return n, nil
}
