// Package content owns the curriculum: its model (tracks, lessons, steps, quizzes), the
// loader for the YAML files described in FORMAT.md, the validator that reports every
// mistake with its file and line, and the built-in curriculum embedded in the binary.
//
// The model has JSON tags so a published curriculum can be stored as JSON and read back
// unchanged; Hash and Diff tell what changed between two versions.
package content

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Text is a learner-facing text by locale ("it", "en", ...).
type Text map[string]string

// Get returns the text in lang, falling back to Italian (authoritative), then English,
// then any locale present, so a learner always reads something.
func (t Text) Get(lang string) string {
	for _, l := range []string{lang, "it", "en"} {
		if t.Has(l) {
			return t[l]
		}
	}
	keys := make([]string, 0, len(t))
	for l := range t {
		keys = append(keys, l)
	}
	slices.Sort(keys) // any locale, but always the same one
	for _, l := range keys {
		if t.Has(l) {
			return t[l]
		}
	}
	return ""
}

// Has reports whether the text exists, non-blank, in lang.
func (t Text) Has(lang string) bool {
	return strings.TrimSpace(t[lang]) != ""
}

// Curriculum is every track with its lessons. Tracks are sorted by order.
type Curriculum struct {
	Tracks []*Track `json:"tracks"`
}

// Track returns the track with the given id, or nil.
func (c *Curriculum) Track(id string) *Track {
	for _, t := range c.Tracks {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// Lesson returns the lesson with the given id, or nil.
func (c *Curriculum) Lesson(id string) *Lesson {
	for _, t := range c.Tracks {
		for _, l := range t.Lessons {
			if l.ID == id {
				return l
			}
		}
	}
	return nil
}

// Lessons returns all lessons, ordered by track order, then lesson order.
func (c *Curriculum) Lessons() []*Lesson {
	tracks := slices.Clone(c.Tracks)
	slices.SortStableFunc(tracks, func(a, b *Track) int { return cmp.Compare(a.Order, b.Order) })
	var all []*Lesson
	for _, t := range tracks {
		lessons := slices.Clone(t.Lessons)
		slices.SortStableFunc(lessons, func(a, b *Lesson) int { return cmp.Compare(a.Order, b.Order) })
		all = append(all, lessons...)
	}
	return all
}

// Track is a folder of lessons for some roles. Lessons are sorted by order.
type Track struct {
	ID      string    `json:"id"`
	Order   int       `json:"order"`
	Roles   []string  `json:"roles"`
	Title   Text      `json:"title"`
	Summary Text      `json:"summary"`
	Lessons []*Lesson `json:"lessons"`
	// Drills are the track's crisis drills, from its drills/ folder, sorted by order.
	Drills []*Drill `json:"drills,omitempty"`
	// Dir is the track folder in the file system it was loaded from; video and image
	// files are relative to it.
	Dir string `json:"dir"`

	pos positions // lines of track.yaml, for problems
	// unread counts the track's lesson files that could not be read as
	// YAML: reported on their own, they are no "track has no lessons".
	unread int
}

// Lesson is one short lesson: a few steps, an optional video and a quiz.
type Lesson struct {
	ID       string              `json:"id"`
	Track    string              `json:"track"` // the track id
	Level    string              `json:"level"` // base or intermediate
	Order    int                 `json:"order"`
	Roles    []string            `json:"roles"`
	Locales  []string            `json:"locales"`
	Minutes  int                 `json:"minutes"`
	Title    Text                `json:"title"`
	Summary  Text                `json:"summary"`
	Keywords map[string][]string `json:"keywords"` // by locale
	// Questions are how learners ask what this lesson answers, in their own words, by
	// locale. The assistant indexes them with the lesson, so a question that shares no
	// word with the lesson's text still finds it.
	Questions map[string][]string `json:"questions,omitempty"`
	Video     *Video              `json:"video"`
	Steps     []Step              `json:"steps"`
	Quiz      []Question          `json:"quiz"`
	// Reviewed is the day the lesson's facts were last checked against its sources,
	// as YYYY-MM-DD; empty when the file does not say.
	Reviewed string   `json:"reviewed,omitempty"`
	Sources  []string `json:"sources,omitempty"` // where the claims come from
	// Recheck names the lesson's claims that age fast (a platform's limit, a rule
	// still being implemented), the first things to check at the next review.
	Recheck []string `json:"recheck,omitempty"`
	File    string   `json:"file"` // path in the file system it was loaded from

	pos positions // lines of the lesson file, for problems
}

// StepIndex returns the index of the step with the given id, or -1.
func (l *Lesson) StepIndex(id string) int {
	return slices.IndexFunc(l.Steps, func(s Step) bool { return s.ID == id })
}

// NearestStep maps a learner's position in an older version of the lesson, whose step
// ids were oldIDs, to this version, so that a learner never loses their place when a
// lesson is republished: the same step if it still exists, otherwise the nearest earlier
// step that still exists, otherwise the first. A position past the last old step (the
// steps were finished) stays past the last step.
func (l *Lesson) NearestStep(oldIndex int, oldIDs []string) int {
	if oldIndex >= len(oldIDs) {
		return len(l.Steps)
	}
	for i := oldIndex; i >= 0; i-- {
		if j := l.StepIndex(oldIDs[i]); j >= 0 {
			return j
		}
	}
	return 0
}

// ChapterOf returns the video chapter a step refers to, or nil.
func (l *Lesson) ChapterOf(s Step) *Chapter {
	if l.Video == nil || s.Chapter == "" {
		return nil
	}
	for i := range l.Video.Chapters {
		if l.Video.Chapters[i].ID == s.Chapter {
			return &l.Video.Chapters[i]
		}
	}
	return nil
}

// Video is a lesson's video, at a URL or in a file relative to the track folder.
type Video struct {
	URL      string        `json:"url"`
	File     string        `json:"file"`
	Duration time.Duration `json:"duration"` // nanoseconds in JSON
	Chapters []Chapter     `json:"chapters"`
	// ChapterFile is a WebVTT file of the track folder that lists the
	// chapters, one cue each, instead of chapters written in the lesson.
	ChapterFile string `json:"chapter_file,omitempty"`
	// TranscriptFile is a WebVTT file of the track folder with what is
	// said in the video, for when no speech-to-text model is configured.
	TranscriptFile string `json:"transcript_file,omitempty"`
	// Transcript is what is said in the video, with times: read from
	// TranscriptFile, or made by a speech-to-text model when the lesson is
	// published.
	Transcript []Cue `json:"transcript,omitempty"`
	// Source is the SHA-256 of the video's bytes, set when the lesson is
	// published and its video cut into clips.
	Source string `json:"source,omitempty"`

	// listed is true when the chapters came from a list (ChapterFile, or
	// a list in the lesson) rather than chapters with ids: they go to the
	// steps in order.
	listed bool
}

// Chapter is a point in a video that steps can link to.
type Chapter struct {
	ID    string        `json:"id"`
	Start time.Duration `json:"start"` // nanoseconds in JSON
	Title Text          `json:"title"`
}

// Step is one screen of a lesson.
type Step struct {
	ID      string `json:"id"`
	Text    Text   `json:"text"`
	Task    Text   `json:"task"` // optional: a small thing to do now
	Tip     Text   `json:"tip"`  // optional
	Image   string `json:"image"`
	Chapter string `json:"chapter"` // optional: a chapter id of the lesson's video
	// Document is an optional template sent to the learner as a file after the step: a
	// text, Markdown or CSV file inside the track folder, by locale.
	Document Files `json:"document,omitempty"`
	// Questions are how learners ask what this step answers, in their own words, by
	// locale: searched with the step, never shown. The lesson's own questions go to
	// the step whose words they share most.
	Questions map[string][]string `json:"questions,omitempty"`
	// Clip is the step's part of the lesson's video, cut when the lesson
	// is published.
	Clip *Clip `json:"clip,omitempty"`
}

// Clip is a step's part of the lesson's video, encoded on its own.
type Clip struct {
	// Key is the clip's content address (see package video).
	Key    string        `json:"key"`
	Start  time.Duration `json:"start"` // in the lesson's video
	Length time.Duration `json:"length"`
}

// ClipAt returns the step whose clip holds position at of the lesson's
// video, and where in the clip it is; -1 when no clip holds it.
func (l *Lesson) ClipAt(at time.Duration) (step int, offset time.Duration) {
	for i, s := range l.Steps {
		if c := s.Clip; c != nil && at >= c.Start && at < c.Start+c.Length {
			return i, at - c.Start
		}
	}
	return -1, 0
}

// Cut is a step's part of a video: from Start for Length.
type Cut struct {
	Step   int
	Start  time.Duration
	Length time.Duration
}

// Cuts returns the part of the video each step shows: from the start of
// its chapter to the start of the next chapter, or the end of the video,
// which lasts total (the video's real length; Video.Duration if 0).
func (l *Lesson) Cuts(total time.Duration) []Cut {
	if l.Video == nil {
		return nil
	}
	if total <= 0 {
		total = l.Video.Duration
	}
	var cuts []Cut
	for i, s := range l.Steps {
		ch := l.ChapterOf(s)
		if ch == nil {
			continue
		}
		end := total
		for _, o := range l.Video.Chapters {
			if o.Start > ch.Start && o.Start < end {
				end = o.Start
			}
		}
		if end > ch.Start {
			cuts = append(cuts, Cut{Step: i, Start: ch.Start, Length: end - ch.Start})
		}
	}
	return cuts
}

// Files names a file inside the track folder by locale.
type Files map[string]string

// Get returns the file for lang, with the same fallbacks as Text.Get: Italian first.
func (f Files) Get(lang string) string { return Text(f).Get(lang) }

// Question kinds. A scenario is a choice question whose question is a situation ("a
// customer writes..., what do you answer?"); the player treats both alike.
const (
	Choice    = "choice"
	TrueFalse = "truefalse"
	Scenario  = "scenario"
)

// Question is a quiz question. Correct counts from 0 (the file counts from 1); a truefalse
// question has no options and Correct is 0 for true, 1 for false.
type Question struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"` // Choice, Scenario or TrueFalse
	Question Text   `json:"question"`
	Options  []Text `json:"options"`
	Correct  int    `json:"correct"`
	Explain  Text   `json:"explain"`
	// Wrong says, for some wrong answers, what the mistake is; keyed like Correct,
	// from 0 (the file counts from 1). A truefalse question keys 0 for true, 1 for false.
	Wrong map[int]Text `json:"wrong,omitempty"`
}

// HasOptions reports whether the learner chooses among the question's options, as in a
// choice or scenario question, rather than between true and false.
func (q *Question) HasOptions() bool { return q.Kind == Choice || q.Kind == Scenario }

// OptionCount returns how many answers the learner chooses from.
func (q *Question) OptionCount() int {
	if q.Kind == TrueFalse {
		return 2
	}
	return len(q.Options)
}

// positions holds the line of each field of a file by path ("steps.2.text.en"), so that
// the validator can point at the line of a mistake.
type positions map[string]int

// line returns the line of path, or of its nearest enclosing field that has one.
func (p positions) line(path string) int {
	for {
		if n, ok := p[path]; ok {
			return n
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			return p[""]
		}
		path = path[:i]
	}
}
