package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pglocal"
)

// eventHandler turns each log record into an event.
type eventHandler struct{ ev chan<- string }

func (h eventHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h eventHandler) Handle(_ context.Context, r slog.Record) error {
	h.ev <- "log: " + r.Message
	return nil
}
func (h eventHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h eventHandler) WithGroup(string) slog.Handler      { return h }

// TestDatabaseOutageIsLoggedOnce stops a real Postgres under a running
// watch, then starts it again: one line says it is unreachable, one that it
// is back, however many checks fail in between.
func TestDatabaseOutageIsLoggedOnce(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(dataDir(t), "pg")
	logf, err := os.Create(filepath.Join(filepath.Dir(dir), "postgres.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	opts := pglocal.Options{Dir: dir, Fast: true, Log: logf}
	srv, err := pglocal.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Stop() }()
	if err := createDatabase(ctx, srv.DSN("postgres"), "bottega"); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, srv.DSN("bottega"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	ev := make(chan string, 100000) // never full: the watch must not block on the test
	w := newDBWatch(db.Ready, slog.New(eventHandler{ev}), 20*time.Millisecond)
	w.checked = func(err error) {
		if err != nil {
			ev <- "check: fail"
		} else {
			ev <- "check: ok"
		}
	}
	logged := map[string]int{}
	// waitFor reads events until want has come n times in a row (log lines
	// are counted, not matched).
	waitFor := func(want string, n int) {
		t.Helper()
		timeout := time.After(time.Minute) // a guard, not a measure
		for seen := 0; seen < n; {
			select {
			case e := <-ev:
				switch {
				case strings.HasPrefix(e, "log:"):
					logged[e]++
					if e == want {
						seen++
					}
				case e == want:
					seen++
				default:
					seen = 0
				}
			case <-timeout:
				t.Fatalf("no %q after a minute; logged %v", want, logged)
			}
		}
	}
	stop := w.start(ctx)
	waitFor("check: ok", 2)

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	waitFor("log: database unreachable", 1)
	waitFor("check: fail", 5) // the outage goes on, unlogged

	if srv, err = pglocal.Start(ctx, opts); err != nil {
		t.Fatal(err)
	}
	waitFor("log: database back", 1)
	waitFor("check: ok", 5)
	stop()

	want := map[string]int{"log: database unreachable": 1, "log: database back": 1}
	if fmt.Sprint(logged) != fmt.Sprint(want) {
		t.Errorf("logged %v, want %v", logged, want)
	}
}
