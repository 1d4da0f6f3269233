// Package drill owns the crisis drills' rules that run outside the chat flows: scoring an
// answer against its task's rubric (without a language model), the short feedback a
// model may add to that score (never another score), and the loop that delivers a
// drill's timed events when they are due.
package drill

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/plain"
)

// Verdicts of an answer.
const (
	Good   = "good"   // score >= GoodScore and nothing forbidden
	Fair   = "fair"   // score >= FairScore and nothing forbidden
	Poor   = "poor"   // below FairScore
	Unsafe = "unsafe" // says something it must not: not to be published as it is
	Missed = "missed" // no answer in time
)

// Score thresholds and weights, out of 100.
const (
	GoodScore = 80
	FairScore = 50

	elementsWeight = 70
	lengthWeight   = 15
	plainWeight    = 15
	// flagPenalty is taken off for each thing said that must not be.
	flagPenalty = 20
)

// Plain is what the plain-language check says of a text.
type Plain struct {
	IndexName string  `json:"index_name"` // Gulpease or Flesch
	Index     float64 `json:"index"`
	Long      int     `json:"long"`    // sentences over 25 words
	Phrases   int     `json:"phrases"` // bureaucratic phrases
	// Points is out of 15.
	Points int `json:"points"`
	// Other: the text is in a language the checker does not read (neither
	// Italian nor English); plain language is left out of its score.
	Other bool `json:"other,omitempty"`
}

// PlainFunc checks a text's plain language (CheckPlain); nil leaves plain language out
// of the score.
type PlainFunc func(lang, text string) Plain

// Flag is something an answer must not say, found in it.
type Flag struct {
	Kind string `json:"kind"` // phone, email, taxcode, health, figure, or a rubric's own id
	Text string `json:"text"` // what was found
}

// Flag kinds that every answer is checked for.
const (
	FlagPhone   = "phone"
	FlagEmail   = "email"
	FlagTaxCode = "taxcode"
	FlagHealth  = "health"
	FlagFigure  = "figure"
)

// Result is an answer's score and why.
type Result struct {
	Score   int    `json:"score"` // 0 to 100
	Verdict string `json:"verdict"`
	// Found and Missing are the rubric's element ids, in the rubric's order.
	Found   []string `json:"found,omitempty"`
	Missing []string `json:"missing,omitempty"`
	// Pending are the elements lacking from an answer sent before the news
	// that brings them had arrived: they count neither way (see Pending).
	Pending []string `json:"pending,omitempty"`
	Chars   int      `json:"chars"`
	// Length is "ok", "short" or "long" for the channel.
	Length   string `json:"length"`
	MinChars int    `json:"min_chars"`
	MaxChars int    `json:"max_chars"`
	Plain    *Plain `json:"plain,omitempty"`
	Flags    []Flag `json:"flags,omitempty"`
}

// Has reports whether the answer had the element.
func (r Result) Has(id string) bool { return slices.Contains(r.Found, id) }

// Lacks reports whether the answer lacked the element when it was due.
func (r Result) Lacks(id string) bool { return slices.Contains(r.Missing, id) }

// Pending returns the ids of the elements of t whose facts only the events
// after elapsed bring: an element none of whose patterns matches the
// scenario or an event that has arrived, but some later event's text does.
// An element no scenario or event names (what to do, whom to call, in the
// learner's own words) is always due.
func Pending(d *content.Drill, t *content.DrillTask, lang string, elapsed time.Duration) []string {
	lang = matchLang(d, lang)
	var out []string
	for _, e := range t.Rubric.Elements {
		if matches(e.Match[lang], d.Scenario[lang]) != "" {
			continue
		}
		known, later := false, false
		for _, ev := range t.Events {
			if matches(e.Match[lang], ev.Text[lang]) == "" {
				continue
			}
			if ev.At <= elapsed {
				known = true
			} else {
				later = true
			}
		}
		if later && !known {
			out = append(out, e.ID)
		}
	}
	return out
}

