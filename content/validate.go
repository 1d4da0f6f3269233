package content

import (
	"cmp"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Telegram limits that the curriculum must respect.
const (
	// MaxCallbackData is the most bytes Telegram accepts as a button's callback_data.
	MaxCallbackData = 64

	// MaxOptionBytes is the most bytes of a quiz option, in any locale. A button carries
	// a compact payload (see ButtonData), not its label, so the label is free of the
	// 64-byte callback_data limit; but it must still fit a phone-wide button without
	// being cut, and 60 bytes is roughly what fits. Bytes, not characters, so a label
	// that fits in Italian with its accents (two bytes each) also fits as callback data
	// should a transport ever need to echo it.
	MaxOptionBytes = 60
)

// Limits of the format, see FORMAT.md.
const (
	maxIDBytes       = 24
	minSteps         = 4
	maxSteps         = 8
	maxStepRunes     = 1000 // text, task and tip together
	minQuestions     = 4
	minOptions       = 2
	maxOptions       = 4
	maxQuestionRunes = 300
	maxExplainRunes  = 400
	maxTitleRunes    = 120
	maxSummaryRunes  = 200
	maxLearnerRunes  = 200 // a question in the lesson's questions list
)

// buttonVersion starts every button payload, so that buttons sent before a change of
// payload layout can still be recognised after it.
const buttonVersion = "v1"

// ButtonData encodes parts as a button payload: "v1|" followed by the parts separated by
// "|". Lessons use "v1|s|<lesson>|<step>" for steps and "v1|q|<lesson>|<question>|<n>"
// for quiz answers; the validator checks that every one fits in MaxCallbackData bytes.
func ButtonData(parts ...string) string {
	return buttonVersion + "|" + strings.Join(parts, "|")
}

// ParseButtonData returns the parts of a payload made by ButtonData, or false if data is
// not one (another version, or not from this package).
func ParseButtonData(data string) ([]string, bool) {
	rest, ok := strings.CutPrefix(data, buttonVersion+"|")
	if !ok {
		return nil, false
	}
	return strings.Split(rest, "|"), true
}

func knownLocale(s string) bool {
	switch s {
	case "it", "en", "es", "fr", "de", "pl":
		return true
	}
	return false
}

func knownRole(s string) bool {
	switch s {
	case "shopkeeper", "artisan", "guide", "municipal":
		return true
	}
	return false
}

func knownLevel(s string) bool { return s == "base" || s == "intermediate" }

// isSlug reports whether id is a stable id: a-z, 0-9 and "-", 1 to 24 bytes.
func isSlug(id string) bool {
	if id == "" || len(id) > maxIDBytes {
		return false
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// Validate checks the curriculum against the rules of FORMAT.md and returns its problems.
// Load runs it; call it again on a curriculum that did not come from files (read back
// from JSON, say), whose problems then name the lesson instead of a file and line.
func Validate(c *Curriculum) []Problem {
	v := &validator{trackIDs: map[string]string{}, lessonIDs: map[string]string{}, trackOrders: map[int]string{}}
	for _, t := range c.Tracks {
		v.track(t)
	}
	drillIDs := map[string]string{}
	for _, t := range c.Tracks {
		orders := map[int]string{}
		for _, d := range t.Drills {
			f := v.drill(c, d, drillIDs)
			if prev, dup := orders[d.Order]; dup {
				f.addf("order", "order %d is also used by %s", d.Order, prev)
			} else {
				orders[d.Order] = f.where("order")
			}
		}
	}
	return v.problems
}

type validator struct {
	problems    []Problem
	trackIDs    map[string]string // where each id was first seen
	lessonIDs   map[string]string
	trackOrders map[int]string // the track that has each order
}

// file reports the problems of one file.
type file struct {
	v      *validator
	name   string
	pos    positions
	lesson bool     // texts must be in exactly the lesson's locales
	need   []string // locales every text must have
	// unknown are locales the lesson declares that the bot has no texts
	// for: reported once, at the list, not at every text.
	unknown []string
}

func (f file) addf(path, format string, args ...any) {
	f.v.problems = append(f.v.problems, Problem{File: f.name, Line: f.pos.line(path), Msg: fmt.Sprintf(format, args...)})
}

// where returns "file:line" of path, for problems that point at two places.
func (f file) where(path string) string {
	if n := f.pos.line(path); n > 0 {
		return fmt.Sprintf("%s:%d", f.name, n)
	}
	return f.name
}

// id checks an id; prefix names its owner in messages ("step why: ").
func (f file) id(path, prefix, id string) {
	switch {
	case id == "":
		f.addf(path, "%sid is missing", prefix)
	case !isSlug(id):
		f.addf(path, "%sid %q is not a slug: use a-z, 0-9 and -, at most %d bytes", prefix, id, maxIDBytes)
	}
}

// text checks a text: it must be in every needed locale and in no other, and at most
// maxRunes characters (0: no limit). An optional text may be left out altogether.
func (f file) text(path, what string, t Text, required bool, maxRunes int) {
	if len(t) == 0 {
		if required {
			f.addf(path, "%s is missing", what)
		}
		return
	}
	for _, lang := range f.need {
		if !t.Has(lang) {
			f.addf(path, "%s: missing locale %s", what, lang)
		}
	}
	for _, lang := range sortedKeys(t) {
		p := join(path, lang)
		if !f.allowed(p, what, lang) {
			continue
		}
		if n := utf8.RuneCountInString(t[lang]); maxRunes > 0 && n > maxRunes {
			f.addf(p, "%s: %d characters in %s, max %d", what, n, lang, maxRunes)
		}
	}
}

// allowed reports whether a text may be in lang, reporting it if not.
func (f file) allowed(path, what, lang string) bool {
	switch {
	case f.lesson && len(f.need) == 0:
		// Missing locales is reported once, not for every text.
	case f.lesson && slices.Contains(f.unknown, lang):
		return false
	case f.lesson && !slices.Contains(f.need, lang):
		f.addf(path, "%s: locale %s is not in the lesson's locales", what, lang)
		return false
	case !f.lesson && !knownLocale(lang):
		f.addf(path, "%s: unknown locale %s: want it, en, es, fr, de or pl", what, lang)
		return false
	}
	return true
}

func (f file) roles(roles []string) {
	for i, r := range roles {
		if !knownRole(r) {
			f.addf(fmt.Sprintf("roles.%d", i), "unknown role %q: want shopkeeper, artisan, guide or municipal", r)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (v *validator) track(t *Track) {
	name := "track " + t.ID
	if t.Dir != "" {
		name = path.Join(t.Dir, "track.yaml")
	}
	// Track texts are shown next to the lessons, so they need every locale the
	// lessons are written in, and at least Italian.
	need := []string{"it"}
	for _, l := range t.Lessons {
		for _, lang := range l.Locales {
			if knownLocale(lang) && !slices.Contains(need, lang) {
				need = append(need, lang)
			}
		}
	}
	f := file{v: v, name: name, pos: t.pos, need: need}

	f.id("id", "", t.ID)
	if prev, dup := v.trackIDs[t.ID]; dup && t.ID != "" {
		f.addf("id", "track id %s is also used by %s", t.ID, prev)
	} else {
		v.trackIDs[t.ID] = f.where("id")
	}
	if prev, dup := v.trackOrders[t.Order]; dup {
		f.addf("order", "order %d is also used by %s", t.Order, prev)
	} else {
		v.trackOrders[t.Order] = f.where("order")
	}
	f.roles(t.Roles)
	f.text("title", "title", t.Title, true, maxTitleRunes)
	f.text("summary", "summary", t.Summary, true, maxSummaryRunes)
	if len(t.Lessons) == 0 && t.unread == 0 {
		f.addf("", "track has no lessons")
	}

	orders := map[int]string{}
	for _, l := range t.Lessons {
		lf := v.lesson(l)
		if prev, dup := orders[l.Order]; dup {
			lf.addf("order", "order %d is also used by %s", l.Order, prev)
		} else {
			orders[l.Order] = lf.where("order")
		}
	}
}

func (v *validator) lesson(l *Lesson) file {
	// A locale the bot has no texts for is reported once, below, not
	// again as missing from every text of the lesson.
	need := slices.DeleteFunc(slices.Clone(l.Locales), func(lang string) bool { return !knownLocale(lang) })
	unknown := slices.DeleteFunc(slices.Clone(l.Locales), knownLocale)
	f := file{v: v, name: cmp.Or(l.File, "lesson "+l.ID), pos: l.pos, lesson: true, need: need, unknown: unknown}

	f.id("id", "", l.ID)
	if prev, dup := v.lessonIDs[l.ID]; dup && l.ID != "" {
		f.addf("id", "lesson id %s is also used by %s", l.ID, prev)
	} else {
		v.lessonIDs[l.ID] = f.where("id")
	}
	switch {
	case l.Level == "":
		f.addf("level", "level is missing: want base or intermediate")
	case !knownLevel(l.Level):
		f.addf("level", "level %q: want base or intermediate", l.Level)
	}
	f.roles(l.Roles)
	if len(l.Locales) == 0 {
		f.addf("locales", "locales is missing: declare at least one of it, en, es, fr, de, pl")
	}
	for i, lang := range l.Locales {
		switch {
		case !knownLocale(lang):
			f.addf(fmt.Sprintf("locales.%d", i), "unknown locale %s: want it, en, es, fr, de or pl", lang)
		case slices.Index(l.Locales, lang) < i:
			f.addf(fmt.Sprintf("locales.%d", i), "locale %s listed twice", lang)
		}
	}
	f.text("title", "title", l.Title, true, maxTitleRunes)
	f.text("summary", "summary", l.Summary, true, maxSummaryRunes)
	for _, lang := range f.need {
		if len(l.Keywords[lang]) == 0 {
			f.addf("keywords", "keywords: missing locale %s", lang)
		}
	}
	for _, lang := range sortedKeys(l.Keywords) {
		f.allowed(join("keywords", lang), "keywords", lang)
	}
	f.questions(l)
	f.video(l.Video)
	f.steps(l)
	f.quiz(l)
	return f
}

// questions checks the questions a lesson and its steps answer, in the learners'
// words: short as a chat message, each asked once in the lesson; the lesson's in
// its locales, a step's in those or in any other language the bot speaks
// (learners ask in their own).
func (f file) questions(l *Lesson) {
	type at struct {
		what string
		n    int
	}
	seen := map[string]at{}
	check := func(path, what string, qs map[string][]string, anyLocale bool) {
		in := f
		// A step's questions may be in any language the bot speaks, as
		// the texts of a file that is not a lesson.
		in.lesson = !anyLocale
		for _, lang := range sortedKeys(qs) {
			p := join(path, lang)
			if !in.allowed(p, what, lang) {
				continue
			}
			for i, q := range qs[lang] {
				qp := fmt.Sprintf("%s.%d", p, i)
				if n := utf8.RuneCountInString(q); n > maxLearnerRunes {
					f.addf(qp, "%s %s #%d: %d characters, max %d", what, lang, i+1, n, maxLearnerRunes)
				}
				key := lang + " " + strings.ToLower(strings.Join(strings.Fields(q), " "))
				if j, dup := seen[key]; dup {
					same := fmt.Sprintf("#%d", j.n)
					if j.what != what {
						same = j.what + " " + same
					}
					f.addf(qp, "%s %s #%d: the same as %s", what, lang, i+1, same)
					continue
				}
				seen[key] = at{what, i + 1}
			}
		}
	}
	check("questions", "questions", l.Questions, false)
	for i, s := range l.Steps {
		check(fmt.Sprintf("steps.%d.questions", i), label("step", s.ID, i)+" questions", s.Questions, true)
	}
}

func (f file) video(v *Video) {
	if v == nil {
		return
	}
	switch {
	case v.URL == "" && v.File == "":
		f.addf("video", "video: want a url or a file")
	case v.URL != "" && v.File != "":
		f.addf("video", "video: want a url or a file, not both")
	}
	if v.Duration <= 0 && f.pos["video.duration"] == 0 { // a duration that could not be read is already reported
		f.addf("video", "video: duration is missing")
	}
	ids := map[string]bool{}
	var prev time.Duration
	for i, ch := range v.Chapters {
		p := fmt.Sprintf("video.chapters.%d", i)
		what := label("chapter", ch.ID, i)
		f.id(p+".id", what+": ", ch.ID)
		if ids[ch.ID] {
			f.addf(p+".id", "%s: chapter id repeated", what)
		}
		ids[ch.ID] = true
		switch {
		case i > 0 && ch.Start <= prev:
			f.addf(p+".start", "%s: starts at %s, not after the chapter before (%s)", what, formatClock(ch.Start), formatClock(prev))
		case v.Duration > 0 && ch.Start > v.Duration:
			f.addf(p+".start", "%s: starts at %s, after the video ends (%s)", what, formatClock(ch.Start), formatClock(v.Duration))
		}
		prev = ch.Start
		f.text(p+".title", what+" title", ch.Title, true, maxTitleRunes)
	}
}

func (f file) steps(l *Lesson) {
	if n := len(l.Steps); n < minSteps || n > maxSteps {
		f.addf("steps", "want %d to %d steps, got %d", minSteps, maxSteps, n)
	}
	ids := map[string]bool{}
	for i, s := range l.Steps {
		p := fmt.Sprintf("steps.%d", i)
		what := label("step", s.ID, i)
		f.id(p+".id", what+": ", s.ID)
		if ids[s.ID] {
			f.addf(p+".id", "%s: step id repeated", what)
		}
		ids[s.ID] = true
		f.text(p+".text", what+" text", s.Text, true, 0)
		f.text(p+".task", what+" task", s.Task, false, 0)
		f.text(p+".tip", what+" tip", s.Tip, false, 0)

		langs := map[string]int{}
		for _, t := range []Text{s.Text, s.Task, s.Tip} {
			for lang, text := range t {
				langs[lang] += utf8.RuneCountInString(text)
			}
		}
		for _, lang := range sortedKeys(langs) {
			if n := langs[lang]; n > maxStepRunes {
				f.addf(p+".text."+lang, "%s: text, task and tip are %d characters in %s, max %d", what, n, lang, maxStepRunes)
			}
		}

		if s.Chapter != "" {
			switch {
			case l.Video == nil:
				f.addf(p+".chapter", "%s: chapter %s, but the lesson has no video", what, s.Chapter)
			case l.ChapterOf(s) == nil:
				f.addf(p+".chapter", "%s: chapter %s is not a chapter of the video", what, s.Chapter)
			}
		}
		for _, lang := range sortedKeys(s.Document) {
			f.allowed(join(p+".document", lang), what+" document", lang)
		}
		f.button(p+".id", what, ButtonData("s", l.ID, s.ID))
	}
}

func (f file) quiz(l *Lesson) {
	switch n := len(l.Quiz); {
	case n == 0:
		f.addf("quiz", "quiz is missing: want at least %d questions", minQuestions)
	case n < minQuestions:
		f.addf("quiz", "quiz: want at least %d questions, got %d", minQuestions, n)
	}
	ids := map[string]bool{}
	for i, q := range l.Quiz {
		p := fmt.Sprintf("quiz.%d", i)
		what := label("question", q.ID, i)
		f.id(p+".id", what+": ", q.ID)
		if ids[q.ID] {
			f.addf(p+".id", "%s: question id repeated", what)
		}
		ids[q.ID] = true
		f.text(p+".question", what+" question", q.Question, true, maxQuestionRunes)
		f.text(p+".explain", what+" explain", q.Explain, true, maxExplainRunes)

		switch q.Kind {
		case Choice, Scenario:
			n := len(q.Options)
			if n < minOptions || n > maxOptions {
				f.addf(p+".options", "%s: want %d to %d options, got %d", what, minOptions, maxOptions, n)
			}
			if n > 0 && (q.Correct < 0 || q.Correct >= n) {
				f.addf(p+".correct", "%s: correct is %d, want the number of an option, 1 to %d", what, q.Correct+1, n)
			}
			for _, k := range slices.Sorted(maps.Keys(q.Wrong)) {
				wp := fmt.Sprintf("%s.wrong.%d", p, k)
				switch {
				case k < 0 || k >= n:
					f.addf(wp, "%s wrong: option %d does not exist, want 1 to %d", what, k+1, n)
				case k == q.Correct:
					f.addf(wp, "%s wrong: option %d is the right answer: its explanation is explain", what, k+1)
				}
				f.text(wp, fmt.Sprintf("%s wrong %d", what, k+1), q.Wrong[k], true, maxExplainRunes)
			}
		case TrueFalse:
			if len(q.Options) > 0 {
				f.addf(p+".options", "%s: a truefalse question has no options", what)
			}
			if q.Correct != 0 && q.Correct != 1 {
				f.addf(p, "%s: correct is %d, want 0 (true) or 1 (false)", what, q.Correct)
			}
			if len(q.Wrong) > 0 {
				f.addf(p+".wrong", "%s: a truefalse question has one wrong answer, explained by explain: wrong is for choice and scenario questions", what)
			}
		case "":
			f.addf(p, "%s: kind is missing: want choice, scenario or truefalse", what)
		default:
			f.addf(p+".kind", "%s: kind %q: want choice, scenario or truefalse", what, q.Kind)
		}
		for j, o := range q.Options {
			op := fmt.Sprintf("%s.options.%d", p, j)
			ow := fmt.Sprintf("%s option %d", what, j+1)
			f.text(op, ow, o, true, 0)
			for _, lang := range sortedKeys(o) {
				if n := len(o[lang]); n > MaxOptionBytes {
					f.addf(join(op, lang), "%s: %d bytes in %s, max %d to fit a button", ow, n, lang, MaxOptionBytes)
				}
			}
		}
		f.button(p+".id", what, ButtonData("q", l.ID, q.ID, strconv.Itoa(q.OptionCount())))
	}
}

// button checks that a button payload fits Telegram's callback_data.
func (f file) button(path, what, data string) {
	if len(data) > MaxCallbackData {
		f.addf(path, "%s: button data %q is %d bytes, max %d: shorten the ids", what, data, len(data), MaxCallbackData)
	}
}
