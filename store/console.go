package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ConsoleSession is an admin signed in to the web console.
type ConsoleSession struct {
	Platform string `db:"platform"`
	UserID   string `db:"user_id"`
	CSRF     string `db:"csrf"`
}

// CreateConsoleLink keeps a one-time sign-in link (its token's hash) for
// an admin, valid until expires. Links and sessions long expired are
// dropped on the way.
func (s *DB) CreateConsoleLink(ctx context.Context, tokenHash []byte, platform, userID string, now, expires time.Time) error {
	_, err := s.q.ExecContext(ctx, `
		WITH old AS (DELETE FROM console_links WHERE expires_at < CAST($4 AS timestamptz) - interval '1 day')
		INSERT INTO console_links (token_hash, platform, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		tokenHash, platform, userID, now, expires)
	if err != nil {
		return fmt.Errorf("save console link: %w", err)
	}
	return nil
}

// UseConsoleLink spends a sign-in link: it returns whose it is, once, if it
// has not expired at now; ErrNotFound otherwise (unknown, used or stale).
func (s *DB) UseConsoleLink(ctx context.Context, tokenHash []byte, now time.Time) (platform, userID string, err error) {
	var row struct {
		Platform string `db:"platform"`
		UserID   string `db:"user_id"`
	}
	err = s.q.GetContext(ctx, &row, `
		UPDATE console_links SET used_at = $2
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
		RETURNING platform, user_id`, tokenHash, now)
	if err != nil {
		return "", "", fmt.Errorf("use console link: %w", notFound(err))
	}
	return row.Platform, row.UserID, nil
}

// CreateConsoleSession keeps a new session (its token's hash).
func (s *DB) CreateConsoleSession(ctx context.Context, tokenHash []byte, sess ConsoleSession, now time.Time) error {
	_, err := s.q.ExecContext(ctx, `
		INSERT INTO console_sessions (token_hash, platform, user_id, csrf, created_at, seen_at)
		VALUES ($1, $2, $3, $4, $5, $5)`, tokenHash, sess.Platform, sess.UserID, sess.CSRF, now)
	if err != nil {
		return fmt.Errorf("save console session: %w", err)
	}
	return nil
}

// TouchConsoleSession returns the session with the token's hash if it was
// seen after now minus idle, and marks it seen at now; ErrNotFound
// otherwise. Sessions idle for longer are dropped on the way.
func (s *DB) TouchConsoleSession(ctx context.Context, tokenHash []byte, now time.Time, idle time.Duration) (ConsoleSession, error) {
	var sess ConsoleSession
	err := s.q.GetContext(ctx, &sess, `
		WITH old AS (DELETE FROM console_sessions WHERE seen_at <= CAST($2 AS timestamptz) - make_interval(secs => $3) AND token_hash <> $1)
		UPDATE console_sessions SET seen_at = $2
		WHERE token_hash = $1 AND seen_at > CAST($2 AS timestamptz) - make_interval(secs => $3)
		RETURNING platform, user_id, csrf`, tokenHash, now, idle.Seconds())
	if err != nil {
		return sess, fmt.Errorf("load console session: %w", notFound(err))
	}
	return sess, nil
}

// DeleteConsoleSession ends a session (signing out).
func (s *DB) DeleteConsoleSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.q.ExecContext(ctx, `DELETE FROM console_sessions WHERE token_hash = $1`, tokenHash)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("delete console session: %w", err)
	}
	return nil
}
