package store_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestRecordUpdateSkipsDuplicates(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	first, err := db.RecordUpdateReplies(ctx, "test", "1", "c1", []byte(`[]`))
	if err != nil || !first {
		t.Fatalf("first record = %v, %v; want true, nil", first, err)
	}
	again, err := db.RecordUpdateReplies(ctx, "test", "1", "c1", []byte(`[]`))
	if err != nil || again {
		t.Fatalf("second record = %v, %v; want false, nil", again, err)
	}
	other, err := db.RecordUpdateReplies(ctx, "other", "1", "c1", []byte(`[]`))
	if err != nil || !other {
		t.Fatalf("same id on another platform = %v, %v; want true, nil", other, err)
	}
}

func TestLearnerLifecycle(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	l, created, err := db.EnsureLearner(ctx, "test", "42", "42", "Giulia", "it")
	if err != nil || !created {
		t.Fatalf("EnsureLearner = %v, %v", created, err)
	}
	l.Role, l.ConsentAt = "artisan", &t0 // without consent, the role is not kept
	if err := db.UpdateLearner(ctx, l); err != nil {
		t.Fatal(err)
	}
	again, created, err := db.EnsureLearner(ctx, "test", "42", "42", "Giulia", "en")
	if err != nil || created {
		t.Fatalf("second EnsureLearner = %v, %v", created, err)
	}
	if again.ID != l.ID || again.Role != "artisan" || again.Locale != "it" {
		t.Fatalf("returning learner = %+v", again)
	}
	if err := db.SaveState(ctx, l.ID, []byte(`{"step":2}`)); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteLearner(ctx, l.ID); err != nil {
		t.Fatal(err)
	}
	st, err := db.LoadState(ctx, l.ID)
	if err != nil || st != nil {
		t.Fatalf("state after delete = %s, %v", st, err)
	}
}

func TestUnsentRepliesSurviveUntilMarked(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	// Recorded in one transaction, they share processed_at; the ids sort
	// neither as text nor as numbers in the order they came.
	ids := []string{"9", "10", "wamid.B", "skipped", "wamid.A"}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if _, err := tx.RecordUpdateReplies(ctx, "test", id, "c", []byte(`[{"text":"hi"}]`)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, "test", "skipped"); err != nil {
		t.Fatal(err)
	}
	var got []string
	err = db.Unsent(ctx, "test", func(id string, chat string, replies []byte) error {
		got = append(got, id)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"9", "10", "wamid.B", "wamid.A"}; !slices.Equal(got, want) {
		t.Fatalf("unsent = %q, want %q (the order they were recorded in)", got, want)
	}
	// Several at once, as the dispatcher's markers do.
	if err := db.MarkSent(ctx, "test", got...); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := db.Unsent(ctx, "test", func(string, string, []byte) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("unsent after marking all: %d, %v", n, err)
	}
}

func TestEnsureLearnerState(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	l, created, st, err := db.EnsureLearnerState(ctx, "test", "42", "42", "Giulia", "it")
	if err != nil || !created || st != nil || l.Name != "Giulia" {
		t.Fatalf("first contact = %+v, %v, %s, %v", l, created, st, err)
	}
	again, created, st, err := db.EnsureLearnerState(ctx, "test", "42", "42", "Giulia", "en")
	if err != nil || created || st != nil || again.ID != l.ID || again.Locale != "it" {
		t.Fatalf("returning learner without state = %+v, %v, %s, %v", again, created, st, err)
	}
	if err := db.SaveState(ctx, l.ID, []byte(`{"screen":"menu"}`)); err != nil {
		t.Fatal(err)
	}
	if _, _, st, err = db.EnsureLearnerState(ctx, "test", "42", "42", "Giulia", "it"); err != nil || string(st) != `{"screen": "menu"}` {
		t.Fatalf("state = %s, %v", st, err)
	}
	// A learner who blocked the bot and writes again unblocked it.
	if err := db.MarkBlocked(ctx, "test", "42"); err != nil {
		t.Fatal(err)
	}
	if l, _, _, err = db.EnsureLearnerState(ctx, "test", "42", "42", "Giulia", "it"); err != nil || l.BlockedAt != nil {
		t.Fatalf("learner writing again = %+v, %v; want unblocked", l, err)
	}
	if l, err = db.Learner(ctx, l.ID); err != nil || l.BlockedAt != nil {
		t.Fatalf("stored learner = %+v, %v; want unblocked", l, err)
	}
}

func TestLessonVideoSeesANewVideoAtOnce(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	if id, err := db.LessonVideo(ctx, "vetrina", "test"); err != nil || id != "" {
		t.Fatalf("no video yet = %q, %v", id, err)
	}
	for _, file := range []string{"file-1", "file-2"} {
		if err := db.SaveLessonVideo(ctx, "vetrina", "test", file, "video", "admin"); err != nil {
			t.Fatal(err)
		}
		// Asked right after, from the remembered answers.
		if id, err := db.LessonVideo(ctx, "vetrina", "test"); err != nil || id != file {
			t.Fatalf("video after attaching %s = %q, %v", file, id, err)
		}
	}
	if id, err := db.LessonVideo(ctx, "vetrina", "other"); err != nil || id != "" {
		t.Fatalf("another platform's video = %q, %v", id, err)
	}
}

func TestMigrationsRunOnceWhenProcessesStartTogether(t *testing.T) {
	dsn := pgtest.EmptyDSN(t)
	ctx := context.Background()
	const n = 3
	applied := make(chan []string, n)
	errs := make(chan error, n)
	dbs := make([]*store.DB, n)
	for i := range dbs {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	for _, db := range dbs {
		go func() {
			a, err := db.Migrate(ctx)
			applied <- a
			errs <- err
		}()
	}
	total, runs := 0, 0
	for range dbs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		if a := <-applied; len(a) > 0 {
			total += len(a)
			runs++
		}
	}
	if runs != 1 || total == 0 {
		t.Errorf("%d processes applied %d migrations; want one process to apply them all", runs, total)
	}
	dbs[0].SetMaxConns(1)
	st, err := store.SessionStateOf(ctx, dbs[0])
	if err != nil {
		t.Fatal(err)
	}
	if st != (store.SessionState{}) {
		t.Errorf("after migrating, the session keeps %+v", st)
	}
	if err := dbs[1].Ready(ctx); err != nil {
		t.Errorf("ready = %v", err)
	}
}

// TestMergeAdminState: a merge sets its own fields and keeps the ones an
// update saved, and starts a state where there was none.
func TestMergeAdminState(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	if err := db.MergeAdminState(ctx, "test", "7", []byte(`{"draft": 3, "source": "a.yaml"}`)); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAdminState(ctx, "test", "7", []byte(`{"step": "kind", "draft": 3, "source": "a.yaml"}`)); err != nil {
		t.Fatal(err)
	}
	if err := db.MergeAdminState(ctx, "test", "7", []byte(`{"draft": 4, "source": "b.yaml", "videos": false}`)); err != nil {
		t.Fatal(err)
	}
	raw, err := db.LoadAdminState(ctx, "test", "7")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"step": "kind", "draft": 4.0, "source": "b.yaml", "videos": false}
	if !maps.Equal(got, want) {
		t.Errorf("state = %v, want %v", got, want)
	}
}
