package plain

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

type kind int

const (
	kindWord kind = iota
	kindEmoji
)

type token struct {
	text     string
	kind     kind
	pos, end int // rune offsets in the prose
}

// sentence is the words and emoji of one sentence, in order.
type sentence []token

func (s sentence) words() int {
	n := 0
	for _, t := range s {
		if t.kind == kindWord {
			n++
		}
	}
	return n
}

// extras are the parts of a post that are not prose: they do not count for
// readability, and some of them are checked on their own.
type extras struct {
	hashtags []string // without '#'
	links    int      // URLs and e-mail addresses
	mentions int
}

var (
	domainRE = regexp.MustCompile(`(?i)^[a-z0-9-]+(\.[a-z0-9-]+)*\.(it|com|org|net|eu|gov|uk|info|io|app|shop)(/\S*)?$`)
	trailRE  = regexp.MustCompile(`[.,;:!?)\]"»]+$`)
)

// cut removes links, e-mail addresses, mentions and hashtags from text,
// keeping any punctuation that followed them so sentences still end.
func cut(text string) (string, extras) {
	var b strings.Builder
	var ex extras
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			b.WriteRune(r)
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += size
		}
		field := text[i:j]
		i = j
		core := trailRE.ReplaceAllString(field, "")
		trail := field[len(core):]
		lc := strings.ToLower(core)
		switch {
		case strings.HasPrefix(core, "#") && len(core) > 1:
			tag := core[1:]
			if r, _ := utf8.DecodeRuneInString(tag); unicode.IsLetter(r) || unicode.IsDigit(r) {
				ex.hashtags = append(ex.hashtags, tag)
				b.WriteString(trail)
				continue
			}
		case strings.HasPrefix(core, "@") && len(core) > 1:
			ex.mentions++
			b.WriteString(trail)
			continue
		case strings.Contains(lc, "://") || strings.HasPrefix(lc, "www.") ||
			(strings.Contains(core, "@") && strings.Contains(core, ".")) || isDomain(lc):
			ex.links++
			b.WriteString(trail)
			continue
		}
		b.WriteString(field)
	}
	return b.String(), ex
}

// isDomain reports whether s looks like "comune.esempio.it": a dotted name
// with a known ending and at least one label that is a real word, so that
// "c.a." is not taken for a site.
func isDomain(s string) bool {
	if !domainRE.MatchString(s) {
		return false
	}
	host, _, _ := strings.Cut(s, "/")
	for _, l := range strings.Split(host, ".") {
		if len(l) >= 3 {
			return true
		}
	}
	return false
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isEmoji reports whether r is a pictograph or a part of an emoji sequence
// (variation selector, joiner, skin tone, keycap, tag).
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF,
		r >= 0x2600 && r <= 0x27BF,
		r >= 0x2300 && r <= 0x23FF,
		r >= 0x2B00 && r <= 0x2BFF,
		r >= 0xE0020 && r <= 0xE007F,
		r == 0xFE0F, r == 0x200D, r == 0x20E3,
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299:
		return true
	}
	return false
}

// split cuts prose into sentences of words and emoji. A sentence ends at
// '.', '!', '?', '…' or a line break. A full stop does not end a sentence
// inside a token ("12.30", "c.a."), after a title or abbreviation listed in
// d's [nosplit] section, or when the next word starts with a lower-case
// letter. In Italian an apostrophe separates words ("dell'ufficio" is two
// words); in English it is part of the word ("don't").
func split(lang, text string, d *dict) []sentence {
	var out []sentence
	var cur sentence
	end := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	rs := []rune(text)
	n := len(rs)
	joins := func(i int) bool {
		// rs[i] joins the word around it when both neighbours are word runes.
		if i == 0 || i+1 >= n || !isWordRune(rs[i-1]) || !isWordRune(rs[i+1]) {
			return false
		}
		switch rs[i] {
		case '-', '.', '/':
			return true
		case ':':
			return unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1])
		case '\'', '’':
			return lang == "en"
		}
		return false
	}
	for i := 0; i < n; {
		r := rs[i]
		switch {
		case isWordRune(r):
			j := i
			for j < n && (isWordRune(rs[j]) || joins(j)) {
				j++
			}
			cur = append(cur, token{text: strings.ReplaceAll(string(rs[i:j]), "’", "'"), kind: kindWord, pos: i, end: j})
			i = j
		case isEmoji(r):
			j := i
			for j < n && isEmoji(rs[j]) {
				j++
			}
			cur = append(cur, token{text: string(rs[i:j]), kind: kindEmoji, pos: i, end: j})
			i = j
		case r == '\n':
			end()
			i++
		case r == '.' || r == '!' || r == '?' || r == '…':
			j := i
			for j < n && (rs[j] == '.' || rs[j] == '!' || rs[j] == '?' || rs[j] == '…') {
				j++
			}
			if r == '.' && j == i+1 && !stops(rs, j, cur, d) {
				i = j
				continue
			}
			end()
			i = j
		default:
			i++
		}
	}
	end()
	return out
}

// stops decides whether a single full stop before rs[j] ends the sentence.
func stops(rs []rune, j int, cur sentence, d *dict) bool {
	// Skip spaces and closing punctuation; a line break or the end of the
	// text always ends the sentence.
	k := j
	for k < len(rs) && (rs[k] == ' ' || rs[k] == '\t' || rs[k] == ')' || rs[k] == '"' || rs[k] == '»' || rs[k] == '\'' || rs[k] == '’') {
		k++
	}
	if k >= len(rs) || rs[k] == '\n' || rs[k] == '\r' {
		return true
	}
	if len(cur) > 0 && d != nil {
		last := cur[len(cur)-1]
		if last.kind == kindWord && d.nosplit[strings.ToLower(last.text)] {
			return false
		}
	}
	return !unicode.IsLower(rs[k])
}
