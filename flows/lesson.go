package flows

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
)

// step opens a lesson at a step: s|<lesson> where the learner left it,
// s|<lesson>|<step>, or s|<lesson>|. for the end.
func (t *turn) step(args []string) ([]bot.Reply, error) {
	ls := t.cur.Lesson(args[0])
	if ls == nil {
		return t.lessonGone()
	}
	i := -1
	if len(args) == 2 {
		if args[1] == endStep {
			i = len(ls.Steps)
		} else if i = ls.StepIndex(args[1]); i < 0 {
			return t.expired()
		}
	}
	return t.openLesson(ls, i)
}

// openLesson shows step i of a lesson (len(Steps) is the end; -1 is where
// the learner left it) and remembers it. Opening a lesson leaves any quiz.
func (t *turn) openLesson(ls *content.Lesson, i int) ([]bot.Reply, error) {
	was, opened, err := t.savedPosition(ls)
	if err != nil {
		return nil, err
	}
	if i < 0 {
		i = was
		if was >= len(ls.Steps) {
			// Read to the end and its quiz taken: opened again from a
			// list, the lesson is read again from its first step.
			done, err := t.quizTaken(ls)
			if err != nil {
				return nil, err
			}
			if done {
				i = 0
			}
		}
	}
	if err := t.savePosition(ls, i); err != nil {
		return nil, err
	}
	t.st.Quiz = nil
	t.st.Lesson = ls.ID
	if !t.st.Fallback && !slices.Contains(ls.Locales, t.l.Locale) {
		t.note("content_fallback", map[string]any{"English": slices.Contains(ls.Locales, "en")})
		t.st.Fallback = true
	}
	t.goTo(scrLesson)
	if i >= len(ls.Steps) && t.needsAsk() {
		// A lesson read to the end is progress worth keeping: ask, once
		// a session, whether Bottega may.
		return t.askSave(askProgress, "", false, scrLesson)
	}
	replies, err := t.show()
	if err != nil {
		return nil, err
	}
	// A step's template comes once the step is on screen, when the learner
	// reaches it, not each time they page back to it.
	if i < len(ls.Steps) && (!opened || i > was) {
		if r, ok := t.document(ls, ls.Steps[i]); ok {
			replies = append(replies, r)
		}
	}
	return replies, nil
}

// document is the reply that sends a step's template as a file, in the
// language the learner reads the lesson in; false when the step has none or
// it cannot be read, which must not stop the lesson.
func (t *turn) document(ls *content.Lesson, s content.Step) (bot.Reply, bool) {
	src := t.pick(content.Text(s.Document))
	if src == "" {
		return bot.Reply{}, false
	}
	name, data, err := t.cur.Track(ls.Track).Document(src)
	if err != nil {
		return bot.Reply{}, false
	}
	return bot.Reply{Text: t.T("lesson_document", nil), File: &bot.File{Name: name, Data: data}}, true
}

// position is the step where the learner left a lesson, mapped onto the
// current version of the lesson: the same step if it still exists, else the
// nearest earlier one that does; 0 if they never opened it.
func (t *turn) position(ls *content.Lesson) (int, error) {
	i, _, err := t.savedPosition(ls)
	return i, err
}

// savedPosition is position, and whether the learner ever opened the lesson.
func (t *turn) savedPosition(ls *content.Lesson) (int, bool, error) {
	p, ok, err := t.progressIn(ls)
	if err != nil || !ok {
		return 0, false, err
	}
	if p.StepID != "" {
		if i := ls.StepIndex(p.StepID); i >= 0 {
			return i, true, nil
		}
	}
	if len(p.StepIDs) > 0 {
		return ls.NearestStep(p.StepIndex, p.StepIDs), true, nil
	}
	return min(max(p.StepIndex, 0), len(ls.Steps)), true, nil
}

// progressIn is the learner's progress in a lesson, read once a turn;
// false if they never opened it.
func (t *turn) progressIn(ls *content.Lesson) (bottega.LessonProgress, bool, error) {
	if p, ok := t.saved[ls.ID]; ok {
		return p, true, nil
	}
	p, ok, err := t.data.Position(t.ctx, t.l.ID, ls.ID)
	if err != nil || !ok {
		return p, false, err
	}
	if t.saved == nil {
		t.saved = map[string]bottega.LessonProgress{}
	}
	t.saved[ls.ID] = p
	return p, true, nil
}

