package plain

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

// The expected counts below are worked out by hand from the rules in the
// package comment; the index is then the formula applied to them.
func TestGulpease(t *testing.T) {
	for _, c := range []struct {
		name                     string
		text                     string
		letters, words, sentence int
		want                     float64
	}{
		{
			// Domani(6) le(2) scuole(6) restano(7) chiuse(6) | Non(3)
			// uscite(6) di(2) casa(4): 9 words, 42 letters, 2 sentences.
			// 89 + (300×2 − 10×42) / 9 = 89 + 180/9 = 109 (above 100:
			// Index is not clamped, Score is).
			name:    "short sentences",
			text:    "Domani le scuole restano chiuse. Non uscite di casa.",
			letters: 42, words: 9, sentence: 2, want: 109,
		},
		{
			// Si(2) comunica(8) che(3) l(1) erogazione(10) dell(4)
			// acqua(5) potabile(8) sarà(4) sospesa(7) per(3)
			// consentire(10) lavori(6) di(2) manutenzione(12)
			// straordinaria(13) sulla(5) rete(4) idrica(6) comunale(8):
			// the apostrophe splits l'erogazione and dell'acqua, so 20
			// words, 121 letters, 1 sentence.
			// 89 + (300 − 1210) / 20 = 89 − 45.5 = 43.5
			name:    "one long official sentence",
			text:    "Si comunica che l'erogazione dell'acqua potabile sarà sospesa per consentire lavori di manutenzione straordinaria sulla rete idrica comunale.",
			letters: 121, words: 20, sentence: 1, want: 43.5,
		},
		{
			// Line 1: Mercato(7) in(2) piazza(6). Line 2: Sabato(6)
			// dalle(5) 8:00(0) alle(4) 13:00(0). Then Portate(7) la(2)
			// borsa(5). A line break ends a sentence; times are words
			// without letters; the link is left out. 11 words, 44
			// letters, 3 sentences.
			// 89 + (900 − 440) / 11 = 89 + 41.8181… = 130.8181…
			name:    "line breaks, times and a link",
			text:    "Mercato in piazza\nSabato dalle 8:00 alle 13:00. Portate la borsa! www.comune.esempio.it",
			letters: 44, words: 11, sentence: 3, want: 89 + 460.0/11,
		},
		{
			// Abbreviations with a full stop do not end the sentence:
			// Il(2) dott(4) Rossi(5) riceve(6) in(2) via(3) Po(2) n(1)
			// 3(0): 9 words, 25 letters, 1 sentence.
			// 89 + (300 − 250) / 9 = 94.5555…
			name:    "titles keep the sentence",
			text:    "Il dott. Rossi riceve in via Po n. 3.",
			letters: 25, words: 9, sentence: 1, want: 89 + 50.0/9,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Check("it", c.text)
			if r.IndexName != Gulpease || r.Lang != "it" {
				t.Fatalf("index %q lang %q, want Gulpease it", r.IndexName, r.Lang)
			}
			if r.Letters != c.letters || r.Words != c.words || r.Sentences != c.sentence {
				t.Errorf("letters/words/sentences = %d/%d/%d, want %d/%d/%d",
					r.Letters, r.Words, r.Sentences, c.letters, c.words, c.sentence)
			}
			if math.Abs(r.Index-c.want) > 1e-9 {
				t.Errorf("Gulpease = %v, want %v", r.Index, c.want)
			}
		})
	}
}

