package assistant

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/store"
)

// A learner may paste a text (a one-star review, a customer's message, a
// draft post) with a question about it ("come rispondo?"). The question
// finds the lesson; the text is what its method is applied to.
const (
	// minPasted is the shortest text taken for a pasted one, in
	// characters: shorter, a message is a question with some context.
	minPasted = 120
	// maxPastedQuestion is the longest question asked about a pasted
	// text.
	maxPastedQuestion = 200
	// maxGist is how much of a pasted text is searched with the question.
	maxGist = 200
	// minQuoted is the shortest quotation, in characters with its
	// marks, taken for a text pasted inside the question ("Ho scritto la
	// bio: '…'. Va bene?"): shorter, it is a term asked about ("cosa
	// vuol dire 'Metti in evidenza'?").
	minQuoted = 40
)

// askWords are the beginnings of the words that ask what to do with a
// text: reply to it, or improve it.
var (
	replyWords   = []string{"rispond", "rispost", "reply", "respond", "answer", "antwort", "beantwort", "repond", "reponse", "contest", "odpowi"}
	improveWords = []string{"miglior", "corregg", "correz", "sistem", "controll", "rivedi", "rilegg", "verifi", "improve", "fix", "check", "proofread", "better", "mejor", "correg", "revis", "amelior", "corrig", "relis", "verbesser", "korrigier", "pruf", "uberpruf", "popraw", "ulepsz", "sprawdz"}
)

// judgeMarks are how a learner asks for a verdict on a text: "va bene?",
// "is it ok?", "troppo lungo?".
var judgeMarks = []string{
	"va bene", "andrebbe bene", "ok", "okay", "giusto", "giusta", "funziona", "come suona", "suona bene", "troppo lung*", "troppo cort*",
	"is it good", "is this good", "is it fine", "sound*", "does it work", "too long", "too short",
	"esta bien", "c est bien", "ca va", "ca marche", "passt", "ist das gut", "ist es gut", "dobrze", "moze byc", "w porzadku",
}

// asksAbout reports whether s, next to a text, asks about it: any
// question does, when something marks the text as pasted.
func asksAbout(s string) bool {
	return strings.Contains(s, "?") || asksAboutText(s)
}

// asksAboutText reports whether s asks what to do with a text itself:
// how to reply to it, to improve it, or whether it is fine.
func asksAboutText(s string) bool {
	for _, w := range words(s) {
		if hasPrefix(w, replyWords) || hasPrefix(w, improveWords) {
			return true
		}
	}
	return hasMark(s, judgeMarks)
}

// writeBackMarks ask what to write back to someone, without a reply word.
var writeBackMarks = []string{
	"gli scrivo", "le scrivo", "gli dico", "le dico", "gli scriverei", "le scriverei", "what do i tell", "what do i write back", "write back",
	"le escribo", "que le digo", "je lui ecris", "je lui dis", "schreibe ich ihm", "schreibe ich ihr", "co mu napisac", "co jej napisac",
}

// asksReply reports whether question asks how to reply to a text.
func asksReply(question string) bool {
	for _, w := range words(question) {
		if hasPrefix(w, replyWords) {
			return true
		}
	}
	return hasMark(question, writeBackMarks)
}

// splitPasted tells a pasted text from the question about it: a short
// question on its own line (first or last) or as the last or first
// sentence, and a text of at least minPasted characters; or quotations of
// minQuoted characters or more, and the learner's words around them that
// ask about them (then text is the whole message). ok is false for
// anything else.
func splitPasted(msg string) (text, question string, ok bool) {
	msg = strings.TrimSpace(msg)
	if text, question, ok = splitLong(msg); ok {
		// "ho scritto questo per facebook «…»": what was pasted is the
		// quotation, not the words that introduce it.
		// The learner's words around it ask about it too ("controllami
		// il testo:").
		if frame, quoted := framing(text); strings.ContainsFunc(frame, unicode.IsLetter) && !strings.Contains(quoted, "\n") &&
			utf8.RuneCountInString(quoted) >= minQuoted && utf8.RuneCountInString(strings.TrimSpace(frame)) <= maxPastedQuestion {
			text, question = quoted, strings.Join(strings.Fields(frame+" "+question), " ")
		}
		return text, question, true
	}
	// A shorter text quoted in the question: the learner's words around
	// it ask about it.
	frame, quoted := framing(msg)
	q := strings.TrimSpace(frame)
	if q != "" && utf8.RuneCountInString(quoted) >= minQuoted &&
		utf8.RuneCountInString(q) <= maxPastedQuestion && asksAbout(q) {
		if strings.Contains(quoted, "\n") {
			// Two quotations ("she wrote '…', I replied '…'"): which is
			// which is said by the words around them.
			return msg, q, true
		}
		return quoted, q, true
	}
	return "", "", false
}

