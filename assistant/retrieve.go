package assistant

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
)

// SearchStore is what retrieval needs from the database.
type SearchStore interface {
	SearchPassages(ctx context.Context, q store.PassageQuery) ([]bottega.PassageHit, error)
	LessonTopics(ctx context.Context, version int64) ([]store.LocaleText, error)
	StepQuestions(ctx context.Context, version int64) ([]store.StepQuestions, error)
	PassageWords(ctx context.Context, version int64) ([]string, error)
	PassageVersion(ctx context.Context) (int64, error)
}

// Retriever finds the passages of the curriculum that answer a question.
type Retriever struct {
	db   SearchStore
	lang *langDetector
	// emb, if set, ranks the passages by meaning too.
	emb *Embedder
	// fields tells questions about other fields.
	fields *fieldCache
	// asked finds the steps that list questions like the learner's.
	asked *askedCache
}

// NewRetriever returns a Retriever over db.
func NewRetriever(db SearchStore) *Retriever {
	return &Retriever{db: db, lang: newLangDetector(), fields: &fieldCache{}, asked: &askedCache{}}
}

// Warm reads what a question needs besides the search (the steps' listed
// questions, the field model) for the index version searched, so the first
// question after a start does not wait for them.
func (r *Retriever) Warm(ctx context.Context) error {
	version, err := r.db.PassageVersion(ctx)
	if err != nil || version == 0 {
		return err
	}
	if err := r.asked.read(ctx, r.db, version); err != nil {
		return err
	}
	_, err = r.fields.model(ctx, r.db, r.asked, version)
	return err
}

// maxQueryWords bounds the words of a question that are searched for.
const maxQueryWords = 32

// Query is a question to search for, with what the conversation tells
// about it.
type Query struct {
	Text string
	// Locale is the learner's interface language: a hint for the
	// question's own, which decides how it is searched.
	Locale string
	// Role favours the lessons meant for it.
	Role string
	// Previous is the learner's previous question, if recent: a short
	// follow-up ("and how much does it cost?") is searched with it.
	Previous string
	Limit    int
}

// Found is what retrieval found for a Query.
type Found struct {
	Hits []bottega.PassageHit
	// Lang is the language the question was read in.
	Lang string
	// Covered reports whether the best passage answers enough of the
	// question for an answer from the passages alone, and the question
	// does not try to change the assistant's instructions.
	Covered bool
	// Elsewhere reports whether the question is about another field than
	// the lessons' by the words it uses (see fieldModel), and no passage
	// matches most of it: without an LLM it is declined; an LLM judges
	// it.
	Elsewhere bool
	// FollowUp reports whether the question was searched with the
	// previous one.
	FollowUp bool
	// More are other passages of the best lesson, for an answer that
	// quotes the steps of that lesson that answer best.
	More []bottega.PassageHit
}

