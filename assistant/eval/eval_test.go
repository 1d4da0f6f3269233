package eval_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/assistant/eval"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store/pgtest"
)

func builtin(t *testing.T) *content.Curriculum {
	t.Helper()
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sample(t *testing.T) []eval.Question {
	t.Helper()
	b, err := os.ReadFile("testdata/sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	qs, err := eval.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

func TestSampleIsValid(t *testing.T) {
	qs := sample(t)
	if len(qs) != 8 {
		t.Fatalf("%d questions, want 8", len(qs))
	}
	for _, err := range eval.Validate(qs, builtin(t)) {
		t.Error(err)
	}
}

func TestValidateFindsMistakes(t *testing.T) {
	c := builtin(t)
	tests := []struct {
		yaml, want string
	}{
		{`[{id: a, persona: chef, lang: it, text: x, expect: decline}]`, `persona "chef"`},
		{`[{id: a, persona: guide, lang: xx, text: x, expect: decline}]`, `lang "xx"`},
		{`[{id: a, persona: guide, lang: it, text: " ", expect: decline}]`, "text is missing"},
		{`[{id: a, persona: guide, lang: it, text: x, expect: maybe}]`, `expect "maybe"`},
		{`[{id: a, persona: guide, lang: it, text: x, expect: decline}, {id: a, persona: guide, lang: it, text: y, expect: decline}]`, "id repeated"},
		{`[{persona: guide, lang: it, text: x, expect: decline}]`, "id is missing"},
		{`[{id: b, persona: guide, lang: it, text: x, expect: decline, follows: a}, {id: a, persona: guide, lang: it, text: y, expect: decline}]`, `follows "a"`},
		{`[{id: a, persona: guide, lang: it, text: x, expect: decline, lesson: reviews}]`, "names no lesson"},
		{`[{id: a, persona: guide, lang: it, text: x, expect: answer, lesson: reviews}]`, "names its lesson and step"},
		// The curriculum changed under the set: a step or lesson is gone.
		{`[{id: a, persona: guide, lang: it, text: x, expect: answer, lesson: reviews, step: gone}]`, "step reviews/gone: no such step"},
		{`[{id: a, persona: guide, lang: it, text: x, expect: answer, lesson: gone, step: why}]`, "lesson gone: no such lesson"},
		{`[{id: a, persona: guide, lang: it, text: x, expect: answer, lesson: reviews, step: why, also: [storytelling/nope]}]`, "step storytelling/nope"},
	}
	for _, tt := range tests {
		qs, err := eval.Parse([]byte(tt.yaml))
		if err != nil {
			t.Errorf("%s: %v", tt.yaml, err)
			continue
		}
		errs := eval.Validate(qs, c)
		if !strings.Contains(fmt.Sprint(errs), tt.want) {
			t.Errorf("%s: problems %v, want one with %q", tt.yaml, errs, tt.want)
		}
	}
	if _, err := eval.Parse([]byte(`[{id: a, colour: red}]`)); err == nil {
		t.Error("a field the format does not have is accepted")
	}
}

// The split is fixed once: it must not change as the code changes.
func TestHalfIsFixed(t *testing.T) {
	// FNV-1a of "a" is 0xe40c292c (even), of "b" 0xe70c2de5 (odd).
	want := map[string]string{"a": eval.Tuning, "b": eval.HeldOut, "c": eval.Tuning, "q001": eval.HeldOut, "q002": eval.Tuning, "q003": eval.HeldOut}
	for id, h := range want {
		if got := eval.Half(id); got != h {
			t.Errorf("Half(%q) = %s, want %s", id, got, h)
		}
	}
	n := 0
	for i := range 1000 {
		if eval.Half(fmt.Sprintf("q%03d", i)) == eval.Tuning {
			n++
		}
	}
	if n < 450 || n > 550 {
		t.Errorf("%d of 1000 ids in the tuning half, want about half", n)
	}
}

func TestRunSample(t *testing.T) {
	db := pgtest.New(t)
	texts, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	outs, err := eval.Run(context.Background(), db, texts, builtin(t), sample(t), eval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 8*4 { // own, then it, en and de
		t.Fatalf("%d outcomes, want 32", len(outs))
	}
	got := map[string]eval.Outcome{}
	for _, o := range outs {
		got[o.Question.ID+" "+o.UI] = o
	}
	// The question's language decides: the same answer whatever the
	// interface's.
	for _, key := range []string{"s-reviews-it own", "s-reviews-it en", "s-reviews-it de"} {
		o := got[key]
		if !o.Substance || !o.InTop || o.Miss() != "" {
			t.Errorf("%s: substance %v, top %v, miss %q; shown:\n%s", key, o.Substance, o.Top, o.Miss(), o.Shown)
		}
	}
	for _, key := range []string{"s-hours-de own", "s-hours-de it", "s-hours-de en", "s-reviews-cost it"} {
		if o := got[key]; !o.InTop || o.Declined() {
			t.Errorf("%s: top %v, declined %v; shown:\n%s", key, o.Top, o.Declined(), o.Shown)
		}
	}
	for _, key := range []string{"s-recipe own", "s-recipe de", "s-inject own", "s-defame own", "s-defame en", "s-sue own", "s-sue en"} {
		if o := got[key]; !o.Declined() {
			t.Errorf("%s: not declined; shown:\n%s", key, o.Shown)
		}
	}
	var out bytes.Buffer
	if err := eval.Print(&out, outs, []string{eval.Tuning, eval.HeldOut}, []string{eval.Tuning, eval.HeldOut}, true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"half, interface", "half, persona", "half, language", "misses"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	t.Logf("report:\n%s", out.String())

	// Run undid what it wrote: the curriculum is published anew.
	if _, err := eval.Run(context.Background(), db, texts, builtin(t), sample(t)[:1], eval.Options{Interfaces: []string{"it"}}); err != nil {
		t.Fatal(err)
	}
}

// The evaluation set itself stays true to the curriculum: every question
// parses, and every lesson and step it names exists in the built-in lessons,
// so renaming or removing a step that answers a question fails here.
func TestQuestionSetIsValid(t *testing.T) {
	for file, least := range map[string]int{"questions.yaml": 240, "declines.yaml": 100, "steps.yaml": 1900, "translated.yaml": 240, "fresh.yaml": 500} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		qs, err := eval.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if len(qs) < least {
			t.Errorf("%s: %d questions, want at least %d", file, len(qs), least)
		}
		for _, err := range eval.Validate(qs, builtin(t)) {
			t.Errorf("%s: %v", file, err)
		}
	}
}

// The misses of a half not asked for are counted, not listed: the held-out
// half stays unread unless asked for by name.
func TestPrintListsTheMissesAskedFor(t *testing.T) {
	miss := func(id, half string) eval.Outcome {
		return eval.Outcome{Question: eval.Question{ID: id, Expect: "answer", Lesson: "reviews", Step: "negative", Text: "question " + id},
			Half: half, UI: eval.Own, InTop: true}
	}
	outs := []eval.Outcome{miss("t-1", eval.Tuning), miss("h-1", eval.HeldOut), miss("h-2", eval.HeldOut)}
	both := []string{eval.Tuning, eval.HeldOut}
	for _, c := range []struct {
		misses       []string
		listed, left []string
	}{
		{[]string{eval.Tuning}, []string{"t-1"}, []string{"2 misses of the heldout half not listed"}},
		{both, []string{"t-1", "h-1", "h-2"}, nil},
		{nil, nil, []string{"1 misses of the tuning half not listed", "2 misses of the heldout half not listed"}},
	} {
		var out bytes.Buffer
		if err := eval.Print(&out, outs, both, c.misses, false); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		for _, id := range []string{"t-1", "h-1", "h-2"} {
			if listed := strings.Contains(got, "question "+id); listed != slices.Contains(c.listed, id) {
				t.Errorf("misses %v: %s listed %v\n%s", c.misses, id, listed, got)
			}
		}
		for _, want := range c.left {
			if !strings.Contains(got, want) {
				t.Errorf("misses %v: no %q\n%s", c.misses, want, got)
			}
		}
		if c.left == nil && strings.Contains(got, "not listed") {
			t.Errorf("misses %v: a count of misses left out\n%s", c.misses, got)
		}
	}
}