// progressList returns the learner's progress list, read once a turn
// however many parts of a screen need it; saving progress drops it.
func (t *turn) progressList() ([]bottega.LessonProgress, error) {
	if t.listed != nil {
		return t.listed, nil
	}
	ps, err := t.data.Progress(t.ctx, t.l.ID)
	if err != nil {
		return nil, err
	}
	t.known(ps)
	t.listed = append(make([]bottega.LessonProgress, 0, len(ps)), ps...) // not nil, even empty
	return t.listed, nil
}

// known keeps rows read from the learner's progress list for the turn, so
// that the positions they hold are not read again one by one.
func (t *turn) known(ps []bottega.LessonProgress) {
	if t.saved == nil {
		t.saved = map[string]bottega.LessonProgress{}
	}
	for _, p := range ps {
		if _, ok := t.saved[p.LessonID]; !ok {
			t.saved[p.LessonID] = p
		}
	}
}

// quizTaken reports whether the learner has taken the lesson's quiz.
func (t *turn) quizTaken(ls *content.Lesson) (bool, error) {
	p, _, err := t.progressIn(ls)
	return p.QuizAt != nil, err
}

// readInOrder is how many of the lesson's steps the learner has read one
// after the other from the first (see bottega.LessonProgress.Reached),
// mapped onto the lesson as it is now.
func (t *turn) readInOrder(ls *content.Lesson) (int, error) {
	p, ok, err := t.progressIn(ls)
	if err != nil || !ok {
		return 0, err
	}
	if p.FinishedAt != nil || p.Reached >= len(p.StepIDs) && len(p.StepIDs) > 0 {
		return len(ls.Steps), nil
	}
	if len(p.StepIDs) > 0 {
		return ls.NearestStep(p.Reached, p.StepIDs), nil
	}
	return min(max(p.Reached, 0), len(ls.Steps)), nil
}

// savePosition records that the learner is at step i of a lesson
// (len(Steps): its end). A step reached from the one before it, or one
// read before, extends the steps read in order; a step reached by a jump
// (an answer's button opens a lesson midway) does not, so that paging
// from there to the end does not finish the lesson.
func (t *turn) savePosition(ls *content.Lesson, i int) error {
	reached, err := t.readInOrder(ls)
	if err != nil {
		return err
	}
	if i <= reached+1 {
		reached = max(reached, i)
	}
	if _, opened, err := t.progressIn(ls); err != nil {
		return err
	} else if !opened {
		reached = 0
	}
	ids := make([]string, len(ls.Steps))
	for j, s := range ls.Steps {
		ids[j] = s.ID
	}
	p := bottega.LessonProgress{LearnerID: t.l.ID, LessonID: ls.ID, StepIndex: i, StepIDs: ids, Reached: reached, Version: t.ver, UpdatedAt: t.now}
	if i < len(ids) {
		p.StepID = ids[i]
	}
	if err := t.data.SavePosition(t.ctx, p); err != nil {
		return err
	}
	t.listed = nil
	if old, ok := t.saved[ls.ID]; ok {
		// What this save does not change.
		p.StartedAt, p.QuizRight, p.QuizTotal, p.QuizAt = old.StartedAt, old.QuizRight, old.QuizTotal, old.QuizAt
		p.FinishedAt = old.FinishedAt
	}
	if p.FinishedAt == nil && reached >= len(ids) {
		at := t.now
		p.FinishedAt = &at
	}
	if t.saved == nil {
		t.saved = map[string]bottega.LessonProgress{}
	}
	t.saved[ls.ID] = p
	return nil
}

