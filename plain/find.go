package plain

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// match reports whether words starts with seq.
func match(words []string, seq []string) bool {
	if len(seq) == 0 || len(seq) > len(words) {
		return false
	}
	for i, w := range seq {
		if words[i] != w {
			return false
		}
	}
	return true
}

// contains reports whether seq occurs anywhere in words.
func contains(words, seq []string) bool {
	for i := range words {
		if match(words[i:], seq) {
			return true
		}
	}
	return false
}

// findPhrases lists the dictionary's bureaucratic phrases found, each once,
// in the order they occur; a longer phrase hides the shorter ones inside it.
func findPhrases(d *dict, lower [][]string) []Phrase {
	var out []Phrase
	seen := map[string]bool{}
	for _, ws := range lower {
		for i := 0; i < len(ws); {
			n := 1
			for _, p := range d.phrases {
				if match(ws[i:], p.words) {
					if !seen[p.text] {
						seen[p.text] = true
						out = append(out, Phrase{Phrase: p.text, Plain: p.plain})
					}
					n = len(p.words)
					break
				}
			}
			i += n
		}
	}
	return out
}

// words returns the words of each sentence as written.
func words(sents []sentence) [][]string {
	out := make([][]string, len(sents))
	for i, s := range sents {
		for _, t := range s {
			if t.kind == kindWord {
				out[i] = append(out[i], t.text)
			}
		}
	}
	return out
}

var (
	itAdverb = map[string]bool{"già": true, "anche": true, "ancora": true, "sempre": true, "tutti": true, "tutte": true, "poi": true, "ora": true}
	enAdverb = map[string]bool{"not": true, "also": true, "now": true, "still": true, "all": true, "always": true, "never": true, "being": true, "currently": true, "temporarily": true}
	itReflex = map[string]bool{"si": true, "ci": true, "mi": true, "ti": true, "vi": true}
)

// findPassives lists impersonal forms from the dictionary (those not already
// inside a bureaucratic phrase found) and passives: a form of "essere",
// "venire" (Italian) or "to be", "get" (English), maybe "stato"/"been" and
// an adverb, then a past participle. After a bare "essere" a participle that
// usually reads as an adjective ("è chiusa") or belongs to a verb whose past
// takes "essere" ("è arrivato") does not count; after "venire" or "stato" it
// does. A reflexive pronoun before "essere" ("si è iscritto") rules it out.
func findPassives(d *dict, lang string, sents []sentence, lower [][]string, phrases []Phrase) []Form {
	var out []Form
	seen := map[string]bool{}
	add := func(text string, impersonal bool) {
		k := strings.ToLower(text)
		if !seen[k] {
			seen[k] = true
			out = append(out, Form{Text: text, Impersonal: impersonal})
		}
	}
	var inPhrase [][]string
	for _, p := range phrases {
		inPhrase = append(inPhrase, lowerWords(lang, p.Phrase))
	}
	orig := words(sents)
	adverb := enAdverb
	if lang == "it" {
		adverb = itAdverb
	}
	for si, ws := range lower {
		for i := range ws {
			for _, imp := range d.impersonal {
				if !match(ws[i:], imp) {
					continue
				}
				if !coveredBy(inPhrase, imp) {
					add(strings.Join(orig[si][i:i+len(imp)], " "), true)
					inPhrase = append(inPhrase, imp)
				}
			}
			aux := ws[i]
			if !d.be[aux] && !d.come[aux] {
				continue
			}
			if lang == "it" && i > 0 && itReflex[ws[i-1]] {
				continue
			}
			strong := d.come[aux]
			j := i + 1
			for k := 0; k < 3 && j < len(ws); k++ {
				w := ws[j]
				switch {
				case d.been[w] && (lang == "it" || j == i+1):
					strong = true
				case adverb[w] || (lang == "it" && strings.HasSuffix(w, "mente")) || (lang == "en" && strings.HasSuffix(w, "ly") && len(w) > 4):
				default:
					k = 3
					continue
				}
				j++
			}
			if j < len(ws) && participle(d, lang, ws[j], strong) && !coveredBy(inPhrase, ws[i:j+1]) {
				add(strings.Join(orig[si][i:j+1], " "), false)
			}
		}
	}
	return out
}

// coveredBy reports whether seq lies inside one of the phrases.
func coveredBy(phrases [][]string, seq []string) bool {
	for _, p := range phrases {
		if contains(p, seq) {
			return true
		}
	}
	return false
}

