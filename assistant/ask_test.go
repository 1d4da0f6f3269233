package assistant

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bottega-app/bottega"
)

func TestAskWeights(t *testing.T) {
	tests := []struct {
		q, lang string
		ask     []string // stems that weigh askWeight
		context []string // stems that weigh 1
	}{
		// The context first, then the question.
		{"ho una bottega di ceramiche a Faenza, come metto gli orari di natale su google?", "it",
			[]string{"orari", "natal", "googl"}, []string{"botte", "ceram", "faenz"}},
		{"I make leather bags in my workshop, how do I show they're handmade?", "en",
			[]string{"show", "handm"}, []string{"leath", "bags", "works"}},
		// The question first, then the context.
		{"quante volte devo postare su instagram? io lo faccio quando mi ricordo", "it",
			[]string{"volte", "posta", "insta"}, []string{"ricor"}},
		// One clause, or only questions: every word weighs the same.
		{"come rispondo a una recensione negativa", "it", nil, []string{"rispo", "recen", "negat"}},
		{"cosa scrivo? come lo scrivo?", "it", nil, []string{"scriv"}},
	}
	for _, tt := range tests {
		q := map[string]bool{}
		for _, w := range queryWords(tt.q, tt.lang, maxQueryWords) {
			if len([]rune(w)) >= 4 && !filler[w] && !functionWords[w] {
				q[stem(w)] = true
			}
		}
		got := askWeights(tt.q, tt.lang, q)
		for _, s := range tt.ask {
			if got[s] != askWeight {
				t.Errorf("%q: %q weighs %v, want %v (all: %v)", tt.q, s, got[s], askWeight, got)
			}
		}
		for _, s := range tt.context {
			if got[s] != 1 {
				t.Errorf("%q: %q weighs %v, want 1 (all: %v)", tt.q, s, got[s], got)
			}
		}
	}
}

func TestLegalAction(t *testing.T) {
	checkMarks(t, "legalAction", legalAction, []string{
		"posso fare causa a chi mi ha lasciato una recensione falsa?",
		"un cliente nn mi ha pagato, posso fargli causa?",
		"posso querelare chi mi insulta su facebook?",
		"mi copiano i modelli, posso denunciarli?",
		"posso fare ricorso al TAR contro la ZTL?",
		"can I sue a customer who left a fake review?",
		"what are my legal options if someone copies my designs?",
		"¿puedo demandar a un cliente que no me pagó?",
		"je veux porter plainte contre un client",
		"mon voisin m'a copié, je peux l'attaquer et gagner ?",
		"kann ich den Kunden verklagen?",
		"czy mogę pozwać klienta za fałszywą opinię?",
	}, []string{
		"come segnalo una recensione falsa a google?",
		"how do I report a fake review?",
		"le scuole resteranno chiuse causa maltempo, come lo scrivo?",
		"mi è arrivata una mail 'clicca qui per fare ricorso', è una truffa?",
		"wie melde ich eine falsche Bewertung?",
		"un client veut la poursuite de la promo, je la prolonge ?",
		"Kunden klagen über die Öffnungszeiten",
		"il fotografo mi ha mandato le sue foto, posso usarle sulla pagina?",
	})
}

func TestTaxAdvice(t *testing.T) {
	checkMarks(t, "taxAdvice", taxAdvice, []string{
		"quanto pago di tasse se vendo su etsy?",
		"le sponsorizzate le posso scaricare dalle tasse?",
		"posso detrarre il telefono che uso per la pagina?",
		"quanti contributi inps pago come guida?",
		"how much tax do I pay on online sales?",
		"can I deduct the cost of Facebook ads?",
		"¿cuántos impuestos pago si vendo por internet?",
		"est-ce que je dois le mettre dans ma déclaration de revenus ?",
		"muss ich das in der Steuererklärung angeben?",
		"ile podatku zapłacę od sprzedaży w sieci?",
	}, []string{
		"devo mettere la partita iva quando vendo su whatsapp?",
		"per quanto tempo devo tenere le fatture?",
		"il prezzo lo scrivo con o senza iva?",
		"come comunico ai cittadini la scadenza della tari?",
		"i turisti chiedono una pensione vicino al centro, cosa consiglio su instagram?",
		"how do I reply to a bad review?",
	})
}

