// Package store is Bottega's Postgres storage, through sqlx and lib/pq. It is
// the only package that writes SQL.
//
// Work that must be atomic runs in InTx; methods called with the context that
// InTx passes run inside that transaction, so callers (the dispatcher, the
// flows) compose store calls without seeing database/sql.
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
	"github.com/pressly/goose/v3/lock"

	"github.com/bottega-app/bottega/migrations"
)

// DB is a pool of connections to Bottega's database.
type DB struct {
	db     *sqlx.DB
	videos sync.Map // LessonVideo's answers: [lesson, platform] -> cachedVideo
}

// Open connects to the database at dsn and checks that it answers.
// Statements with arguments are prepared once per connection (see
// stmtConnector).
func Open(ctx context.Context, dsn string) (*DB, error) {
	conn, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("the database URL is not valid: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(stmtConnector{conn}), "postgres")
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return &DB{db: db}, nil
}

// Setting is a server setting, as SHOW prints it.
type Setting struct {
	Name  string `db:"name"`
	Value string `db:"value"`
}

// Settings returns the server settings named, in order.
func (s *DB) Settings(ctx context.Context, names ...string) ([]Setting, error) {
	var out []Setting
	err := s.q(ctx).SelectContext(ctx, &out, `
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

// Migrate applies pending migrations under goose's Postgres session lock, so
// several processes starting together apply each migration once.
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

func (s *DB) provider() (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
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

type txKey struct{}

// txn is the transaction a context carries.
type txn struct {
	q querier // a *sqlx.Tx, or the connection of an update's transaction
	// ahead is the learner read ahead when the update's transaction began
	// (see UpdateTx), for the handler's first query; any other query
	// drops it.
	ahead *aheadLearner
}

// querier is what *sqlx.DB, *sqlx.Tx and *sqlx.Conn offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// q returns the transaction carried by ctx, or the pool.
func (s *DB) q(ctx context.Context) querier {
	if t, ok := ctx.Value(txKey{}).(*txn); ok {
		t.ahead = nil
		return t.q
	}
	return s.db
}

// InTx runs fn in a transaction: store methods called with the context fn
// receives are part of it. fn's error (or panic) rolls everything back. A
// nested call joins the outer transaction.
func (s *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if _, ok := ctx.Value(txKey{}).(*txn); ok {
		return fn(ctx)
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
	if err := fn(context.WithValue(ctx, txKey{}, &txn{q: tx})); err != nil {
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
