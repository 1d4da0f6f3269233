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
	steps []askedStep
	// postings are, by stem, the steps whose questions have it, each
	// with the stem's BM25 weight in them.
	postings map[string][]askedPosting
}

type askedStep struct {
	lesson, ref string
	passages    []int64 // in every locale
}

type askedPosting struct {
	step   int
	weight float64
}

// newAskedIndex indexes the questions of steps.
func newAskedIndex(steps []store.StepQuestions) *askedIndex {
	ix := &askedIndex{postings: map[string][]askedPosting{}}
	passages := map[[2]string][]int64{}
	for _, s := range steps {
		k := [2]string{s.Lesson, s.Ref}
		passages[k] = append(passages[k], s.ID)
	}
	byStep := map[[2]string]int{}
	var tfs []map[string]int
	var lens []int // the stems of each step's questions, repeats counted
	for _, s := range steps {
		if len(s.Questions) == 0 {
			continue
		}
		k := [2]string{s.Lesson, s.Ref}
		i, ok := byStep[k]
		if !ok {
			i = len(ix.steps)
			byStep[k] = i
			ix.steps = append(ix.steps, askedStep{lesson: s.Lesson, ref: s.Ref, passages: passages[k]})
			tfs, lens = append(tfs, map[string]int{}), append(lens, 0)
		}
		for _, q := range s.Questions {
			for w := range fieldWords(q, s.Locale) {
				tfs[i][w]++
				lens[i]++
			}
		}
	}
	n, total, df := float64(len(ix.steps)), 0, map[string]int{}
	for i, tf := range tfs {
		total += lens[i]
		for w := range tf {
			df[w]++
		}
	}
	avgLen := float64(total) / max(n, 1)
	for i, tf := range tfs {
		norm := 1 - askedB + askedB*float64(lens[i])/avgLen
		// In a fixed order, so that the postings are too.
		for _, w := range slices.Sorted(maps.Keys(tf)) {
			idf := math.Log(1 + (n-float64(df[w])+0.5)/(float64(df[w])+0.5))
			f := float64(tf[w])
			ix.postings[w] = append(ix.postings[w], askedPosting{step: i, weight: idf * f * (askedK1 + 1) / (f + askedK1*norm)})
		}
	}
	return ix
}

// boosts returns the steps closest to the question q, read in lang, with
// what their score gains, closest first.
func (ix *askedIndex) boosts(q, lang string) []store.StepBoost {
	if ix == nil || len(ix.steps) == 0 {
		return nil
	}
	score := make([]float64, len(ix.steps))
	var found []int
	for _, w := range slices.Sorted(maps.Keys(fieldWords(q, lang))) {
		for _, p := range ix.postings[w] {
			if score[p.step] == 0 {
				found = append(found, p.step)
			}
			score[p.step] += p.weight
		}
	}
	// The closest askedSteps, kept in order as they are found.
	var ranked []int
	for _, s := range found {
		at, _ := slices.BinarySearchFunc(ranked, s, func(r, s int) int { return cmp.Or(cmp.Compare(score[s], score[r]), cmp.Compare(r, s)) })
		if at < askedSteps {
			ranked = slices.Insert(ranked, at, s)
			ranked = ranked[:min(len(ranked), askedSteps)]
		}
	}
	if len(ranked) == 0 {
		return nil
	}
	top := score[ranked[0]]
	out := make([]store.StepBoost, len(ranked))
	for i, s := range ranked {
		st := ix.steps[s]
		out[i] = store.StepBoost{Lesson: st.lesson, Ref: st.ref, Passages: st.passages, Score: askedWeight * score[s] / top}
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
