package assistant

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// LLM streams chat completions, and answers short ones at once (to put a
// question in the lessons' words); *openai.Client is one.
type LLM interface {
	CreateChatCompletionStream(ctx context.Context, req openai.ChatCompletionRequest) (*openai.ChatCompletionStream, error)
	CreateChatCompletion(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error)
}

// NewClient returns a client for OpenAI or any server speaking its API
// (Ollama, vLLM, LocalAI). baseURL empty means OpenAI; a base URL without a
// path gets /v1, which is where those servers listen. apiKey may be empty
// for local servers. hc nil means a default client (the assistant bounds
// every call with its own timeouts).
func NewClient(baseURL, apiKey string, hc *http.Client) (*openai.Client, error) {
	cfg := openai.DefaultConfig(apiKey)
	if baseURL != "" {
		u, err := url.Parse(baseURL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("LLM base URL %q is not an http(s) URL", baseURL)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/v1"
		}
		cfg.BaseURL = strings.TrimRight(u.String(), "/")
	}
	if hc != nil {
		cfg.HTTPClient = hc
	}
	return openai.NewClientWithConfig(cfg), nil
}

// Price is what a model costs, in US dollars per million tokens.
type Price struct {
	In, Out float64
}

// DefaultPrices are OpenAI's list prices for the models Bottega is likely
// to use; other models (local ones) cost nothing.
func DefaultPrices() map[string]Price {
	return map[string]Price{
		"gpt-4o-mini":  {0.15, 0.60},
		"gpt-4o":       {2.50, 10.00},
		"gpt-4.1-nano": {0.10, 0.40},
		"gpt-4.1-mini": {0.40, 1.60},
		"gpt-4.1":      {2.00, 8.00},
		"gpt-5-nano":   {0.05, 0.40},
		"gpt-5-mini":   {0.25, 2.00},
		"gpt-5":        {1.25, 10.00},
	}
}

// cost estimates an answer's cost: the price of the model whose name is
// the longest prefix of model ("gpt-4o-mini-2024-07-18" is gpt-4o-mini).
func cost(prices map[string]Price, model string, in, out int) float64 {
	best := ""
	for m := range prices {
		if strings.HasPrefix(model, m) && len(m) > len(best) {
			best = m
		}
	}
	if best == "" {
		return 0
	}
	p := prices[best]
	return (float64(in)*p.In + float64(out)*p.Out) / 1e6
}

// event is a piece of a streamed completion.
type event struct {
	text  string
	usage *openai.Usage
	err   error
	done  bool
}

// errTruncated means the stream ended without saying it was complete.
var errTruncated = errors.New("the answer stream ended early")

// receive reads a stream into events until it ends, fails or ctx ends. A
// stream that ends without a finish reason was cut off. It closes ch.
func receive(ctx context.Context, stream *openai.ChatCompletionStream, ch chan<- event) {
	defer close(ch)
	finished := false
	send := func(e event) bool {
		select {
		case ch <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			if !finished {
				send(event{err: errTruncated})
				return
			}
			send(event{done: true})
			return
		}
		if err != nil {
			send(event{err: fmt.Errorf("read answer stream: %w", err)})
			return
		}
		var e event
		for _, c := range resp.Choices {
			e.text += c.Delta.Content
			if c.FinishReason != "" {
				finished = true
			}
		}
		e.usage = resp.Usage
		if (e.text != "" || e.usage != nil) && !send(e) {
			return
		}
	}
}
