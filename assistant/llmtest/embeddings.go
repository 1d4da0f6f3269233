package llmtest

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"net/http"
	"strings"
	"unicode"

	openai "github.com/sashabaranov/go-openai"
	"golang.org/x/text/unicode/norm"
)

// Dimensions is the length of the fake server's embeddings.
const Dimensions = 256

// SetEmbeddingsMode changes how the server answers embedding requests from
// the next one on (chat requests keep SetMode's).
func (s *Server) SetEmbeddingsMode(m Mode) {
	s.mu.Lock()
	s.embedMode = m
	s.mu.Unlock()
}

// SetSynonyms makes the embeddings treat each word of the map (lower-case,
// no accents) as the word it maps to, so that a test can make two texts
// close in meaning that share no word, as a real model does.
func (s *Server) SetSynonyms(m map[string]string) {
	s.mu.Lock()
	s.synonyms = m
	s.mu.Unlock()
}

// EmbeddingRequests returns the embedding requests received so far.
func (s *Server) EmbeddingRequests() []openai.EmbeddingRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]openai.EmbeddingRequest(nil), s.embeddings...)
}

// embed answers POST /v1/embeddings: one vector per input, a hashed bag of
// words (each word cut to its first five letters, so that "foto" and
// "fotografia" meet), of unit length. Texts sharing words are close.
func (s *Server) embed(w http.ResponseWriter, r *http.Request) {
	var raw struct {
		Input json.RawMessage `json:"input"`
		Model string          `json:"model"`
	}
	if !readJSON(w, r, &raw) {
		return
	}
	var inputs []string
	var one string
	if err := json.Unmarshal(raw.Input, &one); err == nil {
		inputs = []string{one}
	} else if err := json.Unmarshal(raw.Input, &inputs); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "'input' must be a string or an array of strings")
		return
	}
	if raw.Model == "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "you must provide a model parameter")
		return
	}
	s.mu.Lock()
	s.embeddings = append(s.embeddings, openai.EmbeddingRequest{Input: inputs, Model: openai.EmbeddingModel(raw.Model)})
	mode, syn := s.embedMode, s.synonyms
	s.mu.Unlock()

	if s.fail(w, r, mode, `{"object": "list", "data": [{"embedding": [0.1, `) {
		return
	}
	resp := openai.EmbeddingResponse{Object: "list", Model: openai.EmbeddingModel(raw.Model)}
	tokens := 0
	for i, in := range inputs {
		resp.Data = append(resp.Data, openai.Embedding{Object: "embedding", Index: i, Embedding: Vector(in, syn)})
		tokens += (len([]rune(in)) + 3) / 4
	}
	resp.Usage = openai.Usage{PromptTokens: tokens, TotalTokens: tokens}
	writeJSON(w, resp)
}

// Vector is the fake server's embedding of text, with synonyms as in
// SetSynonyms (nil: none).
func Vector(text string, synonyms map[string]string) []float32 {
	v := make([]float32, Dimensions)
	for _, word := range fakeWords(text) {
		if to, ok := synonyms[word]; ok {
			word = to
		}
		if r := []rune(word); len(r) > 5 {
			word = string(r[:5])
		}
		h := fnv.New32a()
		_, _ = h.Write([]byte(word))
		x := h.Sum32()
		sign := float32(1)
		if x&(1<<31) != 0 {
			sign = -1
		}
		v[x%Dimensions] += sign
	}
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		v[0] = 1 // an empty text still gets a vector of unit length
		return v
	}
	n := float32(math.Sqrt(sum))
	for i := range v {
		v[i] /= n
	}
	return v
}

// fakeWords are the words of s of three letters or more, lower-case and
// without accents.
func fakeWords(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	var out []string
	for _, w := range strings.FieldsFunc(b.String(), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len([]rune(w)) >= 3 {
			out = append(out, w)
		}
	}
	return out
}
