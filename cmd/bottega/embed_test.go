package main

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/bottega-app/bottega/assistant/llmtest"
)

// With an embeddings model configured, the bot embeds the curriculum's
// passages when it starts, once.
func TestEmbeddingsAtStart(t *testing.T) {
	ctx := context.Background()
	srv := llmtest.New("ok")
	defer srv.Close()
	cfg, err := loadConfig(envFrom(onTestServer(t, map[string]string{
		"OPENAI_BASE_URL": srv.URL(), "OPENAI_EMBEDDING_MODEL": "fake-embed"})))
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, env{stderr: io.Discard}, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	have, err := a.db.EmbeddingDigests(ctx, "fake-embed")
	if err != nil || len(have) == 0 {
		t.Fatalf("%d embeddings after the start (%v), want the curriculum's", len(have), err)
	}
	a.close()
	reqs := len(srv.EmbeddingRequests())
	a, err = newApp(ctx, env{stderr: io.Discard}, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	a.close()
	if got := len(srv.EmbeddingRequests()); got != reqs {
		t.Errorf("the second start made %d embedding requests, want none", got-reqs)
	}
}

func TestEmbeddingModelNeedsServer(t *testing.T) {
	_, err := loadConfig(envFrom(map[string]string{"OPENAI_EMBEDDING_MODEL": "text-embedding-3-small"}))
	var u usageError
	if !errors.As(err, &u) {
		t.Fatalf("loadConfig = %v, want a usage error", err)
	}
}