// splitLong splits a message into a text of at least minPasted
// characters and a short question before or after it (see splitPasted).
func splitLong(msg string) (text, question string, ok bool) {
	if utf8.RuneCountInString(msg) < minPasted+2 {
		return "", "", false
	}
	fits := func(text, question string, asks func(string) bool) bool {
		text, question = strings.TrimSpace(text), strings.TrimSpace(question)
		return utf8.RuneCountInString(text) >= minPasted && question != "" &&
			utf8.RuneCountInString(question) <= maxPastedQuestion && asks(question)
	}
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if n := len(lines); n >= 2 {
		if last := lines[n-1]; fits(strings.Join(lines[:n-1], "\n"), last, asksAbout) {
			return strings.Join(lines[:n-1], "\n"), last, true
		}
		if first := lines[0]; fits(strings.Join(lines[1:], "\n"), first, asksAbout) {
			return strings.Join(lines[1:], "\n"), first, true
		}
	}
	// One block: the question is its last sentence, or its first, and
	// it asks about a text; any other question is one with its context
	// ("…escono solo quelli di Lecce. Come faccio a comparire?").
	for i := len(msg) - 1; i > 0; i-- {
		if !endsSentence(msg, i) {
			continue
		}
		if fits(msg[:i+1], msg[i+1:], asksAboutText) {
			return strings.TrimSpace(msg[:i+1]), strings.TrimSpace(msg[i+1:]), true
		}
		if utf8.RuneCountInString(msg[i+1:]) > maxPastedQuestion {
			break
		}
	}
	for i := 0; i < len(msg)-1; i++ {
		if !endsSentence(msg, i) && msg[i] != ':' {
			continue
		}
		if utf8.RuneCountInString(msg[:i+1]) > maxPastedQuestion {
			break
		}
		if fits(msg[i+1:], msg[:i+1], asksAboutText) {
			return strings.TrimSpace(msg[i+1:]), strings.TrimSpace(msg[:i+1]), true
		}
	}
	return "", "", false
}

// endsSentence reports whether s[i] ends a sentence: a full stop, an
// exclamation or question mark, or a closing quote, followed by a space.
func endsSentence(s string, i int) bool {
	if i+1 >= len(s) || !unicode.IsSpace(rune(s[i+1])) {
		return false
	}
	switch s[i] {
	case '.', '!', '?', '"', ')':
		return true
	}
	// » and ” end in these bytes
	return strings.HasSuffix(s[:i+1], "»") || strings.HasSuffix(s[:i+1], "”")
}

// framing returns the learner's own words around the quotations of a
// pasted text ("a customer wrote '…' and I replied '…'"), and what they
// quote, one quotation a line; both "" when it quotes nothing: then all
// of it is what was pasted.
func framing(text string) (frame, quoted string) {
	r := []rune(text)
	in := quotedSpans(r)
	// Quotations in single quotes, which the lessons' examples do not
	// use: a mark that opens after a space (not an apostrophe,
	// "l'ordine") and closes before a space or a punctuation mark.
	for i := 0; i < len(r); i++ {
		if r[i] != '\'' || in[i] || i > 0 && !unicode.IsSpace(r[i-1]) && !unicode.IsPunct(r[i-1]) {
			continue
		}
		for k := i + 1; k < len(r); k++ {
			if r[k] == '\'' && k > i+1 && (k+1 == len(r) || unicode.IsSpace(r[k+1]) || unicode.IsPunct(r[k+1])) {
				for j := i; j <= k; j++ {
					in[j] = true
				}
				i = k
				break
			}
		}
	}
	if !slices.Contains(in, true) {
		return "", ""
	}
	var b strings.Builder
	var quotes []string
	for i, c := range r {
		switch {
		case !in[i]:
			b.WriteRune(c)
		case i == 0 || !in[i-1]:
			quotes = append(quotes, string(c))
		default:
			quotes[len(quotes)-1] += string(c)
		}
	}
	for i, q := range quotes {
		// Without its marks: «Pessimo negozio» is what they were sent.
		quotes[i] = strings.TrimFunc(q, func(r rune) bool { return strings.ContainsRune(`«»“”"'`, r) })
	}
	return b.String(), strings.Join(quotes, "\n")
}

// pastedSearch is what a question about a pasted text is searched for:
// the question, and the lessons' words for what it asks (replying to a
// review, writing a post), as the learner's lessons say them. What it
// asks is told by the question and by the learner's words around what
// they quote ("I replied '…', is it ok?"). A town hall replies to
// citizens' comments, not to reviews: role picks the words.
func pastedSearch(question, text, locale, role string) string {
	asks := enquiry(text)
	order := asks && ordering(text, role)
	reply := map[string]string{"it": "rispondere recensione negativa critica", "en": "reply negative review criticism"}
	switch {
	case role == bottega.RoleMunicipal && asks:
		reply = map[string]string{"it": "rispondere alle domande dei cittadini nei commenti e nei messaggi", "en": "answer citizens questions in comments and messages"}
	case role == bottega.RoleMunicipal:
		reply = map[string]string{"it": "rispondere con calma e con i fatti ai commenti critici dei cittadini", "en": "reply calmly with facts to citizens critical comments"}
	case order:
		// A customer ordering: the order is confirmed, whatever the
		// words of the question ("cosa gli scrivo?").
		return map[string]string{"it": "confermare un ordine arrivato in chat su whatsapp con consegna e totale", "en": "confirm an order that comes in by whatsapp chat with delivery and total"}[lessonsLang(locale)]
	case asks:
		// A customer asking (prices, a booking), not complaining.
		reply = map[string]string{"it": "rispondere ai messaggi dei clienti che chiedono prezzi e disponibilità", "en": "reply to customers messages asking prices and availability"}
	}
	if frame, _ := framing(text); asksReply(question + " " + frame) {
		return question + " " + reply[lessonsLang(locale)]
	}
	return question + " " + map[string]string{"it": "scrivere post chiaro", "en": "write clear post"}[lessonsLang(locale)]
}

