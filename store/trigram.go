package store

import (
	"strings"
	"sync"
	"unicode"
)

// wordSimilarity is pg_trgm's word_similarity(a, b), computed here rather
// than in Postgres: a search scores the tags of every lesson it finds,
// and Postgres cut both strings into trigrams again for each one.
//
// It is the greatest similarity between the trigrams of a and those of a
// run of consecutive trigrams of b: shared / (a's + the run's − shared),
// counting distinct trigrams. A word is lower-cased and padded with two
// spaces before and one after, as pg_trgm does. pg_trgm hashes trigrams of
// multi-byte characters to three bytes; here they are compared whole, which
// differs only when two hashes collide.
func wordSimilarity(a, b string) float32 {
	return similarityTo(a).to(cutTrigrams(b))
}

// trigram is three characters, 21 bits each.
type trigram int64

// trigramSeq is the trigrams of a text in order: idx numbers them, the
// same number for the same trigram, and distinct[i] is the trigram
// numbered i.
type trigramSeq struct {
	idx      []int
	distinct []trigram
}

// cutTrigrams returns the trigrams of s's words in order.
func cutTrigrams(s string) trigramSeq {
	var seq trigramSeq
	ids := map[trigram]int{}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		a, b := ' ', ' '
		add := func(c rune) {
			t := trigram(a)<<42 | trigram(b)<<21 | trigram(c)
			id, ok := ids[t]
			if !ok {
				id = len(seq.distinct)
				ids[t] = id
				seq.distinct = append(seq.distinct, t)
			}
			seq.idx = append(seq.idx, id)
			a, b = b, c
		}
		for _, c := range strings.ToLower(w) {
			add(c)
		}
		add(' ')
	}
	return seq
}

// trigramQuery is the distinct trigrams of a query.
type trigramQuery map[trigram]bool

// similarityTo returns a's trigrams, to compare with texts'.
func similarityTo(a string) trigramQuery {
	q := trigramQuery{}
	for _, t := range cutTrigrams(a).distinct {
		q[t] = true
	}
	return q
}

// to returns the word similarity of q to the text cut into seq.
func (q trigramQuery) to(seq trigramSeq) float32 {
	if len(q) == 0 {
		return 0
	}
	found := make([]bool, len(seq.distinct))
	for i, t := range seq.distinct {
		found[i] = q[t]
	}
	return bestRun(seq.idx, found, len(q))
}

// bestRun returns the best similarity of a run of the trigram sequence idx
// (numbers of distinct trigrams; found[i] when the query has trigram i,
// and want distinct trigrams in all). A run ends at a shared trigram; its
// start moves right while that raises the similarity, and later runs start
// no earlier, as in pg_trgm's iterative search.
func bestRun(idx []int, found []bool, want int) float32 {
	sml := func(shared, run int) float32 { return float32(shared) / float32(want+run-shared) }
	last := make([]int, len(found)) // last position of each trigram in the run, or -1
	for i := range last {
		last[i] = -1
	}
	var best float32
	lower, distinct, shared := -1, 0, 0
	for i, id := range idx {
		if lower >= 0 || found[id] {
			if last[id] < 0 {
				distinct++
				if found[id] {
					shared++
				}
			}
			last[id] = i
		}
		if !found[id] {
			continue
		}
		if lower == -1 {
			lower, distinct = i, 1
		}
		cur := sml(shared, distinct)
		d, s, from := distinct, shared, lower
		for l := lower; l <= i; l++ {
			if t := sml(s, d); t > cur {
				cur, distinct, shared, lower = t, d, s, l
			}
			if last[idx[l]] == l {
				d--
				if found[idx[l]] {
					s--
				}
			}
		}
		best = max(best, cur)
		for l := from; l < lower; l++ {
			if last[idx[l]] == l {
				last[idx[l]] = -1
			}
		}
	}
	return best
}

// tagTrigrams keeps the trigrams of the lessons' tags, which few texts
// share, so a search does not cut them again.
type tagTrigrams struct {
	mu   sync.Mutex
	seqs map[string]trigramSeq
}

// maxTagTexts bounds the tags kept; past it the cache starts again.
const maxTagTexts = 20000

// of returns the trigrams of tags.
func (c *tagTrigrams) of(tags string) trigramSeq {
	c.mu.Lock()
	defer c.mu.Unlock()
	seq, ok := c.seqs[tags]
	if !ok {
		if c.seqs == nil || len(c.seqs) >= maxTagTexts {
			c.seqs = map[string]trigramSeq{}
		}
		seq = cutTrigrams(tags)
		c.seqs[tags] = seq
	}
	return seq
}
