package flows

import (
	"testing"

	"github.com/bottega-app/bottega"
)

// TestSmallTalk: greetings, thanks, goodbyes, acknowledgements and emoji in
// the six languages are small talk; a message with a question in it is not.
func TestSmallTalk(t *testing.T) {
	w, err := parseWords(wordsFile)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"grazie mille!", talkThanks},
		{"grazie sei gentile", talkThanks},
		{"eccomi", talkGreeting},
		{"ciao sono tornata", talkGreeting},
		{"I'm back", talkGreeting},
		{"vai", talkAck},
		{"ok facciamolo", talkAck},
		{"let's go", talkAck},
		{"vai, come metto gli orari?", ""},
		{"boh", talkUnsure},
		{"nn ho capito niente", talkUnsure},
		{"aspetta", talkBye},
		{"un attimo", talkBye},
		{"aspetta, come metto gli orari?", ""},
		{"mah, non so", talkUnsure},
		{"keine Ahnung", talkUnsure},
		{"non so come mettere gli orari", ""},
		{"ciao", talkGreeting},
		{"Ciao Bottega", ""},
		{"ok", talkAck},
		{"👍", talkAck},
		{"😀😀😀", talkAck},
		{"ok grazie, a domani", talkThanks},
		{"Thank you very much!", talkThanks},
		{"hello", talkGreeting},
		{"got it 👍", talkAck},
		{"¡Hola!", talkGreeting},
		{"muchas gracias", talkThanks},
		{"vale", talkAck},
		{"Merci beaucoup !", talkThanks},
		{"salut", talkGreeting},
		{"d'accord", talkAck},
		{"Danke schön", talkThanks},
		{"alles klar", talkAck},
		{"Guten Morgen", talkGreeting},
		{"Dziękuję bardzo", talkThanks},
		{"cześć", talkGreeting},
		{"w porządku", talkAck},
		{"do widzenia", talkBye},
		{"ciao, tutto bene?", talkGreeting},
		{"hi, how are you?", talkGreeting},
		{"Hallo, wie geht's?", talkGreeting},
		{"ok, va bene?", ""},
		// Who answers: a person or the bot.
		{"sei un robot?", talkRobot},
		{"t'es un robot ?", talkRobot},
		{"jestes robotem?", talkRobot},
		{"ciao, sei una persona vera?", talkRobot},
		{"are you a bot", talkRobot},
		{"sei un robot? come metto gli orari su google?", ""},
		// Questions stay questions.
		{"ciao, come metto gli orari su google?", ""},
		{"ok e il prezzo?", ""},
		{"grazie, ma come rispondo a una recensione?", ""},
		{"hi, how do I reply to a review?", ""},
		{"recensioni", ""},
		{"?", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := w.smallTalk(tt.text); got != tt.want {
			t.Errorf("smallTalk(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestTypedAnswers: what a learner types at an onboarding question is
// matched to the answer it fits, in several languages.
func TestTypedAnswers(t *testing.T) {
	w, err := parseWords(wordsFile)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ field, text, want string }{
		{fieldLevel, "boh io uso solo whatsapp con i clienti", "base"},
		{fieldLevel, "non pubblico quasi mai", "base"},
		{fieldLevel, "pubblico ogni settimana su instagram", "intermediate"},
		{fieldLevel, "we already post every week on instagram", "intermediate"},
		{fieldLevel, "nur WhatsApp, sonst nichts", "base"},
		{fieldLevel, "mi piace il mare", ""},
		{fieldRole, "ho un negozio di ceramiche", "artisan"},
		{fieldRole, "ho un negozio di scarpe", "shopkeeper"},
		{fieldRole, "lavoro all'ufficio stampa del Comune", "municipal"},
		{fieldRole, "I'm a tour guide in Florence", "guide"},
		{fieldRole, "tengo una panadería", "shopkeeper"},
		{fieldRole, "je fais de la poterie", "artisan"},
		{fieldRole, "prowadzę sklep", "shopkeeper"},
		{fieldRole, "jestem przewodniczką we Florencji", "guide"},
		{fieldLang, "polski prosze", "pl"},
		{fieldRole, "je fais des visites guidees a florence", "guide"},
		{fieldRole, "niente di che", ""},
		{fieldRole, "i make leather belts and bags", "artisan"},
		{fieldRole, "faccio borse in cuoio", "artisan"},
		{fieldRole, "I sell bags in my shop", "shopkeeper"},
		{fieldRole, "skip", skip},
		{fieldReminder, "evenings please", "19"},
		{fieldReminder, "la sera dopo il lavoro", "19"},
		{fieldReminder, "in pausa pranzo", "13"},
		{fieldReminder, "le matin", "9"},
		{fieldReminder, "no grazie", "off"},
		{fieldReminder, "ok", ""},
		{fieldConsent, "ok", "yes"},
		{fieldConsent, "sì, va bene", "yes"},
		{fieldConsent, "nein danke", skip},
		{fieldConsent, "no thanks", skip},
	}
	for _, tt := range tests {
		if got := w.answer(tt.field, tt.text); got != tt.want {
			t.Errorf("answer(%s, %q) = %q, want %q", tt.field, tt.text, got, tt.want)
		}
	}
}

// TestTimeOfDay: a reminder time typed in the learner's words.
func TestTimeOfDay(t *testing.T) {
	tests := []struct{ text, want string }{
		{"15:30", "15:30"},
		{"alle 15", "15:00"},
		{"il pomeriggio verso le 3 quando chiudo", "15:00"},
		{"la sera alle 8", "20:00"},
		{"8.45", "08:45"},
		{"at 7am", "07:00"},
		{"3pm", "15:00"},
		{"18h30", "18:30"},
		{"um 7 abends", "19:00"},
		{"o 6", "18:00"},
		{"0:15", "00:15"},
		{"at 3 in the morning", "03:00"},
		{"alle 3 di notte", "03:00"},
		{"alle 7 di mattina", "07:00"},
		{"früh um 6", "06:00"},
		{"a las 6, temprano", "06:00"},
		{"6 early", "06:00"},
		{"wcześnie o 6", "06:00"},
		{"tôt, à 6 h", "06:00"},
		{"a las 10 de la noche", "22:00"},
		{"alle 11 di notte", "23:00"},
		{"alle 8 e mezza", "08:30"},
		{"la sera alle 9 e un quarto", "21:15"},
		{"alle 7 meno un quarto di sera", "18:45"},
		{"half past 8 in the evening", "20:30"},
		{"a quarter to 9", "08:45"},
		{"a las 9 y media", "09:30"},
		{"à 8 h et demie", "08:30"},
		{"halb 9 abends", "20:30"},
		{"25:00", ""},
		{"9:75", ""},
		{"tra le 9 e le 10", ""},
		{"la sera", ""},
		{"no grazie", ""},
	}
	for _, tt := range tests {
		got, ok := timeOfDay(tt.text)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("timeOfDay(%q) = %q, %v; want %q", tt.text, got, ok, tt.want)
		}
	}
}

// TestLangRequest: a short message asking the bot to write in another
// language names it; questions that only mention a language do not.
func TestLangRequest(t *testing.T) {
	w, err := parseWords(wordsFile)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"mi scrivi in inglese x favore?", "en"},
		{"in inglese per favore", "en"},
		{"can you answer in Italian?", "it"},
		{"English please", "en"},
		{"in english pls", "en"},
		{"English", "en"},
		{"italiano per favore", "it"},
		{"Deutsch bitte", "de"},
		{"english or italian?", ""},
		{"please help me with english descriptions for my bags", ""},
		{"in English please", "en"},
		{"¿me hablas en español?", "es"},
		{"parle-moi en français", "fr"},
		{"Sprich bitte Deutsch", "de"},
		{"pisz po polsku", "pl"},
		{"mozesz pisac do mnie po wlosku?", "it"},
		{"możesz pisać do mnie po włosku?", "it"},
		{"wróć na polski", "pl"},
		{"po polsku prosze", "pl"},
		{"come rispondo in inglese a una recensione?", ""},
		{"how do I reply in english to a review?", ""},
		{"ho clienti inglesi e tedeschi, cosa scrivo?", ""},
		{"posso scrivere il post in inglese e italiano insieme?", ""},
		{"traduci dall'italiano all'inglese", ""},
		{"scrivimi", ""},
		{"jonas ya terminó, vuelve a escribirme en español por favor", "es"},
		{"rimetti l'italiano", "it"},
		{"ops non capisco niente, rimetti italiano per favore", "it"},
		{"torna all'italiano", "it"},
	}
	for _, tt := range tests {
		if got := w.langRequest(tt.text, "en"); got != tt.want {
			t.Errorf("langRequest(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	// Not understanding, said in another language than the bot's.
	lost := []struct{ text, current, want string }{
		{"non capisco l'inglese", "en", "it"},
		{"non capisco", "en", "it"},
		{"non capisco niente", "de", "it"},
		{"non capisco", "it", ""},
		{"I don't understand", "it", "en"},
		{"no entiendo nada", "it", "es"},
		{"ich verstehe kein Englisch", "en", "de"},
		{"nie rozumiem", "it", "pl"},
		{"non capisco come si mettono gli orari su google", "en", ""},
		{"non capisco perché google non mi mostra le recensioni nuove", "en", ""},
		{"non capisco il francese, tradurresti in inglese?", "en", ""},
	}
	for _, tt := range lost {
		if got := w.langRequest(tt.text, tt.current); got != tt.want {
			t.Errorf("langRequest(%q) on %s = %q, want %q", tt.text, tt.current, got, tt.want)
		}
	}
}

// TestUnquotedAnswer: a right answer that is a quotation is shown inside
// the feedback's own quotation marks once, not twice.
func TestUnquotedAnswer(t *testing.T) {
	for in, want := range map[string]string{
		"«Gentile signore, riapre venerdì: ecco perché…»": "Gentile signore, riapre venerdì: ecco perché…",
		`"It's decided tonight, stay tuned"`:              "It's decided tonight, stay tuned",
		"„Heute Abend wird entschieden“":                  "Heute Abend wird entschieden",
		"Rispondi con calma":                              "Rispondi con calma",
		"«Ciao» e «grazie»":                               "«Ciao» e «grazie»",
	} {
		if got := unquoted(in); got != want {
			t.Errorf("unquoted(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGainIcon: a fall between the checks is not drawn as a rise.
func TestGainIcon(t *testing.T) {
	var tt turn
	up := tt.gainData(bottega.TrackCheck{Right: 3, Total: 7}, bottega.TrackCheck{Right: 6, Total: 7})
	down := tt.gainData(bottega.TrackCheck{Right: 5, Total: 7}, bottega.TrackCheck{Right: 0, Total: 7})
	if up["Icon"] != "📈" || down["Icon"] != "📉" {
		t.Errorf("icons %v and %v, want 📈 for a rise and 📉 for a fall", up["Icon"], down["Icon"])
	}
}

func TestBare(t *testing.T) {
	for label, want := range map[string]string{
		"✅ D'accord":     "D'accord",
		"🎨 Artigianato":  "Artigianato",
		"Salta ⏭":        "Salta",
		"🌙 Sera, 19:00":  "Sera, 19:00",
		"🏛️ Comune":      "Comune",
		"Intermedio (2)": "Intermedio (2)",
	} {
		if got := bare(label); got != want {
			t.Errorf("bare(%q) = %q, want %q", label, got, want)
		}
	}
}

func TestCommandWords(t *testing.T) {
	w, err := parseWords(wordsFile)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"menu":                                   "menu",
		"Menú":                                   "menu",
		"menü!":                                  "menu",
		"ayuda":                                  "help",
		"Hilfe":                                  "help",
		"siguiente leccion":                      "continue",
		"nächste Lektion":                        "continue",
		"le lezioni":                             "lessons",
		"mes progrès":                            "progress",
		"il menu della pizzeria?":                "",
		"come funziona google maps?":             "",
		"ciao":                                   "",
		"ciao dove ero rimasta?":                 "continue",
		"ciao sono tornata dove eravamo rimasti": "continue",
		"Hallo, wo waren wir?":                   "continue",
		"ciao, dove compro le foto?":             "",
		"ripasso":                                "review",
		"facciamo il ripasso":                    "review",
		"Wiederholung":                           "review",
		"impostazioni":                           "settings",
		"ripasso delle recensioni?":              "",
	} {
		if got := w.command(text); got != want {
			t.Errorf("command(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestGoesOn(t *testing.T) {
	for s, want := range map[string]bool{
		"ok": true, "capito!": true, "👍": true, "👍🏽": true, "✔️": true, "👌 👌": true,
		"😱😱": false, ".": false, "!!!": false, "😂": false, "👍😱": false,
	} {
		if got := goesOn(s); got != want {
			t.Errorf("goesOn(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestTruthWords(t *testing.T) {
	w, err := parseWords(wordsFile)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"sì": "true", "si vero": "true", "Sì, è vero!": "true", "yes, that's right": "true",
		"no": "false", "no falso": "false", "è falso": "false", "stimmt nicht": "false",
		"si si": "true", "certo": "true", "eh no": "false", "ma no": "false", "of course not": "false", "pas du tout": "false",
		"vero o falso?": "", "boh": "",
	} {
		if got := w.truth(text); got != want {
			t.Errorf("truth(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestClosestCommand(t *testing.T) {
	b := New(Options{})
	for name, want := range map[string]string{
		"progresss": "progress", "setings": "settings", "reveiw": "review", "lezzioni": "lezioni",
		"cancel": "", "delet": "", "stats": "", "broadcast": "", "pause": "", "xyzzy": "",
	} {
		if got := b.closestCommand(name); got != want {
			t.Errorf("closestCommand(%q) = %q, want %q", name, got, want)
		}
	}
}
