package flows

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
)

// Where "continue" leads.
const (
	atQuiz   = "quiz"   // a quiz in progress
	atLesson = "lesson" // a lesson in progress, at a step
	atEnd    = "end"    // a lesson read to the end, quiz not taken
	atNew    = "new"    // the next lesson, not started
)

// resumePoint is where the learner would continue.
type resumePoint struct {
	kind   string // "" when every lesson is done
	lesson *content.Lesson
	step   int  // atLesson: the step; atQuiz: the question number
	begun  bool // atNew: the learner has opened a lesson before
}

// resumePoint finds where the learner left off: a quiz in progress, else the
// step of the lesson they last opened (or its quiz, when they read it to
// the end and have not taken it), else the lesson to read after that one
// (nextAfter, as the lesson's end screen offers it).
func (t *turn) resumePoint() (resumePoint, error) {
	if q := t.st.Quiz; q != nil && !q.Done {
		if ls := t.cur.Lesson(q.Lesson); ls != nil {
			return resumePoint{kind: atQuiz, lesson: ls, step: q.I}, nil
		}
	}
	progress, err := t.progressList()
	if err != nil {
		return resumePoint{}, err
	}
	var last *content.Lesson
	for _, p := range progress {
		ls := t.cur.Lesson(p.LessonID)
		if ls == nil {
			continue // unpublished: look further
		}
		i, err := t.position(ls)
		if err != nil {
			return resumePoint{}, err
		}
		if i < len(ls.Steps) {
			return resumePoint{kind: atLesson, lesson: ls, step: i}, nil
		}
		// Paged to the end from midway: on from the first step skipped.
		if r, err := t.readInOrder(ls); err != nil {
			return resumePoint{}, err
		} else if r < len(ls.Steps) {
			return resumePoint{kind: atLesson, lesson: ls, step: r}, nil
		}
		if p.QuizAt == nil && len(ls.Quiz) > 0 {
			return resumePoint{kind: atEnd, lesson: ls, step: len(ls.Steps)}, nil
		}
		last = ls
		break
	}
	next, err := t.nextAfter(last)
	if err != nil || next == nil {
		return resumePoint{}, err
	}
	return resumePoint{kind: atNew, lesson: next, begun: len(progress) > 0}, nil
}

// continueLearning takes the learner where they left off.
func (t *turn) continueLearning([]string) ([]bot.Reply, error) {
	rp, err := t.resumePoint()
	if err != nil {
		return nil, err
	}
	switch rp.kind {
	case atQuiz:
		t.goTo(scrQuiz)
		return t.show()
	case atLesson, atEnd:
		return t.openLesson(rp.lesson, rp.step)
	case atNew:
		// The next lesson on the path: where the learner left it, if
		// they started it before another.
		return t.openLesson(rp.lesson, -1)
	}
	t.note("all_done", nil)
	t.goTo(scrTracks)
	return t.show()
}

// path is the curriculum in the order the learner should take it: lessons
// for their role first, and among them those of their level first, each
// group in curriculum order.
func (t *turn) path() []*content.Lesson {
	all := t.cur.Lessons()
	rank := func(ls *content.Lesson) int {
		r := 0
		if !fits(ls.Roles, t.l.Role) {
			r += 2
		}
		if ls.Level != t.level() {
			r++
		}
		return r
	}
	slices.SortStableFunc(all, func(a, b *content.Lesson) int { return cmp.Compare(rank(a), rank(b)) })
	return all
}

// level is the learner's level, base when they did not say.
func (t *turn) level() string {
	if t.l.Level == "" {
		return "base"
	}
	return t.l.Level
}

// fits reports whether something for roles suits role (anything suits a
// learner who did not say).
func fits(roles []string, role string) bool {
	return role == "" || len(roles) == 0 || slices.Contains(roles, role)
}

// finished returns the lessons whose steps the learner read to the end.
func (t *turn) finished() (map[string]bool, error) {
	progress, err := t.progressList()
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, p := range progress {
		done[p.LessonID] = p.FinishedAt != nil
	}
	return done, nil
}

// nextLesson is the first lesson on the learner's path not read yet, or
// nil.
func (t *turn) nextLesson() (*content.Lesson, error) {
	done, err := t.finished()
	if err != nil {
		return nil, err
	}
	for _, ls := range t.path() {
		if !done[ls.ID] {
			return ls, nil
		}
	}
	return nil, nil
}

