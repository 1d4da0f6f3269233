package content

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// Limits of the drill format, see FORMAT.md.
const (
	maxDrillTasks   = 8
	minDrillLimit   = 30 * time.Second
	maxDrillLimit   = 30 * time.Minute
	maxEventRunes   = 1000
	maxPromptRunes  = 600
	maxModelRunes   = 2500
	minElements     = 2
	maxPoints       = 10
	maxDrillMinutes = 90
)

// MatchPattern compiles a rubric pattern as the scorer uses it: without regard to case.
func MatchPattern(p string) (*regexp.Regexp, error) { return regexp.Compile("(?i)" + p) }

func (v *validator) drill(c *Curriculum, d *Drill, ids map[string]string) file {
	f := file{v: v, name: cmp.Or(d.File, "drill "+d.ID), pos: d.pos, lesson: true, need: d.Locales}
	f.id("id", "", d.ID)
	if prev, dup := ids[d.ID]; dup && d.ID != "" {
		f.addf("id", "drill id %s is also used by %s", d.ID, prev)
	} else {
		ids[d.ID] = f.where("id")
	}
	if len(d.Locales) == 0 {
		f.addf("locales", "locales is missing: declare at least one of it, en, es, fr, de, pl")
	}
	for i, lang := range d.Locales {
		switch {
		case !knownLocale(lang):
			f.addf(fmt.Sprintf("locales.%d", i), "unknown locale %s: want it, en, es, fr, de or pl", lang)
		case slices.Index(d.Locales, lang) < i:
			f.addf(fmt.Sprintf("locales.%d", i), "locale %s listed twice", lang)
		}
	}
	if d.Minutes < 1 || d.Minutes > maxDrillMinutes {
		f.addf("minutes", "minutes is %d: want 1 to %d, about how long the drill takes", d.Minutes, maxDrillMinutes)
	}
	f.text("title", "title", d.Title, true, maxTitleRunes)
	f.text("summary", "summary", d.Summary, true, maxSummaryRunes)
	f.text("scenario", "scenario", d.Scenario, true, maxEventRunes)
	f.button("id", "drill", ButtonData("D", "go", d.ID))
	if n := len(d.Tasks); n == 0 || n > maxDrillTasks {
		f.addf("tasks", "want 1 to %d tasks, got %d", maxDrillTasks, n)
	}
	taskAt := map[string]int{}
	for i, t := range d.Tasks {
		if _, dup := taskAt[t.ID]; !dup {
			taskAt[t.ID] = i
		}
	}
	for i := range d.Tasks {
		f.drillTask(c, d, i, taskAt)
	}
	return f
}

