package flows_test

import (
	"context"
	"slices"
	"testing"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
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
	screens := flows.Preview(texts(t), nil, ls, "it")
	if len(screens) != len(ls.Steps)+1+len(ls.Quiz) {
		t.Fatalf("%d screens for %d steps, the end and %d questions", len(screens), len(ls.Steps), len(ls.Quiz))
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
	// The last step's Next button ends the lesson.
	last := c.send("", flows.OpenLessonData(ls.ID, ls.Steps[len(ls.Steps)-1].ID))[0]
	end := c.send("", last.Buttons[0][len(last.Buttons[0])-1].Data)[0]
	if p := screens[len(ls.Steps)]; end.Text != p.Text || !slices.Equal(labels(end), labels(p)) {
		t.Errorf("end: the chat shows\n%s\n%v\nthe preview\n%s\n%v", end.Text, labels(end), p.Text, labels(p))
	}
	q := c.send("", "v1|b|vetrina|all")[0]
	first := screens[len(ls.Steps)+1]
	if q.Text != first.Text {
		t.Errorf("first question: the chat shows\n%s\nthe preview\n%s", q.Text, first.Text)
	}
	if en := flows.Preview(texts(t), nil, ls, "en"); en[0].Text == screens[0].Text {
		t.Errorf("the English preview is the Italian one:\n%s", en[0].Text)
	}
}

// TestPreviewShufflesAndShowsPictures: the preview's options are in the
// order the quiz shows them (the learner with id 0, first attempt), and a
// step's picture comes with its screen.
func TestPreviewShufflesAndShowsPictures(t *testing.T) {
	ls := &content.Lesson{ID: "l", Title: content.Text{"it": "Lezione"}, Locales: []string{"it"},
		Steps: []content.Step{{ID: "a", Text: content.Text{"it": "Uno"}, Image: "foto.jpg"}, {ID: "b", Text: content.Text{"it": "Due"}, Image: "https://example.org/b.png"}},
		Quiz: []content.Question{{ID: "q", Kind: content.Choice, Question: content.Text{"it": "Quale?"},
			Options: []content.Text{{"it": "zero"}, {"it": "uno"}, {"it": "due"}, {"it": "tre"}}, Correct: 2}}}
	screens := flows.Preview(texts(t), nil, ls, "it")
	if len(screens) != 4 {
		t.Fatalf("%d screens", len(screens))
	}
	if m := screens[0].Media; m == nil || m.Kind != "photo" || m.File != "foto.jpg" {
		t.Errorf("step 1 media %+v", m)
	}
	if m := screens[1].Media; m == nil || m.URL != "https://example.org/b.png" {
		t.Errorf("step 2 media %+v", m)
	}
	order := flows.ExportOptionOrder(0, "l", "q", 0, 4)
	if slices.Equal(order, []int{0, 1, 2, 3}) {
		t.Fatalf("the order %v is not shuffled: pick another question id", order)
	}
	var want, got []string
	for _, i := range order {
		want = append(want, ls.Quiz[0].Options[i]["it"])
	}
	for _, row := range screens[3].Buttons {
		for _, b := range row {
			got = append(got, b.Label)
		}
	}
	if !slices.Equal(got[:4], want) {
		t.Errorf("options %v, want %v", got, want)
	}
}
