package flows

import (
	_ "embed" // the word lists
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// wordsFile lists what learners type that is not a question, and what their
// typed answers to the onboarding mean (see the file for its format).
//
//go:embed words.txt
var wordsFile string

// Kinds of small talk.
const (
	talkGreeting = "greeting"
	talkThanks   = "thanks"
	talkBye      = "bye"
	talkAck      = "ack"
	talkUnsure   = "unsure"
	// talkRobot asks whether the bot is a person ("sei un robot?").
	talkRobot = "robot"
)

// words are the parsed lists: phrases by kind ("greeting", "role.artisan"),
// every language together, since learners mix them ("ok", "thanks").
type words struct {
	kinds   []string // in the file's order
	phrases map[string][][]string
}

func parseWords(src string) (*words, error) {
	w := &words{phrases: map[string][][]string{}}
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		head, list, ok := strings.Cut(line, ":")
		kind, _, ok2 := strings.Cut(head, " ")
		if !ok || !ok2 {
			return nil, fmt.Errorf("words.txt:%d: want \"<kind> <lang>: phrase | phrase\"", n+1)
		}
		if _, seen := w.phrases[kind]; !seen {
			w.kinds = append(w.kinds, kind)
		}
		for _, p := range strings.Split(list, "|") {
			if f := normWords(p, true); len(f) > 0 {
				w.phrases[kind] = append(w.phrases[kind], f)
			}
		}
	}
	return w, nil
}

// normWords splits text into lower-case words of letters and digits (and
// "*" at a phrase's end, when pattern is set).
func normWords(s string, pattern bool) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !(pattern && r == '*')
	})
}

// matchAt reports whether phrase p matches the words of text from i.
func matchAt(text []string, i int, p []string) bool {
	if i+len(p) > len(text) {
		return false
	}
	for j, w := range p {
		if stem, ok := strings.CutSuffix(w, "*"); ok {
			if !strings.HasPrefix(text[i+j], stem) {
				return false
			}
		} else if text[i+j] != w {
			return false
		}
	}
	return true
}

// command returns the command s says in words ("menu", "ayuda", "nächste
// Lektion", "ciao, sono tornata, dove eravamo rimasti?"), "" unless all of
// s is one of words.txt's cmd phrases, after greetings if it starts with
// some.
func (w *words) command(s string) string {
	text := normWords(s, false)
	for {
		if name := w.wholeWords("cmd.", text); name != "" {
			return name
		}
		n := 0 // the longest greeting text starts with
		for _, p := range w.phrases[talkGreeting] {
			if len(p) > n && len(p) < len(text) && matchAt(text, 0, p) {
				n = len(p)
			}
		}
		if n == 0 {
			return ""
		}
		text = text[n:]
	}
}

// truth returns "true" or "false" for a typed answer to a true-or-false
// question ("sì", "stimmt nicht"), "" for anything else.
func (w *words) truth(s string) string { return w.whole("tf.", s) }

// begins reports whether s begins with one of kind's phrases ("perché
// non la prima?" with a "why" phrase).
func (w *words) begins(kind, s string) bool {
	text := normWords(s, false)
	return slices.ContainsFunc(w.phrases[kind], func(p []string) bool { return matchAt(text, 0, p) })
}

// mentions reports whether s has, anywhere, a phrase of a kind beginning
// with prefix ("o la terza?" the "nth." kinds').
func (w *words) mentions(prefix, s string) bool {
	text := normWords(s, false)
	for _, k := range w.kinds {
		if strings.HasPrefix(k, prefix) && slices.ContainsFunc(w.phrases[k], func(p []string) bool { return containsPhrase(text, p) }) {
			return true
		}
	}
	return false
}

// whole returns the rest of the name of the kind beginning with prefix one
// of whose phrases is all of s, "" when none is.
func (w *words) whole(prefix, s string) string { return w.wholeWords(prefix, normWords(s, false)) }

// wholeWords is whole on words already split (normWords).
func (w *words) wholeWords(prefix string, text []string) string {
	if len(text) == 0 {
		return ""
	}
	for _, k := range w.kinds {
		name, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		for _, p := range w.phrases[k] {
			if len(p) == len(text) && matchAt(text, 0, p) {
				return name
			}
		}
	}
	return ""
}

