// Package retrievalbench measures question retrieval: the questions
// learners ask (the retrieval quality sets, which the benchmark reuses) and
// a generated corpus of realistic size. It lives apart from assistant so
// that the bot does not carry it.
package retrievalbench

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// The retrieval quality sets double as the benchmark's queries: they are
// what learners ask.
var (
	//go:embed testdata/retrieval.yaml
	benchQuestions []byte
	//go:embed testdata/retrieval_other.yaml
	benchQuestionsOther []byte
)

// Query is one question of the benchmark.
type Query struct {
	Q    string `yaml:"q"`
	Lang string `yaml:"lang"`
	Role string `yaml:"role"`
	Want string `yaml:"want"`
}

// Queries returns the built-in benchmark questions (the retrieval
// quality sets, in Italian and English, then in the other languages).
func Queries() ([]Query, error) {
	var all []Query
	for _, b := range [][]byte{benchQuestions, benchQuestionsOther} {
		var qs []Query
		if err := yaml.Unmarshal(b, &qs); err != nil {
			return nil, fmt.Errorf("read benchmark questions: %w", err)
		}
		all = append(all, qs...)
	}
	return all, nil
}

// Store is what Run needs: a database it can publish to
// inside a transaction that it rolls back.
type Store interface {
	InTx(ctx context.Context, fn func(tx *store.Tx) error) error
	PublishCurriculum(ctx context.Context, c *content.Curriculum, opts store.PublishOptions) (store.Publication, error)
	ReplacePassages(ctx context.Context, version int64, ps []bottega.Passage, words []string) error
	SearchPassages(ctx context.Context, q store.PassageQuery) ([]bottega.PassageHit, error)
}

// Options tune Run.
type Options struct {
	// Rounds is how many times every question is asked per corpus
	// (default 20).
	Rounds int
	// Passages is the size of the generated corpus (default 10,000).
	Passages int
}

// Result is the latency of retrieval over one corpus.
type Result struct {
	Corpus   string
	Passages int
	Queries  int
	P50, P95 time.Duration
	Max      time.Duration
	// LangP95 is the p95 of the questions in each language.
	LangP95 map[string]time.Duration
}

// errRollback undoes the benchmark's publishes.
var errRollback = errors.New("benchmark done")

