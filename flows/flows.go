// Package flows holds Bottega's conversations: onboarding, the main menu, the
// lesson player, quizzes, spaced review, progress, settings and the
// plain-language checker. Flows are platform-neutral: they see bot.Update
// and produce bot.Reply, keep no state in memory between updates, and reach
// storage, texts, the curriculum and the assistant only through the small
// interfaces declared here.
//
// A conversation is a set of declared screens (see screens.go): the learner's
// State, stored as JSON in Postgres, names the screen they are on, and each
// screen knows how to render itself and whether it expects a button. Buttons
// and commands are routes (see routes in New): a route checks its data,
// changes the state and renders the screen it leads to. Anything that does not
// fit (a stale or forged button, an unknown command, text where a button was
// expected, a lesson that was unpublished) gets a short answer and the screen
// the learner was on, so nobody loses their place.
//
// Button data is "v1|<action>|<args>": at most 64 bytes, versioned, and
// checked against the current curriculum before use. Deep links are
// "/start l_<lesson>", "/start t_<track>" and "/start c_<invitation code>".
package flows

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // learners' time zones, wherever the server runs
	"unicode"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/drill"
	"github.com/bottega-app/bottega/locales"
	schedule "github.com/bottega-app/bottega/reminders"
)

// Store is the storage the flows need. An update's transaction (bot.Tx)
// must implement it: the flows' calls during an update go through it, so
// they are part of the update's transaction; Options.Store serves the work
// done after commit (tasks).
type Store interface {
	// EnsureLearnerState returns the learner known on platform by
	// externalID, created (with locale and name) on first contact, and
	// their conversation state (nil if none). chatID is the learner's
	// private chat, "" for an update from a group.
	EnsureLearnerState(ctx context.Context, platform, externalID, chatID, name, locale string) (l bottega.Learner, created bool, state []byte, err error)
	UpdateLearner(ctx context.Context, l bottega.Learner) error
	DeleteLearner(ctx context.Context, id int64) error
	// ForgetProgress erases what is kept only with consent, when the
	// learner withdraws it.
	ForgetProgress(ctx context.Context, learnerID int64) error
	SaveState(ctx context.Context, learnerID int64, state []byte) error
	// LoadState returns the learner's conversation state, nil if none.
	LoadState(ctx context.Context, learnerID int64) ([]byte, error)
	ProgressStore
	QuizStore
	ReviewStore
	DrillStore
	GainStore
	// DeliveredMessage tells whether messageID is a message a broadcast or
	// a reminder sent to the learner.
	DeliveredMessage(ctx context.Context, learnerID int64, messageID string) (bool, error)
	// LessonVideo is the platform's file id of a video an admin attached
	// to a lesson, "" if none.
	LessonVideo(ctx context.Context, lessonID, platform string) (string, error)
	// AskedQuestions returns the learner's questions to the assistant,
	// for their data export.
	AskedQuestions(ctx context.Context, learnerID int64) ([]bottega.AskedQuestion, error)
	// LastLessonsCited returns the lessons the answer to the learner's
	// latest question cited, best first.
	LastLessonsCited(ctx context.Context, learnerID int64) ([]string, error)
	// LearnerData returns every row stored about the learner, table by
	// table, for their data export.
	LearnerData(ctx context.Context, learnerID int64) (map[string]json.RawMessage, error)
}

// ProgressStore keeps where learners are in lessons and when they were
// active.
type ProgressStore interface {
	SavePosition(ctx context.Context, p bottega.LessonProgress) error
	Position(ctx context.Context, learnerID int64, lessonID string) (bottega.LessonProgress, bool, error)
	Progress(ctx context.Context, learnerID int64) ([]bottega.LessonProgress, error)
	SaveQuizResult(ctx context.Context, learnerID int64, lessonID string, right, total int, at time.Time) error
	TouchActivity(ctx context.Context, learnerID int64, day string) error
	ActivityDays(ctx context.Context, learnerID int64, limit int) ([]string, error)
}

// QuizStore keeps every answer.
type QuizStore interface {
	RecordAnswer(ctx context.Context, a bottega.Answer) error
	AnswerStats(ctx context.Context, learnerID int64) (total, correct int, err error)
	Missed(ctx context.Context, learnerID int64, lessonID string) ([]string, error)
	// AnswerCount counts the learner's answers to a question: which
	// attempt is on screen, so that each shows its options in its own order.
	AnswerCount(ctx context.Context, learnerID int64, lessonID, questionID string) (int, error)
	Answers(ctx context.Context, learnerID int64) ([]bottega.Answer, error)
}

// ReviewStore keeps the spaced-repetition schedule.
type ReviewStore interface {
	SaveReviewItem(ctx context.Context, it bottega.ReviewItem) error
	DeleteReviewItem(ctx context.Context, learnerID int64, lessonID, questionID string) error
	ReviewItem(ctx context.Context, learnerID int64, lessonID, questionID string) (bottega.ReviewItem, bool, error)
	ReviewItems(ctx context.Context, learnerID int64) ([]bottega.ReviewItem, error)
	DueReviews(ctx context.Context, learnerID int64, before time.Time) ([]bottega.ReviewItem, error)
}

