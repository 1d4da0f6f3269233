package main

import (
	"path/filepath"
	"testing"
)

func TestBroadcastAndStatsCommands(t *testing.T) {
	dir := dataDir(t)
	// A shopkeeper who gives consent at the end of the onboarding:
	// audiences hold only learners who gave it.
	if _, stderr, err := chatOnce(t, dir, "/start\n1\n1\n1\n4\n1\n"); err != nil {
		t.Fatalf("chat: %v\n%s", err, stderr)
	}
	env := map[string]string{"BOTTEGA_DATA_DIR": dir}
	steps := []commandLine{
		{[]string{"broadcast"}, 2, "needs -lesson"},
		{[]string{"broadcast", "-text", "x", "-rate", "5000"}, 2, "-rate"},
		{[]string{"broadcast", "-text", "x", "-role", "astronaut"}, 2, "unknown role"},
		{[]string{"broadcast", "-lesson", "no-such-lesson"}, 2, "no lesson"},
		{[]string{"broadcast", "-platform", "console", "-lesson", "reviews", "-dry-run"}, 0, "Audience: 1 learner on console"},
		{[]string{"broadcast", "-platform", "console", "-text", "Ciao!", "-role", "guide", "-dry-run"}, 0, "Audience: 0"},
		{[]string{"broadcast", "-platform", "console", "-lesson", "reviews", "-dry-run", "-rate", "500"}, 0, "needs TELEGRAM_RATE=500"},
		{[]string{"broadcast", "-platform", "console", "-text", "Ciao!"}, 0, "Nothing sent"},
		{[]string{"broadcast", "-platform", "console", "-text", "Ciao!", "-yes", "-detach"}, 0, "Broadcast 1 started: 1 deliveries"},
		// No bot runs on the data folder: the broadcast waits for it, and
		// the command says so rather than watching nothing move.
		{[]string{"broadcast", "-watch", "1"}, 0, "No bot is running on"},
		{[]string{"broadcast", "-pause", "1"}, 0, "Broadcast 1 is paused"},
		{[]string{"broadcast", "-pause", "1"}, 2, "is paused"},
		{[]string{"broadcast", "-cancel", "1"}, 0, "Broadcast 1 is cancelled"},
		{[]string{"broadcast", "-watch", "1"}, 0, "cancelled 1"},
		{[]string{"stats"}, 0, "Learners"},
		// Nobody opened a lesson yet: no chart, and nothing wrong.
		{[]string{"stats", "-chart", filepath.Join(dir, "funnel.png")}, 0, "No funnel chart: no lesson was started yet"},
	}
	for _, s := range steps {
		runCommand(t, env, "n\n", s)
	}
}