func (t *turn) showLesson() (bot.Reply, error) {
	ls := t.cur.Lesson(t.st.Lesson)
	if ls == nil {
		t.note("lesson_gone", nil)
		t.forgetMissing()
		t.goTo(scrMenu)
		return t.showMenu()
	}
	i, err := t.position(ls)
	if err != nil {
		return bot.Reply{}, err
	}
	if i >= len(ls.Steps) {
		return t.showLessonEnd(ls)
	}
	s := ls.Steps[i]
	r := t.stepScreen(ls, i)
	if ls.ChapterOf(s) == nil && i == 0 && ls.Video == nil {
		// A lesson written without a video may have one an admin sent
		// from the chat: offer it where the lesson starts.
		id, err := t.s.LessonVideo(t.ctx, ls.ID, t.u.Platform)
		if err != nil {
			return bot.Reply{}, err
		}
		if id != "" {
			r.Buttons = append(r.Buttons, []bot.Button{{Label: t.T("btn_watch_video", nil), Data: encode(actWatch, ls.ID, s.ID)}})
		}
	}
	r.Buttons = append(r.Buttons, t.stepFoot(ls, i))
	// The step's clip, its text as the caption, unless the learner
	// prefers to read; else its picture.
	switch clip := t.clip(s, 0); {
	case clip != nil && !t.st.Read:
		r.Media = clip
	case s.Image != "":
		r.Media = t.media("photo", s.Image, ls)
	}
	return r, nil
}

// stepScreen is step i of a lesson as every learner sees it: its text, the
// buttons to go on and to watch its part of the video; stepFoot's row comes
// last.
func (t *turn) stepScreen(ls *content.Lesson, i int) bot.Reply {
	s := ls.Steps[i]
	text := t.T("step_title", map[string]any{"Title": t.pick(ls.Title), "N": i + 1, "Total": len(ls.Steps)}) +
		"\n\n" + t.pick(s.Text)
	if task := t.pick(s.Task); task != "" {
		text += "\n\n✅ " + task
	}
	if tip := t.pick(s.Tip); tip != "" {
		text += "\n\n💡 " + tip
	}
	next := endStep
	if i+1 < len(ls.Steps) {
		next = ls.Steps[i+1].ID
	}
	// Next comes first, alone on its row: the widest button on a phone,
	// and number 1 on every step where buttons are numbered.
	rows := [][]bot.Button{{{Label: t.T("btn_next", nil), Data: encode(actStep, ls.ID, next)}}}
	clip := t.clip(s, 0)
	var extra []bot.Button
	switch {
	case clip != nil && !t.st.Read:
		// The clip comes with the step, its text as the caption.
	case clip != nil:
		extra = append(extra, bot.Button{Label: t.T("btn_watch_clip", nil), Data: encode(actWatch, ls.ID, s.ID)})
	}
	if s.Clip != nil && len(ls.Video.Transcript) > 0 && hasCues(ls, s) {
		extra = append(extra, bot.Button{Label: t.T("btn_transcript", nil), Data: encode(actText, ls.ID, s.ID)})
	}
	if len(extra) > 0 {
		rows = append(rows, extra)
	}
	if ch := ls.ChapterOf(s); ch != nil && clip == nil {
		rows = append(rows, []bot.Button{{
			Label: t.T("btn_watch", map[string]any{"At": clock(ch.Start)}),
			Data:  encode(actWatch, ls.ID, s.ID),
		}})
	}
	return bot.Reply{Text: text, Buttons: rows}
}

// stepFoot is the last row of step i's screen: back, past the first step,
// and the menu.
func (t *turn) stepFoot(ls *content.Lesson, i int) []bot.Button {
	var row []bot.Button
	if i > 0 {
		row = append(row, bot.Button{Label: t.T("btn_back", nil), Data: encode(actStep, ls.ID, ls.Steps[i-1].ID)})
	}
	return append(row, t.btn("btn_menu", actMenu))
}

