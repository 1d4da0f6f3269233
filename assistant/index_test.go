package assistant_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// A quiz passage is quoted to learners as what the lesson says: a false
// statement must not be in it, a true one and a choice's right answer
// must.
func TestQuizPassagesSayWhatIsTrue(t *testing.T) {
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := assistant.Passages(c)
	bodies := map[string]string{} // lesson/quiz/locale
	for _, p := range ps {
		if p.Kind == bottega.PassageQuiz {
			bodies[p.LessonID+"/"+p.Ref+"/"+p.Locale] = p.Body
		}
	}
	falses, checked := 0, 0
	for _, l := range c.Lessons() {
		for _, q := range l.Quiz {
			for _, loc := range []string{"it", "en"} {
				body, ok := bodies[l.ID+"/"+q.ID+"/"+loc]
				if !ok {
					t.Errorf("no passage for quiz %s/%s in %s", l.ID, q.ID, loc)
					continue
				}
				checked++
				stmt := strings.TrimSpace(q.Question.Get(loc))
				switch {
				case q.Kind == content.TrueFalse && q.Correct != 0:
					falses++
					if strings.Contains(body, stmt) {
						t.Errorf("%s/%s (%s) quotes the false statement %q", l.ID, q.ID, loc, stmt)
					}
				case q.HasOptions():
					if right := strings.TrimSpace(q.Options[q.Correct].Get(loc)); !strings.Contains(body, right) {
						t.Errorf("%s/%s (%s) lacks the right answer %q", l.ID, q.ID, loc, right)
					}
				default:
					if !strings.Contains(body, stmt) {
						t.Errorf("%s/%s (%s) lacks the true statement %q", l.ID, q.ID, loc, stmt)
					}
				}
				if !strings.Contains(body, strings.TrimSpace(q.Explain.Get(loc))) {
					t.Errorf("%s/%s (%s) lacks the explanation", l.ID, q.ID, loc)
				}
			}
		}
	}
	if falses == 0 || checked < 50 {
		t.Fatalf("checked %d quiz passages, %d false statements: the curriculum should have more", checked, falses)
	}
}

// A question a lesson lists, in the learners' words, is searched with the
// step it best matches, so that a question sharing no word with the
// lesson's text finds that step.
func TestLessonQuestionsFindTheirStep(t *testing.T) {
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lesson("product-photos")
	asked := "quale applicazione mi consigli per ritoccare gli scatti?"
	l.Questions = map[string][]string{
		"it": {asked, "quale app per i colori delle foto ritoccate?"},
		"en": {"which app should I use?"},
	}
	ps, _ := assistant.Passages(c)
	var where []string
	for _, p := range ps {
		if strings.Contains(p.Keywords, "quale applicazione mi consigli per ritoccare gli scatti") {
			where = append(where, p.LessonID+"/"+p.Ref+"/"+p.Locale)
		}
		if p.Body == "" || strings.Contains(p.Body, "applicazione mi consigli") {
			t.Errorf("%s/%s: a learner's question is shown in the body", p.LessonID, p.Ref)
		}
	}
	if len(where) != 1 || where[0] != "product-photos/style-edit/it" {
		t.Errorf("question indexed in %v, want product-photos/style-edit/it only", where)
	}

	db := pgtest.New(t)
	if _, err := db.PublishCurriculum(context.Background(), c, store.PublishOptions{Builtin: true, Source: "built-in", Index: assistant.Index}); err != nil {
		t.Fatal(err)
	}
	hits, err := assistant.NewRetriever(db).Search(context.Background(), "it", "artisan", "applicazione per ritoccare scatti", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].LessonID != "product-photos" || hits[0].Ref != "style-edit" {
		t.Fatalf("hits = %v, want product-photos/style-edit first", hitRefs(hits))
	}
}

func hitRefs(hits []bottega.PassageHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.LessonID+"/"+h.Ref)
	}
	return out
}

// A question a step lists is searched with that step, whatever words it
// shares with the others.
func TestStepQuestionsStayWithTheirStep(t *testing.T) {
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lesson("ads-basics")
	i := l.StepIndex("budget")
	if i < 0 {
		t.Fatal("no budget step in ads-basics")
	}
	// It shares "sponsorizzata" with the first step, and nothing with
	// this one. It is indexed as a learner's question is searched, the
	// platform's shorthand written out.
	l.Steps[i].Questions = map[string][]string{"it": {"una sponsorizzata su FB mi manda in rovina?"}}
	const indexed = "una sponsorizzata su facebook mi manda in rovina"
	ps, _ := assistant.Passages(c)
	var where []string
	for _, p := range ps {
		if strings.Contains(p.Keywords, indexed) {
			where = append(where, p.LessonID+"/"+p.Ref+"/"+p.Locale)
		}
	}
	if len(where) != 1 || where[0] != "ads-basics/budget/it" {
		t.Errorf("question indexed in %v, want ads-basics/budget/it only", where)
	}
}

