package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// A publish rolled back leaves dead rows in the passage index; VacuumIndex
// reclaims them and updates the planner's statistics, outside the
// transaction that wrote them.
func TestVacuumIndex(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	tables := []string{"curriculum_versions", "passage_versions", "passages", "passage_words", "passage_lexemes"}
	for _, table := range tables {
		if v, a, err := store.Vacuumed(ctx, db, table); err != nil || v || a {
			t.Fatalf("%s before: vacuumed %v, analyzed %v, err %v; want neither", table, v, a, err)
		}
	}
	undo := errors.New("undo")
	err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.PublishCurriculum(ctx, &content.Curriculum{Tracks: []*content.Track{{ID: "t"}}}, store.PublishOptions{
			Index: func(ctx context.Context, tx *store.Tx, version int64, _ *content.Curriculum) error {
				return tx.ReplacePassages(ctx, version, []bottega.Passage{passage("plan", "it", "Piano editoriale", "Scegli un ritmo che puoi tenere.", "it")}, []string{"ritmo"})
			},
		})
		if err != nil {
			return err
		}
		return undo
	})
	if !errors.Is(err, undo) {
		t.Fatalf("publish rolled back: %v", err)
	}
	if err := db.VacuumIndex(ctx); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		if v, a, err := store.Vacuumed(ctx, db, table); err != nil || !v || !a {
			t.Errorf("%s after VacuumIndex: vacuumed %v, analyzed %v, err %v; want both", table, v, a, err)
		}
	}
}
