package eval

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// Store is what Run needs: the assistant's database, where it can publish
// the curriculum and make learners, inside a transaction it rolls back,
// and vacuum the passage index afterwards.
type Store interface {
	assistant.Store
	PublishCurriculum(ctx context.Context, c *content.Curriculum, opts store.PublishOptions) (store.Publication, error)
	ReplacePassages(ctx context.Context, version int64, ps []bottega.Passage, words []string) error
	EnsureLearner(ctx context.Context, platform, externalID, chatID, name, locale string) (bottega.Learner, bool, error)
	UpdateLearner(ctx context.Context, l bottega.Learner) error
	VacuumIndex(ctx context.Context) error
}

// Own is the interface language of a learner who asks in the language the
// bot speaks with them.
const Own = "own"

// Options tune Run.
type Options struct {
	// Interfaces are the interface languages each question is also asked
	// with, besides its own (nil: it, en and de): the question's
	// language, not the interface's, must decide how it is searched.
	Interfaces []string
}

// Outcome is what one question, asked with one interface language, got.
type Outcome struct {
	Question Question
	Half     string
	UI       string // Own or the interface language
	// Mode is how the assistant answered: "offline" (quoting the
	// lessons), "uncovered" (the lessons do not cover it, or it is
	// declined saying why) or "refused" (too long, say).
	Mode  string
	Shown string // the answer as the learner reads it
	// Top are the lessons of the 5 best passages, what an LLM is given.
	Top []string
	// Substance: the answer quotes a sentence of a step that answers the
	// question. InTop: a lesson that answers it is among Top.
	Substance, InTop bool
	// Text, Evidence and Score are those of the best passage (see
	// bottega.PassageHit), what the decision to answer rests on.
	Text, Evidence, Score float64
	// StepRank is the rank of the best answering step among the passages
	// an offline answer is chosen from, from 0; -1 when it is not there.
	StepRank int
}

// Answerable reports whether the question has an answer in the lessons.
func (o Outcome) Answerable() bool { return o.Question.Expect == ExpectAnswer }

// Declined reports whether the assistant said the lessons do not cover it.
func (o Outcome) Declined() bool { return o.Mode == modeUncovered }

// Answer modes as Outcome.Mode reports them.
const (
	modeOffline   = "offline"
	modeUncovered = "uncovered"
	modeRefused   = "refused"
)

// errRollback undoes what Run wrote.
var errRollback = errors.New("evaluation done")

