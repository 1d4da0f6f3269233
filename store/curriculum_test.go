package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func builtin(t *testing.T) *content.Curriculum {
	t.Helper()
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPublishIsIdempotentAndReportsChanges(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	c := builtin(t)
	indexed := 0
	opts := store.PublishOptions{Source: "test", Index: func(ctx context.Context, _ *store.Tx, v int64, c *content.Curriculum) error {
		indexed++
		return nil
	}}
	first, err := db.PublishCurriculum(ctx, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Created || len(first.Added) != len(c.Lessons()) || len(first.Changed)+len(first.Removed) != 0 {
		t.Fatalf("first publish = %+v", first)
	}
	again, err := db.PublishCurriculum(ctx, builtin(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.Version != first.Version {
		t.Fatalf("re-publishing the same files created %+v", again)
	}
	if indexed != 1 {
		t.Errorf("indexed %d times, want 1", indexed)
	}

	// Change one lesson, drop another.
	next := builtin(t)
	changed := next.Tracks[0].Lessons[0]
	changed.Title["it"] += " (aggiornata)"
	removed := next.Tracks[1].Lessons[len(next.Tracks[1].Lessons)-1]
	next.Tracks[1].Lessons = next.Tracks[1].Lessons[:len(next.Tracks[1].Lessons)-1]
	pub, err := db.PublishCurriculum(ctx, next, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Created || pub.Version <= first.Version {
		t.Fatalf("publish of a change = %+v", pub)
	}
	if fmt.Sprint(pub.Changed) != fmt.Sprint([]string{changed.ID}) || fmt.Sprint(pub.Removed) != fmt.Sprint([]string{removed.ID}) || len(pub.Added) != 0 {
		t.Errorf("diff = %+v, want changed [%s] removed [%s]", pub, changed.ID, removed.ID)
	}

	lib := store.NewLibrary(db, 0)
	cur, v, err := lib.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != pub.Version || cur.Lesson(removed.ID) != nil || cur.Lesson(changed.ID).Title["it"] != changed.Title["it"] {
		t.Errorf("library serves version %d, want %d with the change", v, pub.Version)
	}
	old, err := lib.Version(ctx, first.Version)
	if err != nil || old.Lesson(removed.ID) == nil {
		t.Errorf("old version lost the removed lesson: %v", err)
	}
}

func TestFailedIndexPublishesNothing(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	_, err := db.PublishCurriculum(ctx, builtin(t), store.PublishOptions{Index: func(context.Context, *store.Tx, int64, *content.Curriculum) error {
		return fmt.Errorf("index broke")
	}})
	if err == nil {
		t.Fatal("publish succeeded despite the index failing")
	}
	st, err := db.CurrentCurriculumState(ctx)
	if err != nil || st.Version != 0 {
		t.Fatalf("state after failed publish = %+v, %v; want nothing", st, err)
	}
}
