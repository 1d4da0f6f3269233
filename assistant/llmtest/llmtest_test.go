package llmtest_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega/assistant/llmtest"
)

func client(s *llmtest.Server) *openai.Client {
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = s.URL()
	return openai.NewClientWithConfig(cfg)
}

func request(stream bool) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{
		Model:         "fake",
		Messages:      []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "ciao"}},
		Stream:        stream,
		StreamOptions: &openai.StreamOptions{IncludeUsage: true},
	}
}

// readStream returns the streamed text and how the stream ended.
func readStream(ctx context.Context, c *openai.Client) (string, *openai.Usage, bool, error) {
	st, err := c.CreateChatCompletionStream(ctx, request(true))
	if err != nil {
		return "", nil, false, err
	}
	defer st.Close()
	var b strings.Builder
	var u *openai.Usage
	finished := false
	for {
		r, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return b.String(), u, finished, nil
		}
		if err != nil {
			return b.String(), u, finished, err
		}
		for _, ch := range r.Choices {
			b.WriteString(ch.Delta.Content)
			finished = finished || ch.FinishReason != ""
		}
		if r.Usage != nil {
			u = r.Usage
		}
	}
}

func TestNormal(t *testing.T) {
	s := llmtest.New("Ciao! Questa è una risposta di prova, con accenti: perché, più.")
	defer s.Close()
	chunks := 0
	s.SetChunk(5, func(int) { chunks++ })
	c := client(s)
	ctx := context.Background()

	text, u, finished, err := readStream(ctx, c)
	if err != nil || !finished {
		t.Fatalf("stream: finished %v, err %v", finished, err)
	}
	if text != "Ciao! Questa è una risposta di prova, con accenti: perché, più." {
		t.Errorf("streamed %q", text)
	}
	if u == nil || u.PromptTokens != 1 || u.CompletionTokens == 0 {
		t.Errorf("usage = %+v", u)
	}
	if chunks < 10 {
		t.Errorf("%d chunks, want the reply in pieces of 5 characters", chunks)
	}

	resp, err := c.CreateChatCompletion(ctx, request(false))
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != text {
		t.Errorf("non-streaming reply %q, want %q", got, text)
	}
	if n := len(s.Requests()); n != 2 {
		t.Errorf("%d requests recorded, want 2", n)
	}
}

func TestFailures(t *testing.T) {
	tests := []struct {
		mode llmtest.Mode
		// streamErr: the stream fails; truncated: it ends without a finish
		// reason.
		streamErr, truncated, jsonErr bool
	}{
		{llmtest.ServerError, true, false, true},
		{llmtest.RateLimited, true, false, true},
		{llmtest.Stall, true, false, true},
		{llmtest.StallMidway, true, false, true},
		{llmtest.BrokenStream, true, false, false},
		{llmtest.Truncated, false, true, false},
		{llmtest.MalformedJSON, true, false, true},
	}
	for _, tt := range tests {
		t.Run(modeName(tt.mode), func(t *testing.T) {
			s := llmtest.New("una risposta abbastanza lunga da stare in molti pezzi")
			defer s.Close()
			s.SetMode(tt.mode)
			c := client(s)
			// A stalled request ends with its context.
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, _, finished, err := readStream(ctx, c)
			if tt.streamErr && err == nil {
				t.Errorf("stream: no error")
			}
			if tt.truncated && (err != nil || finished) {
				t.Errorf("stream: err %v, finished %v; want a clean end without a finish reason", err, finished)
			}
			ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, err = c.CreateChatCompletion(ctx, request(false))
			if tt.jsonErr && err == nil {
				t.Errorf("non-streaming: no error")
			}
			var apiErr *openai.APIError
			if tt.mode == llmtest.RateLimited && (!errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 429) {
				t.Errorf("rate limited: err %v, want a 429 API error", err)
			}
		})
	}
}

func modeName(m llmtest.Mode) string {
	return [...]string{"normal", "5xx", "429", "stall", "stall midway", "broken", "truncated", "malformed"}[m]
}
