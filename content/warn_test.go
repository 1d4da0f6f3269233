package content

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// warnLesson writes a valid lesson with the given quiz items (YAML lines)
// and reviewed date ("" for none).
func warnLesson(id string, order int, reviewed string, quiz ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "id: %s\nlevel: base\norder: %d\nroles: [shopkeeper]\nlocales: [it, en]\nminutes: 2\n", id, order)
	b.WriteString("title: {it: Titolo, en: Title}\nsummary: {it: Riassunto, en: Summary}\nkeywords: {it: [parola], en: [word]}\n")
	if reviewed != "" {
		fmt.Fprintf(&b, "reviewed: %s\nsources: [\"Una fonte\"]\n", reviewed)
	}
	b.WriteString("steps:\n")
	for _, s := range []string{"a", "b", "c", "d"} {
		fmt.Fprintf(&b, "  - {id: %s, text: {it: Testo, en: Text}}\n", s)
	}
	b.WriteString("quiz:\n")
	for i, q := range quiz {
		fmt.Fprintf(&b, "  - {id: q%d, %s, question: {it: Domanda, en: Question}, explain: {it: Perché, en: Why}}\n", i+1, q)
	}
	return b.String()
}

// choice is a quiz item whose right answer (the second option) is the
// longest in Italian, or not.
func choice(kind string, longest bool) string {
	right := "Giusta"
	if longest {
		right = "La risposta giusta e lunga"
	}
	// In English the right answer is always the longest: only the
	// lesson's first locale counts.
	return fmt.Sprintf("kind: %s, options: [{it: Sbagliata uno, en: No}, {it: %s, en: The long right answer}, {it: Sbagliata due, en: No}], correct: 2", kind, right)
}

const (
	yes = "kind: truefalse, answer: true"
	no  = "kind: truefalse, answer: false"
)

func TestWarnings(t *testing.T) {
	track := func(id string, order int) *fstest.MapFile {
		return &fstest.MapFile{Data: fmt.Appendf(nil, "id: %s\norder: %d\nroles: [shopkeeper]\ntitle: {it: T, en: T}\nsummary: {it: S, en: S}\n", id, order)}
	}
	fsys := fstest.MapFS{
		"shop/track.yaml": track("shop", 1),
		// Never reviewed; the longest answer is right in 3 of 4; no scenario.
		"shop/01-a.yaml": {Data: []byte(warnLesson("a", 1, "",
			choice("choice", true), choice("choice", true), choice("choice", false), choice("choice", true)))},
		// Reviewed one day more than 6 months ago; longest right in 2 of 4
		// (half is not more than half); three scenarios.
		// It names two claims that age fast, to check first.
		"shop/02-b.yaml": {Data: []byte(warnLesson("b", 2, "2026-06-01",
			choice("scenario", true), choice("scenario", true), choice("scenario", false), choice("choice", false), yes) +
			"recheck: [the hashtag limit, the law's number]\n")},
		// Reviewed exactly 6 months ago; two scenarios; the track's true
		// and false answers: 3 to 1.
		"shop/03-c.yaml": {Data: []byte(warnLesson("c", 3, "2026-06-02",
			choice("scenario", false), choice("scenario", false), yes, yes, no))},
		"town/track.yaml": track("town", 2),
		// All fine; true and false 2 to 1 is balanced enough.
		"town/01-d.yaml": {Data: []byte(warnLesson("d", 1, "2026-12-01",
			choice("scenario", false), choice("scenario", true), choice("scenario", false), yes, yes, no))},
	}
	c, problems, err := Load(fsys, ".")
	if err != nil || len(problems) > 0 {
		t.Fatalf("load: %v %v", err, problems)
	}
	today := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	var got []string
	for _, w := range Warnings(c, today) {
		got = append(got, w.String())
	}
	want := []string{
		"shop/01-a.yaml:1: warning: reviewed is missing: add the day the facts were last checked against the sources (reviewed: YYYY-MM-DD)",
		"shop/01-a.yaml:1: warning: sources is missing: list where the lesson's claims come from (laws by number, help pages by title)",
		"shop/01-a.yaml:15: warning: the right answer is the longest option in 3 of 4 choice and scenario questions: learners learn to pick the longest; make wrong options as long",
		"shop/01-a.yaml:15: warning: 0 scenario questions, want at least 3: a situation to answer (kind: scenario) tests understanding, not recall",
		"shop/02-b.yaml:10: warning: reviewed 2026-06-01, more than 6 months ago: check the facts against the sources again, first these, which age fast: the hashtag limit; the law's number",
		"shop/03-c.yaml:17: warning: 2 scenario questions, want at least 3: a situation to answer (kind: scenario) tests understanding, not recall",
		"shop/track.yaml:1: warning: truefalse answers are 3 true and 1 false in this track, more than 2 to 1: learners can guess; turn some statements around",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The same files, checked a year later: every lesson is stale.
	n := 0
	for _, w := range Warnings(c, today.AddDate(1, 0, 0)) {
		if strings.Contains(w.Msg, "months ago") {
			n++
		}
	}
	if n != 3 {
		t.Errorf("a year later, %d lessons are stale, want 3", n)
	}
}

// Warnings are warnings: they are not problems, so the files stay valid.
func TestWarningsAreNotProblems(t *testing.T) {
	c := loadValid(t)
	if ws := Warnings(c, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)); len(ws) == 0 {
		t.Error("no warnings for lessons reviewed in 2026, checked in 2030")
	}
	if ps := Validate(c); len(ps) > 0 {
		t.Errorf("problems: %v", ps)
	}
}
