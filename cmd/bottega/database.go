package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
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
		_, err := os.Stat(cfg.DataDir)
		fresh := errors.Is(err, fs.ErrNotExist)
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil { // #nosec G301 -- the server's user (postgres, under root) must enter it to reach the cluster in it
			return nil, nil, nil, fmt.Errorf("create data directory: %w", err)
		}
		dir, err := clusterDir(cfg.DataDir, fresh, log)
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
			// running (toolServer says so).
			log.Debug("using the private PostgreSQL server that the running Bottega started", "dir", dir)
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
// which a file in dataDir names for people looking for it. That folder
// belongs to the data folder: when the data folder is new (fresh), one
// left there by a data folder of the same path, since deleted, is removed,
// so that deleting the data folder starts afresh wherever the cluster is.
func clusterDir(dataDir string, fresh bool, log *slog.Logger) (string, error) {
	dir, err := filepath.Abs(filepath.Join(dataDir, "pg"))
	if err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	at, err := pglocal.Locate(dir, stateDir)
	if err != nil || at == dir {
		return at, err
	}
	if _, err := os.Stat(filepath.Join(at, "PG_VERSION")); err == nil && fresh {
		if _, err := os.Stat(filepath.Join(at, "postmaster.pid")); err == nil {
			return "", fmt.Errorf("the database of a deleted data folder %s still runs in %s: stop the Bottega that uses it first", dataDir, at)
		}
		if err := os.RemoveAll(at); err != nil {
			return "", fmt.Errorf("remove the database of a deleted data folder: %w", err)
		}
		log.Warn("the data folder is new: the database an earlier one left in "+at+" was removed", "data", dataDir)
	}
	note := fmt.Sprintf("The database of this data folder is in %s:\nthe postgres user, which runs it, cannot enter %s.\n", at, dataDir)
	if err := os.WriteFile(filepath.Join(dataDir, "pg-location.txt"), []byte(note), 0o644); err != nil { // #nosec G306 -- a note naming a folder, for whoever looks in the data folder
		return "", fmt.Errorf("note where the database is: %w", err)
	}
	log.Warn("the postgres user cannot enter the data folder: its database is kept in "+at, "data", dataDir, "database", at)
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
	cfg, log, db, _, closeDB, err = toolServer(ctx, e)
	return cfg, log, db, closeDB, err
}

// toolServer is toolDatabase with the private server it uses (nil with
// DATABASE_URL): one the command started says that no bot runs on the data
// folder. A command that uses the running bot's server says so.
func toolServer(ctx context.Context, e env) (cfg config, log *slog.Logger, db *store.DB, srv *pglocal.Server, closeDB func(), err error) {
	if cfg, err = loadConfig(e.getenv); err != nil {
		return cfg, nil, nil, nil, nil, err
	}
	log = newLogger(e, cfg, true)
	db, srv, closeDB, err = openDatabase(ctx, cfg, log)
	if err == nil && srv != nil && srv.Shared() {
		fmt.Fprintf(e.stderr, "Using the database of the Bottega that runs on %s (it keeps running).\n", cfg.DataDir)
	}
	return cfg, log, db, srv, closeDB, err
}
