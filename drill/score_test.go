package drill

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega/content"
)

func builtin(t *testing.T) *content.Curriculum {
	t.Helper()
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every model answer meets its own rubric: a learner shown it as the example must see
// one that scores well.
func TestModelAnswersAreGood(t *testing.T) {
	c := builtin(t)
	for _, tr := range c.Tracks {
		for _, d := range tr.Drills {
			for i := range d.Tasks {
				task := &d.Tasks[i]
				for _, lang := range d.Locales {
					r := Score(d, task, lang, task.Model[lang], task.Limit, CheckPlain)
					if r.Verdict != Good || len(r.Missing) > 0 {
						t.Errorf("%s/%s in %s: the model answer scores %d (%s), missing %v, flags %v, %d characters (%d to %d)",
							d.ID, task.ID, lang, r.Score, r.Verdict, r.Missing, r.Flags, r.Chars, r.MinChars, r.MaxChars)
					}
				}
			}
		}
	}
}

// sample is an answer with what the rubric must say of it.
type sample struct {
	drill, task, lang string
	text              string
	verdict           string
	missing           []string // element ids that must be missing (others may be too)
	found             []string // element ids that must be found
	flags             []string // flag kinds that must be raised
}

var samples = []sample{
	// Weather alert, first post.
	{"allerta-scuole", "primo-post", "it",
		"🟠 Allerta arancione domani, mercoledì 12 novembre, dalle 00:00 alle 23:59. Scuole chiuse (ordinanza n. 45/2026), chiusi parchi e cimitero. Dalle 18 di oggi chiuso il ponte di via Argine: usate la circonvallazione. Evitate gli spostamenti, non usate i sottopassi. Info: comune.valfiume.it/allerta, COC 0345 620 100. Emergenze 112.",
		Good, nil, []string{"when", "alert", "schools", "todo", "source", "call", "bridge"}, nil},
	{"allerta-scuole", "primo-post", "it",
		"Domani mercoledì 12 novembre allerta arancione per pioggia forte. Le scuole di ogni ordine e grado restano chiuse, come i parchi e il cimitero. Evitate gli spostamenti non necessari e state lontani dal torrente. Trovate l'ordinanza su comune.valfiume.it/allerta. Per informazioni chiamate il COC allo 0345 620 100.",
		Good, []string{"bridge"}, nil, nil},
	{"allerta-scuole", "primo-post", "it",
		"Si comunica che, ai sensi dell'ordinanza sindacale, in data odierna è stata disposta la sospensione delle attività didattiche per le giornate a venire.",
		Poor, []string{"alert", "todo", "call", "bridge"}, []string{"schools"}, nil},
	{"allerta-scuole", "primo-post", "it",
		"Allerta arancione domani! Scuole chiuse. Per info chiamate Giulia al 347 1234567 o scrivete a giulia.rossi@gmail.com, è la nostra volontaria.",
		Unsafe, nil, nil, []string{FlagPhone, FlagEmail}},
	{"allerta-scuole", "primo-post", "it",
		"Domani mercoledì allerta arancione su Valfiume, scuole chiuse, ponte di via Argine chiuso dalle 18. State in casa e non usate i sottopassi. Aggiornamenti su comune.valfiume.it/allerta; emergenze 112. Già 12 persone evacuate in via Argine.",
		Unsafe, nil, nil, []string{FlagFigure}},
	{"allerta-scuole", "primo-post", "it",
		"Ciao a tutti, domani piove.",
		Poor, []string{"alert", "schools", "todo", "source", "call", "bridge"}, []string{"when"}, nil},
	{"allerta-scuole", "primo-post", "it", "", Missed, []string{"when", "alert"}, nil, nil},
	{"allerta-scuole", "primo-post", "en",
		"🟠 ORANGE ALERT tomorrow, Wednesday 12 November, 00:00 to 23:59. All schools closed (ordinance 45/2026), parks and cemetery too. The Via Argine bridge is closed from 18:00 today: use the ring road. Avoid travel, don't use underpasses. Updates: comune.valfiume.it/allerta. COC 0345 620 100, emergencies 112.",
		Good, nil, []string{"when", "alert", "schools", "todo", "source", "call", "bridge"}, nil},
	{"allerta-scuole", "primo-post", "en",
		"Orange alert tomorrow and schools are closed. Stay safe everyone!",
		Poor, []string{"todo", "source", "call", "bridge"}, []string{"alert", "schools", "when"}, nil},
	{"allerta-scuole", "primo-post", "en",
		"Orange alert tomorrow, Wednesday. Schools closed. Avoid travel and stay indoors. Mrs Bianchi on Via Argine, who is on dialysis, will be moved by volunteers. Updates at comune.valfiume.it/allerta, emergencies 112.",
		Unsafe, nil, nil, []string{FlagHealth}},
	{"allerta-scuole", "primo-post", "it",
		"Domani allerta arancione: scuole chiuse e ponte di via Argine chiuso dalle 18. Evitate gli spostamenti.",
		Fair, []string{"source", "call"}, []string{"when", "alert", "schools", "todo", "bridge"}, nil},
	{"festa-annullata", "annuncio", "en",
		"Tonight's concert and fireworks are cancelled because of the storm alert. More news soon on comune.pievealta.it/festa.",
		Fair, []string{"newdate", "shuttle", "call"}, []string{"cancelled", "what", "why", "source"}, nil},
	// Weather alert, the bridge reply.
	{"allerta-scuole", "ponte", "it",
		"Ciao Marco, il ponte di via Argine è chiuso dalle 18 fino a nuovo avviso, anche a piedi. Passa dalla circonvallazione (SP 24). Aggiornamenti su comune.valfiume.it/allerta.",
		Good, nil, []string{"closed", "since", "detour", "source"}, nil},
	{"allerta-scuole", "ponte", "it",
		"No, è chiuso. Mi dispiace.",
		Poor, []string{"detour", "source"}, []string{"closed"}, nil},
	{"allerta-scuole", "ponte", "en",
		"Hi Marco, the bridge is closed from 18:00 until further notice. Take the ring road (SP 24) instead. Updates on this page.",
		Good, nil, []string{"closed", "since", "detour", "source"}, nil},
	// Weather alert, the evening update.
	{"allerta-scuole", "sera", "it",
		"Aggiornamento delle 21:30. Il Rivo sta salendo: chiuso il sottopasso di via Stazione. Non uscite se non serve e state lontani dagli argini. Nessuna evacuazione è prevista. Domani scuole chiuse. Info COC 0345 620 100, emergenze 112.",
		Good, nil, []string{"when", "underpass", "todo", "noevac", "schools", "call"}, nil},
	{"allerta-scuole", "sera", "it",
		"Aggiornamento delle 21:30: non è vero che evacuano 40 famiglie in via Argine! Il sottopasso è chiuso, evitate la zona. Scuole chiuse domani. COC 0345 620 100.",
		Unsafe, nil, nil, []string{"rumour-figure"}},
	{"allerta-scuole", "sera", "en",
		"Update at 21:30 tonight: the Via Stazione underpass is closed, avoid the riverbanks and don't go down to cellars. No evacuation is planned. Schools are closed tomorrow. COC 0345 620 100, emergencies 112.",
		Good, nil, []string{"when", "underpass", "todo", "noevac", "schools", "call"}, nil},
	{"allerta-scuole", "sera", "en",
		"Rain is still falling. Please be careful out there and keep following our page for news.",
		Poor, []string{"underpass", "noevac", "schools", "call"}, nil, nil},
	// Water rumour, the correction.
	{"acqua-voce", "smentita", "it",
		"🚰 L'acqua di Castelrosso è potabile: le analisi di Acque del Rosso di stamattina sono regolari e l'ASL non ha casi legati all'acqua. Solo in via dei Mulini e vicolo del Forno non bevete l'acqua del rubinetto fino a lunedì (ordinanza n. 12/2026): autobotte in piazza Garibaldi oggi dalle 11 alle 19. Numero verde 800 100 200.",
		Good, nil, []string{"fact", "streets", "todo", "tanker", "until", "source", "call"}, nil},
	{"acqua-voce", "smentita", "it",
		"FALSO che 30 bambini siano al pronto soccorso! Smettetela di condividere bufale, l'acqua è potabile.",
		Unsafe, []string{"streets", "tanker"}, []string{"fact"}, []string{"rumour-figure"}},
	// The rumour told as a fact: the water is said unsafe, and the
	// rumour's figure repeated is flagged once, by the rubric.
	{"acqua-voce", "smentita", "it",
		"ATTENZIONE: l'acqua NON è potabile in tutto il paese, non bevetela! Ci sono già 30 bambini al pronto soccorso.",
		Unsafe, []string{"fact"}, nil, []string{"rumour-figure"}},
	{"acqua-voce", "smentita", "it",
		"L'acqua è potabile in tutto il paese, le analisi sono regolari. Per dubbi chiamate il numero verde 800 100 200 di Acque del Rosso. Vi chiediamo di non inoltrare messaggi senza fonte: controllate sempre su comune.castelrosso.it prima di condividere.",
		// Says the water is fine everywhere, and leaves out the two streets where it is not.
		Poor, []string{"streets", "tanker"}, []string{"fact", "source", "call"}, nil},
	{"acqua-voce", "smentita", "it",
		"In merito alle notizie circolanti si precisa che sono in corso le opportune verifiche da parte degli enti competenti.",
		Poor, []string{"fact", "streets", "todo", "call"}, nil, nil},
	{"acqua-voce", "smentita", "en",
		"🚰 Castelrosso's tap water is safe to drink: this morning's tests by Acque del Rosso are normal, and the ASL has no case linked to the water. Only in Via dei Mulini and Vicolo del Forno, don't drink tap water until Monday's results. Water tanker in Piazza Garibaldi today 11:00-19:00. Freephone 800 100 200.",
		Good, nil, []string{"fact", "streets", "todo", "tanker", "until", "source", "call"}, nil},
	{"acqua-voce", "smentita", "en",
		"The water is safe. For information write to mario.verdi@libero.it or call him on +39 333 987 6543.",
		Unsafe, nil, []string{"fact"}, []string{FlagEmail, FlagPhone}},
	// Water rumour, the private reply to a mother.
	{"acqua-voce", "madre", "it",
		"Gentile Lucia, capisco la preoccupazione. Senta subito il pediatra o la guardia medica; se suo figlio sta male chiami il 112. In via dei Mulini non bevete l'acqua del rubinetto fino a lunedì: c'è un'autobotte in piazza Garibaldi dalle 11 alle 19. Numero verde Acque del Rosso: 800 100 200.",
		Good, nil, []string{"doctor", "emergency", "nodrink", "tanker", "care", "source"}, nil},
	{"acqua-voce", "madre", "it",
		"Signora, l'acqua è buona, non si preoccupi.",
		Poor, []string{"doctor", "emergency", "nodrink"}, nil, nil},
	{"acqua-voce", "madre", "it",
		"Gentile Lucia, mi dispiace. Chiami il pediatra e, se peggiora, il 112. Il suo codice fiscale BSSLCU80A41C351X ci serve per la segnalazione.",
		Unsafe, nil, []string{"doctor", "emergency", "care"}, []string{FlagTaxCode}},
	{"acqua-voce", "madre", "en",
		"Dear Lucia, I understand your worry. Please call your paediatrician now, or 112 if he is very unwell. In Via dei Mulini, don't drink tap water until Monday: the tanker is in Piazza Garibaldi, 11:00-19:00. Acque del Rosso freephone: 800 100 200.",
		Good, nil, []string{"doctor", "emergency", "nodrink", "tanker", "care", "source"}, nil},
	// Cancelled festival, the announcement.
	{"festa-annullata", "annuncio", "it",
		"⛈ Il concerto e i fuochi di stasera sono annullati per l'allerta gialla per temporali. La festa è rinviata a sabato 26 luglio, stessi orari. Stasera le navette dallo stadio non partono. Avviso su comune.pievealta.it/festa. Info: Pro Loco 0365 800 900.",
		Good, nil, []string{"cancelled", "what", "why", "newdate", "shuttle", "source", "call"}, nil},
	{"festa-annullata", "annuncio", "it",
		"Concerto e fuochi di stasera annullati per l'allerta temporali: la festa è rinviata a sabato 26 luglio, stessi orari. Tutte le informazioni sull'avviso pubblicato su comune.pievealta.it/festa. Per domande la Pro Loco risponde allo 0365 800 900. Ci dispiace, vi aspettiamo sabato prossimo!",
		Good, []string{"shuttle"}, nil, nil},
	{"festa-annullata", "annuncio", "it",
		"Festa annullata.",
		Poor, []string{"what", "why", "newdate", "shuttle"}, []string{"cancelled"}, nil},
	{"festa-annullata", "annuncio", "en",
		"⛈ Tonight's concert and fireworks are cancelled because of a yellow storm alert. The festival is postponed to Saturday 26 July, same times. No shuttle buses from the stadium tonight. Notice: comune.pievealta.it/festa. Info: Pro Loco 0365 800 900.",
		Good, nil, []string{"cancelled", "what", "why", "newdate", "shuttle", "source", "call"}, nil},
	// Cancelled festival, the shuttle reply and the doubter.
	{"festa-annullata", "navetta", "it",
		"Giada, ci scusiamo: stasera le navette non partono, la festa è rinviata a sabato 26 luglio per l'allerta temporali.",
		Good, nil, []string{"noshuttle", "cancelled", "newdate", "sorry"}, nil},
	{"festa-annullata", "dubbio", "it",
		"Capisco la delusione. Ora c'è il sole, ma la Protezione civile della Regione ha diramato l'allerta gialla fino a mezzanotte: i temporali sono attesi tra le 21 e le 23, con grandine. La festa è rinviata a sabato 26 luglio.",
		Good, nil, []string{"reason", "timing", "safety", "newdate", "tone"}, nil},
	{"festa-annullata", "dubbio", "it",
		"Sei un bugiardo, vergognati! Ci sono i soldi, c'è l'allerta della Regione.",
		Unsafe, []string{"timing", "newdate"}, []string{"reason"}, []string{"attack"}},
	{"festa-annullata", "dubbio", "en",
		"I understand the disappointment. It's sunny now, but the Region's Civil Protection issued a yellow storm alert: storms are expected over the lake between 21:00 and 23:00, with hail. The festival moves to Saturday 26 July.",
		Good, nil, []string{"reason", "timing", "safety", "newdate", "tone"}, nil},
	{"festa-annullata", "dubbio", "en",
		"Not true.",
		Poor, []string{"reason", "timing", "newdate"}, nil, nil},
}

func TestScoreSamples(t *testing.T) {
	c := builtin(t)
	if len(samples) < 30 {
		t.Fatalf("want at least 30 sample answers, have %d", len(samples))
	}
	for i, s := range samples {
		d := c.Drill(s.drill)
		if d == nil || d.Task(s.task) == nil {
			t.Fatalf("sample %d: no task %s/%s", i+1, s.drill, s.task)
		}
		r := Score(d, d.Task(s.task), s.lang, s.text, d.Task(s.task).Limit, CheckPlain)
		var kinds []string
		for _, f := range r.Flags {
			kinds = append(kinds, f.Kind)
		}
		what := func() string {
			return strings.Join([]string{s.drill, s.task, s.lang, truncate(s.text)}, " | ")
		}
		if r.Verdict != s.verdict {
			t.Errorf("sample %d (%s): verdict %s with score %d, want %s (found %v, missing %v, flags %v, length %s)",
				i+1, what(), r.Verdict, r.Score, s.verdict, r.Found, r.Missing, r.Flags, r.Length)
		}
		for _, id := range s.missing {
			if !slices.Contains(r.Missing, id) {
				t.Errorf("sample %d (%s): element %s found, want it missing", i+1, what(), id)
			}
		}
		for _, id := range s.found {
			if !r.Has(id) {
				t.Errorf("sample %d (%s): element %s missing, want it found", i+1, what(), id)
			}
		}
		for _, k := range s.flags {
			if !slices.Contains(kinds, k) {
				t.Errorf("sample %d (%s): no %s flagged (flags %v)", i+1, what(), k, r.Flags)
			}
		}
		if slices.Contains(kinds, "rumour-figure") && slices.Contains(kinds, FlagFigure) {
			t.Errorf("sample %d (%s): the rumour's figure is flagged twice: %v", i+1, what(), r.Flags)
		}
		if s.verdict != Unsafe && len(r.Flags) > 0 {
			t.Errorf("sample %d (%s): unexpected flags %v", i+1, what(), r.Flags)
		}
	}
}

func truncate(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// An answer sent before the news that brings an element has arrived is not
// marked down for lacking it: the schools' closure and the bridge arrive
// 1:30 and 3:00 into the first task of the alert drill. Sent at the limit,
// the same answer lacks them.
func TestPendingNewsIsNotMissing(t *testing.T) {
	d := builtin(t).Drill("allerta-scuole")
	task := d.Task("primo-post")
	text := "ALLERTA ARANCIONE domani mercoledì 12 novembre dalle 00:00 alle 23:59 per piogge forti: il Rivo può salire. Evitate i sottopassi e state lontani dagli argini. Informazioni: COC 0345 620 100, giorno e notte; emergenze 112. Aggiornamenti su comune.valfiume.it."
	if got := Pending(d, task, "it", 0); !slices.Equal(got, []string{"schools", "bridge"}) {
		t.Errorf("pending at the start: %v, want the schools and the bridge", got)
	}
	if got := Pending(d, task, "it", 2*time.Minute); !slices.Equal(got, []string{"bridge"}) {
		t.Errorf("pending at 2:00: %v, want the bridge", got)
	}
	early := Score(d, task, "it", text, 30*time.Second, CheckPlain)
	if early.Lacks("schools") || early.Lacks("bridge") || !slices.Equal(early.Pending, []string{"schools", "bridge"}) {
		t.Errorf("sent at 0:30: missing %v, pending %v; want the schools and the bridge pending", early.Missing, early.Pending)
	}
	late := Score(d, task, "it", text, task.Limit, CheckPlain)
	if !late.Lacks("schools") || !late.Lacks("bridge") || len(late.Pending) > 0 {
		t.Errorf("sent at the limit: missing %v, pending %v; want the schools and the bridge missing", late.Missing, late.Pending)
	}
	if early.Score <= late.Score {
		t.Errorf("the early answer scores %d, the late one %d: what had not arrived counted", early.Score, late.Score)
	}
	// An element found counts whenever it was sent.
	withBridge := Score(d, task, "it", text+" Dalle 18 il ponte di via Argine è chiuso.", 0, CheckPlain)
	if !withBridge.Has("bridge") {
		t.Errorf("the bridge, written before its news, was not found: %+v", withBridge)
	}
}

// The rumour's own words ("non bevetela!") and the street the scenario
// names are not the news that says which streets must not drink: a holding
// post sent right after the rumour is not marked down for lacking them.
func TestRumourIsNotTheNews(t *testing.T) {
	d := builtin(t).Drill("acqua-voce")
	task := d.Task("smentita")
	for lang, text := range map[string]string{
		"it": "Stiamo verificando con Acque del Rosso cosa è successo all'acqua: aggiorniamo questo post entro le 11. Per domande c'è il numero verde 800 100 200.",
		"en": "We are checking with Acque del Rosso what happened to the water: we will update this post by 11:00. Questions: freephone 800 100 200.",
	} {
		early := Score(d, task, lang, text, 5*time.Second, CheckPlain)
		for _, e := range []string{"streets", "todo"} {
			if early.Lacks(e) || !slices.Contains(early.Pending, e) {
				t.Errorf("%s, sent at 0:05: missing %v, pending %v; want %s pending", lang, early.Missing, early.Pending, e)
			}
		}
		if late := Score(d, task, lang, text, task.Limit, CheckPlain); !late.Lacks("streets") || !late.Lacks("todo") {
			t.Errorf("%s, sent at the limit: missing %v, want the streets and what to do there", lang, late.Missing)
		}
	}
}

// An answer in a language the plain-language checker does not read is
// scored on its elements and length alone, as without the checker: it
// loses nothing for a check that did not run.
func TestPlainLeftOutInOtherLanguages(t *testing.T) {
	c := builtin(t)
	others := 0
	for _, tr := range c.Tracks {
		for _, d := range tr.Drills {
			task := &d.Tasks[0]
			for _, lang := range d.Locales {
				with := Score(d, task, lang, task.Model[lang], task.Limit, CheckPlain)
				without := Score(d, task, lang, task.Model[lang], task.Limit, nil)
				read := lang == "it" || lang == "en"
				switch {
				case with.Plain == nil || with.Plain.Other == read:
					t.Errorf("%s in %s: plain %+v, want it read: %v", d.ID, lang, with.Plain, read)
				case !read && with.Score != without.Score:
					t.Errorf("%s in %s: the model scores %d with the checker, %d without", d.ID, lang, with.Score, without.Score)
				}
				if !read {
					others++
				}
			}
		}
	}
	if others == 0 {
		t.Fatal("no drill is written in a language the checker does not read")
	}
}

// A public post that names a private person's health, or gives figures about people
// that no official source gave, is unsafe in every language a drill is written in;
// the same post without them is not.
func TestUnsafeInEveryLanguage(t *testing.T) {
	c := builtin(t)
	d := c.Drill("allerta-scuole")
	task := d.Task("primo-post")
	for _, tt := range []struct {
		lang, added, kind, flagged string
	}{
		{"es", "La señora Bianchi, de via Argine, que está en diálisis, será trasladada por los voluntarios.", FlagHealth, "señora Bianchi, de via Argine, que está en diálisis"},
		{"es", "Ya hay 12 personas evacuadas en via Argine.", FlagFigure, "12 personas"},
		{"fr", "Le fils des Rossi, hospitalisé hier, va mieux.", FlagHealth, "fils des Rossi, hospitalisé"},
		{"fr", "Déjà vingt familles évacuées via Argine.", FlagFigure, "vingt familles"},
		{"de", "Frau Bianchi aus der Via Argine ist Dialyse-Patientin und wird von Helfern abgeholt.", FlagHealth, "Frau Bianchi aus der Via Argine ist Dialyse"},
		{"de", "Schon 12 Menschen mussten die Via Argine verlassen.", FlagFigure, "12 Menschen"},
		{"pl", "Żona pana Rossiego jest w ciąży, wolontariusze ją przewiozą.", FlagHealth, "Żona pana Rossiego jest w ciąży"},
		{"pl", "Już 12 osób ewakuowano z via Argine.", FlagFigure, "12 osób"},
		{"de", "Ihr Kind krank zu Hause lassen: Die Kita hat geschlossen.", FlagHealth, "Kind krank"},
		{"it", "Il sig. Rossi è ricoverato, lo porteranno i volontari.", FlagHealth, "sig. Rossi è ricoverato"},
		{"en", "Mrs Bianchi, ill since Monday, will be moved by volunteers.", FlagHealth, "Mrs Bianchi, ill"},
	} {
		model := task.Model[tt.lang]
		if r := Score(d, task, tt.lang, model, task.Limit, CheckPlain); len(r.Flags) > 0 {
			t.Fatalf("the %s model answer is flagged: %v", tt.lang, r.Flags)
		}
		r := Score(d, task, tt.lang, model+"\n"+tt.added, task.Limit, CheckPlain)
		if r.Verdict != Unsafe || !slices.Contains(r.Flags, Flag{Kind: tt.kind, Text: tt.flagged}) {
			t.Errorf("%s, with %q: verdict %s, flags %v; want %s, flagging %q", tt.lang, tt.added, r.Verdict, r.Flags, Unsafe, tt.flagged)
		}
	}
	// Figures one space apart are each flagged.
	es := task.Model["es"] + "\nEvacuadas 12 personas 5 familias."
	r := Score(d, task, "es", es, task.Limit, CheckPlain)
	for _, want := range []string{"12 personas", "5 familias"} {
		if !slices.Contains(r.Flags, Flag{Kind: FlagFigure, Text: want}) {
			t.Errorf("%q not flagged: %v", want, r.Flags)
		}
	}
	// Words that only begin like a condition are not one.
	en := task.Model["en"] + "\nMr Rossi illustrated the detour map for us."
	if r := Score(d, task, "en", en, task.Limit, CheckPlain); len(r.Flags) > 0 {
		t.Errorf("flags %v in %q", r.Flags, en)
	}
}

// A match right after a negation in any of the drills' languages is not said.
func TestNegatedInEveryLanguage(t *testing.T) {
	for _, before := range []string{
		"l'acqua non è", "the water is not", "el agua no es", "l'eau n'est pas", "l'eau n'est jamais",
		"das Wasser ist nicht", "es gibt keinen", "das Wasser war niemals", "woda nie jest", "woda nigdy nie była", "el agua nunca fue",
	} {
		if !negated(before) {
			t.Errorf("%q does not negate what follows", before)
		}
	}
	for _, before := range []string{"l'acqua è", "the water is", "es gibt", "woda jest", "nicht. Die Brücke ist"} {
		if negated(before) {
			t.Errorf("%q negates what follows", before)
		}
	}
}
