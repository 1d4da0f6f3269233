package assistant

import (
	"hash/fnv"
	"slices"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/content"
)

// The examples are well formed: every language on the side that needs it,
// enough of them, no repeats, and no question of the other field that the
// lessons list as theirs.
func TestFieldExamplesAreValid(t *testing.T) {
	on, off := fieldSides.on, fieldSides.off
	lessons := map[string]bool{}
	for _, d := range builtinTopics(t) {
		lessons[fold(d.text)] = true
	}
	count := func(docs []fieldDoc) map[string]int {
		n := map[string]int{}
		seen := map[string]bool{}
		for _, d := range docs {
			if k := d.lang + " " + fold(d.text); seen[k] {
				t.Errorf("%s example repeated: %q", d.lang, d.text)
			} else {
				seen[k] = true
			}
			n[d.lang]++
		}
		return n
	}
	nOn, nOff := count(on), count(off)
	for _, lang := range []string{"it", "en", "es", "fr", "de", "pl"} {
		if nOff[lang] < 40 {
			t.Errorf("off.%s.txt has %d questions, want at least 40", lang, nOff[lang])
		}
		if lang != "it" && lang != "en" && nOn[lang] < 40 {
			t.Errorf("on.%s.txt has %d questions, want at least 40: the lessons are not written in %s", lang, nOn[lang], lang)
		}
	}
	for _, d := range off {
		if lessons[fold(d.text)] {
			t.Errorf("off.%s.txt lists %q, a question the lessons answer", d.lang, d.text)
		}
	}
}

// Trained on half of the examples, the model tells the other half apart:
// it generalises rather than remembers. The halves are split by a hash of
// each text, so that a question added to a lesson leaves the others where
// they were. On 5 December 2026 the model took 3.0% of the lessons'
// questions left out for another field and told 65.3% of the others apart
// (2.8% and 65.0% before the glossary's lines for the four other languages,
// through which their examples are read; 2.7% and 68.4% before 550
// questions of other fields in the lessons' everyday words joined the
// examples: they are harder to tell apart).
func TestFieldModelGeneralises(t *testing.T) {
	on, off := append(slices.Clone(fieldSides.on), builtinTopics(t)...), fieldSides.off
	half := func(docs []fieldDoc, odd uint32) []fieldDoc {
		var out []fieldDoc
		for _, d := range docs {
			h := fnv.New32a()
			h.Write([]byte(d.text))
			if h.Sum32()%2 == odd {
				out = append(out, d)
			}
		}
		return out
	}
	m := newFieldModel(half(on, 0), half(off, 0))
	share := func(docs []fieldDoc) float64 {
		n := 0
		for _, d := range docs {
			if m.elsewhere(d.text, d.lang) {
				n++
			}
		}
		return float64(n) / float64(len(docs))
	}
	if got := share(half(on, 1)); got > 0.03 {
		t.Errorf("%.1f%% of the lessons' questions left out of training are taken for another field, want at most 3%%", 100*got)
	}
	if got := share(half(off, 1)); got < 0.45 {
		t.Errorf("%.1f%% of the other fields' questions left out of training are told apart, want at least 45%%", 100*got)
	}
}

func TestFieldModel(t *testing.T) {
	m := newFieldModel(append(slices.Clone(fieldSides.on), builtinTopics(t)...), fieldSides.off)
	for _, c := range []struct {
		q, lang string
		want    bool
	}{
		{"come rispondo a una recensione da una stella che mi accusa di prezzi alti?", "it", false},
		{"quante storie al giorno devo pubblicare su instagram?", "it", false},
		{"how do I get my bakery to show up on google maps?", "en", false},
		{"the council meeting is streamed on facebook, how do we moderate comments?", "en", false},
		{"¿cómo hago fotos bonitas de mis cerámicas con el móvil?", "es", false},
		{"il frigorifero del negozio fa un rumore strano e non raffredda, chi chiamo?", "it", true},
		{"quanto costa rifare l'impianto elettrico del laboratorio?", "it", true},
		{"which antibiotic should I take for a sore throat?", "en", true},
		{"can you recommend a cheap hotel near the station in Naples for tonight?", "en", true},
	} {
		if got := m.elsewhere(c.q, c.lang); got != c.want {
			t.Errorf("elsewhere(%q) = %v (lean %.2f), want %v", c.q, got, m.lean(c.q, c.lang), c.want)
		}
	}
}

// builtinTopics are what the built-in lessons say they are about.
func builtinTopics(t *testing.T) []fieldDoc {
	t.Helper()
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return lessonQuestions(c)
}

// lessonQuestions are what the lessons of c say they are about, in each
// language, as the index holds it: titles, keywords, the questions the
// lessons and their steps list.
func lessonQuestions(c *content.Curriculum) []fieldDoc {
	var out []fieldDoc
	for _, l := range c.Lessons() {
		for _, loc := range lessonLocales(l) {
			out = append(out, fieldDoc{loc, l.Title.Get(loc)}, fieldDoc{loc, strings.Join(l.Keywords[loc], ", ")})
			for _, q := range l.Questions[loc] {
				out = append(out, fieldDoc{loc, q})
			}
			for _, s := range l.Steps {
				for _, q := range s.Questions[loc] {
					out = append(out, fieldDoc{loc, q})
				}
			}
		}
	}
	return out
}
