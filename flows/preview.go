package flows

import (
	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
)

// Preview is a lesson as a learner who reads in lang sees it: each step's
// screen with its clip (found in clips, which may be nil) or its picture, the lesson's end screen, then each question of
// its quiz, the options in the order a learner meets them the first time
// (the quiz's shuffle, for the learner with id 0). The web console shows
// them in a phone-sized frame. No learner is read or written, so the end
// screen leaves out what depends on one (the next lesson, the track's
// checks). A picture in the track folder is a Media whose File is its name
// there, not a path: the console serves it from the track.
func Preview(texts Texts, clips Clips, ls *content.Lesson, lang string) []bot.Reply {
	t := &turn{b: &Bot{texts: texts, clips: clips}, l: bottega.Learner{Locale: lang}}
	var out []bot.Reply
	for i, s := range ls.Steps {
		r := t.stepScreen(ls, i)
		r.Buttons = append(r.Buttons, t.stepFoot(ls, i))
		// A learner watches the clip, unless they chose to read (the
		// preview shows the default).
		if clip := t.clip(s, 0); clip != nil {
			r.Media = clip
		} else if s.Image != "" {
			r.Media = &bot.Media{Kind: "photo"}
			if content.IsURL(s.Image) {
				r.Media.URL = s.Image
			} else {
				r.Media.File = s.Image
			}
		}
		out = append(out, r)
	}
	end, err := t.showLessonEnd(ls)
	if err == nil { // without a learner nothing is read, so nothing fails
		out = append(out, end)
	}
	for i := range ls.Quiz {
		q := &ls.Quiz[i]
		var order []int
		if q.HasOptions() {
			order = optionOrder(0, ls.ID, q.ID, 0, len(q.Options))
		}
		out = append(out, t.questionScreen(ls, q, i, len(ls.Quiz), order))
	}
	return out
}
