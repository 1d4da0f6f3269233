package assistant_test

import (
	"context"
	"testing"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestZZTiming(t *testing.T) {
	db := pgtest.New(t)
	c := indexBuiltin(t, db)
	syn := assistant.SyntheticCurriculum(c, 10000, 1)
	if _, err := db.PublishCurriculum(context.Background(), syn, store.PublishOptions{Index: assistant.NewIndexer(db).Index}); err != nil {
		t.Fatal(err)
	}
	qs, _ := assistant.BenchQueries()
	r := assistant.NewRetriever(db)
	for range 2 {
		for _, q := range qs {
			r.Search(context.Background(), q.Lang, q.Role, q.Q, 5)
		}
	}
}
