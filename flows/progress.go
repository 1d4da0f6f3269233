package flows

import (
	"slices"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
)

// progress shows the learner's progress: p for the tracks that are theirs
// or started, p|all for every track.
func (t *turn) progress(args []string) ([]bot.Reply, error) {
	t.goTo(scrProgress)
	t.st.AllTracks = len(args) == 1 && args[0] == "all"
	if len(args) == 1 && !t.st.AllTracks {
		return t.expired()
	}
	return t.show()
}

func (t *turn) showProgress() (bot.Reply, error) {
	done, err := t.finished()
	if err != nil {
		return bot.Reply{}, err
	}
	text := t.T("progress_title", nil)
	hidden := false
	sts, err := t.trackStatuses()
	if err != nil {
		return bot.Reply{}, err
	}
	cohort, err := t.cohort()
	if err != nil {
		return bot.Reply{}, err
	}
	var checkRows [][]bot.Button
	for _, tr := range t.tracksInOrder() {
		n, started := 0, false
		for _, ls := range tr.Lessons {
			_, opened := done[ls.ID]
			started = started || opened
			if done[ls.ID] {
				n++
			}
		}
		// Another role's track counts only once started, or when asked
		// for: a shop has nothing to do with "Comune social 0 of 13".
		if !fits(tr.Roles, t.l.Role) && !started && !t.st.AllTracks {
			hidden = true
			continue
		}
		text += "\n\n" + t.pick(tr.Title) + "\n" + bar(n, len(tr.Lessons), 10) + " " +
			t.N("progress_lessons", len(tr.Lessons), map[string]any{"Done": n})
		lines, err := t.checkLines(sts[tr.ID], cohort)
		if err != nil {
			return bot.Reply{}, err
		}
		text += lines
		if s := sts[tr.ID]; s.canFinal() || s.canCertify() {
			checkRows = append(checkRows, t.checkButtons(s)...)
		}
	}
	if cohort.Code != "" {
		text += "\n\n" + t.T("progress_cohort", map[string]any{"Course": cohort.Course})
	}
	text += "\n"

	total, right, err := t.data.AnswerStats(t.ctx, t.l.ID)
	if err != nil {
		return bot.Reply{}, err
	}
	if total == 0 {
		text += "\n" + t.T("progress_quiz_none", nil)
	} else {
		text += "\n" + t.T("progress_quiz", map[string]any{"Percent": (right*100 + total/2) / total, "Right": right, "Total": total})
	}

	days, err := t.data.ActivityDays(t.ctx, t.l.ID, 400)
	if err != nil {
		return bot.Reply{}, err
	}
	text += "\n" + t.N("progress_streak", streak(days, t.now.In(t.loc)), nil)

	due, err := t.dueCount()
	if err != nil {
		return bot.Reply{}, err
	}
	if due > 0 {
		text += "\n" + t.N("progress_due", due, nil)
	}

	rp, err := t.resumePoint()
	if err != nil {
		return bot.Reply{}, err
	}
	rows := checkRows
	// Where the learner is, then the lesson after it: the lesson being
	// read or quizzed is not what comes next.
	next := rp.lesson
	if rp.lesson != nil && rp.kind != atNew {
		title := t.pick(rp.lesson.Title)
		switch rp.kind {
		case atQuiz:
			text += "\n" + t.T("progress_at_quiz", map[string]any{"Title": title, "N": rp.step + 1, "Total": len(t.st.Quiz.IDs)})
		case atLesson:
			text += "\n" + t.T("menu_at_step", map[string]any{"Title": title, "N": rp.step + 1, "Total": len(rp.lesson.Steps)})
		case atEnd:
			text += "\n" + t.T("menu_at_end", map[string]any{"Title": title})
		}
		if next, err = t.nextAfter(rp.lesson); err != nil {
			return bot.Reply{}, err
		}
	}
	switch {
	case rp.kind == atQuiz:
		rows = append(rows, []bot.Button{t.btn("btn_back_to_quiz", actContinue)})
	case rp.lesson != nil:
		rows = append(rows, []bot.Button{t.btn("btn_continue_short", actContinue)})
	}
	// Lessons left midway for another stay in sight, each a tap away.
	half, err := t.halfRead(rp.lesson)
	if err != nil {
		return bot.Reply{}, err
	}
	for _, h := range half {
		text += "\n" + t.T("progress_half_read", map[string]any{"Title": t.pick(h.lesson.Title), "N": h.step + 1, "Total": len(h.lesson.Steps)})
		rows = append(rows, []bot.Button{{Label: t.T("btn_continue", map[string]any{"Title": short(t.pick(h.lesson.Title), 32)}), Data: encode(actStep, h.lesson.ID, h.lesson.Steps[h.step].ID)}})
	}
	switch {
	case next != nil && slices.ContainsFunc(half, func(h halfLesson) bool { return h.lesson.ID == next.ID }):
		// Listed already, with where it was left.
	case next != nil:
		text += "\n" + t.T("progress_next", map[string]any{"Title": t.pick(next.Title)})
	case rp.lesson == nil:
		text += "\n" + t.T("progress_all_done", nil)
	}
	if due > 0 {
		rows = append(rows, []bot.Button{{Label: t.T("btn_review_due", map[string]any{"Count": due}), Data: encode(actReview)}})
	}
	if hidden {
		rows = append(rows, []bot.Button{t.btn("btn_all_tracks", actProgress, "all")})
	}
	return bot.Reply{Text: text, Buttons: append(rows, t.menuRow()...)}, nil
}

// maxHalfRead is how many lessons left midway /progress lists.
const maxHalfRead = 2

// halfLesson is a lesson left midway, at a step.
type halfLesson struct {
	lesson *content.Lesson
	step   int
}

// halfRead returns the lessons the learner opened and left before their
// end, most recent first, but skip (the one they are at), at most
// maxHalfRead.
func (t *turn) halfRead(skip *content.Lesson) ([]halfLesson, error) {
	progress, err := t.progressList()
	if err != nil {
		return nil, err
	}
	var out []halfLesson
	for _, p := range progress {
		ls := t.cur.Lesson(p.LessonID)
		if ls == nil || p.FinishedAt != nil || skip != nil && ls.ID == skip.ID {
			continue
		}
		i, err := t.position(ls)
		if err != nil {
			return nil, err
		}
		switch {
		case i >= len(ls.Steps):
			// Paged to the end from midway: the steps skipped are left,
			// from the first of them.
			if i, err = t.readInOrder(ls); err != nil {
				return nil, err
			}
			if i >= len(ls.Steps) {
				continue
			}
		case i == 0:
			continue // only opened
		}
		if out = append(out, halfLesson{ls, i}); len(out) == maxHalfRead {
			break
		}
	}
	return out, nil
}

// streak counts the consecutive active days up to today, or up to yesterday
// when today has no activity yet (the streak is still alive). days are
// "2006-01-02", latest first.
func streak(days []string, today time.Time) int {
	day := func(k int) string { return today.AddDate(0, 0, -k).Format(time.DateOnly) }
	k := 0
	if len(days) > 0 && days[0] != day(0) {
		k = 1
	}
	n := 0
	for _, d := range days {
		if d != day(k) {
			break
		}
		n++
		k++
	}
	return n
}
