// Package plain owns the plain-language checker: it reads a text written
// for the public (a post, a chat reply, a notice) and says how easy it is
// to read and what to change. It knows Italian and English; it imports
// nothing of the bot, so the chat, the drills and the web console share it.
//
// # API
//
//	r := plain.Check("it", text)
//
// Check never fails: an empty text gives a Report with Verdict Empty. lang
// is the learner's language ("it", "en", "it-IT"); for any other language,
// and whenever the text is plainly written in the other one of the two,
// the language is guessed from the text's function words (English when
// nothing tells). Report.Lang says which language was checked.
//
// The Report carries:
//
//   - the readability index and its name (IndexName): for Italian the
//     Gulpease index, 89 + (300 × sentences − 10 × letters) / words; for
//     English the Flesch reading ease, 206.835 − 1.015 × words / sentences −
//     84.6 × syllables / words. Index is the formula's value, unrounded and
//     not clamped; Score gives it rounded into 0–100 for display. Higher
//     is easier for both.
//   - the counts behind it: Letters (letters only, no digits), Words
//     (tokens with a letter or a digit; "12:30" is one word; in Italian an
//     apostrophe separates words, "dell'acqua" is two), Sentences (ended by
//     . ! ? … or a line break) and, for English, Syllables (vowel groups,
//     see syllables). Links, e-mail addresses, @mentions and hashtags are
//     left out of the counts; emoji are not words.
//   - the findings: sentences over 25 words (Long), bureaucratic phrases
//     from the embedded dictionary dict/<lang>.txt with a plainer wording
//     (Phrases), passive and impersonal forms (Passives), abbreviations
//     neither widely known nor explained in brackets (Abbreviations), the
//     essentials a post lacks, when, where and what to do (Missing; only
//     for texts of at least MinPostWords words), hashtags of several words
//     not written in CamelCase (Hashtags), emoji standing for a word
//     (EmojiWords).
//   - Verdict: Good, Fair or Hard, the worse of what the index says and
//     what the findings weigh (see Verdict).
//   - Suggestions: at most five, most useful first, as message ids (the
//     Msg constants) with arguments, for the caller to render in the
//     learner's language. Arguments quote the text or the dictionary, so
//     they stay in the text's language.
//
// A Report marshals to JSON as it is, for the web console.
package plain

import (
	"math"
	"strings"
	"unicode"
)

// Index names.
const (
	Gulpease = "Gulpease"
	Flesch   = "Flesch"
)

// LongSentence is the number of words above which a sentence is long.
const LongSentence = 25

// MinWords is the fewest words a text must have for its readability to
// mean something: "ok" or "asdf qwerty" is no text to judge.
const MinWords = 3

// MinPostWords is the length from which a text is treated as a post that
// must say when, where and what to do.
const MinPostWords = 8

// LongPost is the number of words above which a text is long for a social
// media post: three or four lines with the news and what to do, the rest
// on a web page behind a link.
const LongPost = 120

// MaxSuggestions bounds Report.Suggestions.
const MaxSuggestions = 5

// MaxText is the longest text, in characters, that the chat and the web
// console ask Check to read: a long post, not a document. Check itself
// reads any length.
const MaxText = 3000

// Verdict is the overall judgement.
type Verdict string

// Verdicts.
const (
	Good  Verdict = "good"
	Fair  Verdict = "fair"
	Hard  Verdict = "hard"
	Empty Verdict = "empty" // no words to judge
	// Other is a text in neither Italian nor English, which the
	// checker's dictionaries and indexes do not fit: it is not judged.
	Other Verdict = "other"
)

// Essentials a post may lack.
const (
	When  = "when"
	Where = "where"
	What  = "what" // what the reader should do
)

