package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalCommand(t *testing.T) {
	env := onTestServer(t, nil)
	sample := "../../assistant/eval/testdata/sample.yaml"
	dump := filepath.Join(t.TempDir(), "outcomes.jsonl")
	steps := []commandLine{
		{[]string{"eval", "-half", "third"}, 2, "-half must be"},
		{[]string{"eval", "-ui", "xx"}, 2, "-ui"},
		{[]string{"eval", "-misses", "some"}, 2, "-misses must be"},
		{[]string{"eval", "-questions", "no-such-file.yaml"}, 2, "read the questions"},
		{[]string{"eval", "-questions", sample, "-half", "tuning", "-ui", "en"}, 0, "tuning en"},
		{[]string{"eval", "-questions", sample, "-half", "heldout", "-ui", "", "-json", dump}, 0, "heldout own"},
		{[]string{"eval", "-questions", sample, "-ui", "", "-v"}, 0, "heldout own"},
	}
	for _, s := range steps {
		got, ok := runCommand(t, env, "", s)
		if !ok {
			continue
		}
		if s.code == 0 && strings.Contains(got, "heldout") == (s.args[4] == "tuning") {
			t.Errorf("%v: the halves reported are not those asked for:\n%s", s.args, got)
		}
	}
	// The held-out half's dump holds no outcome of the tuning half, not even
	// of a tuning question asked first because a held-out one follows it.
	b, err := os.ReadFile(dump)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, line := range lines {
		var o struct {
			Half     string
			Question struct{ ID string }
		}
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if o.Half != "heldout" {
			t.Errorf("the held-out half's dump holds %s of the %s half", o.Question.ID, o.Half)
		}
	}
	if len(lines) < 3 {
		t.Errorf("the dump holds %d outcomes, want the held-out half's three", len(lines))
	}
}
