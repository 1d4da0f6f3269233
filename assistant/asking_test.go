package assistant_test

import (
	"testing"

	"github.com/bottega-app/bottega/assistant"
)

// A message that tells what happened before it asks is answered when the
// lessons cover what it asks, however many of its words they lack.
func TestFindCoversWhatALongMessageAsks(t *testing.T) {
	db := builtinDB(t)
	r := assistant.NewRetriever(db)
	tests := []struct {
		locale, role, q string
		answered        bool
	}{
		{"en", "guide", "I have been guiding groups for ten years, mostly Americans, and a lady wrote that I was rude because I asked her to stay with the group. how do I reply to a negative review?", true},
		{"it", "municipal", "stanotte il vento ha abbattuto tre alberi in via Garibaldi, i vigili stanno transennando e la corrente manca in mezzo paese. cosa scriviamo nel post di emergenza?", true},
		// What it asks is not the lessons' either.
		{"it", "shopkeeper", "ho un negozio di scarpe da trent'anni e adesso lo vorrei vendere perché vado in pensione. quanto può valere?", false},
	}
	for _, tt := range tests {
		f, err := r.Find(t.Context(), assistant.Query{Text: tt.q, Locale: tt.locale, Role: tt.role, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if answered := f.Covered && !f.Elsewhere; answered != tt.answered {
			t.Errorf("%q: covered %v, elsewhere %v; want answered %v", tt.q, f.Covered, f.Elsewhere, tt.answered)
		}
	}
}
