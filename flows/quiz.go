package flows

import (
	"slices"
	"strconv"
	"strings"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
)

// quizState is a quiz in progress: the questions (ids, in order), which one
// is on screen, whether its answer was given (then the feedback is on
// screen), and the score so far.
type quizState struct {
	Lesson   string   `json:"lesson"`
	IDs      []string `json:"ids"`
	I        int      `json:"i"`
	Answered bool     `json:"answered,omitempty"`
	Choice   int      `json:"choice,omitempty"`
	Right    int      `json:"right"`
	Missed   []string `json:"missed,omitempty"`
	// Full is a whole quiz, whose score is kept; otherwise a retry of the
	// missed questions.
	Full bool `json:"full,omitempty"`
	Done bool `json:"done,omitempty"`
}

// Quiz modes in button data.
const (
	quizAll    = "all"
	quizMissed = "miss"
)

// startQuiz begins a lesson's quiz: b|<lesson>|all or b|<lesson>|miss for the
// questions whose latest answer was wrong.
func (t *turn) startQuiz(args []string) ([]bot.Reply, error) {
	ls := t.cur.Lesson(args[0])
	if ls == nil {
		return t.lessonGone()
	}
	var ids []string
	switch args[1] {
	case quizAll:
		for _, q := range ls.Quiz {
			ids = append(ids, q.ID)
		}
	case quizMissed:
		missed, err := t.data.Missed(t.ctx, t.l.ID, ls.ID)
		if err != nil {
			return nil, err
		}
		for _, q := range ls.Quiz {
			if slices.Contains(missed, q.ID) {
				ids = append(ids, q.ID)
			}
		}
	default:
		return t.expired()
	}
	if len(ids) == 0 {
		t.note("quiz_nothing_missed", nil)
		t.goTo(scrMenu)
		return t.show()
	}
	t.st.Quiz = &quizState{Lesson: ls.ID, IDs: ids, Full: args[1] == quizAll}
	t.st.Lesson = ls.ID
	t.goTo(scrQuiz)
	return t.show()
}

// question returns the question with id in a lesson, or nil.
func question(ls *content.Lesson, id string) *content.Question {
	for i := range ls.Quiz {
		if ls.Quiz[i].ID == id {
			return &ls.Quiz[i]
		}
	}
	return nil
}

// current returns the question on screen, skipping questions a new version
// of the lesson removed; nil when none is left.
func (q *quizState) current(ls *content.Lesson) *content.Question {
	for ; q.I < len(q.IDs); q.I++ {
		if cq := question(ls, q.IDs[q.I]); cq != nil {
			return cq
		}
		q.Answered = false
	}
	return nil
}

// answer takes a quiz answer: q|<lesson>|<question>|<n>. Only the question
// on screen, not yet answered, can be answered.
func (t *turn) answer(args []string) ([]bot.Reply, error) {
	q := t.st.Quiz
	if q == nil || q.Done || q.Lesson != args[0] {
		return t.expired()
	}
	ls := t.cur.Lesson(q.Lesson)
	if ls == nil {
		return t.lessonGone()
	}
	cq := q.current(ls)
	n, ok := option(cq, args[2])
	if cq == nil || cq.ID != args[1] || q.Answered || !ok {
		return t.expired()
	}
	correct := n == cq.Correct
	if err := t.recordAnswer(ls.ID, cq.ID, n, correct, bottega.SourceQuiz); err != nil {
		return nil, err
	}
	q.Answered, q.Choice = true, n
	if correct {
		q.Right++
	} else {
		q.Missed = append(q.Missed, cq.ID)
	}
	t.goTo(scrQuiz)
	return t.show()
}

// option parses an answer number for a question.
func option(q *content.Question, s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if q == nil || err != nil || strconv.Itoa(n) != s || n < 0 || n >= q.OptionCount() {
		return 0, false
	}
	return n, true
}

