package drill_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/assistant/llmtest"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/drill"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store/pgtest"
)

type sends struct{ n int }

func (s *sends) Send(context.Context, string, bot.Reply) (string, error) {
	s.n++
	return "1", nil
}

// A drill comment counts in the learner's daily model tokens; once they are
// spent no comment is asked for (the score is with the learner already).
func TestFeedbackCountsTokens(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	l, _, err := db.EnsureLearner(ctx, "test", "u1", "c1", "Ada", "it")
	if err != nil {
		t.Fatal(err)
	}
	srv := llmtest.New("Hai detto che le scuole sono chiuse. Aggiungi il link ufficiale.")
	defer srv.Close()
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = srv.URL()
	texts, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	meter := &assistant.Meter{DB: db, Model: "test-model", DailyTokens: 1_000_000}
	f := &drill.Feedback{LLM: openai.NewClientWithConfig(cfg), Model: "test-model", Texts: texts, Meter: meter}
	data, err := json.Marshal(drill.FeedbackRequest{Learner: l.ID, Timezone: l.Timezone, Lang: "it", Drill: "Allerta",
		Prompt: "Scrivi il primo post.", Answer: "Domani scuole chiuse.", Score: 40, Verdict: "debole"})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().Add(-24 * time.Hour)
	s := &sends{}
	if err := f.Run(ctx, s, "chat", data); err != nil || s.n != 1 {
		t.Fatalf("%d messages (%v), want the comment", s.n, err)
	}
	used, err := db.AskUsed(ctx, l.ID, day)
	if err != nil || used.Tokens == 0 {
		t.Fatalf("used %+v (%v): want the comment's tokens", used, err)
	}
	meter.DailyTokens = used.Tokens
	if err := f.Run(ctx, s, "chat", data); err != nil || s.n != 1 {
		t.Errorf("%d messages (%v) once the tokens are spent, want none more", s.n, err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d model calls, want 1", n)
	}
}
