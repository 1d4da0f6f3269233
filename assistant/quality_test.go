package assistant_test

import (
	"context"
	"os"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

type qualityCase struct {
	Q    string `yaml:"q"`
	Lang string `yaml:"lang"`
	Role string `yaml:"role"`
	Want string `yaml:"want"`
}

// builtinDB returns a store on a database of t's own where the built-in
// curriculum is published with its passages: indexed once for the tests,
// copied for each.
func builtinDB(t testing.TB) *store.DB {
	t.Helper()
	return pgtest.Seeded(t, "built-in", func(ctx context.Context, db *store.DB) error {
		c, err := content.Builtin()
		if err != nil {
			return err
		}
		_, err = db.PublishCurriculum(ctx, c, store.PublishOptions{Builtin: true, Source: "built-in", Index: assistant.Index})
		return err
	})
}

func TestRetrievalQuality(t *testing.T) {
	retrievalQuality(t, "retrievalbench/testdata/retrieval.yaml", 40, 90)
}

func TestRetrievalQualityOtherLanguages(t *testing.T) {
	retrievalQuality(t, "retrievalbench/testdata/retrieval_other.yaml", 60, 90)
}

// retrievalQuality wants the expected lesson in the top 3 for at least
// pct% of the questions in file, which must hold at least n.
func retrievalQuality(t *testing.T, file string, n, pct int) {
	db := builtinDB(t)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cases []qualityCase
	if err := yaml.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < n {
		t.Fatalf("only %d questions in %s, want at least %d", len(cases), file, n)
	}
	r := assistant.NewRetriever(db)
	found := 0
	for _, c := range cases {
		hits, err := r.Search(context.Background(), c.Lang, c.Role, c.Q, 3)
		if err != nil {
			t.Fatal(err)
		}
		ok := false
		var got []string
		for _, h := range hits {
			got = append(got, h.LessonID)
			ok = ok || h.LessonID == c.Want
		}
		if ok {
			found++
		} else {
			t.Logf("miss: %q (%s, %s): want %s, got %v", c.Q, c.Lang, c.Role, c.Want, got)
		}
	}
	t.Logf("retrieval quality: %d/%d questions have the expected lesson in the top 3 (%.0f%%)", found, len(cases), 100*float64(found)/float64(len(cases)))
	if found*100 < len(cases)*pct {
		t.Errorf("top-3 retrieval found %d/%d, want at least %d%%", found, len(cases), pct)
	}
}