// Run measures retrieval latency over the built-in curriculum
// and over a generated corpus, and prints p50/p95 to w. Everything it
// writes to the database is rolled back, so it may run against a live
// database; it holds the curriculum publish lock while it runs. Queries
// run one at a time on one connection.
func Run(ctx context.Context, db Store, w io.Writer, opts Options) ([]Result, error) {
	if opts.Rounds <= 0 {
		opts.Rounds = 20
	}
	if opts.Passages <= 0 {
		opts.Passages = 10000
	}
	qs, err := Queries()
	if err != nil {
		return nil, err
	}
	builtin, err := content.Builtin()
	if err != nil {
		return nil, fmt.Errorf("benchmark: %w", err)
	}
	corpora := []struct {
		name string
		c    *content.Curriculum
	}{
		{"built-in", builtin},
		{"generated", SyntheticCurriculum(builtin, opts.Passages, 1)},
	}
	var results []Result
	err = db.InTx(ctx, func(tx *store.Tx) error {
		r := assistant.NewRetriever(tx)
		for _, corpus := range corpora {
			ps, _ := assistant.Passages(corpus.c)
			if _, err := tx.PublishCurriculum(ctx, corpus.c, store.PublishOptions{Source: "benchmark", Index: assistant.Index}); err != nil {
				return fmt.Errorf("benchmark: publish %s corpus: %w", corpus.name, err)
			}
			// Warm up: the first queries load the index into memory.
			for _, q := range qs {
				if _, err := r.Search(ctx, q.Lang, q.Role, q.Q, 5); err != nil {
					return fmt.Errorf("benchmark: %w", err)
				}
			}
			var lat []time.Duration
			byLang := map[string][]time.Duration{}
			for range opts.Rounds {
				for _, q := range qs {
					start := time.Now()
					if _, err := r.Search(ctx, q.Lang, q.Role, q.Q, 5); err != nil {
						return fmt.Errorf("benchmark: %w", err)
					}
					d := time.Since(start)
					lat = append(lat, d)
					byLang[q.Lang] = append(byLang[q.Lang], d)
				}
			}
			res := summarize(lat)
			res.Corpus, res.Passages = corpus.name, len(ps)
			res.LangP95 = map[string]time.Duration{}
			var langs []string
			for _, l := range slices.Sorted(maps.Keys(byLang)) {
				res.LangP95[l] = summarize(byLang[l]).P95
				langs = append(langs, fmt.Sprintf("%s %.2f", l, ms(res.LangP95[l])))
			}
			results = append(results, res)
			fmt.Fprintf(w, "retrieval %-9s %6d passages  %5d queries  p50 %6.2f ms  p95 %6.2f ms  max %6.2f ms\n",
				res.Corpus, res.Passages, res.Queries, ms(res.P50), ms(res.P95), ms(res.Max))
			fmt.Fprintf(w, "          p95 by language (ms): %s\n", strings.Join(langs, ", "))
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		return nil, err
	}
	return results, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// summarize returns the percentiles of lat.
func summarize(lat []time.Duration) Result {
	if len(lat) == 0 {
		return Result{}
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return Result{Queries: len(s), P50: at(0.50), P95: at(0.95), Max: s[len(s)-1]}
}

// SyntheticCurriculum generates a curriculum of about n passages from the
// sentences of base: each lesson takes the title, keywords and most
// sentences of one real lesson and mixes in sentences of others, so the
// words are distributed like real content; each step lists questions of
// that lesson's steps, as many as a real step. seed makes it repeatable.
func SyntheticCurriculum(base *content.Curriculum, n int, seed uint64) *content.Curriculum {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) // #nosec G404 -- a repeatable synthetic curriculum for benchmarks: it must be seeded
	lessons := base.Lessons()
	if len(lessons) == 0 {
		return &content.Curriculum{}
	}
	locales := []string{"it", "en"}
	sentences := map[string][][]string{} // by locale, by lesson
	asked := map[string][][]string{}     // the steps' questions, likewise
	for _, loc := range locales {
		for _, l := range lessons {
			var ss, qs []string
			for _, s := range l.Steps {
				ss = append(ss, splitSentences(s.Text.Get(loc))...)
				qs = append(qs, s.Questions[loc]...)
			}
			sentences[loc] = append(sentences[loc], ss)
			asked[loc] = append(asked[loc], qs)
		}
	}
	const steps, quiz = 6, 4
	perLesson := len(locales) * (1 + steps + quiz)
	track := &content.Track{ID: "generated", Order: 1, Roles: []string{"shopkeeper", "artisan", "guide", "municipal"},
		Title: content.Text{"it": "Generato", "en": "Generated"}}
	for i := 0; i*perLesson < n; i++ {
		src := rng.IntN(len(lessons))
		sl := lessons[src]
		l := &content.Lesson{
			ID: fmt.Sprintf("gen-%05d", i), Track: track.ID, Level: sl.Level, Order: i + 1,
			Roles: sl.Roles, Locales: locales, Minutes: 3,
			Title: content.Text{}, Summary: content.Text{}, Keywords: map[string][]string{},
		}
		text := func(loc string, k int) string {
			var b strings.Builder
			for j := range k {
				pool := sentences[loc][src]
				if rng.IntN(10) < 4 || len(pool) == 0 {
					pool = sentences[loc][rng.IntN(len(lessons))]
				}
				if len(pool) == 0 {
					continue
				}
				if j > 0 {
					b.WriteString(" ")
				}
				b.WriteString(pool[rng.IntN(len(pool))])
			}
			return b.String()
		}
		for _, loc := range locales {
			l.Title[loc] = fmt.Sprintf("%s (%d)", sl.Title.Get(loc), i)
			l.Summary[loc] = text(loc, 1)
			kw := slices.Clone(sl.Keywords[loc])
			rng.Shuffle(len(kw), func(a, b int) { kw[a], kw[b] = kw[b], kw[a] })
			l.Keywords[loc] = kw[:min(len(kw), 8)]
		}
		for s := range steps {
			st := content.Step{ID: fmt.Sprintf("s%d", s+1), Text: content.Text{}, Questions: map[string][]string{}}
			for _, loc := range locales {
				st.Text[loc] = text(loc, 3+rng.IntN(4))
				if pool := asked[loc][src]; len(pool) > 0 {
					for range 6 + rng.IntN(4) {
						st.Questions[loc] = append(st.Questions[loc], pool[rng.IntN(len(pool))])
					}
				}
			}
			l.Steps = append(l.Steps, st)
		}
		for q := range quiz {
			qu := content.Question{ID: fmt.Sprintf("q%d", q+1), Kind: content.TrueFalse, Question: content.Text{}, Explain: content.Text{}}
			for _, loc := range locales {
				qu.Question[loc] = text(loc, 1)
				qu.Explain[loc] = text(loc, 2)
			}
			l.Quiz = append(l.Quiz, qu)
		}
		track.Lessons = append(track.Lessons, l)
	}
	return &content.Curriculum{Tracks: []*content.Track{track}}
}

// splitSentences cuts a text at full stops and line ends.
func splitSentences(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		for _, part := range strings.SplitAfter(line, ". ") {
			if part = strings.TrimSpace(part); len(part) > 20 {
				out = append(out, part)
			}
		}
	}
	return out
}
