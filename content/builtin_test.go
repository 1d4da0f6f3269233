package content

import (
	"slices"
	"testing"
)

// The built-in curriculum ships in the binary, so it must load without a single problem.
func TestBuiltin(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Lessons() {
		if _, err := BuiltinFS().Open(l.File); err != nil {
			t.Errorf("lesson %s: %v", l.ID, err)
		}
		// Every document ships in the binary and can be sent.
		for _, s := range l.Steps {
			for lang, src := range s.Document {
				if _, _, err := c.Track(l.Track).Document(src); err != nil {
					t.Errorf("lesson %s step %s document %s: %v", l.ID, s.ID, lang, err)
				}
			}
		}
	}
}

func TestBuiltinCounts(t *testing.T) {
	c, problems, err := Load(BuiltinFS(), "curriculum")
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Logf("%d problems (see TestBuiltin)", len(problems))
	}
	const minLessons = 12
	for _, id := range []string{"bottega-digitale", "comune-social"} {
		tr := c.Track(id)
		if tr == nil {
			t.Errorf("track %s is missing", id)
			continue
		}
		n := 0
		for _, l := range tr.Lessons {
			if slices.Contains(l.Locales, "it") && slices.Contains(l.Locales, "en") {
				n++
			}
		}
		if n < minLessons {
			t.Errorf("track %s has %d lessons in both it and en, want at least %d", id, n, minLessons)
		}
	}
	for _, l := range c.Lessons() {
		if len(l.Quiz) < minQuestions {
			t.Errorf("lesson %s has %d questions, want at least %d", l.ID, len(l.Quiz), minQuestions)
		}
		for _, q := range l.Quiz {
			for _, lang := range l.Locales {
				if !q.Explain.Has(lang) {
					t.Errorf("lesson %s question %s has no explanation in %s", l.ID, q.ID, lang)
				}
			}
		}
	}
}
