package assistant

import (
	"strings"
	"unicode"
)

// leakRun is the number of consecutive words of the system prompt that make
// an answer a leak. Long enough that an answer in the learner's language
// never shares it by chance (the prompt is in English and names no lesson),
// short enough that no sentence of the prompt can be shown in pieces.
const leakRun = 6

// guard keeps the system prompt from reaching the learner: it recognises
// any run of leakRun of its words (compared lower-case, punctuation
// ignored) in the model's text, and tells how much of a growing text may
// be shown while the rest is still coming.
type guard struct {
	// runs holds every run of 1 to leakRun consecutive words of the
	// prompt, joined by spaces.
	runs map[string]bool
}

func newGuard(prompt string) *guard {
	g := &guard{runs: map[string]bool{}}
	ws := wordSpans(prompt)
	for i := range ws {
		for n := 1; n <= leakRun && i+n <= len(ws); n++ {
			g.runs[joinWords(prompt, ws[i:i+n])] = true
		}
	}
	return g
}

// span is where a word is in a text, in bytes.
type span struct{ start, end int }

// wordSpans returns the words of s: runs of letters and digits.
func wordSpans(s string) []span {
	var out []span
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(s)})
	}
	return out
}

func joinWords(s string, ws []span) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToLower(s[w.start:w.end]))
	}
	return b.String()
}

// leaks reports whether text repeats leakRun words of the prompt in a row,
// or its guard mark.
func (g *guard) leaks(text string) bool {
	if strings.Contains(strings.ToLower(text), strings.ToLower(guardMark)) {
		return true
	}
	ws := wordSpans(text)
	for i := 0; i+leakRun <= len(ws); i++ {
		if g.runs[joinWords(text, ws[i:i+leakRun])] {
			return true
		}
	}
	return false
}

// shown returns the part of a growing text that may be shown now: it stops
// before a word that may still be growing, and before the words at its end
// that are also in the prompt in that order, since the next ones may make
// them a leak. Whatever it returns holds fewer than leakRun words of the
// prompt in a row, if text does not leak.
func (g *guard) shown(text string) string {
	ws := wordSpans(text)
	if n := len(ws); n > 0 && ws[n-1].end == len(text) {
		// The last word may still be growing.
		text, ws = text[:ws[n-1].start], ws[:n-1]
	}
	for k := min(leakRun-1, len(ws)); k > 0; k-- {
		tail := ws[len(ws)-k:]
		if g.runs[joinWords(text, tail)] {
			return strings.TrimRightFunc(text[:tail[0].start], unicode.IsSpace)
		}
	}
	return strings.TrimRightFunc(text, unicode.IsSpace)
}
