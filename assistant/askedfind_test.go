package assistant_test

import (
	"context"
	"testing"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// Of two steps that match a question's words alike, the one that lists a
// question like it comes first, as soon as the lessons that list it are
// published; a question in a language the lesson is not written in finds
// the step that lists one like it in that language.
func TestFindRanksStepsByListedQuestions(t *testing.T) {
	step := func(lesson, body string, questions ...string) bottega.Passage {
		return bottega.Passage{TrackID: "t", LessonID: lesson, Kind: bottega.PassageStep, Ref: "s1", Position: 1, Steps: 1,
			Locale: "it", LessonLocales: []string{"it"}, Title: "Lezione " + lesson, Body: body,
			Keywords: "fotografie, vetrina, gatto", Questions: questions}
	}
	words := []string{"fotografie", "vetrina", "gatto", "negozio", "luce", "sfondo"}
	const q = "posso fare fotografie al gatto in vetrina?"
	db := pgtest.New(t)
	r := assistant.NewRetriever(db)
	const es = "¿puedo sacarle fotos a mi gato en el escaparate?"
	spanish := map[string][]string{"es": {"mi gato duerme en el escaparate, ¿le saco fotos?"}}
	for _, c := range []struct {
		name         string
		questions    []string
		askedA       map[string][]string // in languages the lesson is not in
		askedB       map[string][]string
		q, lang      string
		want         string
		wantBothHits bool
	}{
		// Alike, the first lesson comes first.
		{"no listed questions", nil, nil, nil, q, "it", "a", true},
		{"the second lists one like it", []string{"fotografie del gatto in vetrina, si può?"}, nil, nil, q, "it", "b", true},
		{"the first lists one like it in Spanish", nil, spanish, nil, es, "es", "a", false},
		{"the second lists one like it in Spanish", nil, nil, spanish, es, "es", "b", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps := []bottega.Passage{
				step("a", "Le fotografie della vetrina con il gatto del negozio: luce e sfondo."),
				step("b", "Le fotografie della vetrina con il gatto del negozio: luce e sfondo.", c.questions...),
			}
			ps[0].Asked, ps[1].Asked = c.askedA, c.askedB
			_, err := db.PublishCurriculum(t.Context(), &content.Curriculum{Tracks: []*content.Track{{ID: c.name}}}, store.PublishOptions{
				Index: func(ctx context.Context, tx *store.Tx, version int64, _ *content.Curriculum) error {
					return tx.ReplacePassages(ctx, version, ps, words)
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			found, err := r.Find(t.Context(), assistant.Query{Text: c.q, Locale: c.lang, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(found.Hits) == 0 || c.wantBothHits && len(found.Hits) != 2 || found.Hits[0].LessonID != c.want {
				var got []string
				for _, h := range found.Hits {
					got = append(got, h.LessonID)
				}
				t.Fatalf("Find(%q) = %v, want %s first", c.q, got, c.want)
			}
		})
	}
}

// readsCounter counts the reads a retriever makes besides the search.
type readsCounter struct {
	assistant.SearchStore
	reads int
}

func (c *readsCounter) LessonTopics(ctx context.Context, version int64) ([]store.LocaleText, error) {
	c.reads++
	return c.SearchStore.LessonTopics(ctx, version)
}

func (c *readsCounter) StepQuestions(ctx context.Context, version int64) ([]store.StepQuestions, error) {
	c.reads++
	return c.SearchStore.StepQuestions(ctx, version)
}

// Warmed at start, a retriever answers the first question with the search
// alone; without lessons, warming is nothing to do.
func TestWarmReadsBeforeTheFirstQuestion(t *testing.T) {
	db := pgtest.New(t)
	empty := &readsCounter{SearchStore: db}
	if err := assistant.NewRetriever(empty).Warm(t.Context()); err != nil || empty.reads != 0 {
		t.Fatalf("warming over no lessons: %d reads, err %v", empty.reads, err)
	}
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishCurriculum(t.Context(), c, store.PublishOptions{Source: "test", Index: assistant.Index}); err != nil {
		t.Fatal(err)
	}
	counter := &readsCounter{SearchStore: db}
	r := assistant.NewRetriever(counter)
	if err := r.Warm(t.Context()); err != nil {
		t.Fatal(err)
	}
	warm := counter.reads
	if warm == 0 {
		t.Fatal("Warm read nothing")
	}
	found, err := r.Find(t.Context(), assistant.Query{Text: "come rispondo a una recensione negativa?", Locale: "it", Limit: 5})
	if err != nil || len(found.Hits) == 0 {
		t.Fatalf("Find: %d hits, err %v", len(found.Hits), err)
	}
	if counter.reads != warm {
		t.Errorf("the first question read %d more times", counter.reads-warm)
	}
}

// A question asked as a step found lists one is covered, however few of
// its words the step's text has; one that shares a word with the lessons
// and nothing else is not.
func TestFindCoversQuestionsAskedAsListed(t *testing.T) {
	db := pgtest.New(t)
	ps := []bottega.Passage{{TrackID: "t", LessonID: "plan", Kind: bottega.PassageStep, Ref: "rhythm", Position: 1, Steps: 1,
		Locale: "it", LessonLocales: []string{"it"}, Title: "Il piano editoriale",
		Body:     "Su Instagram conta la costanza: scegli un ritmo che reggi per mesi, meglio due post fissi che sette a caso.",
		Keywords: "piano editoriale, ritmo, costanza",
		Asked:    map[string][]string{"es": {"¿cada cuántos días tengo que publicar en Instagram?"}}}}
	_, err := db.PublishCurriculum(t.Context(), &content.Curriculum{Tracks: []*content.Track{{ID: "t"}}}, store.PublishOptions{
		Index: func(ctx context.Context, tx *store.Tx, version int64, _ *content.Curriculum) error {
			return tx.ReplacePassages(ctx, version, ps, []string{"instagram", "costanza", "ritmo", "post"})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := assistant.NewRetriever(db)
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"¿cada cuántos días hay que publicar en Instagram?", true},
		{"¿quién es el dueño de Instagram hoy?", false},
	} {
		found, err := r.Find(t.Context(), assistant.Query{Text: c.q, Locale: "es", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if found.Covered != c.want || len(found.Hits) == 0 {
			t.Errorf("Find(%q): covered %v with %d hits, want covered %v", c.q, found.Covered, len(found.Hits), c.want)
		}
	}
}