func (f file) drillTask(c *Curriculum, d *Drill, i int, taskAt map[string]int) {
	t := &d.Tasks[i]
	p := fmt.Sprintf("tasks.%d", i)
	what := label("task", t.ID, i)
	f.id(p+".id", what+": ", t.ID)
	if taskAt[t.ID] != i {
		f.addf(p+".id", "%s: task id repeated", what)
	}
	switch t.Kind {
	case TaskPost, TaskReply, TaskCorrection:
	case "":
		f.addf(p, "%s: kind is missing: want post, reply or correction", what)
	default:
		f.addf(p+".kind", "%s: kind %q: want post, reply or correction", what, t.Kind)
	}
	_, hi, ok := ChannelLength(t.Channel)
	switch {
	case t.Channel == "":
		f.addf(p, "%s: channel is missing: want facebook, instagram, x, whatsapp, telegram, website, chat or message", what)
	case !ok:
		f.addf(p+".channel", "%s: channel %q: want facebook, instagram, x, whatsapp, telegram, website, chat or message", what, t.Channel)
	}
	if t.Limit < minDrillLimit || t.Limit > maxDrillLimit {
		f.addf(cmp.Or(pathIf(f, p+".limit"), p), "%s: limit is %s: want the time to answer, %s to %s", what, formatClock(t.Limit), formatClock(minDrillLimit), formatClock(maxDrillLimit))
	}
	if len(t.Events) == 0 {
		f.addf(p, "%s: events are missing: at least the one at 0:00 that opens the task", what)
	}
	for j, e := range t.Events {
		ep := fmt.Sprintf("%s.events.%d", p, j)
		ew := fmt.Sprintf("%s event %d", what, j+1)
		switch {
		case j == 0 && e.At != 0:
			f.addf(ep, "%s: the first event opens the task: want at 0:00, got %s", ew, formatClock(e.At))
		case j > 0 && e.At <= t.Events[j-1].At:
			f.addf(ep, "%s: arrives at %s, not after the event before (%s)", ew, formatClock(e.At), formatClock(t.Events[j-1].At))
		case t.Limit > 0 && e.At >= t.Limit:
			f.addf(ep, "%s: arrives at %s, when the time to answer (%s) is over", ew, formatClock(e.At), formatClock(t.Limit))
		}
		f.text(ep+".text", ew+" text", e.Text, true, maxEventRunes)
	}
	f.text(p+".prompt", what+" prompt", t.Prompt, true, maxPromptRunes)
	f.text(p+".model", what+" model", t.Model, true, maxModelRunes)

	r := t.Rubric
	if r.MinChars < 0 || r.MaxChars < 0 || r.MaxChars > 0 && r.MinChars >= r.MaxChars {
		f.addf(p+".rubric", "%s rubric: min_chars %d and max_chars %d: want 0 <= min_chars < max_chars", what, r.MinChars, r.MaxChars)
	} else if ok && r.MaxChars == 0 && r.MinChars >= hi {
		f.addf(p+".rubric.min_chars", "%s rubric: min_chars %d is not below the %s limit of %d", what, r.MinChars, t.Channel, hi)
	}
	if len(r.Elements) < minElements {
		f.addf(p+".rubric", "%s rubric: want at least %d elements, got %d", what, minElements, len(r.Elements))
	}
	elems := map[string]bool{}
	f.elements(p+".rubric.elements", what+" element", r.Elements, elems, true)
	f.elements(p+".rubric.forbidden", what+" forbidden", r.Forbidden, map[string]bool{}, false)

	for j, rv := range t.Review {
		rp := fmt.Sprintf("%s.review.%d", p, j)
		rw := fmt.Sprintf("%s review %d", what, j+1)
		l := c.Lesson(rv.Lesson)
		switch {
		case rv.Lesson == "":
			f.addf(rp, "%s: lesson is missing", rw)
		case l == nil:
			f.addf(rp+".lesson", "%s: lesson %s does not exist", rw, rv.Lesson)
		case rv.Step == "":
			f.addf(rp, "%s: step is missing: the step of lesson %s to go back to", rw, rv.Lesson)
		case l.StepIndex(rv.Step) < 0:
			f.addf(rp+".step", "%s: lesson %s has no step %s", rw, rv.Lesson, rv.Step)
		}
		for k, q := range rv.Questions {
			if l != nil && !slices.ContainsFunc(l.Quiz, func(x Question) bool { return x.ID == q }) {
				f.addf(fmt.Sprintf("%s.questions.%d", rp, k), "%s: lesson %s has no quiz question %s", rw, rv.Lesson, q)
			}
		}
		if rv.Element != "" && !elems[rv.Element] {
			f.addf(rp+".element", "%s: element %s is not an element of the rubric", rw, rv.Element)
		}
	}
	for j, b := range t.Branches {
		bp := fmt.Sprintf("%s.branches.%d", p, j)
		bw := fmt.Sprintf("%s branch %d", what, j+1)
		switch {
		case b.Missing == "" && b.Found == "":
			f.addf(bp, "%s: want missing or found: the element whose absence or presence leads here", bw)
		case b.Missing != "" && b.Found != "":
			f.addf(bp, "%s: want missing or found, not both", bw)
		case !elems[b.Missing+b.Found]:
			f.addf(bp, "%s: element %s is not an element of the rubric", bw, b.Missing+b.Found)
		}
		f.text(bp+".text", bw+" text", b.Text, true, maxEventRunes)
		if b.Then != "" {
			k, ok := taskAt[b.Then]
			switch {
			case !ok:
				f.addf(bp+".then", "%s: then names task %s, which does not exist", bw, b.Then)
			case k <= i:
				f.addf(bp+".then", "%s: then names task %s, which is not after this one", bw, b.Then)
			}
		}
	}
}

// pathIf returns path when the file has a line for it, else "".
func pathIf(f file, path string) string {
	if _, ok := f.pos[path]; ok {
		return path
	}
	return ""
}

// elements checks a rubric's elements (needed: an answer must have them) or its
// forbidden content. Each needs patterns in every locale of the drill.
func (f file) elements(p, what string, es []Element, ids map[string]bool, needed bool) {
	for i, e := range es {
		ep := fmt.Sprintf("%s.%d", p, i)
		ew := what + " " + cmp.Or(e.ID, fmt.Sprintf("#%d", i+1))
		f.id(ep+".id", ew+": ", e.ID)
		if ids[e.ID] && e.ID != "" {
			f.addf(ep+".id", "%s: id repeated", ew)
		}
		ids[e.ID] = true
		f.text(ep+".name", ew+" name", e.Name, true, maxTitleRunes)
		if needed && (e.Points < 1 || e.Points > maxPoints) {
			f.addf(cmp.Or(pathIf(f, ep+".points"), ep), "%s: points is %d: want 1 to %d", ew, e.Points, maxPoints)
		}
		for _, lang := range f.need {
			if len(e.Match[lang]) == 0 {
				f.addf(ep, "%s: match: missing locale %s", ew, lang)
			}
		}
		for _, lang := range sortedKeys(e.Match) {
			mp := join(ep+".match", lang)
			if !f.allowed(mp, ew+" match", lang) {
				continue
			}
			for k, pat := range e.Match[lang] {
				if _, err := MatchPattern(pat); err != nil {
					f.addf(fmt.Sprintf("%s.%d", mp, k), "%s match %s: %q is not a regular expression: %v", ew, lang, pat, err)
				}
			}
		}
	}
}
