package assistant

import (
	"context"
	"slices"
	"strings"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
)

// An urgent problem (an account taken over, a lost WhatsApp number) needs
// the platform's own recovery path at once. The lessons teach prevention,
// so a question about it gets that path plainly, with the lesson's answer
// if a lesson answers it, rather than loosely related lesson excerpts.

// Platforms whose official help a question is pointed to.
const (
	helpMeta     = "meta"
	helpWhatsApp = "whatsapp"
	helpGoogle   = "google"
)

// helpLink is a platform's official help page.
type helpLink struct {
	Site string // as the learner reads it
	URL  string
}

// helpLinks are the official recovery pages, by platform.
func helpLinks(platform string) []helpLink {
	switch platform {
	case helpMeta:
		return []helpLink{{"facebook.com/hacked", "https://www.facebook.com/hacked"}, {"instagram.com/hacked", "https://www.instagram.com/hacked"}}
	case helpWhatsApp:
		return []helpLink{{"faq.whatsapp.com", "https://faq.whatsapp.com/1131652977717250"}}
	case helpGoogle:
		return []helpLink{{"g.co/recover", "https://accounts.google.com/signin/recovery"}}
	}
	return nil
}

// The words that make a question urgent, by prefix of their folded form,
// in the six languages.
var (
	// taken over: hackerato, hacked, hackeado, violato, compromesso,
	// compromised, gehackt, zhakowane; and piratato, piraté, pirateado,
	// which are taken over only when an account is named ("you are a
	// pirate" is not)
	takenOver  = []string{"hack", "violat", "compromes", "compromis", "gehackt", "zhakow"}
	takenIfObj = []string{"pirat"}
	// lost or stolen, which is urgent when it is an account, a number or
	// a phone; short forms whole ("persone" is not "perso")
	lostWords  = []string{"perso", "persa", "persi", "perse", "lost", "stolen", "stole", "robado", "robada", "robaron", "perdu", "perdue", "perdido", "perdida", "verloren", "gestohlen"}
	lostPrefix = []string{"rubat", "rubbat", "smarrit", "skradzion", "ukradl", "zgubi"}
	accessObj  = []string{"account", "accesso", "access", "acceso", "acces", "profil", "pagin", "page", "seite", "stron", "numer", "number", "nummer", "telefon", "phone", "cellular", "smartphone", "handy", "password", "konto", "compte", "cuenta", "zugang", "dostep"}
	phoneObj   = []string{"numer", "number", "nummer", "telefon", "phone", "cellular", "smartphone", "handy"}
	// gave the password away: "ho cliccato il link e ho messo la
	// password", "I clicked it and typed my password"
	clicked     = []string{"cliccat", "clicked", "clicado", "geklickt", "klikn"}
	clickedWord = []string{"clique", "cliquee"} // "j'ai cliqué"; "cliquer" is not done yet
	credentials = []string{"password", "passwort", "contrasena", "haslo", "credenzial", "credential", "codice", "code", "codigo", "kod"}
	secretWord  = []string{"passe", "pin"} // "mot de passe"
	// locked out: "non riesco ad accedere", "can't log in"
	negations  = []string{"non", "cannot", "cant", "nie", "nicht", "kein", "no", "pas"}
	accessVerb = []string{"acced", "entrar", "rientrar", "login", "accesso", "access", "connect", "anmeld", "einlogg", "zalog"}
	platforms  = map[string][]string{
		helpMeta:     {"facebook", "fb", "instagram", "ig", "insta", "meta", "messenger", "pagina", "page", "profilo", "profile", "seite", "strona", "profil", "perfil"},
		helpWhatsApp: {"whatsapp", "wa", "whats", "wapp"},
		helpGoogle:   {"google", "gmail", "gmb", "youtube"},
	}
)

