package assistant_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// A question about another field is declined, with no excerpt, however
// many words it shares with the lessons; the lessons' own are not.
func TestFindDeclinesOtherFields(t *testing.T) {
	db := builtinDB(t)
	r := assistant.NewRetriever(db)
	for _, c := range []struct {
		q       string
		covered bool
	}{
		{"su che canale fanno la partita dell'italia stasera?", false},
		{"come rispondo a una recensione negativa su google?", true},
		// Places are no topic for the search, but they tell the field.
		{"mi consigli un agriturismo carino vicino a Siena per il weekend in Toscana?", false},
		{"ho un agriturismo vicino a Siena, come rispondo a una recensione negativa su google?", true},
		// Most of its words are none of the lessons': another field,
		// though one ("profilo") is theirs. A few of a trade's own
		// words in a question on the lessons' subject are not.
		{"mi profilo de tornillo en la fresadora vibra, qué fresa uso para nogal?", false},
		{"faccio cesti di vimini intrecciati a mano, come li fotografo col telefono per venderli online?", true},
		{"vendo salumi stagionati in bottega, come fotografo un prosciutto col telefono?", true},
	} {
		found, err := r.Find(t.Context(), assistant.Query{Text: c.q, Locale: "it", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if answered := found.Covered && !found.Elsewhere; answered != c.covered {
			var top []string
			for _, h := range found.Hits {
				top = append(top, h.LessonID)
			}
			t.Errorf("Find(%q): covered %v, elsewhere %v (top %v); want answered %v", c.q, found.Covered, found.Elsewhere, slices.Compact(top), c.covered)
		}
	}
}

// A lesson published on a subject of another field brings its words to
// the lessons' field: its learners' questions are answered, not declined.
func TestFieldFollowsThePublishedLessons(t *testing.T) {
	const q = "come si smalta la ceramica a bassa temperatura senza crepe?"
	db := builtinDB(t)
	r := assistant.NewRetriever(db)
	found, err := r.Find(t.Context(), assistant.Query{Text: q, Locale: "it", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !found.Elsewhere {
		t.Fatalf("before the lesson on glazes, Find(%q) is not taken for another field (covered %v by %s)", q, found.Covered, found.Hits[0].LessonID)
	}

	// The same lessons, one of them now teaching glazes too.
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lesson("storytelling")
	s := &l.Steps[len(l.Steps)-1]
	s.Text["it"] += "\n\nUno smalto a bassa temperatura cuoce tra 980 e 1050 gradi: stendilo in due mani sottili sulla ceramica ben asciutta, e fai salire e scendere piano la temperatura del forno, perché le crepe vengono dagli sbalzi."
	s.Questions["it"] = append(s.Questions["it"], "lo smalto mi si crepa in cottura, perché?", "a che temperatura cuocio lo smalto sulla ceramica?", "come stendo lo smalto senza colature")
	if _, err := db.PublishCurriculum(t.Context(), c, store.PublishOptions{Source: "upload", Index: assistant.Index}); err != nil {
		t.Fatal(err)
	}
	found, err = r.Find(t.Context(), assistant.Query{Text: q, Locale: "it", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !found.Covered || found.Elsewhere || found.Hits[0].LessonID != l.ID {
		var top []string
		for _, h := range found.Hits {
			top = append(top, fmt.Sprintf("%s/%s %.2f %.1f", h.LessonID, h.Ref, h.Text, h.Evidence))
		}
		t.Errorf("after the lesson on glazes, Find(%q): covered %v, elsewhere %v, found %v; want covered by %s", q, found.Covered, found.Elsewhere, top, l.ID)
	}
}
