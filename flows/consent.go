package flows

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
)

// What consent covers. With it, Bottega keeps the learner's choices (work,
// level, reminder time), their progress in lessons, quiz answers, review
// schedule and active days, until they withdraw it or erase everything
// (/delete). Without it, it keeps only what the conversation cannot work
// without: the learner's platform id, chat, name and language, the
// conversation state and, inside it, this session (work and level, where
// they are in the lessons they opened, the answers of today's quizzes),
// all erased 24 hours after their last activity (store.ForgetUnconsented);
// no reminders go out. The store refuses the writes of progress for a
// learner without consent as well, so no flow can keep them by mistake.
//
// The first thing that needs storage (a lesson read to the end, a quiz's
// score, a reminder time) asks for consent again, once a session: yes saves
// what the session holds and goes on; no goes on without saving.

// session is what a learner without consent chose and did since they came:
// kept in the conversation state only.
type session struct {
	Role     string `json:"role,omitempty"`
	Level    string `json:"level,omitempty"`
	Reminder string `json:"rem,omitempty"`
	// Lessons are the positions in the lessons opened, by lesson.
	Lessons map[string]*sessionLesson `json:"lessons,omitempty"`
	Answers []sessionAnswer           `json:"answers,omitempty"`
	// Declined is set once the learner said no to saving: they are not
	// asked again this session (they can still give consent in settings).
	Declined bool `json:"declined,omitempty"`
}

type sessionLesson struct {
	Step  string   `json:"step,omitempty"`
	Index int      `json:"i"`
	Steps []string `json:"steps,omitempty"`
	// Reached: see bottega.LessonProgress; nil in a session kept before
	// it was, read as Index.
	Reached   *int       `json:"reached,omitempty"`
	Version   int64      `json:"v,omitempty"`
	Started   time.Time  `json:"started"`
	Updated   time.Time  `json:"updated"`
	Finished  *time.Time `json:"finished,omitempty"`
	QuizRight int        `json:"quiz_right,omitempty"`
	QuizTotal int        `json:"quiz_total,omitempty"`
	QuizAt    *time.Time `json:"quiz_at,omitempty"`
}

type sessionAnswer struct {
	Lesson   string    `json:"lesson"`
	Question string    `json:"q"`
	Choice   int       `json:"choice"`
	Correct  bool      `json:"ok,omitempty"`
	Source   string    `json:"source"`
	Version  int64     `json:"v,omitempty"`
	At       time.Time `json:"at"`
}

// learning is the storage of what a learner does: the database with
// consent, the session without.
type learning interface {
	ProgressStore
	QuizStore
	ReviewStore
}

// consented reports whether the learner lets Bottega keep their data.
func (t *turn) consented() bool { return t.l.ConsentAt != nil }

// session returns the session of a learner without consent.
func (t *turn) session() *session {
	if t.st.Session == nil {
		t.st.Session = &session{}
	}
	return t.st.Session
}

// useStorage points the turn at where the learner's doings are kept, and
// gives a learner without consent the choices of their session.
func (t *turn) useStorage() {
	if t.consented() {
		t.data = t.s
		return
	}
	t.data = sessionData{t}
	if s := t.st.Session; s != nil {
		t.l.Role, t.l.Level, t.l.Reminder = s.Role, s.Level, s.Reminder
	}
}

// needsAsk reports whether to ask for consent before keeping something.
func (t *turn) needsAsk() bool {
	return !t.consented() && (t.st.Session == nil || !t.st.Session.Declined)
}

// Why consent is asked again (askState.Why).
const (
	askProgress = "progress" // a lesson finished, a quiz's score
	askReminder = "reminder" // a reminder time
)

// askState is the question "may I save?" on screen: why, the reminder time
// waiting for the answer, and the screen to go back to.
type askState struct {
	Why   string `json:"why"`
	Value string `json:"value,omitempty"`
	// Command is set when Value is the argument of /reminders.
	Command bool   `json:"command,omitempty"`
	Back    string `json:"back"`
}

// askSave asks for consent, then goes back to screen back.
func (t *turn) askSave(why, value string, command bool, back string) ([]bot.Reply, error) {
	t.st.Ask = &askState{Why: why, Value: value, Command: command, Back: back}
	t.goTo(scrSave)
	return t.show()
}

func (t *turn) showSave() (bot.Reply, error) {
	a := t.st.Ask
	if a == nil {
		t.goTo(scrMenu)
		return t.showMenu()
	}
	text := t.T("save_ask_progress", nil)
	if a.Why == askReminder {
		at := a.Value
		for _, r := range reminders() {
			if r.value == a.Value && !a.Command {
				at = r.at
			}
		}
		text = t.T("save_ask_reminder", map[string]any{"Time": at})
	}
	return bot.Reply{Text: text, Buttons: [][]bot.Button{
		{t.btn("btn_save_yes", actSave, "yes")},
		{t.btn("btn_save_no", actSave, "no")},
	}}, nil
}

