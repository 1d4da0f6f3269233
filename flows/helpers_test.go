package flows_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The built-in curriculum and the messages are read once and shared, as
// the bot shares them between the updates it handles at once: nothing
// changes them once loaded. Reading them for each transcript was most of
// what the package's tests took.
var (
	builtin     = sync.OnceValues(content.Builtin)
	loadedTexts = sync.OnceValues(locales.Load)
)

// start is the tests' "now": Monday 2 March 2026, 9:00 in Rome.
var start = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: start} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// library is a static flows.Library whose curriculum a test can replace,
// as a publish would: each replacement is a new version.
type library struct {
	mu      sync.Mutex
	c       *content.Curriculum
	version int64
}

func (l *library) Current(context.Context) (*content.Curriculum, int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.c, l.version, nil
}

func (l *library) publish(c *content.Curriculum) {
	l.mu.Lock()
	l.c = c
	l.version++
	l.mu.Unlock()
}

// curricula a transcript can choose by name.
func curriculum(t testing.TB, name string) *content.Curriculum {
	t.Helper()
	switch name {
	case "builtin":
		c, err := builtin()
		if err != nil {
			t.Fatalf("built-in curriculum: %v", err)
		}
		return c
	case "test", "test-v2":
		c := testCurriculum(name == "test-v2")
		// The shop track's templates are in testdata/negozio; the bot
		// sends files only from a track folder given as an absolute path.
		dir, err := filepath.Abs(filepath.Join("testdata", "negozio"))
		if err != nil {
			t.Fatal(err)
		}
		c.Track("negozio").Dir = dir
		return c
	case "four":
		return fourLessons()
	case "gain":
		return gainCourse()
	}
	t.Fatalf("unknown curriculum %q", name)
	return nil
}

func txt(it, en string) content.Text { return content.Text{"it": it, "en": en} }

// testCurriculum is small: a shop track with a lesson that has a video
// (for "watch from") and a short second lesson, and a track for municipal
// communicators. Version 2 drops step "photo" of the first lesson and
// unpublishes the second.
func testCurriculum(v2 bool) *content.Curriculum {
	showcase := &content.Lesson{
		ID: "vetrina", Track: "negozio", Level: "base", Order: 1, Minutes: 3,
		Roles: []string{"shopkeeper", "artisan"}, Locales: []string{"it", "en"},
		Title:   txt("La vetrina online", "Your online shop window"),
		Summary: txt("Mostra bene cosa vendi.", "Show what you sell."),
		Video: &content.Video{URL: "https://example.org/vetrina.mp4", Duration: 5 * time.Minute, Chapters: []content.Chapter{
			{ID: "luce", Start: 2*time.Minute + 15*time.Second, Title: txt("La luce giusta", "The right light")},
		}},
		Steps: []content.Step{
			{ID: "why", Text: txt("La vetrina online è la prima cosa che vedono i clienti.", "Your online window is the first thing customers see."),
				Task: txt("Prova ora: guarda la tua pagina come un cliente.", "Try it now: look at your page as a customer would.")},
			{ID: "photo", Text: txt("Fotografa vicino a una finestra, con luce naturale.", "Take photos near a window, in natural light."),
				Chapter: "luce", Tip: txt("Niente flash.", "No flash.")},
			{ID: "words", Text: txt("Scrivi prezzi e orari chiari.", "Write clear prices and opening hours.")},
		},
		Quiz: []content.Question{
			{ID: "q1", Kind: content.Choice, Question: txt("Dove fotografi un prodotto?", "Where do you photograph a product?"),
				Options: []content.Text{txt("In cantina", "In the cellar"), txt("Vicino a una finestra", "Near a window"), txt("Col flash", "With the flash")},
				Correct: 1, Explain: txt("La luce naturale è morbida e mostra i colori veri.", "Natural light is soft and shows true colours."),
				Wrong: map[int]content.Text{
					0: txt("In cantina la luce è poca e gialla: i colori escono falsati.", "A cellar has little, yellow light: colours come out wrong."),
					2: txt("Il flash appiattisce il prodotto e fa riflessi.", "The flash flattens the product and makes glare."),
				}},
			{ID: "q2", Kind: content.TrueFalse, Question: txt("I prezzi chiari aiutano a vendere.", "Clear prices help you sell."),
				Correct: 0, Explain: txt("Chi non trova il prezzo spesso non chiede.", "People who can't find the price often don't ask.")},
			{ID: "q3", Kind: content.Scenario, Question: txt("Cosa guarda per primo un cliente?", "What does a customer look at first?"),
				Options: []content.Text{txt("La vetrina", "The window"), txt("Il codice fiscale", "Your tax code")},
				Correct: 0, Explain: txt("La prima impressione conta.", "First impressions count.")},
		},
	}
	last := &content.Lesson{
		ID: "ultima", Track: "negozio", Level: "base", Order: 2, Minutes: 1,
		Roles: []string{"shopkeeper", "artisan"}, Locales: []string{"it", "en"},
		Title: txt("Rispondere ai messaggi", "Answering messages"), Summary: txt("Rispondi presto.", "Answer quickly."),
		Steps: []content.Step{
			{ID: "fast", Text: txt("Rispondi entro un giorno.", "Answer within a day.")},
			{ID: "kind", Text: txt("Ringrazia sempre.", "Always say thank you."),
				Document: content.Files{"it": "modelli/grazie.txt", "en": "templates/thanks.txt"}},
		},
		Quiz: []content.Question{
			{ID: "q1", Kind: content.TrueFalse, Question: txt("Si può rispondere dopo una settimana.", "Answering after a week is fine."),
				Correct: 1, Explain: txt("Dopo una settimana il cliente è andato altrove.", "After a week the customer has gone elsewhere.")},
		},
	}
	alert := &content.Lesson{
		ID: "allerta", Track: "comune", Level: "base", Order: 1, Minutes: 2,
		Roles: []string{"municipal"}, Locales: []string{"it", "en"},
		Title: txt("Avvisi di allerta", "Weather alerts"), Summary: txt("Chiari e brevi.", "Clear and short."),
		Steps: []content.Step{{ID: "what", Text: txt("Cosa succede, cosa fare, dove informarsi.", "What happens, what to do, where to find updates.")}},
	}
	shop := &content.Track{ID: "negozio", Order: 1, Roles: []string{"shopkeeper", "artisan"},
		Title: txt("Negozio", "Shop"), Summary: txt("Vendere meglio.", "Sell better."), Lessons: []*content.Lesson{showcase, last}}
	town := &content.Track{ID: "comune", Order: 2, Roles: []string{"municipal"},
		Title: txt("Comune", "Town"), Summary: txt("Parlare ai cittadini.", "Talk to citizens."), Lessons: []*content.Lesson{alert}}
	if v2 {
		showcase.Steps = []content.Step{showcase.Steps[0], showcase.Steps[2],
			{ID: "price", Text: txt("Metti il prezzo accanto a ogni prodotto.", "Put the price next to every product.")}}
		shop.Lessons = []*content.Lesson{showcase}
	}
	return &content.Curriculum{Tracks: []*content.Track{shop, town}}
}

