package assistant

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
)

// The lessons are written in Italian and English. A question in another
// language shares few words with them, so retrieval first puts its words
// into the lessons' words through a glossary of the lessons' topics
// (glossary.txt): "reseña" is searched as "recensioni reviews",
// "Produktfotos" as "prodotti products foto photos". Learners who write in
// Italian or English do not use the lessons' words either: the same file
// holds a thesaurus of how they say it ("bufala", "hackerato") and the
// words the lessons use for it ("notizia falsa", "account violato").
//
//go:embed glossary.txt
var glossaryText string

// glossaries are the parsed glossary.txt, by locale.
var glossaries = mustParseGlossary(glossaryText)

// glossary is one language's side of glossary.txt.
type glossary struct {
	entries []entry
	stop    map[string]bool
	// The entries a word may begin, by index in entries: by their first
	// word when it is matched exactly, by the first three letters of a
	// first word matched by its start, and those whose first word may
	// match anywhere (others), so that a word is compared with a few
	// entries rather than all.
	byWord, byStart map[string][]int
	others          []int
}

// entry is a way of writing a topic in one language: one word, or a few in
// a row, and the lessons' words searched in its place.
type entry struct {
	parts []pattern
	to    []string
}

// pattern matches a folded word: exactly, or by its start (prefix), its
// end (suffix) or anywhere (both).
type pattern struct {
	s              string
	prefix, suffix bool
}

func (p pattern) match(w string) bool {
	switch {
	case p.prefix && p.suffix:
		return strings.Contains(w, p.s)
	case p.prefix:
		return strings.HasPrefix(w, p.s)
	case p.suffix:
		return strings.HasSuffix(w, p.s)
	}
	return w == p.s
}

// glossaryLocales are the columns after the searched words, in order,
// until a "columns:" line names others.
var glossaryLocales = []string{"es", "fr", "de", "pl"}

// thesaurusLocales are the languages a "columns:" line may name besides
// glossaryLocales: those of the lessons.
var thesaurusLocales = []string{"it", "en"}

// mustParseGlossary parses glossary.txt; the embedded file is checked by
// the tests, so an error is a bug caught before release.
func mustParseGlossary(text string) map[string]*glossary {
	g, err := parseGlossary(text)
	if err != nil {
		panic(err)
	}
	return g
}

func parseGlossary(text string) (map[string]*glossary, error) {
	gs := map[string]*glossary{}
	for _, loc := range append(slices.Clone(glossaryLocales), thesaurusLocales...) {
		gs[loc] = &glossary{stop: map[string]bool{}}
	}
	cols := glossaryLocales
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "columns:"); ok {
			cols = strings.Fields(rest)
			for _, loc := range cols {
				if gs[loc] == nil {
					return nil, fmt.Errorf("glossary line %d: unknown locale %q in columns", n+1, loc)
				}
			}
			if len(cols) == 0 {
				return nil, fmt.Errorf("glossary line %d: want \"columns: xx yy\"", n+1)
			}
			continue
		}
		if rest, ok := strings.CutPrefix(line, "stop "); ok {
			loc, list, ok := strings.Cut(rest, ":")
			g := gs[strings.TrimSpace(loc)]
			if !ok || g == nil {
				return nil, fmt.Errorf("glossary line %d: want \"stop xx: words\" with xx one of %v", n+1, glossaryLocales)
			}
			for _, w := range strings.Fields(list) {
				g.stop[fold(w)] = true
			}
			continue
		}
		fields := strings.Split(line, "|")
		if len(fields) != 1+len(cols) {
			return nil, fmt.Errorf("glossary line %d: want %d columns separated by |, found %d", n+1, 1+len(cols), len(fields))
		}
		to := words(fields[0])
		if len(to) == 0 {
			return nil, fmt.Errorf("glossary line %d: no words to search for", n+1)
		}
		for i, loc := range cols {
			for _, f := range strings.Fields(fields[i+1]) {
				if f == "-" {
					continue
				}
				e := entry{to: to}
				for _, part := range strings.Split(f, "_") {
					p, err := parsePattern(part)
					if err != nil {
						return nil, fmt.Errorf("glossary line %d: %s: %w", n+1, f, err)
					}
					e.parts = append(e.parts, p)
				}
				gs[loc].add(e)
			}
		}
	}
	return gs, nil
}

// add adds e to the entries and indexes it by its first word.
func (g *glossary) add(e entry) {
	i := len(g.entries)
	g.entries = append(g.entries, e)
	if g.byWord == nil {
		g.byWord, g.byStart = map[string][]int{}, map[string][]int{}
	}
	switch p := e.parts[0]; {
	case !p.prefix && !p.suffix:
		g.byWord[p.s] = append(g.byWord[p.s], i)
	case p.prefix && !p.suffix:
		g.byStart[firstLetters(p.s)] = append(g.byStart[firstLetters(p.s)], i)
	default:
		g.others = append(g.others, i)
	}
}

// firstLetters is what a word matched by its start is indexed by: its first
// three letters, the fewest such a pattern has (see parsePattern).
func firstLetters(w string) string {
	r := []rune(w)
	return string(r[:min(len(r), 3)])
}

func parsePattern(s string) (pattern, error) {
	var p pattern
	s, p.suffix = strings.CutPrefix(s, "*")
	s, p.prefix = strings.CutSuffix(s, "*")
	ws := words(s)
	if len(ws) != 1 || ws[0] != fold(s) {
		return p, fmt.Errorf("%q is not one word", s)
	}
	if (p.prefix || p.suffix) && len([]rune(ws[0])) < 3 {
		return p, fmt.Errorf("%q is too short to match with *", s)
	}
	p.s = ws[0]
	return p, nil
}

// match returns the words searched for the topic that ws begins with, and
// how many of ws name it (0: none). The longest way of writing a topic
// wins; words matching several topics are searched for all of them.
func (g *glossary) match(ws []string) (to []string, n int) {
	if len(ws) == 0 {
		return nil, 0
	}
	// In the file's order, as the topics' words are searched.
	cands := slices.Concat(g.byWord[ws[0]], g.byStart[firstLetters(ws[0])], g.others)
	slices.Sort(cands)
	for _, c := range cands {
		e := g.entries[c]
		k := len(e.parts)
		if k > len(ws) || k < n {
			continue
		}
		ok := true
		for i, p := range e.parts {
			if !p.match(ws[i]) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if k > n {
			to, n = nil, k
		}
		to = append(to, e.to...)
	}
	return to, n
}
