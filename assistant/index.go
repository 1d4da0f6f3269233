package assistant

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// IndexStore is what the Indexer needs from the database.
type IndexStore interface {
	ReplacePassages(ctx context.Context, version int64, ps []bottega.Passage, words []string) error
}

// Indexer turns a curriculum into searchable passages.
type Indexer struct {
	db IndexStore
}

// NewIndexer returns an Indexer writing to db.
func NewIndexer(db IndexStore) *Indexer { return &Indexer{db: db} }

// Index replaces the passages of curriculum version versionID with those of
// c, through the Indexer's store (a transaction, for a publish and its index
// to commit together).
func (ix *Indexer) Index(ctx context.Context, versionID int64, c *content.Curriculum) error {
	ps, ws := Passages(c)
	if err := ix.db.ReplacePassages(ctx, versionID, ps, ws); err != nil {
		return fmt.Errorf("index curriculum version %d: %w", versionID, err)
	}
	return nil
}

// Index indexes curriculum version versionID (c) in tx: it is the
// store.PublishOptions.Index that makes a publish index what it publishes.
func Index(ctx context.Context, tx *store.Tx, versionID int64, c *content.Curriculum) error {
	return NewIndexer(tx).Index(ctx, versionID, c)
}

// EnsureStore is what EnsureIndexed needs from the database.
type EnsureStore interface {
	EnsurePassages(ctx context.Context, version int64, ps []bottega.Passage, words []string) (bool, error)
}

// EnsureIndexed indexes curriculum version versionID (c) unless its index
// already holds what an Indexer would put there: at start-up, it indexes a
// version published before the assistant existed, or rebuilds an index
// that this release makes differently. It reports whether it indexed.
func EnsureIndexed(ctx context.Context, db EnsureStore, versionID int64, c *content.Curriculum) (bool, error) {
	ps, ws := Passages(c)
	done, err := db.EnsurePassages(ctx, versionID, ps, ws)
	if err != nil {
		return false, fmt.Errorf("index curriculum version %d: %w", versionID, err)
	}
	return done, nil
}

// Passages splits c into passages, one per lesson summary, step and quiz
// explanation in each locale the lesson has, and returns them with the
// folded words they contain (the vocabulary that typos are matched to),
// those of the copies searched by words: a lesson's Italian and English,
// or, in a lesson written in neither, its own (see throughGlossary).
func Passages(c *content.Curriculum) ([]bottega.Passage, []string) {
	var ps []bottega.Passage
	vocab := map[string]bool{}
	for _, l := range c.Lessons() {
		locales := lessonLocales(l)
		searched := func(loc string) bool {
			return slices.Contains(searchedLocales, loc) || !slices.ContainsFunc(locales, func(l string) bool { return slices.Contains(searchedLocales, l) })
		}
		for _, loc := range locales {
			title := l.Title.Get(loc)
			kw := strings.Join(l.Keywords[loc], ", ")
			asked := questionSteps(l, loc)
			base := bottega.Passage{
				TrackID:       l.Track,
				LessonID:      l.ID,
				Steps:         len(l.Steps),
				Locale:        loc,
				Roles:         l.Roles,
				LessonLocales: locales,
				Title:         title,
				Keywords:      kw,
				Tags:          fold(title + " " + kw),
			}
			add := func(p bottega.Passage) {
				if strings.TrimSpace(p.Body) == "" {
					return
				}
				ps = append(ps, p)
				if !searched(p.Locale) {
					return
				}
				for _, w := range words(p.Title + " " + p.Keywords + " " + p.Body) {
					if len(w) >= 3 {
						vocab[w] = true
					}
				}
			}
			p := base
			p.Kind, p.Body = bottega.PassageSummary, l.Summary.Get(loc)
			add(p)
			for i, s := range l.Steps {
				p := base
				p.Kind, p.Ref, p.Position = bottega.PassageStep, s.ID, i+1
				p.Body = joinTexts(loc, s.Text, s.Task, s.Tip)
				p.Task, p.Document = joinTexts(loc, s.Task), s.Document.Get(loc) != ""
				if qs := asked[i]; len(qs) > 0 {
					// The learners' questions weigh as the lesson's
					// keywords, in the step that answers them; they are
					// searched, never shown.
					indexed := make([]string, len(qs))
					for k, q := range qs {
						indexed[k] = spelledOut(q)
					}
					p.Keywords = strings.TrimPrefix(kw+"\n"+strings.Join(indexed, "\n"), "\n")
					p.Questions = qs
				}
				if loc == locales[0] {
					p.Asked = otherAsked(s, locales)
				}
				if ch := l.ChapterOf(s); ch != nil {
					sec := int(ch.Start.Seconds())
					p.VideoStart = &sec
				}
				add(p)
				// What is said in the step's clip: passages of their own,
				// each with the second it starts at, so that an answer can
				// cite the moment and play the clip from there.
				for _, part := range spoken(l, s) {
					p := base
					p.Kind, p.Ref, p.Position = bottega.PassageStep, s.ID, i+1
					sec := int(part.Start.Seconds())
					p.Body, p.VideoStart, p.Spoken = part.Text, &sec, true
					add(p)
				}
			}
			for _, q := range l.Quiz {
				p := base
				p.Kind, p.Ref = bottega.PassageQuiz, q.ID
				question, answer := q.Question.Get(loc), ""
				switch {
				case q.HasOptions() && q.Correct >= 0 && q.Correct < len(q.Options):
					answer = q.Options[q.Correct].Get(loc)
				case q.Kind == content.TrueFalse && q.Correct != 0:
					// A false statement is no lesson to quote: the
					// explanation says what is true.
					question = ""
				}
				p.Body = strings.TrimSpace(strings.Join(nonEmpty(question, answer, q.Explain.Get(loc)), "\n"))
				add(p)
			}
		}
	}
	ws := make([]string, 0, len(vocab))
	for w := range vocab {
		ws = append(ws, w)
	}
	slices.Sort(ws)
	return ps, ws
}

