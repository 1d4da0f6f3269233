package assistant

import (
	"strings"
	"unicode"
)

// A learner's question often says who they are before what they ask: "ho
// una bottega di ceramiche a Faenza, come metto gli orari di Natale su
// Google?". The clause that asks (it ends in a question mark or, in a
// question without one, holds a question word) says what the answer must
// be about; the others give its context. The sentences quoted are ranked by the asking clause's words
// first.

// askWeight is how much a word of the asking clause counts in a sentence's
// score, relative to a word of the context.
const askWeight = 2.0

// questionWords are the folded words that make a clause a question, in the
// languages learners write in.
var questionWords = setOf(
	// Italian
	"come", "cosa", "quanto", "quanta", "quanti", "quante", "quale", "quali", "perche", "dove", "quando",
	"posso", "devo", "conviene", "bisogna", "serve",
	// English
	"how", "what", "which", "why", "when", "where", "should", "can", "could", "do", "does", "is", "are",
	// Spanish
	"como", "que", "cual", "cuanto", "cuanta", "donde", "cuando", "puedo", "debo", "hay",
	// French
	"comment", "quoi", "quel", "quelle", "pourquoi", "ou", "combien", "dois", "peux", "faut",
	// German
	"wie", "was", "welche", "welcher", "warum", "wo", "wann", "kann", "soll", "sollen", "muss",
	// Polish
	"jak", "co", "czy", "ile", "gdzie", "kiedy", "dlaczego", "jaki", "jaka", "jakie",
)

// functionWords are frequent Italian and English words of four letters or
// more that tell nothing of what a sentence is about.
var functionWords = setOf(
	"della", "delle", "dello", "degli", "dalla", "dalle", "dallo", "dagli", "nella", "nelle", "nello", "negli",
	"sulla", "sulle", "sullo", "sugli", "alla", "alle", "allo", "agli", "questo", "questa", "questi", "queste",
	"quello", "quella", "quelli", "quelle", "sono", "anche", "ancora", "tutto", "tutti", "tutte", "tutta", "molto",
	"essere", "stato", "stata", "hanno", "abbiamo", "siamo", "sempre", "oppure", "mentre", "dopo", "prima",
	"senza", "ogni", "nostro", "nostra", "nostri", "nostre", "vostro", "vostra", "loro", "mio", "mia", "miei",
	"this", "that", "these", "those", "with", "from", "have", "been", "your", "they", "them", "their", "there",
	"then", "than", "into", "about", "just", "also", "some", "more", "most", "very", "what", "will", "would",
	"only", "even", "really", "every", "other",
)

func setOf(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// askWeights returns the weight of each stem of q (those of question read
// in lang): askWeight for the stems of the clause that asks, 1 for the
// others. When every clause asks, or none does, all weigh 1.
func askWeights(question, lang string, q map[string]bool) map[string]float64 {
	out := make(map[string]float64, len(q))
	for w := range q {
		out[w] = 1
	}
	for _, c := range askingClauses(question) {
		for _, w := range queryWords(c, lang, maxQueryWords) {
			if s := stem(w); q[s] {
				out[s] = askWeight
			}
		}
	}
	return out
}

// askingClauses returns the clauses of question that ask, when some of
// them do and others do not: a question mark tells best, question words
// when there is none.
func askingClauses(question string) []string {
	cs := clauses(question)
	var asking []string
	for _, c := range cs {
		if c.end == '?' {
			asking = append(asking, c.text)
		}
	}
	if len(asking) == 0 {
		for _, c := range cs {
			if asksWord(c.text) {
				asking = append(asking, c.text)
			}
		}
	}
	if len(asking) == len(cs) {
		return nil
	}
	return asking
}

type clause struct {
	text string
	end  rune // the punctuation that ends it, 0 at the end of the text
}

// clauses cuts question at its punctuation and line breaks.
func clauses(question string) []clause {
	var out []clause
	var b strings.Builder
	flush := func(end rune) {
		if t := strings.TrimSpace(b.String()); t != "" {
			out = append(out, clause{text: t, end: end})
		}
		b.Reset()
	}
	for _, r := range question {
		if r == '\n' || strings.ContainsRune(".,;:!?()«»\"", r) {
			flush(r)
			continue
		}
		b.WriteRune(r)
	}
	flush(0)
	return out
}

// asksWord reports whether clause holds a question word.
func asksWord(clause string) bool {
	for _, w := range words(clause) {
		if questionWords[w] {
			return true
		}
	}
	return false
}

// Two questions in one message ("come rispondo a una recensione negativa?
// e quanto spesso devo postare?") get an answer each, in the order asked:
// one answer would quote the lessons on one of them only. The context said
// before the first ("ho una bottega a Faenza, …") goes with it.
const (
	// maxAsked is the most questions of a message answered apart.
	maxAsked = 3
	// minAskedApart is the fewest words a question needs, past its
	// opening "e", "and", to be answered apart: "e quanto costa?", "e
	// se sbaglio?" ask about the question before them, and are answered
	// with it.
	minAskedApart = 4
)

// splitAsked returns the questions of msg that are answered apart, or msg
// alone: each ends in a question mark, has minAskedApart words or more,
// and nothing but a few words (a "grazie") follows the last. A pasted
// text asks one question about it, whatever question marks it has.
func splitAsked(msg string) []string {
	if _, _, pasted := splitPasted(msg); pasted {
		return []string{msg}
	}
	var parts []string
	rest := msg
	for {
		i := strings.IndexAny(rest, "?")
		if i < 0 {
			break
		}
		end := i + 1
		for end < len(rest) && strings.ContainsRune("?!", rune(rest[end])) {
			end++ // "??", "?!"
		}
		parts = append(parts, strings.TrimSpace(rest[:end]))
		rest = rest[end:]
	}
	if len(parts) < 2 || len(parts) > maxAsked || len(words(rest)) > 2 {
		return []string{msg}
	}
	for i, p := range parts {
		ws := words(p)
		if i > 0 && len(ws) > 0 && joiners[ws[0]] {
			ws = ws[1:]
		}
		if len(ws) < minAskedApart {
			return []string{msg}
		}
	}
	return parts
}

// joiners are the folded words that join a question to the one before it.
// "i" and "a" are Polish ones too, but an Italian article and preposition.
var joiners = setOf("e", "ed", "and", "y", "et", "und", "oppure", "or", "o")

// withoutJoiner returns q without the word that joins it to the question
// before it ("e come faccio…": "come faccio…").
func withoutJoiner(q string) string {
	w, rest, ok := strings.Cut(strings.TrimSpace(q), " ")
	if ok && joiners[strings.ToLower(w)] && strings.ContainsFunc(rest, unicode.IsLetter) {
		return strings.TrimSpace(rest)
	}
	return q
}