// Score scores an answer written in lang to a task of d, sent elapsed after the task
// began, by the task's rubric: the elements it has (70 points, shared by their points;
// one whose news had not arrived counts only if the answer has it), its length for the
// channel (15) and plain language (15 times the share of the elements' points it has,
// when plain is not nil and reads the text's language; otherwise the rest is scaled
// to 100), less 20 for each thing it must not say. Anything forbidden makes it unsafe,
// whatever its score.
func Score(d *content.Drill, t *content.DrillTask, lang, text string, elapsed time.Duration, plain PlainFunc) Result {
	text = strings.TrimSpace(text)
	r := Result{Chars: utf8.RuneCountInString(text)}
	r.MinChars, r.MaxChars = lengthFor(t)
	if text == "" {
		r.Verdict, r.Length = Missed, "short"
		for _, e := range t.Rubric.Elements {
			r.Missing = append(r.Missing, e.ID)
		}
		return r
	}
	pending := Pending(d, t, lang, elapsed)
	lang = matchLang(d, lang)
	got, total := 0, 0
	for _, e := range t.Rubric.Elements {
		switch {
		case affirms(e.Match[lang], text, !denies(e.Name)):
			total += e.Points
			got += e.Points
			r.Found = append(r.Found, e.ID)
		case slices.Contains(pending, e.ID):
			r.Pending = append(r.Pending, e.ID)
		default:
			total += e.Points
			r.Missing = append(r.Missing, e.ID)
		}
	}
	points, share := 0.0, 0.0
	if total > 0 {
		share = float64(got) / float64(total)
		points = elementsWeight * share
	}
	switch {
	case r.Chars < r.MinChars:
		r.Length = "short"
		if r.Chars*2 >= r.MinChars {
			points += lengthWeight / 2
		}
	case r.Chars > r.MaxChars:
		r.Length = "long"
		if r.Chars*2 <= r.MaxChars*3 {
			points += lengthWeight / 2
		}
	default:
		r.Length = "ok"
		points += lengthWeight
	}
	r.Flags = Forbidden(d, t, lang, text)
	outOf := float64(elementsWeight + lengthWeight)
	if plain != nil {
		// A text that says little is easy to read: plain language counts in
		// the measure of what the answer says.
		p := plain(lang, text)
		r.Plain = &p
		if !p.Other {
			points += float64(p.Points) * share
			outOf += plainWeight
		}
	}
	r.Score = max(0, int(100*points/outOf+0.5)-flagPenalty*len(r.Flags))
	switch {
	case len(r.Flags) > 0:
		r.Verdict = Unsafe
	case r.Score >= GoodScore:
		r.Verdict = Good
	case r.Score >= FairScore:
		r.Verdict = Fair
	default:
		r.Verdict = Poor
	}
	return r
}

// lengthFor is the length range of a task's answer: the rubric's, else the channel's.
func lengthFor(t *content.DrillTask) (lo, hi int) {
	lo, hi, _ = content.ChannelLength(t.Channel)
	if t.Rubric.MinChars > 0 {
		lo = t.Rubric.MinChars
	}
	if t.Rubric.MaxChars > 0 {
		hi = t.Rubric.MaxChars
	}
	return lo, hi
}

// matchLang is the locale whose patterns score an answer in lang: lang if the drill is
// written in it, else English for non-Italian speakers, else the drill's first locale.
func matchLang(d *content.Drill, lang string) string {
	switch {
	case slices.Contains(d.Locales, lang):
		return lang
	case lang != "it" && slices.Contains(d.Locales, "en"):
		return "en"
	case len(d.Locales) > 0:
		return d.Locales[0]
	}
	return lang
}

// matches returns the text of the first pattern that matches, or "". The validator
// rejects patterns that do not compile.
func matches(patterns []string, text string) string {
	for _, p := range patterns {
		re, err := content.MatchPattern(p)
		if err != nil {
			continue
		}
		if m := re.FindString(text); m != "" {
			return m
		}
	}
	return ""
}

// affirms reports whether a pattern matches text, with strict other than
// right after a negation: "l'acqua NON è potabile" does not say the water
// is safe. An element that is itself a denial ("no shuttle buses") is
// said by a negation: it is not strict.
func affirms(patterns []string, text string, strict bool) bool {
	for _, p := range patterns {
		re, err := content.MatchPattern(p)
		if err != nil {
			continue
		}
		for _, loc := range re.FindAllStringIndex(text, -1) {
			if !strict || !negated(text[:loc[0]]) {
				return true
			}
		}
	}
	return false
}

// denies reports whether an element's name, in any language, has a
// negation: what it asks for is that something is not so.
func denies(name content.Text) bool {
	for _, n := range name {
		for _, w := range strings.Fields(strings.ToLower(n)) {
			if negations[strings.Trim(w, "'’\"«»“”:,.")] {
				return true
			}
		}
	}
	return false
}

// negations are the words that, among the two before a match, deny it.
var negations = map[string]bool{
	"non": true, "not": true, "no": true, "isn't": true, "aren't": true, "never": true, "mai": true,
	"nicht": true, "kein": true, "keine": true, "keinen": true, "keinem": true, "keiner": true, "niemals": true,
	"nie": true, "nigdy": true, "pas": true, "ne": true, "n'est": true, "jamais": true, "nunca": true,
}