// checkMarks wants f to find its marks in every question of yes and in
// none of no.
func checkMarks(t *testing.T, name string, f func(string) bool, yes, no []string) {
	t.Helper()
	for _, q := range yes {
		if !f(q) {
			t.Errorf("%s(%q) = false, want true", name, q)
		}
	}
	for _, q := range no {
		if f(q) {
			t.Errorf("%s(%q) = true, want false", name, q)
		}
	}
}

// An offline answer quotes up to two sentences of the best step and one
// of each next step, the asking clause's words deciding which.
func TestQuoteSentences(t *testing.T) {
	step := func(ref string, score float64, body string) bottega.PassageHit {
		return bottega.PassageHit{Passage: bottega.Passage{LessonID: "gbp", Kind: bottega.PassageStep, Ref: ref, Locale: "it",
			Title: "Farsi trovare su Google Maps", Body: body}, Score: score}
	}
	hits := []bottega.PassageHit{
		step("hours", 1, "Tieni aggiornata la scheda. Per Natale e Pasqua usa gli orari speciali."),
		step("photos", 0.9, "Metti foto vere del negozio e della vetrina. Le foto dei clienti restano."),
		step("category", 0.8, "Scegli la categoria della ferramenta con cura. Una ferramenta in centro non è un centro commerciale."),
	}
	chosen, shown := quote(hits, "ho una ferramenta con la vetrina in centro, come metto gli orari di natale?", "it")
	if len(shown) == 0 || shown[0] != 0 {
		t.Fatalf("shown %v, want the hours step first", shown)
	}
	if n := len(chosen[0]); n == 0 || n > 2 {
		t.Errorf("%d sentences of the best step, want 1 or 2", n)
	}
	if !slices.ContainsFunc(chosen[0], func(u unit) bool { return strings.Contains(u.text, "Natale") }) {
		t.Errorf("the sentence on Christmas is not quoted: %+v", chosen[0])
	}
	for _, i := range shown[1:] {
		us := chosen[i]
		// One sentence, and the next when the first is short.
		if len(us) > 2 || len(us) == 2 && (utf8.RuneCountInString(us[0].text) >= shortUnit || us[1].pos != us[0].pos+1) {
			t.Errorf("step %s quotes %+v, want one sentence, or a short one and the next", hits[i].Ref, us)
		}
	}
}

// A short sentence quoted alone brings the next one, and a step's exercise
// ("Prova ora: …") comes after its sentences that answer. (The lesson is
// not a built-in one, whose steps' more questions would weigh too.)
func TestQuoteShortAndTask(t *testing.T) {
	hits := []bottega.PassageHit{
		taskStep("sample-reviews", "all", "it", 1, "Rispondi alle recensioni entro pochi giorni, anche a quelle brevi.",
			"Prova ora: rispondi oggi a due recensioni a cui non avevi risposto.",
			"Chi legge le risposte alle recensioni deve capire che dall'altra parte c'è una persona."),
		taskStep("sample-reviews", "negative", "it", 0.9, "Una recensione negativa brucia. Non rispondere a caldo: aspetta qualche ora.\nPoi ringrazia e proponi una soluzione.", "", ""),
	}
	chosen, shown := quote(hits, "come rispondo a una recensione negativa?", "it")
	if len(shown) != 2 {
		t.Fatalf("shown %v, want both steps", shown)
	}
	for _, u := range chosen[0] {
		if strings.HasPrefix(u.text, "Prova ora:") {
			t.Errorf("the exercise is quoted before the step's other sentences: %+v", chosen[0])
		}
	}
	var neg []string
	for _, u := range chosen[1] {
		neg = append(neg, u.text)
	}
	// The sentence after the opening is short too: the next comes, the
	// last of the step.
	if want := []string{"Una recensione negativa brucia.", "Non rispondere a caldo: aspetta qualche ora.", "Poi ringrazia e proponi una soluzione."}; !slices.Equal(neg, want) {
		t.Errorf("the negative review step quotes %q, want its short opening and the sentences after it, %q", neg, want)
	}
}

// taskStep is a step of lesson whose body is text, task (its exercise) and
// tip, as the index joins them.
func taskStep(lesson, ref, locale string, score float64, text, task, tip string) bottega.PassageHit {
	body := text
	for _, s := range []string{task, tip} {
		if s != "" {
			body += "\n\n" + s
		}
	}
	return bottega.PassageHit{Passage: bottega.Passage{LessonID: lesson, Kind: bottega.PassageStep, Ref: ref, Locale: locale,
		Title: lesson, Body: body, Task: task}, Score: score}
}