// participle reports whether w is a past participle that makes a passive;
// strong is true after "venire", "get" or "stato"/"been".
func participle(d *dict, lang, w string, strong bool) bool {
	if lang == "en" {
		if d.active[w] {
			return false
		}
		if d.participles[w] {
			return true
		}
		return len(w) >= 4 && strings.HasSuffix(w, "ed")
	}
	n := utf8.RuneCountInString(w)
	if n < 4 {
		return false
	}
	last := w[len(w)-1]
	if !strings.ContainsRune("oaie", rune(last)) {
		return false
	}
	stem := w[:len(w)-1]
	if d.participles[stem] || (strong && d.stative[stem]) {
		return true
	}
	if d.active[stem] {
		return false
	}
	return n >= 5 && (strings.HasSuffix(stem, "at") || strings.HasSuffix(stem, "ut") || strings.HasSuffix(stem, "it"))
}

var roman = regexp.MustCompile(`^[IVXLCDM]+$`)
var dotted = regexp.MustCompile(`^(\pL{1,3}[./])+\pL{1,3}$`)

// isCaps reports whether w is two to six capital letters.
func isCaps(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	return n >= 2 && n <= 6
}

// findAbbreviations lists abbreviations that are neither widely known nor
// explained in brackets ("ZTL (zona a traffico limitato)" or "zona a
// traffico limitato (ZTL)"): words of two to six capitals that are not part
// of a run of capitals (shouting), not Roman numerals, not ordinary words
// written in capitals; dotted abbreviations ("c.a.", "e.g."); and those in
// the dictionary's [abbrev] section.
func findAbbreviations(d *dict, sents []sentence, prose string) []string {
	var out []string
	seen := map[string]bool{}
	for _, ws := range words(sents) {
		for i, w := range ws {
			lw := strings.ToLower(w)
			found := false
			switch {
			case isCaps(w):
				run := (i > 0 && isCaps(ws[i-1])) || (i+1 < len(ws) && isCaps(ws[i+1]))
				found = !run && !d.known[w] && !roman.MatchString(w) && !d.shout[lw]
			case d.abbrev[lw] || dotted.MatchString(w):
				found = !d.known[strings.ToUpper(strings.NewReplacer(".", "", "/", "").Replace(w))]
			}
			if !found {
				continue
			}
			show := w
			if strings.Contains(w, ".") || d.nosplit[lw] {
				if strings.Contains(prose, w+".") {
					show = w + "."
				}
			}
			if seen[show] || explained(prose, w) {
				continue
			}
			seen[show] = true
			out = append(out, show)
		}
	}
	return out
}

// explained reports whether abbr is followed by a bracket, or stands in
// brackets, somewhere in prose.
func explained(prose, abbr string) bool {
	for i := 0; ; {
		k := strings.Index(prose[i:], abbr)
		if k < 0 {
			return false
		}
		at := i + k
		after := strings.TrimLeft(strings.TrimPrefix(prose[at+len(abbr):], "."), " ")
		before := strings.TrimRight(prose[:at], " ")
		if strings.HasPrefix(after, "(") || (strings.HasSuffix(before, "(") && strings.HasPrefix(after, ")")) {
			return true
		}
		i = at + len(abbr)
	}
}

var (
	timeRE  = regexp.MustCompile(`(?i)\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}/\d{1,2}\b|\b\d{1,2}\s?(am|pm)\b|\bh\s?\d{1,2}\b`)
	phoneRE = regexp.MustCompile(`\+?\d[\d .-]{6,}\d`)
)

// findMissing lists which of when, where and what to do the text does not
// say. When: a word of the dictionary's [when] section, a time or a date.
// Where: a [where] word, or a preposition of [at] followed by a capitalized
// name. What to do: a [do] phrase, a link, an e-mail address or a phone
// number.
func findMissing(d *dict, lower [][]string, sents []sentence, raw string, ex extras) []string {
	has := func(list [][]string) bool {
		for _, ws := range lower {
			for _, e := range list {
				if contains(ws, e) {
					return true
				}
			}
		}
		return false
	}
	var out []string
	if !has(d.when) && !timeRE.MatchString(raw) {
		out = append(out, When)
	}
	if !has(d.where) && !namedPlace(d, sents) {
		out = append(out, Where)
	}
	phone := false
	for _, m := range phoneRE.FindAllString(raw, -1) {
		digits := 0
		for _, r := range m {
			if unicode.IsDigit(r) {
				digits++
			}
		}
		if digits >= 8 {
			phone = true
		}
	}
	if !has(d.do) && ex.links == 0 && !phone {
		out = append(out, What)
	}
	return out
}

// namedPlace reports whether a preposition of place is followed by a
// capitalized word that is not a day, a month or a festivity, or a word
// such as "via" or "corso" by a name or a number.
func namedPlace(d *dict, sents []sentence) bool {
	whenWord := map[string]bool{}
	for _, e := range d.when {
		if len(e) == 1 {
			whenWord[e[0]] = true
		}
	}
	for _, ws := range words(sents) {
		for i := 0; i+1 < len(ws); i++ {
			next := ws[i+1]
			r, _ := utf8.DecodeRuneInString(next)
			lw := strings.ToLower(ws[i])
			if d.at[lw] && unicode.IsUpper(r) && !whenWord[strings.ToLower(next)] && next != "I" {
				return true
			}
			if d.whereNamed[lw] && (unicode.IsUpper(r) || unicode.IsDigit(r)) {
				return true
			}
		}
	}
	return false
}