// GainStore keeps the tracks' placement and final checks, the cohorts of
// invitation codes and the certificates.
type GainStore interface {
	SaveCheck(ctx context.Context, c bottega.TrackCheck) error
	Checks(ctx context.Context, learnerID int64) ([]bottega.TrackCheck, error)
	// TrackGain is the average gain on a track, of the members of an
	// invitation code's cohort when code is not "".
	TrackGain(ctx context.Context, trackID, code string) (bottega.GainGroup, error)
	Invite(ctx context.Context, code string) (bottega.Invite, bool, error)
	JoinCohort(ctx context.Context, learnerID int64, code string, at time.Time) error
	Cohort(ctx context.Context, learnerID int64) (string, error)
	// CreateCertificate stores a certificate; false if its code is taken.
	CreateCertificate(ctx context.Context, c bottega.Certificate) (bool, error)
	Certificates(ctx context.Context, learnerID int64, limit int) ([]bottega.Certificate, error)
}

// Texts renders interface messages. A missing message must not panic.
type Texts interface {
	T(lang, id string, data map[string]any) string
	N(lang, id string, n int, data map[string]any) string
}

// Library gives the curriculum learners currently see and its version id.
type Library interface {
	Current(ctx context.Context) (*content.Curriculum, int64, error)
}

// Answerer answers free-text questions, and handles the buttons it puts on
// its answers (data starting with "v1|a|").
type Answerer interface {
	Answer(ctx context.Context, tx bot.Tx, l bottega.Learner, question string) ([]bot.Reply, error)
	Button(ctx context.Context, tx bot.Tx, l bottega.Learner, data string) ([]bot.Reply, error)
}

// Extension adds commands (such as the admins'): it is asked, in order, about
// every command the flows do not know and every button whose data starts
// with "v1|x|", in the update's transaction tx. It returns handled=false
// to pass.
type Extension interface {
	Handle(ctx context.Context, tx bot.Tx, l bottega.Learner, u bot.Update) ([]bot.Reply, bool, error)
}

// A Helper is an Extension whose commands /help lists, after the flows'
// own, for the sender of u ("" lists none: the admin commands are for
// admins only).
type Helper interface {
	Help(u bot.Update, locale string) string
}

// Options configures the flows.
type Options struct {
	// Store serves the tasks, after commit; during an update the flows
	// use its transaction (see Store).
	Store   Store
	Texts   Texts
	Library Library
	// Answerer answers free text; nil gives a localized hint instead.
	Answerer   Answerer
	Extensions []Extension
	// Rewriter proposes plainer versions of checked texts; nil: the
	// checker gives its verdict and suggestions only.
	Rewriter Rewriter
	// Clock gives the time (default time.Now).
	Clock func() time.Time
	// Contact is how a learner reaches a person (an address, a phone
	// number, a link), told at the onboarding; "" tells none.
	Contact string
	// Plain checks the plain language of drill answers (default
	// drill.CheckPlain).
	Plain drill.PlainFunc
	// DrillFeedback adds a language model's short comment to each scored
	// drill answer, as a task of kind FeedbackTask (an LLM is configured).
	DrillFeedback bool
	// Rand draws certificate codes (default crypto/rand).
	Rand io.Reader
	// PublicURL is the public address of the HTTP server, where
	// certificates are verified (/verify/<code>).
	PublicURL string
	// Quiet reports whether a reminder set at a time of day could never go
	// out (the quiet hours): consent is not asked for such a time, which
	// the /reminders command refuses anyway. Nil: no time is quiet.
	Quiet func(time.Duration) bool
	// Clips finds the clips of the lessons' videos (nil: the steps show
	// no clips).
	Clips Clips
}

// Clips finds a clip of a lesson's video by its key (see package video).
type Clips interface {
	Path(key string) (clip, poster string, err error)
}

// Bot routes updates to the flows. It implements bot.Handler.
type Bot struct {
	store     Store
	texts     Texts
	lib       Library
	answerer  Answerer
	rewriter  Rewriter
	exts      []Extension
	now       func() time.Time
	rand      io.Reader
	publicURL string
	contact   string
	quiet     func(time.Duration) bool
	plain     drill.PlainFunc
	feedback  bool
	clips     Clips

	routes   map[string]route
	commands map[string]string
	screens  map[string]screen
	words    *words
	zones    sync.Map // time zone name -> *time.Location
}

