package assistant

import (
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"

	"github.com/bottega-app/bottega/store"
)

// Steps are also ranked by how close a question is to the questions they
// list, how learners ask what each answers: BM25 over the listed questions,
// each one a document, the words read as the field model reads them
// (glossary applied, stemmed). A step's closeness sums its askedPerStep
// closest questions', each counting less than the one before: a step that
// several listed questions come close to is likelier the one asked about
// than a step with one question that shares a word; and a step listing
// many questions is not diluted by those about its other points, as one
// document of them all would be. The closest steps are searched whatever
// words they share with the lesson's text, and their score is raised in
// proportion to their closeness. A question asked as a step's listed ones
// are asked ("how often should I post?") finds that step even when the
// step's own text says it otherwise ("a steady rhythm"). A question in
// Spanish, French, German or Polish is also compared with the questions
// steps list in its language (see askedIndexes), whose words the lessons,
// written in Italian and English, never have.
const (
	// askedK1 and askedB are BM25's term-frequency saturation and
	// length normalisation, at their usual values.
	askedK1, askedB = 1.2, 0.75
	// askedWeight is what the closest step's score gains when it is at
	// least askedFull times as close as a listed question that is the
	// question itself; a step less close, and the next, gain in
	// proportion to their closeness. Tuned on the tuning halves of
	// assistant/eval (see bottega eval). With twenty-four questions a
	// step in Italian and English, 0.35, 0.4, 0.45, 0.5 and 0.55
	// answered 1,330, 1,337, 1,339, 1,345 and 1,342 of the 1,653
	// questions of the tuning halves that askedPerStep names; once the
	// offline answer no longer counted a lesson's keywords as words that
	// tell nothing (see quote), 0.4, 0.45 and 0.5 answered 1,343, 1,344
	// and 1,348.
	askedWeight = 0.5
	// askedFull is that closeness. Once the closest step gained all of
	// askedWeight however little it was close ("che lampada usa la nonna
	// Pina?" raised a step whose questions say "nonna" above the clip of
	// a video that names her); with a dozen questions a step in Italian
	// and English, some step is always close to a question's every
	// word. On the tuning halves of questions.yaml, fresh.yaml,
	// steps.yaml and translated.yaml, 1, 1.5 and 2 answered 1,307, 1,300
	// and 1,285 of their 1,653 (1,309 without; 1,252 without the six more
	// questions); only 2 keeps the clip first with a margin. A question
	// in Spanish, French, German or Polish is held to askedOther times
	// that, since its own language's questions count so much (alike):
	// 1,289, three more of translated.yaml's.
	askedFull = 2
	// askedSteps is how many of the closest steps are raised.
	askedSteps = 10
	// askedPerStep is how many of a step's listed questions, the
	// closest, make its closeness, and askedDecay how much each counts
	// relative to the one before it. Tuned on the tuning half: the
	// closest alone, or all of them, rank worse. The decay keeps a step
	// with many questions on its lesson's subject ("rispondere a una
	// recensione") from outweighing, by their number alone, the one
	// whose question also has the learner's rarer word ("negativa").
	// Chosen again (0.7 before) when the built-in steps came to have
	// three more questions each in Italian and English (askedmore.go):
	// on the tuning halves, 0.7, 0.85 and 1 answered 227, 231 and 228 of
	// questions.yaml's 260, and 354, 353 and 356 of steps.yaml's 498
	// read. With six more each, the closest eight count (five before): on
	// the tuning halves, five and eight answered 225 and 230 of
	// questions.yaml's 260, 206 and 204 of fresh.yaml's 259, and 724 and
	// 735 of steps.yaml's 996; decays of 0.6 to 0.9 and weights of 0.25
	// to 0.35 moved each by a few questions either way. With twelve each
	// in Italian and English, the closest twelve count (eight before) and
	// the weight is 0.35 (0.3): on the tuning halves of questions.yaml,
	// fresh.yaml, steps.yaml and translated.yaml, eight at 0.3 answered
	// 1,305 of their 1,653, twelve at 0.3 and at 0.35 1,309, and twelve
	// at 0.35 had the answering lesson among the five best passages of
	// three more; five, ten, and decays of 0.8 and 0.9 answered 1,296 to
	// 1,309 (all before askedFull and minAskedShare 0.4, below). With
	// eighteen each, the closest sixteen count and the weight is 0.4:
	// the same halves answered 1,318 with twelve at 0.35, 1,320 and 1,321
	// with eighteen and sixteen at 0.35, 1,324 with twelve at 0.4, and
	// 1,326 with sixteen at 0.4. Decays of 0.9 and 0.95 answered up to
	// 1,329, but let a step outweigh by its number of questions alone
	// (TestAskedIndexClosestQuestionsCount). With twenty-four each,
	// still sixteen: twenty and twenty-four answered 1,335 and 1,337 at
	// 0.4, as sixteen did, and twenty at 0.5 1,346, one more than
	// sixteen; a decay of 0.8 answered 1,329.
	askedPerStep, askedDecay = 16, 0.85
	// askedOther is what a question listed in a language its lesson is
	// not written in counts, relative to one in the lesson's: its words
	// are the learner's own, and a question asked with its language's
	// everyday words ("zdjęcia produktów") comes close to many steps.
	// Tuned on the tuning halves of assistant/eval/questions.yaml and
	// translated.yaml: 0.3, 0.5, 0.7 and 1 answered 83, 86, 84 and 82 of
	// their 181 questions in Spanish, French, German and Polish, 82
	// without these questions. Chosen again when the asked folder came
	// to have twelve questions for each step in each of those languages
	// (see askedmore.go): 0.5, 0.7 and 1 answered 119, 121 and 121 of
	// the 181, 110 without them; at 1, the answering lesson was among
	// the five best passages of fewer of questions.yaml's. Chosen again
	// when they came to say the second six Italian and English questions
	// of each step too (24 for each step in each of those languages): 0.5,
	// 0.6, 0.7 and 0.85 answered 333, 331, 330 and 330 of the 398
	// questions of both tuning halves, 322 at 0.7 without the six more.
	askedOther = 0.5
)

