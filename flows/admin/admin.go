// Package admin is the admins' side of the chat, plugged into the flows as a
// flows.Extension: the /broadcast wizard (a lesson or a message, the
// audience, a preview, then the broadcast with a progress message that the
// delivery worker keeps up to date, with Pause, Resume and Cancel buttons),
// /pause, /resume and /cancel, /stats, /invite and /invites (invitation
// codes for a course's cohort), /revoke (a certificate), publishing lesson files sent as
// documents (validate, preview the changes, Publish), and attaching a video
// to a lesson. It also gives every learner /reminders.
//
// Admins are the platform user ids in Options.Admins. Every admin command
// and button checks it, in private chats only; for anyone else the
// extension passes, so the flows give their normal answer to an unknown
// command or a stale button, and nothing happens.
//
// The wizards' state is kept in Postgres (admin_state), apart from the
// learner's conversation state, and changes in the update's transaction
// (see Options.InTx).
package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/reminders"
	"github.com/bottega-app/bottega/stats"
)

// Store is what the admin flows keep and read.
type Store interface {
	LoadAdminState(ctx context.Context, platform, userID string) ([]byte, error)
	SaveAdminState(ctx context.Context, platform, userID string, state []byte) error
	MergeAdminState(ctx context.Context, platform, userID string, patch []byte) error
	UpdateLearner(ctx context.Context, l bottega.Learner) error
	SaveLessonVideo(ctx context.Context, lessonID, platform, fileID, kind, addedBy string) error
	SaveMediaID(ctx context.Context, platform, key, id string) error
	CreateInvite(ctx context.Context, inv bottega.Invite) (bottega.Invite, error)
	Invites(ctx context.Context) ([]bottega.Invite, error)
	FindCertificate(ctx context.Context, code string) (bottega.Certificate, bool, error)
	RevokeCertificate(ctx context.Context, code string, at time.Time) (bool, error)
	stats.Store
}

// Texts renders messages (locales.Catalog).
type Texts interface {
	T(lang, id string, data map[string]any) string
}

// Library gives the current curriculum.
type Library interface {
	Current(ctx context.Context) (*content.Curriculum, int64, error)
}

// Downloader fetches a file a user sent, by the platform's file id.
type Downloader interface {
	Download(ctx context.Context, fileID string) ([]byte, error)
}

// Options configures the admin flows.
type Options struct {
	// Admins are the platform user ids allowed to use admin commands.
	Admins []string
	Store  Store
	// Broadcasts starts and steers broadcasts (it wakes the delivery
	// worker itself).
	Broadcasts bottega.BroadcastService
	Texts      Texts
	Library    Library
	// Downloader fetches uploaded documents; nil turns uploads down.
	Downloader Downloader
	// Publishing checks and publishes uploads; nil turns them down.
	Publishing bottega.PublishService
	// Videos cuts the videos of uploaded lessons into clips before they
	// are published, in a task that shows the progress (nil: lessons are
	// published without clips).
	Videos VideoPreparer
	// NoEdits reports whether a platform cannot edit a message it sent
	// (WhatsApp): the videos' progress then comes as a message for each
	// stage instead of edits of one message.
	NoEdits func(platform string) bool
	// ProgressEvery is how often at most the videos' progress message is
	// edited (default a second).
	ProgressEvery time.Duration
	// ConsoleLink makes a one-time sign-in link to the web console for
	// an admin (web.Handler.NewLink); nil: /console says it is off.
	ConsoleLink func(ctx context.Context, platform, userID string) (string, error)
	// Rate is the rate of broadcasts started from the chat (default
	// broadcast.DefaultRate).
	Rate  float64
	Clock func() time.Time
	// InTx binds Store, Broadcasts and Publishing to an update's
	// transaction, so that what the admin flows do in an update commits or
	// rolls back with it; the options' own serve the tasks, after commit.
	// Nil: the transaction is the Store, and the services run on their own.
	InTx func(tx bot.Tx) (Tx, error)
}

// Tx is the storage and the services of the admin flows, bound to an
// update's transaction.
type Tx struct {
	Store      Store
	Broadcasts bottega.BroadcastService
	Publishing bottega.PublishService
}

// in returns the admin flows bound to an update's transaction.
func (a *Admin) in(tx bot.Tx) (*Admin, error) {
	b := *a
	if a.o.InTx == nil {
		s, ok := tx.(Store)
		if !ok {
			return nil, fmt.Errorf("the update's transaction (%T) is not the admin flows' store", tx)
		}
		b.o.Store = s
		return &b, nil
	}
	t, err := a.o.InTx(tx)
	if err != nil {
		return nil, fmt.Errorf("bind the admin flows to the update: %w", err)
	}
	b.o.Store, b.o.Broadcasts, b.o.Publishing = t.Store, t.Broadcasts, t.Publishing
	return &b, nil
}