// nextAfter is the lesson to offer once ls is finished: the first not read
// yet after it in its track, else the first not read yet from the track's
// start, else the next on the learner's path; nil when all are read.
func (t *turn) nextAfter(ls *content.Lesson) (*content.Lesson, error) {
	if ls == nil {
		return t.nextLesson()
	}
	done, err := t.finished()
	if err != nil {
		return nil, err
	}
	if tr := t.cur.Track(ls.Track); tr != nil {
		if i := slices.IndexFunc(tr.Lessons, func(x *content.Lesson) bool { return x.ID == ls.ID }); i >= 0 {
			for _, next := range append(slices.Clone(tr.Lessons[i+1:]), tr.Lessons[:i]...) {
				if !done[next.ID] {
					return next, nil
				}
			}
		}
	}
	for _, next := range t.path() {
		if !done[next.ID] && next.ID != ls.ID {
			return next, nil
		}
	}
	return nil, nil
}

func (t *turn) showMenu() (bot.Reply, error) {
	rp, err := t.resumePoint()
	if err != nil {
		return bot.Reply{}, err
	}
	text := t.T("menu", nil)
	var rows [][]bot.Button
	if rp.lesson != nil {
		title := t.pick(rp.lesson.Title)
		label := "btn_continue"
		switch rp.kind {
		case atQuiz:
			text = t.T("menu_at_quiz", map[string]any{"Title": title, "N": rp.step + 1, "Total": len(t.st.Quiz.IDs)}) + "\n" + text
		case atLesson:
			text = t.T("menu_at_step", map[string]any{"Title": title, "N": rp.step + 1, "Total": len(rp.lesson.Steps)}) + "\n" + text
		case atEnd:
			text = t.T("menu_at_end", map[string]any{"Title": title}) + "\n" + text
		case atNew:
			label = "btn_begin"
		}
		rows = append(rows, []bot.Button{{Label: t.T(label, map[string]any{"Title": short(title, 32)}), Data: encode(actContinue)}})
	}
	due, err := t.dueCount()
	if err != nil {
		return bot.Reply{}, err
	}
	row := []bot.Button{t.btn("btn_lessons", actTracks)}
	if due > 0 {
		row = append(row, bot.Button{Label: t.T("btn_review_due", map[string]any{"Count": due}), Data: encode(actReview)})
	}
	rows = append(rows, row)
	if t.l.Role == bottega.RoleMunicipal && t.hasDrills() {
		rows = append(rows, []bot.Button{t.btn("btn_drills", actDrill)})
	}
	rows = append(rows,
		[]bot.Button{t.btn("btn_ask", actAsk), t.btn("btn_progress", actProgress)},
		[]bot.Button{t.btn("btn_check", actPlain), t.btn("btn_settings", actSettings)})
	return bot.Reply{Text: text, Buttons: rows}, nil
}

// tracks shows the tracks (no arguments) or a page of a track's lessons.
func (t *turn) tracks(args []string) ([]bot.Reply, error) {
	if len(args) == 0 {
		t.goTo(scrTracks)
		return t.show()
	}
	tr := t.cur.Track(args[0])
	if tr == nil {
		t.note("lesson_gone", nil)
		t.goTo(scrTracks)
		return t.show()
	}
	page := 0
	if len(args) == 2 {
		p, err := strconv.Atoi(args[1])
		if err != nil || strconv.Itoa(p) != args[1] || p >= pages(len(tr.Lessons)) {
			return t.expired()
		}
		page = p
	}
	t.st.Track, t.st.Page = tr.ID, page
	t.goTo(scrTrack)
	return t.show()
}

// tracksInOrder puts the tracks for the learner's role first.
func (t *turn) tracksInOrder() []*content.Track {
	trs := slices.Clone(t.cur.Tracks)
	slices.SortStableFunc(trs, func(a, b *content.Track) int {
		fa, fb := fits(a.Roles, t.l.Role), fits(b.Roles, t.l.Role)
		switch {
		case fa == fb:
			return cmp.Compare(a.Order, b.Order)
		case fa:
			return -1
		}
		return 1
	})
	return trs
}