// New returns the flows' entry point.
func New(o Options) *Bot {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Plain == nil {
		o.Plain = drill.CheckPlain
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Quiet == nil {
		o.Quiet = func(time.Duration) bool { return false }
	}
	b := &Bot{store: o.Store, texts: o.Texts, lib: o.Library, answerer: o.Answerer, rewriter: o.Rewriter, exts: o.Extensions, now: o.Clock,
		contact: o.Contact, rand: o.Rand, publicURL: o.PublicURL, quiet: o.Quiet,
		plain: o.Plain, feedback: o.DrillFeedback, clips: o.Clips}
	b.routes = map[string]route{
		actMenu:     {0, 0, (*turn).menu},
		actHelp:     {0, 0, (*turn).help},
		actAsk:      {0, 0, (*turn).ask},
		actContinue: {0, 0, (*turn).continueLearning},
		actResume:   {0, 0, (*turn).resume},
		actTracks:   {0, 2, (*turn).tracks},
		actStep:     {1, 2, (*turn).step},
		actWatch:    {2, 3, (*turn).watch},
		actText:     {2, 2, (*turn).transcript},
		actQuiz:     {2, 2, (*turn).startQuiz},
		actAnswer:   {3, 3, (*turn).answer},
		actNext:     {2, 2, (*turn).nextQuestion},
		actReview:   {0, 0, (*turn).review},
		actRecall:   {3, 3, (*turn).recall},
		actProgress: {0, 1, (*turn).progress},
		actSettings: {0, 1, (*turn).settings},
		actChoose:   {2, 2, (*turn).choose},
		actExport:   {0, 0, (*turn).export},
		actDelete:   {0, 1, (*turn).delete},
		actPending:  {1, 1, (*turn).pending},
		actSave:     {1, 1, (*turn).save},

		actCheck:       {2, 2, (*turn).startCheck},
		actCheckAnswer: {3, 3, (*turn).checkAnswer},
		actCertificate: {1, 2, (*turn).certificate},
		actDrill:       {0, 1, (*turn).drills},
		actDrillStop:   {0, 0, (*turn).stopDrill},
		actDrillTick:   {1, 1, (*turn).drillTick},
		actPlain:       {0, 1, (*turn).plain},
	}
	// Commands are typed buttons.
	b.commands = map[string]string{
		"menu":     actMenu,
		"help":     actHelp,
		"ask":      actAsk,
		"continue": actContinue,
		"lessons":  actTracks,
		"review":   actReview,
		"progress": actProgress,
		"settings": actSettings,
		"lang":     actSettings + "|" + fieldLang,
		"export":   actExport,
		"delete":   actDelete,
		"drill":    actDrill,
	}
	b.screens = screens()
	w, err := parseWords(wordsFile)
	if err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	b.words = w
	return b
}

// OpenLessonData returns button data that opens the lesson player at a step
// (stepID empty: where the learner left it), in a new message: the button
// sits under a message the flows did not make (an answer, a broadcast, a
// reminder), which stays as the learner read it. It fits 64 bytes for ids
// of up to 24 bytes; longer step ids are dropped.
func OpenLessonData(lessonID, stepID string) string {
	d := encodeNew(actStep, lessonID, stepID)
	if stepID == "" || len(d) > maxData {
		d = encodeNew(actStep, lessonID)
	}
	return d
}

// MenuData and ContinueData return the data of the buttons that open the
// menu and resume where the learner was, in a new message: the way on that
// replies made outside the flows (answers, commands of extensions) offer.
func MenuData() string { return encodeNew(actMenu) }

// ContinueData: see MenuData.
func ContinueData() string { return encodeNew(actContinue) }

// ReviewData returns the data of a button that shows the next question due
// for review in a new message: a reminder that offers it stays as the
// learner read it.
func ReviewData() string { return encodeNew(actReview) }

// encodeNew builds the data of a button that answers in a new message.
func encodeNew(act string, args ...string) string {
	return prefixNew + strings.TrimPrefix(encode(act, args...), version+"|")
}

// WayOn is the row of buttons that takes the learner on from a reply that
// offers nothing else: back where they were, or the menu.
func WayOn(texts interface {
	T(lang, id string, data map[string]any) string
}, lang string) []bot.Button {
	return []bot.Button{
		{Label: texts.T(lang, "btn_continue_short", nil), Data: ContinueData()},
		{Label: texts.T(lang, "btn_menu", nil), Data: MenuData()},
	}
}

// WatchVideoData returns button data that plays a lesson's video at second
// at of the video (the assistant puts it on its citations): the clip of the
// step, from there, or the video from the step's chapter; in a new message.
// A negative at, or ids too long to fit 64 bytes with it, play the step from
// its start.
func WatchVideoData(lessonID, stepID string, at int) string {
	if at >= 0 {
		if d := encodeNew(actWatch, lessonID, stepID, strconv.Itoa(at)); len(d) <= maxData {
			return d
		}
	}
	return encodeNew(actWatch, lessonID, stepID)
}

// turn is one update being handled: the learner, their state and the
// curriculum, and what the reply is becoming.
type turn struct {
	b   *Bot
	ctx context.Context
	tx  bot.Tx // the update's transaction
	s   Store  // tx, as the flows' storage
	u   bot.Update
	l   bottega.Learner
	st  State
	cur *content.Curriculum
	ver int64
	now time.Time
	loc *time.Location

	// loaded is the state as it was read, encoded: an unchanged state is
	// not written back.
	loaded []byte
	// data keeps what the learner does: the store with their consent,
	// their session without.
	data learning
	// saved are the positions read or written during the turn, by lesson,
	// so that the screen shown after a move does not read them back.
	saved map[string]bottega.LessonProgress
	// listed is the learner's progress list as read during the turn (see
	// progressList); nil until read, and again after progress is saved.
	listed []bottega.LessonProgress

	isNew  bool     // first contact: the learner was just created
	greet  bool     // the onboarding's first question says hello (first contact, /start)
	press  bool     // a button was pressed: the screen edits its message
	notes  []string // lines shown above the next screen
	notice string   // a short confirmation of the press
	gone   bool     // the learner was deleted: nothing more to save
}

// Handle implements bot.Handler. tx must implement Store.
func (b *Bot) Handle(ctx context.Context, tx bot.Tx, u bot.Update) ([]bot.Reply, error) {
	s, ok := tx.(Store)
	if !ok {
		return nil, fmt.Errorf("the update's transaction (%T) is not the flows' store", tx)
	}
	// Only a private chat becomes the learner's chat: bulk messages
	// (broadcasts, reminders) go there, and a group must not get one per
	// member who wrote in it.
	private := u.ChatID
	if u.Group {
		private = ""
	}
	l, created, raw, err := s.EnsureLearnerState(ctx, u.Platform, u.UserID, private, u.Name, locales.Match(u.Lang))
	if err != nil {
		return nil, fmt.Errorf("identify learner: %w", err)
	}
	cur, ver, err := b.lib.Current(ctx)
	if err == nil && cur == nil {
		err = errors.New("no curriculum")
	}
	if err != nil {
		return nil, fmt.Errorf("load curriculum: %w", err)
	}
	t := &turn{b: b, ctx: ctx, tx: tx, s: s, u: u, l: l, cur: cur, ver: ver, now: b.now(), isNew: created}
	t.loc = b.location(l.Timezone)
	t.loadState(raw)
	t.useStorage()
	// The state remembers the day last recorded, so that only the first
	// update of a day writes it.
	today := t.today()
	if t.st.Day != today && !strings.HasPrefix(u.Data, drill.TickPrefix) { // a drill's timer is not the learner's doing
		if err := t.data.TouchActivity(ctx, l.ID, today); err != nil {
			return nil, err
		}
	}
	replies, err := t.route()
	if err != nil {
		return nil, err
	}
	if len(t.st.Pending) > 0 && t.st.Screen != scrQuiz && !t.gone && b.answerer != nil {
		// The quiz is over, or the learner left it: the questions they
		// kept for later are answered now.
		for _, q := range t.st.Pending {
			r, err := b.answerer.Answer(ctx, tx, t.l, q)
			if err != nil {
				return nil, err
			}
			// Minutes may have passed: the answer comes with what it
			// answers.
			asked := bot.Reply{Text: t.T("quiz_question_asked", map[string]any{"Question": short(q, maxAskedShown)})}
			replies = append(append(replies, asked), r...)
		}
		t.st.Pending = nil
	}
	if !t.gone {
		t.st.Day = today // after the route, which may start a new state
		raw, err := t.saveState()
		if err != nil {
			return nil, err
		}
		if err := sealResumes(replies, t.l.ID, raw); err != nil {
			return nil, err
		}
	}
	return replies, nil
}

func (t *turn) loadState(raw []byte) {
	if len(raw) > 0 {
		if json.Unmarshal(raw, &t.st) != nil {
			// An unreadable state is not worth an error: start from the
			// menu.
			t.st = State{}
		} else {
			t.loaded, _ = json.Marshal(t.st)
		}
	}
	if t.st.V != stateVersion {
		t.st = State{V: stateVersion, Screen: t.st.Screen}
	}
	if _, ok := t.b.screens[t.st.Screen]; !ok {
		t.st.Screen = scrMenu
	}
}

// saveState writes the state back if the turn changed it: paging through a
// lesson, for one, moves only the position.
// It returns the state as saved.
func (t *turn) saveState() ([]byte, error) {
	raw, err := json.Marshal(t.st)
	if err != nil {
		return nil, fmt.Errorf("encode conversation state: %w", err)
	}
	if t.loaded != nil && bytes.Equal(raw, t.loaded) {
		return raw, nil
	}
	return raw, t.s.SaveState(t.ctx, t.l.ID, raw)
}

// route sends the update to what handles it.
func (t *turn) route() ([]bot.Reply, error) {
	u := t.u
	if t.isNew && !(u.IsCommand() && commandName(u.Text) == "start") {
		// A first contact (or the first after /delete) always says hello.
		return t.start("")
	}
	switch {
	case u.Unsupported != "" && u.Data == "" && u.Text == "":
		t.note("media_unsupported", nil)
		return t.show()
	case u.Data != "":
		t.press = true
		return t.button(u.Data)
	case u.IsCommand():
		return t.command()
	}
	return t.text(u.Text)
}

// button handles a button press.
func (t *turn) button(data string) ([]bot.Reply, error) {
	switch {
	case strings.HasPrefix(data, prefixAssistant):
		if t.b.answerer == nil {
			return t.expired()
		}
		return t.b.answerer.Button(t.ctx, t.tx, t.l, data)
	case strings.HasPrefix(data, prefixExtension):
		if r, ok, err := t.extensions(); err != nil || ok {
			return r, err
		}
		return t.expired()
	}
	act, args, err := parseData(data, t.b.routes)
	if err != nil {
		return t.expired()
	}
	if !t.press {
		return t.b.routes[act].run(t, args)
	}
	if strings.HasPrefix(data, prefixNew) {
		t.press = false // the message it sits under stays as it is
	} else if on, err := t.onScreen(data); err != nil {
		return nil, err
	} else if !on {
		// Buttons made before prefixNew (an old answer's "Open" is
		// v1|s|<lesson>|<step>, as the player's Next is), or an older
		// screen's: the message they sit under stays.
		t.press = false
	} else if legacyOutside(act, args) {
		// Reminders and broadcasts sent before their buttons said so
		// carry the plain data of the flows' own screens; what tells them
		// apart is the message the button sits under.
		sent, err := t.s.DeliveredMessage(t.ctx, t.l.ID, t.u.MessageID)
		if err != nil {
			return nil, err
		}
		if sent {
			t.press = false
		}
	}
	return t.b.routes[act].run(t, args)
}

// legacyOutside tells whether button data without prefixNew may sit under
// a reminder or a broadcast sent before buttons there had it: "v1|r" (the
// review) and "v1|s|<lesson>" (open a lesson where the learner left it).
// The flows' own screens carry them too, so the message decides.
func legacyOutside(act string, args []string) bool {
	return act == actReview || act == actStep && len(args) == 1
}

// startLink is a message that is only a link to a bot with a start
// parameter, "https://t.me/SomeBot?start=c_ab12cd34".
var startLink = regexp.MustCompile(`^(?:https?://)?(?:t\.me|telegram\.me)/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]{1,64})$`)

// command handles a slash command.
func (t *turn) command() ([]bot.Reply, error) {
	t.u.Text = unalias(t.u.Text)
	name := commandName(t.u.Text)
	_, arg, _ := strings.Cut(strings.TrimSpace(t.u.Text), " ")
	arg = strings.TrimSpace(arg)
	if name == "start" {
		return t.start(arg)
	}
	if name == "lang" && arg != "" {
		// "/lang en" or "/lang inglese" switches at once; an unknown
		// language is said so, over the picker.
		code := strings.ToLower(arg)
		if !locales.IsSupported(code) {
			code = t.b.words.langNamed(arg)
		}
		if locales.IsSupported(code) {
			return t.switchLang(code)
		}
		t.note("lang_unknown", map[string]any{"Value": short(arg, 20)})
	}
	if plainCommands[name] {
		return t.plainCommand()
	}
	if at, ok := t.settable(arg); ok && name == "reminders" && !t.consented() {
		// A reminder time needs storage: ask first.
		return t.askSave(askReminder, at, true, t.st.Screen)
	}
	if name == "progress" && strings.EqualFold(arg, "all") {
		return t.progress([]string{"all"}) // "/progress all": every track
	}
	if _, ok := t.b.commands[name]; ok {
		return t.run(name)
	}
	if r, ok, err := t.extensions(); err != nil || ok {
		return r, err
	}
	if near := t.b.closestCommand(name); near != "" {
		t.note("unknown_command_near", map[string]any{"Command": "/" + near})
		return t.show()
	}
	t.note("unknown_command", nil)
	return t.show()
}

// run runs one of the commands in Bot.commands.
func (t *turn) run(name string) ([]bot.Reply, error) {
	act, args, err := parseData(version+"|"+t.b.commands[name], t.b.routes)
	if err != nil {
		return nil, fmt.Errorf("command %s: %w", name, err)
	}
	return t.b.routes[act].run(t, args)
}

// commandName returns "start" for "/start payload" and "/Start@bottega_bot".
func commandName(text string) string {
	cmd := strings.TrimPrefix(strings.TrimSpace(text), "/")
	if i := strings.IndexFunc(cmd, unicode.IsSpace); i >= 0 {
		cmd = cmd[:i] // "/chiaro" may have its text on the next line
	}
	cmd, _, _ = strings.Cut(cmd, "@")
	return strings.ToLower(cmd)
}

func (t *turn) extensions() ([]bot.Reply, bool, error) {
	for _, e := range t.b.exts {
		r, ok, err := e.Handle(t.ctx, t.tx, t.l, t.u)
		if err != nil {
			return nil, false, fmt.Errorf("extension: %w", err)
		}
		if ok {
			return r, true, nil
		}
	}
	return nil, false, nil
}

// text handles typed text: a button's label presses it; elsewhere than on a
// screen that expects buttons, it is a question for the assistant.
func (t *turn) text(s string) ([]bot.Reply, error) {
	s = strings.TrimSpace(s)
	rows, err := t.screenButtons()
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		for _, btn := range row {
			if btn.Data != "" && sameLabel(btn.Label, s) {
				return t.button(btn.Data)
			}
		}
	}
	if a := t.st.Aside; a != nil {
		// A label of the message sent beside the screen ("adesso" for
		// "❓ Adesso").
		for _, btn := range a.Buttons {
			if sameLabel(btn.Label, s) {
				return t.button(btn.Data)
			}
		}
	}
	if m := numbered.FindStringSubmatch(s); m != nil {
		// "12", "la 7", "lezione 12" on a track's page: its lesson 12, as
		// the list numbers them ("▫️ 12. …").
		for _, row := range rows {
			for _, btn := range row {
				num := strings.TrimLeftFunc(btn.Label, func(r rune) bool { return !unicode.IsDigit(r) })
				if btn.Data != "" && len(btn.Label)-len(num) <= 8 && strings.HasPrefix(num, m[1]+". ") {
					return t.button(btn.Data)
				}
			}
		}
	}
	if data, understood := t.typedAnswer(rows, s); data != "" {
		if understood != "" {
			t.note("understood", map[string]any{"Answer": understood})
		}
		return t.button(data)
	}
	if head, rest, ok := cutAnswer(s); ok && (t.st.Screen == scrQuiz || t.st.Screen == scrReview) {
		// "la seconda, ma perché?", "vicino alla finestra. e la luce
		// della sera?": the answer, then what comes after it.
		data, understood := t.typedAnswer(rows, head)
		switch {
		case data != "" && t.namesOption(rows, rest):
			// Two options named ("la seconda, anzi la terza", "la
			// prima? o la terza?"): the buttons answer.
			t.note("use_buttons", nil)
			return t.show()
		case data != "":
			return t.answerThenAsk(data, understood, rest)
		}
	}
	if t.st.Screen == scrCertName && t.st.Cert != nil && s != "" {
		return t.certName(s) // the name for the certificate
	}
	if m := startLink.FindStringSubmatch(s); m != nil {
		// A bot link pasted as text (an invitation from the course's
		// organisers, a lesson shared by a colleague): as opened.
		return t.start(m[1])
	}
	if ds := t.st.Drill; t.st.Screen == scrDrill && ds != nil && ds.Open {
		// In a drill, whatever is written is the answer; a number alone
		// ("5", "112") is no text to publish: it is said how to answer.
		if _, task := t.currentDrill(); task != nil && strings.ContainsFunc(s, unicode.IsLetter) {
			return t.drillAnswer(s)
		} else if task != nil {
			t.note("drill_write_answer", nil)
			return t.show()
		}
	}
	if name := t.b.words.command(s); name != "" {
		// "menu", "ayuda", "nächste Lektion": the command, as typed
		// with its slash.
		return t.run(name)
	}
	if f, onb, ok := pickerField(t.st.Screen); ok {
		// A typed answer that fits the question is that answer ("ok" to
		// the consent question too, before it is small talk), in the
		// onboarding and in the settings alike.
		v := ""
		if !strings.ContainsAny(s, "?¿") {
			v = t.b.words.answer(f, s)
		}
		if at, ok := t.b.words.reminderTime(s); ok && f == fieldReminder && v != "off" {
			// Any time, not only those offered ("alle 15", "la sera
			// alle 20", "dopo chiusura"), but the quiet hours'.
			if schedule.QuietAt(at) {
				return t.quietReminder(at)
			}
			v = reminderValue(at)
		}
		if v == skip && !onb {
			v = "" // the settings keep what was chosen
		}
		if v != "" {
			label := t.label(f, v)
			if v == skip {
				label = t.T("btn_skip", nil)
			}
			t.note("understood", map[string]any{"Answer": bare(label)})
			return t.choose([]string{f, v})
		}
	}
	if at, ok := t.b.words.reminderSet(s); ok && t.st.Screen != scrPlain {
		// "il promemoria mettilo la mattina alle 9": as the answer to
		// the settings' reminder question (a notice to check that
		// says "promemoria" and a time is a text to check).
		if schedule.QuietAt(at) {
			return t.quietReminder(at)
		}
		t.note("understood", map[string]any{"Answer": at})
		return t.choose([]string{fieldReminder, reminderValue(at)})
	}
	if lang := t.b.words.langRequest(s, t.l.Locale); locales.IsSupported(lang) {
		// "mi scrivi in inglese?": as /lang en; "non capisco" on the
		// English interface: as /lang it (before it is small talk).
		return t.switchLang(lang)
	}
	if kind := t.b.words.smallTalk(s); kind == talkAck && goesOn(s) && t.st.Aside != nil && t.offersContinue() {
		// "sì" to "Riprendiamo da «…»?": its Continue, not the Next of
		// the step on screen (that would skip a step).
		return t.button(encode(actContinue))
	} else if kind == talkAck && goesOn(s) && t.st.Aside == nil && t.onward(rows) {
		// "ok", "👍" after a step or a quiz answer's feedback: read, on
		// to the next (Next is the screen's first button). "😱" or "."
		// is a reaction, not that.
		return t.button(rows[0][0].Data)
	} else if kind == talkUnsure && (t.st.Screen == scrQuiz || t.st.Screen == scrReview) {
		// "boh" to a quiz question: a guess is fine, it is explained.
		t.note("quiz_unsure", nil)
		return t.show()
	} else if kind == talkUnsure && t.st.Aside != nil && len(t.st.Aside.Buttons) == 0 {
		// "non ho capito" after an answer: the lesson it cites explains
		// step by step, rather than the next lesson.
		return t.unsureOfAnswer()
	} else if (kind == talkAck || kind == talkUnsure) && t.b.screens[t.st.Screen].expect {
		// "sì", "oui", "tak" typed where a button answers (erase
		// everything?): a thumbs-up would read as done.
		t.note("use_buttons", nil)
		return t.show()
	} else if kind != "" {
		return t.smallTalk(kind)
	}
	if t.st.Screen == scrPlain && s != "" {
		if t.b.answerer == nil || !asksBot(s) {
			return t.plainText(s)
		}
		// A short question after a check ("e come metto gli orari su
		// google?") is for the assistant, not a text to check: the
		// checker is left.
		t.goTo(scrMenu)
	}
	scr := t.b.screens[t.st.Screen]
	if t.st.Screen == scrQuiz && t.b.answerer != nil && isQuestion(s) {
		return t.holdQuestion(s)
	}
	// Without a letter ("2", "…") it is no question either: most likely
	// a button's number, typed.
	if !strings.ContainsFunc(s, unicode.IsLetter) || scr.expect && !(scr.asks && t.b.answerer != nil && isQuestion(s)) {
		t.note("use_buttons", nil)
		return t.show()
	}
	if t.b.answerer != nil {
		r, err := t.b.answerer.Answer(t.ctx, t.tx, t.l, s)
		if err != nil || !scr.expect {
			t.st.Aside = &aside{} // an answer: "ok" to it turns no page
			return r, err
		}
		// Once the answer is out, back to where the learner was.
		return t.afterAnswer(r)
	}
	return []bot.Reply{{
		Text:    t.T("free_text_hint", nil),
		Buttons: [][]bot.Button{{t.btn("btn_continue_short", actContinue), t.btn("btn_menu", actMenu)}},
	}}, nil
}