// Admin implements flows.Extension.
type Admin struct {
	o      Options
	admins map[string]bool
	msgs   broadcast.Messages
}

// New returns the admin flows.
func New(o Options) *Admin {
	if o.Rate <= 0 {
		o.Rate = broadcast.DefaultRate
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = defaultProgressEvery
	}
	a := &Admin{o: o, admins: map[string]bool{}, msgs: broadcast.Messages{Texts: o.Texts, Library: o.Library}}
	for _, id := range o.Admins {
		if id = strings.TrimSpace(id); id != "" {
			a.admins[id] = true
		}
	}
	return a
}

// IsAdmin reports whether the update comes from an admin, in a private
// chat.
func (a *Admin) IsAdmin(u bot.Update) bool { return a.admins[u.UserID] && !u.Group && u.UserID != "" }

// Help implements flows.Helper: an admin's /help lists the admin commands
// too.
func (a *Admin) Help(u bot.Update, locale string) string {
	if !a.IsAdmin(u) {
		return ""
	}
	return a.o.Texts.T(locale, "admin_help", nil)
}

// Button data of the admin flows: "v1|x|<code>[|<arg>]".
const (
	prefix = "v1|x|"

	codeKind     = "bk" // bk|lesson or bk|text
	codeLesson   = "bl" // bl|<lesson>
	codePage     = "bn" // bn|<page> of lessons
	codeFilter   = "ba" // ba|<field>: next value of an audience filter
	codePreview  = "bv"
	codeBack     = "bb"
	codeSend     = "bs"
	codeQuit     = "bq"
	codePause    = "bp" // bp|<broadcast>
	codeResume   = "br" // br|<broadcast>
	codeCancel   = "bc" // bc|<broadcast>
	codePublish  = "up"
	codeUnupload = "uq"
)

func data(code string, args ...string) string {
	return prefix + strings.Join(append([]string{code}, args...), "|")
}

// Handle implements flows.Extension.
func (a *Admin) Handle(ctx context.Context, tx bot.Tx, l bottega.Learner, u bot.Update) ([]bot.Reply, bool, error) {
	a, err := a.in(tx)
	if err != nil {
		return nil, false, err
	}
	if u.Data != "" {
		rest, ok := strings.CutPrefix(u.Data, prefix)
		if !ok || !a.IsAdmin(u) {
			return nil, false, nil
		}
		code, arg, _ := strings.Cut(rest, "|")
		r, err := a.button(ctx, l, u, code, arg)
		return r, r != nil || err != nil, err
	}
	name, args := command(u.Text)
	if name == "reminders" {
		r, err := a.reminders(ctx, l, args)
		return r, true, err
	}
	if !a.IsAdmin(u) {
		return nil, false, nil
	}
	var r []bot.Reply
	switch name {
	case "broadcast":
		r, err = a.startBroadcast(ctx, l, u, args)
	case "pause":
		r, err = a.control(ctx, l, u, args, bottega.BroadcastPaused)
	case "resume":
		r, err = a.control(ctx, l, u, args, bottega.BroadcastRunning)
	case "cancel":
		r, err = a.control(ctx, l, u, args, bottega.BroadcastCancelled)
	case "stats":
		r, err = a.stats(ctx, l)
	case "console":
		r, err = a.consoleLink(ctx, l, u)
	case "invite":
		r, err = a.invite(ctx, l, u, args)
	case "invites":
		r, err = a.invites(ctx, l)
	case "revoke":
		r, err = a.revoke(ctx, l, args)
	default:
		return nil, false, nil
	}
	return r, true, err
}

// command splits "/Broadcast@bot some text" into "broadcast" and "some
// text".
func command(text string) (name, args string) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return "", ""
	}
	head, rest, _ := strings.Cut(text[1:], " ")
	if h, r, ok := strings.Cut(head, "\n"); ok {
		head, rest = h, r+" "+rest
	}
	head, _, _ = strings.Cut(head, "@")
	return strings.ToLower(head), strings.TrimSpace(rest)
}

// button routes a press on one of the admin flows' buttons. A nil reply
// means the button is not ours.
func (a *Admin) button(ctx context.Context, l bottega.Learner, u bot.Update, code, arg string) ([]bot.Reply, error) {
	switch code {
	case codePause, codeResume, codeCancel:
		status := map[string]string{codePause: bottega.BroadcastPaused, codeResume: bottega.BroadcastRunning, codeCancel: bottega.BroadcastCancelled}[code]
		return a.controlButton(ctx, l, arg, status)
	case codePublish, codeUnupload:
		return a.uploadButton(ctx, l.Locale, u, code == codePublish)
	case codeKind, codeLesson, codePage, codeFilter, codePreview, codeBack, codeSend, codeQuit:
		return a.wizardButton(ctx, l, u, code, arg)
	}
	return nil, nil
}