// askedIndex ranks steps by their listed questions.
type askedIndex struct {
	steps []askedStep
	// step is, for each listed question, its step (an index in steps).
	step []int
	// postings are, by stem, the listed questions that have it, each
	// with the stem's BM25 weight in it.
	postings map[string][]askedPosting
	// idf is each stem's, and unseen a stem's no listed question has.
	idf    map[string]float64
	unseen float64
	// alike is what a listed question in the language of the questions
	// compared with this index counts: 1, or askedOther for an index of
	// another language's questions too (see askedIndexes).
	alike float64
	// scratch holds *askedScratch, sized for this index.
	scratch sync.Pool
}

// askedScratch is what boosts and share sum in: closeness by listed
// question, and the stems share found in it, nearest by step, all zero
// between questions; questions and steps are the entries a question
// touched, to clear after it.
type askedScratch struct {
	closeness []float64
	shared    []int
	nearest   [][askedPerStep]float64
	questions []int
	steps     []int
}

type askedStep struct {
	lesson, ref string
	passages    []int64 // in every locale
}

type askedPosting struct {
	question int
	weight   float64
}

// newAskedIndex indexes the questions of steps.
func newAskedIndex(steps []store.StepQuestions) *askedIndex {
	return indexAsked(steps, fieldWords)
}