// save answers "may I save?": z|yes or z|no.
func (t *turn) save(args []string) ([]bot.Reply, error) {
	a := t.st.Ask
	if a == nil || t.st.Screen != scrSave || args[0] != "yes" && args[0] != "no" {
		return t.expired()
	}
	t.st.Ask = nil
	t.goTo(a.Back)
	if args[0] == "no" {
		t.session().Declined = true
		if a.Why == askReminder {
			t.note("save_no_reminder", nil)
		} else {
			t.note("save_no", nil)
		}
		return t.show()
	}
	if err := t.giveConsent(); err != nil {
		return nil, err
	}
	if a.Why == askReminder && a.Command {
		// /reminders HH:MM, now that it may be kept: the command's
		// confirmation takes the question's place, the only one.
		t.u.Data, t.u.Text = "", "/reminders "+a.Value
		r, ok, err := t.extensions()
		if err != nil {
			return nil, err
		}
		if ok && len(r) > 0 {
			r[0].Text += "\n" + t.T("save_yes_reminder", nil)
			r[0].Edit = t.press
			return r, nil
		}
	}
	t.note("save_yes", nil)
	if a.Why == askReminder && !a.Command {
		if err := t.set(fieldReminder, a.Value); err != nil {
			return nil, err
		}
	}
	return t.show()
}