// state is an admin's wizard, kept between updates.
type state struct {
	// Step is "", kind, text, lesson, audience, preview or upload.
	Step   string `json:"step,omitempty"`
	Kind   string `json:"kind,omitempty"`
	Lesson string `json:"lesson,omitempty"`
	Text   string `json:"text,omitempty"`
	Page   int    `json:"page,omitempty"`
	// Filter holds the index of each audience filter's value, by field.
	Filter map[string]int `json:"filter,omitempty"`
	// Draft is an upload checked and kept, waiting for Publish.
	Draft  int64  `json:"draft,omitempty"`
	Source string `json:"source,omitempty"`
	// Videos tells that the draft has videos to cut into clips.
	Videos bool `json:"videos,omitempty"`
}

func (a *Admin) load(ctx context.Context, u bot.Update) (state, error) {
	var st state
	raw, err := a.o.Store.LoadAdminState(ctx, u.Platform, u.UserID)
	if err != nil {
		return st, err
	}
	if len(raw) > 0 && json.Unmarshal(raw, &st) != nil {
		st = state{} // an unreadable wizard starts over
	}
	return st, nil
}

func (a *Admin) save(ctx context.Context, u bot.Update, st state) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode admin state: %w", err)
	}
	return a.o.Store.SaveAdminState(ctx, u.Platform, u.UserID, raw)
}

// expired answers a button that no longer matches the wizard.
func (a *Admin) expired(lang string) []bot.Reply {
	return []bot.Reply{{Notice: a.o.Texts.T(lang, "admin_expired", nil)}}
}

func (a *Admin) btn(lang, label string, d string) bot.Button {
	return bot.Button{Label: a.o.Texts.T(lang, label, nil), Data: d}
}

// reminders is /reminders [off|HH:MM] for every learner.
func (a *Admin) reminders(ctx context.Context, l bottega.Learner, args string) ([]bot.Reply, error) {
	lang := l.Locale
	arg := strings.ToLower(strings.TrimSpace(args))
	switch {
	case arg == "off" || arg == "no" || arg == "stop":
		l.Reminder = ""
		if err := a.o.Store.UpdateLearner(ctx, l); err != nil {
			return nil, err
		}
		return a.wayOn(lang, a.o.Texts.T(lang, "admin_reminders_off", nil)), nil
	case arg != "":
		at, ok := flows.ClockTime(arg)
		if !ok {
			return a.wayOn(lang, a.o.Texts.T(lang, "admin_reminders_usage", nil)), nil
		}
		if reminders.QuietAt(at) {
			// It could never go out: say so, and keep the time there was.
			from, to := reminders.QuietOpen()
			return a.wayOn(lang, a.o.Texts.T(lang, "admin_reminders_quiet", map[string]any{"Time": at, "From": from, "To": to})), nil
		}
		l.Reminder = at
		if err := a.o.Store.UpdateLearner(ctx, l); err != nil {
			return nil, err
		}
		return a.wayOn(lang, a.o.Texts.T(lang, "admin_reminders_set", map[string]any{"Time": at})), nil
	case l.Reminder == "":
		return a.wayOn(lang, a.o.Texts.T(lang, "admin_reminders_status_off", nil)), nil
	}
	// The example of another time is not the one set.
	other := "13:00"
	if l.Reminder == other {
		other = "19:00"
	}
	return a.wayOn(lang, a.o.Texts.T(lang, "admin_reminders_status_on", map[string]any{"Time": l.Reminder, "Other": other})), nil
}

// wayOn is a reply with the buttons that take the learner on: where they
// were, or the menu.
func (a *Admin) wayOn(lang, text string) []bot.Reply {
	return []bot.Reply{{Text: text, Buttons: [][]bot.Button{flows.WayOn(a.o.Texts, lang)}}}
}

// lessonTitle names a lesson in lang, or gives its id.
func lessonTitle(cur *content.Curriculum, id, lang string) string {
	if cur != nil {
		if l := cur.Lesson(id); l != nil {
			return l.Title.Get(lang)
		}
	}
	return id
}

// langOf is the admin's language: the learner's, or the platform's.
func langOf(l bottega.Learner, u bot.Update) string {
	if locales.IsSupported(l.Locale) {
		return l.Locale
	}
	return locales.Match(u.Lang)
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// consoleLink is /console: a one-time link to the web console, valid for
// ten minutes, for this admin only.
func (a *Admin) consoleLink(ctx context.Context, l bottega.Learner, u bot.Update) ([]bot.Reply, error) {
	lang := langOf(l, u)
	if a.o.ConsoleLink == nil {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_console_off", nil)}}, nil
	}
	link, err := a.o.ConsoleLink(ctx, u.Platform, u.UserID)
	if bottega.ErrorCode(err) == bottega.EINVALID {
		return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_console_off", nil)}}, nil
	} else if err != nil {
		return nil, err
	}
	return []bot.Reply{{Text: a.o.Texts.T(lang, "admin_console_link", map[string]any{"Link": link})}}, nil
}
