package assistant

import (
	"slices"
	"testing"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
)

// A question is closest to the step that lists questions like it, in
// either of the lessons' languages, and shares nothing with a question
// about something else.
func TestAskedIndexRanksByListedQuestions(t *testing.T) {
	ix := newAskedIndex([]store.StepQuestions{
		{Lesson: "plan", Ref: "rhythm", Locale: "it", Questions: []string{"quante volte a settimana devo pubblicare?", "ogni quanto posto su instagram?"}},
		{Lesson: "plan", Ref: "rhythm", Locale: "en", Questions: []string{"how often should I post each week?"}},
		{Lesson: "plan", Ref: "pillars", Locale: "it", Questions: []string{"non so mai cosa pubblicare, che temi scelgo?"}},
		{Lesson: "photos", Ref: "light", Locale: "it", Questions: []string{"le foto mi vengono scure, che luce uso?"}},
	})
	for _, c := range []struct {
		q, lang, want string
	}{
		{"ma quante volte alla settimana bisogna pubblicare", "it", "plan/rhythm"},
		{"how often do I need to post?", "en", "plan/rhythm"},
		{"che temi posso scegliere per i post?", "it", "plan/pillars"},
		{"foto troppo scure", "it", "photos/light"},
	} {
		bs := ix.boosts(c.q, c.lang)
		if len(bs) == 0 {
			t.Errorf("boosts(%q): none, want %s first", c.q, c.want)
			continue
		}
		if got := bs[0].Lesson + "/" + bs[0].Ref; got != c.want || bs[0].Score <= 0 || bs[0].Score > askedWeight {
			t.Errorf("boosts(%q) = %s first with %g, want %s with up to %g", c.q, got, bs[0].Score, c.want, askedWeight)
		}
		for _, b := range bs[1:] {
			if b.Score <= 0 || b.Score > bs[0].Score {
				t.Errorf("boosts(%q): %s/%s gains %g, the closest %g", c.q, b.Lesson, b.Ref, b.Score, bs[0].Score)
			}
		}
	}
	// The closest step gains in proportion to how close it is, up to
	// askedWeight: a step whose questions share one word of a question
	// gains less than one that lists the question itself.
	asked := ix.boosts("quante volte a settimana devo pubblicare?", "it")
	touched := ix.boosts("quante foto del tramonto sul mare devo scartare?", "it")
	if len(asked) == 0 || len(touched) == 0 || touched[0].Score >= asked[0].Score/2 {
		t.Errorf("the closest step of a question asked as listed gains %+v, of one that shares a word %+v: want less than half as much", asked, touched)
	}
	if bs := ix.boosts("a che ora chiude la farmacia", "it"); len(bs) != 0 {
		t.Errorf("boosts of an unrelated question: %+v, want none", bs)
	}
	if bs := (*askedIndex)(nil).boosts("quante volte devo pubblicare", "it"); bs != nil {
		t.Errorf("boosts without an index: %+v", bs)
	}
}

// A step is as close as its closest listed questions: one asked the
// learner's way counts whatever else the step lists, and several close
// ones count more than one.
func TestAskedIndexClosestQuestionsCount(t *testing.T) {
	others := []string{
		"che foto metto nel profilo?", "quanto costa la pubblicità?", "come cambio il nome della pagina?",
		"posso usare la musica nei reel?", "come faccio una diretta?", "che orari metto su google?",
		"come creo il catalogo?", "chi vede le mie storie?", "come scelgo gli hashtag?", "come conto i follower?",
	}
	ix := newAskedIndex([]store.StepQuestions{
		{Lesson: "guides", Ref: "qr", Locale: "it", Questions: []string{"come chiedo una recensione?"}},
		{Lesson: "reviews", Ref: "reply-all", Locale: "it", Questions: []string{"rispondo a ogni recensione?", "devo rispondere a tutti?"}},
		{Lesson: "reviews", Ref: "negative", Locale: "it", Questions: append([]string{"cosa rispondo a una recensione negativa?"}, others...)},
		{Lesson: "reviews", Ref: "fake", Locale: "it", Questions: []string{"una recensione è falsa, la segnalo?"}},
		{Lesson: "reviews", Ref: "ask", Locale: "it", Questions: []string{"come chiedo una recensione?", "a chi chiedo una recensione?", "quando chiedo una recensione?"}},
	})
	for _, c := range []struct{ q, want string }{
		{"come rispondo a una recensione negativa?", "negative"},
		{"ma devo rispondere a ogni recensione?", "reply-all"},
		{"come chiedo una recensione?", "ask"},
	} {
		if bs := ix.boosts(c.q, "it"); len(bs) == 0 || bs[0].Lesson != "reviews" || bs[0].Ref != c.want {
			t.Errorf("boosts(%q): %+v, want reviews/%s first", c.q, bs, c.want)
		}
	}
}

