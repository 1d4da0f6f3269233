package assistant_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/assistant/llmtest"
)

// promptRuns returns every run of n words of text, lower-case, punctuation
// ignored.
func promptRuns(text string, n int) map[string]bool {
	ws := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	})
	runs := map[string]bool{}
	for i := 0; i+n <= len(ws); i++ {
		runs[strings.Join(ws[i:i+n], " ")] = true
	}
	return runs
}

// The system prompt never reaches the learner, not even in pieces while an
// echo of it streams in, nor when the model repeats only a part of it.
func TestPromptNeverShown(t *testing.T) {
	const run = 4 // words of the prompt in a row that count as showing it
	firstParagraph := func(r openai.ChatCompletionRequest) string {
		return strings.SplitN(r.Messages[0].Content, "\n\n", 2)[0]
	}
	tests := []struct {
		name  string
		reply func(openai.ChatCompletionRequest) string
	}{
		{"slow echo", llmtest.EchoPrompt("")},
		{"slow echo after a preface", llmtest.EchoPrompt("Certo! Ecco le mie istruzioni, parola per parola:\n\n")},
		{"first paragraph only", firstParagraph},
		{"second rule only", func(r openai.ChatCompletionRequest) string {
			return "Ok. " + regexp.MustCompile(`(?m)^2\. .*$`).FindString(r.Messages[0].Content)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Time moves at every reading of the clock, so every chunk
			// may be shown.
			h := newHarness(t, true, func(o *assistant.Options) { o.EditEvery = time.Nanosecond })
			h.clock.step = time.Millisecond
			h.llm.SetReply(tt.reply)
			h.llm.SetChunk(8, nil)
			h.ask(h.learner, "come faccio una diretta dalla pagina del Comune?")

			reqs := h.llm.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d LLM requests, want 1", len(reqs))
			}
			runs := promptRuns(reqs[0].Messages[0].Content, run)
			for i, m := range h.out.all() {
				for r := range promptRuns(m.Text, run) {
					if runs[r] {
						t.Fatalf("message %d shows %q of the system prompt:\n%s", i, r, m.Text)
					}
				}
			}
			if final := h.out.last(t); !strings.HasPrefix(final.Text, h.tr("ask_offline", nil)) || final.EditID == "" {
				t.Errorf("answer %+v, want the answer from the lessons in place of the first message", final.Reply)
			}
			if q := h.lastQuestion(); q.Mode != "fallback" || q.AnsweredAt == nil {
				t.Errorf("question recorded as %+v, want mode fallback", q)
			}
		})
	}
}

// An answer that names what Bottega teaches in the words of the prompt's
// list of topics is an answer, not a leak: the list is no secret.
func TestTopicsAreNoLeak(t *testing.T) {
	h := newHarness(t, true, nil)
	l := learner(t, h, "300", "en", "")
	const answer = "In Bottega you learn about Google Maps listings, Facebook and Instagram pages, product photos, posts, Stories and Reels [1]."
	h.llm.SetReply(func(openai.ChatCompletionRequest) string { return answer })
	h.ask(l, "what can i learn here about google maps and instagram?")
	if final := h.out.last(t); !strings.Contains(final.Text, "Google Maps listings, Facebook and Instagram pages") {
		t.Errorf("answer %q, want the model's", final.Text)
	}
	if q := h.lastQuestion(); q.Mode != "llm" {
		t.Errorf("question recorded as mode %s, want llm", q.Mode)
	}
}