func hasPrefix(w string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// urgentHelp returns the platforms whose official recovery path question
// needs, in a fixed order, or nil when it is not about an account taken
// over, lost or locked.
func urgentHelp(question string) []string {
	ws := words(question)
	var taken, pirated, lost, object, phone, negated, verb, click, secret bool
	for i, w := range ws {
		click = click || hasPrefix(w, clicked) || slices.Contains(clickedWord, w)
		secret = secret || hasPrefix(w, credentials) || slices.Contains(secretWord, w)
		taken = taken || hasPrefix(w, takenOver)
		pirated = pirated || hasPrefix(w, takenIfObj)
		lost = lost || slices.Contains(lostWords, w) || hasPrefix(w, lostPrefix)
		object = object || hasPrefix(w, accessObj) || w == "sim"
		phone = phone || hasPrefix(w, phoneObj) || w == "sim"
		negated = negated || slices.Contains(negations, w) || w == "can" && i+1 < len(ws) && ws[i+1] == "t"
		verb = verb || w == "log" || hasPrefix(w, accessVerb) && !strings.HasPrefix(w, "accessib")
	}
	var on []string
	for _, p := range []string{helpMeta, helpWhatsApp, helpGoogle} {
		for _, w := range ws {
			if slices.Contains(platforms[p], w) {
				on = append(on, p)
				break
			}
		}
	}
	switch {
	case taken, (lost || pirated) && object, click && secret:
	case negated && verb && len(on) > 0:
	default:
		return nil
	}
	if len(on) > 0 {
		return on
	}
	if phone {
		return []string{helpWhatsApp}
	}
	return []string{helpMeta, helpGoogle}
}

// withHelp adds the official recovery path of help's platforms to ans: in
// place of the "not covered" message when the lessons do not answer, after
// the answer when they do, with a button for each page.
func (a *Assistant) withHelp(lg string, ans answer, help []string) answer {
	if len(help) == 0 {
		return ans
	}
	var lines []string
	var links []bot.Button
	for _, p := range help {
		data := map[string]any{}
		for i, l := range helpLinks(p) {
			data["Site"+string(rune('1'+i))] = l.Site
			links = append(links, bot.Button{Label: a.t(lg, "ask_btn_link", map[string]any{"Site": l.Site}), URL: l.URL})
		}
		lines = append(lines, a.t(lg, "ask_urgent_"+p, data))
	}
	paths := strings.Join(lines, "\n")
	r := ans.reply
	if ans.mode == modeUncovered && strings.HasPrefix(r.Text, a.t(lg, "ask_not_covered", nil)) {
		// What the lessons help with is no help here.
		r.Text = a.t(lg, "ask_urgent", nil) + "\n" + paths
	} else {
		r.Text = compose(r.Text+"\n\n"+a.t(lg, "ask_urgent_also", nil)+"\n"+paths, "", nil)
	}
	// The links go before the feedback row, which stays last.
	var rows [][]bot.Button
	for _, b := range links {
		rows = append(rows, []bot.Button{b})
	}
	if n := len(r.Buttons); n > 0 {
		r.Buttons = append(append(append([][]bot.Button{}, r.Buttons[:n-1]...), rows...), r.Buttons[n-1])
	} else {
		r.Buttons = rows
	}
	ans.reply, ans.text = r, r.Text
	return ans
}

// recovery finds the lessons' steps on getting an account back, searched
// with their own words for it: none when the lessons do not cover it.
func (a *Assistant) recovery(ctx context.Context, locale, role string, limit int) (Found, error) {
	found, err := a.r.Find(ctx, Query{Text: strings.TrimSpace(urgentSearch("", locale)), Locale: locale, Role: role, Limit: limit})
	if err != nil || !found.Covered || found.Elsewhere {
		return Found{}, err
	}
	found.Hits = slices.DeleteFunc(found.Hits, isQuiz)
	found.More = slices.DeleteFunc(found.More, isQuiz)
	return found, nil
}

// isQuiz reports whether h is a quiz question, which never answers an
// urgent problem: a loosely related quiz item is no way out of it.
func isQuiz(h bottega.PassageHit) bool { return h.Kind == bottega.PassageQuiz }

// urgentSearch is what an urgent question is searched for: the question
// and the lessons' words for losing an account, as the learner's lessons
// say them, so that a lesson that covers it is found.
func urgentSearch(question, locale string) string {
	switch locale {
	case "it":
		return question + " perso accesso recupero account password"
	case "en":
		return question + " locked out recovery account password"
	}
	// The lessons in English are shown to those who do not speak
	// Italian: their words.
	return question + " locked out recovery account password"
}
