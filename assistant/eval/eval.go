// Package eval measures the assistant on questions written from the
// learners' side (questions.yaml): each question names the lesson and step
// that answer it, or says it must be declined. Run asks every question of
// the set through the real assistant, as a learner would in the chat, with
// the built-in curriculum, and scores what the learner reads.
//
// The set is split once, by a fixed rule, into a tuning half and a held-out
// half (see Half): thresholds, the glossary and the ranking's weights are
// tuned on the tuning half only, and both halves are reported, so that a
// gap between them shows overfitting.
package eval

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bottega-app/bottega/content"
)

// Question is one question of the set.
type Question struct {
	ID      string `yaml:"id"`
	Persona string `yaml:"persona"` // the learner's role: shopkeeper, artisan, guide or municipal
	Lang    string `yaml:"lang"`    // the language the question is written in
	Text    string `yaml:"text"`
	// Follows is the id of the question this one follows in the chat
	// ("e quanto costa?"), asked just before it by the same learner.
	Follows string `yaml:"follows"`
	Expect  string `yaml:"expect"` // ExpectAnswer or ExpectDecline
	Why     string `yaml:"why"`
	// Lesson and Step answer the question; Also lists other steps that
	// answer it as well, as "step" (same lesson) or "lesson/step".
	Lesson string   `yaml:"lesson"`
	Step   string   `yaml:"step"`
	Also   []string `yaml:"also"`
}

// What a question expects.
const (
	ExpectAnswer  = "answer"
	ExpectDecline = "decline"
)

// Halves of the set.
const (
	Tuning  = "tuning"
	HeldOut = "heldout"
)

// Half returns the half a question belongs to: the tuning half when the
// 32-bit FNV-1a hash of its id is even, the held-out half when it is odd.
// The rule depends on the id alone, so adding questions never moves
// others from one half to the other.
func Half(id string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id)) // a hash.Hash never returns an error
	if h.Sum32()%2 == 0 {
		return Tuning
	}
	return HeldOut
}

// Parse reads a question set.
func Parse(data []byte) ([]Question, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var qs []Question
	if err := dec.Decode(&qs); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	for i := range qs {
		qs[i].Text = strings.TrimSpace(qs[i].Text)
	}
	return qs, nil
}

var (
	personas = []string{"shopkeeper", "artisan", "guide", "municipal"}
	langs    = []string{"it", "en", "es", "fr", "de", "pl"}
)

// Validate checks a question set against the format and the curriculum c:
// ids unique, known personas and languages, a follow-up after the question
// it follows, and every answerable question naming a lesson and step that
// exist. It returns every problem found.
func Validate(qs []Question, c *content.Curriculum) []error {
	var errs []error
	bad := func(q Question, format string, args ...any) {
		errs = append(errs, fmt.Errorf("question %s: %s", cmpOr(q.ID, "without id"), fmt.Sprintf(format, args...)))
	}
	seen := map[string]bool{}
	for _, q := range qs {
		switch {
		case q.ID == "":
			bad(q, "id is missing")
		case seen[q.ID]:
			bad(q, "id repeated")
		}
		if !slices.Contains(personas, q.Persona) {
			bad(q, "persona %q: want one of %v", q.Persona, personas)
		}
		if !slices.Contains(langs, q.Lang) {
			bad(q, "lang %q: want one of %v", q.Lang, langs)
		}
		if q.Text == "" {
			bad(q, "text is missing")
		}
		if q.Follows != "" && !seen[q.Follows] {
			bad(q, "follows %q, which is not a question before it", q.Follows)
		}
		seen[q.ID] = true
		switch q.Expect {
		case ExpectAnswer:
			if q.Lesson == "" || q.Step == "" {
				bad(q, "an answerable question names its lesson and step")
			}
			for _, ref := range q.Steps() {
				if err := exists(c, ref); err != nil {
					bad(q, "%v", err)
				}
			}
		case ExpectDecline:
			if q.Lesson != "" || q.Step != "" || len(q.Also) > 0 {
				bad(q, "a question to decline names no lesson or step")
			}
		default:
			bad(q, "expect %q: want %s or %s", q.Expect, ExpectAnswer, ExpectDecline)
		}
	}
	return errs
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// StepRef names a step of a lesson.
type StepRef struct{ Lesson, Step string }

func (r StepRef) String() string { return r.Lesson + "/" + r.Step }

// Steps returns the steps that answer q: the one it names, then those in
// Also.
func (q Question) Steps() []StepRef {
	if q.Expect != ExpectAnswer {
		return nil
	}
	out := []StepRef{{q.Lesson, q.Step}}
	for _, a := range q.Also {
		if l, s, ok := strings.Cut(a, "/"); ok {
			out = append(out, StepRef{l, s})
		} else {
			out = append(out, StepRef{q.Lesson, a})
		}
	}
	return out
}

// Lessons returns the lessons that answer q.
func (q Question) Lessons() []string {
	var out []string
	for _, r := range q.Steps() {
		if !slices.Contains(out, r.Lesson) {
			out = append(out, r.Lesson)
		}
	}
	return out
}

var errNoStep = errors.New("no such step")

func exists(c *content.Curriculum, r StepRef) error {
	l := c.Lesson(r.Lesson)
	if l == nil {
		return fmt.Errorf("lesson %s: no such lesson in the curriculum", r.Lesson)
	}
	if l.StepIndex(r.Step) < 0 {
		return fmt.Errorf("step %s: %w in lesson %s", r, errNoStep, r.Lesson)
	}
	return nil
}