func TestFlesch(t *testing.T) {
	for _, c := range []struct {
		name                       string
		text                       string
		words, sentences, syllable int
		want                       float64
	}{
		{
			// The(1) library(3: i, a, y) will(1) be(1) closed(1: final
			// "ed" after s dropped) on(1) Monday(2: o, ay) | Please(1:
			// silent e dropped, "ea") return(2) your(1: leading y is a
			// consonant, "ou") books(1) by(1) Sunday(2): 13 words, 18
			// syllables, 2 sentences.
			// 206.835 − 1.015 × 13/2 − 84.6 × 18/13
			//   = 206.835 − 6.5975 − 117.1384… = 83.0990…
			name:  "short notice",
			text:  "The library will be closed on Monday. Please return your books by Sunday.",
			words: 13, sentences: 2, syllable: 18,
			want: 206.835 - 1.015*13/2 - 84.6*18/13,
		},
		{
			// Residents(3) are(1) requested(3: "ed" after t is kept)
			// to(1) boil(1) tap(1) water(2) before(2: silent e) drinking(2)
			// it(1) until(2) further(2) notice(2: silent e): 13 words,
			// 23 syllables, 1 sentence.
			// 206.835 − 1.015 × 13 − 84.6 × 23/13
			//   = 206.835 − 13.195 − 149.6769… = 43.9630…
			name:  "official request",
			text:  "Residents are requested to boil tap water before drinking it until further notice.",
			words: 13, sentences: 1, syllable: 23,
			want: 206.835 - 1.015*13 - 84.6*23/13,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Check("en", c.text)
			if r.IndexName != Flesch || r.Lang != "en" {
				t.Fatalf("index %q lang %q, want Flesch en", r.IndexName, r.Lang)
			}
			if r.Words != c.words || r.Sentences != c.sentences || r.Syllables != c.syllable {
				t.Errorf("words/sentences/syllables = %d/%d/%d, want %d/%d/%d",
					r.Words, r.Sentences, r.Syllables, c.words, c.sentences, c.syllable)
			}
			if math.Abs(r.Index-c.want) > 1e-9 {
				t.Errorf("Flesch = %v, want %v", r.Index, c.want)
			}
		})
	}
}

func TestSyllables(t *testing.T) {
	for w, want := range map[string]int{
		"the": 1, "library": 3, "closed": 1, "wanted": 2, "boxes": 2, "makes": 1,
		"table": 2, "make": 1, "yellow": 2, "beautiful": 3, "notice": 2, "9:30": 1,
	} {
		if got := syllables(w); got != want {
			t.Errorf("syllables(%q) = %d, want %d", w, got, want)
		}
	}
}

func TestScore(t *testing.T) {
	for in, want := range map[float64]int{109: 100, 43.5: 44, -12: 0, 59.4: 59} {
		if got := (Report{Index: in}).Score(); got != want {
			t.Errorf("Score(%v) = %d, want %d", in, got, want)
		}
	}
}

// sample is a realistic text with what a careful reader finds in it.
type sample struct {
	name, lang, text string
	verdict          Verdict
	long             int
	phrases          []string
	passives         []string // impersonal forms start with "~"
	abbr             []string
	missing          []string
	tags             []string // "tag>Better" or "tag"
	emoji            []string
}

