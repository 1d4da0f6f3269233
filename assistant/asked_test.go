package assistant

import (
	"testing"

	"github.com/bottega-app/bottega/store"
)

// A question is closest to the step that lists questions like it, in
// either of the lessons' languages, and shares nothing with a question
// about something else.
func TestAskedIndexRanksByListedQuestions(t *testing.T) {
	ix := newAskedIndex([]store.StepQuestions{
		{Lesson: "plan", Ref: "rhythm", Locale: "it", Questions: []string{"quante volte a settimana devo pubblicare?", "ogni quanto posto su instagram?"}},
		{Lesson: "plan", Ref: "rhythm", Locale: "en", Questions: []string{"how often should I post each week?"}},
		{Lesson: "plan", Ref: "pillars", Locale: "it", Questions: []string{"non so mai cosa pubblicare, che temi scelgo?"}},
		{Lesson: "photos", Ref: "light", Locale: "it", Questions: []string{"le foto mi vengono scure, che luce uso?"}},
	})
	for _, c := range []struct {
		q, lang, want string
	}{
		{"ma quante volte alla settimana bisogna pubblicare", "it", "plan/rhythm"},
		{"how often do I need to post?", "en", "plan/rhythm"},
		{"che temi posso scegliere per i post?", "it", "plan/pillars"},
		{"foto troppo scure", "it", "photos/light"},
	} {
		bs := ix.boosts(c.q, c.lang)
		if len(bs) == 0 {
			t.Errorf("boosts(%q): none, want %s first", c.q, c.want)
			continue
		}
		if got := bs[0].Lesson + "/" + bs[0].Ref; got != c.want || bs[0].Score != askedWeight {
			t.Errorf("boosts(%q) = %s first with %g, want %s with %g", c.q, got, bs[0].Score, c.want, askedWeight)
		}
		for _, b := range bs[1:] {
			if b.Score <= 0 || b.Score > bs[0].Score {
				t.Errorf("boosts(%q): %s/%s gains %g, the closest %g", c.q, b.Lesson, b.Ref, b.Score, bs[0].Score)
			}
		}
	}
	if bs := ix.boosts("a che ora chiude la farmacia", "it"); len(bs) != 0 {
		t.Errorf("boosts of an unrelated question: %+v, want none", bs)
	}
	if bs := (*askedIndex)(nil).boosts("quante volte devo pubblicare", "it"); bs != nil {
		t.Errorf("boosts without an index: %+v", bs)
	}
}
