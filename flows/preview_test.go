package flows_test

import (
	"context"
	"slices"
	"testing"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/flows"
)

// TestPreviewIsWhatTheLearnerSees compares the console's preview of a
// lesson with the screens a learner gets in the chat, step by step.
func TestPreviewIsWhatTheLearnerSees(t *testing.T) {
	c := newChat(t)
	cur, _, err := c.lib.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ls := cur.Lesson("vetrina")
	screens := flows.Preview(texts(t), ls, "it")
	if len(screens) != len(ls.Steps)+len(ls.Quiz) {
		t.Fatalf("%d screens for %d steps and %d questions", len(screens), len(ls.Steps), len(ls.Quiz))
	}
	labels := func(r bot.Reply) []string {
		var out []string
		for _, row := range r.Buttons {
			for _, b := range row {
				out = append(out, b.Label)
			}
		}
		return out
	}
	for i, s := range ls.Steps {
		got := c.send("", flows.OpenLessonData(ls.ID, s.ID))[0]
		if got.Text != screens[i].Text || !slices.Equal(labels(got), labels(screens[i])) {
			t.Errorf("step %d: the chat shows\n%s\n%v\nthe preview\n%s\n%v", i+1, got.Text, labels(got), screens[i].Text, labels(screens[i]))
		}
	}
	q := c.send("", "v1|b|vetrina|all")[0]
	if q.Text != screens[len(ls.Steps)].Text {
		t.Errorf("first question: the chat shows\n%s\nthe preview\n%s", q.Text, screens[len(ls.Steps)].Text)
	}
	if en := flows.Preview(texts(t), ls, "en"); en[0].Text == screens[0].Text {
		t.Errorf("the English preview is the Italian one:\n%s", en[0].Text)
	}
}
