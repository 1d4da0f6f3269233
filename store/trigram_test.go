package store_test

import (
	"testing"

	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

// The trigram similarity of a question to a lesson's tags, computed in Go,
// is the one pg_trgm gives: the ranking of the passages depends on it.
func TestWordSimilarityIsPgTrgms(t *testing.T) {
	db := pgtest.New(t)
	tags := []string{
		"recensioni negative, rispondere, google business profile, stelle",
		"orari festivi google maps, natale, chiusura, profilo dell'attivita",
		"allerta meteo, comunicazione di emergenza, protezione civile, vento",
		"reels, video brevi, instagram, montaggio dal telefono",
		"négatif avis, réponse, étoiles",
		"zażółć gęślą jaźń, opinie",
		"ab",
		"",
	}
	questions := []string{
		"come rispondo a una recensione cattiva su google",
		"orari di natale su google",
		"allerta arancione vento cosa scrivo",
		"reel",
		"instagramm reels telefono video",
		"avis négatif",
		"opinie jaźń",
		"x",
		"google google google",
		"stelle recensioni stelle",
		"",
	}
	for _, q := range questions {
		for _, tg := range tags {
			want, err := store.PostgresWordSimilarity(t.Context(), db, q, tg)
			if err != nil {
				t.Fatal(err)
			}
			if got := store.WordSimilarity(q, tg); got != want {
				t.Errorf("word similarity of %q in %q: %v, Postgres says %v", q, tg, got, want)
			}
		}
	}
}