// numbered is a number typed for a list's item: "12", "la 7", "lezione 3",
// "la 4, quella delle foto" (a few words after it, asking nothing).
var numbered = regexp.MustCompile(`(?i)^(?:la|il|lezione|lesson|lección|leccion|leçon|lecon|lektion|lekcja|n\.?|nr\.?|numero|number)?\s*(\d{1,2})(?:\.|\s*[,:\-–]?(?:\s+[\p{L}'’]+){1,5})?[.!]?$`)

// nthOption returns the data of option n ("1" for the first) among the
// quiz or review options of rows, "" if there is none.
func nthOption(rows [][]bot.Button, n string) string {
	k, err := strconv.Atoi(n)
	if err != nil {
		return ""
	}
	for _, row := range rows {
		for _, b := range row {
			if isOption(b.Data) {
				if k--; k == 0 {
					return b.Data
				}
			}
		}
	}
	return ""
}

// pickerField returns the field that screen asks for, in the onboarding
// (onb) or in the settings; ok is false on any other screen.
func pickerField(screen string) (field string, onb, ok bool) {
	if f, ok := strings.CutPrefix(screen, onbPrefix); ok {
		return f, true, true
	}
	f, ok := strings.CutPrefix(screen, setPrefix)
	return f, false, ok
}

