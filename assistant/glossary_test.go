package assistant

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/bottega-app/bottega/content"
)

// Every word the glossary searches for must be a word of the lessons: one
// they lack would count against every passage, as a topic none covers.
func TestGlossarySearchesLessonWords(t *testing.T) {
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	_, vocab := Passages(c)
	missing := map[string]bool{}
	for _, g := range glossaries {
		for _, e := range g.entries {
			for _, w := range e.to {
				if _, ok := slices.BinarySearch(vocab, w); !ok {
					missing[w] = true
				}
			}
		}
	}
	if len(missing) > 0 {
		var ws []string
		for w := range missing {
			ws = append(ws, w)
		}
		slices.Sort(ws)
		t.Errorf("glossary.txt searches for words no lesson has: %s", strings.Join(ws, ", "))
	}
}

func TestTermsThroughTheGlossary(t *testing.T) {
	tests := []struct {
		q, locale string
		want      [][]string
	}{
		// A compound word matches two topics; the stop words go.
		{"Wie mache ich Produktfotos?", "de", [][]string{{"foto", "photos", "prodotti", "products"}}},
		// Several words in a row name one topic; a word the glossary
		// lacks is kept as it is.
		{"olvidé el mot de passe", "fr", [][]string{{"olvide"}, {"el"}, {"password"}}},
		{"¿Cómo cambio la contraseña?", "es", [][]string{{"cambio"}, {"password"}}},
		// Polish inflections, the ł kept.
		{"fałszywe opinie na facebooku", "pl", [][]string{{"false", "fake", "bufala", "rumours", "misinformation"}, {"recensioni", "reviews"}, {"facebook"}}},
		// Only stop words: they are what there is to search.
		{"¿y cómo?", "es", [][]string{{"y"}, {"como"}}},
		// Italian and English questions are left alone.
		{"come metto il catalogo su ig", "it", [][]string{{"metto"}, {"il"}, {"catalogo"}, {"su"}, {"ig", "instagram"}}},
	}
	for _, tt := range tests {
		if got := terms(tt.q, tt.locale); !slices.EqualFunc(got, tt.want, slices.Equal) {
			t.Errorf("terms(%q, %s) = %q, want %q", tt.q, tt.locale, got, tt.want)
		}
	}
}

func TestParseGlossaryErrors(t *testing.T) {
	for _, text := range []string{
		"recensioni | reseña* | avis",                  // a column missing
		" | reseña | avis | bewertung | opinia",        // nothing to search for
		"recensioni | re* | avis | bewertung | opinia", // too short for *
		"recensioni | una-reseña | avis | x | y",       // two words in one
		"stop xx: come",                         // not a glossary language
		"columns: it xx",                        // not a language
		"columns: it\nrecensioni | cattiv* | x", // a column too many
	} {
		if _, err := parseGlossary(text); err == nil {
			t.Errorf("parseGlossary(%q) gave no error", text)
		}
	}
	g, err := parseGlossary("recensioni reviews | reseña* | - | *bewertung* | opinia\nstop es: la")
	if err != nil {
		t.Fatal(err)
	}
	if to, n := g["de"].match([]string{"kundenbewertungen"}); n != 1 || !slices.Equal(to, []string{"recensioni", "reviews"}) {
		t.Errorf("de match = %q, %d", to, n)
	}
	if _, n := g["fr"].match([]string{"avis"}); n != 0 {
		t.Errorf("a \"-\" column matched")
	}
	if !g["es"].stop["la"] {
		t.Errorf("stop words not read")
	}
}

// The index of the entries by their first word finds what comparing every
// entry finds, in the same order, for the words of all the field's
// examples and every word a pattern names.
func TestGlossaryIndexFindsEveryEntry(t *testing.T) {
	scan := func(g *glossary, ws []string) (to []string, n int) {
		for _, e := range g.entries {
			k := len(e.parts)
			if k > len(ws) || k < n {
				continue
			}
			ok := true
			for i, p := range e.parts {
				ok = ok && p.match(ws[i])
			}
			if !ok {
				continue
			}
			if k > n {
				to, n = nil, k
			}
			to = append(to, e.to...)
		}
		return to, n
	}
	texts := []string{}
	for _, d := range slices.Concat(fieldSides.on, fieldSides.off) {
		texts = append(texts, d.text)
	}
	for _, g := range glossaries {
		for _, e := range g.entries {
			var ws []string
			for _, p := range e.parts {
				// A word each pattern matches: itself, with a start
				// and an end where it allows them.
				w := p.s
				if p.suffix {
					w = "vor" + w
				}
				if p.prefix {
					w += "ung"
				}
				ws = append(ws, w)
			}
			texts = append(texts, strings.Join(ws, " "))
		}
	}
	checked := 0
	for loc, g := range glossaries {
		for _, text := range texts {
			ws := words(text)
			for i := range ws {
				wantTo, wantN := scan(g, ws[i:])
				to, n := g.match(ws[i:])
				if n != wantN || !slices.Equal(to, wantTo) {
					t.Fatalf("%s: %q at %q: index finds %v (%d words), every entry %v (%d)", loc, text, ws[i], to, n, wantTo, wantN)
				}
				if n > 0 {
					checked++
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d words matched an entry: the test checks too little", checked)
	}
}

// A stop word is dropped from a question even where the glossary would
// search the lessons' words for it: none may name a topic, but the French
// "ton" (your, and tone), which says what a question is about too rarely.
func TestStopWordsNameNoTopic(t *testing.T) {
	for _, lang := range slices.Sorted(maps.Keys(glossaries)) {
		g := glossaries[lang]
		for _, w := range slices.Sorted(maps.Keys(g.stop)) {
			if _, n := g.match([]string{w}); n > 0 && !(lang == "fr" && w == "ton") {
				t.Errorf("stop %s: %q names a topic of the glossary", lang, w)
			}
		}
	}
}
