package plain

import (
	"strings"
	"testing"

	"github.com/bottega-app/bottega/locales"
)

// TestSuggestionsRender renders every suggestion of the samples in every
// interface language: each message id exists and gets all its arguments.
func TestSuggestionsRender(t *testing.T) {
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range samples {
		for _, sg := range Check(s.lang, s.text).Suggestions {
			seen[sg.ID] = true
			for _, l := range locales.Supported {
				got := c.T(l, sg.ID, sg.Args)
				if got == sg.ID || strings.Contains(got, "<no value>") || !c.Has(l, sg.ID) {
					t.Errorf("%s %s %v: %q", l, sg.ID, sg.Args, got)
				}
				for _, v := range sg.Args {
					if s, ok := v.(string); ok && s != "" && !strings.Contains(got, s) {
						t.Errorf("%s %s: %q lacks %q", l, sg.ID, got, s)
					}
				}
			}
		}
	}
	for _, id := range []string{MsgLong, MsgPhrase, MsgPhraseDrop, MsgPassive, MsgImpersonal, MsgAbbr, MsgWhen, MsgWhere, MsgWhat, MsgHashtag, MsgEmoji, MsgWords} {
		if !seen[id] {
			t.Errorf("no sample gives %s", id)
		}
	}
}
