package main

import (
	"strings"
	"testing"
)

func TestEvalCommand(t *testing.T) {
	dir := dataDir(t)
	env := map[string]string{"BOTTEGA_DATA_DIR": dir}
	sample := "../../assistant/eval/testdata/sample.yaml"
	steps := []commandLine{
		{[]string{"eval", "-half", "third"}, 2, "-half must be"},
		{[]string{"eval", "-ui", "xx"}, 2, "-ui"},
		{[]string{"eval", "-misses", "some"}, 2, "-misses must be"},
		{[]string{"eval", "-questions", "no-such-file.yaml"}, 2, "read the questions"},
		{[]string{"eval", "-questions", sample, "-half", "tuning", "-ui", "en"}, 0, "tuning en"},
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
}