// Find returns the passages that answer q, best first.
func (r *Retriever) Find(ctx context.Context, q Query) (Found, error) {
	lang := r.lang.detect(q.Text, q.Locale)
	cands, err := r.search(ctx, lang, q.Locale, q.Role, q.Text, q.Limit)
	if err != nil {
		return Found{}, err
	}
	// The best candidates are the hits; any candidate may show that the
	// lessons cover the question.
	hits := cands[:min(len(cands), q.Limit)]
	var field *fieldModel
	if len(hits) > 0 {
		if field, err = r.fields.model(ctx, r.db, r.asked, hits[0].VersionID); err != nil {
			return Found{}, err
		}
	}
	refused := declined(q.Text)
	f := Found{Hits: hits, Lang: lang, Covered: (coversPlaced(cands, lang, unplaced(q.Text)) || namesTitle(cands, q.Text, lang)) && !refused, Elsewhere: elsewhere(field, cands, q.Text, lang)}
	if !f.Covered && !refused {
		// A message that tells what happened before it asks ("allerta
		// rossa x domani, il torrente è già alto. cosa pubblico
		// stasera?") shares a small part of its words with the step
		// that answers: the lessons cover it if they cover what it asks.
		// Their words decide: passages found by meaning alone never
		// cover a question, so no embedding is asked for.
		if asking := askingClauses(q.Text); len(asking) > 0 {
			a := strings.Join(asking, " ")
			ac, err := r.byWords(ctx, queryWords(withoutTrade(a, q.Role), lang, maxQueryWords), lang, q.Locale, q.Role, a, 2*q.Limit)
			if err != nil {
				return Found{}, err
			}
			f.Covered = covers(ac, lang)
		}
	}
	if !f.Covered && !refused {
		// A question asked as a step found lists one is covered,
		// whatever words it shares with the lessons' text.
		share, step := r.asked.share(q.Text, lang)
		f.Covered = share >= minAskedShare && slices.ContainsFunc(cands, func(h bottega.PassageHit) bool {
			return h.LessonID == step.lesson && h.Ref == step.ref
		})
	}
	cue := goesOn(q.Text, lang)
	if q.Previous == "" || f.Covered && !cue && len(terms(q.Text, lang)) > maxFollowUp {
		return f, r.more(ctx, &f, q, moreQuestion)
	}
	// A short question, one that goes on from the previous ("and if…"),
	// or one the lessons do not answer alone, may be about the previous
	// one.
	moreCands, err := r.search(ctx, lang, q.Locale, q.Role, q.Previous+" "+q.Text, q.Limit)
	if err != nil {
		return Found{}, err
	}
	more := moreCands[:min(len(moreCands), q.Limit)]
	if refused {
		return f, nil
	}
	// A question the lessons answer alone, that does not say it goes on,
	// keeps its own subject: the previous one may only sharpen the ranking
	// within the lesson it found.
	sharpens := f.Covered && covers(more, lang) && best(more) > best(hits) && more[0].LessonID == hits[0].LessonID
	// One the lessons do not answer alone, that does not say it goes on,
	// is taken with the previous one only if it brings most of its own
	// words (or those the glossary searches for them) to what that finds:
	// "mi consigli una pizzeria?" after a question on a hacked account is
	// another subject.
	elliptic := cue || len(more) > 0 && bringsOwn(q.Text, lang, more[0])
	// A short one the lessons answer alone that brings its words to what
	// the previous one found asks about that ("quanto costa?" after a
	// question on Google Maps).
	about := f.Covered && !cue && elliptic && covers(more, lang) && best(more) > best(hits)
	if cue && covers(more, lang) || !f.Covered && elliptic && best(more) > best(hits) || sharpens || about {
		f = Found{Hits: more, Lang: lang, Covered: covers(moreCands, lang), Elsewhere: elsewhere(field, moreCands, q.Previous+" "+q.Text, lang), FollowUp: true}
	}
	return f, r.more(ctx, &f, q, moreQuestion)
}

// bringsOwn reports whether the question q, read in lang, brings the
// passage h most of its own terms (a word, or one the glossary searches
// for it), or has none to bring ("si può?"). Common words matched
// ("someone" and "last" in "what if someone cancels last minute?") are
// not enough.
func bringsOwn(q, lang string, h bottega.PassageHit) bool {
	in := stems(h.Title + " " + h.Body + " " + h.Keywords)
	own, matched := 0, 0
	for _, t := range terms(q, lang) {
		content, found := false, false
		for _, w := range t {
			if len([]rune(w)) < 4 || filler[w] || functionWords[w] {
				continue
			}
			content = true
			found = found || in[stem(w)]
		}
		if content {
			own++
			if found {
				matched++
			}
		}
	}
	return 2*matched > own || own == 0
}

// minOwnText is the share of a question's information that a passage
// must match for the question to be its lesson's, whatever other fields
// use its words: a lesson on glazes answers how to glaze.
const minOwnText = 0.5

// elsewhere reports whether the question q, read in lang, is about another
// field than the lessons' (by the field model m), and none of hits matches
// most of it.
func elsewhere(m *fieldModel, hits []bottega.PassageHit, q, lang string) bool {
	// The places a question names are not searched (see places), but
	// they are part of what it asks here: "what is there to see in Siena
	// in two days?" is not the lessons' because they have "two days".
	share := unplaced(q)
	for _, h := range hits {
		if h.Text*share >= minOwnText {
			return false
		}
	}
	return m.elsewhere(q, lang)
}

