// Package llmtest is a fake OpenAI-compatible server for tests: it speaks
// POST /v1/chat/completions, in JSON or as a server-sent event stream, and
// POST /v1/embeddings, with deterministic vectors, and POST
// /v1/audio/transcriptions, with a transcript the test sets, and can fail in the ways
// real servers do (5xx, 429, stalls, broken streams, malformed JSON).
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// Mode is how the server answers.
type Mode int

// Modes.
const (
	// Normal answers with the reply, streamed in chunks when asked to.
	Normal Mode = iota
	// ServerError answers 500 with an OpenAI error body.
	ServerError
	// RateLimited answers 429 with Retry-After.
	RateLimited
	// Stall sends the headers, then nothing until the client gives up.
	Stall
	// StallMidway streams the first chunk, then nothing until the client
	// gives up.
	StallMidway
	// BrokenStream sends half the chunks and cuts the connection.
	BrokenStream
	// Truncated sends half the chunks and ends the response cleanly, with
	// no finish reason and no [DONE].
	Truncated
	// MalformedJSON sends a chunk (or a body) that is not JSON.
	MalformedJSON
	// EchoAuthorization answers 401 with an error that quotes the
	// request's Authorization header, as some servers and proxies do.
	EchoAuthorization
)

// Server is a fake LLM server. Its zero mode is Normal.
type Server struct {
	srv  *httptest.Server
	stop chan struct{}
	once sync.Once

	mu       sync.Mutex
	mode     Mode
	modeFor  func(openai.ChatCompletionRequest) Mode
	reply    func(openai.ChatCompletionRequest) string
	chunk    int
	onChunk  func(i int)
	requests []openai.ChatCompletionRequest

	embedMode  Mode
	synonyms   map[string]string
	embeddings []openai.EmbeddingRequest

	transcribeMode Mode
	segments       []Segment
	transcriptions []TranscriptionRequest
}

// New starts a server answering reply to everything; Close stops it.
func New(reply string) *Server {
	s := &Server{stop: make(chan struct{}), chunk: 8, reply: func(openai.ChatCompletionRequest) string { return reply }}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.completions)
	mux.HandleFunc("POST /v1/embeddings", s.embed)
	mux.HandleFunc("POST /v1/audio/transcriptions", s.transcribe)
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the base URL to give a client (it ends in /v1).
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Close releases stalled requests and stops the server.
func (s *Server) Close() {
	s.once.Do(func() { close(s.stop) })
	s.srv.Close()
}

// SetMode changes how the server answers from the next request on.
func (s *Server) SetMode(m Mode) {
	s.mu.Lock()
	s.mode = m
	s.mu.Unlock()
}

// SetModeFor makes the server answer each chat request as fn says, which
// lets a test fail one kind of request (the short ones, say) and not the
// other; nil goes back to SetMode's.
func (s *Server) SetModeFor(fn func(openai.ChatCompletionRequest) Mode) {
	s.mu.Lock()
	s.modeFor = fn
	s.mu.Unlock()
}

// SetReply makes the server answer what fn returns for each request.
func (s *Server) SetReply(fn func(openai.ChatCompletionRequest) string) {
	s.mu.Lock()
	s.reply = fn
	s.mu.Unlock()
}

// EchoPrompt is a reply for SetReply: the system prompt of the request,
// after prefix, as a model talked into repeating its instructions answers.
// With SetChunk it arrives slowly, a few characters at a time.
func EchoPrompt(prefix string) func(openai.ChatCompletionRequest) string {
	return func(req openai.ChatCompletionRequest) string {
		for _, m := range req.Messages {
			if m.Role == openai.ChatMessageRoleSystem {
				return prefix + m.Content
			}
		}
		return prefix
	}
}

// SetChunk sets how many characters each streamed chunk carries (default
// 8), and a function called before each chunk is written (nil: none), which
// lets a test move a fake clock along with the stream.
func (s *Server) SetChunk(n int, onChunk func(i int)) {
	s.mu.Lock()
	if n > 0 {
		s.chunk = n
	}
	s.onChunk = onChunk
	s.mu.Unlock()
}

// Requests returns the requests received so far.
func (s *Server) Requests() []openai.ChatCompletionRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]openai.ChatCompletionRequest(nil), s.requests...)
}