var samples = []sample{
	// Italian, municipal, written well.
	{name: "it-allerta-good", lang: "it", verdict: Good,
		text: "⚠️ Allerta arancione per vento forte, da oggi alle 14:00 a domani sera.\nNon parcheggiate sotto gli alberi in viale Garibaldi e nei parchi.\nPer alberi caduti chiamate la Polizia locale: 041 274 7070.\n#AllertaMeteo"},
	{name: "it-acqua-good", lang: "it", verdict: Good,
		text: "Da lunedì 3 marzo, dalle 8:30 alle 12:30, manca l'acqua in via Roma e in piazza Duomo per lavori alla rete.\nRiempite qualche bottiglia la sera prima.\nInfo: 800 123 456 (numero verde, gratuito)."},
	{name: "it-scuole-good", lang: "it", verdict: Good,
		text: "Domani, venerdì 14 novembre, le scuole di Borgo San Marco restano chiuse per la neve.\nI bambini restano a casa: lo scuolabus non passa.\nSeguite gli aggiornamenti alle 18:00 su questa pagina."},
	{name: "it-concerto-good", lang: "it", verdict: Good, passives: []string{"è annullato"},
		text: "Il concerto di sabato in piazza Ferretto è annullato per pioggia. Chi ha comprato il biglietto riceve il rimborso entro 10 giorni: non serve fare niente. Per dubbi scrivete a eventi@comune.mestre.it"},
	{name: "it-ztl-spiegata-good", lang: "it", verdict: Good,
		text: "Da lunedì 2 febbraio la ZTL (zona a traffico limitato) del centro è attiva dalle 7:00 alle 20:00. Controllate la targa sul sito del Comune prima di entrare."},
	{name: "it-biblioteca-good", lang: "it", verdict: Good, missing: []string{What},
		text: "Oggi la biblioteca di via Dante chiude alle 13:00. Domani orario normale. Ci scusiamo!"},
	// Italian, municipal, poor.
	{name: "it-ordinanza-poor", lang: "it", verdict: Hard, long: 1,
		phrases: []string{"si comunica che", "ai sensi dell'", "ordinanza sindacale", "in ottemperanza alle", "è fatto divieto di", "a decorrere dal"},
		abbr:    []string{"c.m."}, missing: []string{What},
		text: "Si comunica che, ai sensi dell'ordinanza sindacale n. 45/2026, in ottemperanza alle vigenti disposizioni, è fatto divieto di transito e sosta a tutti i veicoli in via Garibaldi a decorrere dal giorno 12 c.m. e fino a cessate esigenze."},
	{name: "it-guasto-poor", lang: "it", verdict: Hard,
		phrases:  []string{"si informa la cittadinanza che", "in data odierna", "a seguito di", "erogazione idrica", "codesto", "servizio idrico", "entro e non oltre"},
		passives: []string{"verrà sospesa"}, missing: []string{What},
		text: "Si informa la cittadinanza che in data odierna, a seguito di un guasto, l'erogazione idrica verrà sospesa. Codesto ufficio provvederà al ripristino del servizio idrico entro e non oltre le ore 18."},
	{name: "it-tari-poor", lang: "it", verdict: Hard,
		passives: []string{"~Si ricorda", "essere effettuato"}, abbr: []string{"TARI"}, missing: []string{Where, What},
		text: "Si ricorda che il pagamento della TARI deve essere effettuato entro il 16/12 tramite modello F24 o PagoPA."},
	{name: "it-ponte-fair", lang: "it", verdict: Fair,
		passives: []string{"viene deviato"}, abbr: []string{"ZTL"},
		text: "Dal 10 al 20 giugno chiude il ponte di via Manin per lavori. Il traffico viene deviato nella ZTL di viale Verdi. Usate i mezzi pubblici se potete."},
	{name: "it-bonus-poor", lang: "it", verdict: Hard,
		abbr: []string{"SUAP", "PEC", "ISEE", "DURC"}, missing: []string{When, Where},
		text: "Le domande per il bonus vanno presentate allo SUAP tramite PEC, allegando l'ISEE in corso di validità e copia del DURC."},
	{name: "it-mercatino-fair", lang: "it", verdict: Fair, long: 1, missing: []string{What},
		text: "Il mercatino dell'usato che ogni anno riempie le strade del centro storico con bancarelle di libri, dischi, vestiti e oggetti di ogni tipo torna domenica prossima con più espositori del solito e anche con una zona dedicata ai bambini."},
	{name: "it-sagra-fair", lang: "it", verdict: Fair,
		tags: []string{"sagradelpesce>SagraDelPesce", "estateincitta>EstateInCitta"},
		text: "Questa sera alle 21:00 in piazza San Marco c'è la sagra del pesce: vi aspettiamo! #sagradelpesce #estateincitta #venezia"},
	// Italian, shops.
	{name: "it-saldi-good", lang: "it", verdict: Good,
		text: "Da sabato 4 gennaio iniziano i saldi in negozio: sconti fino al 50% su maglioni e cappotti.\nVi aspettiamo in via Cavour 12, dalle 9:30 alle 19:30.\n#SaldiInvernali"},
	{name: "it-ceramica-good", lang: "it", verdict: Good,
		text: "Giovedì sera, alle 18:30, laboratorio di ceramica per principianti nella nostra bottega di Faenza. Due ore, tutto il materiale compreso. Prenotate con un messaggio qui su WhatsApp: i posti sono otto."},
	{name: "it-panettoni-good", lang: "it", verdict: Good,
		text: "Sono arrivati i panettoni artigianali! Li trovate in negozio da oggi, in corso Italia 8. Passate ad assaggiarli 🎄"},
	{name: "it-collezione-fair", lang: "it", verdict: Fair,
		tags: []string{"nuovacollezione", "shoponline>ShopOnline"}, emoji: []string{"🏠"},
		text: "Nuova collezione 😍 ci vediamo in 🏠 #nuovacollezione #modadonna #shoponline"},
	{name: "it-novita-fair", lang: "it", verdict: Fair, missing: []string{When, Where},
		text: "Grandi novità in arrivo per tutti i nostri clienti, restate sintonizzati perché presto ci saranno tante sorprese!!!"},
	{name: "it-inventario-poor", lang: "it", verdict: Hard, long: 1,
		phrases: []string{"si porta a conoscenza", "al fine di"}, missing: []string{Where, What},
		text: "Si porta a conoscenza della gentile clientela che, al fine di garantire un servizio migliore, il punto vendita sarà chiuso per inventario nelle giornate di lunedì e martedì. Ci scusiamo per il disagio."},
	{name: "it-colazione-fair", lang: "it", verdict: Fair, missing: []string{Where}, emoji: []string{"☕", "🥐"},
		text: "Vi aspettiamo sabato per un ☕ e due 🥐 in compagnia!"},
	// English, council.
	{name: "en-flood-good", lang: "en", verdict: Good,
		text: "Flood warning for the River Avon until 6pm tomorrow.\nStay away from the riverbank and do not drive through flood water.\nIf your home is at risk, call 0345 988 1188."},
	{name: "en-bins-good", lang: "en", verdict: Good,
		text: "Bin collections are a day late this week because of the bank holiday. Put your bins out on your street by 7am the day after your usual day. Check your new dates at www.york.gov.uk/bins"},
	{name: "en-market-good", lang: "en", verdict: Good,
		text: "The Christmas market in Market Square opens on Friday 5 December at 10am. Come early for the lantern parade at 5pm. Free entry."},
	{name: "en-roadworks-fair", lang: "en", verdict: Fair,
		passives: []string{"be closed", "be diverted"}, missing: []string{What},
		text: "Bridge Street will be closed to traffic from 14 to 18 July for resurfacing works. Buses will be diverted via the A64."},
	{name: "en-refuse-poor", lang: "en", verdict: Hard, long: 1,
		phrases:  []string{"please be advised that", "pursuant to", "are requested to", "no later than", "in accordance with", "aforementioned"},
		passives: []string{"are placed"}, missing: []string{Where, What},
		text: "Please be advised that, pursuant to the Council's statutory obligations, residents are requested to ensure that all refuse receptacles are placed at the kerbside no later than 7am on the day of collection, in accordance with the aforementioned schedule."},
	{name: "en-water-poor", lang: "en", verdict: Hard, long: 1,
		phrases:  []string{"utilise", "due to the fact that", "potable water"},
		passives: []string{"~It is recommended", "been compromised"}, missing: []string{Where, What},
		text: "It is recommended that residents utilise bottled water for consumption purposes until further notice due to the fact that the potable water supply has been compromised."},
	{name: "en-tip-poor", lang: "en", verdict: Hard,
		passives: []string{"is closed"}, abbr: []string{"HWRC", "AHP", "e.g.", "CSC"},
		text: "Reminder: the HWRC on Mill Lane is closed on Mondays. Residents with an AHP permit should use the alternative site, e.g. the depot. Ring the CSC for info."},
	// English, shops.
	{name: "en-bakery-good", lang: "en", verdict: Good,
		text: "Fresh sourdough is out of the oven! 🍞 Pop in before noon at 12 Church Street, or order now for collection tomorrow."},
	{name: "en-pottery-good", lang: "en", verdict: Good,
		text: "Learn to throw a pot! Our beginners' pottery class runs every Thursday at 7pm in our studio on Bridge Road. Book your place at www.clayworks.co.uk"},
	{name: "en-sale-good", lang: "en", verdict: Good,
		text: "Winter sale starts Saturday: 30% off all coats and knitwear in store and online. Visit us at 4 High Street. #WinterSale #ShopLocal"},
	{name: "en-hashtags-fair", lang: "en", verdict: Fair,
		tags: []string{"shoplocal>ShopLocal", "smallbusiness>SmallBusiness", "handmadejewellery>HandmadeJewellery", "supportsmallbusiness>SupportSmallBusiness"},
		text: "New stock just landed 😍 come see us #shoplocal #smallbusiness #handmadejewellery #supportsmallbusiness"},
	{name: "en-teaser-fair", lang: "en", verdict: Fair, missing: []string{When, Where, What},
		text: "Exciting things are coming!!! Watch this space for an amazing announcement that you will not want to miss!!!"},
	{name: "en-emoji-poor", lang: "en", verdict: Hard, missing: []string{Where},
		emoji: []string{"❤️", "🏪", "🍰", "☕"},
		text:  "We ❤️ our customers! Come to the 🏪 on Saturday for 🍰 and ☕ from 10am."},
	{name: "en-refurb-poor", lang: "en", verdict: Hard,
		phrases: []string{"we would like to inform you that", "due to the fact that"}, passives: []string{"be closed"}, missing: []string{What},
		text: "We would like to inform you that, due to the fact that our premises are undergoing refurbishment, the store will be closed until further notice. We apologise for any inconvenience."},
}

