package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// The questions a step lists are kept with it, read back by index
// version, and a boosted step is found and raised whatever words it
// shares with the query.
func TestAskedStepsAndBoost(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	rhythm := passage("plan", "it", "Piano editoriale", "Scegli un ritmo che puoi tenere: tre uscite fisse valgono più di dieci a caso.", "it")
	rhythm.Ref, rhythm.Questions = "rhythm", []string{"quante volte devo postare a settimana?"}
	pillars := passage("plan", "it", "Piano editoriale", "Alterna i temi: prodotto, persone, dietro le quinte, consigli utili.", "it")
	pillars.Ref, pillars.Position = "pillars", 2
	live := passage("live", "it", "Dirette", "Prima di una diretta prova l'audio e il treppiede.", "it")
	words := []string{"ritmo", "tenere", "uscite", "fisse", "alterna", "temi", "prodotto", "diretta", "audio", "treppiede"}

	version := publishPassages(t, db, 1, []bottega.Passage{rhythm, pillars, live}, words)
	steps, err := db.StepQuestions(ctx, version)
	if err != nil {
		t.Fatal(err)
	}
	// Every step's passage is listed, with the questions it has.
	var got []string
	var rhythmID int64
	for _, s := range steps {
		got = append(got, fmt.Sprintf("%s/%s/%s %q", s.Lesson, s.Ref, s.Locale, []string(s.Questions)))
		if s.Ref == "rhythm" {
			rhythmID = s.ID
		}
	}
	want := []string{`live/s1/it []`, `plan/pillars/it []`, `plan/rhythm/it ["quante volte devo postare a settimana?"]`}
	if !slices.Equal(got, want) || rhythmID == 0 {
		t.Fatalf("StepQuestions(%d) = %q (rhythm's id %d); want %q", version, got, rhythmID, want)
	}
	if steps, err := db.StepQuestions(ctx, version+1); err != nil || len(steps) != 0 {
		t.Fatalf("StepQuestions of a version not indexed = %v, %v; want none", steps, err)
	}
	// The version's words are its vocabulary, in order.
	if ws, err := db.PassageWords(ctx, version); err != nil || !slices.Equal(ws, slices.Sorted(slices.Values(words))) {
		t.Fatalf("PassageWords(%d) = %q, %v; want %q sorted", version, ws, err, words)
	}
	if ws, err := db.PassageWords(ctx, version+1); err != nil || len(ws) != 0 {
		t.Fatalf("PassageWords of a version not indexed = %q, %v; want none", ws, err)
	}

	// "diretta" finds the live lesson alone; the boosted step joins it,
	// and with a boost above the live step's score, leads.
	q := store.PassageQuery{Words: []string{"diretta"}, Locale: "it"}
	hits, err := db.SearchPassages(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].LessonID != "live" {
		t.Fatalf("without a boost: %v", refs(hits))
	}
	q.Boost = []store.StepBoost{{Lesson: "plan", Ref: "rhythm", Passages: []int64{rhythmID}, Score: 2}}
	hits, err = db.SearchPassages(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := refs(hits); !slices.Equal(got, []string{"plan/rhythm", "live/s1"}) {
		t.Fatalf("with plan/rhythm boosted: %v, want [plan/rhythm live/s1]", got)
	}
	if hits[0].Score != 2 || hits[0].Raised != 2 || hits[0].Text != 0 {
		t.Errorf("boosted step: score %g, raised %g, text %g; want 2, 2 and 0 (no word matched)", hits[0].Score, hits[0].Raised, hits[0].Text)
	}
	if hits[1].Raised != 0 {
		t.Errorf("the step not boosted was raised by %g", hits[1].Raised)
	}
	// A search within one lesson ignores the others' boosts.
	q.Lesson = "live"
	if hits, err = db.SearchPassages(ctx, q); err != nil || !slices.Equal(refs(hits), []string{"live/s1"}) {
		t.Fatalf("within the live lesson: %v, %v", refs(hits), err)
	}
}

func refs(hits []bottega.PassageHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.LessonID+"/"+h.Ref)
	}
	return out
}

// A step with many listed questions, far over the default 2 kB TOAST
// target, keeps its tsv whole and inline: a search checks it against every
// query lexeme, and would unpack it at each check.
func TestLongPassagesStayInline(t *testing.T) {
	db := pgtest.New(t)
	p := passage("plan", "it", "Piano editoriale", strings.Repeat("Scegli un ritmo che puoi tenere nel tempo. ", 20), "it")
	for i := range 60 {
		p.Questions = append(p.Questions, fmt.Sprintf("domanda numero %d sul ritmo delle uscite settimanali %d?", i, i*7))
	}
	p.Keywords = strings.Join(p.Questions, "\n")
	version := publishPassages(t, db, 1, []bottega.Passage{p}, []string{"ritmo"})
	compressed, outOfLine, err := store.PassagesUnpacked(t.Context(), db, version)
	if err != nil {
		t.Fatal(err)
	}
	if compressed != 0 || outOfLine != 0 {
		t.Errorf("a 5 kB passage: %d compressed tsv, %d bytes out of line; want both 0", compressed, outOfLine)
	}
}