// goesOn reports whether an acknowledgement s (smallTalk's talkAck) also
// says "go on": words ("ok", "capito") or a thumbs-up, OK or arrow emoji;
// other emoji ("😱", "😂") and punctuation are reactions.
func goesOn(s string) bool {
	if len(normWords(s, false)) > 0 {
		return true
	}
	rest := strings.TrimSpace(s)
	for _, e := range []string{"👍", "👌", "✅", "✔", "🆗", "▶", "➡", "⏭", "🙂", "😊"} {
		rest = strings.ReplaceAll(rest, e, "")
	}
	// What is left may only be skin tones, variation selectors and spaces.
	return rest != strings.TrimSpace(s) && strings.TrimFunc(rest, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\uFE0F' || (r >= 0x1F3FB && r <= 0x1F3FF)
	}) == ""
}

// smallTalk returns the kind of small talk s is ("" if it is not): a
// greeting, thanks, goodbye or acknowledgement, alone or together, or emoji
// only. A message with anything else in it ("ciao, come metto gli orari
// su google?") is not small talk.
func (w *words) smallTalk(s string) string {
	text := normWords(s, false)
	if len(text) == 0 {
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "?¿") {
			return ""
		}
		return talkAck // emoji, "!!!"
	}
	kinds := []string{talkRobot, talkGreeting, talkThanks, talkBye, talkAck, talkUnsure}
	found := map[string]bool{}
	for i := 0; i < len(text); {
		best, kind := 0, ""
		for _, k := range kinds {
			for _, p := range w.phrases[k] {
				if len(p) > best && matchAt(text, i, p) {
					best, kind = len(p), k
				}
			}
		}
		if best == 0 {
			return ""
		}
		found[kind] = true
		i += best
	}
	if strings.ContainsAny(s, "?¿") && len(text) > 2 && !found[talkRobot] && (len(found) > 1 || !found[talkGreeting]) {
		// "ok, va bene?" asks something; "ciao, tutto bene?" only
		// greets, and "sei un robot?" asks who answers.
		return ""
	}
	for _, k := range kinds {
		if found[k] {
			return k
		}
	}
	return ""
}

// answer returns the value of field whose phrases s matches best (the
// longest phrase, then the most phrases; on a tie, the one listed first),
// "" when none does: "boh io uso solo whatsapp" is the base level, "ho un
// negozio di ceramiche" an artisan's.
func (w *words) answer(field, s string) string {
	text := normWords(s, false)
	best, bestN, value := 0, 0, ""
	for _, k := range w.kinds {
		v, ok := strings.CutPrefix(k, field+".")
		if !ok {
			continue
		}
		longest, n := 0, 0
		for i := range text {
			for _, p := range w.phrases[k] {
				if matchAt(text, i, p) {
					n++
					longest = max(longest, len(p))
				}
			}
		}
		if longest > best || longest == best && n > bestN {
			best, bestN, value = longest, n, v
		}
	}
	return value
}

// clockPattern is a time of day as learners type it: "15", "15:30",
// "8.45", "18h30", "3pm".
var clockPattern = regexp.MustCompile(`(?i)(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(am|pm)?`)

// laterWords say that an hour is in the afternoon or the evening ("le 3
// del pomeriggio", "um 7 abends").
var laterWords = []string{"pomeriggio", "sera", "afternoon", "evening", "tarde", "après", "apres", "soir", "nachmittag", "abend", "południu", "poludniu", "wieczor"}

// earlyWords say that an hour is in the morning ("alle 7 di mattina");
// nightWords that it is at night, which is before dawn for a small hour
// ("alle 3 di notte") and in the evening for a larger one ("a las 10 de
// la noche").
var (
	earlyWords = []string{"mattin", "morning", "early", "mañana", "manana", "temprano", "matin", "tôt", "morgen", "früh", "frueh", "rano", "rana", "wcześnie", "wczesnie"}
	nightWords = []string{"notte", "night", "noche", "madrugada", "nuit", "nacht", "nocy", "noc"}
)

