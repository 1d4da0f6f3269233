package llmtest_test

import (
	"context"
	"errors"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega/assistant/llmtest"
)

func dot(a, b []float32) float64 {
	s := 0.0
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestEmbeddings(t *testing.T) {
	s := llmtest.New("")
	defer s.Close()
	c := client(s)
	ctx := context.Background()
	texts := []string{"come rispondo a una recensione negativa", "rispondere alle recensioni negative", "orari di Natale su Google"}
	resp, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: texts, Model: "fake-embed"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Data) != 3 || resp.Model != "fake-embed" || resp.Usage.PromptTokens == 0 {
		t.Fatalf("response %+v", resp)
	}
	v := make([][]float32, 3)
	for _, d := range resp.Data {
		v[d.Index] = d.Embedding
		if len(d.Embedding) != llmtest.Dimensions {
			t.Fatalf("%d dimensions", len(d.Embedding))
		}
	}
	if n := dot(v[0], v[0]); n < 0.999 || n > 1.001 {
		t.Errorf("length² %v, want 1", n)
	}
	if near, far := dot(v[0], v[1]), dot(v[0], v[2]); near <= far {
		t.Errorf("similar texts at %v, different ones at %v", near, far)
	}
	again, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: texts[:1], Model: "fake-embed"})
	if err != nil || dot(again.Data[0].Embedding, v[0]) < 0.999 {
		t.Errorf("the same text embedded twice differs (%v)", err)
	}
	s.SetSynonyms(map[string]string{"bufala": "notizia"})
	syn, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: []string{"una bufala"}, Model: "fake-embed"})
	if err != nil || dot(syn.Data[0].Embedding, llmtest.Vector("una notizia", nil)) < 0.999 {
		t.Errorf("synonyms not applied (%v)", err)
	}

	for mode, status := range map[llmtest.Mode]int{llmtest.ServerError: 500, llmtest.RateLimited: 429, llmtest.EchoAuthorization: 401} {
		s.SetEmbeddingsMode(mode)
		_, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: texts, Model: "fake-embed"})
		var apiErr *openai.APIError
		if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != status {
			t.Errorf("mode %d: error %v, want an API error %d", mode, err, status)
		}
	}
	s.SetEmbeddingsMode(llmtest.MalformedJSON)
	if _, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: texts, Model: "fake-embed"}); err == nil {
		t.Errorf("malformed JSON: no error")
	}
	s.SetEmbeddingsMode(llmtest.Normal)
	if _, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: texts}); err == nil {
		t.Errorf("no model: no error")
	}
}