// offersContinue reports whether the message sent beside the screen
// offers to go on where the learner left off.
func (t *turn) offersContinue() bool {
	return slices.ContainsFunc(t.st.Aside.Buttons, func(b asideButton) bool { return b.Data == encode(actContinue) })
}

// onward reports whether the screen's first button (of rows) only goes on
// to what comes next: a lesson's next step or, at its end, its quiz; the
// next question after a quiz or review answer's feedback, the quiz's
// results.
func (t *turn) onward(rows [][]bot.Button) bool {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return false
	}
	var ids []string
	switch t.st.Screen {
	case scrLesson:
		ids = []string{"btn_next", "btn_quiz"} // a step, or the end: "ora un quiz?"
	case scrQuiz:
		ids = []string{"btn_next_question", "btn_results"}
	case scrReview:
		ids = []string{"btn_next_question"}
	}
	return slices.ContainsFunc(ids, func(id string) bool { return rows[0][0].Label == t.T(id, nil) })
}

// typedAnswer returns the data of the quiz or review option among rows
// that typed text s gives as the answer: its label, its place ("la
// prima", "the second one"), true or false ("sì", "stimmt nicht"), or
// the option in other words ("il biglietto col qr a tutti"), and then
// understood is the option's label, to tell the learner which was taken.
func (t *turn) typedAnswer(rows [][]bot.Button, s string) (data, understood string) {
	for _, row := range rows {
		for _, b := range row {
			if isOption(b.Data) && sameLabel(b.Label, s) {
				return b.Data, ""
			}
		}
	}
	if n := t.b.words.whole("nth.", s); n != "" {
		if data := nthOption(rows, n); data != "" {
			return data, ""
		}
	}
	if v := t.b.words.truth(s); v != "" && len(rows) > 0 && len(rows[0]) == 2 && rows[0][0].Label == t.T("btn_true", nil) {
		if v == "true" {
			return rows[0][0].Data, ""
		}
		return rows[0][1].Data, ""
	}
	return typedOption(rows, s)
}

