package content

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Thresholds of the warnings, see FORMAT.md.
const (
	minScenarios = 3
	// reviewMonths is how long a lesson's facts are trusted without a
	// new check: platforms rename menus and laws change within a year.
	reviewMonths = 6
	// maxTrueFalseRatio is how far a track's true and false answers may
	// drift apart before learners can guess "false" and be right.
	maxTrueFalseRatio = 2
	// minTrueFalse is how many truefalse questions a track needs before
	// their balance says anything.
	minTrueFalse = 3
)

// Warnings returns what in c is allowed but weakens the lessons: quizzes that
// can be passed without reading (the right answer is the longest option
// more often than not, a track's truefalse answers lean one way, too few
// scenarios), facts without sources and facts not checked for reviewMonths
// before today. Unlike
// problems, warnings do not stop a publish. Each message starts with
// "warning: ", so that Problem.String reads "file:line: warning: ...".
func Warnings(c *Curriculum, today time.Time) []Problem {
	var ws []Problem
	warn := func(file string, pos positions, p, format string, args ...any) {
		ws = append(ws, Problem{File: file, Line: pos.line(p), Msg: "warning: " + fmt.Sprintf(format, args...)})
	}
	stale := today.AddDate(0, -reviewMonths, 0).Format(time.DateOnly)
	for _, t := range c.Tracks {
		trues, falses := 0, 0
		for _, l := range t.Lessons {
			file := cmp.Or(l.File, "lesson "+l.ID)
			switch {
			case l.Reviewed == "":
				warn(file, l.pos, "id", "reviewed is missing: add the day the facts were last checked against the sources (reviewed: YYYY-MM-DD)")
			case l.Reviewed < stale: // YYYY-MM-DD sorts as it reads
				msg := fmt.Sprintf("reviewed %s, more than %d months ago: check the facts against the sources again", l.Reviewed, reviewMonths)
				if len(l.Recheck) > 0 {
					msg += ", first these, which age fast: " + strings.Join(l.Recheck, "; ")
				}
				warn(file, l.pos, "reviewed", "%s", msg)
			}
			if len(l.Sources) == 0 {
				warn(file, l.pos, "id", "sources is missing: list where the lesson's claims come from (laws by number, help pages by title)")
			}
			choices, longest, scenarios := 0, 0, 0
			for _, q := range l.Quiz {
				switch q.Kind {
				case TrueFalse:
					if q.Correct == 0 {
						trues++
					} else {
						falses++
					}
				case Scenario:
					scenarios++
				}
				if q.HasOptions() && len(q.Options) > 1 {
					choices++
					if rightIsLongest(q, l.Locales) {
						longest++
					}
				}
			}
			if choices > 0 && longest*2 > choices {
				warn(file, l.pos, "quiz", "the right answer is the longest option in %d of %d choice and scenario questions: learners learn to pick the longest; make wrong options as long", longest, choices)
			}
			if scenarios < minScenarios {
				warn(file, l.pos, "quiz", "%d scenario questions, want at least %d: a situation to answer (kind: scenario) tests understanding, not recall", scenarios, minScenarios)
			}
		}
		if trues+falses >= minTrueFalse && (trues > maxTrueFalseRatio*falses || falses > maxTrueFalseRatio*trues) {
			// Named as the lessons are, relative to the curriculum, even
			// when Dir is the folder's absolute path (see LoadDir).
			file := "track " + t.ID
			if len(t.Lessons) > 0 && t.Lessons[0].File != "" {
				file = path.Join(path.Dir(t.Lessons[0].File), "track.yaml")
			}
			warn(file, t.pos, "id", "truefalse answers are %d true and %d false in this track, more than %d to 1: learners can guess; turn some statements around", trues, falses, maxTrueFalseRatio)
		}
	}
	return ws
}

// rightIsLongest reports whether q's right option is longer than every
// other, in the lesson's first locale (Italian when it has it), which is
// the one its authors write first.
func rightIsLongest(q Question, locales []string) bool {
	lang := "it"
	if len(locales) > 0 && !slices.Contains(locales, "it") {
		lang = locales[0]
	}
	if q.Correct < 0 || q.Correct >= len(q.Options) {
		return false
	}
	right := utf8.RuneCountInString(q.Options[q.Correct].Get(lang))
	for i, o := range q.Options {
		if i != q.Correct && utf8.RuneCountInString(o.Get(lang)) >= right {
			return false
		}
	}
	return true
}
