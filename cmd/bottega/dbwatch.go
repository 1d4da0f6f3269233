package main

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// dbWatch notices when the database stops answering and when it answers
// again, and logs each change once: an outage that nothing happens to hit
// (no learner writes, no broadcast runs) would otherwise leave no trace,
// and one that everything hits would log a line per failed statement but
// never say when it ended. The readiness check shares it, so /readyz and
// the watch never disagree about what they logged.
type dbWatch struct {
	ready func(ctx context.Context) error
	log   *slog.Logger
	every time.Duration
	// checked, when set, is called after each check with its outcome
	// (tests wait on it instead of on time).
	checked func(err error)

	mu        sync.Mutex
	down      bool
	downSince time.Time
}

func newDBWatch(ready func(ctx context.Context) error, log *slog.Logger, every time.Duration) *dbWatch {
	if every <= 0 {
		every = 5 * time.Second
	}
	return &dbWatch{ready: ready, log: log, every: every}
}

// Check asks the database now, records the outcome and returns it.
func (w *dbWatch) Check(ctx context.Context) error {
	// A check must not outlast the next one.
	cctx, cancel := context.WithTimeout(ctx, max(w.every, time.Second))
	err := w.ready(cctx)
	cancel()
	if ctx.Err() != nil {
		return err // stopping: the outcome says nothing about the database
	}
	w.mu.Lock()
	switch {
	case err != nil && !w.down:
		w.down, w.downSince = true, time.Now()
		w.log.Error("database unreachable", "err", err)
	case err == nil && w.down:
		w.down = false
		w.log.Info("database back", "after", time.Since(w.downSince).Round(time.Millisecond))
	}
	w.mu.Unlock()
	if w.checked != nil {
		w.checked(err)
	}
	return err
}

// Run checks every w.every until ctx ends.
func (w *dbWatch) Run(ctx context.Context) {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = w.Check(ctx) // Check logs what changed
		}
	}
}

// start runs the watch in the background; stop ends it and waits.
func (w *dbWatch) start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
