package main

import (
	"context"
	"log/slog"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// indexer returns what runs inside every publish transaction to index the
// new curriculum version for question answering.
func indexer(db *store.DB, log *slog.Logger) func(ctx context.Context, tx *store.Tx, version int64, c *content.Curriculum) error {
	return assistant.Index
}
