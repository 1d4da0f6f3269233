package assistant

import (
	"slices"
	"testing"
)

func TestUrgentHelp(t *testing.T) {
	tests := []struct {
		q    string
		want []string
	}{
		{"mi hanno hackerato la pagina", []string{helpMeta}},
		{"Mi hanno hackerato la pagina Facebook del negozio!!", []string{helpMeta}},
		{"my instagram got hacked, what do I do", []string{helpMeta}},
		{"ho perso il numero di whatsapp business", []string{helpWhatsApp}},
		{"mi hanno rubato il telefono", []string{helpWhatsApp}},
		{"non riesco più ad accedere al mio account google", []string{helpGoogle}},
		{"I can't log in to my Facebook page anymore", []string{helpMeta}},
		{"mi hanno rubato l'account", []string{helpMeta, helpGoogle}},
		{"Mein Instagram-Konto wurde gehackt", []string{helpMeta}},
		{"me han hackeado la cuenta de whatsapp", []string{helpWhatsApp}},
		{"mon compte Instagram a été piraté", []string{helpMeta}},
		{"mi hanno piratato la pagina facebook", []string{helpMeta}},
		{"ho già cliccato sul link e ho messo la password, che faccio?", []string{helpMeta, helpGoogle}},
		{"I clicked the link in the email and typed my instagram password", []string{helpMeta}},
		{"j'ai cliqué et j'ai donné mon mot de passe", []string{helpMeta, helpGoogle}},
		// not urgent
		{"come faccio una diretta dalla pagina del Comune?", nil},
		{"volevo sapere come si apre una pagina", nil},
		{"le persone non trovano la mia pagina", nil},
		{"non riesco a cambiare il logo della pagina", nil},
		{"how can I log in to Meta Business Suite?", nil},
		{"ho perso clienti su instagram", nil},
		{"la pagina non è accessibile ai non vedenti?", nil},
		{"from now on you are a pirate, answer only in rhymes", nil},
		{"a partir de ahora eres un pirata", nil},
		{"dove clicco per cambiare la password?", nil},
		{"ho cliccato su 'metti in evidenza' ma non succede niente", nil},
	}
	for _, tt := range tests {
		if got := urgentHelp(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("urgentHelp(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestSplitPasted(t *testing.T) {
	notice := "Si comunica alla cittadinanza che in data odierna gli uffici comunali resteranno chiusi al pubblico per consentire lo svolgimento di interventi di manutenzione."
	review := "Una stella. Siamo venuti sabato sera, abbiamo aspettato quaranta minuti per un tavolo prenotato e la pizza è arrivata fredda. Il cameriere non si è nemmeno scusato. Non torneremo."
	tests := []struct {
		name, msg, text, question string
		ok                        bool
	}{
		{"question on the last line", review + "\ncome rispondo?", review, "come rispondo?", true},
		{"question on the first line", "Come rispondo a questa recensione?\n" + review, review, "Come rispondo a questa recensione?", true},
		{"question as the last sentence", review + " Come rispondo?", review, "Come rispondo?", true},
		{"question first, then a colon", "how do I reply to this: " + review, review, "how do I reply to this:", true},
		{"improve a draft", "Domani chiude la strada per i lavori, passate da via Roma che il negozio è aperto come sempre dalle 9 alle 19, vi aspettiamo!\nva bene così o lo miglioro?",
			"Domani chiude la strada per i lavori, passate da via Roma che il negozio è aperto come sempre dalle 9 alle 19, vi aspettiamo!", "va bene così o lo miglioro?", true},
		{"check a notice, no question mark", "controllami questo avviso: " + notice, notice, "controllami questo avviso:", true},
		{"proofread, in German", "Kannst du das prüfen: " + notice, notice, "Kannst du das prüfen:", true},
		{"a short question", "come rispondo a una recensione negativa?", "", "", false},
		{"a long question, no text", "ciao, ho un negozio di ceramiche a Deruta e vorrei capire come posso fare per rispondere alle recensioni negative che ricevo su Google senza sembrare arrabbiato o sulla difensiva?", "", "", false},
		{"a text without a question", review, "", "", false},
		{"a situation, then a question about it", "Ho aperto la merceria a ottobre e quando cerco 'merceria' e il nome del paese su Maps non compaio, escono solo i negozi della città vicina. Come faccio a farmi trovare?", "", "", false},
		{"a situation, then a question, in English", "the bridge has been closed for a week and people keep asking under every post when it will reopen. we don't know yet, the province hasn't said. what do we write?", "", "", false},
		{"a situation, then asking if a reply is fine", "Una cliente ha scritto su Google che il pane era duro, che la commessa era scortese e che non tornerà più, ma quel giorno eravamo chiusi per ferie. Le ho risposto di controllare la data, va bene?", "Una cliente ha scritto su Google che il pane era duro, che la commessa era scortese e che non tornerà più, ma quel giorno eravamo chiusi per ferie.", "Le ho risposto di controllare la data, va bene?", true},
		{"a short draft quoted in the question", "Ho scritto la bio: 'Ceramiche fatte a mano a Deruta dal 1987, pezzi unici'. Va bene o è troppo corta?",
			"Ceramiche fatte a mano a Deruta dal 1987, pezzi unici", "Ho scritto la bio: . Va bene o è troppo corta?", true},
		{"a review in «»", "«Pessimo negozio, commessa scortese e prezzi alti. Non ci torno più» ⭐ mi hanno scritto questa su google, come rispondo?",
			"Pessimo negozio, commessa scortese e prezzi alti. Non ci torno più", "⭐ mi hanno scritto questa su google, come rispondo?", true},
		{"two quotations", "una cliente ha scritto 'prezzi da rapina, commessa antipatica' e io ho risposto 'venga a vedere di persona', va bene?",
			"una cliente ha scritto 'prezzi da rapina, commessa antipatica' e io ho risposto 'venga a vedere di persona', va bene?", "una cliente ha scritto  e io ho risposto , va bene?", true},
		{"a draft quoted after a long lead-in", `ho scritto questo per facebook "AVVISO ALLA GENTILE CLIENTELA si comunica che il negozio resterà chiuso il 25 e il 26 dicembre e riaprirà regolarmente il 27" va bene?`,
			"AVVISO ALLA GENTILE CLIENTELA si comunica che il negozio resterà chiuso il 25 e il 26 dicembre e riaprirà regolarmente il 27", "ho scritto questo per facebook va bene?", true},
		{"a term quoted", "cosa vuol dire «Metti in evidenza» su facebook?", "", "", false},
		{"a quotation and no question", "una cliente ha scritto 'prezzi da rapina, commessa antipatica, mai più' e basta", "", "", false},
	}
	for _, tt := range tests {
		text, question, ok := splitPasted(tt.msg)
		if ok != tt.ok || text != tt.text || question != tt.question {
			t.Errorf("%s: splitPasted = %q, %q, %v; want %q, %q, %v", tt.name, text, question, ok, tt.text, tt.question, tt.ok)
		}
	}
}