// negated reports whether one of the last two words of before is a
// negation, within its clause.
func negated(before string) bool {
	if i := strings.LastIndexAny(before, ".,;:!?\n"); i >= 0 {
		before = before[i+1:]
	}
	ws := strings.Fields(strings.ToLower(before))
	for _, w := range ws[max(0, len(ws)-2):] {
		if negations[strings.Trim(w, "'’\"«»“”")] {
			return true
		}
	}
	return false
}

var (
	// A phone number: 6 to 13 digits, maybe with +39, spaces, dots or dashes.
	phoneRe = regexp.MustCompile(`(?:\+\d{2}[ .-]?)?\d(?:[ .-]?\d){5,12}`)
	dateRe  = regexp.MustCompile(`^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$`)
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+`)
	// The Italian tax code: 6 letters, 2 digits, a month letter, 2 digits, a letter,
	// 3 digits, a check letter.
	taxCodeRe = regexp.MustCompile(`(?i)\b[a-z]{6}\d{2}[abcdehlmprst]\d{2}[a-z]\d{3}[a-z]\b`)
)

// emergencyNumbers may always be written: 112 and the other public emergency lines.
var emergencyNumbers = []string{"112", "113", "115", "118", "1515", "1530"}

// Forbidden returns what the answer must not say: phone numbers and e-mail addresses
// other than the drill's official ones, a tax code, a private person's health in a
// public text, figures about people that no official source gave, and the rubric's own
// forbidden content.
func Forbidden(d *content.Drill, t *content.DrillTask, lang, text string) []Flag {
	var flags []Flag
	official := map[string]bool{}
	for _, o := range d.Official {
		official[digits(o)] = true
		official[strings.ToLower(o)] = true
	}
	for _, m := range phoneRe.FindAllString(text, -1) {
		m = strings.TrimSpace(m)
		n := strings.TrimPrefix(digits(m), "39")
		if dateRe.MatchString(m) || official[digits(m)] || official[n] || slices.Contains(emergencyNumbers, digits(m)) {
			continue
		}
		if len(digits(m)) >= 6 {
			flags = append(flags, Flag{Kind: FlagPhone, Text: m})
		}
	}
	for _, m := range emailRe.FindAllString(text, -1) {
		if !official[strings.ToLower(m)] {
			flags = append(flags, Flag{Kind: FlagEmail, Text: m})
		}
	}
	for _, m := range taxCodeRe.FindAllString(text, -1) {
		flags = append(flags, Flag{Kind: FlagTaxCode, Text: m})
	}
	if re := healthRe[lang]; re != nil && t.Channel != content.ChannelPrivate {
		// A private message may speak of the health of the person it answers; a
		// public text may not.
		if m := re.FindString(text); m != "" {
			flags = append(flags, Flag{Kind: FlagHealth, Text: trimmed(m)})
		}
	}
	if re := figureRe[lang]; re != nil {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			if !official[strings.ToLower(m[1])] {
				flags = append(flags, Flag{Kind: FlagFigure, Text: trimmed(m[0])})
			}
		}
	}
	for _, e := range t.Rubric.Forbidden {
		if m := matches(e.Match[lang], text); m != "" {
			// The rubric names this figure or fact better than the
			// general check: said once, by the rubric.
			flags = slices.DeleteFunc(flags, func(f Flag) bool { return f.Kind == FlagFigure && strings.Contains(f.Text, m) })
			flags = append(flags, Flag{Kind: e.ID, Text: m})
		}
	}
	slices.SortStableFunc(flags, func(a, b Flag) int {
		return cmp.Compare(strings.Index(text, a.Text), strings.Index(text, b.Text))
	})
	return slices.CompactFunc(flags, func(a, b Flag) bool { return a == b })
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CheckPlain scores a text's plain language with the plain-language checker: 15 points
// for plain.Good, 8 for plain.Fair, none for plain.Hard. A text written in lang other
// than Italian or English, or that the checker finds is in neither, is Other.
func CheckPlain(lang, text string) Plain {
	if lang != "it" && lang != "en" {
		// Written in the drill's other language: a Spanish answer has
		// enough Italian-looking words to be misread as Italian.
		return Plain{Other: true}
	}
	r := plain.Check(lang, text)
	p := Plain{IndexName: r.IndexName, Index: float64(r.Score()), Long: len(r.Long), Phrases: len(r.Phrases), Other: r.Verdict == plain.Other}
	switch r.Verdict {
	case plain.Good:
		p.Points = plainWeight
	case plain.Fair:
		p.Points = 8
	}
	return p
}