// fourLessons is a track of four one-step lessons without quizzes, for
// which lesson comes next.
func fourLessons() *content.Curriculum {
	tr := &content.Track{ID: "corso", Order: 1, Title: txt("Corso", "Course"), Summary: txt("Quattro lezioni.", "Four lessons.")}
	for i, id := range []string{"uno", "due", "tre", "quattro"} {
		n := strconv.Itoa(i + 1)
		tr.Lessons = append(tr.Lessons, &content.Lesson{
			ID: id, Track: tr.ID, Level: "base", Order: i + 1, Minutes: 1, Locales: []string{"it", "en"},
			Title:   txt("Lezione "+n, "Lesson "+n),
			Summary: txt("La lezione "+n+".", "Lesson "+n+"."),
			Steps:   []content.Step{{ID: "s", Text: txt("Il passo della lezione "+n+".", "The step of lesson "+n+".")}},
		})
	}
	return &content.Curriculum{Tracks: []*content.Track{tr}}
}

// checkedTexts renders with the real catalog and fails the test when a
// message the flows use is missing in the language asked.
type checkedTexts struct {
	t *testing.T
	c *locales.Catalog
}

func (c checkedTexts) check(lang, id string) {
	if !c.c.Has(lang, id) {
		c.t.Errorf("message %q is missing in %s", id, lang)
	}
}

func (c checkedTexts) T(lang, id string, data map[string]any) string {
	c.check(lang, id)
	return c.c.T(lang, id, data)
}

func (c checkedTexts) N(lang, id string, n int, data map[string]any) string {
	c.check(lang, id)
	return c.c.N(lang, id, n, data)
}

func texts(t *testing.T) checkedTexts {
	t.Helper()
	c, err := loadedTexts()
	if err != nil {
		t.Fatal(err)
	}
	return checkedTexts{t, c}
}