// A short sentence that opens a paragraph brings the next paragraph, but
// not if that leaves another short sentence hanging.
func TestQuoteShortOpensParagraph(t *testing.T) {
	step := func(lesson, ref string, score float64, body string) bottega.PassageHit {
		return bottega.PassageHit{Passage: bottega.Passage{LessonID: lesson, Kind: bottega.PassageStep, Ref: ref, Locale: "en",
			Title: lesson, Body: body}, Score: score}
	}
	const opening = "Three things never to ask AI for."
	const draft = "Ask AI for a first draft of a caption, then check every fact in it"
	// long leaves room for the opening and "Reviews.", not for more.
	long := draft + strings.Repeat(", and again", (maxQuoted-len(opening)-40-len(draft))/len(", and again")) + "."
	for _, tc := range []struct {
		first, next string
		want        []string
	}{
		{draft + ".", "Reviews written for you are fake reviews, and the law bans them.", []string{opening, "Reviews written for you are fake reviews, and the law bans them."}},
		{long, "Reviews. Written for you, they are fake reviews, and the law bans them.", []string{opening}},
	} {
		hits := []bottega.PassageHit{
			step("ai", "ask", 1, tc.first),
			step("ai", "never", 0.9, opening+"\n\n"+tc.next+"\n\nCustomers' data stays out of any online assistant."),
		}
		chosen, shown := quote(hits, "what should I never ask AI for?", "en")
		if !slices.Contains(shown, 1) {
			t.Fatalf("shown %v, want the second step", shown)
		}
		var got []string
		for _, u := range chosen[1] {
			got = append(got, u.text)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("with %q next, the step quotes %q, want %q", tc.next, got, tc.want)
		}
	}
}

// A heading ("Too dark?") is never quoted alone from a step other than
// the best: it brings what follows it even if that is short, or is left
// out when nothing after it fits.
func TestQuoteHeading(t *testing.T) {
	const heading, next = "Too dark?", "Light comes first."
	list := "• Turn the table toward the window in the morning.\n• Switch the flash off and hold the phone still."
	first := func(n int) string {
		s := "Clean the lens before every product photo"
		return s + strings.Repeat(" and", (n-len(s)-1)/len(" and")) + "."
	}
	for _, tc := range []struct {
		room int // left on the screen after the best step's sentence
		want []string
	}{
		{len(heading) + len(next) + 5, []string{heading, next}},
		{len(heading) + 5, nil},
	} {
		hits := []bottega.PassageHit{
			taskStep("photos", "lens", "en", 1, first(maxQuoted-tc.room), "", ""),
			taskStep("photos", "light", "en", 0.9, heading+" "+next+"\n"+list, "", ""),
		}
		chosen, _ := quote(hits, "my product photos come out too dark, why?", "en")
		var got []string
		for _, u := range chosen[1] {
			got = append(got, u.text)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("with %d characters of room, the second step quotes %q, want %q", tc.room, got, tc.want)
		}
	}
}

// A step's exercise is never all an answer quotes of a step: its best
// other sentence stands in for it. The exercise is the step's task, however
// its author opens it: here with no "Prova ora:".
func TestQuoteNoLoneTask(t *testing.T) {
	hits := []bottega.PassageHit{
		taskStep("plan", "rhythm", "it", 1, "Meglio due post a settimana per tutto l'anno che uno al giorno per due settimane.\n"+
			"Scegli i giorni dei post e tienili.", "", ""),
		taskStep("citizens", "rhythm", "it", 0.9, "Un ritmo fisso aiuta: il lunedì i lavori della settimana, il giovedì gli eventi.",
			"Programma i post del lunedì mattina e segna nel piano editoriale quanto spesso li fai.", ""),
	}
	chosen, shown := quote(hits, "ogni quanto devo programmare i post? io li faccio tutti il lunedì", "it")
	if !slices.Contains(shown, 1) {
		t.Fatalf("shown %v, want the second step too", shown)
	}
	if us := chosen[1]; len(us) != 1 || !strings.HasPrefix(us[0].text, "Un ritmo fisso") {
		t.Errorf("the second step quotes %+v, want its sentence on the rhythm, not its exercise", us)
	}
}