func TestSamples(t *testing.T) {
	if len(samples) < 30 {
		t.Fatalf("%d samples, want at least 30", len(samples))
	}
	verdicts := map[Verdict]int{}
	for _, s := range samples {
		verdicts[s.verdict]++
		t.Run(s.name, func(t *testing.T) {
			r := Check(s.lang, s.text)
			if r.Lang != s.lang {
				t.Errorf("lang %q, want %q", r.Lang, s.lang)
			}
			var phrases, passives, tags []string
			for _, p := range r.Phrases {
				phrases = append(phrases, p.Phrase)
			}
			for _, p := range r.Passives {
				if p.Impersonal {
					passives = append(passives, "~"+p.Text)
				} else {
					passives = append(passives, p.Text)
				}
			}
			for _, h := range r.Hashtags {
				if h.Better != "" {
					tags = append(tags, h.Tag+">"+h.Better)
				} else {
					tags = append(tags, h.Tag)
				}
			}
			same(t, "phrases", phrases, s.phrases)
			same(t, "passives", passives, s.passives)
			same(t, "abbreviations", r.Abbreviations, s.abbr)
			same(t, "missing", r.Missing, s.missing)
			same(t, "hashtags", tags, s.tags)
			same(t, "emoji", r.EmojiWords, s.emoji)
			if len(r.Long) != s.long {
				t.Errorf("long sentences %v, want %d", r.Long, s.long)
			}
			if r.Verdict != s.verdict {
				t.Errorf("verdict %s (index %.1f, %d findings), want %s", r.Verdict, r.Index, r.Problems(), s.verdict)
			}
			if len(r.Suggestions) > MaxSuggestions {
				t.Errorf("%d suggestions", len(r.Suggestions))
			}
			if r.Problems() > 0 && len(r.Suggestions) == 0 {
				t.Errorf("findings without suggestions")
			}
		})
	}
	// The samples must exercise every verdict, or a checker that always
	// answers the same would pass.
	for _, v := range []Verdict{Good, Fair, Hard} {
		if verdicts[v] < 5 {
			t.Errorf("only %d samples are %s", verdicts[v], v)
		}
	}
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func TestSuggestions(t *testing.T) {
	r := Check("it", samples[6].text) // the ordinance: every kind of finding
	if len(r.Suggestions) != MaxSuggestions {
		t.Fatalf("%d suggestions, want %d: %+v", len(r.Suggestions), MaxSuggestions, r.Suggestions)
	}
	// One of each kind first, in order of usefulness.
	var ids []string
	for _, s := range r.Suggestions {
		ids = append(ids, s.ID)
	}
	want := []string{MsgLong, MsgPhraseDrop, MsgWhat, MsgAbbr, MsgPhrase}
	same(t, "ids", ids, want)
	if r.Suggestions[0].Args["Words"] != 40 || r.Suggestions[0].Args["Start"] != "Si comunica che, ai sensi dell'ordinanza…" {
		t.Errorf("long sentence args %v", r.Suggestions[0].Args)
	}
	if r.Suggestions[4].Args["Phrase"] != "ai sensi dell'" || r.Suggestions[4].Args["Plain"] != "secondo l'" {
		t.Errorf("phrase args %v", r.Suggestions[4].Args)
	}

	good := Check("en", samples[22].text)
	if len(good.Suggestions) != 0 {
		t.Errorf("a good text got suggestions: %+v", good.Suggestions)
	}
	hard := Check("en", "Notwithstanding the aforementioned considerations, the municipality's comprehensive infrastructural rehabilitation programme necessitates considerable intergovernmental coordination.")
	if hard.Suggestions[0].ID != MsgWords {
		t.Errorf("hard words without long sentences: first suggestion %+v, want %s", hard.Suggestions[0], MsgWords)
	}
}

func TestLanguage(t *testing.T) {
	for _, c := range []struct{ lang, text, want string }{
		{"it-IT", "Domani le scuole sono chiuse.", "it"},
		{"en_GB", "Schools are closed tomorrow.", "en"},
		{"de", "Domani la biblioteca è chiusa per la festa del patrono.", "it"},
		{"fr", "The library is closed on Monday for the bank holiday.", "en"},
		{"", "Ciao", "en"},
		{"it", "The library is closed on Monday for the bank holiday.", "en"},
		{"en", "Domani la biblioteca è chiusa per la festa del patrono.", "it"},
		{"it", "OK", "it"},
	} {
		if got := Check(c.lang, c.text).Lang; got != c.want {
			t.Errorf("Check(%q, %q).Lang = %q, want %q", c.lang, c.text, got, c.want)
		}
	}
}

func TestEmptyAndOdd(t *testing.T) {
	for _, text := range []string{"", "   \n ", "🎉🎉🎉", "#Estate https://example.com", "!!!"} {
		r := Check("it", text)
		if r.Verdict != Empty || r.Words != 0 || len(r.Suggestions) != 0 {
			t.Errorf("Check(%q) = %+v, want an empty report", text, r)
		}
	}
	// A report survives JSON as it is, for the web console.
	r := Check("en", samples[25].text)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Verdict != r.Verdict || back.Index != r.Index || len(back.Phrases) != len(r.Phrases) {
		t.Errorf("JSON round trip changed the report: %s", b)
	}
}

func TestDictionaries(t *testing.T) {
	for _, l := range []string{"it", "en"} {
		d, err := loadDict(l)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.phrases) < 40 || len(d.when) == 0 || len(d.where) == 0 || len(d.do) == 0 {
			t.Errorf("%s dictionary looks truncated: %d phrases", l, len(d.phrases))
		}
		seen := map[string]bool{}
		for _, p := range d.phrases {
			if seen[p.text] {
				t.Errorf("%s: phrase %q twice", l, p.text)
			}
			seen[p.text] = true
		}
	}
	// The brief's own examples are in the dictionary.
	r := Check("it", "Si comunica che, ai sensi di legge, in ottemperanza a quanto previsto, codesto ufficio è chiuso.")
	var got []string
	for _, p := range r.Phrases {
		got = append(got, p.Phrase)
	}
	same(t, "phrases", got, []string{"si comunica che", "ai sensi di", "in ottemperanza a", "codesto"})
}

