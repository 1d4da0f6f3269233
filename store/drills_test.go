package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// A drill timer is delivered once: taking it in an update's transaction that rolls
// back (a crash before the commit) leaves it due; once taken and committed it is
// neither due nor taken again; a timer not yet due, or another learner's, is not
// taken; the run's end stops what is left.
func TestDrillTimers(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l, _, err := db.EnsureLearner(ctx, "telegram", "42", "42", "Ada", "it")
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := db.EnsureLearner(ctx, "telegram", "43", "43", "Bea", "it")
	if err != nil {
		t.Fatal(err)
	}
	run, err := db.StartDrillRun(ctx, l.ID, "acqua-voce", 1, now)
	if err != nil {
		t.Fatal(err)
	}
	err = db.AddDrillTimers(ctx, []bottega.DrillTimer{
		{RunID: run, LearnerID: l.ID, TaskID: "smentita", Event: 1, DueAt: now.Add(time.Minute)},
		{RunID: run, LearnerID: l.ID, TaskID: "smentita", Event: bottega.DrillDeadline, DueAt: now.Add(8 * time.Minute)},
	})
	if err != nil {
		t.Fatal(err)
	}
	due := func(at time.Time) []bottega.DueDrillTimer {
		t.Helper()
		ts, err := db.DueDrillTimers(ctx, "telegram", at, 10)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	if ts := due(now); len(ts) != 0 {
		t.Fatalf("due before their time: %v", ts)
	}
	ts := due(now.Add(2 * time.Minute))
	if len(ts) != 1 || ts[0].ChatID != "42" || ts[0].ExternalID != "42" {
		t.Fatalf("due after a minute: %+v", ts)
	}
	id := ts[0].ID
	if _, ok, err := db.TakeDrillTimer(ctx, l.ID, id+1, now.Add(2*time.Minute)); err != nil || ok {
		t.Errorf("the deadline was taken before it was due (ok %v, err %v)", ok, err)
	}
	if _, ok, err := db.TakeDrillTimer(ctx, other.ID, id, now.Add(2*time.Minute)); err != nil || ok {
		t.Errorf("another learner took the timer (ok %v, err %v)", ok, err)
	}
	crash := errors.New("crash before the commit")
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if _, ok, err := tx.TakeDrillTimer(ctx, l.ID, id, now.Add(2*time.Minute)); err != nil || !ok {
			t.Errorf("take a due timer: ok %v, err %v", ok, err)
		}
		return crash
	})
	if !errors.Is(err, crash) {
		t.Fatal(err)
	}
	if ts := due(now.Add(2 * time.Minute)); len(ts) != 1 {
		t.Fatalf("after a rollback the timer must still be due, got %v", ts)
	}
	tm, ok, err := db.TakeDrillTimer(ctx, l.ID, id, now.Add(2*time.Minute))
	if err != nil || !ok || tm.Event != 1 || tm.TaskID != "smentita" || tm.RunID != run {
		t.Fatalf("take: %+v, ok %v, err %v", tm, ok, err)
	}
	if _, ok, _ := db.TakeDrillTimer(ctx, l.ID, id, now.Add(3*time.Minute)); ok {
		t.Error("a timer was taken twice")
	}
	if ts := due(now.Add(2 * time.Minute)); len(ts) != 0 {
		t.Errorf("a delivered timer is still due: %v", ts)
	}
	if err := db.FinishDrillRun(ctx, run, 80, now.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ts := due(now.Add(time.Hour)); len(ts) != 0 {
		t.Errorf("timers of a finished run are due: %v", ts)
	}
}

// TestStopDrillRun: a run the learner left keeps no score and no finish,
// says when it stopped, and its timers are no longer due.
func TestStopDrillRun(t *testing.T) {
	ctx := context.Background()
	db, raw := pgtest.NewRaw(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l, _, err := db.EnsureLearner(ctx, "telegram", "42", "42", "Ada", "it")
	if err != nil {
		t.Fatal(err)
	}
	run, err := db.StartDrillRun(ctx, l.ID, "acqua-voce", 1, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddDrillTimers(ctx, []bottega.DrillTimer{{RunID: run, LearnerID: l.ID, TaskID: "smentita", Event: 1, DueAt: now.Add(time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	if err := db.StopDrillRun(ctx, run, now.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	var finished, stopped sql.NullTime
	var score sql.NullInt64
	if err := raw.QueryRowContext(ctx, `SELECT finished_at, stopped_at, score FROM drill_runs WHERE id = $1`, run).Scan(&finished, &stopped, &score); err != nil {
		t.Fatal(err)
	}
	if finished.Valid || score.Valid || !stopped.Valid || !stopped.Time.Equal(now.Add(30*time.Second)) {
		t.Errorf("a stopped run: finished %v, score %v, stopped %v", finished, score, stopped)
	}
	if ts, err := db.DueDrillTimers(ctx, "telegram", now.Add(time.Hour), 10); err != nil || len(ts) != 0 {
		t.Errorf("timers of a stopped run are due: %v, %v", ts, err)
	}
}