// namesOption reports whether s names a quiz or review option among
// rows, all of it or by a place in the list anywhere in it.
func (t *turn) namesOption(rows [][]bot.Button, s string) bool {
	data, _ := t.typedAnswer(rows, s)
	return data != "" || t.b.words.mentions("nth.", s)
}

// answerBreak is where a typed quiz answer may end and something else
// begin: a comma, a full stop or another stop, a dash, or "but".
var answerBreak = regexp.MustCompile(`(?i)[,;:.!?…]+\s*|\s+[-–—]\s+|\s+(?:ma|però|pero|but|mais|aber|ale)\s+`)

// leadingBut is a "but" that begins what follows an answer.
var leadingBut = regexp.MustCompile(`(?i)^(?:ma|però|pero|but|mais|aber|ale)\s+`)

// cutAnswer splits s at its first break (answerBreak) into what may be
// an answer and what follows it; ok is false when s has no break with
// words after it.
func cutAnswer(s string) (head, rest string, ok bool) {
	loc := answerBreak.FindStringIndex(s)
	if loc == nil || loc[0] == 0 {
		return "", "", false
	}
	head, rest = strings.TrimSpace(s[:loc[0]]), strings.TrimSpace(s[loc[1]:])
	rest = leadingBut.ReplaceAllString(rest, "") // "vero! ma come…": "come…"
	if !strings.ContainsFunc(rest, unicode.IsLetter) {
		return "", "", false
	}
	return head, rest, true
}

