package assistant

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// Every question of the asked folder names a step of the built-in lessons
// in one of its lesson's languages, is short as a chat message, and is not
// one the step already lists; every step has some in Italian and English.
func TestMoreAskedNameBuiltinSteps(t *testing.T) {
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	steps := map[stepLang]map[string]bool{}
	for _, l := range c.Lessons() {
		for _, s := range l.Steps {
			for _, lang := range lessonLocales(l) {
				listed := map[string]bool{}
				for _, q := range s.Questions[lang] {
					listed[strings.ToLower(q)] = true
				}
				steps[stepLang{l.ID, s.ID, lang}] = listed
			}
		}
	}
	for k, qs := range moreAsked {
		listed, ok := steps[k]
		if !ok {
			t.Errorf("asked/%s.tsv: no step %s of lesson %s in %s", k.lang, k.ref, k.lesson, k.lang)
			continue
		}
		for _, q := range qs {
			if listed[strings.ToLower(q)] || len([]rune(q)) > 200 {
				t.Errorf("asked/%s.tsv: %s/%s: %q is listed by the step already, or longer than 200 characters", k.lang, k.lesson, k.ref, q)
			}
		}
	}
	for k := range steps {
		if (k.lang == "it" || k.lang == "en") && len(moreAsked[k]) == 0 {
			t.Errorf("asked/%s.tsv has no question for step %s of lesson %s", k.lang, k.ref, k.lesson)
		}
	}
}

// A line of the asked folder is a lesson, a step and a question.
func TestReadMoreAsked(t *testing.T) {
	good := fstest.MapFS{"asked/it.tsv": {Data: []byte("# a comment\nplan\trhythm\togni quanto posto?\n\nplan\trhythm\te la domenica?\n")}}
	more, err := readMoreAsked(good)
	if err != nil {
		t.Fatal(err)
	}
	if got := more[stepLang{"plan", "rhythm", "it"}]; len(got) != 2 || got[1] != "e la domenica?" {
		t.Errorf("read %q", got)
	}
	for _, bad := range []string{"plan\togni quanto posto?\n", "plan\trhythm\t \n", "\trhythm\togni quanto posto?\n"} {
		if _, err := readMoreAsked(fstest.MapFS{"asked/it.tsv": {Data: []byte(bad)}}); err == nil {
			t.Errorf("%q read without an error", bad)
		}
	}
}

// The questions of the asked folder rank their step as those it lists do,
// once however many passages the step has in a language, and never for
// a language the lesson is not written in.
func TestMoreAskedRankTheirStep(t *testing.T) {
	steps := []store.StepQuestions{
		{ID: 1, Lesson: "plan", Ref: "rhythm", Locale: "it", Questions: []string{"quante volte a settimana devo pubblicare?"}},
		{ID: 2, Lesson: "plan", Ref: "rhythm", Locale: "it"},
		{ID: 3, Lesson: "photos", Ref: "light", Locale: "it", Questions: []string{"le foto mi vengono scure, che luce uso?"}},
		{ID: 4, Lesson: "photos", Ref: "light", Locale: "es", Other: true, Questions: []string{"mis fotos salen oscuras"}},
	}
	more := map[stepLang][]string{
		{"photos", "light", "it"}: {"il pane in vetrina sembra grigio la sera"},
		{"photos", "light", "es"}: {"el pan sale gris"},
	}
	q := "perché il pane in vetrina la sera sembra grigio?"
	if bs := newAskedIndex(steps).boosts(q, "it"); len(bs) != 0 {
		t.Fatalf("without more questions, boosts(%q) = %+v, want none", q, bs)
	}
	got := withMoreAsked(steps, more)
	if bs := newAskedIndex(got).boosts(q, "it"); len(bs) == 0 || bs[0].Lesson+"/"+bs[0].Ref != "photos/light" {
		t.Errorf("with more questions, boosts(%q) = %+v, want photos/light first", q, bs)
	}
	if n := len(got[2].Questions) + len(got[1].Questions) + len(got[0].Questions); n != 3 {
		t.Errorf("%d questions in Italian, want 3: %+v", n, got)
	}
	if len(got[3].Questions) != 1 || len(steps[2].Questions) != 1 {
		t.Errorf("the Spanish questions or the steps given changed: %+v, %+v", got[3], steps[2])
	}
}

// An offline answer weighs a step's sentences by the questions of the
// asked folder too: a passage that lists no question like the learner's
// still counts the step's more questions, in its own language only.
func TestMoreAskedWeighSentences(t *testing.T) {
	k := stepLang{"google-business-profile", "why", "en"}
	if len(moreAsked[k]) == 0 {
		t.Fatalf("no English question for %s/%s in the asked folder", k.lesson, k.ref)
	}
	q := questionStems(moreAsked[k][0], "en")
	h := bottega.PassageHit{Passage: bottega.Passage{LessonID: k.lesson, Ref: k.ref, Locale: "en", Keywords: "words of the lesson"}}
	if got := asked(h.Passage, q); got < 2 {
		t.Errorf("asked(%s/%s, %q) = %g, want at least 2 shared stems", k.lesson, k.ref, moreAsked[k][0], got)
	}
	// The French passage counts the step's French questions, not its
	// English ones: the English question's stems that no French question
	// of the step has ("worth", "custom") count nothing there.
	fr := stepLang{k.lesson, k.ref, "fr"}
	only := map[string]bool{}
	for w := range q {
		if !slices.ContainsFunc(moreAsked[fr], func(s string) bool { return stems(s)[w] }) {
			only[w] = true
		}
	}
	if got := asked(h.Passage, only); got < 2 {
		t.Fatalf("asked(%s/%s) of the English stems no French question has = %g, want at least 2", k.lesson, k.ref, got)
	}
	h.Locale = "fr"
	if got := asked(h.Passage, only); got != 0 {
		t.Errorf("asked of the French passage = %g, want 0", got)
	}
}
