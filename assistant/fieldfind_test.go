package assistant_test

import (
	"slices"
	"testing"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/store/pgtest"
)

// A question about another field is declined, with no excerpt, however
// many words it shares with the lessons; the lessons' own are not.
func TestFindDeclinesOtherFields(t *testing.T) {
	db := pgtest.New(t)
	indexBuiltin(t, db)
	r := assistant.NewRetriever(db)
	for _, c := range []struct {
		q       string
		covered bool
	}{
		{"la vetrina del negozio ha una crepa nel vetro, chi la ripara e quanto costa?", false},
		{"come rispondo a una recensione negativa su google?", true},
	} {
		found, err := r.Find(t.Context(), assistant.Query{Text: c.q, Locale: "it", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if found.Covered != c.covered {
			var top []string
			for _, h := range found.Hits {
				top = append(top, h.LessonID)
			}
			t.Errorf("Find(%q).Covered = %v (top %v), want %v", c.q, found.Covered, slices.Compact(top), c.covered)
		}
	}
}
