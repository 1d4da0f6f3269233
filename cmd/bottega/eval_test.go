package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestEvalCommand(t *testing.T) {
	dir := dataDir(t)
	env := map[string]string{"BOTTEGA_DATA_DIR": dir}
	sample := "../../assistant/eval/testdata/sample.yaml"
	steps := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"eval", "-half", "third"}, 2, "-half must be"},
		{[]string{"eval", "-ui", "xx"}, 2, "-ui"},
		{[]string{"eval", "-questions", "no-such-file.yaml"}, 2, "read the questions"},
		{[]string{"eval", "-questions", sample, "-half", "tuning", "-ui", "en"}, 0, "tuning en"},
		{[]string{"eval", "-questions", sample, "-ui", "", "-v"}, 0, "heldout own"},
	}
	for _, s := range steps {
		var out, errb bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		err := run(ctx, s.args, envFrom(env), strings.NewReader(""), &out, &errb)
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
		if s.code == 0 && strings.Contains(got, "heldout") == (s.args[4] == "tuning") {
			t.Errorf("%v: the halves reported are not those asked for:\n%s", s.args, got)
		}
	}
}