// recordAnswer stores a quiz answer; a wrong one goes (back) to the first
// review box. A right one leaves the schedule alone: only spaced reviews
// move a question up.
func (t *turn) recordAnswer(lesson, question string, choice int, correct bool, source string) error {
	err := t.data.RecordAnswer(t.ctx, bottega.Answer{
		LearnerID: t.l.ID, LessonID: lesson, QuestionID: question, Choice: choice,
		Correct: correct, Source: source, Version: t.ver, At: t.now,
	})
	if err != nil || correct {
		return err
	}
	_, _, err = t.schedule(lesson, question, false)
	return err
}

// nextQuestion moves past an answered question: n|<lesson>|<question>.
func (t *turn) nextQuestion(args []string) ([]bot.Reply, error) {
	q := t.st.Quiz
	if q == nil || q.Done || q.Lesson != args[0] || !q.Answered {
		return t.expired()
	}
	ls := t.cur.Lesson(q.Lesson)
	if ls == nil {
		return t.lessonGone()
	}
	if cq := q.current(ls); cq == nil || cq.ID != args[1] {
		return t.expired()
	}
	q.I++
	q.Answered, q.Choice = false, 0
	t.goTo(scrQuiz)
	return t.show()
}

func (t *turn) showQuiz() (bot.Reply, error) {
	q := t.st.Quiz
	if q == nil || q.Done {
		t.goTo(scrMenu)
		return t.showMenu()
	}
	ls := t.cur.Lesson(q.Lesson)
	if ls == nil {
		t.note("lesson_gone", nil)
		t.forgetMissing()
		t.goTo(scrMenu)
		return t.showMenu()
	}
	cq := q.current(ls)
	if cq == nil {
		if err := t.finishQuiz(); err != nil {
			return bot.Reply{}, err
		}
		t.goTo(scrQuizDone)
		if t.needsAsk() {
			t.st.Ask = &askState{Why: askProgress, Back: scrQuizDone}
			t.goTo(scrSave)
			return t.showSave()
		}
		return t.showQuizDone()
	}
	if q.Answered {
		text := t.feedback(cq, q.Choice) + t.mistake(cq, q.Choice) + "\n\n" + t.pick(cq.Explain)
		label := "btn_next_question"
		if q.I == len(q.IDs)-1 {
			label = "btn_results"
		}
		return bot.Reply{Text: text, Buttons: [][]bot.Button{
			{t.btn(label, actNext, ls.ID, cq.ID)},
			{t.btn("btn_menu", actMenu)},
		}}, nil
	}
	order, err := t.optionOrder(ls.ID, cq)
	if err != nil {
		return bot.Reply{}, err
	}
	return t.questionScreen(ls, cq, q.I, len(q.IDs), order), nil
}

// questionScreen is question n of total of a lesson's quiz, its options in
// the given order.
func (t *turn) questionScreen(ls *content.Lesson, cq *content.Question, n, total int, order []int) bot.Reply {
	text := t.T("quiz_question", map[string]any{"N": n + 1, "Total": total, "Title": t.pick(ls.Title)}) +
		"\n\n" + t.pick(cq.Question)
	rows := t.options(cq, order, func(i int) string { return encode(actAnswer, ls.ID, cq.ID, strconv.Itoa(i)) })
	return bot.Reply{Text: text, Buttons: append(rows, t.menuRow()...)}
}

// options are a question's answer buttons: true/false side by side, choices
// one per row so that long ones stay readable, in the given order. A
// button's data carries the option's number in the file, whatever its
// place, so answers are recorded and judged as written.
func (t *turn) options(q *content.Question, order []int, data func(n int) string) [][]bot.Button {
	if !q.HasOptions() {
		return [][]bot.Button{{
			{Label: t.T("btn_true", nil), Data: data(0)},
			{Label: t.T("btn_false", nil), Data: data(1)},
		}}
	}
	rows := make([][]bot.Button, 0, len(q.Options))
	for _, i := range order {
		if i >= 0 && i < len(q.Options) {
			rows = append(rows, []bot.Button{{Label: t.pick(q.Options[i]), Data: data(i)}})
		}
	}
	return rows
}