// giveConsent records the learner's consent and saves what their session
// holds: their choices, positions, quiz scores and answers (a question
// whose latest answer was wrong goes to review), and today's activity.
func (t *turn) giveConsent() error {
	if t.consented() {
		return nil
	}
	now := t.now
	t.l.ConsentAt = &now
	if err := t.saveLearner(); err != nil {
		return err
	}
	s := t.st.Session
	t.st.Session = nil
	t.data, t.listed = t.s, nil
	if err := t.s.TouchActivity(t.ctx, t.l.ID, t.today()); err != nil {
		return err
	}
	if s == nil {
		return nil
	}
	ids := make([]string, 0, len(s.Lessons))
	for id := range s.Lessons {
		ids = append(ids, id)
	}
	// Oldest first, so that the latest stays the latest.
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(s.Lessons[a].Updated.Compare(s.Lessons[b].Updated), strings.Compare(a, b))
	})
	for _, id := range ids {
		p := s.Lessons[id].progress(t.l.ID, id)
		if err := t.s.SavePosition(t.ctx, p); err != nil {
			return err
		}
		if p.QuizAt != nil {
			if err := t.s.SaveQuizResult(t.ctx, t.l.ID, id, p.QuizRight, p.QuizTotal, *p.QuizAt); err != nil {
				return err
			}
		}
	}
	wrong := map[[2]string]bool{}
	for _, a := range s.Answers {
		err := t.s.RecordAnswer(t.ctx, bottega.Answer{LearnerID: t.l.ID, LessonID: a.Lesson, QuestionID: a.Question,
			Choice: a.Choice, Correct: a.Correct, Source: a.Source, Version: a.Version, At: a.At})
		if err != nil {
			return err
		}
		wrong[[2]string{a.Lesson, a.Question}] = !a.Correct
	}
	for _, a := range s.Answers {
		if k := [2]string{a.Lesson, a.Question}; wrong[k] {
			wrong[k] = false
			if _, _, err := t.schedule(a.Lesson, a.Question, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// withdrawConsent forgets what was kept with consent; the learner's work
// and level stay for this session.
func (t *turn) withdrawConsent() error {
	if !t.consented() {
		return nil
	}
	t.l.ConsentAt = nil
	t.l.Reminder = ""
	if err := t.s.ForgetProgress(t.ctx, t.l.ID); err != nil {
		return err
	}
	t.saved, t.listed = nil, nil // forgotten: nothing read before stands
	t.st.Session = &session{Role: t.l.Role, Level: t.l.Level, Declined: true}
	t.data = sessionData{t}
	return t.saveLearner()
}

func (p *sessionLesson) progress(learnerID int64, lessonID string) bottega.LessonProgress {
	reached := p.Index
	if p.Reached != nil {
		reached = *p.Reached
	}
	return bottega.LessonProgress{
		LearnerID: learnerID, LessonID: lessonID, StepID: p.Step, StepIndex: p.Index, StepIDs: p.Steps, Reached: reached,
		Version: p.Version, StartedAt: p.Started, UpdatedAt: p.Updated, FinishedAt: p.Finished,
		QuizRight: p.QuizRight, QuizTotal: p.QuizTotal, QuizAt: p.QuizAt,
	}
}

// sessionData keeps a learner's doings in their session, as the store
// would with consent; there is no review schedule (reviews come days
// later) and the only active day is today.
type sessionData struct{ t *turn }

func (d sessionData) s() *session { return d.t.session() }

func (d sessionData) SavePosition(_ context.Context, p bottega.LessonProgress) error {
	s := d.s()
	if s.Lessons == nil {
		s.Lessons = map[string]*sessionLesson{}
	}
	sl := s.Lessons[p.LessonID]
	if sl == nil {
		sl = &sessionLesson{Started: p.UpdatedAt}
		s.Lessons[p.LessonID] = sl
	}
	reached := p.Reached
	sl.Step, sl.Index, sl.Steps, sl.Reached, sl.Version, sl.Updated = p.StepID, p.StepIndex, p.StepIDs, &reached, p.Version, p.UpdatedAt
	if sl.Finished == nil && p.Reached >= len(p.StepIDs) {
		at := p.UpdatedAt
		sl.Finished = &at
	}
	return nil
}

func (d sessionData) Position(_ context.Context, learnerID int64, lessonID string) (bottega.LessonProgress, bool, error) {
	if s := d.t.st.Session; s != nil && s.Lessons[lessonID] != nil {
		return s.Lessons[lessonID].progress(learnerID, lessonID), true, nil
	}
	return bottega.LessonProgress{}, false, nil
}

func (d sessionData) Progress(_ context.Context, learnerID int64) ([]bottega.LessonProgress, error) {
	var ps []bottega.LessonProgress
	if s := d.t.st.Session; s != nil {
		for id, sl := range s.Lessons {
			ps = append(ps, sl.progress(learnerID, id))
		}
	}
	slices.SortFunc(ps, func(a, b bottega.LessonProgress) int {
		return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), strings.Compare(a.LessonID, b.LessonID))
	})
	return ps, nil
}

func (d sessionData) SaveQuizResult(_ context.Context, _ int64, lessonID string, right, total int, at time.Time) error {
	s := d.s()
	if s.Lessons == nil {
		s.Lessons = map[string]*sessionLesson{}
	}
	sl := s.Lessons[lessonID]
	if sl == nil {
		sl = &sessionLesson{Started: at}
		s.Lessons[lessonID] = sl
	}
	sl.QuizRight, sl.QuizTotal, sl.QuizAt, sl.Updated = right, total, &at, at
	return nil
}

func (d sessionData) TouchActivity(context.Context, int64, string) error { return nil }

func (d sessionData) ActivityDays(context.Context, int64, int) ([]string, error) {
	return []string{d.t.today()}, nil
}

func (d sessionData) RecordAnswer(_ context.Context, a bottega.Answer) error {
	s := d.s()
	s.Answers = append(s.Answers, sessionAnswer{Lesson: a.LessonID, Question: a.QuestionID, Choice: a.Choice,
		Correct: a.Correct, Source: a.Source, Version: a.Version, At: a.At})
	return nil
}

func (d sessionData) answers() []sessionAnswer {
	if s := d.t.st.Session; s != nil {
		return s.Answers
	}
	return nil
}

func (d sessionData) AnswerStats(context.Context, int64) (total, correct int, err error) {
	for _, a := range d.answers() {
		total++
		if a.Correct {
			correct++
		}
	}
	return total, correct, nil
}

func (d sessionData) AnswerCount(_ context.Context, _ int64, lessonID, questionID string) (int, error) {
	n := 0
	for _, a := range d.answers() {
		if a.Lesson == lessonID && a.Question == questionID {
			n++
		}
	}
	return n, nil
}

func (d sessionData) Missed(_ context.Context, _ int64, lessonID string) ([]string, error) {
	latest := map[string]bool{}
	for _, a := range d.answers() {
		if a.Lesson == lessonID {
			latest[a.Question] = a.Correct
		}
	}
	var ids []string
	for q, ok := range latest {
		if !ok {
			ids = append(ids, q)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func (d sessionData) Answers(_ context.Context, learnerID int64) ([]bottega.Answer, error) {
	var as []bottega.Answer
	for _, a := range d.answers() {
		as = append(as, bottega.Answer{LearnerID: learnerID, LessonID: a.Lesson, QuestionID: a.Question, Choice: a.Choice,
			Correct: a.Correct, Source: a.Source, Version: a.Version, At: a.At})
	}
	return as, nil
}

func (sessionData) SaveReviewItem(context.Context, bottega.ReviewItem) error { return nil }

func (sessionData) DeleteReviewItem(context.Context, int64, string, string) error { return nil }

func (sessionData) ReviewItem(context.Context, int64, string, string) (bottega.ReviewItem, bool, error) {
	return bottega.ReviewItem{}, false, nil
}

func (sessionData) ReviewItems(context.Context, int64) ([]bottega.ReviewItem, error) { return nil, nil }

func (sessionData) DueReviews(context.Context, int64, time.Time) ([]bottega.ReviewItem, error) {
	return nil, nil
}

// settable reads arg of /reminders as a time a reminder can be set for
// (as ClockTime reads it, outside the quiet hours), which needs consent,
// as "HH:MM"; false for anything else, the command's to answer.
func (t *turn) settable(arg string) (string, bool) {
	at, ok := ClockTime(arg)
	if !ok {
		return "", false
	}
	c, _ := time.Parse("15:04", at) // ClockTime gives "HH:MM"
	if t.b.quiet(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute) {
		return "", false
	}
	return at, true
}