// indexAsked indexes the questions of steps, read by words (fieldWords,
// or the stems it gave a question already; see askedIndexes).
func indexAsked(steps []store.StepQuestions, words func(q, lang string) map[string]bool) *askedIndex {
	ix := &askedIndex{postings: map[string][]askedPosting{}, alike: 1}
	passages := map[[2]string][]int64{}
	for _, s := range steps {
		k := [2]string{s.Lesson, s.Ref}
		if !slices.Contains(passages[k], s.ID) {
			passages[k] = append(passages[k], s.ID)
		}
	}
	byStep := map[[2]string]int{}
	var (
		questions []map[string]bool // the stems of each listed question
		scale     []float64         // and what its closeness counts
	)
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
		}
		for _, q := range s.Questions {
			questions = append(questions, words(q, s.Locale))
			if apartAsked(s) {
				scale = append(scale, askedOther)
			} else {
				scale = append(scale, 1)
			}
			ix.step = append(ix.step, i)
		}
	}
	n, total, df := float64(len(questions)), 0, map[string]int{}
	for _, q := range questions {
		total += len(q)
		for w := range q {
			df[w]++
		}
	}
	avgLen := float64(total) / max(n, 1)
	ix.idf, ix.unseen = map[string]float64{}, math.Log(1+(n+0.5)/0.5)
	for i, q := range questions {
		// A stem counts once in a question: its term frequency is 1.
		norm := 1 - askedB + askedB*float64(len(q))/avgLen
		tf := (askedK1 + 1) / (1 + askedK1*norm)
		// In a fixed order, so that the postings are too.
		for _, w := range slices.Sorted(maps.Keys(q)) {
			idf := math.Log(1 + (n-float64(df[w])+0.5)/(float64(df[w])+0.5))
			ix.idf[w] = idf
			ix.postings[w] = append(ix.postings[w], askedPosting{question: i, weight: idf * tf * scale[i]})
		}
	}
	ix.scratch.New = func() any {
		return &askedScratch{closeness: make([]float64, len(ix.step)), shared: make([]int, len(ix.step)), nearest: make([][askedPerStep]float64, len(ix.steps))}
	}
	return ix
}

// boosts returns the steps closest to the question q, read in lang, with
// what their score gains, closest first.
func (ix *askedIndex) boosts(q, lang string) []store.StepBoost {
	if ix == nil || len(ix.steps) == 0 {
		return nil
	}
	// Summed in slices rather than maps: a common word's postings are
	// thousands of questions. The slices, as long as the index's
	// questions and steps, are kept for the next question.
	sc := ix.scratch.Get().(*askedScratch)
	defer ix.scratch.Put(sc)
	closeness, nearest := sc.closeness, sc.nearest
	questions, steps := sc.questions[:0], sc.steps[:0] // those close at all
	defer func() {
		for _, qi := range questions {
			closeness[qi] = 0
		}
		for _, s := range steps {
			nearest[s] = [askedPerStep]float64{}
		}
		sc.questions, sc.steps = questions, steps
	}()
	// total is how close a listed question that is the question itself
	// would be, if of the average length: the idf of its stems, a stem no
	// listed question has counting as the rarest.
	total := 0.0
	for _, w := range slices.Sorted(maps.Keys(fieldWords(q, lang))) {
		idf, ok := ix.idf[w]
		if !ok {
			idf = ix.unseen
		}
		total += idf
		for _, p := range ix.postings[w] {
			if closeness[p.question] == 0 {
				questions = append(questions, p.question)
			}
			closeness[p.question] += p.weight
		}
	}
	// Each step keeps its askedPerStep closest questions' closeness,
	// closest first, and sums them, each weighing askedDecay times the
	// one before.
	for _, qi := range questions {
		c, s := closeness[qi], ix.step[qi]
		top := &nearest[s]
		if top[0] == 0 {
			steps = append(steps, s)
		}
		for i := range top {
			if c > top[i] {
				copy(top[i+1:], top[i:len(top)-1])
				top[i] = c
				break
			}
		}
	}
	score := func(s int) float64 {
		sum, weight := 0.0, 1.0
		for _, c := range nearest[s] {
			sum += weight * c
			weight *= askedDecay
		}
		return sum
	}
	// The closest askedSteps, the first step first among equals.
	type scored struct {
		step  int
		score float64
	}
	var ranked []scored
	for _, s := range steps {
		x := scored{s, score(s)}
		at, _ := slices.BinarySearchFunc(ranked, x, func(r, x scored) int { return cmp.Or(cmp.Compare(x.score, r.score), cmp.Compare(r.step, x.step)) })
		if at < askedSteps {
			ranked = slices.Insert(ranked, at, x)
			ranked = ranked[:min(len(ranked), askedSteps)]
		}
	}
	if len(ranked) == 0 {
		return nil
	}
	top := max(ranked[0].score, askedFull*ix.alike*total)
	out := make([]store.StepBoost, len(ranked))
	for i, r := range ranked {
		st := ix.steps[r.step]
		out[i] = store.StepBoost{Lesson: st.lesson, Ref: st.ref, Passages: st.passages, Score: askedWeight * r.score / top}
	}
	return out
}

