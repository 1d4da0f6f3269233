package main

import (
	"context"
	"io"
	"testing"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
)

// An index of the current curriculum made otherwise than this release
// makes it (by an older release) is rebuilt when the bot starts.
func TestStaleIndexRebuiltAtStart(t *testing.T) {
	ctx := context.Background()
	cfg, err := loadConfig(envFrom(onTestServer(t, nil)))
	if err != nil {
		t.Fatal(err)
	}
	search := func(a *app) []bottega.PassageHit {
		t.Helper()
		hits, err := a.db.SearchPassages(ctx, store.PassageQuery{Words: []string{"recensioni"}, Locale: "it"})
		if err != nil {
			t.Fatal(err)
		}
		return hits
	}
	a, err := newApp(ctx, env{stderr: io.Discard}, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.db.CurrentCurriculumState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old := bottega.Passage{TrackID: "t", LessonID: "old", Kind: bottega.PassageStep, Ref: "s1", Position: 1, Steps: 1,
		Locale: "it", LessonLocales: []string{"it"}, Title: "Vecchio", Body: "Un indice vecchio: recensioni."}
	if replaced, err := a.db.EnsurePassages(ctx, st.Version, []bottega.Passage{old}, []string{"recensioni"}); err != nil || !replaced {
		t.Fatalf("EnsurePassages = %v, %v", replaced, err)
	}
	if hits := search(a); len(hits) != 1 || hits[0].LessonID != "old" {
		t.Fatalf("hits %+v, want the old index", hits)
	}
	a.close()

	a, err = newApp(ctx, env{stderr: io.Discard}, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	// Several built-in lessons speak of reviews and may tie, so the test asks
	// that the old passage is gone and the reviews lesson is back, not which
	// lesson ranks first.
	hits := search(a)
	found := false
	for _, h := range hits {
		if h.LessonID == "old" {
			t.Fatalf("hits %+v, want the old index replaced", hits)
		}
		found = found || h.LessonID == "reviews"
	}
	if !found {
		t.Errorf("hits %+v, want the built-in lessons indexed again", hits)
	}
}
