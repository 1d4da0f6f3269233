package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/bottega-app/bottega"
)

// The statements of an update's transaction, prepared by name (SQL
// PREPARE) on each connection before its first update: EXECUTE then runs
// them from a multi-statement query, so that several take one round trip
// (lib/pq sends one statement with arguments per round trip) and none is
// planned again.
const prepareUpdateStatements = `
PREPARE bottega_lock_chat(text, text, bigint) AS
	SELECT EXISTS (SELECT 1 FROM processed_updates WHERE platform = $2 AND update_id = $3)
	FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS locked;
PREPARE bottega_learner_ahead(text, text) AS
	SELECT ` + learnerColsL + `, s.state
	FROM learners l LEFT JOIN conversation_state s ON s.learner_id = l.id
	WHERE l.platform = $1 AND l.external_id = $2;
PREPARE bottega_record_update(text, bigint, text, jsonb) AS
	INSERT INTO processed_updates (platform, update_id, chat_id, replies) VALUES ($1, $2, $3, $4)`

// aheadLearner is a learner (and state) read when an update's transaction
// began, before the handler asked.
type aheadLearner struct {
	platform, externalID string
	learner              bottega.Learner
	state                []byte
}

// takeAhead returns the learner read ahead in ctx's transaction, if it is
// the one asked for and no other query ran since.
func takeAhead(ctx context.Context, platform, externalID string) *aheadLearner {
	t, ok := ctx.Value(txKey{}).(*txn)
	if !ok || t.ahead == nil || t.ahead.platform != platform || t.ahead.externalID != externalID {
		return nil
	}
	a := t.ahead
	t.ahead = nil
	return a
}

// UpdateTx handles an update in a transaction of its own. It holds the
// chat's lock (a transaction-level advisory lock keyed by platform and
// chat) from before its first read to its commit, so that the updates of a
// chat are handled one at a time and in order, across processes too. An
// update recorded before is a redelivery: UpdateTx returns seen and does
// not call fn. Otherwise it calls fn, then records the update with the
// replies fn returned, to be kept until MarkSent; fn's error (or panic)
// rolls everything back.
//
// It takes two round trips besides the statements fn runs: one begins the
// transaction, takes the lock, checks for a redelivery and reads the
// learner with userID ahead (EnsureLearnerState, the handler's usual first
// query, is then answered from it); one records the update and commits.
// The read ahead comes after the lock is granted, so it sees what the
// chat's previous update committed. The check is an early way out: its
// statement's snapshot predates the lock, so it misses a redelivery whose
// first delivery committed while this one waited for the lock; the primary
// key then refuses the record, and the transaction is rolled back.
func (s *DB) UpdateTx(ctx context.Context, platform string, updateID int64, chatID, userID string, fn func(ctx context.Context) (replies []byte, err error)) (seen bool, err error) {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return false, fmt.Errorf("begin update transaction: %w", err)
	}
	// open tells that a transaction is open on conn; stale, that conn's
	// statements are (the schema changed?): it is then closed, and the
	// next connection prepares them afresh.
	open, stale := false, false
	defer func() {
		p := recover()
		if open {
			rollback(conn)
		}
		if stale {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
		if p != nil {
			panic(p)
		}
	}()
	sc, err := sessionOf(conn)
	if err != nil {
		return false, err
	}
	if !sc.updatePrepared {
		if _, err := conn.ExecContext(ctx, prepareUpdateStatements); err != nil {
			return false, fmt.Errorf("prepare update statements: %w", err)
		}
		sc.updatePrepared = true
	}
	p := pq.QuoteLiteral(platform)
	open = true
	rows, err := conn.QueryxContext(ctx, "BEGIN;"+
		"EXECUTE bottega_lock_chat("+pq.QuoteLiteral(platform+":"+chatID)+", "+p+", "+strconv.FormatInt(updateID, 10)+");"+
		"EXECUTE bottega_learner_ahead("+p+", "+pq.QuoteLiteral(userID)+")")
	if err != nil {
		stale = staleStatement(err)
		return false, fmt.Errorf("begin update transaction: %w", err)
	}
	ahead, seen, err := readBegin(rows)
	if err != nil {
		stale = staleStatement(err)
		return false, fmt.Errorf("begin update transaction: %w", err)
	}
	if seen {
		return true, nil // rolled back by the deferred call
	}
	t := &txn{q: conn}
	if ahead != nil {
		ahead.platform, ahead.externalID = platform, userID
		t.ahead = ahead
	}
	replies, err := fn(context.WithValue(ctx, txKey{}, t))
	if err != nil {
		return false, err
	}
	_, err = conn.ExecContext(ctx, "EXECUTE bottega_record_update("+p+", "+strconv.FormatInt(updateID, 10)+", "+
		pq.QuoteLiteral(chatID)+", "+pq.QuoteLiteral(string(replies))+"); COMMIT")
	if err != nil {
		stale = staleStatement(err)
		if e := (*pq.Error)(nil); errors.As(err, &e) && e.Code == "23505" && e.Table == "processed_updates" { // unique_violation
			return true, nil
		}
		return false, fmt.Errorf("record update: %w", err)
	}
	open = false
	return false, nil
}

// readBegin reads the answers of UpdateTx's first round trip: whether the
// update was seen, and the learner read ahead (nil if none).
func readBegin(rows *sqlx.Rows) (ahead *aheadLearner, seen bool, err error) {
	defer rows.Close()
	if !rows.Next() {
		return nil, false, errors.Join(rows.Err(), errors.New("no answer to the redelivery check"))
	}
	if err := rows.Scan(&seen); err != nil {
		return nil, false, err
	}
	for rows.Next() {
	}
	if !rows.NextResultSet() {
		return nil, false, errors.Join(rows.Err(), errors.New("no answer to the learner query"))
	}
	if rows.Next() {
		var row struct {
			bottega.Learner
			State []byte `db:"state"`
		}
		if err := rows.StructScan(&row); err != nil {
			return nil, false, err
		}
		ahead = &aheadLearner{learner: row.Learner, state: row.State}
	}
	for rows.Next() {
	}
	return ahead, seen, errors.Join(rows.Err(), rows.Close())
}

// rollback ends the transaction open on conn; a connection that cannot be
// rolled back is closed, never returned to the pool mid-transaction.
func rollback(conn *sqlx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// RecordUpdateReplies records an update with its replies, to be kept until
// they are sent. It returns false if the update was recorded before. It is
// the record UpdateTx makes, as a statement of its own.
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
