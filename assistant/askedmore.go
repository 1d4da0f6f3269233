package assistant

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/lib/pq"

	"github.com/bottega-app/bottega/store"
)

// The questions steps list are indexed twice: as their step's keywords,
// which tell whether the lessons cover a question, and in the asked index,
// which ranks the steps. More of them as keywords match more questions of
// every kind, off-topic ones too; more of them in the asked index only
// find the step a question asks about more often. So the built-in lessons'
// steps have more questions, in every language of the lessons, that only
// the asked index reads: asked/<lang>.tsv, twenty-four for each step in
// Italian and in English. The Spanish, French, German and Polish ones say
// the first twelve Italian and the first twelve English ones of each step
// as learners who speak those languages would ask them: 24 for each step.
//
//go:embed asked
var askedFiles embed.FS

// stepLang is a step of a lesson, in a language.
type stepLang struct{ lesson, ref, lang string }

// moreAsked are the questions of the asked folder, parsed once: they ship
// with the binary and the tests check them.
var moreAsked = mustMoreAsked(askedFiles)

func mustMoreAsked(fsys fs.FS) map[stepLang][]string {
	more, err := readMoreAsked(fsys)
	if err != nil {
		panic(fmt.Errorf("more asked questions: %w", err))
	}
	return more
}

// readMoreAsked reads asked/<lang>.tsv: a question a line, after its
// lesson's id and its step's, separated by tabs; "#" starts a comment line.
func readMoreAsked(fsys fs.FS) (map[stepLang][]string, error) {
	names, err := fs.Glob(fsys, "asked/*.tsv")
	if err != nil {
		return nil, err
	}
	more := map[stepLang][]string{}
	for _, name := range names {
		lang := strings.TrimSuffix(path.Base(name), ".tsv")
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Split(line, "\t")
			if len(f) != 3 || f[0] == "" || f[1] == "" || strings.TrimSpace(f[2]) == "" {
				return nil, fmt.Errorf("%s:%d: want lesson, step and question separated by tabs", name, i+1)
			}
			k := stepLang{f[0], f[1], lang}
			more[k] = append(more[k], strings.TrimSpace(f[2]))
		}
	}
	return more, nil
}

// withMoreAsked returns steps with the questions of more added, once, to
// each step in each of its lesson's languages that more has questions for.
func withMoreAsked(steps []store.StepQuestions, more map[stepLang][]string) []store.StepQuestions {
	out := make([]store.StepQuestions, len(steps))
	done := map[stepLang]bool{}
	for i, s := range steps {
		out[i] = s
		k := stepLang{s.Lesson, s.Ref, s.Locale}
		if s.Other || done[k] || len(more[k]) == 0 {
			continue
		}
		done[k] = true
		out[i].Questions = append(append(pq.StringArray{}, s.Questions...), more[k]...)
	}
	return out
}