// saysAny reports whether a word of s begins with one of ps.
func saysAny(s string, ps []string) bool {
	return slices.ContainsFunc(normWords(s, false), func(w string) bool {
		return slices.ContainsFunc(ps, func(p string) bool { return strings.HasPrefix(w, p) })
	})
}

// timeOfDay reads the one time of day typed in s as "HH:MM". An hour under 7,
// or under 12 with a word for the afternoon or the evening, is taken after
// noon, unless a word says morning or (for a small hour) night. ok is false when
// s has no time, or more numbers than one.
func timeOfDay(s string) (at string, ok bool) {
	ms := clockPattern.FindAllStringSubmatch(s, -1)
	if len(ms) != 1 || strings.Count(s, ms[0][0]) != 1 || strings.ContainsFunc(strings.Replace(s, ms[0][0], "", 1), unicode.IsDigit) {
		return "", false
	}
	h, err := strconv.Atoi(ms[0][1])
	if err != nil {
		return "", false
	}
	m := 0
	if ms[0][2] != "" {
		if m, err = strconv.Atoi(ms[0][2]); err != nil {
			return "", false
		}
	} else {
		// "le 8 e mezza", "half past 8", "halb 9".
		i := strings.Index(s, ms[0][0])
		before := strings.ToLower(strings.Join(strings.Fields(s[:i]), " "))
		after := strings.ToLower(strings.Join(strings.Fields(s[i+len(ms[0][0]):]), " "))
		for _, unit := range []string{"h ", "heures ", "heure ", "uhr "} {
			after = strings.TrimPrefix(after, unit) // "8 h et demie"
		}
		var back bool
		if m, back = minutesSaid(before, after); back {
			h = (h + 23) % 24
		}
	}
	am, pm := strings.EqualFold(ms[0][3], "am"), strings.EqualFold(ms[0][3], "pm")
	night := saysAny(s, nightWords)
	early := am || saysAny(s, earlyWords) || night && h < 7
	later := pm || saysAny(s, laterWords) || night && h >= 7
	switch {
	case am && h == 12:
		h = 0
	case early:
	case h >= 1 && h < 7, h >= 1 && h < 12 && later:
		h += 12
	}
	if h > 23 || m > 59 {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d", h, m), true
}

// ClockTime reads a time of day as people write it after /reminders: "9",
// "9:30", "09.30", "21:00", "20h", "20h30", "alle 8 e mezza", "half past
// 8 pm"; it returns it as "HH:MM".
func ClockTime(s string) (string, bool) {
	c := strings.ReplaceAll(strings.TrimSpace(s), ".", ":")
	if !strings.Contains(c, ":") {
		c += ":00"
	}
	if t, err := time.Parse("15:04", c); err == nil {
		return t.Format("15:04"), true
	}
	return timeOfDay(s)
}

// minutesSaid returns the minutes that the words before and after an hour
// say ("e mezza", "half past"), and whether they count back from it
// ("meno un quarto", "quarter to", "halb 9" is 8:30).
func minutesSaid(before, after string) (m int, back bool) {
	for _, w := range []struct {
		words  string
		m      int
		back   bool
		before bool
	}{
		{"e mezza", 30, false, false}, {"e mezzo", 30, false, false}, {"e trenta", 30, false, false},
		{"e un quarto", 15, false, false}, {"e tre quarti", 45, false, false}, {"meno un quarto", 45, true, false},
		{"y media", 30, false, false}, {"y cuarto", 15, false, false}, {"menos cuarto", 45, true, false},
		{"et demie", 30, false, false}, {"et quart", 15, false, false}, {"moins le quart", 45, true, false}, {"moins quart", 45, true, false},
		{"half past", 30, false, true}, {"quarter past", 15, false, true}, {"quarter to", 45, true, true},
		{"halb", 30, true, true}, {"viertel nach", 15, false, true}, {"viertel vor", 45, true, true},
	} {
		if w.before && (before == w.words || strings.HasSuffix(before, " "+w.words)) ||
			!w.before && (after == w.words || strings.HasPrefix(after, w.words+" ")) {
			return w.m, w.back
		}
	}
	return 0, false
}

// reminderTime returns the time of day s says for a reminder: a time
// ("alle 20 e mezza", "8pm") or a moment of the working day words.txt
// gives one for ("dopo chiusura", "prima di aprire").
func (w *words) reminderTime(s string) (string, bool) {
	if at, ok := timeOfDay(s); ok {
		return at, true
	}
	text := normWords(s, false)
	for _, k := range w.kinds {
		at, ok := strings.CutPrefix(k, "remat.") // "2030"
		if ok && len(at) == 4 && slices.ContainsFunc(w.phrases[k], func(p []string) bool { return containsPhrase(text, p) }) {
			return at[:2] + ":" + at[2:], true
		}
	}
	return "", false
}

// maxReminderWords is the most words of a message that sets the
// reminder's time in words: a longer one asks something else.
const maxReminderWords = 14

// reminderSet returns the time for the learner's reminder that s asks
// for, in words that name it ("il promemoria mettilo alle 8", "remind me
// at 7pm"); false for a question ("posso mandare un promemoria ai
// clienti alle 9?") or a message that names no reminder or no time.
func (w *words) reminderSet(s string) (string, bool) {
	text := normWords(s, false)
	if len(text) > maxReminderWords || strings.ContainsAny(s, "?¿") ||
		!slices.ContainsFunc(w.phrases["remind"], func(p []string) bool { return containsPhrase(text, p) }) {
		return "", false
	}
	return w.reminderTime(s)
}

// maxLangRequest is the most words of a message that asks the bot to
// write in another language: a longer one asks something else.
const maxLangRequest = 10

// maxLangPlease is the most words of a message in which a language's name
// and "please" ask for it ("English please"): in a longer one the name is
// what it is about ("please help me with English descriptions").
const maxLangPlease = 4

// howWords open a question about how to do something, which may name a
// language ("come rispondo in inglese a una recensione?") without asking
// the bot to write in it.
var howWords = map[string]bool{"come": true, "how": true, "cómo": true, "como": true, "comment": true, "wie": true, "jak": true}

// langNamed returns the language that s names and nothing else
// ("inglese", "English", "po polsku"), "" if none.
func (w *words) langNamed(s string) string { return w.whole("lang.", s) }

// maxLangLost is the most words of a message that says, in its own
// language, that the learner does not understand the one the bot writes in
// ("non capisco", "non capisco l'inglese").
const maxLangLost = 6

// langRequest returns the language a short message asks the bot to write
// in ("mi scrivi in inglese x favore?", "can you answer in Italian",
// "rimetti l'italiano"), or "". A learner who says, in another language
// than current (the one the bot writes in), that they do not understand
// ("non capisco l'inglese") asks for the language they said it in.
func (w *words) langRequest(s, current string) string {
	text := normWords(s, false)
	if len(text) == 0 || len(text) > maxLangRequest || slices.ContainsFunc(text, func(t string) bool { return howWords[t] }) {
		return ""
	}
	lang, asks, lost := "", false, ""
	for _, k := range w.kinds {
		code, isLang := strings.CutPrefix(k, "lang.")
		if in, ok := strings.CutPrefix(k, "langlost."); ok {
			if in != current && len(text) <= maxLangLost && slices.ContainsFunc(w.phrases[k], func(p []string) bool { return containsPhrase(text, p) }) {
				lost = in
			}
			continue
		}
		for _, p := range w.phrases[k] {
			for i := range text {
				if !matchAt(text, i, p) {
					continue
				}
				if isLang && len(p) == len(text) {
					asks = true // a language's name alone: "English"
				}
				switch {
				case isLang && lang != "" && lang != code:
					return "" // two languages: "translate from Italian to English"
				case isLang:
					lang = code
				case k == "langask":
					asks = true
				case k == "langplease" && len(text) <= maxLangPlease:
					asks = true
				}
			}
		}
	}
	if lost != "" && (lang == "" || lang == current || lang == lost) {
		return lost
	}
	if !asks {
		return ""
	}
	return lang
}

// containsPhrase reports whether the words of p come in text, together.
func containsPhrase(text, p []string) bool {
	for i := range text {
		if matchAt(text, i, p) {
			return true
		}
	}
	return false
}
