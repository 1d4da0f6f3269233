package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

// TestUpdatesRuns runs a tiny `bottega-bench updates`: it measures nothing
// here, but must keep working, with presses that page through a lesson and
// a baseline that repeats their writes.
func TestUpdatesRuns(t *testing.T) {
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := run(ctx, []string{"updates", "-chats", "3", "-presses", "12", "-v"}, noEnv, &out, &errb)
	if err != nil {
		t.Fatalf("bench: %v\nstderr: %s", err, errb.String())
	}
	for _, want := range []string{"telegram + flows:", "telegram + writes:", "plain SQL:", "fsync off", "position", "updates/s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRetrievalRuns runs a tiny `bottega-bench retrieval`.
func TestRetrievalRuns(t *testing.T) {
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := run(ctx, []string{"retrieval", "-rounds", "1", "-passages", "200"}, noEnv, &out, &errb)
	if err != nil {
		t.Fatalf("bench: %v\nstderr: %s", err, errb.String())
	}
	for _, want := range []string{"retrieval built-in", "retrieval generated", "p95", "p95 by language (ms): de "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestBroadcastRuns runs a tiny `bottega-bench broadcast`, which fails on
// any 429, duplicate or miss.
func TestBroadcastRuns(t *testing.T) {
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := run(ctx, []string{"broadcast", "-learners", "40", "-rate", "200"}, noEnv, &out, &errb)
	if err != nil {
		t.Fatalf("bench: %v\nstdout: %s\nstderr: %s", err, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "duplicates: 0") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Benchmarks:"},
		{[]string{"--help"}, 0, "updates"},
		{[]string{"nope"}, 2, ""},
		{[]string{"updates", "--help"}, 0, "-chats"},
		{[]string{"updates", "-chats", "0"}, 2, ""},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		err := run(context.Background(), tt.args, noEnv, &out, &errb)
		if code := exitCode(err, &errb); code != tt.code {
			t.Errorf("%q: exit %d (%v), want %d", tt.args, code, err, tt.code)
		}
		if tt.code == 0 && err != nil && !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%q: %v", tt.args, err)
		}
		if !strings.Contains(out.String(), tt.want) {
			t.Errorf("%q: output lacks %q:\n%s", tt.args, tt.want, out.String())
		}
	}
}