// unplaced returns the share of the words of q that say something (four
// letters or more, no filler, no function word) that are not places.
func unplaced(q string) float64 {
	n, placed := 0, 0
	for _, w := range words(q) {
		if len([]rune(w)) < 4 || filler[w] || functionWords[w] {
			continue
		}
		n++
		if places[w] {
			placed++
		}
	}
	if n == 0 {
		return 1
	}
	return float64(n-placed) / float64(n)
}

// minTitleText is the least share of a question's information that a
// passage must match for a question naming its lesson's subject to be
// covered.
const minTitleText = 0.3

// namesTitle reports whether the question names the subject of a lesson
// found (a word of its title: "diretta", "recensioni") and a passage of
// that lesson matches a fair share of it. A lesson's own subject is
// common in its passages, so its idf, the evidence covers weighs, is low.
func namesTitle(hits []bottega.PassageHit, question, lang string) bool {
	q := questionStems(question, lang)
	for _, h := range hits {
		if h.Text < minTitleText {
			continue
		}
		for w := range stems(h.Title) {
			if q[w] {
				return true
			}
		}
	}
	return false
}

// declined reports whether q is no question for the lessons, whatever
// words it shares with them: it tries to change the assistant's
// instructions, asks about going to law or for tax advice, asks to write
// something that accuses or insults someone, or is about another field.
func declined(q string) bool {
	return injection(q) || legalAction(q) || taxAdvice(q) || defames(q) || offTopic(q)
}

// goesOn reports whether a question, read in lang, starts as one that
// goes on from the previous: "e se…", "and what about…", "und wie
// viel…". "a" and "i" are Polish for "and" only: in Italian they are a
// preposition and an article ("i prezzi li metto online?"), and "è",
// folded to "e", is a verb ("è meglio instagram?").
func goesOn(q, lang string) bool {
	ws := words(q)
	if len(ws) == 0 {
		return false
	}
	switch ws[0] {
	case "e":
		return !strings.HasPrefix(strings.ToLower(strings.TrimLeftFunc(q, func(r rune) bool { return !unicode.IsLetter(r) })), "è")
	case "ed", "ma", "and", "but", "und", "aber", "y", "pero", "et", "mais", "ale":
		return true
	case "a", "i":
		return lang == "pl"
	}
	return false
}

// moreQuestion is the question searched within the best lesson.
func moreQuestion(f *Found, q Query) string {
	if f.FollowUp {
		return q.Previous + " " + q.Text
	}
	return q.Text
}

// maxMore bounds the passages of the best lesson fetched for an answer.
const maxMore = 8

// more fetches the best lesson's other passages that match the question.
func (r *Retriever) more(ctx context.Context, f *Found, q Query, question func(*Found, Query) string) error {
	if len(f.Hits) == 0 {
		return nil
	}
	ws := queryWords(withoutTrade(question(f, q), q.Role), f.Lang, maxQueryWords)
	hits, err := r.searchPassages(ctx, question(f, q), store.PassageQuery{
		Words:        ws,
		Locale:       f.Lang,
		Fallback:     searchedLocales,
		FallbackOnly: throughGlossary(f.Lang),
		Show:         showLocales(f.Lang, q.Locale),
		Role:         q.Role,
		Limit:        maxMore,
		PerLesson:    maxMore,
		Lesson:       f.Hits[0].LessonID,
	})
	if err != nil {
		return fmt.Errorf("retrieve passages: %w", err)
	}
	f.More = hits
	return nil
}

// searchPassages searches the passages for sq, question read in sq.Locale,
// the steps that list questions like it raised. The words that name the
// learner's trade are left out of the comparison, as out of the search:
// "for my little bakery" says who asks, and steps that list a bakery's
// questions about something else are no closer for it.
func (r *Retriever) searchPassages(ctx context.Context, question string, sq store.PassageQuery) ([]bottega.PassageHit, error) {
	var have int64
	question = withoutTrade(question, sq.Role)
	sq.Boost, have = r.asked.boosts(question, sq.Locale)
	hits, err := r.db.SearchPassages(ctx, sq)
	if err != nil || len(hits) == 0 || hits[0].VersionID == have {
		return hits, err
	}
	// The lessons were published again since their questions were read:
	// they are read again, and the search too.
	if err := r.asked.read(ctx, r.db, hits[0].VersionID); err != nil {
		return nil, err
	}
	sq.Boost, _ = r.asked.boosts(question, sq.Locale)
	return r.db.SearchPassages(ctx, sq)
}

