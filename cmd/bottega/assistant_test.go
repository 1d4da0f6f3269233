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
// logs nothing: a console chat of one line ends before it is done. A
// preparation that fails on its own is logged.
func TestWarmInBackground(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	started := make(chan struct{})
	var ended error
	stop := warmInBackground(func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		ended = ctx.Err()
		return fmt.Errorf("lesson topics: %w", ctx.Err())
	}, log)
	<-started
	stop()
	if !errors.Is(ended, context.Canceled) {
		t.Errorf("the preparation ended with %v, want it cancelled by stop", ended)
	}
	if logs.String() != "" {
		t.Errorf("a stopped preparation logged:\n%s", logs.String())
	}
	failed := make(chan struct{})
	stop = warmInBackground(func(context.Context) error {
		defer close(failed)
		return errors.New("sql: database is closed")
	}, log)
	<-failed
	// Closed before it is logged, it may not be: let it finish first.
	for i := 0; i < 500 && !strings.Contains(logs.String(), "prepare the assistant"); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if !strings.Contains(logs.String(), "prepare the assistant") {
		t.Errorf("a failed preparation logged %q", logs.String())
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
