package locales_test

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	"github.com/bottega-app/bottega/locales"
)

// message is one message id of one file: its text, or its plural forms.
type message struct {
	file   string
	forms  map[string]string // "" for a plain message
	plural bool
}

// pluralCategories are CLDR's; a message map made only of these (and
// go-i18n's metadata) is one plural message, not a group of messages.
var pluralCategories = []string{"zero", "one", "two", "few", "many", "other"}

var metadata = []string{"id", "description", "hash", "leftdelim", "rightdelim", "translation"}

// cldrForms are the plural forms each language needs for integers and
// fractions (CLDR 42+, as go-i18n v2.7 has them): Italian, Spanish and
// French use "many" for millions; Polish has four forms.
var cldrForms = map[string][]string{
	"it": {"many", "one", "other"},
	"es": {"many", "one", "other"},
	"fr": {"many", "one", "other"},
	"en": {"one", "other"},
	"de": {"one", "other"},
	"pl": {"few", "many", "one", "other"},
}

// readAll reads every *.yaml file of the package, by language (the last
// dot-separated part of the file name, as go-i18n reads it).
func readAll(t *testing.T) map[string]map[string]message {
	t.Helper()
	names, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	byLang := map[string]map[string]message{}
	for _, e := range names {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		parts := strings.Split(strings.TrimSuffix(e.Name(), ".yaml"), ".")
		lang := parts[len(parts)-1]
		raw, err := os.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if byLang[lang] == nil {
			byLang[lang] = map[string]message{}
		}
		flatten(t, e.Name(), "", doc, byLang[lang])
	}
	return byLang
}

func flatten(t *testing.T, file, prefix string, doc map[string]any, out map[string]message) {
	for k, v := range doc {
		id := prefix + k
		if prev, dup := out[id]; dup {
			t.Errorf("%s: message %q is also in %s", file, id, prev.file)
		}
		switch v := v.(type) {
		case string:
			out[id] = message{file: file, forms: map[string]string{"": v}}
		case map[string]any:
			if !isPlural(v) {
				flatten(t, file, id+".", v, out)
				continue
			}
			m := message{file: file, forms: map[string]string{}, plural: true}
			for form, text := range v {
				if s, ok := text.(string); ok && slices.Contains(pluralCategories, form) {
					m.forms[form] = s
				}
			}
			if len(m.forms) == 1 && m.forms["other"] != "" {
				m.plural = false // {other: ...} alone is a plain message
			}
			out[id] = m
		default:
			t.Errorf("%s: message %q is a %T, want text or plural forms", file, id, v)
		}
	}
}

func isPlural(m map[string]any) bool {
	for k := range m {
		if !slices.Contains(pluralCategories, k) && !slices.Contains(metadata, k) {
			return false
		}
	}
	return true
}

// TestEveryLanguageHasItalianKeys compares, language by language across
// every message file (the base files and those other packages add, such as
// telegram.it.yaml), the message ids with Italian's.
func TestEveryLanguageHasItalianKeys(t *testing.T) {
	all := readAll(t)
	it := all["it"]
	if len(it) == 0 {
		t.Fatal("no Italian messages")
	}
	for lang := range all {
		if !locales.IsSupported(lang) {
			t.Errorf("messages for %q, which is not a supported language (%v)", lang, locales.Supported)
		}
	}
	for _, lang := range locales.Supported {
		msgs := all[lang]
		for _, id := range slices.Sorted(maps.Keys(it)) {
			if _, ok := msgs[id]; !ok {
				t.Errorf("%s lacks %q (Italian has it in %s)", lang, id, it[id].file)
			}
		}
		for _, id := range slices.Sorted(maps.Keys(msgs)) {
			if _, ok := it[id]; !ok {
				t.Errorf("%s has %q (in %s), which Italian lacks", lang, id, msgs[id].file)
			}
		}
	}
}

// TestPluralForms checks that every plural message has exactly the forms
// its language needs, and is plural in every language when it is in
// Italian.
func TestPluralForms(t *testing.T) {
	all := readAll(t)
	for _, lang := range locales.Supported {
		for id, m := range all[lang] {
			if it, ok := all["it"][id]; ok && it.plural != m.plural {
				t.Errorf("%s %q: plural is %v, in Italian %v", lang, id, m.plural, it.plural)
			}
			if !m.plural {
				continue
			}
			got := slices.Sorted(maps.Keys(m.forms))
			if !slices.Equal(got, cldrForms[lang]) {
				t.Errorf("%s %q (%s): forms %v, want %v", lang, id, m.file, got, cldrForms[lang])
			}
		}
	}
}

var field = regexp.MustCompile(`\{\{[^}]*?\.([A-Za-z_]+)`)

