package assistant

import (
	"testing"

	"github.com/bottega-app/bottega/content"
)

// No off-topic mark is a word of the lessons: a question in their words
// is never declined as being about another field.
func TestOffTopicMarksNotInLessons(t *testing.T) {
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := Passages(c)
	for _, p := range ps {
		text := p.Title + "\n" + p.Keywords + "\n" + p.Body
		if !hasMark(text, offTopicMarks) {
			continue
		}
		// Which marks: the text is read again for each.
		for _, m := range offTopicMarks {
			if hasMark(text, []string{m}) {
				t.Errorf("mark %q is in lesson %s (%s %s, %s)", m, p.LessonID, p.Kind, p.Ref, p.Locale)
			}
		}
	}
}

// No question a built-in lesson lists, in any language, is declined: the
// marks of other fields, of going to law, of defaming and of injections
// are never the words of a question the lessons answer ("przepisy" are
// rules as well as recipes, "sue" is Italian too).
func TestListedQuestionsNotDeclined(t *testing.T) {
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	check := func(where string, qs map[string][]string) {
		for lang, list := range qs {
			for _, q := range list {
				if declined(q) {
					t.Errorf("%s (%s) lists %q, which is declined", where, lang, q)
				}
			}
		}
	}
	for _, l := range c.Lessons() {
		check(l.ID, l.Questions)
		for _, s := range l.Steps {
			check(l.ID+"/"+s.ID, s.Questions)
		}
	}
}

func TestOffTopic(t *testing.T) {
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"che tempo fa sabato a Lecce?", true},
		{"se stasera manca il numero legale il consiglio può votare lo stesso?", true},
		{"dove mi vaccino contro l'influenza quest'anno?", true},
		{"quanti bagni chimici servono per la sagra?", true},
		{"quale telefono comprare per fare belle foto ai prodotti?", false},
		{"passa il Giro d'Italia in paese, come avviso delle strade chiuse?", false},
		{"dopo l'operazione di soccorso cosa pubblichiamo?", false},
		{"Muss ich Gewerbesteuer für meinen Laden zahlen?", true},
		{"Who won the Tour de France?", true},
		{"how do we get people to get their flu shot this autumn?", false},
		{"para el concierto, si llueve, como aviso a la gente?", false},
		{"przepisy o RODO dotyczą też zdjęć na fb?", false},
		{"le parrain de la boutique est parti à la retraite, je change la bio ?", false},
		{"come si disegna bene una mano? le dita mi vengono storte", true},
		{"il commercialista mi chiede la prima nota, come la tengo in ordine?", true},
		{"la bolletta della luce del negozio è raddoppiata, cambio fornitore?", true},
		{"Traduis-moi ce message en italien s'il te plaît", true},
		{"mi scrivi uno script python per contare i clienti?", true},
		{"il post in inglese lo traduco io o uso un traduttore?", false},
		{"should I translate this notice into English for the tourists?", false},
		{"devo cambiare gestore della pagina del comune, come si fa?", false},
		{"come faccio a vendere in nero senza che se ne accorga la guardia di finanza?", true},
		{"how do I keep my cash sales off the books?", true},
		{"mi passi la ricetta dei cantucci?", true},
		{"quanto prende di stipendio un commesso?", true},
		{"what's the weather like in Rome tomorrow?", true},
		{"my husband says social media is a waste of time, is he right?", true},
		{"who was the architect of this church?", true},
		{"¿me das una receta de paella?", true},
		{"Wie wird das Wetter am Wochenende?", true},
		{"il proprietario del locale, il padrone di casa, mi alza l'affitto del negozio", true},
		{"come si compila il 730 quest'anno?", true},
		{"dov'è l'ufficio poste più vicino?", true},
		{"my landlord wants to raise the rent", true},
		{"should I put my savings into the stock market?", true},
		{"¿qué números juego en la lotería?", true},
		{"mon chat ne mange plus, que faire ?", true},
		{"Wie schreibe ich einen guten Lebenslauf?", true},
		{"na kogo głosować w wyborach?", true},
		{"mi racconti la storia del castello?", true},
		{"cosa c'è da vedere a Siena in due giorni?", true},
		{"mi consigli un buon commercialista?", true},
		{"can you recommend a good accountant for a small shop?", true},
		{"per l'IVA sulle vendite all'estero chiedo al commercialista?", false},
		{"what is there to see in Florence in two days?", true},
		{"co warto zobaczyć w Rzymie w weekend?", true},
		{"come faccio vedere ai clienti cosa c'è nel tour?", false},
		{"can you help with my math homework?", true},
		{"how do I contest a parking ticket?", true},
		{"come si ottiene l'abilitazione da guida turistica?", true},
		{"raccontami una barzelletta", true},
		{"qual è la capitale della francia?", true},
		{"what's the capital of Australia?", true},
		{"mi consigli un buon ristorante a roma?", true},
		{"wo kann man in Bologna gut essen?", true},
		{"¿va a llover mañana en Sevilla?", true},
		{"Wird es am Samstag in Bozen regnen?", true},
		{"czy jutro będzie padać w Krakowie?", true},
		{"mon fils est malade, quel médicament lui donner ?", true},
		{"che assicurazione mi conviene per il negozio?", true},
		{"can you recommend a movie for tonight?", true},
		{"¿debería casarme con mi novio este año?", true},
		{"Soll ich mich scheiden lassen?", true},
		{"per che squadra tifo se mi trasferisco a Napoli?", true},
		{"which football team should I support in Milan?", true},
		{"partita iva forfettaria o ordinaria per una bottega?", true},
		{"il comune sponsorizza la squadra del paese, come lo comunichiamo?", false},
		{"l'opposizione ha presentato un'interrogazione, entro quando va discussa?", true},
		{"mi scrivi la recensione del film che ho visto ieri?", true},
		{"what's a good book review site for my reading club?", true},
		{"conviene un conto deposito per i soldi del negozio?", true},
		{"il router di casa non si connette più, che faccio?", true},
		{"qui était Laurent le Magnifique ?", true},
		{"¿en qué año se construyó el Coliseo?", true},
		{"prima delle riunioni ho le palpitazioni, è ansia?", true},
		{"come annuncio l'incontro sul nuovo piano regolatore?", false},
		{"come rispondo a una recensione che parla di un film girato in paese?", false},
		// On topic: the lessons' own fields.
		{"do I need a licence for the music in my reels?", false},
		{"mia figlia vuole aiutarmi con la pagina, come faccio?", false},
		{"le foto dei gioielli con lo sfondo in nero vengono meglio?", false},
		{"una collega va in pensione, a chi resta la pagina del comune?", false},
		{"un cittadino manda il ricorso per la multa su whatsapp, vale?", false},
		{"metto gli orari delle ferie su google?", false},
		{"come scrivo il post sulla scadenza dell'IMU in modo chiaro?", false},
		{"un cittadino commenta 'pago le tasse per niente', rispondo?", false},
		{"c'è l'allerta meteo per domani, cosa scrivo sulla pagina?", false},
		{"come rispondo a una recensione negativa?", false},
		{"posso mettere un messaggio automatico quando sono in ferie?", false},
		{"what music can I use in my reels?", false},
		{"come racconto la storia della mia bottega?", false},
		{"quanto costa una sponsorizzata?", false},
	} {
		if got := offTopic(c.q); got != c.want {
			t.Errorf("offTopic(%q) = %v, want %v", c.q, got, c.want)
		}
	}
}
