package plain

import (
	"bufio"
	"embed"
	"fmt"
	"strings"
	"sync"
)

//go:embed dict/*.txt
var dictFiles embed.FS

// dict is one language's word lists, read from dict/<lang>.txt.
type dict struct {
	phrases     []phrase // longest first
	impersonal  [][]string
	be          set
	come        set
	been        set
	participles set // stems
	stative     set // stems
	active      set // stems or whole words
	known       set // upper case
	shout       set
	nosplit     set
	abbrev      set
	function    set
	when        [][]string
	where       [][]string
	whereNamed  set // place words that need a name after them
	at          set
	do          [][]string
	tagwords    []string
	joiners     []string
	small       []string
}

type phrase struct {
	words []string
	text  string
	plain string // "" means: drop it
}

type set map[string]bool

// dicts holds the parsed dictionaries. They are read-only after the first
// load, so sharing them is safe.
var dicts = sync.OnceValue(func() map[string]*dict {
	m := map[string]*dict{}
	for _, l := range []string{"it", "en"} {
		d, err := loadDict(l)
		if err != nil {
			// The files are embedded and covered by tests: failing here is
			// a build defect, not a runtime condition.
			panic(err)
		}
		m[l] = d
	}
	return m
})

func loadDict(lang string) (*dict, error) {
	f, err := dictFiles.Open("dict/" + lang + ".txt")
	if err != nil {
		return nil, fmt.Errorf("open dictionary %s: %w", lang, err)
	}
	defer f.Close()
	d := &dict{be: set{}, come: set{}, been: set{}, participles: set{}, stative: set{},
		active: set{}, known: set{}, shout: set{}, nosplit: set{}, abbrev: set{}, function: set{}, at: set{}, whereNamed: set{}}
	section := ""
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			section = s[1 : len(s)-1]
			continue
		}
		words := func(s string) []string { return lowerWords(lang, s) }
		switch section {
		case "phrases":
			left, right, ok := strings.Cut(s, "=>")
			if !ok {
				return nil, fmt.Errorf("dictionary %s line %d: a phrase needs \"=> plainer wording\"", lang, line)
			}
			p := phrase{words: words(left), text: strings.TrimSpace(left), plain: strings.TrimSpace(right)}
			if p.plain == "-" {
				p.plain = ""
			}
			if len(p.words) == 0 {
				return nil, fmt.Errorf("dictionary %s line %d: empty phrase", lang, line)
			}
			d.phrases = append(d.phrases, p)
		case "impersonal":
			d.impersonal = append(d.impersonal, words(s))
		case "be":
			d.be[strings.ToLower(s)] = true
		case "come":
			d.come[strings.ToLower(s)] = true
		case "been":
			d.been[strings.ToLower(s)] = true
		case "participles":
			d.participles[strings.ToLower(s)] = true
		case "stative":
			d.stative[strings.ToLower(s)] = true
		case "active":
			d.active[strings.ToLower(s)] = true
		case "known":
			d.known[strings.ToUpper(s)] = true
		case "shout":
			d.shout[strings.ToLower(s)] = true
		case "nosplit":
			d.nosplit[strings.ToLower(s)] = true
		case "abbrev":
			d.abbrev[strings.ToLower(s)] = true
		case "function":
			d.function[strings.ToLower(s)] = true
		case "when":
			d.when = append(d.when, words(s))
		case "where":
			if w, ok := strings.CutSuffix(s, " +"); ok {
				d.whereNamed[strings.ToLower(strings.TrimSpace(w))] = true
			} else {
				d.where = append(d.where, words(s))
			}
		case "at":
			d.at[strings.ToLower(s)] = true
		case "do":
			d.do = append(d.do, words(s))
		case "tagwords":
			d.tagwords = append(d.tagwords, strings.ToLower(s))
		case "joiners":
			d.joiners = append(d.joiners, strings.ToLower(s))
		case "small":
			d.small = append(d.small, strings.ToLower(s))
		default:
			return nil, fmt.Errorf("dictionary %s line %d: unknown section %q", lang, line, section)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read dictionary %s: %w", lang, err)
	}
	// Longest phrases first, so that "ai sensi del" wins over "ai sensi di"
	// and "si comunica alla cittadinanza che" over "la cittadinanza".
	sortPhrases(d.phrases)
	return d, nil
}

func sortPhrases(p []phrase) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && len(p[j].words) > len(p[j-1].words); j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

// lowerWords splits s into lower-case words the way the checker splits a
// text, so that dictionary entries and texts compare word by word.
func lowerWords(lang, s string) []string {
	var out []string
	for _, sent := range split(lang, s, nil) {
		for _, t := range sent {
			if t.kind == kindWord {
				out = append(out, strings.ToLower(t.text))
			}
		}
	}
	return out
}
