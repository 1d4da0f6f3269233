package flows

import (
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
)

// Spaced repetition uses Leitner boxes. A question answered wrongly, in a
// quiz or a review, goes to box 1; answered right in a review, it moves up
// one box; right in box 5, it leaves the schedule, learned. A question in
// box b is due boxDays(b) days after it was answered, from the start of that
// day in the learner's time zone, so "today's reviews" are the items due
// before tomorrow's midnight and a reminder can be sent at the learner's
// hour. Right answers in a quiz (a retry right after a mistake is not
// spaced) leave the schedule alone.
const maxBox = 5

// boxDays is the interval of a box, in days: it roughly doubles.
func boxDays(box int) int {
	switch box {
	case 1:
		return 1
	case 2:
		return 3
	case 3:
		return 7
	case 4:
		return 14
	}
	return 30
}

// leitner moves a scheduled question after an answer: its new box, or
// learned when it leaves the schedule.
func leitner(box int, correct bool) (next int, learned bool) {
	switch {
	case !correct:
		return 1, false
	case box >= maxBox:
		return 0, true
	}
	return max(box, 0) + 1, false
}

// schedule updates a question's review schedule after an answer. It returns
// in how many days the question comes back (0: not scheduled) and whether
// it was just learned.
func (t *turn) schedule(lesson, question string, correct bool) (days int, learned bool, err error) {
	it, ok, err := t.data.ReviewItem(t.ctx, t.l.ID, lesson, question)
	if err != nil {
		return 0, false, err
	}
	box := 1
	if ok {
		box, learned = leitner(it.Box, correct)
	} else if correct {
		return 0, false, nil
	}
	if learned {
		return 0, true, t.data.DeleteReviewItem(t.ctx, t.l.ID, lesson, question)
	}
	days = boxDays(box)
	err = t.data.SaveReviewItem(t.ctx, bottega.ReviewItem{
		LearnerID: t.l.ID, LessonID: lesson, QuestionID: question,
		Box: box, DueAt: t.midnight(days), UpdatedAt: t.now,
	})
	return days, false, err
}

// reviewState is a review session: the question on screen, its answer once
// given, and the tally.
type reviewState struct {
	Lesson   string `json:"lesson,omitempty"`
	Question string `json:"question,omitempty"`
	Answered bool   `json:"answered,omitempty"`
	Choice   int    `json:"choice,omitempty"`
	// Days until the answered question comes back; 0 when it was learned.
	Days     int  `json:"days,omitempty"`
	Done     int  `json:"done"`
	Right    int  `json:"right"`
	Total    int  `json:"total"`
	Finished bool `json:"finished,omitempty"`
}

// due returns today's review items whose question still exists.
func (t *turn) due() ([]bottega.ReviewItem, error) {
	items, err := t.data.DueReviews(t.ctx, t.l.ID, t.midnight(1))
	if err != nil {
		return nil, err
	}
	var live []bottega.ReviewItem
	for _, it := range items {
		if t.reviewQuestion(it.LessonID, it.QuestionID) != nil {
			live = append(live, it)
		}
	}
	return live, nil
}

func (t *turn) dueCount() (int, error) {
	items, err := t.due()
	return len(items), err
}

func (t *turn) reviewQuestion(lesson, id string) *content.Question {
	if ls := t.cur.Lesson(lesson); ls != nil {
		return question(ls, id)
	}
	return nil
}

// review starts or continues today's review: the question on screen if it
// is not answered yet, else the next one due.
func (t *turn) review([]string) ([]bot.Reply, error) {
	rv := t.st.Review
	if rv == nil || rv.Finished {
		rv = &reviewState{}
		t.st.Review = rv
	}
	if rv.Question == "" || rv.Answered || t.reviewQuestion(rv.Lesson, rv.Question) == nil {
		if err := t.pickReview(); err != nil {
			return nil, err
		}
	}
	if rv.Finished {
		t.goTo(scrReviewDone)
	} else {
		t.goTo(scrReview)
	}
	return t.show()
}

// pickReview puts the next due question on screen, or finishes the session.
func (t *turn) pickReview() error {
	rv := t.st.Review
	due, err := t.due()
	if err != nil {
		return err
	}
	rv.Total = rv.Done + len(due)
	rv.Answered, rv.Choice, rv.Days = false, 0, 0
	if len(due) == 0 {
		rv.Lesson, rv.Question, rv.Finished = "", "", true
		return nil
	}
	rv.Lesson, rv.Question = due[0].LessonID, due[0].QuestionID
	return nil
}