func (t *turn) showLessonEnd(ls *content.Lesson) (bot.Reply, error) {
	title := t.pick(ls.Title)
	var rows [][]bot.Button
	var text string
	reached := len(ls.Steps)
	if t.s != nil { // a preview (Preview) has no learner
		var err error
		if reached, err = t.readInOrder(ls); err != nil {
			return bot.Reply{}, err
		}
	}
	if reached < len(ls.Steps) {
		// Opened midway and paged to the end: not finished, and said so,
		// with the way back to the first step not read.
		n := map[string]any{"Title": title, "N": reached + 1}
		text = t.T("lesson_end_skipped", n)
		rows = append(rows, []bot.Button{{Label: t.T("btn_from_step", n), Data: encode(actStep, ls.ID, ls.Steps[reached].ID)}})
		if len(ls.Quiz) > 0 {
			rows = append(rows, []bot.Button{t.btn("btn_quiz", actQuiz, ls.ID, "all")})
		}
	} else if len(ls.Quiz) > 0 {
		text = t.N("lesson_end", len(ls.Quiz), map[string]any{"Title": title})
		rows = append(rows, []bot.Button{t.btn("btn_quiz", actQuiz, ls.ID, "all")})
	} else {
		text = t.T("lesson_end_no_quiz", map[string]any{"Title": title})
		// A preview (Preview) has no learner to say what comes next.
		if t.s != nil {
			more, err := t.endButtons(ls, &text)
			if err != nil {
				return bot.Reply{}, err
			}
			rows = append(rows, more...)
		}
	}
	if n := len(ls.Steps); n > 0 {
		rows = append(rows, []bot.Button{{Label: t.T("btn_back", nil), Data: encode(actStep, ls.ID, ls.Steps[n-1].ID)}})
	}
	return bot.Reply{Text: text, Buttons: append(rows, t.menuRow()...)}, nil
}

// endButtons are the end screen's buttons of a lesson without a quiz that
// depend on the learner: the track's check when it is due (said in text),
// and the next lesson.
func (t *turn) endButtons(ls *content.Lesson, text *string) ([][]bot.Button, error) {
	var rows [][]bot.Button
	if s, err := t.finalAfter(ls); err != nil {
		return nil, err
	} else if s != nil {
		*text += "\n\n" + t.T("track_complete", map[string]any{"Title": t.pick(s.tr.Title)})
		rows = append(rows, t.checkButtons(s)...)
	}
	next, err := t.nextAfter(ls)
	if err != nil {
		return nil, err
	}
	if next != nil {
		rows = append(rows, []bot.Button{{Label: t.T("btn_next_lesson", map[string]any{"Title": short(t.pick(next.Title), 32)}), Data: encode(actStep, next.ID)}})
	}
	return rows, nil
}

// watch sends the lesson's video from the chapter of a step; the learner
// stays on the step.
func (t *turn) watch(args []string) ([]bot.Reply, error) {
	ls := t.cur.Lesson(args[0])
	if ls == nil {
		return t.lessonGone()
	}
	i := ls.StepIndex(args[1])
	if i < 0 {
		return t.expired()
	}
	at := -1 // a second of the lesson's video
	if len(args) == 3 {
		n, err := strconv.Atoi(args[2])
		if err != nil || n < 0 {
			return t.expired()
		}
		at = n
	}
	if r, ok := t.watchClip(ls, i, at); ok {
		return []bot.Reply{r}, nil
	}
	// A video an admin attached from the chat is already on the platform:
	// it is used instead of the lesson's own file or URL.
	attached, err := t.s.LessonVideo(t.ctx, ls.ID, t.u.Platform)
	if err != nil {
		return nil, err
	}
	ch := ls.ChapterOf(ls.Steps[i])
	var m *bot.Media
	var text string
	switch {
	case ch != nil:
		if attached != "" {
			m = &bot.Media{Kind: "video", ID: attached}
		} else if ls.Video.URL != "" {
			m = t.media("video", ls.Video.URL, ls)
		} else {
			m = t.media("video", ls.Video.File, ls)
		}
		if m != nil {
			m.Start = ch.Start
		}
		text = t.T("video", map[string]any{"Title": t.pick(ls.Title), "Chapter": t.pick(ch.Title), "At": clock(ch.Start)})
	case attached != "":
		m = &bot.Media{Kind: "video", ID: attached}
		text = t.T("video_whole", map[string]any{"Title": t.pick(ls.Title)})
	default:
		return t.expired()
	}
	return []bot.Reply{{
		Text:  text,
		Media: m,
		Buttons: [][]bot.Button{
			{t.btn("btn_back_to_lesson", actStep, ls.ID, ls.Steps[i].ID)},
			{t.btn("btn_menu", actMenu)},
		},
	}}, nil
}

