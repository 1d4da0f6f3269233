package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
)

// TestServiceErrorsHaveMessages makes the services' errors that reach a
// console page and checks that each has a message in every language.
func TestServiceErrorsHaveMessages(t *testing.T) {
	texts, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	cur, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	activity := func(s string) error { var a bottega.Audience; return a.SetActivity(s) }
	errs := []error{
		activity("sometimes"),
		bottega.Audience{}.Validate(),
		bottega.Audience{Platform: "telegram", Roles: []string{"astronaut"}}.Validate(),
		bottega.Audience{Platform: "telegram", Levels: []string{"expert"}}.Validate(),
		bottega.Audience{Platform: "telegram", Languages: []string{"xx"}}.Validate(),
		bottega.Audience{Platform: "telegram", ActiveDays: -1}.Validate(),
		(&bottega.Audience{Tracks: []string{"no-track"}}).ResolveTracks(cur),
		bottega.Broadcast{Kind: bottega.BroadcastLesson, LessonID: "no-lesson"}.Check(cur),
		bottega.Broadcast{Kind: bottega.BroadcastText}.Check(cur),
		bottega.Broadcast{Kind: "fax"}.Check(cur),
		bottega.Broadcast{Kind: bottega.BroadcastText, Text: strings.Repeat("x", bottega.MaxBroadcastText+1)}.Check(cur),
	}
	keys := map[string]bool{}
	for i, err := range errs {
		key, _ := bottega.ErrorKey(err)
		if key == "" {
			t.Errorf("error %d (%v) has no key", i, err)
		}
		keys[key] = true
	}
	// The keys of the store's and the publishing service's errors.
	for _, k := range []string{"broadcast_rate", "broadcast_status", bottega.UploadUnreadable, bottega.UploadTooBig,
		bottega.UploadNoTrack, bottega.UploadProblems, bottega.DraftStale, "invalid"} {
		keys[k] = true
	}
	for k := range keys {
		for _, l := range locales.Supported {
			if !texts.Has(l, "console_"+k) {
				t.Errorf("no console_%s in %s", k, l)
			}
		}
	}
}

// TestErrorsInTheConsolesLanguage refuses bad broadcasts in the Italian
// console and in the English one, each in its language.
func TestErrorsInTheConsolesLanguage(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	for _, tt := range []struct {
		lang string
		form url.Values
		want string
	}{
		{"it", url.Values{"kind": {"lesson"}, "lesson": {"no-such-lesson"}}, "la lezione «no-such-lesson»"},
		{"it", url.Values{"kind": {"text"}, "text": {"x"}, "role": {"astronaut"}}, "Lavoro sconosciuto: «astronaut»"},
		{"it", url.Values{"kind": {"text"}, "text": {" "}}, "Scrivi il testo del messaggio."},
		{"en", url.Values{"kind": {"lesson"}, "lesson": {"no-such-lesson"}}, "The published course has no lesson “no-such-lesson”."},
		{"en", url.Values{"kind": {"text"}, "text": {"x"}, "activity": {"sometimes"}}, "Unknown activity filter: “sometimes”."},
	} {
		_, _, _ = c.do("GET", "/console/broadcasts?lang="+tt.lang, nil)
		tt.form.Set("action", "send")
		code, body, _ := c.post("/console/broadcasts", tt.form)
		if code != http.StatusBadRequest || !strings.Contains(body, tt.want) {
			t.Errorf("%s %v = %d, without %q", tt.lang, tt.form, code, tt.want)
		}
	}
}