func (s *Server) completions(w http.ResponseWriter, r *http.Request) {
	var req openai.ChatCompletionRequest
	if !readJSON(w, r, &req) {
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	mode, reply, size, onChunk := s.mode, s.reply(req), s.chunk, s.onChunk
	if s.modeFor != nil {
		mode = s.modeFor(req)
	}
	s.mu.Unlock()

	// A stream fails its own way once started; before, as any response.
	if !req.Stream || mode == ServerError || mode == RateLimited || mode == EchoAuthorization {
		if !s.fail(w, r, mode, `{"id": "x", "choices": [{"message": `) {
			writeJSON(w, completion(req, reply))
		}
		return
	}

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	chunks := split(reply, size)
	send := func(i int, v any) {
		if onChunk != nil {
			onChunk(i)
		}
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		_ = rc.Flush()
	}
	switch mode {
	case Stall, StallMidway:
		if mode == StallMidway && len(chunks) > 0 {
			send(0, chunk(req.Model, chunks[0], ""))
		} else {
			_ = rc.Flush()
		}
		s.wait(r)
		return
	case BrokenStream, Truncated:
		for i, c := range chunks[:len(chunks)/2] {
			send(i, chunk(req.Model, c, ""))
		}
		if mode == BrokenStream {
			if conn, _, err := rc.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
		return
	case MalformedJSON:
		if len(chunks) > 0 {
			send(0, chunk(req.Model, chunks[0], ""))
		}
		_, _ = io.WriteString(w, "data: {\"choices\": [{\"delta\": {\"content\": \"oops\n\n")
		_, _ = io.WriteString(w, "data: [DONE]\n\n")
		_ = rc.Flush()
		return
	}
	for i, c := range chunks {
		send(i, chunk(req.Model, c, ""))
	}
	send(len(chunks), chunk(req.Model, "", "stop"))
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		in, out := usage(req, reply)
		send(len(chunks)+1, openai.ChatCompletionStreamResponse{ID: "chatcmpl-fake", Object: "chat.completion.chunk", Model: req.Model,
			Choices: []openai.ChatCompletionStreamChoice{},
			Usage:   &openai.Usage{PromptTokens: in, CompletionTokens: out, TotalTokens: in + out}})
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	_ = rc.Flush()
}

// readJSON decodes the request's body into v, or answers 400 as OpenAI
// does and returns false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "request body is not JSON: "+err.Error())
		return false
	}
	return true
}

// fail answers a whole (not streamed) response the way mode fails it, if
// it does, and reports whether it did: a server error, a rate limit, an
// error that quotes the Authorization header, a stall, or a body cut after
// malformed, the start of one.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, mode Mode, malformed string) bool {
	switch mode {
	case ServerError:
		writeError(w, http.StatusInternalServerError, "server_error", "the fake server failed")
	case RateLimited:
		w.Header().Set("Retry-After", "20")
		writeError(w, http.StatusTooManyRequests, "rate_limit_exceeded", "slow down")
	case EchoAuthorization:
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "Incorrect API key provided in Authorization: "+r.Header.Get("Authorization"))
	case Stall, StallMidway:
		s.wait(r)
	case MalformedJSON:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, malformed)
	default:
		return false
	}
	return true
}

// wait blocks a stalled request until the client gives up or the server
// closes.
func (s *Server) wait(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.stop:
	}
}

// split cuts s into pieces of n characters.
func split(s string, n int) []string {
	var out []string
	for s != "" {
		i, k := 0, 0
		for i < len(s) && k < n {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			k++
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}

func chunk(model, text string, finish openai.FinishReason) openai.ChatCompletionStreamResponse {
	return openai.ChatCompletionStreamResponse{
		ID: "chatcmpl-fake", Object: "chat.completion.chunk", Created: 1700000000, Model: model,
		Choices: []openai.ChatCompletionStreamChoice{{Index: 0, Delta: openai.ChatCompletionStreamChoiceDelta{Content: text}, FinishReason: finish}},
	}
}

func completion(req openai.ChatCompletionRequest, text string) openai.ChatCompletionResponse {
	in, out := usage(req, text)
	return openai.ChatCompletionResponse{
		ID: "chatcmpl-fake", Object: "chat.completion", Created: 1700000000, Model: req.Model,
		Choices: []openai.ChatCompletionChoice{{Index: 0, FinishReason: openai.FinishReasonStop,
			Message: openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: text}}},
		Usage: openai.Usage{PromptTokens: in, CompletionTokens: out, TotalTokens: in + out},
	}
}

// usage counts tokens the way a test can predict: four characters each.
func usage(req openai.ChatCompletionRequest, reply string) (in, out int) {
	for _, m := range req.Messages {
		in += utf8.RuneCountInString(m.Content)
	}
	return (in + 3) / 4, (utf8.RuneCountInString(reply) + 3) / 4
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v) // the client went away: nothing to do
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": nil}})
}
