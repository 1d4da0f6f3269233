package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/internal/logbuf"
)

// served is `bottega serve` running in the background for a test.
type served struct {
	t      *testing.T
	cancel context.CancelFunc
	done   chan error
	out    *logbuf.Buffer
	once   sync.Once
}

// serve runs `bottega serve` with env in the background until stop is
// called, or the test ends.
func serve(t *testing.T, env map[string]string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{t: t, cancel: cancel, done: make(chan error, 1), out: &logbuf.Buffer{}}
	go func() {
		s.done <- run(ctx, []string{"serve"}, envFrom(env), strings.NewReader(""), io.Discard, s.out)
	}()
	t.Cleanup(s.stop)
	return s
}

// stop shuts the bot down and waits for it (a minute at most): an error
// from serve fails the test, which then shows the log.
func (s *served) stop() {
	s.once.Do(func() {
		s.cancel()
		select {
		case err := <-s.done:
			if err != nil {
				s.t.Errorf("serve: %v", err)
			}
		case <-time.After(time.Minute):
			s.t.Error("serve did not stop")
		}
		if s.t.Failed() {
			s.t.Logf("log:\n%s", s.log())
		}
	})
}

// log is what the bot has logged so far.
func (s *served) log() string { return s.out.String() }
