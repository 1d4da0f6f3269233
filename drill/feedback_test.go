package drill

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega/assistant/llmtest"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/locales"
)

// sender records what a task sends.
type sender struct {
	mu   sync.Mutex
	sent []bot.Reply
}

func (s *sender) Send(_ context.Context, _ string, r bot.Reply) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, r)
	return "1", nil
}

func feedbackData(t *testing.T) json.RawMessage {
	t.Helper()
	c := builtin(t)
	d := c.Drill("allerta-scuole")
	task := d.Task("primo-post")
	answer := "Orange alert tomorrow. Schools are closed. Stay safe everyone!"
	r := Score(d, task, "en", answer, task.Limit, nil)
	var found, missing []string
	for _, e := range task.Rubric.Elements {
		if r.Has(e.ID) {
			found = append(found, e.Name["en"])
		} else {
			missing = append(missing, e.Name["en"])
		}
	}
	data, err := json.Marshal(FeedbackRequest{Lang: "en", Drill: d.Title["en"], Prompt: task.Prompt["en"], Answer: answer,
		Score: r.Score, Verdict: "weak", Found: found, Missing: missing})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func newFeedback(t *testing.T, srv *llmtest.Server) *Feedback {
	t.Helper()
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = srv.URL()
	c := openai.NewClientWithConfig(cfg)
	texts, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &Feedback{LLM: c, Model: "test-model", Texts: texts}
}

// The model comments on the rubric's findings; a score of its own is dropped, so the
// learner sees only the rubric's.
func TestFeedbackKeepsTheRubricsScore(t *testing.T) {
	srv := llmtest.New("Great post, 9/10! You gave the day and said schools are closed. Add what to do, the link to comune.valfiume.it/allerta and the COC number. I'd give it 90% overall.")
	defer srv.Close()
	f := newFeedback(t, srv)
	s := &sender{}
	if err := f.Run(context.Background(), s, "chat", feedbackData(t)); err != nil {
		t.Fatal(err)
	}
	if len(s.sent) != 1 {
		t.Fatalf("want one message, got %d", len(s.sent))
	}
	got := s.sent[0].Text
	for _, want := range []string{"You gave the day", "the COC number", "automatic comment"} {
		if !strings.Contains(got, want) {
			t.Errorf("feedback %q lacks %q", got, want)
		}
	}
	for _, bad := range []string{"9/10", "90%"} {
		if strings.Contains(got, bad) {
			t.Errorf("feedback %q gives a score of its own (%s)", got, bad)
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("want one request, got %d", len(reqs))
	}
	var system, user string
	for _, m := range reqs[0].Messages {
		switch m.Role {
		case openai.ChatMessageRoleSystem:
			system = m.Content
		case openai.ChatMessageRoleUser:
			user = m.Content
		}
	}
	for _, want := range []string{"45/100", "The score is final", "The answer misses: what to do; official source and link; whom to call; the closed bridge", "In English"} {
		if !strings.Contains(system, want) {
			t.Errorf("the prompt lacks %q:\n%s", want, system)
		}
	}
	if user != "Orange alert tomorrow. Schools are closed. Stay safe everyone!" {
		t.Errorf("the answer is sent as %q", user)
	}
}

// A failing model sends nothing and fails nothing: the score is out already.
func TestFeedbackServerError(t *testing.T) {
	srv := llmtest.New("unused")
	defer srv.Close()
	srv.SetMode(llmtest.ServerError)
	f := newFeedback(t, srv)
	s := &sender{}
	if err := f.Run(context.Background(), s, "chat", feedbackData(t)); err != nil {
		t.Fatalf("a failing model must not fail the task: %v", err)
	}
	if len(s.sent) != 0 {
		t.Errorf("sent %v after a server error", s.sent)
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"Good start. Score: 80. Add the link.":          "Good start. Add the link.",
		"Buon inizio! Voto 8. Manca il numero del COC.": "Buon inizio! Manca il numero del COC.",
		"Il punteggio è giusto. Aggiungi il ponte.":     "Aggiungi il ponte.",
		"7/10": "",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}
