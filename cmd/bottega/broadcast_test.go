package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestBroadcastAndStatsCommands(t *testing.T) {
	dir := dataDir(t)
	if _, stderr, err := chatOnce(t, dir, "/start\n"); err != nil {
		t.Fatalf("chat: %v\n%s", err, stderr)
	}
	env := map[string]string{"BOTTEGA_DATA_DIR": dir}
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"broadcast"}, 2, "needs -lesson"},
		{[]string{"broadcast", "-text", "x", "-rate", "5000"}, 2, "-rate"},
		{[]string{"broadcast", "-text", "x", "-role", "astronaut"}, 2, "unknown role"},
		{[]string{"broadcast", "-lesson", "no-such-lesson"}, 2, "no lesson"},
		{[]string{"broadcast", "-platform", "console", "-lesson", "reviews", "-dry-run"}, 0, "Audience: 1 learners on console"},
		{[]string{"broadcast", "-platform", "console", "-text", "Ciao!", "-role", "guide", "-dry-run"}, 0, "Audience: 0"},
		{[]string{"broadcast", "-platform", "console", "-lesson", "reviews", "-dry-run", "-rate", "500"}, 0, "needs TELEGRAM_RATE=500"},
		{[]string{"broadcast", "-platform", "console", "-text", "Ciao!"}, 0, "Nothing sent"},
		{[]string{"broadcast", "-platform", "console", "-text", "Ciao!", "-yes", "-detach"}, 0, "Broadcast 1 started: 1 deliveries"},
		{[]string{"broadcast", "-pause", "1"}, 0, "Broadcast 1 is paused"},
		{[]string{"broadcast", "-pause", "1"}, 2, "is paused"},
		{[]string{"broadcast", "-cancel", "1"}, 0, "Broadcast 1 is cancelled"},
		{[]string{"broadcast", "-watch", "1"}, 0, "cancelled 1"},
		{[]string{"stats"}, 0, "Learners"},
	}
	for _, s := range steps {
		var out, errb bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		err := run(ctx, s.args, envFrom(env), strings.NewReader("n\n"), &out, &errb)
		cancel()
		if code := exitCode(err, io.Discard); code != s.code {
			t.Errorf("%v: exit %d (%v), want %d\n%s%s", s.args, code, err, s.code, out.String(), errb.String())
			continue
		}
		got := out.String()
		if err != nil {
			got += err.Error()
		}
		if !strings.Contains(got, s.want) {
			t.Errorf("%v: output lacks %q:\n%s", s.args, s.want, got)
		}
	}
}