// clip is the clip of step s, from offset into it; nil when the step has
// none or it cannot be found on this server.
func (t *turn) clip(s content.Step, offset time.Duration) *bot.Media {
	if s.Clip == nil || t.b.clips == nil {
		return nil
	}
	p, _, err := t.b.clips.Path(s.Clip.Key)
	if err != nil {
		return nil
	}
	if _, err := os.Stat(p); err != nil {
		return nil
	}
	// The key names the clip in the platform's cache of uploaded files:
	// it is uploaded once, then sent by the platform's id.
	return &bot.Media{Kind: "video", File: p, Key: "clip:" + s.Clip.Key, Start: offset}
}

// watchClip sends the clip of step i of a lesson, from second at of the
// lesson's video when it falls in the clip; false when the step has no clip.
func (t *turn) watchClip(ls *content.Lesson, i, at int) (bot.Reply, bool) {
	s := ls.Steps[i]
	var offset time.Duration
	if s.Clip != nil && at >= 0 {
		if d := time.Duration(at) * time.Second; d >= s.Clip.Start && d < s.Clip.Start+s.Clip.Length {
			offset = d - s.Clip.Start
		}
	}
	m := t.clip(s, offset)
	if m == nil {
		return bot.Reply{}, false
	}
	title := t.pick(ls.Title)
	if ch := ls.ChapterOf(s); ch != nil {
		title = t.pick(ch.Title)
	}
	text := t.T("video", map[string]any{"Title": t.pick(ls.Title), "Chapter": title, "At": clock(s.Clip.Start + offset)})
	return bot.Reply{
		Text:  text,
		Media: m,
		Buttons: [][]bot.Button{
			{t.btn("btn_back_to_lesson", actStep, ls.ID, s.ID)},
			{t.btn("btn_menu", actMenu)},
		},
	}, true
}

// hasCues reports whether the transcript of the lesson's video says
// something during step s's clip.
func hasCues(ls *content.Lesson, s content.Step) bool {
	return s.Clip != nil && ls.Video != nil && len(cuesOf(ls, s)) > 0
}

// cuesOf returns what is said during step s's clip.
func cuesOf(ls *content.Lesson, s content.Step) []content.Cue {
	var out []content.Cue
	for _, c := range ls.Video.Transcript {
		if c.End > s.Clip.Start && c.Start < s.Clip.Start+s.Clip.Length {
			out = append(out, c)
		}
	}
	return out
}

// transcript sends what is said in a step's clip, each line with its time
// in the lesson's video: x|<lesson>|<step>.
func (t *turn) transcript(args []string) ([]bot.Reply, error) {
	ls := t.cur.Lesson(args[0])
	if ls == nil {
		return t.lessonGone()
	}
	i := ls.StepIndex(args[1])
	if i < 0 || !hasCues(ls, ls.Steps[i]) {
		return t.expired()
	}
	var b strings.Builder
	b.WriteString(t.T("transcript", map[string]any{"Title": t.pick(ls.Title), "N": i + 1, "Total": len(ls.Steps)}))
	for _, c := range cuesOf(ls, ls.Steps[i]) {
		b.WriteString("\n\n" + clock(c.Start) + " " + c.Text)
	}
	return []bot.Reply{{
		Text: b.String(),
		Buttons: [][]bot.Button{
			{t.btn("btn_back_to_lesson", actStep, ls.ID, ls.Steps[i].ID)},
			{t.btn("btn_menu", actMenu)},
		},
	}}, nil
}

// media locates a picture or video: a URL, or a file inside the lesson's
// track folder on this server; nil when there is no such file, so that a
// bad name never makes the bot send another file.
func (t *turn) media(kind, src string, ls *content.Lesson) *bot.Media {
	if content.IsURL(src) {
		return &bot.Media{Kind: kind, URL: src}
	}
	p, err := t.cur.Track(ls.Track).MediaPath(src)
	if err != nil {
		return nil
	}
	return &bot.Media{Kind: kind, File: p}
}

// itoa is strconv.Itoa, short.
func itoa(n int) string { return strconv.Itoa(n) }
