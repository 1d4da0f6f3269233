package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/stats"
	"github.com/bottega-app/bottega/store"
)

func runStats(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "stats", "Print learners by role, language and track, recent activity, the completion funnel of each lesson, the learning gain by track and cohort, the hardest quiz questions, the questions the lessons did not answer, and the LLM's usage and estimated cost.")
	chart := fs.String("chart", "", "also write the completion funnel as a PNG chart to this file")
	lang := fs.String("lang", "en", "language of the chart's labels")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !locales.IsSupported(*lang) {
		return usagef("-lang must be one of %v", locales.Supported)
	}
	_, _, db, closeDB, err := toolDatabase(ctx, e)
	if err != nil {
		return err
	}
	defer closeDB()
	cur, _, err := store.NewLibrary(db, 0).Current(ctx)
	if err != nil {
		return err
	}
	r, err := stats.Build(ctx, db, cur, time.Now())
	if err != nil {
		return err
	}
	if err := r.Table(e.stdout); err != nil {
		return err
	}
	if *chart == "" {
		return nil
	}
	texts, err := locales.Load()
	if err != nil {
		return fmt.Errorf("load messages: %w", err)
	}
	png, err := stats.FunnelPNG(texts, *lang, r)
	if errors.Is(err, stats.ErrNoFunnel) {
		// A new install: the table says so too; nothing is wrong.
		fmt.Fprintf(e.stdout, "\nNo funnel chart: no lesson was started yet, so %s was not written.\n", *chart)
		return nil
	} else if err != nil {
		return err
	}
	if err := os.WriteFile(*chart, png, 0o644); err != nil { // #nosec G306 -- a chart of totals, no learner's data, written where the admin asked, to be shared
		return fmt.Errorf("write chart: %w", err)
	}
	fmt.Fprintf(e.stdout, "\nFunnel chart written to %s.\n", *chart)
	return nil
}