// TestSamePlaceholders checks that each translation uses the template
// fields Italian uses, so that no language prints "<no value>" or drops a
// number.
func TestSamePlaceholders(t *testing.T) {
	all := readAll(t)
	fields := func(m message) []string {
		set := map[string]bool{}
		for _, text := range m.forms {
			for _, f := range field.FindAllStringSubmatch(text, -1) {
				set[f[1]] = true
			}
		}
		delete(set, "Count") // a form may spell the number out ("one")
		return slices.Sorted(maps.Keys(set))
	}
	for id, it := range all["it"] {
		want := fields(it)
		for _, lang := range locales.Supported {
			if m, ok := all[lang][id]; ok {
				if got := fields(m); !slices.Equal(got, want) {
					t.Errorf("%s %q uses %v, Italian %v", lang, id, got, want)
				}
			}
		}
	}
}

// TestEveryMessageRenders renders every message of the real catalog in
// every language, plural ones for many counts: a message that cannot be
// rendered comes back as its id.
func TestEveryMessageRenders(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	all := readAll(t)
	data := map[string]any{"Name": "Giulia", "Title": "T", "N": 1, "Total": 2, "Right": 1, "Done": 1}
	counts := []int{0, 1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 101, 112, 1000000}
	for _, lang := range locales.Supported {
		for id, m := range all[lang] {
			if !m.plural {
				if got := c.T(lang, id, data); got == id || strings.TrimSpace(got) == "" {
					t.Errorf("%s %q does not render: %q", lang, id, got)
				}
				continue
			}
			for _, n := range counts {
				if got := c.N(lang, id, n, data); got == id || strings.TrimSpace(got) == "" {
					t.Errorf("%s %q does not render for %d: %q", lang, id, n, got)
				}
			}
		}
	}
}

// TestPluralRules checks the CLDR categories that Italian and Polish use,
// which differ from English: Italian has "many" for millions, Polish has
// "few" for 2-4 (but not 12-14) and "many" for the rest.
func TestPluralRules(t *testing.T) {
	fsys := fstest.MapFS{
		"it.yaml": {Data: []byte("lessons:\n  one: \"{{.Count}} lezione\"\n  many: \"{{.Count}} di lezioni\"\n  other: \"{{.Count}} lezioni\"\n")},
		"pl.yaml": {Data: []byte("lessons:\n  one: \"{{.Count}} lekcja\"\n  few: \"{{.Count}} lekcje\"\n  many: \"{{.Count}} lekcji\"\n  other: \"{{.Count}} lekcji (other)\"\n")},
		"en.yaml": {Data: []byte("lessons:\n  one: \"{{.Count}} lesson\"\n  other: \"{{.Count}} lessons\"\n")},
	}
	c, err := locales.LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"it", 0, "0 lezioni"},
		{"it", 1, "1 lezione"},
		{"it", 2, "2 lezioni"},
		{"it", 1000000, "1000000 di lezioni"},
		{"it", 2000000, "2000000 di lezioni"},
		{"it", 1000001, "1000001 lezioni"},
		{"pl", 1, "1 lekcja"},
		{"pl", 2, "2 lekcje"},
		{"pl", 4, "4 lekcje"},
		{"pl", 5, "5 lekcji"},
		{"pl", 11, "11 lekcji"},
		{"pl", 12, "12 lekcji"},
		{"pl", 14, "14 lekcji"},
		{"pl", 21, "21 lekcji"},
		{"pl", 22, "22 lekcje"},
		{"pl", 0, "0 lekcji"},
		{"pl", 112, "112 lekcji"},
		{"pl", 124, "124 lekcje"},
		{"en", 1, "1 lesson"},
		{"en", 1000000, "1000000 lessons"},
	}
	for _, tt := range tests {
		if got := c.N(tt.lang, "lessons", tt.n, nil); got != tt.want {
			t.Errorf("N(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

// TestMissingNeverPanics covers the lookups production code may make by
// mistake: they fall back, and never panic.
func TestMissingNeverPanics(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  func() string
		want string
	}{
		{"unknown id", func() string { return c.T("it", "no_such_message", nil) }, "no_such_message"},
		{"unknown plural id", func() string { return c.N("pl", "no_such_message", 3, nil) }, "no_such_message"},
		{"unknown language", func() string { return c.T("xx", "btn_menu", nil) }, c.T("it", "btn_menu", nil)},
		{"plural asked as plain", func() string { return c.T("en", "progress_due", nil) }, ""},
		{"missing data", func() string { return c.T("en", "step_title", nil) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.got()
			if tt.want != "" && got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := map[string]string{"": "it", "it-IT": "it", "pl": "pl", "de_AT": "de", "pt-BR": "en", "EN-gb": "en"}
	keys := slices.Collect(maps.Keys(tests))
	sort.Strings(keys)
	for _, code := range keys {
		if got := locales.Match(code); got != tests[code] {
			t.Errorf("Match(%q) = %q, want %q", code, got, tests[code])
		}
	}
}
