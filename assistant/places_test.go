package assistant_test

import (
	"context"
	"testing"

	"github.com/bottega-app/bottega/assistant"
)

// Where a learner works says nothing of what they ask: a question names
// the same lesson, and is covered as much, with or without its town.
func TestPlacesSayNothingOfTheQuestion(t *testing.T) {
	db := builtinDB(t)
	r := assistant.NewRetriever(db)
	tests := []struct{ locale, role, plain, placed string }{
		{"en", "shopkeeper", "do I need a website or is instagram enough?", "do I need a website or is instagram enough for my little bakery in Lucca?"},
		{"it", "guide", "come faccio a farmi lasciare più recensioni su google?", "sono guida a Napoli e Pompei, come faccio a farmi lasciare più recensioni su google?"},
		{"en", "municipal", "how do we announce that the emergency is over?", "we are a small town near Verona in Veneto, how do we announce that the emergency is over?"},
	}
	for _, tt := range tests {
		var found [2]assistant.Found
		for i, q := range []string{tt.plain, tt.placed} {
			f, err := r.Find(context.Background(), assistant.Query{Text: q, Locale: tt.locale, Role: tt.role, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Hits) == 0 {
				t.Fatalf("%q: no passages", q)
			}
			found[i] = f
		}
		if !found[0].Covered {
			t.Errorf("%q: not covered", tt.plain)
			continue
		}
		if !found[1].Covered || found[1].Hits[0].LessonID != found[0].Hits[0].LessonID {
			t.Errorf("%q: covered %v, lesson %s; without the places: covered, lesson %s", tt.placed, found[1].Covered, found[1].Hits[0].LessonID, found[0].Hits[0].LessonID)
		}
	}
}

// Places are not searched, but they are part of what a question asks: a
// question that is mostly places is not the lessons' because a passage has
// the little that is left ("two days").
func TestPlacesAreMostOfTheQuestion(t *testing.T) {
	db := builtinDB(t)
	r := assistant.NewRetriever(db)
	tests := []struct {
		locale, q string
		elsewhere bool // whether the field model tells another field
	}{
		{"it", "cosa c'è da vedere a Siena e in Toscana in due giorni?", true},
		{"en", "what is there to see in Florence and Siena in two days?", false},
	}
	for _, tt := range tests {
		f, err := r.Find(context.Background(), assistant.Query{Text: tt.q, Locale: tt.locale, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if f.Covered || f.Elsewhere != tt.elsewhere {
			t.Errorf("%q: covered %v, elsewhere %v; want not covered, elsewhere %v", tt.q, f.Covered, f.Elsewhere, tt.elsewhere)
		}
	}
}