// A step's questions in Spanish, French, German or Polish are compared
// with questions in that language only, whether or not its lesson is
// written in it; the Italian and English ones with every question.
func TestAskedIndexesByLanguage(t *testing.T) {
	ixs := askedIndexes([]store.StepQuestions{
		{ID: 1, Lesson: "photos", Ref: "light", Locale: "it", Questions: []string{"le foto mi vengono scure, che luce uso?"}},
		{ID: 1, Lesson: "photos", Ref: "zoom", Locale: "es", Questions: []string{"mi escaparate sale oscuro en las fotos"}, Other: true},
		{ID: 2, Lesson: "plan", Ref: "rhythm", Locale: "it", Questions: []string{"quante volte a settimana devo pubblicare?"}},
		{ID: 2, Lesson: "plan", Ref: "rhythm", Locale: "pl", Questions: []string{"jak często wrzucać posty na fb?"}, Other: true},
		// A lesson written in Spanish too: its Spanish questions are
		// still compared with Spanish questions only.
		{ID: 3, Lesson: "sell", Ref: "start", Locale: "es", Questions: []string{"como vender por instagram"}},
	})
	first := func(lang, q string) string {
		ix, ok := ixs[lang]
		if !ok {
			ix = ixs[""]
		}
		bs := ix.boosts(q, lang)
		if len(bs) == 0 {
			return ""
		}
		return bs[0].Lesson + "/" + bs[0].Ref
	}
	for _, c := range []struct{ lang, q, want string }{
		{"es", "el escaparate sale oscuro", "photos/zoom"},
		{"pl", "jak często wrzucać posty", "plan/rhythm"},
		{"fr", "mon escaparate oscuro", ""}, // Spanish words, asked in French: not compared
		{"it", "quante volte devo pubblicare", "plan/rhythm"},
		{"es", "vender por instagram", "sell/start"},
		{"it", "vendere instagram", ""}, // Italian stems that the Spanish question shares
	} {
		if got := first(c.lang, c.q); got != c.want {
			t.Errorf("%s %q: %q first, want %q", c.lang, c.q, got, c.want)
		}
	}
	if len(ixs) != 3 {
		t.Errorf("%d indexes, want 3: the lessons' languages, es and pl", len(ixs))
	}
	// The Spanish index has the Italian and English steps too.
	if ps := ixs["es"].steps; len(ps) != 4 {
		t.Errorf("es index has %d steps, want 4", len(ps))
	}
}

// A question's share in a listed question is the idf of the stems they
// share over the question's; a stem no listed question has counts in the
// question's as the rarest would.
func TestAskedIndexShare(t *testing.T) {
	ix := newAskedIndex([]store.StepQuestions{
		{Lesson: "plan", Ref: "rhythm", Locale: "it", Questions: []string{"quante volte a settimana devo pubblicare?", "ogni quanto posto su instagram?"}},
		{Lesson: "photos", Ref: "light", Locale: "it", Questions: []string{"le foto mi vengono scure, che luce uso?"}},
		{Lesson: "photos", Ref: "background", Locale: "it", Questions: []string{"che sfondo uso per le foto dei gioielli?"}},
	})
	all, step := ix.share("quante volte a settimana devo pubblicare?", "it")
	part, _ := ix.share("quante volte a settimana devo innaffiare il basilico e il rosmarino?", "it")
	one, _ := ix.share("che sfondo metto sulla torta?", "it")
	none, _ := ix.share("a che ora chiude la farmacia?", "it")
	if all < 0.99 || all > 1.01 || step.lesson != "plan" || step.ref != "rhythm" {
		t.Errorf("share of a listed question = %g of %s/%s, want 1 of plan/rhythm", all, step.lesson, step.ref)
	}
	if part <= 0 || part >= minAskedShare {
		t.Errorf("share of a question with two listed words of five = %g, want above 0 and below %g", part, minAskedShare)
	}
	if one != 0 {
		t.Errorf("share of a question with one listed word of two = %g, want 0: one word is no question asked alike", one)
	}
	if short, _ := ix.share("settimana?", "it"); short <= 0 {
		t.Errorf("share of a one-word question a listed one has = %g, want above 0", short)
	}
	if none != 0 {
		t.Errorf("share of an unrelated question = %g, want 0", none)
	}
	if got, _ := (*askedIndex)(nil).share("quante volte devo pubblicare", "it"); got != 0 {
		t.Errorf("share without an index = %g", got)
	}
}

