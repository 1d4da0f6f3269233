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

// ConsoleJob is a console job's state (see migration 00027): who started it
// on what, how far it is, and how it ended.
type ConsoleJob struct {
	ID        string    `db:"id"`
	Platform  string    `db:"platform"`
	UserID    string    `db:"user_id"`
	Source    string    `db:"source"`
	StartedAt time.Time `db:"started_at"`
	// SeenAt is when the process running it last wrote.
	SeenAt time.Time `db:"seen_at"`
	// Stage is what it is doing, as its runner encodes it.
	Stage      []byte     `db:"stage"`
	FinishedAt *time.Time `db:"finished_at"`
	// Version is the curriculum version it published, Encoded and
	// Cached its clips made now and found made.
	Version int64 `db:"version"`
	Encoded int   `db:"encoded"`
	Cached  int   `db:"cached"`
	// ErrorKey names the message that says why it failed, ErrorDetail
	// what follows it (ffmpeg's own words); empty if it did not.
	ErrorKey    string `db:"error_key"`
	ErrorDetail string `db:"error_detail"`
}

// keepConsoleJobs is how long a job's row stays after it started.
const keepConsoleJobs = 7 * 24 * time.Hour

// SaveConsoleJob writes a job's state, a new job's or a running one's.
// Jobs started long before it are dropped on the way.
func (s *DB) SaveConsoleJob(ctx context.Context, j ConsoleJob) error {
	if len(j.Stage) == 0 {
		j.Stage = []byte("{}")
	}
	_, err := s.q.ExecContext(ctx, `
		WITH old AS (DELETE FROM console_jobs WHERE started_at < CAST($6 AS timestamptz) - CAST($14 AS interval))
		INSERT INTO console_jobs (id, platform, user_id, source, started_at, seen_at, stage, finished_at, version, encoded, cached, error_key, error_detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at, stage = EXCLUDED.stage, finished_at = EXCLUDED.finished_at,
			version = EXCLUDED.version, encoded = EXCLUDED.encoded, cached = EXCLUDED.cached,
			error_key = EXCLUDED.error_key, error_detail = EXCLUDED.error_detail`,
		j.ID, j.Platform, j.UserID, j.Source, j.StartedAt, j.SeenAt, string(j.Stage), j.FinishedAt, j.Version, j.Encoded, j.Cached,
		j.ErrorKey, j.ErrorDetail, fmt.Sprintf("%d seconds", int(keepConsoleJobs.Seconds())))
	if err != nil {
		return fmt.Errorf("save console job: %w", err)
	}
	return nil
}

// ConsoleJob returns the job with id; ErrNotFound if there is none.
func (s *DB) ConsoleJob(ctx context.Context, id string) (ConsoleJob, error) {
	var j ConsoleJob
	if err := s.q.GetContext(ctx, &j, `SELECT * FROM console_jobs WHERE id = $1`, id); err != nil {
		return ConsoleJob{}, fmt.Errorf("read console job: %w", notFound(err))
	}
	return j, nil
}
