package flows

import (
	"strings"

	"github.com/bottega-app/bottega/bot"
)

// State is a learner's place in the conversation, kept as JSON between
// updates. Positions inside lessons live in lesson_progress, so the state
// stays small.
type State struct {
	V      int    `json:"v"`
	Screen string `json:"screen,omitempty"`
	// Msg is the platform message that shows the screen, once a press has
	// edited it: a press on any other message answers in a new one.
	Msg string `json:"msg,omitempty"`
	// Lesson is the lesson being read on the lesson screen.
	Lesson string `json:"lesson,omitempty"`
	// Track and Page are the lesson list being browsed.
	Track string `json:"track,omitempty"`
	Page  int    `json:"page,omitempty"`
	// Quiz is the quiz in progress (or just finished).
	Quiz *quizState `json:"quiz,omitempty"`
	// Review is the review session in progress (or just finished).
	Review *reviewState `json:"review,omitempty"`
	// Link is a deep link a new learner came with, opened after onboarding.
	Link string `json:"link,omitempty"`
	// Day is the learner's date when their activity was last recorded.
	Day string `json:"day,omitempty"`
	// AllTracks shows every track on the progress screen, not only the
	// learner's own and those they started.
	AllTracks bool `json:"all_tracks,omitempty"`
	// Pending are questions typed during a quiz, answered when the learner
	// asks for it or leaves the quiz.
	Pending []string `json:"pending,omitempty"`
	// Read is set when the learner prefers to read: the lesson steps come
	// without their clips (on mobile data, say).
	Read bool `json:"read,omitempty"`
	// Drill is the crisis drill being played (or just finished), and
	// DrillSteps the lesson steps its debrief suggests ("lesson.step").
	Drill      *drillState `json:"drill,omitempty"`
	DrillSteps []string    `json:"drill_steps,omitempty"`
	// Check is a track's placement or final check in progress (or just
	// finished).
	Check *checkState `json:"check,omitempty"`
	// Cert is a certificate being asked for.
	Cert *certState `json:"cert,omitempty"`
	// Session is what a learner without consent chose and did this
	// session (see consent.go).
	Session *session `json:"session,omitempty"`
	// Ask is the request for consent on screen.
	Ask *askState `json:"ask,omitempty"`
	// Fallback is set once the learner was told that lessons are not
	// written in their language yet, so they are told only once.
	Fallback bool `json:"fallback,omitempty"`
	// Aside is set when the last message sent was not the screen (a reply
	// to small talk, an answer, a kept question's choice): "sì" then
	// means its offer, not the screen's Next; nil once the screen is shown.
	Aside *aside `json:"aside,omitempty"`
}

// aside is a message sent beside the screen: the buttons a typed label or
// a "sì" may press.
type aside struct {
	Buttons []asideButton `json:"buttons,omitempty"`
}

type asideButton struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

// setAside records r as the last message, sent beside the screen.
func (t *turn) setAside(r bot.Reply) {
	a := &aside{}
	for _, row := range r.Buttons {
		for _, b := range row {
			if b.Data != "" {
				a.Buttons = append(a.Buttons, asideButton{b.Label, b.Data})
			}
		}
	}
	t.st.Aside = a
}

// stateVersion changes when State changes incompatibly; an older state is
// dropped (the learner lands on the menu, their progress is in tables).
const stateVersion = 1

// Screens.
const (
	scrMenu        = "menu"
	scrHelp        = "help"
	scrAsk         = "ask"
	scrReady       = "ready" // onboarding done: where to start
	scrTracks      = "tracks"
	scrTrack       = "track" // a track's lessons
	scrLesson      = "lesson"
	scrQuiz        = "quiz"
	scrQuizDone    = "quiz-done"
	scrReview      = "review"
	scrReviewDone  = "review-done"
	scrProgress    = "progress"
	scrSettings    = "settings"
	scrDelete      = "delete"
	scrCheck       = "check"
	scrCheckDone   = "check-done"
	scrCertName    = "cert-name"
	scrCertConfirm = "cert-confirm"
	scrSave        = "save" // may Bottega keep the learner's progress?
	scrDrills      = "drills"
	scrDrill       = "drill"
	scrDrillDone   = "drill-done"
	scrPlain       = "plain" // the plain-language checker waits for a text

	// Onboarding asks each field on "onb:<field>"; settings change one on
	// "set:<field>".
	onbPrefix = "onb:"
	setPrefix = "set:"
)

// screen is a place in the conversation: show renders it from the state;
// expect says that buttons are the answer there, so typed text is a mistake
// rather than a question for the assistant; asks makes an exception for
// text that reads as a question, answered there too, with the screen shown
// again after the answer (someone who came with a question should not have
// to finish setting up first).
type screen struct {
	show   func(t *turn) (bot.Reply, error)
	expect bool
	asks   bool
}