// findHashtags lists hashtags of several words written all in lower case
// (or all in capitals). A tag counts as several words when it splits into
// pieces of which one is a word often glued into hashtags ([tagwords]) and
// the others are known words or of five letters or more (so "#shopping"
// stays one word), or one is a linking word ([joiners]) with three letters
// or more on each side, or when it has fifteen letters or more. Better is
// the CamelCase spelling when the split leaves at most one unknown piece.
func findHashtags(tags []string) []Hashtag {
	ds := dicts()
	vocab := map[string]int{} // 1 tag word, 2 joiner, 3 small word
	for _, x := range []*dict{ds["it"], ds["en"]} {
		for _, w := range x.small {
			vocab[w] = 3
		}
		for _, w := range x.joiners {
			vocab[w] = 2
		}
		for _, w := range x.tagwords {
			vocab[w] = 1
		}
	}
	var out []Hashtag
	seen := map[string]bool{}
	for _, tag := range tags {
		tag = strings.TrimRight(tag, "_")
		upper, lowerCase, other := 0, 0, false
		for i, r := range []rune(tag) {
			switch {
			case unicode.IsUpper(r):
				if i > 0 {
					upper++
				}
			case unicode.IsLower(r):
				lowerCase++
			default:
				other = true
			}
		}
		if (upper > 0 && lowerCase > 0) || other || seen[strings.ToLower(tag)] {
			continue // CamelCase, or digits and underscores: leave it
		}
		low := strings.ToLower(tag)
		pieces := segment(low, vocab)
		several := utf8.RuneCountInString(low) >= 15
		before := 0
		for i, p := range pieces {
			n := utf8.RuneCountInString(p)
			after := utf8.RuneCountInString(low) - before - n
			switch vocab[p] {
			case 1:
				several = several || (len(pieces) > 1 && unknownLong(pieces, vocab))
			case 2:
				several = several || (i > 0 && before >= 3 && after >= 3)
			}
			before += n
		}
		if !several {
			continue
		}
		seen[low] = true
		h := Hashtag{Tag: tag}
		unknown := 0
		for _, p := range pieces {
			if vocab[p] == 0 {
				unknown++
			}
		}
		if len(pieces) > 1 && unknown <= 1 {
			var b strings.Builder
			for _, p := range pieces {
				r, size := utf8.DecodeRuneInString(p)
				b.WriteRune(unicode.ToUpper(r))
				b.WriteString(p[size:])
			}
			h.Better = b.String()
		}
		out = append(out, h)
	}
	return out
}

// segment splits s into known words and unknown pieces of four letters or
// more, preferring the split with the fewest unknown letters, then the
// fewest pieces. It returns s whole when nothing better is found.
func segment(s string, vocab map[string]int) []string {
	rs := []rune(s)
	n := len(rs)
	type best struct {
		cost int
		prev int
		ok   bool
	}
	dp := make([]best, n+1)
	dp[0] = best{ok: true}
	for i := 0; i < n; i++ {
		if !dp[i].ok {
			continue
		}
		for j := i + 1; j <= n; j++ {
			piece := string(rs[i:j])
			cost := 1
			if vocab[piece] == 0 {
				if j-i < 4 {
					continue
				}
				cost += 10 * (j - i)
			}
			c := dp[i].cost + cost
			if !dp[j].ok || c < dp[j].cost {
				dp[j] = best{cost: c, prev: i, ok: true}
			}
		}
	}
	if !dp[n].ok {
		return []string{s}
	}
	var pieces []string
	for j := n; j > 0; j = dp[j].prev {
		pieces = append([]string{string(rs[dp[j].prev:j])}, pieces...)
	}
	return pieces
}

// findEmojiWords lists emoji that stand for a word: those right after a
// function word or a number ("ci vediamo in 🏠", "I ❤️ Venice", "due 🥐"),
// where a noun or a verb should be.
func findEmojiWords(d *dict, sents []sentence) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range sents {
		for i := 1; i < len(s); i++ {
			if s[i].kind != kindEmoji || s[i-1].kind != kindWord {
				continue
			}
			prev := strings.ToLower(s[i-1].text)
			if (d.function[prev] || strings.Trim(prev, "0123456789") == "") && !seen[s[i].text] {
				seen[s[i].text] = true
				out = append(out, s[i].text)
			}
		}
	}
	return out
}

// unknownLong reports whether every piece not in vocab has five letters or
// more.
func unknownLong(pieces []string, vocab map[string]int) bool {
	for _, p := range pieces {
		if vocab[p] == 0 && utf8.RuneCountInString(p) < 5 {
			return false
		}
	}
	return true
}