func FuzzCheck(f *testing.F) {
	for _, s := range samples {
		f.Add(s.lang, s.text)
	}
	f.Fuzz(func(t *testing.T, lang, text string) {
		r := Check(lang, text)
		if r.Lang != "it" && r.Lang != "en" {
			t.Fatalf("lang %q", r.Lang)
		}
		if len(r.Suggestions) > MaxSuggestions {
			t.Fatalf("%d suggestions", len(r.Suggestions))
		}
		if r.Words > 0 && r.Sentences == 0 {
			t.Fatalf("%d words in no sentence", r.Words)
		}
	})
}

// TestSplitAfterAbbreviations: a full stop after an abbreviation that
// comes before a number ("art. 7", "n. 12") ends no sentence.
func TestSplitAfterAbbreviations(t *testing.T) {
	tests := []struct {
		lang, text string
		want       int
	}{
		{"en", "Under art. 7 of the Highway Code, please do not park in via Roma tomorrow. Thank you.", 2},
		{"en", "See para. 3 and fig. 2 for the new times. The office opens at 9.", 2},
		{"it", "Ai sensi dell'art. 7 del Codice della strada, domani non si parcheggia in via Roma. Grazie.", 2},
		{"it", "Ordinanza n. 12 del 3 marzo. Vale da domani.", 2},
		{"en", "The market moves to the square. 2026 will be different.", 2},
	}
	for _, tt := range tests {
		if got := len(split(tt.lang, tt.text, dicts()[tt.lang])); got != tt.want {
			t.Errorf("%s %q: %d sentences, want %d", tt.lang, tt.text, got, tt.want)
		}
	}
}

