package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// publishPassages publishes a new curriculum version whose index is ps.
func publishPassages(t *testing.T, db *store.DB, n int, ps []bottega.Passage, words []string) int64 {
	t.Helper()
	c := &content.Curriculum{Tracks: []*content.Track{{ID: fmt.Sprintf("t%d", n)}}}
	pub, err := db.PublishCurriculum(context.Background(), c, store.PublishOptions{
		Index: func(ctx context.Context, tx *store.Tx, version int64, _ *content.Curriculum) error {
			return tx.ReplacePassages(ctx, version, ps, words)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return pub.Version
}

func passage(lesson, locale, title, body string, locales ...string) bottega.Passage {
	return bottega.Passage{TrackID: "t", LessonID: lesson, Kind: bottega.PassageStep, Ref: "s1", Position: 1, Steps: 1,
		Locale: locale, Roles: []string{"shopkeeper"}, LessonLocales: locales, Title: title, Body: body}
}

func TestSearchPassages(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	ps := []bottega.Passage{
		passage("live", "it", "Dirette", "Una diretta dalla Pagina: prova l'audio e il treppiede.", "it", "en"),
		passage("live", "en", "Going live", "A live stream from the Page: test the audio and the tripod.", "it", "en"),
		passage("reviews", "it", "Recensioni", "Rispondi alle recensioni negative con calma, perché tutti leggono.", "it"),
		passage("photos", "it", "Fotografie", "La luce della finestra è la migliore per le fotografie.", "it", "en"),
		passage("photos", "en", "Photos", "Window light is the best for photos.", "it", "en"),
	}
	words := []string{"diretta", "pagina", "audio", "treppiede", "recensioni", "negative", "calma", "perche", "luce", "finestra", "fotografie", "live", "stream", "tripod", "window", "light", "photos"}
	publishPassages(t, db, 1, ps[:2], words) // an older version: its passages go
	version := publishPassages(t, db, 2, ps, words)
	tests := []struct {
		name   string
		words  []string
		locale string
		show   []string
		lesson string
		want   []string // lesson/locale of the hits, in any order
	}{
		{"italian", []string{"diretta", "audio"}, "it", nil, "", []string{"live/it"}},
		{"accents folded", []string{"perche", "recensioni"}, "it", nil, "", []string{"reviews/it"}},
		{"typo", []string{"recenzioni"}, "it", nil, "", []string{"reviews/it"}},
		{"english, italian-only lesson falls back", []string{"live", "recensioni"}, "en", nil, "", []string{"live/en", "reviews/it"}},
		{"english lesson not searched in italian", []string{"diretta"}, "en", nil, "", nil},
		{"spanish searches italian and english", []string{"fotografie", "photos"}, "es", nil, "", []string{"photos/it"}},
		{"shown in english, found in both", []string{"fotografie", "photos"}, "es", []string{"es", "en", "it"}, "", []string{"photos/en"}},
		{"shown in italian, found in english only", []string{"photos"}, "de", []string{"it"}, "", []string{"photos/it"}},
		{"shown in english, found in italian only", []string{"fotografie"}, "es", []string{"es", "en", "it"}, "", []string{"photos/en"}},
		{"shown in italian, the lesson has no english", []string{"recensioni"}, "fr", []string{"fr", "en", "it"}, "", []string{"reviews/it"}},
		{"off topic", []string{"carbonara"}, "it", nil, "", nil},
		{"one lesson", []string{"luce", "diretta"}, "it", nil, "photos", []string{"photos/it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := db.SearchPassages(ctx, store.PassageQuery{Words: tt.words, Locale: tt.locale, Fallback: []string{"it", "en"}, Show: tt.show, Role: "shopkeeper", Lesson: tt.lesson})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.LessonID+"/"+h.Locale)
				if h.Text <= 0 || h.Text > 1 || h.Score <= 0 || h.VersionID != version {
					t.Errorf("hit %+v", h)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("hits %v, want %v", got, tt.want)
			}
		})
	}
}

// A question that tells its setting at length before it asks has more
// words than are searched: those of the clause that asks are kept first,
// though rarer words tell the setting.
func TestSearchPassagesKeepsAskingWords(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	setting := []string{"ciotole", "ceramica", "mercato", "sabato", "vetrina", "banco", "piazza", "signora", "cliente", "prezzo", "sconto", "borsa", "stoffa"}
	ps := []bottega.Passage{
		passage("market", "it", "Mercato", "Al mercato del "+strings.Join(setting, " ")+".", "it"),
		passage("light", "it", "Luce", "La luce della finestra per le foto.", "it"),
		passage("window", "it", "Finestra", "Una luce morbida.", "it"),
	}
	publishPassages(t, db, 1, ps, append(slices.Clone(setting), "luce", "finestra", "foto", "morbida"))
	for _, tt := range []struct {
		name   string
		asking []string
		want   bool
	}{
		{"rarest words searched", nil, false},
		{"asking words kept first", []string{"luce"}, true},
	} {
		hits, err := db.SearchPassages(ctx, store.PassageQuery{Words: append(slices.Clone(setting), "luce"), Asking: tt.asking, Locale: "it"})
		if err != nil {
			t.Fatal(err)
		}
		found := slices.ContainsFunc(hits, func(h bottega.PassageHit) bool { return h.LessonID == "light" })
		if found != tt.want {
			t.Errorf("%s: the lesson on light found = %v, want %v (hits %+v)", tt.name, found, tt.want, hits)
		}
	}
}

func TestAskRecords(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	l, _, err := db.EnsureLearner(ctx, "test", "1", "1", "Giulia", "it")
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := db.EnsureLearner(ctx, "test", "2", "2", "Marco", "it")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
	var ids []int64
	for i, at := range []time.Time{day.Add(-time.Hour), day.Add(time.Hour), day.Add(2 * time.Hour)} {
		id, err := db.SaveQuestion(ctx, bottega.Question{LearnerID: l.ID, Locale: "it", Text: fmt.Sprintf("domanda %d", i), AskedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		if err := db.AddTurn(ctx, store.AskTurn{LearnerID: l.ID, QuestionID: &id, Role: "user", Text: fmt.Sprintf("domanda %d", i), At: at}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordUsage(ctx, store.AskUsage{QuestionID: id, LearnerID: l.ID, Model: "m", Outcome: "llm", TokensIn: 100, TokensOut: 20, CostUSD: 0.0001, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	used, err := db.AskUsed(ctx, l.ID, day)
	if err != nil || used.Questions != 2 || used.Tokens != 240 {
		t.Errorf("AskUsed = %+v, %v; want 2 questions, 240 tokens", used, err)
	}
	turns, err := db.RecentTurns(ctx, l.ID, day, 5, ids[2])
	if err != nil || len(turns) != 1 || turns[0].Text != "domanda 1" {
		t.Errorf("RecentTurns = %+v, %v; want the one turn of today before the question answered", turns, err)
	}
	if err := db.FinishQuestion(ctx, ids[1], "uncovered", true, nil, day.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// The lessons cited are the latest question's, not an earlier one's.
	if err := db.FinishQuestion(ctx, ids[0], "offline", false, []string{"maps"}, day); err != nil {
		t.Fatal(err)
	}
	if got, err := db.LastLessonsCited(ctx, l.ID); err != nil || len(got) != 0 {
		t.Errorf("LastLessonsCited before the latest is answered = %q, %v; want none", got, err)
	}
	if err := db.FinishQuestion(ctx, ids[2], "offline", false, []string{"reviews", "maps"}, day.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, err := db.LastLessonsCited(ctx, l.ID); err != nil || !slices.Equal(got, []string{"reviews", "maps"}) {
		t.Errorf("LastLessonsCited = %q, %v; want reviews, maps", got, err)
	}
	if got, err := db.LastLessonsCited(ctx, other.ID); err != nil || len(got) != 0 {
		t.Errorf("LastLessonsCited of a learner who asked nothing = %q, %v", got, err)
	}
	// A turn says how its question was answered.
	if turns, err := db.RecentTurns(ctx, l.ID, day, 5, ids[2]); err != nil || len(turns) != 1 || turns[0].Mode != "uncovered" {
		t.Errorf("RecentTurns after the answer = %+v, %v; want its mode", turns, err)
	}
	un, err := db.UnansweredQuestions(ctx, day, 10)
	if err != nil || len(un) != 1 || un[0].ID != ids[1] || un[0].AnsweredAt == nil {
		t.Errorf("UnansweredQuestions = %+v, %v", un, err)
	}
	if ok, err := db.SaveFeedback(ctx, ids[1], other.ID, true, day); err != nil || ok {
		t.Errorf("feedback on another's answer = %v, %v; want refused", ok, err)
	}
	if ok, err := db.SaveFeedback(ctx, ids[1], l.ID, false, day); err != nil || !ok {
		t.Errorf("SaveFeedback = %v, %v", ok, err)
	}
	if err := db.DeleteLearner(ctx, l.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Question(ctx, ids[0]); err == nil {
		t.Error("a deleted learner's questions remain")
	}
	if u, err := db.AskUsageSince(ctx, time.Time{}); err != nil || u.Answers != 0 {
		t.Errorf("a deleted learner's usage remains: %+v, %v", u, err)
	}
}

func TestEnsurePassages(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	ps := []bottega.Passage{passage("live", "it", "Dirette", "Una diretta dalla Pagina: prova l'audio.", "it")}
	words := []string{"diretta", "pagina", "audio"}
	version := publishPassages(t, db, 1, nil, nil) // a version indexed before, empty
	steps := []struct {
		name string
		ps   []bottega.Passage
		want bool
	}{
		{"index made otherwise", ps, true},
		{"the same again", ps, false},
		{"a passage changed", []bottega.Passage{passage("live", "it", "Dirette", "Una diretta dalla Pagina: prova l'audio e il treppiede.", "it")}, true},
	}
	for _, s := range steps {
		replaced, err := db.EnsurePassages(ctx, version, s.ps, words)
		if err != nil {
			t.Fatal(err)
		}
		if replaced != s.want {
			t.Errorf("%s: replaced = %v, want %v", s.name, replaced, s.want)
		}
		hits, err := db.SearchPassages(ctx, store.PassageQuery{Words: []string{"diretta"}, Locale: "it"})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0].Body != s.ps[0].Body || hits[0].VersionID != version {
			t.Errorf("%s: hits %+v, want the passage indexed", s.name, hits)
		}
	}
}

// With FallbackOnly a question in Spanish is searched in the Italian and
// English of every lesson written in them, also those written in Spanish,
// and shown in Spanish, saying which copy was found; a lesson written in
// Spanish alone is searched in Spanish.
func TestSearchPassagesFallbackOnly(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	ps := []bottega.Passage{
		passage("photos", "it", "Fotografie", "La luce della finestra è la migliore per le fotografie.", "it", "en", "es"),
		passage("photos", "en", "Photos", "Window light is the best for photos.", "it", "en", "es"),
		passage("photos", "es", "Fotos", "La luz de la ventana es la mejor para las fotos.", "it", "en", "es"),
		passage("market", "es", "Mercadillo", "En el mercadillo muestra las fotos de tus piezas.", "es"),
	}
	publishPassages(t, db, 1, ps, []string{"fotografie", "finestra", "photos", "window", "fotos", "ventana", "mercadillo"})
	for _, tt := range []struct {
		name         string
		words        []string
		fallbackOnly bool
		want         []string // lesson/locale shown/locale found
	}{
		{"spanish copies searched", []string{"ventana", "fotos"}, false, []string{"market/es/", "photos/es/"}},
		{"italian and english searched", []string{"finestra", "fotografie", "fotos"}, true, []string{"market/es/", "photos/es/it"}},
		{"spanish words not searched in a lesson with italian", []string{"ventana"}, true, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := db.SearchPassages(ctx, store.PassageQuery{Words: tt.words, Locale: "es", Fallback: []string{"it", "en"}, FallbackOnly: tt.fallbackOnly, Show: []string{"es", "en", "it"}, Role: "shopkeeper"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.LessonID+"/"+h.Locale+"/"+h.Found)
				// The copy scored comes with the hit shown in another.
				switch sc := h.Scored; {
				case h.Found == "" && sc != nil:
					t.Errorf("%s found in its own copy has a copy scored, %s", h.LessonID, sc.Locale)
				case h.Found != "" && (sc == nil || sc.Locale != h.Found || sc.Body == h.Body):
					t.Errorf("%s shown in %s, found in %s: copy scored %+v", h.LessonID, h.Locale, h.Found, sc)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("hits %v, want %v", got, tt.want)
			}
		})
	}
}
