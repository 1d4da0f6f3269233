package content

import (
	"slices"
	"testing"
	"time"
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

// A track's name and summary are what a learner picks from in any of the
// bot's six languages, before any lesson: they are written in all six,
// even where the lessons are not yet.
func TestBuiltinTracksInEveryLanguage(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range c.Tracks {
		for _, lang := range []string{"it", "en", "es", "fr", "de", "pl"} {
			if tr.Title[lang] == "" || tr.Summary[lang] == "" {
				t.Errorf("track %s has no title or summary in %s", tr.ID, lang)
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
	const minLessons = 18
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

// The built-in lessons are what learners read first, so they meet every advice the
// validator gives: sources and a review date, quizzes that cannot be passed without
// reading, and the learners' own questions in Italian and English for the search. The
// review date is judged against the day of this release's review, so the test does not
// start failing with the calendar; `bottega content validate` warns with today's date.
func TestBuiltinHasNoWarnings(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range Warnings(c, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("%s", w)
	}
	const minAsked = 8
	for _, l := range c.Lessons() {
		for _, lang := range []string{"it", "en"} {
			n := len(l.Questions[lang])
			for _, s := range l.Steps {
				n += len(s.Questions[lang])
			}
			if n < minAsked {
				t.Errorf("%s: %d learners' questions in %s, want at least %d", l.File, n, lang, minAsked)
			}
		}
	}
}

// Every step of a built-in lesson says, in the learners' words, what it
// answers, in every language the bot speaks: the search finds the step that
// answers a question, not only its lesson, whatever language it is asked in.
func TestBuiltinStepsListTheirQuestions(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	const minStepAsked = 3
	for _, l := range c.Lessons() {
		for _, s := range l.Steps {
			for _, lang := range []string{"it", "en", "es", "fr", "de", "pl"} {
				if n := len(s.Questions[lang]); n < minStepAsked {
					t.Errorf("%s: step %s has %d learners' questions in %s, want at least %d", l.File, s.ID, n, lang, minStepAsked)
				}
			}
		}
	}
}