// recall takes a review answer: v|<lesson>|<question>|<n>.
func (t *turn) recall(args []string) ([]bot.Reply, error) {
	rv := t.st.Review
	if rv == nil || rv.Finished || rv.Answered || rv.Lesson != args[0] || rv.Question != args[1] {
		return t.expired()
	}
	q := t.reviewQuestion(rv.Lesson, rv.Question)
	n, ok := option(q, args[2])
	if !ok {
		return t.expired()
	}
	correct := n == q.Correct
	err := t.data.RecordAnswer(t.ctx, bottega.Answer{
		LearnerID: t.l.ID, LessonID: rv.Lesson, QuestionID: rv.Question, Choice: n,
		Correct: correct, Source: bottega.SourceReview, Version: t.ver, At: t.now,
	})
	if err != nil {
		return nil, err
	}
	days, _, err := t.schedule(rv.Lesson, rv.Question, correct)
	if err != nil {
		return nil, err
	}
	rv.Answered, rv.Choice, rv.Days = true, n, days
	rv.Done++
	if correct {
		rv.Right++
	}
	t.goTo(scrReview)
	return t.show()
}

func (t *turn) showReview() (bot.Reply, error) {
	rv := t.st.Review
	if rv == nil {
		t.goTo(scrMenu)
		return t.showMenu()
	}
	q := t.reviewQuestion(rv.Lesson, rv.Question)
	if q == nil && !rv.Finished {
		// Unpublished since it was put on screen.
		if err := t.pickReview(); err != nil {
			return bot.Reply{}, err
		}
		q = t.reviewQuestion(rv.Lesson, rv.Question)
	}
	if rv.Finished || q == nil {
		t.goTo(scrReviewDone)
		return t.showReviewDone()
	}
	title := t.pick(t.cur.Lesson(rv.Lesson).Title)
	if rv.Answered {
		text := t.feedback(q, rv.Choice) + " "
		if rv.Days == 0 {
			text += t.T("review_learned", nil)
		} else {
			text += t.N("review_again", rv.Days, nil)
		}
		text += t.mistake(q, rv.Choice) + "\n\n" + t.pick(q.Explain)
		return bot.Reply{Text: text, Buttons: [][]bot.Button{
			{t.btn("btn_next_question", actReview)},
			{t.btn("btn_menu", actMenu)},
		}}, nil
	}
	text := t.T("review_question", map[string]any{"N": rv.Done + 1, "Total": rv.Total, "Title": title}) +
		"\n\n" + t.pick(q.Question)
	order, err := t.optionOrder(rv.Lesson, q)
	if err != nil {
		return bot.Reply{}, err
	}
	rows := t.options(q, order, func(n int) string { return encode(actRecall, rv.Lesson, rv.Question, itoa(n)) })
	return bot.Reply{Text: text, Buttons: append(rows, t.menuRow()...)}, nil
}

func (t *turn) showReviewDone() (bot.Reply, error) {
	rv := t.st.Review
	var text string
	if rv != nil && rv.Done > 0 {
		text = t.T("review_done", map[string]any{"Right": rv.Right, "Total": rv.Done})
	} else {
		text = t.T("review_none", nil)
		items, err := t.data.ReviewItems(t.ctx, t.l.ID)
		if err != nil {
			return bot.Reply{}, err
		}
		if len(items) > 0 {
			text += "\n" + t.N("review_next", t.daysUntil(items[0].DueAt), nil)
		} else {
			text += "\n" + t.T("review_empty", nil)
		}
	}
	return bot.Reply{Text: text, Buttons: [][]bot.Button{
		{t.btn("btn_keep_learning", actContinue)},
		{t.btn("btn_menu", actMenu)},
	}}, nil
}

// daysUntil counts the learner's calendar days from today to at.
func (t *turn) daysUntil(at time.Time) int {
	y, m, d := at.In(t.loc).Date()
	ty, tm, td := t.now.In(t.loc).Date()
	a := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	b := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	return int(a.Sub(b).Hours() / 24)
}
