package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pglocal"
)

// openDatabase connects to DATABASE_URL, or starts the private Postgres
// cluster in the data directory, then applies migrations. close stops
// whatever was started.
func openDatabase(ctx context.Context, cfg config, log *slog.Logger) (db *store.DB, close func(), err error) {
	var srv *pglocal.Server
	dsn := cfg.DatabaseURL
	if dsn == "" {
		dir := filepath.Join(cfg.DataDir, "pg")
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, nil, fmt.Errorf("create data directory: %w", err)
		}
		logf, err := os.OpenFile(filepath.Join(cfg.DataDir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("open postgres log: %w", err)
		}
		log.Debug("starting private postgres", "dir", dir)
		srv, err = pglocal.Start(ctx, pglocal.Options{Dir: dir, Log: logf})
		if err != nil {
			logf.Close()
			if errors.Is(err, pglocal.ErrNoServer) {
				return nil, nil, usageError{err.Error()}
			}
			return nil, nil, fmt.Errorf("start private postgres (log in %s): %w", logf.Name(), err)
		}
		if err := createDatabase(ctx, srv.DSN("postgres"), "bottega"); err != nil {
			srv.Stop()
			return nil, nil, err
		}
		dsn = srv.DSN("bottega")
		stop := srv.Stop
		defer func() {
			if err != nil {
				stop()
			}
		}()
		close = func() { stop(); logf.Close() }
	}
	db, err = store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "files", applied)
	}
	stopServer := close
	close = func() {
		db.Close()
		if stopServer != nil {
			stopServer()
		}
	}
	return db, close, nil
}

func createDatabase(ctx context.Context, adminDSN, name string) error {
	admin, err := sql.Open("postgres", adminDSN)
	if err != nil {
		return err
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("connect to private postgres: %w", err)
	}
	if !exists {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
			return fmt.Errorf("create database %s: %w", name, err)
		}
	}
	return nil
}

// toolDatabase is what the command-line tools share: the configuration, a
// logger that keeps the terminal readable, and the migrated database.
func toolDatabase(ctx context.Context, e env) (cfg config, log *slog.Logger, db *store.DB, closeDB func(), err error) {
	if cfg, err = loadConfig(e.getenv); err != nil {
		return cfg, nil, nil, nil, err
	}
	log = newLogger(e, cfg, true)
	db, closeDB, err = openDatabase(ctx, cfg, log)
	return cfg, log, db, closeDB, err
}
