package assistant

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bottega-app/bottega"
)

// Limits of what the assistant sends.
const (
	// maxMessage is Telegram's limit for a message, in characters, which
	// the answer respects even once HTML-escaped.
	maxMessage = 4096
	// maxAnswer bounds the model's text: the prompt asks for 700
	// characters, this leaves it some slack before cutting.
	maxAnswer = 900
	// maxDraftAnswer bounds it when it holds a draft written from a
	// pasted text (the prompt asks for 1200).
	maxDraftAnswer = 1500
)

// sanitize turns model output into plain text for a chat: valid UTF-8,
// no control characters but line breaks, no Markdown emphasis or headings,
// at most one blank line in a row.
func sanitize(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteRune(' ')
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\ufeff',
			r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069': // bidi overrides
		default:
			b.WriteRune(r)
		}
	}
	s = strings.NewReplacer("**", "", "__", "", "`", "").Replace(b.String())
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if t := strings.TrimLeft(l, "#"); t != l && strings.HasPrefix(t, " ") {
			l = strings.TrimSpace(t) // a Markdown heading
		}
		if strings.TrimSpace(l) == "" {
			blank++
			if blank > 1 {
				continue
			}
			l = ""
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// clip cuts s to at most max characters, at a sentence or word boundary
// when there is one in the last third, ending with "…".
func clip(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	cut := len(r)
	for i := len(r) - 1; i > len(r)*2/3; i-- {
		if r[i] == '.' || r[i] == '\n' || r[i] == ';' {
			cut = i + 1
			break
		}
	}
	if cut == len(r) {
		for i := len(r) - 1; i > len(r)*2/3; i-- {
			if unicode.IsSpace(r[i]) {
				cut = i
				break
			}
		}
	}
	return strings.TrimRightFunc(string(r[:cut]), unicode.IsSpace) + "…"
}

// escapedLen is the length in characters of s once HTML-escaped the way the
// Telegram transport does (html.EscapeString).
func escapedLen(s string) int {
	n := 0
	for _, r := range s {
		switch r {
		case '&', '\'', '"':
			n += 5
		case '<', '>':
			n += 4
		default:
			n++
		}
	}
	return n
}

var (
	citeRE    = regexp.MustCompile(`\[(\d{1,2}(?:\s*[,;–-]\s*\d{1,2})*)\]`)
	citeSepRE = regexp.MustCompile(`\s*[,;]\s*`)
)

// citations returns the passage numbers (1 to n) that text cites as [1],
// [2][3], [1, 2] or [1-3], in order of first citation.
func citations(text string, n int) []int {
	var out []int
	add := func(i int) {
		if i >= 1 && i <= n && !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	for _, m := range citeRE.FindAllStringSubmatch(text, -1) {
		parts := citeSepRE.Split(m[1], -1)
		for _, p := range parts {
			lo, hi, isRange := strings.Cut(strings.ReplaceAll(p, "–", "-"), "-")
			a, err := strconv.Atoi(strings.TrimSpace(lo))
			if err != nil {
				continue
			}
			if !isRange {
				add(a)
				continue
			}
			b, err := strconv.Atoi(strings.TrimSpace(hi))
			if err != nil || b < a || b-a > 10 {
				add(a)
				continue
			}
			for i := a; i <= b; i++ {
				add(i)
			}
		}
	}
	return out
}

// dropCitations removes citation marks to numbers above n, which the
// learner could not look up.
func dropCitations(text string, n int) string {
	return citeRE.ReplaceAllStringFunc(text, func(m string) string {
		if len(citations(m, n)) == 0 {
			return ""
		}
		return m
	})
}

// source is a cited passage as the learner reads it under the answer.
type source struct {
	N     int // the number the answer cites it by
	Label string
}

// compose joins an answer and its sources into one message that fits
// Telegram once escaped: the answer is cut if need be, never the sources.
func compose(answer, sourcesTitle string, sources []source) string {
	var tail strings.Builder
	if len(sources) > 0 {
		tail.WriteString("\n\n")
		tail.WriteString(sourcesTitle)
		for _, s := range sources {
			fmt.Fprintf(&tail, "\n[%d] %s", s.N, s.Label)
		}
	}
	t := tail.String()
	if escapedLen(t) > maxMessage/2 {
		t = clip(t, maxMessage/2/5)
	}
	budget := maxMessage - escapedLen(t)
	a := answer
	for escapedLen(a) > budget {
		// Escaping at most quintuples a character: one cut is usually
		// enough, a second always is.
		a = clip(a, max(1, min(utf8.RuneCountInString(a)-1, budget*utf8.RuneCountInString(a)/max(1, escapedLen(a)))))
	}
	return a + t
}

// stem is a crude stem for matching words of a question to a passage: the
// first five letters.
func stem(w string) string {
	r := []rune(w)
	if len(r) > 5 {
		r = r[:5]
	}
	return string(r)
}

// promptLabel names a passage for the model.
func promptLabel(p bottega.PassageHit) string {
	switch p.Kind {
	case bottega.PassageStep:
		return fmt.Sprintf("Lesson %q, step %d of %d", p.Title, p.Position, p.Steps)
	case bottega.PassageQuiz:
		return fmt.Sprintf("Lesson %q, quiz", p.Title)
	}
	return fmt.Sprintf("Lesson %q, summary", p.Title)
}

// clock writes seconds as m:ss or h:mm:ss.
func clock(sec int) string {
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}