// Passages returns the hits followed by the passages of More they lack.
func (f Found) Passages() []bottega.PassageHit {
	out := slices.Clone(f.Hits)
	for _, m := range f.More {
		if !slices.ContainsFunc(out, func(h bottega.PassageHit) bool {
			return h.LessonID == m.LessonID && h.Kind == m.Kind && h.Ref == m.Ref
		}) {
			out = append(out, m)
		}
	}
	return out
}

// Search returns up to limit passages for question, best first, read in
// its own language (locale, the learner's, is the hint when its words do
// not tell; lessons without that language are searched in Italian and
// English), favouring the lessons meant for role.
func (r *Retriever) Search(ctx context.Context, locale, role, question string, limit int) ([]bottega.PassageHit, error) {
	hits, err := r.search(ctx, r.lang.detect(question, locale), locale, role, question, limit)
	return hits[:min(len(hits), limit)], err
}

// search searches question read in lang for a learner whose interface is
// in locale. A passage found in several locales is shown in the question's
// language, else the learner's, else in English unless they speak Italian.
// It returns up to twice limit candidates, best first: the steps whose
// listed questions are like this one rank higher, and may push out of the
// first limit a passage that matches more of the question's words, which
// still tells whether the lessons cover it.
func (r *Retriever) search(ctx context.Context, lang, locale, role, question string, limit int) ([]bottega.PassageHit, error) {
	ws := queryWords(withoutTrade(question, role), lang, maxQueryWords)
	if len(ws) == 0 {
		return nil, nil
	}
	// Each ranking brings more candidates than are kept: a passage the
	// other ranks well may be just past the limit of this one.
	n := 2 * limit
	hits, err := r.byWords(ctx, ws, lang, locale, role, question, n)
	hits = keepWordsBest(hits, limit)
	if err != nil || r.emb == nil {
		return hits, err
	}
	// The words' ranking and the meaning's are fused by their ranks;
	// without embeddings (none made yet, or the model failing) the words'
	// ranking stands alone.
	return fuse(n, hits, r.emb.Rank(ctx, lang, showLocales(lang, locale), question, n)), nil
}

// apart reports whether the questions asked one after the other (see
// splitAsked) are about different things: each says enough to be no
// follow-up of the one before (more than maxFollowUp terms), the lessons
// cover each alone, by its words, none is about another field, and the
// lesson each finds first is not among the others' five best passages. "gli rispondo? e come, senza
// fare la guerra?" and "quanto costa google maps? si paga ogni mese?" ask
// one thing twice, and are answered once. Only the words are searched: no
// embedding is asked for while the learner waits for the answer to start.
func (r *Retriever) apart(ctx context.Context, locale, role string, questions []string) (bool, error) {
	var found [][]string // each question's best passages' lessons
	for i, q := range questions {
		lang := r.lang.detect(q, locale)
		if i > 0 && len(terms(q, lang)) <= maxFollowUp {
			return false, nil
		}
		hits, err := r.byWords(ctx, queryWords(withoutTrade(q, role), lang, maxQueryWords), lang, locale, role, q, 2*maxPassages)
		if err != nil {
			return false, err
		}
		hits = keepWordsBest(hits, maxPassages)
		if declined(q) || !covers(hits, lang) {
			return false, nil
		}
		field, err := r.fields.model(ctx, r.db, r.asked, hits[0].VersionID)
		if err != nil {
			return false, err
		}
		if elsewhere(field, hits, q, lang) {
			// "un biglietto del treno? lo compro su whatsapp?" is
			// declined whole, not answered in part.
			return false, nil
		}
		lessons := make([]string, len(hits))
		for k, h := range hits {
			lessons[k] = h.LessonID
		}
		for _, other := range found {
			if slices.Contains(other, lessons[0]) || slices.Contains(lessons, other[0]) {
				return false, nil
			}
		}
		found = append(found, lessons)
	}
	return true, nil
}

