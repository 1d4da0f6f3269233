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
	c, err := content.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	var steps []store.StepQuestions
	for i := range 15 {
		for _, l := range c.Lessons() {
			for _, s := range l.Steps {
				for loc, qs := range s.Questions {
					steps = append(steps, store.StepQuestions{Lesson: fmt.Sprintf("%s-%d", l.ID, i), Ref: s.ID, Locale: loc, Questions: qs})
				}
			}
		}
	}
	ix := newAskedIndex(steps)
	for b.Loop() {
		ix.boosts("quante volte devo pubblicare su instagram a settimana? io posto quando mi ricordo", "it")
	}
}
