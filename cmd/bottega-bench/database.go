package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pglocal"
)

// benchDatabase opens DATABASE_URL, or starts a throw-away private Postgres
// (fsync off, like the tests'), and migrates it.
func benchDatabase(ctx context.Context, cfg config) (db *store.DB, where string, closeDB func(), err error) {
	if cfg.DatabaseURL != "" {
		db, err := store.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, "", nil, err
		}
		if _, err := db.Migrate(ctx); err != nil {
			_ = db.Close() // the migration failed: that is the error to report
			return nil, "", nil, err
		}
		return db, "DATABASE_URL", func() { _ = db.Close() }, nil
	}
	dir, err := os.MkdirTemp("", "bottega-bench-")
	if err != nil {
		return nil, "", nil, fmt.Errorf("create temporary directory: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // #nosec G302 -- the server's user (postgres, under root) must enter it
		return nil, "", nil, err
	}
	srv, err := pglocal.Start(ctx, pglocal.Options{Dir: filepath.Join(dir, "pg"), Fast: true})
	if err != nil {
		_ = os.RemoveAll(dir) // a temporary folder: the start failed, that is the error to report
		if errors.Is(err, pglocal.ErrNoServer) {
			return nil, "", nil, usageError{err.Error()}
		}
		return nil, "", nil, fmt.Errorf("start private postgres: %w", err)
	}
	cleanup := func() { _ = srv.Stop(); _ = os.RemoveAll(dir) } // a throwaway cluster
	if err := createDatabase(ctx, srv.DSN("postgres"), "bench"); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	db, err = store.Open(ctx, srv.DSN("bench"))
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		_ = db.Close()
		cleanup()
		return nil, "", nil, err
	}
	return db, "private Postgres, fsync off", func() { _ = db.Close(); cleanup() }, nil
}

func createDatabase(ctx context.Context, adminDSN, name string) error {
	admin, err := sql.Open("postgres", adminDSN)
	if err != nil {
		return fmt.Errorf("connect to private postgres: %w", err)
	}
	defer admin.Close()
	// name is one of this file's constants, never input.
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// publishBuiltin publishes the built-in curriculum, indexed for questions,
// unless the database already has it.
func publishBuiltin(ctx context.Context, db *store.DB) error {
	c, err := content.Builtin()
	if err != nil {
		return fmt.Errorf("built-in curriculum: %w", err)
	}
	st, err := db.CurrentCurriculumState(ctx)
	if err != nil {
		return err
	}
	if st.Version != 0 && st.Hash == c.Hash() {
		return nil
	}
	if _, err := db.PublishCurriculum(ctx, c, store.PublishOptions{Builtin: true, Source: bottega.SourceBuiltin, Index: assistant.Index}); err != nil {
		return fmt.Errorf("publish built-in curriculum: %w", err)
	}
	return nil
}
