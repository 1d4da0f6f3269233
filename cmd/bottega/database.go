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

// stateDir is where the private cluster lives when the postgres user cannot
// reach the data directory (see pglocal.Locate).
const stateDir = "/var/lib/bottega"

// openDatabase connects to DATABASE_URL, or starts the private Postgres
// cluster of the data directory (srv, nil otherwise), then applies
// migrations. close stops whatever was started.
func openDatabase(ctx context.Context, cfg config, log *slog.Logger) (db *store.DB, srv *pglocal.Server, close func(), err error) {
	dsn := cfg.DatabaseURL
	if dsn == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil { // #nosec G301 -- the server's user (postgres, under root) must enter it to reach the cluster in it
			return nil, nil, nil, fmt.Errorf("create data directory: %w", err)
		}
		dir, err := clusterDir(cfg.DataDir, log)
		if err != nil {
			return nil, nil, nil, err
		}
		logf, err := os.OpenFile(filepath.Join(cfg.DataDir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("open postgres log: %w", err)
		}
		log.Debug("starting private postgres", "dir", dir)
		srv, err = pglocal.Start(ctx, pglocal.Options{Dir: dir, Log: logf})
		if err != nil {
			_ = logf.Close() // the start failed: that is the error to report
			if errors.Is(err, pglocal.ErrNoServer) {
				return nil, nil, nil, usageError{err.Error()}
			}
			return nil, nil, nil, fmt.Errorf("start private postgres (log in %s): %w", logf.Name(), err)
		}
		if srv.Shared() {
			// The bot runs: an admin command uses its server, and leaves it
			// running.
			log.Info("using the private PostgreSQL server that the running Bottega started", "dir", dir)
		}
		if err := createDatabase(ctx, srv.DSN("postgres"), "bottega"); err != nil {
			_ = srv.Stop() // the database could not be created: that is the error to report
			return nil, nil, nil, err
		}
		dsn = srv.DSN("bottega")
		stop := srv.Stop
		defer func() {
			if err != nil {
				_ = stop() // err says why we stop
			}
		}()
		close = func() {
			if err := stop(); err != nil {
				log.Warn("stop private postgres", "err", err)
			}
			_ = logf.Close() // written by the server, which has stopped
		}
	}
	db, err = store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		_ = db.Close() // the migration failed: that is the error to report
		return nil, nil, nil, err
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "files", applied)
	}
	stopServer := close
	close = func() {
		if err := db.Close(); err != nil {
			log.Warn("close database", "err", err)
		}
		if stopServer != nil {
			stopServer()
		}
	}
	return db, srv, close, nil
}

// clusterDir is where the private cluster of dataDir lives: dataDir/pg,
// or, when the server's user cannot reach it, a folder under stateDir,
// which a file in dataDir names for people looking for it.
func clusterDir(dataDir string, log *slog.Logger) (string, error) {
	dir, err := filepath.Abs(filepath.Join(dataDir, "pg"))
	if err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	at, err := pglocal.Locate(dir, stateDir)
	if err != nil || at == dir {
		return at, err
	}
	note := fmt.Sprintf("The database of this data folder is in %s:\nthe postgres user, which runs it, cannot enter %s.\n", at, dataDir)
	if err := os.WriteFile(filepath.Join(dataDir, "pg-location.txt"), []byte(note), 0o644); err != nil { // #nosec G306 -- a note naming a folder, for whoever looks in the data folder
		return "", fmt.Errorf("note where the database is: %w", err)
	}
	log.Info("the postgres user cannot enter the data folder: its database is kept in "+at, "data", dataDir, "database", at)
	return at, nil
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
	db, _, closeDB, err = openDatabase(ctx, cfg, log)
	return cfg, log, db, closeDB, err
}
