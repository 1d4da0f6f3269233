package flows

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bottega-app/bottega/bot"
)

// bar draws done of total as a bar of width cells, which reads well in any
// chat font: "▰▰▰▱▱▱▱▱▱▱".
func bar(done, total, width int) string {
	if total <= 0 || width <= 0 {
		return strings.Repeat("▱", max(width, 0))
	}
	done = min(max(done, 0), total)
	full := done * width / total
	if done > 0 && full == 0 {
		full = 1 // any progress shows
	}
	return strings.Repeat("▰", full) + strings.Repeat("▱", width-full)
}

// short cuts s to at most n characters, with an ellipsis, so that a label
// fits a button: after the last whole word that fits, unless that leaves
// less than half ("Facebook Page and Instagram…", not "…Instagram acc…").
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if i := strings.LastIndexFunc(cut, unicode.IsSpace); i >= 0 && utf8.RuneCountInString(cut[:i]) >= n/2 && !unicode.IsSpace(r[n-1]) {
		cut = cut[:i]
	}
	// A last word of one or two letters ("e", "di", "of") goes too.
	if i := strings.LastIndexFunc(strings.TrimSpace(cut), unicode.IsSpace); i >= 0 && utf8.RuneCountInString(strings.TrimSpace(cut[i:])) <= 2 && utf8.RuneCountInString(cut[:i]) >= n/2 {
		cut = cut[:i]
	}
	return strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;:·-–—", r) }) + "…"
}

// bare is a button's label without the emoji and marks around its words,
// to quote it in a sentence ("Compris : D'accord ✓", not "✅ D'accord ✓").
func bare(label string) string {
	return strings.TrimFunc(label, func(r rune) bool {
		return unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.Is(unicode.Mn, r) || r == '\u200d'
	})
}

// sameLabel reports whether typed text means a button: the same words,
// ignoring case, emoji, arrows and spacing around them, or the words
// before the label's colon.
func sameLabel(label, text string) bool {
	trim := func(s string) string {
		return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	l, t := trim(label), trim(text)
	if l != "" && strings.EqualFold(l, t) {
		return true
	}
	// "▶ Continua: <lesson>" is pressed by "continua" too.
	head, _, ok := strings.Cut(label, ":")
	return ok && t != "" && strings.EqualFold(trim(head), t)
}

// clock formats a position in a video: "2:15", "1:02:03".
func clock(d time.Duration) string {
	s := int(d.Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// typedOption returns the data and label of the quiz or review option
// (among rows) that typed text s says in other words, or "" when none does
// clearly and no other comes near. An option says it when at least two of
// its words of three letters or more, and two thirds of those typed, are
// the option's ("il biglietto col qr a tutti" for "Dai a tutto il gruppo
// il biglietto con il QR", "metto l'orario speciale" for "Aggiungo un
// orario speciale"); or, for an option of one or two such words, when all
// of them are typed with at most one word more ("la gioielleria",
// "falzo"). A word counts if it begins like one of the option's for four
// letters ("tutti", "tutto") or, from five letters, is one typo away
// ("gioeilleria"). Failing that, a short answer may name its option by a
// word only that option has (see keyOption).
func typedOption(rows [][]bot.Button, s string) (data, label string) {
	typed := normWords(s, false)
	if len(typed) == 0 {
		return "", ""
	}
	typedLong := 0 // the words typed of three letters or more: "l'", "a" weigh nothing
	for _, w := range typed {
		if utf8.RuneCountInString(w) >= 3 {
			typedLong++
		}
	}
	best, second := 0.0, 0.0
	for _, row := range rows {
		for _, b := range row {
			if !isOption(b.Data) {
				continue
			}
			opt := normWords(b.Label, false)
			long := 0
			for _, w := range typed {
				if utf8.RuneCountInString(w) >= 3 && slices.ContainsFunc(opt, func(o string) bool { return sameWord(w, o) }) {
					long++
				}
			}
			var own, said int // the option's words of three letters or more, and those typed
			for _, o := range opt {
				if utf8.RuneCountInString(o) >= 3 {
					own++
					if slices.ContainsFunc(typed, func(w string) bool { return sameWord(w, o) }) {
						said++
					}
				}
			}
			score := 0.0
			switch {
			case long >= 2:
				score = float64(long) / float64(typedLong)
			case own <= 2 && said == own && own > 0 && len(typed) <= own+1:
				score = 1
			}
			switch {
			case score > best:
				second, best, data, label = best, score, b.Data, b.Label
			case score > second:
				second = score
			}
		}
	}
	if best < 2.0/3 || second >= best-0.25 {
		return keyOption(rows, typed)
	}
	return data, label
}

// maxKeyTyped is the most words of a typed answer that names its option
// by one of its words (see keyOption).
const maxKeyTyped = 3

// negations are the words that turn a typed answer around ("non il
// logo"): such an answer names no option by its words.
var negations = map[string]bool{"non": true, "no": true, "nn": true, "not": true, "nicht": true, "kein": true, "keine": true, "pas": true, "ni": true, "nie": true}

// keyOption returns the option among rows that a short typed answer names
// by a word of its own that no other option has ("il logo", "la
// finestra", "mi avvicino"): a word of the option said as it is, or, from
// six letters, with a typo; no word typed may be another option's, nor
// turn the answer around ("non il logo").
func keyOption(rows [][]bot.Button, typed []string) (data, label string) {
	if len(typed) > maxKeyTyped || slices.ContainsFunc(typed, func(w string) bool { return negations[w] }) {
		return "", ""
	}
	key := func(w, o string) bool {
		return w == o && utf8.RuneCountInString(o) >= 4 ||
			utf8.RuneCountInString(w) >= 6 && utf8.RuneCountInString(o) >= 6 && editDistance(w, o) <= 1
	}
	found := 0
	for _, row := range rows {
		for _, b := range row {
			if !isOption(b.Data) {
				continue
			}
			opt := normWords(b.Label, false)
			says := func(w string) bool { return slices.ContainsFunc(opt, func(o string) bool { return key(w, o) }) }
			shares := func(w string) bool {
				return utf8.RuneCountInString(w) >= 3 && slices.ContainsFunc(opt, func(o string) bool { return sameWord(w, o) })
			}
			switch {
			case slices.ContainsFunc(typed, says):
				found++
				data, label = b.Data, b.Label
			case slices.ContainsFunc(typed, shares):
				return "", "" // a word of another option too
			}
		}
	}
	if found != 1 {
		return "", ""
	}
	return data, label
}

// sameWord reports whether typed word w is option word o, begins like it
// for four letters or more (another ending: "tutti", "tutto"), or, from
// five letters, is one typo away from it.
func sameWord(w, o string) bool {
	if w == o {
		return true
	}
	if utf8.RuneCountInString(w) >= 5 && utf8.RuneCountInString(o) >= 5 && editDistance(w, o) <= 1 {
		return true
	}
	rw, ro := []rune(w), []rune(o)
	n := 0
	for n < len(rw) && n < len(ro) && rw[n] == ro[n] {
		n++
	}
	return n >= 4 && n >= min(len(rw), len(ro))-1
}

// isOption reports whether button data answers a quiz or review question.
func isOption(data string) bool {
	act, _, ok := strings.Cut(strings.TrimPrefix(data, version+"|"), "|")
	return ok && strings.HasPrefix(data, version+"|") && (act == actAnswer || act == actRecall)
}