// minAskedShare is the least share of a question's information (see
// askedIndex.share) that one listed question must have for the lessons to
// cover the question, when its step is among those found. Chosen on the
// tuning halves of assistant/eval: at 0.3, false "not covered" fell from
// 5 to 4 of questions.yaml's 260, from 36 to 29 of the 498 of steps.yaml
// numbered 0 or 1, and from 17 to 16 of translated.yaml's 138, and no
// more off-topic, injection, legal or personal question was answered; at
// 0.25, one more off-topic question was. Raised to 0.4 when the built-in
// steps came to have twelve questions each in Italian and English: with
// twice as many, "domani arriva il finimondo, cosa facciamo?" was covered
// by a question on a phishing mail that "arriva" by "domani". On the
// tuning halves of questions.yaml, fresh.yaml, steps.yaml and
// translated.yaml, 0.4 answered two fewer of their 1,653 and declared two
// more not covered.
const minAskedShare = 0.4

// share returns the largest share of the information of the question q,
// read in lang, that one listed question has (the idf of the stems they
// share over the idf of the question's), and that question's step. A
// listed question that shares one stem of several is not asked as q is:
// "mi consigli una pizzeria?" is no question about a pizzeria's post
// because one listed question names one.
func (ix *askedIndex) share(q, lang string) (float64, askedStep) {
	if ix == nil || len(ix.steps) == 0 {
		return 0, askedStep{}
	}
	// Summed in the slice boosts sums in.
	sc := ix.scratch.Get().(*askedScratch)
	defer ix.scratch.Put(sc)
	matched, shared, touched := sc.closeness, sc.shared, sc.questions[:0]
	defer func() {
		for _, qi := range touched {
			matched[qi], shared[qi] = 0, 0
		}
		sc.questions = touched
	}()
	total := 0.0
	stems := slices.Sorted(maps.Keys(fieldWords(q, lang)))
	for _, w := range stems {
		idf, ok := ix.idf[w]
		if !ok {
			total += ix.unseen
			continue
		}
		total += idf
		for _, p := range ix.postings[w] {
			if matched[p.question] == 0 {
				touched = append(touched, p.question)
			}
			matched[p.question] += idf
			shared[p.question]++
		}
	}
	// The closest question, the first among equals.
	best, question, least := 0.0, -1, min(2, len(stems))
	for _, i := range touched {
		if shared[i] < least {
			continue
		}
		if m := matched[i]; m > best || m == best && i < question {
			best, question = m, i
		}
	}
	if question < 0 {
		return 0, askedStep{}
	}
	return best / total, ix.steps[ix.step[question]]
}

// apartAsked reports whether a step's questions are in a language other
// than those the lessons are searched in (see searchedLocales): compared
// with questions in their language only, and counting askedOther.
func apartAsked(s store.StepQuestions) bool {
	return s.Other || !slices.Contains(searchedLocales, s.Locale)
}

// askedIndexes indexes the questions of steps, and those moreAsked has
// for them, for each language a question may be asked in: the Italian and
// English questions under "", and for each other language steps list
// questions in, those and that language's. A question in that language is
// compared with both (the glossary reads its words as the lessons'); a
// question in another is never compared with them: a Spanish question
// listed by a lesson written in Spanish too ("vender por instagram")
// shares stems with Italian ones ("vendere"), and would draw Italian
// questions to its step by words that are not theirs.
func askedIndexes(steps []store.StepQuestions) map[string]*askedIndex {
	steps = withMoreAsked(steps, moreAsked)
	var own []store.StepQuestions
	other := map[string][]store.StepQuestions{}
	for _, s := range steps {
		if apartAsked(s) {
			other[s.Locale] = append(other[s.Locale], s)
		} else {
			own = append(own, s)
		}
	}
	// Each index of another language has the Italian and English
	// questions too: read them once (most of the time it takes).
	read := map[[2]string]map[string]bool{}
	words := func(q, lang string) map[string]bool {
		k := [2]string{lang, q}
		w, ok := read[k]
		if !ok {
			w = fieldWords(q, lang)
			read[k] = w
		}
		return w
	}
	out := map[string]*askedIndex{"": indexAsked(own, words)}
	for lang, ss := range other {
		ix := indexAsked(append(slices.Clip(own), ss...), words)
		ix.alike = askedOther
		out[lang] = ix
	}
	return out
}

