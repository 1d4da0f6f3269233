package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"time"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/drill"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/plain/rewrite"
	"github.com/bottega-app/bottega/store"
)

// newAssistant builds the question answerer from the configuration: with an
// LLM when OPENAI_API_KEY or OPENAI_BASE_URL is set, otherwise answering
// from the lessons alone. It also indexes the current curriculum if its
// index is missing or out of date (ensureIndexed).
func newAssistant(a *app) (*assistant.Assistant, map[string]bot.TaskFunc, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := ensureIndexed(ctx, a); err != nil {
		return nil, nil, err
	}
	o := assistant.Options{
		DB:             a.db,
		Texts:          a.texts,
		Model:          a.cfg.OpenAIModel,
		DailyQuestions: a.cfg.DailyQuestions,
		DailyTokens:    a.cfg.DailyTokens,
		OpenLesson:     flows.OpenLessonData,
		OpenVideo:      flows.WatchVideoData,
		Logger:         a.log,
		// Where a transport cannot edit a message (WhatsApp), its
		// Capabilities make the answers go whole, once written.
	}
	var feedback *drill.Feedback
	if a.cfg.OpenAIKey != "" || a.cfg.OpenAIBaseURL != "" {
		// The assistant bounds each answer itself; this only keeps a dead
		// server from holding connections forever.
		c, err := assistant.NewClient(a.cfg.OpenAIBaseURL, a.cfg.OpenAIKey, &http.Client{Timeout: 2 * time.Minute})
		if err != nil {
			return nil, nil, usagef("OPENAI_BASE_URL: %v", err)
		}
		o.LLM = c
		feedback = &drill.Feedback{LLM: c, Model: a.cfg.OpenAIModel, Texts: a.texts, Logger: a.log, Meter: newMeter(a)}
		a.log.Info("assistant answers with an LLM", "model", a.cfg.OpenAIModel, "server", llmHost(a.cfg.OpenAIBaseURL))
		if a.cfg.OpenAIEmbeddingModel != "" {
			o.Embedder = assistant.NewEmbedder(c, a.cfg.OpenAIEmbeddingModel, a.db, a.log)
			embedCurrent(ctx, a, o.Embedder)
		}
	} else {
		a.log.Info("assistant answers from the lessons (no OPENAI_API_KEY or OPENAI_BASE_URL)")
	}
	asst, err := assistant.New(o)
	if err != nil {
		return nil, nil, err
	}
	// The index searched is prepared in the background, at once and again
	// whenever a newer version is published; meanwhile a question reads
	// what it needs itself. A bot closed first (a console chat of one
	// line) stops it, rather than have it fail on a closed database.
	stopWarm := warmInBackground(asst.Warm, a.log, warmEvery)
	closeDB := a.close
	a.close = func() {
		stopWarm()
		closeDB()
	}
	tasks := asst.Tasks()
	if feedback != nil {
		maps.Copy(tasks, feedback.Tasks())
	}
	return asst, tasks, nil
}

// warmEvery is how often the assistant checks for a newer index version
// and prepares it: a lesson published by another process (the command
// line, the web console, another replica) is prepared before a learner's
// question has to wait for it.
const warmEvery = 15 * time.Second

