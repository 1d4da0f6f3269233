package flows

import (
	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
)

// Preview is a lesson as a learner who reads in lang sees it: each step's
// screen, then each question of its quiz (the options in the file's order,
// where a learner gets them shuffled). The web console shows them in a
// phone-sized frame. No learner is read or written.
func Preview(texts Texts, ls *content.Lesson, lang string) []bot.Reply {
	t := &turn{b: &Bot{texts: texts}, l: bottega.Learner{Locale: lang}}
	var out []bot.Reply
	for i := range ls.Steps {
		r := t.stepScreen(ls, i)
		r.Buttons = append(r.Buttons, t.menuRow()...)
		out = append(out, r)
	}
	for i := range ls.Quiz {
		q := &ls.Quiz[i]
		order := make([]int, q.OptionCount())
		for j := range order {
			order[j] = j
		}
		out = append(out, t.questionScreen(ls, q, i, len(ls.Quiz), order))
	}
	return out
}