// A step's exercise and the line presenting its file share the question's
// words ("reply", "negative review") but answer nothing: the step's example
// is quoted instead.
func TestQuoteExampleRatherThanExercise(t *testing.T) {
	hits := []bottega.PassageHit{
		taskStep("reviews", "templates", "en", 1, "Here's how it might sound:\n"+
			"\"Thank you for writing, Paola. You're right: the vase arrived cracked. We'll send a new one. Marco\"\n"+
			"Short, kind, concrete.\n"+
			"The attached file has a set of replies to adapt: positive, negative, rating only, fake.",
			"Try it now: draft a reply to a negative review you've received, or one you might receive.", ""),
		taskStep("reviews", "all", "en", 0.9, "Reply to every review, positive and negative, ideally within a few days.", "", ""),
	}
	hits[0].Document = true
	chosen, _ := quote(hits, "how do I reply to a negative review?", "en")
	var got []string
	for _, u := range chosen[0] {
		got = append(got, u.text)
	}
	if len(got) == 0 || !strings.HasPrefix(got[0], "Here's how it might sound:") {
		t.Errorf("the step quotes %q, want its example first", got)
	}
	for _, u := range chosen[0] {
		if u.task || u.file {
			t.Errorf("the step quotes %q, its exercise or file line, with its example at hand", u.text)
		}
	}
}

// An example reply is one unit with the line that introduces it, and the
// line presenting the step's attached file, which an answer does not carry,
// is told from the others (it weighs as little as the exercise).
func TestQuoteExampleNotFile(t *testing.T) {
	body := "Here's how it might sound:\n" +
		"\"Thank you for writing, Paola. You're right: the vase arrived cracked. We'll send a new one. Marco\"\n" +
		"Short, kind, concrete.\n" +
		"The attached file has a set of replies to adapt: positive, negative, rating only, fake."
	us := units(0, body)
	if len(us) != 3 || !strings.HasPrefix(us[0].text, "Here's how") || !strings.HasSuffix(us[0].text, `Marco"`) {
		t.Fatalf("units %+v, want the introduction and the example as one", us)
	}
	for _, u := range us {
		if got, want := pointsToFile(u.text), u.pos == 2; got != want {
			t.Errorf("pointsToFile(%q) = %v", u.text, got)
		}
	}
	for _, line := range []string{
		"Nel file allegato trovi il kit dei messaggi.",
		"En el archivo adjunto tienes el kit de mensajes.",
		"Dans le fichier joint, tu trouves le kit des messages.",
		"Im Anhang findest du die Vorlagen.",
	} {
		if !pointsToFile(line) {
			t.Errorf("the file line %q is not told", line)
		}
	}
}

// A sentence is never cut after an abbreviation followed by a number or a
// lower-case word: a law's article, a decree, a letter of a paragraph.
func TestSplitKeepsReferences(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"Serve anche una funzione di recesso online (art. 54-bis del Codice del consumo). Mettila in vista.",
			[]string{"Serve anche una funzione di recesso online (art. 54-bis del Codice del consumo).", "Mettila in vista."}},
		{"Lo dice il D.Lgs. 206/2005, all'art. 21, lett. b del Codice. Vale anche online.",
			[]string{"Lo dice il D.Lgs. 206/2005, all'art. 21, lett. b del Codice.", "Vale anche online."}},
		// A German date: the day is an ordinal, "15." before its month.
		{"Für Weihnachten, Ferragosto (15. August) oder den 1. Mai nimmst du besondere Zeiten. Sie gelten nur dann. Wir schließen am 31. Bis bald.",
			[]string{"Für Weihnachten, Ferragosto (15. August) oder den 1. Mai nimmst du besondere Zeiten.", "Sie gelten nur dann.", "Wir schließen am 31.", "Bis bald."}},
	} {
		if got := splitSentences(tc.line); !slices.Equal(got, tc.want) {
			t.Errorf("splitSentences(%q)\n = %q\nwant %q", tc.line, got, tc.want)
		}
	}
}