// byWords returns up to n passages for question, whose words to search
// are ws, ranked by its words alone: those that tell whether the lessons
// cover it (see covers).
func (r *Retriever) byWords(ctx context.Context, ws []string, lang, locale, role, question string, n int) ([]bottega.PassageHit, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	var asking []string
	if a := askingClauses(question); len(a) > 0 {
		asking = queryWords(withoutTrade(strings.Join(a, " "), role), lang, maxQueryWords)
	}
	hits, err := r.searchPassages(ctx, question, store.PassageQuery{
		Words:        ws,
		Asking:       asking,
		Locale:       lang,
		Fallback:     searchedLocales,
		FallbackOnly: throughGlossary(lang),
		Show:         showLocales(lang, locale),
		Role:         role,
		Limit:        n,
	})
	if err != nil {
		return nil, fmt.Errorf("retrieve passages: %w", err)
	}
	return hits, nil
}

// searchedLocales are the languages the lessons are searched in by words:
// every built-in lesson is written in them, and a question in another is
// read through the glossary into them (see throughGlossary). The typo
// vocabulary, the field model and the listed questions every question is
// compared with are theirs.
var searchedLocales = []string{"it", "en"}

// throughGlossary reports whether a question read in lang is searched in
// the lessons' Italian and English, its words read through the glossary
// (see queryWords), also in the lessons written in lang: those words are
// the learner's and the glossary's, which a lesson's Spanish does not
// have ("reseña" is searched as "recensioni reviews" too), and the
// thresholds that tell whether the lessons cover a question are set for
// that search. The passages found are shown in lang where it is written.
func throughGlossary(lang string) bool { return slices.Contains(glossaryLocales, lang) }

// showLocales are the locales to show a passage in, best first: the
// question's, the learner's, then as the lessons choose theirs (flows:
// English for those who do not speak Italian).
func showLocales(lang, locale string) []string {
	var out []string
	add := func(ls ...string) {
		for _, l := range ls {
			if l != "" && !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	add(lang, locale)
	if locale == "it" {
		add("it", "en")
	}
	add("en", "it")
	return out
}

// wordsKept is how many lessons, the best by the question's words alone,
// keep a passage among the first limit candidates whatever steps the
// asked index raises past them. Chosen on the tuning halves of
// assistant/eval: with 0 (none kept), 1, 2 and 3, the right lesson was
// among the first five for 458, 458, 459 and 455 of the 498 questions of
// steps.yaml's tuning half numbered 0 or 1 (the others are not tuned
// on), and 256, 256, 256 and 255 of questions.yaml's 260.
const wordsKept = 2

// keepWordsBest returns hits, best first, with the best passage of each
// of the wordsKept lessons that rank best by the question's words alone
// (without what the asked index raised: see PassageHit.Raised) among the
// first limit: when they are not, they take the places of the last
// others. The passages given to a model, and those an offline answer
// quotes, are then never all from steps raised for listing questions
// like the learner's, which may be about something close but not it.
func keepWordsBest(hits []bottega.PassageHit, limit int) []bottega.PassageHit {
	if len(hits) <= limit {
		return hits
	}
	byWords := slices.Clone(hits)
	slices.SortStableFunc(byWords, func(a, b bottega.PassageHit) int { return cmp.Compare(b.Score-b.Raised, a.Score-a.Raised) })
	var kept []int64
	var lessons []string
	for _, h := range byWords {
		if len(lessons) == wordsKept {
			break
		}
		if !slices.Contains(lessons, h.LessonID) {
			lessons = append(lessons, h.LessonID)
			kept = append(kept, h.ID)
		}
	}
	in := func(id int64) bool {
		return slices.ContainsFunc(hits[:limit], func(h bottega.PassageHit) bool { return h.ID == id })
	}
	if !slices.ContainsFunc(kept, func(id int64) bool { return !in(id) }) {
		return hits
	}
	first, rest := make([]bottega.PassageHit, 0, len(hits)), []bottega.PassageHit{}
	placed := 0
	for _, h := range hits {
		keep := slices.Contains(kept, h.ID)
		// The others take the places the kept ones still to come
		// leave free.
		if len(first) < limit && (keep || limit-len(first) > len(kept)-placed) {
			first = append(first, h)
			if keep {
				placed++
			}
			continue
		}
		rest = append(rest, h)
	}
	return append(first, rest...)
}