// A step's exercise is kept apart from its text as well as in its body, and
// whether it comes with a document, so that an answer knows them by the
// lesson's structure; the search returns them.
func TestStepTaskKeptApart(t *testing.T) {
	db := builtinDB(t)
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	hits, err := assistant.NewRetriever(db).Search(context.Background(), "it", "shopkeeper", "mi dai un esempio di risposta da adattare a una recensione negativa?", 8)
	if err != nil {
		t.Fatal(err)
	}
	tasks, documents := 0, 0
	for _, h := range hits {
		if h.Kind != bottega.PassageStep {
			continue
		}
		l := c.Lesson(h.LessonID)
		s := l.Steps[l.StepIndex(h.Ref)]
		want := strings.TrimSpace(s.Task.Get("it"))
		if h.Task != want {
			t.Errorf("%s/%s: task %q, want %q", h.LessonID, h.Ref, h.Task, want)
		}
		if doc := s.Document.Get("it") != ""; h.Document != doc {
			t.Errorf("%s/%s: document %v, want %v", h.LessonID, h.Ref, h.Document, doc)
		} else if doc {
			documents++
		}
		if want != "" {
			tasks++
			if !strings.Contains(h.Body, want) {
				t.Errorf("%s/%s: the body lacks the task %q", h.LessonID, h.Ref, want)
			}
		}
	}
	if tasks == 0 || documents == 0 {
		t.Fatalf("%d steps with a task and %d with a document among %v, want some of each", tasks, documents, hitRefs(hits))
	}
}

// A guide who says so in the question is searched for what they ask, not
// for the steps that speak of guides.
func TestTradeWordsDoNotLeadTheSearch(t *testing.T) {
	db := builtinDB(t)
	r := assistant.NewRetriever(db)
	if err := r.Warm(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, role, q, want string }{
		{"en", "guide", "what should i put in my instagram bio as a private tour guide in rome", "social-pages/bio"},
		{"it", "guide", "voglio mettere i prossimi tour nelle storie col link x prenotare, come si fa", "instagram-posts-stories/stories"},
		// A kind of shop the lessons never name does not make the
		// question uncovered.
		{"it", "shopkeeper", "mi fai un esempio di bio per una panetteria?", "social-pages/bio"},
	} {
		found, err := r.Find(t.Context(), assistant.Query{Text: c.q, Locale: c.lang, Role: c.role, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if !found.Covered {
			t.Errorf("Find(%q): not covered", c.q)
		}
		// An answer shows the first three.
		if got := hitRefs(found.Hits[:min(3, len(found.Hits))]); !slices.Contains(got, c.want) {
			t.Errorf("Find(%q) = %v, want %s in the first three", c.q, hitRefs(found.Hits), c.want)
		}
	}
}

// TestSpokenWordsAreTheLessonsField: what is said only in a lesson's video
// ("la nonna Pina", "una lampada da bicicletta") is the lessons' field, not
// the home's or the family's: a question about it is searched, and the
// passage of the clip that says it is found, not declined as off-topic.
func TestSpokenWordsAreTheLessonsField(t *testing.T) {
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lesson("product-photos")
	l.Video = &content.Video{URL: "https://example.org/foto.mp4", Duration: 3 * time.Minute, Transcript: []content.Cue{
		{Start: 10 * time.Second, End: 16 * time.Second, Text: "Il segreto della nonna Pina: una lampada da bicicletta come luce, puntata sul soffitto."},
	}}
	l.Steps[0].Clip = &content.Clip{Key: "k0", Start: 0, Length: time.Minute}

	db := pgtest.New(t)
	if _, err := db.PublishCurriculum(context.Background(), c, store.PublishOptions{Source: "test", Index: assistant.Index}); err != nil {
		t.Fatal(err)
	}
	f, err := assistant.NewRetriever(db).Find(context.Background(), assistant.Query{Text: "che lampada usa la nonna Pina?", Locale: "it", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if f.Elsewhere {
		t.Error("a question about what a lesson's video says is taken for another field")
	}
	if len(f.Hits) == 0 || !strings.Contains(f.Hits[0].Body, "nonna Pina") || f.Hits[0].VideoStart == nil || *f.Hits[0].VideoStart != 10 {
		t.Errorf("the clip's passage, from 0:10, is not found first: %v", hitRefs(f.Hits))
	}
}
