package assistant

import (
	"testing"

	"github.com/bottega-app/bottega"
)

// Whether the lessons cover a question does not depend on the role that
// ranks the passages: a passage below the first that matches enough of
// the question covers it.
func TestCovers(t *testing.T) {
	hit := func(locale string, score, text, evidence float64) bottega.PassageHit {
		return bottega.PassageHit{Passage: bottega.Passage{Locale: locale}, Score: score, Text: text, Evidence: evidence}
	}
	for _, c := range []struct {
		name string
		hits []bottega.PassageHit
		want bool
	}{
		{"none", nil, false},
		{"first matches", []bottega.PassageHit{hit("it", 0.5, 0.3, 6)}, true},
		{"first boosted by role, second matches", []bottega.PassageHit{hit("it", 0.5, 0.2, 3), hit("it", 0.4, 0.3, 6)}, true},
		{"none matches enough", []bottega.PassageHit{hit("it", 0.5, 0.2, 3), hit("it", 0.4, 0.08, 6)}, false},
		{"short question, most of it", []bottega.PassageHit{hit("it", 0.6, 0.6, 2.5)}, true},
		{"another language, half the evidence", []bottega.PassageHit{hit("en", 0.3, 0.1, 2.8)}, true},
		{"by meaning only", []bottega.PassageHit{hit("it", 0.02, 0, 0)}, false},
	} {
		if got := covers(c.hits, "it"); got != c.want {
			t.Errorf("%s: covers = %v, want %v", c.name, got, c.want)
		}
	}
}

// A question the lessons do not answer alone is read with the previous one
// only if it brings most of its own words to what that finds.
func TestBringsOwn(t *testing.T) {
	step := func(body string) bottega.PassageHit {
		return bottega.PassageHit{Passage: bottega.Passage{Title: "Tour guides: bookings and reviews", Body: body}}
	}
	for _, c := range []struct {
		q, lang, body string
		want          bool
	}{
		{"what do I do if someone cancels last minute?", "en", "Try it now: ask your last five customers where they found you, and write it down. Answer someone you don't know formally.", false},
		{"what do I do if someone cancels last minute?", "en", "Write until when cancellation is free, and what happens after the last minute: someone who cancels late pays.", true},
		{"mi consigli una pizzeria?", "it", "Hai perso l'accesso? La prima ora conta.", false},
		{"quanto costa?", "it", "È gratis e la gestisci dal telefono.", true},
		{"si può?", "it", "Hai perso l'accesso? La prima ora conta.", true},
	} {
		if got := bringsOwn(c.q, c.lang, step(c.body)); got != c.want {
			t.Errorf("bringsOwn(%q, %q) = %v, want %v", c.q, c.body, got, c.want)
		}
	}
}
