package assistant

import (
	"fmt"
	"testing"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// BenchmarkAskedBoosts ranks the steps of 15 copies of the built-in
// curriculum (3,720 steps, about 10,000 passages) by a question.
func BenchmarkAskedBoosts(b *testing.B) {
	ix := builtinCopies(b, 15)
	for b.Loop() {
		ix.boosts("quante volte devo pubblicare su instagram a settimana? io posto quando mi ricordo", "it")
	}
}

// BenchmarkAskedShare finds the listed question closest to a question in
// the same index.
func BenchmarkAskedShare(b *testing.B) {
	ix := builtinCopies(b, 15)
	for b.Loop() {
		ix.share("quante volte devo pubblicare su instagram a settimana? io posto quando mi ricordo", "it")
	}
}

// BenchmarkAskedIndexes indexes the built-in steps' questions and the
// asked folder's, for every language, as each published version is: at
// the start, and after a publish.
func BenchmarkAskedIndexes(b *testing.B) {
	steps := builtinSteps(b, 1)
	for b.Loop() {
		askedIndexes(steps)
	}
}

// builtinCopies indexes the listed questions of n copies of the built-in
// curriculum.
func builtinCopies(b *testing.B, n int) *askedIndex {
	return newAskedIndex(builtinSteps(b, n))
}

// builtinSteps returns the steps of n copies of the built-in curriculum,
// with the questions they list; the lessons of the first copy keep their
// ids, so that the asked folder's questions are theirs too.
func builtinSteps(b *testing.B, n int) []store.StepQuestions {
	c, err := content.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	var steps []store.StepQuestions
	id := int64(0)
	for i := range n {
		for _, l := range c.Lessons() {
			lesson := l.ID
			if i > 0 {
				lesson = fmt.Sprintf("%s-%d", l.ID, i)
			}
			for _, s := range l.Steps {
				id++
				for loc, qs := range s.Questions {
					steps = append(steps, store.StepQuestions{ID: id, Lesson: lesson, Ref: s.ID, Locale: loc, Questions: qs})
				}
			}
		}
	}
	return steps
}