// minKeptWords is the fewest words of a question typed after a quiz
// answer that is kept for the assistant: "giusto?", "ma perché?" ask about
// the answer, which its feedback explains.
const minKeptWords = 3

// answerThenAsk answers the quiz or review question with option data, as
// typed before more text (rest). A question in rest is kept, as one typed
// alone during a quiz is, unless it only asks why, or is the answer's
// ("perché?", "giusto?"): the feedback explains the right answer. What
// else rest says (a reason, "credo") needs no reply.
func (t *turn) answerThenAsk(data, understood, rest string) ([]bot.Reply, error) {
	if understood != "" {
		t.note("understood", map[string]any{"Answer": understood})
	}
	quiz := t.st.Screen == scrQuiz
	r, err := t.button(data)
	if err != nil || t.b.answerer == nil || !strings.ContainsAny(rest, "?¿") ||
		len(normWords(rest, false)) < minKeptWords || t.b.words.begins("why", rest) {
		return r, err
	}
	if !quiz {
		// Off the quiz, kept questions are answered once the turn's
		// replies are out, after the feedback (see Handle).
		t.st.Pending = append(t.st.Pending, rest)
		return r, nil
	}
	kept, err := t.holdQuestion(rest)
	return append(r, kept...), err
}

// holdQuestion keeps a question typed during a quiz and asks whether to
// answer it now or once the quiz is over.
func (t *turn) holdQuestion(q string) ([]bot.Reply, error) {
	t.st.Pending = append(t.st.Pending, q)
	r := bot.Reply{
		Text: t.T("quiz_question_kept", nil),
		Buttons: [][]bot.Button{
			{t.btn("btn_answer_now", actPending, "now"), t.btn("btn_answer_later", actPending, "later")},
		},
	}
	t.setAside(r)
	return []bot.Reply{r}, nil
}

// maxAskedShown is the most characters of a kept question repeated
// before its answer.
const maxAskedShown = 200

