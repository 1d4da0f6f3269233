package assistant

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"

	"github.com/bottega-app/bottega/store"
)

// Steps are also ranked by how close a question is to the questions they
// list, how learners ask what each answers: BM25 over each step's
// questions, all its languages together, the words read as the field model
// reads them (glossary applied, stemmed). The closest steps are searched
// whatever words they share with the lesson's text, and their score is
// raised in proportion to their closeness. A question asked as a step's
// listed ones are asked ("how often should I post?") finds that step even
// when the step's own text says it otherwise ("a steady rhythm").
const (
	// askedK1 and askedB are BM25's term-frequency saturation and
	// length normalisation, at their usual values.
	askedK1, askedB = 1.2, 0.75
	// askedWeight is what the closest step's score gains; the next gain
	// in proportion to their closeness. Tuned on the tuning halves of
	// assistant/eval (see bottega eval).
	askedWeight = 0.3
	// askedSteps is how many of the closest steps are raised.
	askedSteps = 10
)

// askedIndex ranks steps by their listed questions.
type askedIndex struct {
	steps    []askedStep
	postings map[string][]askedPosting
	idf      map[string]float64
	avgLen   float64
}

type askedStep struct {
	lesson, ref string
	words       int // the stems of its questions, repeats counted
}

type askedPosting struct {
	step, tf int
}

// newAskedIndex indexes the questions of steps.
func newAskedIndex(steps []store.StepQuestions) *askedIndex {
	ix := &askedIndex{postings: map[string][]askedPosting{}, idf: map[string]float64{}}
	byStep := map[[2]string]int{}
	tfs := []map[string]int{}
	for _, s := range steps {
		k := [2]string{s.Lesson, s.Ref}
		i, ok := byStep[k]
		if !ok {
			i = len(ix.steps)
			byStep[k] = i
			ix.steps = append(ix.steps, askedStep{lesson: s.Lesson, ref: s.Ref})
			tfs = append(tfs, map[string]int{})
		}
		for _, q := range s.Questions {
			for w := range fieldWords(q, s.Locale) {
				tfs[i][w]++
				ix.steps[i].words++
			}
		}
	}
	total := 0
	for i, tf := range tfs {
		total += ix.steps[i].words
		// In a fixed order, so that the postings are too.
		for _, w := range slices.Sorted(maps.Keys(tf)) {
			ix.postings[w] = append(ix.postings[w], askedPosting{step: i, tf: tf[w]})
		}
	}
	n := float64(len(ix.steps))
	if n > 0 {
		ix.avgLen = float64(total) / n
	}
	for w, ps := range ix.postings {
		df := float64(len(ps))
		ix.idf[w] = math.Log(1 + (n-df+0.5)/(df+0.5))
	}
	return ix
}

// boosts returns the steps closest to the question q, read in lang, with
// what their score gains, closest first.
func (ix *askedIndex) boosts(q, lang string) []store.StepBoost {
	if ix == nil || len(ix.steps) == 0 {
		return nil
	}
	score := map[int]float64{}
	for _, w := range slices.Sorted(maps.Keys(fieldWords(q, lang))) {
		for _, p := range ix.postings[w] {
			tf := float64(p.tf)
			norm := 1 - askedB + askedB*float64(ix.steps[p.step].words)/ix.avgLen
			score[p.step] += ix.idf[w] * tf * (askedK1 + 1) / (tf + askedK1*norm)
		}
	}
	if len(score) == 0 {
		return nil
	}
	ranked := slices.Collect(maps.Keys(score))
	slices.SortFunc(ranked, func(a, b int) int { return cmp.Or(cmp.Compare(score[b], score[a]), cmp.Compare(a, b)) })
	ranked = ranked[:min(len(ranked), askedSteps)]
	top := score[ranked[0]]
	out := make([]store.StepBoost, len(ranked))
	for i, s := range ranked {
		out[i] = store.StepBoost{Lesson: ix.steps[s].lesson, Ref: ix.steps[s].ref, Score: askedWeight * score[s] / top}
	}
	return out
}

// askedCache is the index of the index version last searched.
type askedCache struct {
	mu      sync.Mutex
	version int64
	index   *askedIndex
}

// boosts returns the steps closest to the question q, read in lang, by the
// questions they list, and the index version whose steps they are.
func (c *askedCache) boosts(q, lang string) ([]store.StepBoost, int64) {
	c.mu.Lock()
	ix, version := c.index, c.version
	c.mu.Unlock()
	return ix.boosts(q, lang), version
}

// read indexes the questions of the steps of index version, from db,
// unless they are already.
func (c *askedCache) read(ctx context.Context, db SearchStore, version int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index != nil && c.version == version {
		return nil
	}
	steps, err := db.StepQuestions(ctx, version)
	if err != nil {
		return fmt.Errorf("index the steps' questions: %w", err)
	}
	c.index, c.version = newAskedIndex(steps), version
	return nil
}