// A text in another language is not judged with Italian or English rules.
func TestOtherLanguage(t *testing.T) {
	for _, text := range []string{
		"Hola! mañana tour por el Oltrarno a las 10, punto de encuentro en Piazza Santo Spirito. Quedan 3 plazas, reserva por whatsapp",
		"Ab Montag neue Öffnungszeiten: Mo-Fr 6 bis 18 Uhr, Samstag 7 bis 13 Uhr. Wir freuen uns auf euren Besuch!",
		"Dès lundi, nouveaux horaires : du lundi au vendredi de 6 h à 18 h, samedi de 7 h à 13 h. Nous vous attendons !",
		"Od poniedziałku nowe godziny otwarcia: od poniedziałku do piątku od 6 do 18, w sobotę od 7 do 13. Zapraszamy!",
	} {
		if r := Check("it", text); r.Verdict != Other || len(r.Suggestions) != 0 {
			t.Errorf("Check(%.30q…) = %s with %d suggestions, want other and none", text, r.Verdict, len(r.Suggestions))
		}
	}
	for _, s := range samples {
		if r := Check(s.lang, s.text); r.Verdict == Other {
			t.Errorf("%s: an %s text taken for another language", s.name, s.lang)
		}
	}
}

// A text too long for a post is told so first; a short one is not.
func TestLongPost(t *testing.T) {
	sentence := "Lunedì la biblioteca di via Roma apre alle nove e chiude alle diciotto. "
	long := strings.Repeat(sentence, 11) // 132 words
	r := Check("it", long)
	if r.Words <= LongPost || len(r.Suggestions) == 0 || r.Suggestions[0].ID != MsgLongPost || r.Suggestions[0].Args["Words"] != r.Words {
		t.Errorf("%d words: suggestions %+v, want the length first", r.Words, r.Suggestions)
	}
	short := Check("it", strings.Repeat(sentence, 3))
	for _, s := range short.Suggestions {
		if s.ID == MsgLongPost {
			t.Errorf("%d words called long for a post", short.Words)
		}
	}
}

// "by DM" tells the reader what to do.
func TestDirectMessageIsWhatToDo(t *testing.T) {
	r := Check("en", "New belts this week, handmade in Tuscany from Italian leather. Find them at the Saturday market in Lucca or by DM.")
	if slices.Contains(r.Missing, What) {
		t.Errorf("missing %v: \"by DM\" says what to do", r.Missing)
	}
}