// otherAsked returns the questions step s lists in languages other than
// locales (its lesson's), by locale; nil if none.
func otherAsked(s content.Step, locales []string) map[string][]string {
	var out map[string][]string
	for lang, qs := range s.Questions {
		if len(qs) > 0 && !slices.Contains(locales, lang) {
			if out == nil {
				out = map[string][]string{}
			}
			out[lang] = qs
		}
	}
	return out
}

// questionSteps gives each step the questions it lists in loc (how
// learners ask what it answers), and assigns each question the lesson
// lists to the step whose words it shares most, words found in fewer steps
// counting more; a question that shares none goes to the first step, which
// introduces the lesson. The result is by step index.
func questionSteps(l *content.Lesson, loc string) map[int][]string {
	out := map[int][]string{}
	for i, s := range l.Steps {
		if qs := s.Questions[loc]; len(qs) > 0 {
			out[i] = append(out[i], qs...)
		}
	}
	qs := l.Questions[loc]
	if len(qs) == 0 || len(l.Steps) == 0 {
		return out
	}
	steps := make([]map[string]bool, len(l.Steps))
	df := map[string]int{}
	for i, s := range l.Steps {
		steps[i] = stems(joinTexts(loc, s.Text, s.Task, s.Tip))
		for w := range steps[i] {
			df[w]++
		}
	}
	for _, q := range qs {
		bestStep, bestScore := 0, 0.0
		for i, st := range steps {
			// Summed in a fixed order: floating-point sums in map order
			// differ in the last bits, and would send a question that
			// ties between two steps to either, changing the index (and
			// its digest) from one run to the next.
			score := 0.0
			for _, w := range slices.Sorted(maps.Keys(stems(q))) {
				if st[w] {
					score += 1 / float64(df[w])
				}
			}
			if score > bestScore {
				bestStep, bestScore = i, score
			}
		}
		out[bestStep] = append(out[bestStep], q)
	}
	return out
}

// stems returns the crude stems (see stem) of the words of s that say
// something: four letters or more, no filler.
func stems(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range words(s) {
		if len([]rune(w)) >= 4 && !filler[w] {
			out[stem(w)] = true
		}
	}
	return out
}

// lessonLocales returns the locales a lesson is written in: those it
// declares, or else those its title has.
func lessonLocales(l *content.Lesson) []string {
	var out []string
	for _, loc := range l.Locales {
		if l.Title.Has(loc) && !slices.Contains(out, loc) {
			out = append(out, loc)
		}
	}
	if len(out) == 0 {
		for loc := range l.Title {
			if l.Title.Has(loc) {
				out = append(out, loc)
			}
		}
		slices.Sort(out)
	}
	return out
}

func joinTexts(loc string, ts ...content.Text) string {
	var parts []string
	for _, t := range ts {
		if t.Has(loc) {
			parts = append(parts, strings.TrimSpace(t[loc]))
		}
	}
	return strings.Join(parts, "\n\n")
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// maxSpoken bounds a passage of a transcript, in characters: about half a
// minute of speech.
const maxSpoken = 500

// spoken groups what is said in step s's clip into passages of up to
// maxSpoken characters, each starting at its first cue.
func spoken(l *content.Lesson, s content.Step) []content.Cue {
	if l.Video == nil || s.Clip == nil {
		return nil
	}
	var parts []content.Cue
	var cur content.Cue
	for _, c := range l.Video.Transcript {
		if c.Start < s.Clip.Start || c.Start >= s.Clip.Start+s.Clip.Length {
			continue
		}
		if cur.Text != "" && len(cur.Text)+1+len(c.Text) > maxSpoken {
			parts = append(parts, cur)
			cur = content.Cue{}
		}
		if cur.Text == "" {
			cur = content.Cue{Start: c.Start, End: c.End, Text: c.Text}
			continue
		}
		cur.Text += " " + c.Text
		cur.End = c.End
	}
	if cur.Text != "" {
		parts = append(parts, cur)
	}
	return parts
}

// spelledOut returns a learner's question as it is indexed: its words
// folded, with the platforms' shorthand written out ("fb": "facebook"), as
// a learner's own question is searched. A rare "fb" in one step's questions
// would otherwise pull every question that says "fb" to that step.
func spelledOut(q string) string {
	ws := words(q)
	for i, w := range ws {
		if long, ok := shorthand[w]; ok {
			ws[i] = strings.Join(long, " ")
		}
	}
	return strings.Join(ws, " ")
}