// Suggestion message ids, with the arguments each one carries.
const (
	MsgLong       = "plain_long"        // Words (int), Start (first words of the sentence)
	MsgPhrase     = "plain_phrase"      // Phrase, Plain (the plainer wording)
	MsgPhraseDrop = "plain_phrase_drop" // Phrase: drop it and say the thing directly
	MsgPassive    = "plain_passive"     // Form ("è stata chiusa")
	MsgImpersonal = "plain_impersonal"  // Form ("si comunica")
	MsgAbbr       = "plain_abbr"        // Abbr
	MsgWhen       = "plain_when"        // no arguments
	MsgWhere      = "plain_where"       // no arguments
	MsgWhat       = "plain_what"        // no arguments
	MsgHashtag    = "plain_hashtag"     // Tag ("#comunedimilano"), Better ("#ComuneDiMilano" or "")
	MsgEmoji      = "plain_emoji"       // Emoji
	MsgWords      = "plain_words"       // Index (int, 0–100), Name: shorter, everyday words
	MsgLongPost   = "plain_long_post"   // Words (int): the text is long for a post
)

// Report is what Check found in a text.
type Report struct {
	Lang      string  `json:"lang"`
	IndexName string  `json:"index_name"`
	Index     float64 `json:"index"`
	Letters   int     `json:"letters"`
	Syllables int     `json:"syllables,omitempty"`
	Words     int     `json:"words"`
	Sentences int     `json:"sentences"`

	Long          []Sentence `json:"long,omitempty"`
	Phrases       []Phrase   `json:"phrases,omitempty"`
	Passives      []Form     `json:"passives,omitempty"`
	Abbreviations []string   `json:"abbreviations,omitempty"`
	Missing       []string   `json:"missing,omitempty"`
	Hashtags      []Hashtag  `json:"hashtags,omitempty"`
	EmojiWords    []string   `json:"emoji_words,omitempty"`

	Verdict     Verdict      `json:"verdict"`
	Suggestions []Suggestion `json:"suggestions,omitempty"`
}

// Sentence is a long sentence: its length and its first words.
type Sentence struct {
	Words int    `json:"words"`
	Start string `json:"start"`
}

// Phrase is a bureaucratic phrase found, as the dictionary spells it, and
// its plainer wording ("" when it is best dropped).
type Phrase struct {
	Phrase string `json:"phrase"`
	Plain  string `json:"plain,omitempty"`
}

// Form is a passive or impersonal form, as written in the text.
type Form struct {
	Text       string `json:"text"`
	Impersonal bool   `json:"impersonal,omitempty"`
}

// Hashtag is a hashtag of several words not written in CamelCase; Better
// is its CamelCase spelling when the words could be told apart.
type Hashtag struct {
	Tag    string `json:"tag"`
	Better string `json:"better,omitempty"`
}

// Suggestion is one concrete piece of advice, as a message id (one of the
// Msg constants) and its template arguments.
type Suggestion struct {
	ID   string         `json:"id"`
	Args map[string]any `json:"args,omitempty"`
}

// Score is the index rounded and clamped to 0–100, for display.
func (r Report) Score() int {
	return int(math.Round(math.Max(0, math.Min(100, r.Index))))
}

// Problems is the number of findings, all kinds together.
func (r Report) Problems() int {
	return len(r.Long) + len(r.Phrases) + len(r.Passives) + len(r.Abbreviations) +
		len(r.Missing) + len(r.Hashtags) + len(r.EmojiWords)
}

// Check reads text as written in lang and reports how plain it is.
func Check(lang, text string) Report {
	prose, ex := cut(strings.ReplaceAll(text, "\r\n", "\n"))
	lang = pickLang(lang, prose)
	d := dicts()[lang]
	sents := split(lang, prose, d)
	r := Report{Lang: lang}
	measure(&r, sents)
	if r.Words == 0 {
		r.Verdict = Empty
		return r
	}
	if foreign(prose) {
		r.Verdict = Other
		return r
	}
	rs := []rune(prose)
	for _, s := range sents {
		if n := s.words(); n > LongSentence {
			r.Long = append(r.Long, Sentence{Words: n, Start: start(rs, s, 6)})
		}
	}
	lower := lowered(sents)
	r.Phrases = findPhrases(d, lower)
	r.Passives = findPassives(d, lang, sents, lower, r.Phrases)
	r.Abbreviations = findAbbreviations(d, sents, prose)
	if r.Words >= MinPostWords {
		r.Missing = findMissing(d, lower, sents, text, ex)
	}
	r.Hashtags = findHashtags(ex.hashtags)
	r.EmojiWords = findEmojiWords(d, sents)
	r.Verdict = verdict(r)
	r.Suggestions = suggest(r)
	return r
}

