package main

import (
	"context"
	"fmt"

	"github.com/bottega-app/bottega/assistant/retrievalbench"
)

// benchRetrieval measures question retrieval over the built-in curriculum and
// a generated corpus, on a throw-away database unless DATABASE_URL is set
// (then everything it writes is rolled back).
func benchRetrieval(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "retrieval", "Measure p50/p95 retrieval latency for realistic questions over the built-in curriculum and over a generated corpus.")
	rounds := fs.Int("rounds", 20, "times each question is asked per corpus")
	passages := fs.Int("passages", 10000, "size of the generated corpus, in passages")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	db, where, closeDB, err := benchDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	fmt.Fprintf(e.stdout, "bench retrieval: %s, %d rounds\n", where, *rounds)
	_, err = retrievalbench.Run(ctx, db, e.stdout, retrievalbench.Options{Rounds: *rounds, Passages: *passages})
	return err
}