// askedCache is the index of the index version last searched.
type askedCache struct {
	mu      sync.Mutex
	version int64
	indexes map[string]*askedIndex // see askedIndexes
	// listed are the stems of the questions the steps list themselves.
	listed map[string]bool
}

// index returns the index a question in lang is compared with (see
// askedIndexes), and the index version whose steps it has.
func (c *askedCache) index(lang string) (*askedIndex, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ix, ok := c.indexes[lang]
	if !ok {
		ix = c.indexes[""]
	}
	return ix, c.version
}

// boosts returns the steps closest to the question q, read in lang, by the
// questions they list, and the index version whose steps they are.
func (c *askedCache) boosts(q, lang string) ([]store.StepBoost, int64) {
	ix, version := c.index(lang)
	return ix.boosts(q, lang), version
}

// share returns askedIndex.share for the question q, read in lang.
func (c *askedCache) share(q, lang string) (float64, askedStep) {
	ix, _ := c.index(lang)
	return ix.share(q, lang)
}

// stems returns the stems of the questions the steps of index version
// list themselves, in every language, read from db unless they are
// already: not those of the asked folder, whose many questions, said
// again in six languages, bring so many everyday words that a question
// of another field ("il caciocavallo ha la muffa, lo butto?") would seem
// to speak the lessons' language (see unfamiliar).
func (c *askedCache) stems(ctx context.Context, db SearchStore, version int64) (map[string]bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.readLocked(ctx, db, version); err != nil {
		return nil, err
	}
	return maps.Clone(c.listed), nil
}

// read indexes the questions of the steps of index version, from db,
// unless they are already.
func (c *askedCache) read(ctx context.Context, db SearchStore, version int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.readLocked(ctx, db, version)
}

// readLocked is read, with c.mu held.
func (c *askedCache) readLocked(ctx context.Context, db SearchStore, version int64) error {
	if c.indexes != nil && c.version == version {
		return nil
	}
	steps, err := db.StepQuestions(ctx, version)
	if err != nil {
		return fmt.Errorf("index the steps' questions: %w", err)
	}
	c.indexes, c.listed = indexedAsked(steps)
	c.version = version
	return nil
}

// lastAsked is what indexedAsked built last, with the digest of the steps
// it built it from.
var lastAsked struct {
	sync.Mutex
	digest  [sha256.Size]byte
	indexes map[string]*askedIndex
	listed  map[string]bool
}

// indexedAsked returns askedIndexes(steps) and the stems of the questions
// steps list. The retrievers of a process that read the same steps share
// them, as they only read them: `bottega eval` asks through an assistant
// and searches through a retriever of its own; the tests build many an
// assistant over the built-in lessons.
func indexedAsked(steps []store.StepQuestions) (map[string]*askedIndex, map[string]bool) {
	h := sha256.New()
	for _, s := range steps {
		fmt.Fprintf(h, "%d %q %q %q %t %d\n", s.ID, s.Lesson, s.Ref, s.Locale, s.Other, len(s.Questions))
		for _, q := range s.Questions {
			fmt.Fprintf(h, "%q\n", q)
		}
	}
	var digest [sha256.Size]byte
	h.Sum(digest[:0])
	lastAsked.Lock()
	defer lastAsked.Unlock()
	if lastAsked.indexes != nil && lastAsked.digest == digest {
		return lastAsked.indexes, lastAsked.listed
	}
	listed := map[string]bool{}
	for _, st := range steps {
		for _, q := range st.Questions {
			maps.Copy(listed, fieldWords(q, st.Locale))
		}
	}
	lastAsked.digest, lastAsked.indexes, lastAsked.listed = digest, askedIndexes(steps), listed
	return lastAsked.indexes, listed
}