// pending answers the question kept during a quiz now (y|now), or leaves
// it for the end of the quiz (y|later); either way the quiz goes on.
func (t *turn) pending(args []string) ([]bot.Reply, error) {
	n := len(t.st.Pending)
	if n == 0 || t.b.answerer == nil || args[0] != "now" && args[0] != "later" {
		return t.expired()
	}
	t.press = false // the offer stays; the quiz comes back below
	if args[0] == "later" {
		t.note("quiz_question_later", nil)
		return t.show()
	}
	q := t.st.Pending[n-1] // the one the offer is about
	t.st.Pending = t.st.Pending[:n-1]
	r, err := t.b.answerer.Answer(t.ctx, t.tx, t.l, q)
	if err != nil {
		return nil, err
	}
	return t.afterAnswer(r)
}

// smallTalk answers a greeting, thanks, a goodbye or an "ok" briefly, with
// the next useful action: where the learner is expected to press a button
// (a quiz, the onboarding), that screen again; elsewhere, continue or the
// menu.
func (t *turn) smallTalk(kind string) ([]bot.Reply, error) {
	line := t.T("talk_"+kind, map[string]any{"Name": t.l.Name})
	if t.b.screens[t.st.Screen].expect {
		t.notes = append(t.notes, line)
		return t.show()
	}
	rp, err := t.resumePoint()
	if err != nil {
		return nil, err
	}
	r := bot.Reply{Text: line}
	if rp.lesson != nil {
		title := t.pick(rp.lesson.Title)
		label, line := "btn_continue", "talk_next"
		switch {
		case rp.kind == atNew && rp.begun:
			label, line = "btn_begin", "talk_onward"
		case rp.kind == atNew:
			label, line = "btn_begin", "talk_begin"
		}
		r.Text += "\n" + t.T(line, map[string]any{"Title": title})
		r.Buttons = append(r.Buttons, []bot.Button{{Label: t.T(label, map[string]any{"Title": short(title, 32)}), Data: encode(actContinue)}})
	}
	r.Buttons = append(r.Buttons, t.menuRow()...)
	t.setAside(r)
	return []bot.Reply{r}, nil
}

// unsureOfAnswer answers "non ho capito" said to an answer: the lesson
// the answer cites first opens at its start, or the question may be
// asked again in other words; small talk if it cited none.
func (t *turn) unsureOfAnswer() ([]bot.Reply, error) {
	cited, err := t.s.LastLessonsCited(t.ctx, t.l.ID)
	if err != nil {
		return nil, err
	}
	var ls *content.Lesson
	if len(cited) > 0 {
		ls = t.cur.Lesson(cited[0])
	}
	if ls == nil {
		return t.smallTalk(talkUnsure)
	}
	title := t.pick(ls.Title)
	r := bot.Reply{
		Text:    t.T("talk_unsure_answer", map[string]any{"Title": title}),
		Buttons: [][]bot.Button{{{Label: t.T("ask_btn_open", map[string]any{"Title": short(title, 32)}), Data: OpenLessonData(ls.ID, "")}}},
	}
	r.Buttons = append(r.Buttons, t.menuRow()...)
	t.setAside(r)
	return []bot.Reply{r}, nil
}

// label is how an answer to a field reads.
func (t *turn) label(field, v string) string {
	for _, c := range t.choices(field, false) {
		if c.value == v {
			return c.label
		}
	}
	return v
}

// asksBot tells a short question ending in a question mark, which is asked
// of the bot rather than a text to check: a notice or a post is longer,
// and seldom ends asking.
func asksBot(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsSymbol(r) })
	return strings.HasSuffix(s, "?") && len(strings.Fields(s)) <= 20
}

// isQuestion tells typed text that reads as a question (a question mark,
// or a few words) from a word typed in place of a button.
func isQuestion(s string) bool {
	return strings.ContainsAny(s, "?¿") || len(strings.Fields(s)) >= 4
}

// expired answers a button that no longer fits: the learner keeps their
// place.
func (t *turn) expired() ([]bot.Reply, error) {
	t.press = false
	t.note("expired", nil)
	return t.show()
}

// T renders a message in the learner's language.
func (t *turn) T(id string, data map[string]any) string { return t.b.texts.T(t.l.Locale, id, data) }

// N renders the plural form of a message for n.
func (t *turn) N(id string, n int, data map[string]any) string {
	return t.b.texts.N(t.l.Locale, id, n, data)
}

// note adds a line above the screen shown next.
func (t *turn) note(id string, data map[string]any) { t.notes = append(t.notes, t.T(id, data)) }

// btn is a button with a localized label.
func (t *turn) btn(label string, act string, args ...string) bot.Button {
	return bot.Button{Label: t.T(label, nil), Data: encode(act, args...)}
}

// saveLearner stores the learner's choices; without consent, their work,
// level and reminder time stay in their session.
func (t *turn) saveLearner() error {
	if !t.consented() {
		s := t.session()
		s.Role, s.Level, s.Reminder = t.l.Role, t.l.Level, t.l.Reminder
	}
	return t.s.UpdateLearner(t.ctx, t.l)
}

// location returns the time zone called name, Rome's if it is unknown.
// Zones are kept once loaded: time.LoadLocation reads a file every time.
func (b *Bot) location(name string) *time.Location {
	if loc, ok := b.zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc := bottega.Location(name)
	b.zones.Store(name, loc)
	return loc
}

// today is the learner's date.
func (t *turn) today() string { return t.now.In(t.loc).Format(time.DateOnly) }

// midnight is the start of the learner's day, days from today.
func (t *turn) midnight(days int) time.Time {
	y, m, d := t.now.In(t.loc).Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, t.loc)
}