// testLogger logs to the test, so a failure shows the handler's error.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// gainCourse is a track of three one-step lessons with four quiz questions
// each: its placement and final checks have six items each.
func gainCourse() *content.Curriculum {
	choice := func(id string, q content.Text, correct int, opts ...content.Text) content.Question {
		return content.Question{ID: id, Kind: content.Choice, Question: q, Options: opts, Correct: correct,
			Explain: txt("Lo dice la lezione.", "The lesson says so.")}
	}
	truth := func(id string, q content.Text, isTrue bool) content.Question {
		c := 1
		if isTrue {
			c = 0
		}
		return content.Question{ID: id, Kind: content.TrueFalse, Question: q, Correct: c, Explain: txt("Lo dice la lezione.", "The lesson says so.")}
	}
	tr := &content.Track{ID: "social", Order: 1, Roles: []string{"shopkeeper", "artisan"},
		Title: txt("Social per la bottega", "Social media for the shop"), Summary: txt("Tre lezioni brevi.", "Three short lessons.")}
	lesson := func(id string, order, minutes int, title content.Text, step content.Text, quiz ...content.Question) *content.Lesson {
		return &content.Lesson{ID: id, Track: tr.ID, Level: "base", Order: order, Minutes: minutes, Locales: []string{"it", "en"},
			Roles: tr.Roles, Title: title, Summary: title, Steps: []content.Step{{ID: "s", Text: step}}, Quiz: quiz}
	}
	tr.Lessons = []*content.Lesson{
		lesson("profilo", 1, 4, txt("Un profilo che si fa trovare", "A profile people can find"),
			txt("Nella bio: cosa fai, dove sei, come contattarti.", "In the bio: what you do, where you are, how to reach you."),
			choice("q1", txt("Cosa metti nella bio del profilo?", "What goes in the profile's bio?"), 0,
				txt("Cosa fai, dove sei e come contattarti", "What you do, where you are, how to reach you"),
				txt("Solo hashtag", "Only hashtags"), txt("Una citazione famosa", "A famous quote")),
			truth("q2", txt("Il link nella bio può portare al tuo catalogo.", "The link in the bio can lead to your catalogue."), true),
			choice("q3", txt("Che nome utente scegli?", "Which username do you pick?"), 0,
				txt("Il nome della bottega, facile da scrivere", "The shop's name, easy to type"),
				txt("Una sigla con numeri a caso", "Initials with random numbers"), txt("Il soprannome di scuola", "Your school nickname")),
			truth("q4", txt("Una foto profilo sfocata va bene se il logo è bello.", "A blurred profile picture is fine if the logo is nice."), false)),
		lesson("foto", 2, 5, txt("Foto che vendono", "Photos that sell"),
			txt("Luce naturale, sfondo semplice, più angolazioni.", "Natural light, a plain background, several angles."),
			choice("q1", txt("Che luce usi per fotografare un prodotto?", "Which light do you use to photograph a product?"), 0,
				txt("Luce naturale vicino a una finestra", "Natural light near a window"),
				txt("Il flash del telefono", "The phone's flash"), txt("La luce gialla del soffitto", "The yellow ceiling light")),
			truth("q2", txt("Uno sfondo semplice fa risaltare il prodotto.", "A plain background makes the product stand out."), true),
			choice("q3", txt("Quante foto di un prodotto pubblichi?", "How many photos of a product do you post?"), 1,
				txt("Una sola, da lontano", "Just one, from afar"),
				txt("Alcune: intero, dettaglio, in uso", "A few: whole, detail, in use"), txt("Venti quasi uguali", "Twenty nearly the same")),
			truth("q4", txt("Ritoccare i colori finché il prodotto sembra un altro va bene.", "Editing the colours until the product looks different is fine."), false)),
		lesson("risposte", 3, 3, txt("Rispondere ai messaggi", "Answering messages"),
			txt("Rispondi presto, con gentilezza, anche alle critiche.", "Answer soon and kindly, criticism included."),
			choice("q1", txt("Un cliente chiede il prezzo in un commento. Cosa fai?", "A customer asks the price in a comment. What do you do?"), 0,
				txt("Rispondi presto, con il prezzo", "Answer soon, with the price"),
				txt("Ignori il commento", "Ignore the comment"), txt("Scrivi solo \"info in privato\"", "Just write \"DM for info\"")),
			truth("q2", txt("Le risposte rapide fanno risparmiare tempo sulle domande frequenti.", "Quick replies save time on frequent questions."), true),
			choice("q3", txt("Entro quando rispondi a un messaggio?", "How soon do you answer a message?"), 0,
				txt("Entro un giorno lavorativo", "Within a working day"),
				txt("Entro un mese", "Within a month"), txt("Solo se il cliente riscrive", "Only if the customer writes again")),
			truth("q4", txt("Una risposta gentile a una critica pubblica può convincere chi legge.", "A kind reply to public criticism can win over readers."), true)),
	}
	return &content.Curriculum{Tracks: []*content.Track{tr}}
}