// foreign reports whether prose is plainly in another language than
// Italian and English: of eight words or more, hardly any is one of their
// function words (articles, prepositions, pronouns), which make a third
// or more of ordinary prose, and a tenth even of a terse notice.
func foreign(prose string) bool {
	ds := dicts()
	var words, known int
	for _, w := range strings.FieldsFunc(strings.ToLower(prose), func(r rune) bool { return !unicode.IsLetter(r) }) {
		words++
		if ds["it"].function[w] || ds["en"].function[w] {
			known++
		}
	}
	return words >= 8 && known*10 < words
}

// pickLang normalizes lang to "it" or "en": the caller's language unless
// the text is plainly in the other one, the text's own language for any
// other caller language.
func pickLang(lang, prose string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-")), "-")
	it, en := 0, 0
	ds := dicts()
	for _, w := range strings.FieldsFunc(strings.ToLower(prose), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if ds["it"].function[w] {
			it++
		}
		if ds["en"].function[w] {
			en++
		}
	}
	switch base {
	case "it":
		if en >= 3 && en > 2*it {
			return "en"
		}
		return "it"
	case "en":
		if it >= 3 && it > 2*en {
			return "it"
		}
		return "en"
	}
	if it > en {
		return "it"
	}
	return "en"
}

// measure fills the counts and the index.
func measure(r *Report, sents []sentence) {
	for _, s := range sents {
		words := false
		for _, t := range s {
			if t.kind != kindWord {
				continue
			}
			words = true
			r.Words++
			for _, c := range t.text {
				if unicode.IsLetter(c) {
					r.Letters++
				}
			}
			if r.Lang == "en" {
				r.Syllables += syllables(t.text)
			}
		}
		if words {
			r.Sentences++
		}
	}
	if r.Lang == "en" {
		r.IndexName = Flesch
	} else {
		r.IndexName = Gulpease
	}
	if r.Words == 0 {
		return
	}
	w, s := float64(r.Words), float64(r.Sentences)
	if r.Lang == "en" {
		r.Index = 206.835 - 1.015*w/s - 84.6*float64(r.Syllables)/w
	} else {
		r.Index = 89 + (300*s-10*float64(r.Letters))/w
	}
}

// syllables estimates the syllables of an English word: a word of three
// letters or fewer has one; otherwise a silent final "e" (not "le"), a
// final "ed" (not after t or d) and a final "es" (not after s, x, z, h
// or l) are dropped, a leading "y" is a consonant, and each group of
// vowels (a e i o u y) is a syllable, at least one. A number is one
// syllable.
func syllables(word string) int {
	var b strings.Builder
	for _, c := range strings.ToLower(word) {
		if c >= 'a' && c <= 'z' {
			b.WriteRune(c)
		}
	}
	w := b.String()
	if len(w) <= 3 {
		return 1
	}
	vowel := func(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }
	switch {
	case strings.HasSuffix(w, "ed") && !strings.ContainsRune("td", rune(w[len(w)-3])):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "es") && !strings.ContainsRune("sxzhl", rune(w[len(w)-3])):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "le") && !vowel(w[len(w)-2]):
		w = w[:len(w)-1]
	}
	w = strings.TrimPrefix(w, "y")
	n := 0
	prev := false
	for i := 0; i < len(w); i++ {
		v := vowel(w[i])
		if v && !prev {
			n++
		}
		prev = v
	}
	return max(n, 1)
}

// start quotes the first n words of s as written in prose (runes), with an
// ellipsis if there are more.
func start(prose []rune, s sentence, n int) string {
	first, last, count := -1, -1, 0
	for _, t := range s {
		if t.kind != kindWord {
			continue
		}
		count++
		if first < 0 {
			first = t.pos
		}
		if count <= n {
			last = t.end
		}
	}
	if first < 0 {
		return ""
	}
	// Finish the last word as written ("dell'ordinanza", not "dell").
	for last < len(prose) && !unicode.IsSpace(prose[last]) {
		last++
	}
	q := strings.Join(strings.Fields(string(prose[first:last])), " ")
	q = strings.TrimRight(q, ",;:")
	if count > n {
		q += "…"
	}
	return q
}

