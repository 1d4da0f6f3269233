package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// Closing the bot stops the assistant's preparation and waits for it, and
// logs nothing: a console chat of one line ends before it is done.
func TestWarmInBackgroundStops(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	started := make(chan struct{})
	var ended error
	stop := warmInBackground(func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		ended = ctx.Err()
		return fmt.Errorf("lesson topics: %w", ctx.Err())
	}, log, time.Hour)
	<-started
	stop()
	if !errors.Is(ended, context.Canceled) {
		t.Errorf("the preparation ended with %v, want it cancelled by stop", ended)
	}
	if logs.String() != "" {
		t.Errorf("a stopped preparation logged:\n%s", logs.String())
	}
}

// The preparation runs again and again, so that a version published
// elsewhere is prepared before a question needs it; a failure is logged
// once until a run succeeds, not at every run.
func TestWarmInBackgroundRepeats(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	closed := errors.New("sql: database is closed")
	runs := []error{closed, closed, closed, nil, nil, closed, closed}
	n, reached := 0, make(chan struct{})
	stop := warmInBackground(func(ctx context.Context) error {
		// Runs one at a time: n needs no lock.
		if n == len(runs) {
			close(reached)
			<-ctx.Done()
			return ctx.Err()
		}
		n++
		return runs[n-1]
	}, log, time.Millisecond)
	select {
	case <-reached:
	case <-time.After(time.Minute):
		t.Fatalf("the preparation did not run %d times in a minute", len(runs))
	}
	stop()
	if got := strings.Count(logs.String(), "prepare the assistant"); got != 2 {
		t.Errorf("%d failures logged, want 2 (the first of each run of failures):\n%s", got, logs.String())
	}
}

// syncBuffer is a bytes.Buffer for one goroutine to write while another
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