// The best passage of each of the wordsKept lessons that rank best by the
// question's words stays among the first limit, in its place by score,
// the others raised past it going after; nothing is lost or repeated.
func TestKeepWordsBest(t *testing.T) {
	hit := func(id int64, lesson string, score, raised float64) bottega.PassageHit {
		return bottega.PassageHit{Passage: bottega.Passage{ID: id, LessonID: lesson}, Score: score, Raised: raised}
	}
	ids := func(hs []bottega.PassageHit) []int64 {
		var out []int64
		for _, h := range hs {
			out = append(out, h.ID)
		}
		return out
	}
	for _, c := range []struct {
		name string
		hits []bottega.PassageHit
		want []int64
	}{
		{"the words' best are first already", []bottega.PassageHit{
			hit(1, "a", 1.0, 0), hit(2, "b", 0.9, 0), hit(3, "c", 0.8, 0.3), hit(4, "d", 0.7, 0),
		}, []int64{1, 2, 3, 4}},
		{"raised steps push the words' second out", []bottega.PassageHit{
			hit(1, "a", 1.2, 0.3), hit(2, "b", 1.1, 0.3), hit(3, "c", 1.0, 0), hit(4, "d", 0.9, 0), hit(5, "e", 0.5, 0.1),
		}, []int64{1, 3, 4, 2, 5}},
		{"and the words' best", []bottega.PassageHit{
			hit(1, "a", 1.2, 0.3), hit(2, "b", 1.1, 0.3), hit(3, "b", 1.0, 0.3), hit(4, "c", 0.95, 0), hit(5, "d", 0.9, 0),
		}, []int64{1, 4, 5, 2, 3}},
		{"two passages of the words' best lesson keep one place", []bottega.PassageHit{
			hit(1, "a", 1.2, 0.5), hit(2, "b", 1.1, 0.3), hit(3, "c", 0.9, 0), hit(4, "c", 0.85, 0), hit(5, "d", 0.82, 0),
		}, []int64{1, 3, 5, 2, 4}},
		{"no more than the limit", []bottega.PassageHit{
			hit(1, "a", 1.0, 0.5), hit(2, "b", 0.9, 0),
		}, []int64{1, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A limit of 3.
			if got := ids(keepWordsBest(c.hits, 3)); !slices.Equal(got, c.want) {
				t.Errorf("keepWordsBest = %v, want %v", got, c.want)
			}
		})
	}
}

// Retrievers that read the same steps share their indexes; steps that
// differ in anything (a question, a passage) get indexes of their own.
func TestIndexedAskedSharedForTheSameSteps(t *testing.T) {
	steps := []store.StepQuestions{
		{ID: 1, Lesson: "plan", Ref: "rhythm", Locale: "it", Questions: []string{"ogni quanto posto su instagram?"}},
		{ID: 2, Lesson: "photos", Ref: "light", Locale: "it", Questions: []string{"le foto mi vengono scure, che luce uso?"}},
	}
	a, listed := indexedAsked(steps)
	b, _ := indexedAsked(slices.Clone(steps))
	if a[""] != b[""] {
		t.Error("the same steps were indexed twice")
	}
	if !listed["luce"] || !listed["insta"] {
		t.Errorf("listed stems %v lack the questions' words", listed)
	}
	other := slices.Clone(steps)
	other[1].Questions = []string{"le foto mi vengono mosse, come tengo il telefono?"}
	c, listed := indexedAsked(other)
	if c[""] == a[""] {
		t.Error("steps with another question got the indexes of the first steps")
	}
	if listed["luce"] || !listed["tengo"] {
		t.Errorf("listed stems %v are not the new questions'", listed)
	}
	moved := slices.Clone(steps)
	moved[0].ID = 3
	if d, _ := indexedAsked(moved); d[""] == a[""] {
		t.Error("steps whose passage changed got the indexes of the first steps")
	}
}