// lowered is, per sentence, its words in lower case.
func lowered(sents []sentence) [][]string {
	out := make([][]string, len(sents))
	for i, s := range sents {
		for _, t := range s {
			if t.kind == kindWord {
				out[i] = append(out[i], strings.ToLower(t.text))
			}
		}
	}
	return out
}

// verdict weighs the findings (two points for a long sentence or a
// bureaucratic phrase, one for any other finding) and takes the worse of
// two judgements: by index (Gulpease or Flesch: 60 and above good, 40 to
// 60 fair, below 40 hard) and by weight (0–1 good, 2–4 fair, 5 and more
// hard).
func verdict(r Report) Verdict {
	byIndex := Good
	switch {
	case r.Index < 40:
		byIndex = Hard
	case r.Index < 60:
		byIndex = Fair
	}
	w := 2*len(r.Long) + 2*len(r.Phrases) + len(r.Passives) + len(r.Abbreviations) +
		len(r.Missing) + len(r.Hashtags) + len(r.EmojiWords)
	byWeight := Good
	switch {
	case w >= 5:
		byWeight = Hard
	case w >= 2:
		byWeight = Fair
	}
	if byIndex == Hard || byWeight == Hard {
		return Hard
	}
	if byIndex == Fair || byWeight == Fair {
		return Fair
	}
	return Good
}

// suggest picks at most MaxSuggestions suggestions: the first finding of
// each kind in order of usefulness, then the second of each kind, and so
// on, so that one kind of problem does not hide the others.
func suggest(r Report) []Suggestion {
	var kinds [][]Suggestion
	if r.Words > LongPost {
		kinds = append(kinds, []Suggestion{{ID: MsgLongPost, Args: map[string]any{"Words": r.Words}}})
	}
	var long []Suggestion
	for _, s := range r.Long {
		long = append(long, Suggestion{ID: MsgLong, Args: map[string]any{"Words": s.Words, "Start": s.Start}})
	}
	if len(long) == 0 && r.Index < 60 {
		long = append(long, Suggestion{ID: MsgWords, Args: map[string]any{"Index": r.Score(), "Name": r.IndexName}})
	}
	kinds = append(kinds, long)
	var ph []Suggestion
	for _, p := range r.Phrases {
		if p.Plain == "" {
			ph = append(ph, Suggestion{ID: MsgPhraseDrop, Args: map[string]any{"Phrase": p.Phrase}})
		} else {
			ph = append(ph, Suggestion{ID: MsgPhrase, Args: map[string]any{"Phrase": p.Phrase, "Plain": p.Plain}})
		}
	}
	kinds = append(kinds, ph)
	var miss []Suggestion
	for _, m := range r.Missing {
		id := map[string]string{When: MsgWhen, Where: MsgWhere, What: MsgWhat}[m]
		miss = append(miss, Suggestion{ID: id})
	}
	kinds = append(kinds, miss)
	var pa []Suggestion
	for _, f := range r.Passives {
		id := MsgPassive
		if f.Impersonal {
			id = MsgImpersonal
		}
		pa = append(pa, Suggestion{ID: id, Args: map[string]any{"Form": f.Text}})
	}
	kinds = append(kinds, pa)
	var ab []Suggestion
	for _, a := range r.Abbreviations {
		ab = append(ab, Suggestion{ID: MsgAbbr, Args: map[string]any{"Abbr": a}})
	}
	kinds = append(kinds, ab)
	var ht []Suggestion
	for _, h := range r.Hashtags {
		ht = append(ht, Suggestion{ID: MsgHashtag, Args: map[string]any{"Tag": "#" + h.Tag, "Better": better(h)}})
	}
	kinds = append(kinds, ht)
	var em []Suggestion
	for _, e := range r.EmojiWords {
		em = append(em, Suggestion{ID: MsgEmoji, Args: map[string]any{"Emoji": e}})
	}
	kinds = append(kinds, em)
	var out []Suggestion
	for round := 0; len(out) < MaxSuggestions; round++ {
		added := false
		for _, k := range kinds {
			if round < len(k) && len(out) < MaxSuggestions {
				out = append(out, k[round])
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}

func better(h Hashtag) string {
	if h.Better == "" {
		return ""
	}
	return "#" + h.Better
}