// A sentence is never cut inside a quotation that closes on its line: an
// example bio or message is quoted whole, never half with a stray quote
// mark. A quote mark left open does not stop the cutting.
func TestSplitKeepsQuotations(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"Per esempio: «Ceramiche a mano a Bassano. Spediamo in Italia e all'estero». Poi aggiungi il link.",
			[]string{"Per esempio: «Ceramiche a mano a Bassano. Spediamo in Italia e all'estero».", "Poi aggiungi il link."}},
		{`Who you are. For example: "I'm Marta. I bind books."`,
			[]string{"Who you are.", `For example: "I'm Marta. I bind books."`}},
		{`Evita gli inizi come "Buongiorno a tutti!" o "Nuovi arrivi". Di' cosa c'è di nuovo.`,
			[]string{`Evita gli inizi come "Buongiorno a tutti!" o "Nuovi arrivi".`, "Di' cosa c'è di nuovo."}},
		{"Se il titolo è “Scuole chiuse? È una bufala”, resta il dubbio. Scrivi il fatto.",
			[]string{"Se il titolo è “Scuole chiuse? È una bufala”, resta il dubbio.", "Scrivi il fatto."}},
		{"Un «esempio lasciato aperto. Qui si taglia.",
			[]string{"Un «esempio lasciato aperto.", "Qui si taglia."}},
		{"Zum Beispiel: „Heute geschlossen. Morgen ab 9 Uhr“. Dann den Link.",
			[]string{"Zum Beispiel: „Heute geschlossen. Morgen ab 9 Uhr“.", "Dann den Link."}},
		{"Na przykład: „Dziś zamknięte. Jutro od dziewiątej”. Potem link.",
			[]string{"Na przykład: „Dziś zamknięte. Jutro od dziewiątej”.", "Potem link."}},
	} {
		if got := splitSentences(tc.line); !slices.Equal(got, tc.want) {
			t.Errorf("splitSentences(%q)\n = %q\nwant %q", tc.line, got, tc.want)
		}
	}
}

// A sentence that goes on from the one before it brings that one along.
func TestQuoteGoesOnFrom(t *testing.T) {
	const before = "Vale in tutta Europa da qualche anno."
	for _, after := range []string{
		"Quindi se cerchi un commesso con una sponsorizzata, scegli la categoria lavoro.",
		"Per questo se cerchi un commesso con una sponsorizzata, scegli la categoria lavoro.",
		"Altrimenti, se cerchi un commesso con una sponsorizzata, l'annuncio viene respinto.",
	} {
		hits := []bottega.PassageHit{{Passage: bottega.Passage{LessonID: "ads", Kind: bottega.PassageStep, Ref: "category", Locale: "it",
			Title: "Sponsorizzate", Body: "Le inserzioni su case e credito hanno regole proprie.\n" +
				before + " " + after + " Le altre inserzioni restano libere."}, Score: 1}}
		chosen, _ := quote(hits, "cerco un commesso, che sponsorizzata faccio?", "it")
		var got []string
		for _, u := range chosen[0] {
			got = append(got, u.text)
		}
		if i := slices.Index(got, after); i < 1 || got[i-1] != before {
			t.Errorf("quoted %q, want %q with the sentence before it", got, after)
		}
	}
}

// The sentence before one that goes on from it comes along even when it
// takes the answer a little past its length: "Se no, …" alone says
// nothing.
func TestQuoteGoesOnFromPastTheLength(t *testing.T) {
	lead := "Per aggiungere il negozio su Google Maps apri l'app di Google Maps, tocca il tuo profilo in alto a destra, " +
		"scegli di aggiungere la tua attività, scrivi il nome che c'è sull'insegna, la categoria principale, l'indirizzo " +
		"con il numero civico, il telefono del negozio e il sito se ce l'hai, poi conferma e segui i passaggi che Google " +
		"ti propone per la verifica, che di solito chiede un breve video del negozio, dell'insegna e di qualcosa che solo " +
		"tu puoi mostrare, come le chiavi o la cassa, e tieni a portata di mano il telefono che hai indicato"
	const before = "Se la scheda del negozio esiste già, tocca «Rivendica questa attività»."
	const after = "Se no, aggiungila da Google Maps con il tuo account Google."
	if n := utf8.RuneCountInString(lead + after + before); n <= maxQuoted || n > maxQuoted+goesOnSlack {
		t.Fatalf("the three sentences are %d characters: the test needs more than %d, at most %d", n, maxQuoted, maxQuoted+goesOnSlack)
	}
	step := func(ref, body string, score float64) bottega.PassageHit {
		return bottega.PassageHit{Passage: bottega.Passage{LessonID: "maps", Kind: bottega.PassageStep, Ref: ref, Locale: "it",
			Title: "Farsi trovare", Body: body}, Score: score}
	}
	hits := []bottega.PassageHit{step("add", lead+".", 1), step("claim", before+" "+after, 0.9)}
	chosen, _ := quote(hits, "come aggiungo il negozio su google maps col mio account?", "it")
	var got []string
	for _, u := range chosen[1] {
		got = append(got, u.text)
	}
	if !slices.Equal(got, []string{before, after}) {
		t.Errorf("second step quoted %q, want %q", got, []string{before, after})
	}
}

