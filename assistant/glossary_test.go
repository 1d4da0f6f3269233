package assistant

import (
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