func (t *turn) showTracks() (bot.Reply, error) {
	done, err := t.finished()
	if err != nil {
		return bot.Reply{}, err
	}
	text := t.T("tracks", nil)
	var rows [][]bot.Button
	for _, tr := range t.tracksInOrder() {
		n := 0
		for _, ls := range tr.Lessons {
			if done[ls.ID] {
				n++
			}
		}
		title := t.pick(tr.Title)
		text += "\n\n" + t.T("track_line", map[string]any{"Title": title, "Summary": t.pick(tr.Summary)})
		label := t.T("btn_track", map[string]any{"Title": short(title, 32), "Done": n, "Total": len(tr.Lessons)})
		rows = append(rows, []bot.Button{{Label: label, Data: encode(actTracks, tr.ID, "0")}})
	}
	return bot.Reply{Text: text, Buttons: append(rows, t.menuRow()...)}, nil
}

// perPage lessons are listed at a time: a list a phone shows without
// scrolling.
const perPage = 7

func pages(n int) int { return max(1, (n+perPage-1)/perPage) }

func (t *turn) showTrack() (bot.Reply, error) {
	tr := t.cur.Track(t.st.Track)
	if tr == nil {
		t.note("lesson_gone", nil)
		t.goTo(scrTracks)
		return t.showTracks()
	}
	progress, err := t.progressList()
	if err != nil {
		return bot.Reply{}, err
	}
	mark := map[string]string{}
	for _, p := range progress {
		mark[p.LessonID] = "▶️"
		if p.FinishedAt != nil {
			mark[p.LessonID] = "✅"
		}
	}
	n := pages(len(tr.Lessons))
	page := min(max(t.st.Page, 0), n-1)
	text := t.T("track", map[string]any{"Title": t.pick(tr.Title)}) + "\n" + t.pick(tr.Summary)
	sts, err := t.trackStatuses()
	if err != nil {
		return bot.Reply{}, err
	}
	text += t.trackCheckText(sts[tr.ID])
	rows := t.checkButtons(sts[tr.ID])
	for i := page * perPage; i < min(len(tr.Lessons), (page+1)*perPage); i++ {
		ls := tr.Lessons[i]
		m := mark[ls.ID]
		if m == "" {
			m = "▫️"
		}
		label := m + " " + strconv.Itoa(i+1) + ". " + short(t.pick(ls.Title), 40)
		rows = append(rows, []bot.Button{{Label: label, Data: encode(actStep, ls.ID)}})
	}
	// More comes right after the lessons, so that it has the same
	// number on every page where buttons are numbered; back goes with
	// the way out.
	var foot []bot.Button
	if n > 1 {
		text += "\n" + t.T("page", map[string]any{"N": page + 1, "Total": n})
		if page < n-1 {
			rows = append(rows, []bot.Button{{Label: t.T("btn_next_page", nil), Data: encode(actTracks, tr.ID, strconv.Itoa(page+1))}})
		}
		if page > 0 {
			foot = append(foot, bot.Button{Label: t.T("btn_prev_page", nil), Data: encode(actTracks, tr.ID, strconv.Itoa(page-1))})
		}
	}
	rows = append(rows, append(foot, t.btn("btn_tracks", actTracks), t.btn("btn_menu", actMenu)))
	return bot.Reply{Text: text, Buttons: rows}, nil
}

// lessonGone tells the learner that the lesson they were on is no longer
// published, and offers the menu.
func (t *turn) lessonGone() ([]bot.Reply, error) {
	t.press = false
	t.note("lesson_gone", nil)
	t.forgetMissing()
	t.goTo(scrMenu)
	return t.show()
}

// forgetMissing drops from the state what points at unpublished lessons.
func (t *turn) forgetMissing() {
	if q := t.st.Quiz; q != nil && t.cur.Lesson(q.Lesson) == nil {
		t.st.Quiz = nil
	}
	if t.st.Lesson != "" && t.cur.Lesson(t.st.Lesson) == nil {
		t.st.Lesson = ""
	}
}

// pick chooses the learner's language from a curriculum text: their own,
// else English for non-Italian speakers when there is one, else Italian.
func (t *turn) pick(txt content.Text) string {
	switch {
	case txt.Has(t.l.Locale):
		return strings.TrimSpace(txt[t.l.Locale])
	case t.l.Locale != "it" && txt.Has("en"):
		return strings.TrimSpace(txt["en"])
	}
	return strings.TrimSpace(txt.Get("it"))
}

// hasDrills reports whether the curriculum has any crisis drill.
func (t *turn) hasDrills() bool {
	for _, tr := range t.cur.Tracks {
		if len(tr.Drills) > 0 {
			return true
		}
	}
	return false
}