// lessonsLang is the language of the lessons a learner reads in locale:
// the lessons in English are shown to those who do not speak Italian, so
// the words searched for them are English.
func lessonsLang(locale string) string {
	if locale == "it" {
		return "it"
	}
	return "en"
}

// enquiryMarks ask for something (a price, a booking, whether it is open),
// orderMarks order something (with or without a question mark);
// complaintMarks complain (stars, "terrible", a refund).
var (
	enquiryMarks = []string{
		"quanto cost*", "quanto vien*", "prezz*", "disponibil*", "prenot*", "siete apert*", "avete", "fate", "fai", "posso",
		"how much", "price*", "cost*", "availab*", "book*", "do you", "can i", "can we", "are you open",
		"cuanto cuesta", "precio*", "reserv*", "tienen", "hacen",
		"combien", "prix", "disponib*", "est ce que vous", "vous faites",
		"wie viel", "was kostet", "preis*", "verfugbar*", "buchen", "haben sie", "bieten sie",
		"ile kosztuje", "cena", "ceny", "dostepn*", "rezerw*", "czy jest", "czy sa",
	}
	orderMarks = []string{
		"mi porta*", "mi porti", "portarmi", "a domicilio", "consegn*", "ordinare", "ordino", "il mio ordine", "vorrei", "mi serve", "mi servono", "mi prepar*", "mi tiene", "mi tieni",
		"deliver*", "to order", "my order", "i d like", "i would like", "can you bring",
		"pedido", "quisiera", "me trae*", "commande*", "livr*", "je voudrais",
		"bestell*", "liefer*", "ich hatte gern", "ich mochte", "zamawiam", "zamowien*", "dostaw*", "poprosze",
	}
	complaintMarks = []string{
		"ritardo", "mai arrivat*", "non e arrivat*", "late", "never arrived", "never came",
		"stella", "stelle", "star", "stars", "pessim*", "terribil*", "orribil*", "deludent*", "delus*", "mai piu", "vergogn*",
		"scortes*", "maleducat*", "antipatic*", "rapina", "troppo car*", "rimbors*", "lament*", "truff*",
		"rude", "terrible", "awful", "worst", "disappoint*", "never again", "rip off", "overpriced", "refund*", "complain*", "scam*",
		"estrella*", "pesim*", "horrible", "nunca mas", "estafa*", "etoile*", "nul", "decu*", "arnaque*",
		"stern", "sterne", "schrecklich*", "enttausch*", "nie wieder", "gwiazdk*", "okropn*", "rozczarow*", "oszust*",
	}
)

// enquiry reports whether a pasted text asks for something (a price, a
// booking, an order) rather than complains: it asks a question or orders,
// and complains of nothing.
func enquiry(text string) bool {
	text = customerWords(text)
	asks := strings.ContainsAny(text, "?¿") && hasMark(text, enquiryMarks) || hasMark(text, orderMarks)
	return asks && !hasMark(text, complaintMarks)
}

// ordering reports whether a pasted text orders something (a town hall
// gets no orders: "le scuole di ogni ordine", "la consegna dei moduli").
func ordering(text, role string) bool {
	return role != bottega.RoleMunicipal && hasMark(customerWords(text), orderMarks)
}

// customerWords is what the customer wrote in a pasted text: its
// quotations if it has any, not the learner's words around them.
func customerWords(text string) string {
	if _, quoted := framing(text); quoted != "" {
		return quoted
	}
	return text
}

// gist is the part of a pasted text searched with the question.
func gist(text string) string {
	return clip(strings.Join(strings.Fields(text), " "), maxGist)
}

// PastedText returns the text learnerID pasted with question questionID,
// for the plain-language checker (flows.PastedTexts); "" when the question
// is not theirs or has no pasted text.
func (a *Assistant) PastedText(ctx context.Context, tx bot.Tx, learnerID, questionID int64) (string, error) {
	db, err := inTx(tx)
	if err != nil {
		return "", err
	}
	q, err := db.Question(ctx, questionID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if q.LearnerID != learnerID {
		return "", nil
	}
	text, _, ok := splitPasted(q.Text)
	if !ok {
		return "", nil
	}
	return text, nil
}
