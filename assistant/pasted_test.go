package assistant

import (
	"strings"
	"testing"
)

// What a learner asks about a pasted text is told by the question and by
// their own words around what they quote, never by the quoted words.
func TestPastedSearchReadsTheFraming(t *testing.T) {
	reply, post := "rispondere recensione negativa", "scrivere post chiaro"
	for _, tc := range []struct {
		name, question, text string
		want                 string
	}{
		{"a reply quoted in single quotes", "va bene?",
			"Mi controlli sta risposta? Una cliente ha scritto 'prezzi da rapina, commessa antipatica' e io ho scritto 'Signora, se non le piace vada altrove'.", reply},
		{"a reply quoted in guillemets", "va bene?",
			"Ecco la mia risposta a un cliente: «Grazie per averci scritto, ci dispiace per l'attesa al banco.»", reply},
		{"a post, quoted, with an apostrophe outside", "va bene?",
			"Ho scritto l'avviso per la pagina: 'Domani la strada per il mercato resta chiusa, rispondiamo ai messaggi dalle 9'.", post},
		{"an apostrophe is no quotation mark", "va bene?",
			"Un'altra cliente si lamenta dell'attesa al banco e la mia risposta è 'Grazie, ci scusi: sabato avremo una persona in più alla cassa'.", reply},
		{"nothing quoted: all of it is the text", "va bene?",
			"Sabato apriamo fino alle 22 e rispondiamo a tutti i messaggi in giornata: venite a trovarci per la festa del quartiere, vi aspettiamo!", post},
		{"the question asks for a reply", "come rispondo?",
			"Pessima esperienza, commessa antipatica e prezzi da rapina: non ci torno più, sconsiglio a tutti questo negozio di scarpe.", reply},
		{"a customer asks, not complains", "come gli rispondo?",
			"Hi! do you do tours in english? how much for 2 people saturday morning? we are in Matera from Friday to Sunday", "prezzi e disponibilità"},
		{"an order, no question mark", "cosa gli scrivo?",
			"buongiorno mi porta a casa domani 2 pagnotte e un litro di latte, via garibaldi 4, pago alla consegna grazie", "confermare un ordine"},
		{"a complaint with a question", "come rispondo?",
			"1 stella. Tour noioso e caro, la guida parlava solo italiano. Vi sembra normale?", reply},
	} {
		got := pastedSearch(tc.question, tc.text, "it", "")
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: searched %q, want it to hold %q", tc.name, got, tc.want)
		}
	}
}
