package assistant

import (
	"testing"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// The words the field model knows are the lessons', those of the
// questions their steps list and the field's examples, not those of the
// asked folder: its questions, said again in six languages, have everyday
// words of every field ("caciocavallo"), which would make a question about
// cheese seem to speak the lessons' language.
func TestKnownStemsLeaveOutTheAskedFolder(t *testing.T) {
	db := pgtest.New(t)
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishCurriculum(t.Context(), c, store.PublishOptions{Builtin: true, Source: "built-in", Index: Index}); err != nil {
		t.Fatal(err)
	}
	version, err := db.PassageVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	known, err := knownStems(t.Context(), db, &askedCache{}, version)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons() {
		for _, s := range l.Steps {
			for lang, qs := range s.Questions {
				for _, q := range qs {
					for w := range fieldWords(q, lang) {
						if !known[w] {
							t.Fatalf("%q, a stem of %s/%s's listed question %q, is not known", w, l.ID, s.ID, q)
						}
					}
				}
			}
		}
	}
	const w = "caciocavallo"
	asked := false
	for _, q := range moreAsked[stepLang{"creative-writing", "senses", "it"}] {
		asked = asked || fieldWords(q, "it")[stem(w)]
	}
	if !asked {
		t.Fatalf("no question of the asked folder for creative-writing/senses has %q: choose another word", w)
	}
	if known[stem(w)] {
		t.Errorf("%q is known, though only the asked folder has it", w)
	}
}
