package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/plain"
)

// rewriter records the tasks the checker asks for; the rewrite itself is
// tested in plain/rewrite against a fake LLM server.
type rewriter struct {
	calls    []plain.Report
	learners []int64
}

func (w *rewriter) RewriteTask(l bottega.Learner, text string, r plain.Report) (*bot.Task, error) {
	w.calls = append(w.calls, r)
	w.learners = append(w.learners, l.ID)
	return &bot.Task{Kind: "plain_rewrite", Data: []byte(`{"text":` + `"` + l.Locale + `"}`)}, nil
}

func TestPlainBadInput(t *testing.T) {
	c := newChat(t)
	// Too long: a clear answer, and the checker still waits for a text.
	long := "/chiaro " + strings.Repeat("Parola ", 500)
	r := c.send(long, "")
	c.says(r, "al massimo 3000 caratteri", "Mandami il testo")
	if len(r) != 1 || len(r[0].Buttons) == 0 {
		t.Errorf("replies %+v", r)
	}
	r = c.send("Domani mercato in piazza Duomo dalle 8:00. Venite presto!", "")
	c.says(r, "🟢", "Gulpease")
	// The text may start on the line after the command.
	r = c.send("/clear\nSi comunica che la biblioteca resterà chiusa.", "")
	c.says(r, "Togli «si comunica che»")
	// A command leaves the checker: free text is no longer checked.
	c.send("/menu", "")
	r = c.send("Si comunica che la biblioteca resterà chiusa.", "")
	if strings.Contains(r[0].Text, "Gulpease") {
		t.Errorf("checked outside the checker:\n%s", r[0].Text)
	}
}

func TestPlainOtherLanguages(t *testing.T) {
	c := newChat(t)
	l := c.learner()
	l.Locale = "de"
	if err := c.db.UpdateLearner(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	r := c.send("/clear Si comunica che, ai sensi dell'ordinanza n. 3, codesto ufficio resterà chiuso.", "")
	c.says(r, "(Als italienischer Text geprüft.)", "Streich „si comunica che“", "Statt „codesto“ schreib „questo“")
	r = c.send("The library is closed on Monday. Please return your books by Sunday at the library desk.", "")
	c.says(r, "Flesch", "(Als englischer Text geprüft.)")
}

func TestPlainRewriteTask(t *testing.T) {
	w := &rewriter{}
	c := newChat(t, func(o *flows.Options) { o.Rewriter = w })
	r := c.send("/chiaro Si comunica che la biblioteca resterà chiusa.", "")
	if len(r) != 2 || r[1].Task == nil || r[1].Task.Kind != "plain_rewrite" || r[1].Text != "" {
		t.Fatalf("replies %+v: want the verdict, then the rewrite task", r)
	}
	if len(w.calls) != 1 || len(w.calls[0].Phrases) == 0 {
		t.Errorf("rewriter got %+v", w.calls)
	}
	if len(w.learners) != 1 || w.learners[0] != c.learner().ID || w.learners[0] == 0 {
		t.Errorf("rewrite for learners %v, want the one who asked (%d): the rewrite counts in their tokens", w.learners, c.learner().ID)
	}
	// A text with nothing to change gets no rewrite.
	r = c.send("Domani mercato in piazza Duomo dalle 8:00. Venite presto!", "")
	if len(r) != 1 || r[0].Task != nil {
		t.Errorf("replies %+v: want the verdict alone", r)
	}
}