// After the best passage, an offline answer quotes the passages as
// retrieval ranks them: a close lesson's step that scores better than the
// best lesson's other steps comes before them.
func TestQuoteCloseLesson(t *testing.T) {
	step := func(lesson, ref string, score float64, body string) bottega.PassageHit {
		return bottega.PassageHit{Passage: bottega.Passage{LessonID: lesson, Kind: bottega.PassageStep, Ref: ref, Locale: "it",
			Title: lesson, Body: body}, Score: score}
	}
	hits := []bottega.PassageHit{
		step("ai", "alt-text", 1, "Il testo alternativo descrive una foto a chi non la vede."),
		step("photos", "background", 0.9, "Lo sfondo delle foto deve far risaltare il prodotto: un cartoncino bianco o il legno del bancone."),
		step("ai", "photos", 0.7, "Con l'IA puoi togliere uno sfondo disordinato da una foto."),
		step("ai", "disclose", 0.6, "Un'immagine creata con l'IA si dichiara."),
	}
	_, shown := quote(hits, "che sfondo metto dietro le foto?", "it")
	var refs []string
	for _, i := range shown {
		refs = append(refs, hits[i].Ref)
	}
	if !slices.Contains(refs, "background") || slices.Contains(refs, "disclose") {
		t.Errorf("quoted steps %v, want the background step of the close lesson, not the weakest step of the best", refs)
	}
}

// "Attachments" in a step without a file are something else (an email's):
// a sentence about them weighs as any other. In a step with a file, the one
// that presents it counts for less.
func TestQuoteAttachmentsWithoutFile(t *testing.T) {
	const warn = "Non aprire gli allegati delle email che non aspetti, anche se sembrano della banca o del corriere."
	score := map[bool]float64{}
	for _, document := range []bool{false, true} {
		h := taskStep("account-security", "phishing", "it", 1, warn+"\nUsa una password diversa per ogni account.", "", "")
		h.Document = document
		chosen, _ := quote([]bottega.PassageHit{h}, "posso aprire gli allegati di una email del corriere?", "it")
		if len(chosen[0]) == 0 || chosen[0][0].text != warn {
			t.Fatalf("with a document %v, the step quotes %+v, want the warning first", document, chosen[0])
		}
		score[document] = chosen[0][0].score
	}
	if score[false] <= score[true] {
		t.Errorf("the warning scores %.2f in a step without a file, %.2f in one with a file: want it to count for less only there", score[false], score[true])
	}
}

// A request to write an accusation is told from a question about one.
func TestDefames(t *testing.T) {
	checkMarks(t, "defames", defames, []string{
		"fammi un post che dice che il negozio di fronte è un truffatore",
		"scrivi una recensione falsa a una stella per il mio concorrente",
		"scrivimi un post che prende in giro il sindaco del paese vicino",
		"write a post saying the bakery next door are thieves",
		"write a Facebook post calling the councillor a liar",
		"escribe una reseña falsa para la tienda de enfrente",
		"écris un faux avis sur le restaurant d'à côté",
		"schreib einen Post, dass mein Konkurrent ein Betrüger ist",
		"napisz post, że sąsiad to złodziej",
	}, []string{
		"un cliente mi dà del ladro in una recensione, scrivimi una risposta",
		"scrivi un avviso per gli anziani sui truffatori che si fingono del comune",
		"è reato scrivere recensioni finte o rischio solo che le tolgono?",
		"someone called me a scammer on facebook, how do I reply?",
		"write a warning about scammers pretending to be the council",
		"mi hanno lasciato una recensione falsa, cosa faccio?",
		"wir haben einen beleidigenden Kommentar entfernt, jetzt schreibt jemand, die Gemeinde löscht Kritiker",
	})
}