// Run publishes the curriculum c, asks every question of qs through an
// offline assistant (no LLM) as a learner of its persona would, once with
// its own language as the interface's and once with each of
// o.Interfaces, and returns the outcomes. A follow-up is asked right
// after the question it follows, by the same learner; other questions
// start a new conversation. Everything it writes is rolled back.
func Run(ctx context.Context, db Store, texts assistant.Texts, c *content.Curriculum, qs []Question, o Options) ([]Outcome, error) {
	if o.Interfaces == nil {
		o.Interfaces = []string{"it", "en", "de"}
	}
	byID := map[string]Question{}
	for _, q := range qs {
		byID[q.ID] = q
	}
	var out []Outcome
	err := db.InTx(ctx, func(tx *store.Tx) error {
		ix := assistant.NewIndexer(tx)
		pub, err := tx.PublishCurriculum(ctx, c, store.PublishOptions{Source: "evaluation", Index: assistant.Index})
		if err != nil {
			return fmt.Errorf("evaluate: publish the curriculum: %w", err)
		}
		if !pub.Created {
			// The same curriculum was current: index it as this
			// release does.
			if err := ix.Index(ctx, pub.Version, c); err != nil {
				return fmt.Errorf("evaluate: %w", err)
			}
		}
		clk := &clock{now: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
		a, err := assistant.New(assistant.Options{DB: tx, Texts: texts, Clock: clk})
		if err != nil {
			return fmt.Errorf("evaluate: %w", err)
		}
		r := &runner{db: tx, texts: texts, a: a, retr: assistant.NewRetriever(tx), clock: clk, c: c, learners: map[string]bottega.Learner{}}
		for _, q := range qs {
			own, err := r.ask(ctx, q, byID[q.Follows], Own)
			if err != nil {
				return fmt.Errorf("evaluate question %s: %w", q.ID, err)
			}
			out = append(out, own)
			for _, ui := range o.Interfaces {
				oc := own
				if ui != q.Lang {
					// Asked in its own language, it was asked with
					// this interface already.
					if oc, err = r.ask(ctx, q, byID[q.Follows], ui); err != nil {
						return fmt.Errorf("evaluate question %s: %w", q.ID, err)
					}
				}
				oc.UI = ui
				out = append(out, oc)
			}
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		return nil, err
	}
	// What the rolled-back publish wrote is left as dead rows: reclaimed
	// now, so that the next run searches the index as fast as this one.
	if err := db.VacuumIndex(ctx); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	return out, nil
}

type runner struct {
	db       Store
	texts    assistant.Texts
	a        *assistant.Assistant
	retr     *assistant.Retriever
	clock    *clock
	c        *content.Curriculum
	learners map[string]bottega.Learner // by persona and interface
}

// ask asks q (after prev, the question it follows, if any) with the
// interface in ui.
func (r *runner) ask(ctx context.Context, q, prev Question, ui string) (Outcome, error) {
	locale := ui
	if ui == Own {
		locale = q.Lang
	}
	l, err := r.learner(ctx, q.Persona, locale)
	if err != nil {
		return Outcome{}, err
	}
	// A new conversation: the assistant remembers the last half hour.
	r.clock.Advance(2 * time.Hour)
	if q.Follows != "" {
		if _, err := r.send(ctx, l, prev.Text); err != nil {
			return Outcome{}, err
		}
		r.clock.Advance(time.Minute)
	}
	shown, err := r.send(ctx, l, q.Text)
	if err != nil {
		return Outcome{}, err
	}
	oc := Outcome{Question: q, Half: Half(q.ID), UI: ui, Shown: shown, Mode: modeRefused}
	switch {
	case strings.HasPrefix(shown, r.texts.T(locale, "ask_not_covered", nil)),
		// Declined with the closest lessons offered.
		strings.HasPrefix(shown, r.texts.T(locale, "ask_not_covered_closest", nil)),
		// Declined saying why: Bottega writes no accusation, and gives
		// no legal opinion and no tax advice.
		strings.HasPrefix(shown, r.texts.T(locale, "ask_defame", nil)),
		strings.HasPrefix(shown, r.texts.T(locale, "ask_legal", nil)),
		strings.HasPrefix(shown, r.texts.T(locale, "ask_tax", nil)):
		oc.Mode = modeUncovered
	case strings.HasPrefix(shown, r.texts.T(locale, "ask_offline", nil)),
		// A text pasted with the question is answered with the method
		// to apply to it, under its own header.
		strings.HasPrefix(shown, r.texts.T(locale, "ask_pasted_offline", nil)):
		oc.Mode = modeOffline
	}
	found, err := r.retr.Find(ctx, assistant.Query{Text: q.Text, Locale: locale, Role: q.Persona, Previous: prev.Text, Limit: 5})
	if err != nil {
		return Outcome{}, err
	}
	for _, h := range found.Hits {
		oc.Top = append(oc.Top, h.LessonID)
	}
	oc.StepRank = -1
	for i, h := range found.Passages() {
		for _, ref := range q.Steps() {
			if oc.StepRank < 0 && h.LessonID == ref.Lesson && h.Ref == ref.Step {
				oc.StepRank = i
			}
		}
	}
	if len(found.Hits) > 0 {
		h := found.Hits[0]
		oc.Text, oc.Evidence, oc.Score = h.Text, h.Evidence, h.Score
	}
	if q.Expect == ExpectAnswer {
		for _, lesson := range q.Lessons() {
			for _, t := range oc.Top {
				oc.InTop = oc.InTop || t == lesson
			}
		}
		oc.Substance = oc.Mode == modeOffline && quotes(r.c, q.Steps(), shown)
	}
	return oc, nil
}

// learner returns the learner of persona whose interface is in locale.
func (r *runner) learner(ctx context.Context, persona, locale string) (bottega.Learner, error) {
	key := persona + "-" + locale
	if l, ok := r.learners[key]; ok {
		return l, nil
	}
	l, _, err := r.db.EnsureLearner(ctx, "eval", key, key, "Eval", locale)
	if err != nil {
		return l, err
	}
	l.Role, l.Locale = persona, locale
	if err := r.db.UpdateLearner(ctx, l); err != nil {
		return l, err
	}
	r.learners[key] = l
	return l, nil
}

// send asks text as the chat does, the deferred answers included, and
// returns the answer's last version as the learner reads it; the answers'
// one after the other when the text asks questions answered apart.
func (r *runner) send(ctx context.Context, l bottega.Learner, text string) (string, error) {
	replies, err := r.a.Answer(ctx, r.db, l, text)
	if err != nil {
		return "", err
	}
	var shown []string
	for _, rep := range replies {
		rec := &recorder{last: rep.Text}
		if rep.Task != nil {
			fn := r.a.Tasks()[rep.Task.Kind]
			if fn == nil {
				return "", fmt.Errorf("no task %q", rep.Task.Kind)
			}
			if err := fn(ctx, rec, l.ChatID, rep.Task.Data); err != nil {
				return "", err
			}
		}
		if rec.last != "" {
			shown = append(shown, rec.last)
		}
	}
	return strings.Join(shown, "\n\n"), nil
}

// quotes reports whether shown quotes a sentence of one of the steps, in
// any of its lesson's languages: its beginning, up to 60 characters, is
// enough, as an answer may cut a long sentence.
func quotes(c *content.Curriculum, steps []StepRef, shown string) bool {
	norm := strings.Join(strings.Fields(shown), " ")
	for _, ref := range steps {
		l := c.Lesson(ref.Lesson)
		if l == nil || l.StepIndex(ref.Step) < 0 {
			continue
		}
		s := l.Steps[l.StepIndex(ref.Step)]
		for _, loc := range l.Locales {
			for _, t := range []content.Text{s.Text, s.Task, s.Tip} {
				for _, sent := range Sentences(t[loc]) {
					if strings.Contains(norm, prefix(sent, 60)) {
						return true
					}
				}
			}
		}
	}
	return false
}

// Sentences splits a text into its sentences and list items of at least
// 25 characters, spaces normalised.
func Sentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		var b strings.Builder
		for _, r := range line {
			b.WriteRune(r)
			if r == '.' || r == '?' || r == '!' || r == ':' {
				out = appendSentence(out, b.String())
				b.Reset()
			}
		}
		out = appendSentence(out, b.String())
	}
	return out
}

func appendSentence(out []string, s string) []string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) >= 25 {
		out = append(out, s)
	}
	return out
}

func prefix(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// recorder is the chat: it keeps the last version of the answer.
type recorder struct {
	mu   sync.Mutex
	n    int
	last string
}

func (r *recorder) Send(_ context.Context, _ string, rep bot.Reply) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rep.Text != "" {
		r.last = rep.Text
	}
	if rep.EditID != "" {
		return rep.EditID, nil
	}
	r.n++
	return fmt.Sprint(r.n), nil
}

// clock is virtual time: waiting on it moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *clock) After(d time.Duration) <-chan time.Time {
	c.Advance(d)
	ch := make(chan time.Time, 1)
	ch <- c.Now()
	return ch
}