func screens() map[string]screen {
	s := map[string]screen{
		scrMenu:        {show: (*turn).showMenu},
		scrHelp:        {show: (*turn).showHelp},
		scrAsk:         {show: (*turn).showAsk},
		scrReady:       {show: (*turn).showReady},
		scrTracks:      {show: (*turn).showTracks},
		scrTrack:       {show: (*turn).showTrack},
		scrLesson:      {show: (*turn).showLesson},
		scrQuiz:        {show: (*turn).showQuiz, expect: true},
		scrQuizDone:    {show: (*turn).showQuizDone},
		scrReview:      {show: (*turn).showReview, expect: true},
		scrReviewDone:  {show: (*turn).showReviewDone},
		scrProgress:    {show: (*turn).showProgress},
		scrSettings:    {show: (*turn).showSettings},
		scrDelete:      {show: (*turn).showDelete, expect: true},
		scrCheck:       {show: (*turn).showCheck, expect: true},
		scrCheckDone:   {show: (*turn).showCheckDone},
		scrCertName:    {show: (*turn).showCertName},
		scrCertConfirm: {show: (*turn).showCertConfirm, expect: true},
		scrSave:        {show: (*turn).showSave, expect: true, asks: true},
		scrDrills:      {show: (*turn).showDrills},
		scrDrill:       {show: (*turn).showDrill},
		scrDrillDone:   {show: (*turn).showDrillDone},
		scrPlain:       {show: (*turn).showPlain},
	}
	for _, f := range fieldOrder() {
		s[onbPrefix+f] = screen{show: (*turn).showOnboarding, expect: true, asks: true}
	}
	for _, f := range settingsFields() {
		s[setPrefix+f] = screen{show: (*turn).showPicker, expect: true}
	}
	return s
}

// goTo moves the learner to a screen.
func (t *turn) goTo(screen string) {
	t.st.Screen = screen
	if screen != scrReady && !strings.HasPrefix(screen, onbPrefix) {
		t.st.Link = ""
	}
}

// show renders the learner's screen as the reply.
func (t *turn) show() ([]bot.Reply, error) {
	r, err := t.render()
	if err != nil {
		return nil, err
	}
	return []bot.Reply{r}, nil
}

// render renders the learner's screen, with the notes above it. A press
// edits the message it came from, unless the reply carries media, which
// replaces text poorly.
func (t *turn) render() (bot.Reply, error) {
	sc, ok := t.b.screens[t.st.Screen]
	if !ok {
		t.goTo(scrMenu)
		sc = t.b.screens[scrMenu]
	}
	r, err := sc.show(t)
	if err != nil {
		return r, err
	}
	t.st.Aside = nil
	r.Edit = t.press && r.Media == nil
	if r.Edit {
		t.st.Msg = t.u.MessageID
	} else {
		t.st.Msg = "" // a new message: known once a press comes from it
	}
	if len(t.notes) > 0 {
		r.Text = strings.Join(t.notes, "\n") + "\n\n" + r.Text
		t.notes = nil
	}
	r.Notice, t.notice = t.notice, ""
	return r, nil
}

// screenButtons returns the buttons of the learner's screen, without
// rendering it as the reply.
func (t *turn) screenButtons() ([][]bot.Button, error) {
	sc, ok := t.b.screens[t.st.Screen]
	if !ok {
		return nil, nil
	}
	r, err := sc.show(t)
	return r.Buttons, err
}

// onScreen tells whether the pressed button sits on the message that shows
// the learner's screen, which the answer may then edit. Any other message
// (an answer, a broadcast, a hint, an older screen) stays as the learner
// read it. Until a press has told which message shows the screen, the
// screen's own buttons are taken to be pressed there.
func (t *turn) onScreen(data string) (bool, error) {
	if t.st.Msg != "" {
		return t.u.MessageID == t.st.Msg, nil
	}
	rows, err := t.screenButtons()
	if err != nil {
		return false, err
	}
	for _, row := range rows {
		for _, b := range row {
			if b.Data == data {
				return true, nil
			}
		}
	}
	return false, nil
}

// resume shows the screen the learner is on.
func (t *turn) resume([]string) ([]bot.Reply, error) {
	return t.show()
}

func (t *turn) menu([]string) ([]bot.Reply, error) {
	t.goTo(scrMenu)
	return t.show()
}

func (t *turn) help([]string) ([]bot.Reply, error) {
	t.goTo(scrHelp)
	return t.show()
}

func (t *turn) ask([]string) ([]bot.Reply, error) {
	t.goTo(scrAsk)
	return t.show()
}

func (t *turn) showHelp() (bot.Reply, error) {
	text := t.T("help", nil)
	for _, e := range t.b.exts {
		if h, ok := e.(Helper); ok {
			if more := h.Help(t.u, t.l.Locale); more != "" {
				text += "\n\n" + more
			}
		}
	}
	return bot.Reply{Text: text, Buttons: t.menuRow()}, nil
}

func (t *turn) showAsk() (bot.Reply, error) {
	id := "ask_prompt"
	if t.b.answerer == nil {
		id = "free_text_hint"
	}
	return bot.Reply{Text: t.T(id, nil), Buttons: t.menuRow()}, nil
}

// menuRow is the way back that every message offers.
func (t *turn) menuRow() [][]bot.Button {
	return [][]bot.Button{{t.btn("btn_menu", actMenu)}}
}
