package assistant_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/store"
)

// crasher is a sender through which the process "dies" at a chosen send:
// the task's context is cancelled, and that send fails or, if it already
// went out, everything after it does.
type crasher struct {
	*recorder
	cancel context.CancelFunc
	at     func(bot.Reply) bool // the send at which the crash comes
	after  bool                 // whether that send went out first

	mu      sync.Mutex
	crashed bool
}

func (c *crasher) Send(ctx context.Context, chatID string, r bot.Reply) (string, error) {
	c.mu.Lock()
	crash := !c.crashed && c.at(r)
	c.crashed = c.crashed || crash
	c.mu.Unlock()
	if crash {
		id := ""
		if c.after {
			id, _ = c.recorder.Send(ctx, chatID, r)
		}
		c.cancel()
		if c.after {
			return id, nil
		}
		return "", ctx.Err()
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	return c.recorder.Send(ctx, chatID, r)
}

// An answer task interrupted by a crash and run again (it is stored with
// the replies) asks the model once for an answer that was finished, and
// finishes the message it had started rather than leaving half an answer
// frozen above a new one.
func TestResumeAfterCrash(t *testing.T) {
	final := func(r bot.Reply) bool { return len(r.Buttons) > 0 }
	progress := 0
	tests := []struct {
		name     string
		at       func(bot.Reply) bool
		after    bool
		requests int // to the model, in all
	}{
		{"before the finished answer is shown", final, false, 1},
		{"after it is shown, before it is recorded", final, true, 1},
		{"midway through the stream", func(r bot.Reply) bool {
			if r.EditID != "" && len(r.Buttons) == 0 {
				progress++
			}
			return progress == 2
		}, false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, true, nil)
			// Every reading of the clock moves it a second: every chunk
			// may be shown.
			h.clock.step = time.Second
			var task *bot.Task
			err := h.db.InTx(context.Background(), func(tx *store.Tx) error {
				replies, err := h.a.Answer(context.Background(), tx, h.learner, "come faccio una diretta dalla pagina del Comune?")
				if err == nil && len(replies) == 1 {
					task = replies[0].Task
				}
				return err
			})
			if err != nil || task == nil {
				t.Fatalf("Answer: %v, task %v", err, task)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := &crasher{recorder: h.out, cancel: cancel, at: tt.at, after: tt.after}
			if err := h.a.Tasks()[task.Kind](ctx, c, h.learner.ChatID, task.Data); err == nil {
				t.Fatal("the interrupted task succeeded")
			}
			if q := h.lastQuestion(); q.AnsweredAt != nil {
				t.Fatalf("the interrupted question is recorded as answered: %+v", q)
			}
			before := len(h.out.all())

			h.run(task) // the task, run again after the restart

			msgs := h.out.all()
			for i, m := range msgs {
				if i > 0 && m.EditID != "1" {
					t.Errorf("message %d is not an edit of the first: %+v", i, m.Reply)
					break
				}
			}
			if len(msgs) <= before {
				t.Fatal("the run after the crash showed nothing")
			}
			last := msgs[len(msgs)-1]
			if !strings.Contains(last.Text, "annunciala qualche giorno prima") || !strings.Contains(last.Text, "📚 Fonti:") || len(last.Buttons) == 0 {
				t.Errorf("the message ends as %q, want the finished answer", last.Text)
			}
			if n := len(h.llm.Requests()); n != tt.requests {
				t.Errorf("%d requests to the model, want %d", n, tt.requests)
			}
			q := h.lastQuestion()
			if q.AnsweredAt == nil || q.Mode != "llm" {
				t.Errorf("question recorded as %+v", q)
			}
			u, err := h.db.AskUsageSince(context.Background(), time.Time{})
			if err != nil || u.Answers != 1 {
				t.Errorf("usage %+v (%v), want 1 answer", u, err)
			}
			turns, err := h.db.RecentTurns(context.Background(), h.learner.ID, time.Time{}, 10, 0)
			if err != nil || len(turns) != 2 {
				t.Errorf("%d turns (%v), want the question and one answer", len(turns), err)
			}

			h.out.reset()
			h.run(task) // and once more: nothing to do
			if n := len(h.out.all()); n != 0 || len(h.llm.Requests()) != tt.requests {
				t.Errorf("a run after the answer was recorded sent %d messages, asked the model %d times", n, len(h.llm.Requests()))
			}
		})
	}
}