// A question goes on from the previous when it starts with "and" or
// "but", in its own language: an Italian article or preposition, or "è",
// starts a question of its own.
func TestGoesOn(t *testing.T) {
	for _, c := range []struct {
		q, lang string
		want    bool
	}{
		{"e se non risponde?", "it", true},
		{"ma se poi mi riscrive?", "it", true},
		{"and what about Sundays?", "en", true},
		{"und auf whatsapp auch?", "de", true},
		{"a ile to kosztuje?", "pl", true},
		{"i na instagramie też?", "pl", true},
		{"i prezzi li devo mettere su instagram o no?", "it", false},
		{"a che ora pubblico?", "it", false},
		{"è meglio instagram o facebook?", "it", false},
		{"È vero che i Reel arrivano a più persone?", "it", false},
		{"come rispondo a una recensione?", "it", false},
	} {
		if got := goesOn(c.q, c.lang); got != c.want {
			t.Errorf("goesOn(%q, %s) = %v, want %v", c.q, c.lang, got, c.want)
		}
	}
}

func TestSplitAsked(t *testing.T) {
	for _, tt := range []struct {
		msg  string
		want []string
	}{
		{"come rispondo a una recensione negativa? e quanto spesso devo postare su instagram?",
			[]string{"come rispondo a una recensione negativa?", "e quanto spesso devo postare su instagram?"}},
		{"ho una bottega a Faenza, come metto gli orari su google?? e come rispondo alle recensioni cattive? grazie",
			[]string{"ho una bottega a Faenza, come metto gli orari su google??", "e come rispondo alle recensioni cattive?"}},
		// A follow-up, a single question, text after the last question.
		{"come metto gli orari su google? e quanto costa?", nil},
		{"come metto gli orari su google?", nil},
		{"come metto gli orari su google? come rispondo alle recensioni? lo chiedo perché ho appena aperto il negozio", nil},
		{"uno? due? tre? quattro parole qui?", nil},
	} {
		want := tt.want
		if want == nil {
			want = []string{tt.msg}
		}
		if got := splitAsked(tt.msg); !slices.Equal(got, want) {
			t.Errorf("splitAsked(%q) = %q, want %q", tt.msg, got, want)
		}
	}
}

func TestWithoutJoiner(t *testing.T) {
	for q, want := range map[string]string{
		"e come faccio le foto?": "come faccio le foto?",
		"And how often?":         "how often?",
		"è meglio instagram?":    "è meglio instagram?",
		"come faccio le foto?":   "come faccio le foto?",
		"e?":                     "e?",
	} {
		if got := withoutJoiner(q); got != want {
			t.Errorf("withoutJoiner(%q) = %q, want %q", q, got, want)
		}
	}
}

// A step found in its Italian copy and shown in Spanish has its sentences
// picked by the words of the Italian, the glossary's among them, when the
// two copies split alike; sentence for sentence, the Spanish is quoted.
func TestQuoteShownInAnotherLocale(t *testing.T) {
	const (
		es      = "Lee con calma lo que escribió el cliente. Contesta en dos días, con educación. Luego vuelve a tu trabajo."
		aligned = "Leggi con calma cosa ha scritto il cliente. Alla recensione rispondi entro due giorni, con garbo. Poi torna al lavoro."
		longer  = "Leggi con calma cosa ha scritto il cliente. Poi respira. Alla recensione rispondi entro due giorni, con garbo. Poi torna al lavoro."
	)
	for _, c := range []struct {
		scored string
		want   string // the sentence that scores, "" for none
	}{
		{aligned, "Contesta en dos días, con educación."},
		// Four sentences against three: nothing tells which is which.
		{longer, ""},
	} {
		h := bottega.PassageHit{Passage: bottega.Passage{LessonID: "l", Kind: bottega.PassageStep, Ref: "s", Locale: "es",
			Title: "Reseñas", Body: es}, Score: 1, Found: "it"}
		h.Scored = &bottega.Passage{LessonID: "l", Kind: bottega.PassageStep, Ref: "s", Locale: "it", Title: "Recensioni", Body: c.scored}
		chosen, _ := quote([]bottega.PassageHit{h}, "¿qué hago con una reseña?", "es")
		got := ""
		for _, u := range chosen[0] {
			if !strings.Contains(es, u.text) {
				t.Errorf("quoted %q, not the Spanish copy", u.text)
			}
			if u.score > 0 {
				got = u.text
			}
		}
		if got != c.want {
			t.Errorf("scored on %q: the sentence that scores is %q, want %q", c.scored, got, c.want)
		}
	}
}
