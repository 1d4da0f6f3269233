// Package assistant answers learners' free-form questions from the
// curriculum.
//
// It owns the search index of the lessons (passages in Postgres, searched
// with accent-folding full-text configurations, inverse document frequency
// and pg_trgm similarity, see store.SearchPassages), the prompt that asks an
// OpenAI-compatible LLM for a short answer citing those passages, the
// streaming of that answer into the chat, and the answer built from the
// passages themselves when no LLM is configured or it fails.
//
// A question is handled in two parts. Answer runs in the update's
// transaction: it checks length and daily quota, records the question and
// returns a deferred task. The task (Tasks) runs after commit: it
// retrieves, streams, edits the message at most about once per second, and
// records usage.
package assistant

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/store"
)

// Store is what the assistant needs from the database.
type Store interface {
	SearchStore
	Learner(ctx context.Context, id int64) (bottega.Learner, error)
	AskUsed(ctx context.Context, learnerID int64, since time.Time) (store.AskQuota, error)
	SaveQuestion(ctx context.Context, q bottega.Question) (int64, error)
	Question(ctx context.Context, id int64) (bottega.Question, error)
	AnswerMessage(ctx context.Context, id int64, messageID string) error
	SaveAnswer(ctx context.Context, id int64, answer []byte) error
	FinishQuestion(ctx context.Context, id int64, mode string, unanswered bool, lessons []string, at time.Time) error
	RecordUsage(ctx context.Context, u store.AskUsage) error
	SaveFeedback(ctx context.Context, questionID, learnerID int64, helpful bool, at time.Time) (bool, error)
	AddTurn(ctx context.Context, t store.AskTurn) error
	RecentTurns(ctx context.Context, learnerID int64, since time.Time, limit int, exclude int64) ([]store.AskTurn, error)
	InTx(ctx context.Context, fn func(tx *store.Tx) error) error
	LessonTitles(ctx context.Context, version int64, lessons []string) ([]store.LessonTitle, error)
}

// Texts renders the assistant's messages (locales/ask.*.yaml).
type Texts interface {
	T(lang, id string, data map[string]any) string
}

// Clock tells the time and waits; tests use a fake one to check how often
// a streamed answer is edited.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Options configures an Assistant. DB and Texts are required.
type Options struct {
	DB    Store
	Texts Texts
	// LLM answers questions; nil answers from the passages alone.
	LLM   LLM
	Model string
	// Embedder, if set, ranks passages by meaning as well as by words
	// (reciprocal rank fusion).
	Embedder *Embedder
	// DailyQuestions and DailyTokens bound what one learner may use per
	// day (in their time zone); 0 means no limit.
	DailyQuestions int
	DailyTokens    int
	// MaxQuestion is the longest question accepted, in characters
	// (default 2000: a pasted review or draft with a question about it).
	MaxQuestion int
	// LLMTimeout bounds a whole LLM answer (default 20s), FirstToken the
	// wait for its first words (default 10s); past either the learner
	// gets the answer from the passages.
	LLMTimeout time.Duration
	FirstToken time.Duration
	// EditEvery is the least time between two edits of a streamed answer
	// (default 1s, Telegram's pace for one chat).
	EditEvery time.Duration
	// NoEdits sends every answer once, complete, with the typing
	// indicator shown while it is written, as on platforms that cannot
	// edit a sent message (their Capabilities say so: WhatsApp).
	NoEdits bool
	// Prices estimate the cost of each answer (default DefaultPrices).
	Prices map[string]Price
	// OpenLesson makes the data of a button that opens a lesson at a step
	// (default flows.OpenLessonData); OpenVideo, if set, one that plays a
	// step's clip or video chapter from second at of the lesson's video.
	OpenLesson func(lessonID, stepID string) string
	OpenVideo  func(lessonID, stepID string, at int) string
	// CheckPasted makes the data of a button that checks the text pasted
	// with a question in the plain-language checker (default
	// flows.CheckPastedData).
	CheckPasted func(questionID int64) string
	Clock       Clock
	Logger      *slog.Logger
}

// Assistant answers questions; it implements the flows' Answerer.
type Assistant struct {
	o   Options
	r   *Retriever
	log *slog.Logger
}

var _ flows.Answerer = (*Assistant)(nil)
var _ flows.PastedTexts = (*Assistant)(nil)

// TaskKind is the kind of the deferred task that answers a question.
const TaskKind = "answer"

// New returns an Assistant.
func New(o Options) (*Assistant, error) {
	if o.DB == nil || o.Texts == nil {
		return nil, errors.New("assistant: DB and Texts are required")
	}
	if o.MaxQuestion <= 0 {
		o.MaxQuestion = 2000
	}
	if o.LLMTimeout <= 0 {
		o.LLMTimeout = 20 * time.Second
	}
	if o.FirstToken <= 0 {
		o.FirstToken = 10 * time.Second
	}
	if o.EditEvery <= 0 {
		o.EditEvery = time.Second
	}
	if o.Prices == nil {
		o.Prices = DefaultPrices()
	}
	if o.OpenLesson == nil {
		o.OpenLesson = flows.OpenLessonData
	}
	if o.CheckPasted == nil {
		o.CheckPasted = flows.CheckPastedData
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	r := NewRetriever(o.DB)
	r.emb = o.Embedder
	return &Assistant{o: o, r: r, log: o.Logger.With("component", "assistant")}, nil
}

// Warm prepares the retriever for the first question (see Retriever.Warm).
func (a *Assistant) Warm(ctx context.Context) error { return a.r.Warm(ctx) }

// Tasks returns the deferred tasks to register with the dispatcher.
func (a *Assistant) Tasks() map[string]bot.TaskFunc {
	return map[string]bot.TaskFunc{TaskKind: a.runAnswer}
}

// Offline reports whether answers come from the passages alone.
func (a *Assistant) Offline() bool { return a.o.LLM == nil }

func (a *Assistant) t(lang, id string, data map[string]any) string {
	return a.o.Texts.T(lang, id, data)
}

func lang(l bottega.Learner) string {
	if l.Locale == "" {
		return "it"
	}
	return l.Locale
}

// dayStart is the start of the learner's day, for the daily quota.
func dayStart(now time.Time, tz string) time.Time {
	loc := bottega.Location(tz)
	t := now.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}