// answerText is the text of answer n.
func (t *turn) answerText(q *content.Question, n int) string {
	if !q.HasOptions() {
		if n == 0 {
			return t.T("btn_true", nil)
		}
		return t.T("btn_false", nil)
	}
	if n >= 0 && n < len(q.Options) {
		return t.pick(q.Options[n])
	}
	return ""
}

// mistake is what the lesson says about wrong answer n, on a paragraph of
// its own; "" for a right answer or when the lesson says nothing.
func (t *turn) mistake(q *content.Question, n int) string {
	if n == q.Correct {
		return ""
	}
	if m := t.pick(q.Wrong[n]); m != "" {
		return "\n\n" + m
	}
	return ""
}

// feedback says whether answer n was right, and if not what was.
func (t *turn) feedback(q *content.Question, n int) string {
	if n == q.Correct {
		return t.T("answer_right", nil)
	}
	return t.T("answer_wrong", map[string]any{"Answer": unquoted(t.answerText(q, q.Correct))})
}

// unquoted is s without the quotation marks around the whole of it: an
// option that is a quotation («Gentile signore, riapre venerdì…») goes
// inside the message's own marks, not doubled.
func unquoted(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > 2 && strings.ContainsRune(`"«“„`, r[0]) && strings.ContainsRune(`"»”“`, r[len(r)-1]) &&
		!strings.ContainsAny(string(r[1:len(r)-1]), `"«»“”„`) {
		return string(r[1 : len(r)-1])
	}
	return s
}

// finishQuiz ends the quiz once, keeping the score of a full one.
func (t *turn) finishQuiz() error {
	q := t.st.Quiz
	if q.Done {
		return nil
	}
	q.Done = true
	q.Answered = false
	if !q.Full {
		return nil
	}
	delete(t.saved, q.Lesson) // read again if needed
	t.listed = nil
	return t.data.SaveQuizResult(t.ctx, t.l.ID, q.Lesson, q.Right, q.Right+len(q.Missed), t.now)
}

func (t *turn) showQuizDone() (bot.Reply, error) {
	q := t.st.Quiz
	if q == nil || !q.Done {
		t.goTo(scrMenu)
		return t.showMenu()
	}
	total := q.Right + len(q.Missed)
	praise := "quiz_praise_low"
	switch {
	case q.Right == total:
		praise = "quiz_praise_all"
	case q.Right*10 >= total*6:
		praise = "quiz_praise_good"
	}
	text := t.T("quiz_score", map[string]any{"Right": q.Right, "Total": total}) + " " + t.T(praise, nil)
	var rows [][]bot.Button
	if len(q.Missed) > 0 {
		if t.consented() { // without consent, there is no review to come back in
			text += "\n" + t.N("quiz_missed", len(q.Missed), nil)
		}
		rows = append(rows, []bot.Button{t.btn("btn_retry", actQuiz, q.Lesson, quizMissed)})
	}
	if s, err := t.finalAfter(t.cur.Lesson(q.Lesson)); err != nil {
		return bot.Reply{}, err
	} else if s != nil {
		text += "\n\n" + t.T("track_complete", map[string]any{"Title": t.pick(s.tr.Title)})
		rows = append(rows, t.checkButtons(s)...)
	}
	next, err := t.nextAfter(t.cur.Lesson(q.Lesson))
	if err != nil {
		return bot.Reply{}, err
	}
	if next != nil {
		rows = append(rows, []bot.Button{{Label: t.T("btn_next_lesson", map[string]any{"Title": short(t.pick(next.Title), 32)}), Data: encode(actStep, next.ID)}})
	}
	rows = append(rows, []bot.Button{t.btn("btn_progress", actProgress), t.btn("btn_menu", actMenu)})
	return bot.Reply{Text: text, Buttons: rows}, nil
}