// warmInBackground runs warm at once, then every every, each run for at
// most a minute, until stop is called; stop waits for the run under way
// to end. A failure is logged once, until a run succeeds again (the
// database's outages are the watch's to log); one that stop caused is not.
func warmInBackground(warm func(context.Context) error, log *slog.Logger, every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		failing := false
		for {
			rctx, rcancel := context.WithTimeout(ctx, time.Minute)
			err := warm(rctx)
			rcancel()
			switch {
			case ctx.Err() != nil:
				return
			case err != nil && !failing:
				log.Warn("prepare the assistant", "err", err)
			}
			failing = err != nil
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// newMeter counts the model calls made outside answers (rewrites, drill
// comments) in the learners' daily tokens, BOTTEGA_DAILY_TOKENS.
func newMeter(a *app) *assistant.Meter {
	return &assistant.Meter{DB: a.db, Model: a.cfg.OpenAIModel, DailyTokens: a.cfg.DailyTokens}
}

// newRewriter returns what proposes rewrites of checked texts when an LLM
// is configured, and its deferred task; nil and no task without one (the
// checker then gives its verdict and suggestions only).
func newRewriter(a *app) (flows.Rewriter, map[string]bot.TaskFunc, error) {
	if a.cfg.OpenAIKey == "" && a.cfg.OpenAIBaseURL == "" {
		return nil, nil, nil
	}
	c, err := assistant.NewClient(a.cfg.OpenAIBaseURL, a.cfg.OpenAIKey, &http.Client{Timeout: 2 * time.Minute})
	if err != nil {
		return nil, nil, usagef("OPENAI_BASE_URL: %v", err)
	}
	w, err := rewrite.New(rewrite.Options{LLM: c, Model: a.cfg.OpenAIModel, Texts: a.texts, Logger: a.log, Meter: newMeter(a)})
	if err != nil {
		return nil, nil, err
	}
	return w, w.Tasks(), nil
}

// ensureIndexed indexes the current curriculum version for questions when
// its index is missing (a database from before the assistant existed) or
// made otherwise than this release makes it.
func ensureIndexed(ctx context.Context, a *app) error {
	st, err := a.db.CurrentCurriculumState(ctx)
	if err != nil || st.Version == 0 {
		return err
	}
	c, err := a.db.CurriculumVersion(ctx, st.Version)
	if err != nil {
		return err
	}
	done, err := assistant.EnsureIndexed(ctx, a.db, st.Version, c)
	if err != nil {
		return fmt.Errorf("index the curriculum for questions: %w", err)
	}
	if done {
		a.log.Info("curriculum indexed for questions", "version", st.Version)
	}
	return nil
}

// embedCurrent embeds the current curriculum's passages that have no
// embedding of the configured model (a curriculum published before the
// model was set, or by a release without embeddings). A failure is logged:
// questions are then matched by their words alone.
func embedCurrent(ctx context.Context, a *app, e *assistant.Embedder) {
	st, err := a.db.CurrentCurriculumState(ctx)
	if err != nil || st.Version == 0 {
		return
	}
	c, err := a.db.CurriculumVersion(ctx, st.Version)
	if err == nil {
		err = embedCurriculum(ctx, e, c, a.log)
	}
	if err != nil {
		a.log.Warn("the curriculum could not be embedded: questions are matched by their words alone", "model", e.Model(), "err", err)
	}
}

// embedCurriculum embeds c's passages that need it, after a publish or at
// start-up.
func embedCurriculum(ctx context.Context, e *assistant.Embedder, c *content.Curriculum, log *slog.Logger) error {
	n, err := e.Ensure(ctx, c)
	if n > 0 {
		log.Info("passages embedded", "model", e.Model(), "texts", n)
	}
	return err
}

// embedPublished embeds a curriculum an admin just published, after its
// publish committed. A failure is logged: the passages already embedded
// still count, and the rest are embedded at the next start.
func embedPublished(ctx context.Context, a *app, c *content.Curriculum) {
	emb, err := newEmbedder(a.cfg, a.db, a.log)
	if err == nil && emb != nil {
		err = embedCurriculum(ctx, emb, c, a.log)
	}
	if err != nil {
		a.log.Warn("the published curriculum could not be embedded: questions are matched by their words alone until the next start", "err", err)
	}
}

// newEmbedder returns the embedder the configuration asks for, or nil.
func newEmbedder(cfg config, db *store.DB, log *slog.Logger) (*assistant.Embedder, error) {
	if cfg.OpenAIEmbeddingModel == "" {
		return nil, nil
	}
	c, err := assistant.NewClient(cfg.OpenAIBaseURL, cfg.OpenAIKey, &http.Client{Timeout: 2 * time.Minute})
	if err != nil {
		return nil, usagef("OPENAI_BASE_URL: %v", err)
	}
	return assistant.NewEmbedder(c, cfg.OpenAIEmbeddingModel, db, log), nil
}

// llmHost names the LLM server for the log, without credentials or path.
func llmHost(baseURL string) string {
	if baseURL == "" {
		return "api.openai.com"
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return "?"
	}
	return u.Host
}
