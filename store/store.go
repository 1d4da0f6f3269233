// Package store is Bottega's Postgres storage, through sqlx and lib/pq. It is
// the only package that writes SQL.
//
// Work that must be atomic runs in InTx, which hands its callback a Tx: the
// same methods as DB's, bound to the transaction, so callers (the
// dispatcher, the flows) compose store calls without seeing database/sql.
// The transaction is always that value, never something a context carries.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"

	"github.com/bottega-app/bottega/migrations"
)

// DB is Bottega's database: a pool of connections, or, as a Tx's DB, one
// transaction. Its methods run their statements on that.
type DB struct {
	db     *sqlx.DB
	q      querier   // db, or the transaction
	tx     *sqlx.Tx  // the transaction; nil for the pool
	videos *sync.Map // LessonVideo's answers: [lesson, platform] -> cachedVideo
	tags   *tagTrigrams
}

// Tx is a transaction: it has the methods of DB, which run in it. A Tx is
// only valid inside the callback it was handed to.
type Tx struct {
	*DB
}

// bind returns the database bound to tx.
func (s *DB) bind(tx *sqlx.Tx) *Tx {
	return &Tx{DB: &DB{db: s.db, q: tx, tx: tx, videos: s.videos, tags: s.tags}}
}

// Open connects to the database at dsn and checks that it answers.
//
// Nothing is kept on a session between transactions, so dsn may point at a
// transaction pooler such as PgBouncer (pool_mode = transaction). For that,
// a statement with arguments goes out as one message (lib/pq's
// binary_parameters): by default lib/pq parses it in one round trip and
// runs it in another, and outside a transaction a pooler may send the
// second to another server connection than the first.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("the database URL is not valid: %w", err)
	}
	cfg.BinaryParameters = true
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("the database URL is not valid: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(conn), "postgres")
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		_ = db.Close() // never connected: the ping says why
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &DB{db: db, q: db, videos: &sync.Map{}, tags: &tagTrigrams{}}, nil
}

// Setting is a server setting, as SHOW prints it.
type Setting struct {
	Name  string `db:"name"`
	Value string `db:"value"`
}

// Settings returns the server settings named, in order.
func (s *DB) Settings(ctx context.Context, names ...string) ([]Setting, error) {
	var out []Setting
	err := s.q.SelectContext(ctx, &out, `
		SELECT name, current_setting(name) AS value
		FROM unnest(CAST($1 AS text[])) WITH ORDINALITY AS n(name, i) ORDER BY i`, pq.Array(names))
	if err != nil {
		return nil, fmt.Errorf("read server settings: %w", err)
	}
	return out, nil
}

// Close closes the pool.
func (s *DB) Close() error { return s.db.Close() }

// MaxConns is the bound of the pool.
func (s *DB) MaxConns() int { return s.db.Stats().MaxOpenConnections }

// SetMaxConns bounds the pool.
func (s *DB) SetMaxConns(n int) {
	s.db.SetMaxOpenConns(n)
	s.db.SetMaxIdleConns(n)
}

// Migrate applies pending migrations under an advisory lock, so several
// processes starting together apply each migration once.
func (s *DB) Migrate(ctx context.Context) ([]string, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("apply migrations: %w", err)
	}
	var applied []string
	for _, r := range res {
		applied = append(applied, r.Source.Path)
	}
	return applied, nil
}

// MigrateTo applies pending migrations up to and including version, as
// Migrate does; tests of a migration use it to fill the schema before it.
func (s *DB) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("apply migrations up to %d: %w", version, err)
	}
	return nil
}

func (s *DB) provider() (*goose.Provider, error) {
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, migrations.FS, goose.WithLocker(&migrationLock{}))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// migrationLock is the lock under which migrations run: a
// transaction-level advisory lock in a transaction that stays open until
// the migrations end, on a connection of its own, while they run on
// others. goose's session lock would not do behind a transaction pooler
// (PgBouncer in transaction mode), which may run the lock and the unlock
// on different server connections.
type migrationLock struct {
	tx *sql.Tx
}

func (l *migrationLock) Lock(ctx context.Context, db *sql.DB) error {
	// The transaction outlives ctx: rolled back at ctx's end, it would free
	// the lock while a migration may still be rolling back.
	tx, err := db.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return fmt.Errorf("take migration lock: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "bottega:migrations"); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("take migration lock: %w", err)
	}
	l.tx = tx
	return nil
}

func (l *migrationLock) Unlock(context.Context, *sql.DB) error {
	if l.tx == nil {
		return nil
	}
	err := l.tx.Rollback()
	l.tx = nil
	if err != nil {
		return fmt.Errorf("release migration lock: %w", err)
	}
	return nil
}

// Ready reports whether the database answers and every migration is applied.
func (s *DB) Ready(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	p, err := s.provider()
	if err != nil {
		return err
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current < target {
		return fmt.Errorf("schema at version %d, want %d", current, target)
	}
	return nil
}

// querier is what *sqlx.DB and *sqlx.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// InTx runs fn in a transaction: the methods of the Tx fn receives are part
// of it. fn's error (or panic) rolls everything back. Called on a Tx, InTx
// joins that transaction: fn gets it.
func (s *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if s.tx != nil {
		return fn(&Tx{DB: s})
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(s.bind(tx)); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// ErrNotFound is returned when a row asked for does not exist.
var ErrNotFound = errors.New("not found")

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
