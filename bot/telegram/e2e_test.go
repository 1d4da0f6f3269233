package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/internal/logbuf"
	"github.com/bottega-app/bottega/internal/poll"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// rig is a fake Telegram, a fresh database and the real flows.
type rig struct {
	t     testing.TB
	db    *store.DB
	fake  *telegramtest.Server
	texts *locales.Catalog
	logs  *logbuf.Buffer
}

func newRig(t testing.TB) *rig {
	t.Helper()
	texts, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, db: pgtest.New(t), fake: telegramtest.New(t), texts: texts, logs: &logbuf.Buffer{}}
}

func (r *rig) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// transport connects to the fake; edit adjusts the options.
func (r *rig) transport(edit func(*telegram.Options)) *telegram.Transport {
	r.t.Helper()
	opt := telegram.Options{
		Token:       telegramtest.Token,
		Endpoint:    r.fake.Endpoint(),
		Store:       r.db,
		Logger:      r.logger(),
		Limits:      telegram.Limits{Rate: 10000, ChatRate: 1000, ChatBurst: 10, GroupPerMinute: 60000},
		PollTimeout: 5 * time.Second,
	}
	if edit != nil {
		edit(&opt)
	}
	tr, err := telegram.New(context.Background(), opt)
	if err != nil {
		r.t.Fatal(err)
	}
	return tr
}

// seen records the updates a handler got.
type seen struct {
	mu sync.Mutex
	us []bot.Update
}

func (s *seen) wrap(h bot.Handler) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, a bot.Tx, u bot.Update) ([]bot.Reply, error) {
		s.mu.Lock()
		s.us = append(s.us, u)
		s.mu.Unlock()
		return h.Handle(ctx, a, u)
	})
}

func (s *seen) all() []bot.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bot.Update(nil), s.us...)
}

// builtin serves the curriculum embedded in the binary to the flows,
// loaded once.
type builtin struct{}

var curriculum = sync.OnceValues(content.Builtin)

func (builtin) Current(context.Context) (*content.Curriculum, int64, error) {
	c, err := curriculum()
	return c, 0, err
}

// flows are the real conversations.
func (r *rig) flows() bot.Handler {
	return flows.New(flows.Options{Store: r.db, Texts: r.texts, Library: builtin{}, Clock: time.Now})
}

// running is a transport served by a dispatcher.
type running struct {
	d      *bot.Dispatcher
	cancel context.CancelFunc
	done   chan error
}

// stop cancels the transport and waits for it and the dispatcher.
func (x *running) stop(t *testing.T) {
	t.Helper()
	x.cancel()
	if err := <-x.done; err != nil {
		t.Errorf("transport: %v", err)
	}
	x.d.Close()
}

// start serves tr with handler h (after resending what is unsent), like
// the app does.
func (r *rig) start(tr *telegram.Transport, h bot.Handler, store bot.Store, workers int) *running {
	r.t.Helper()
	if store == nil {
		store = r.db
	}
	d := bot.New(bot.Config{Platform: tr.Platform(), Store: store, Handler: h, Sender: tr, Workers: workers, Logger: r.logger()})
	ctx, cancel := context.WithCancel(context.Background())
	if err := d.Resend(ctx); err != nil {
		r.t.Fatal(err)
	}
	x := &running{d: d, cancel: cancel, done: make(chan error, 1)}
	go func() { x.done <- tr.Run(ctx, d) }()
	return x
}

func countUpdates(t testing.TB, db *store.DB) int {
	t.Helper()
	n, err := db.CountUpdates(context.Background(), telegram.Platform)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func sentTo(fake *telegramtest.Server, chat int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range fake.Sent() {
		if c.ChatID() == chat {
			out = append(out, c)
		}
	}
	return out
}

func TestStartButtonsAndDeepLink(t *testing.T) {
	r := newRig(t)
	var s seen
	x := r.start(r.transport(nil), s.wrap(r.flows()), nil, 4)
	defer x.stop(t)

	const chat = 1001
	r.fake.SendText(chat, chat, "/start")
	poll.Until(t, "a reply to /start", func() bool { return len(sentTo(r.fake, chat)) >= 1 })
	first := sentTo(r.fake, chat)[0]
	if first.Method != "sendMessage" || len(first.Buttons()) == 0 {
		t.Fatalf("reply to /start = %s %q with %d button rows; want a message with inline buttons", first.Method, first.Text(), len(first.Buttons()))
	}
	if first.Params["parse_mode"] != "HTML" {
		t.Errorf("parse_mode = %q, want HTML", first.Params["parse_mode"])
	}
	data := first.FirstData()
	if data == "" {
		t.Fatal("no callback button in the reply to /start")
	}

	before := len(sentTo(r.fake, chat))
	r.fake.Press(chat, chat, first.MessageID, data)
	poll.Until(t, "the callback answer", func() bool { return len(r.fake.Calls("answerCallbackQuery")) == 1 })
	poll.Until(t, "a reply to the button", func() bool { return len(sentTo(r.fake, chat)) > before })
	reply := sentTo(r.fake, chat)[before]
	if reply.Method != "editMessageText" && reply.Method != "sendMessage" {
		t.Errorf("reply to the button = %s, want editMessageText or sendMessage", reply.Method)
	}
	if reply.Method == "editMessageText" && reply.Params["message_id"] != strconv.Itoa(first.MessageID) {
		t.Errorf("edited message %s, want %d", reply.Params["message_id"], first.MessageID)
	}
	if ans := r.fake.Calls("answerCallbackQuery"); ans[0].Status != 200 {
		t.Errorf("callback answer status %d", ans[0].Status)
	}

	r.fake.SendText(chat, chat, "/start lesson_42")
	poll.Until(t, "the deep link to reach the flow", func() bool {
		for _, u := range s.all() {
			if u.Text == "/start lesson_42" {
				return true
			}
		}
		return false
	})
	poll.Until(t, "all updates confirmed", func() bool { return r.fake.Pending() == 0 })
	if n := countUpdates(t, r.db); n != 3 {
		t.Errorf("processed_updates = %d, want 3", n)
	}
	for _, u := range s.all() {
		if u.Platform != telegram.Platform || u.ChatID != "1001" || u.UserID != "1001" || u.Lang != "it" || u.Group {
			t.Errorf("update %+v: wrong identity", u)
		}
	}
}

func TestGroupsOnlyCommandsAndMentions(t *testing.T) {
	r := newRig(t)
	var s seen
	echo := bot.HandlerFunc(func(ctx context.Context, _ bot.Tx, u bot.Update) ([]bot.Reply, error) {
		return []bot.Reply{{Text: "got " + u.Text}}, nil
	})
	x := r.start(r.transport(nil), s.wrap(echo), nil, 2)
	defer x.stop(t)
	const group, user = -100500, 42
	for _, text := range []string{
		"just chatting",
		"/help@someotherbot",
		"/help@" + telegramtest.BotUsername,
		"@" + telegramtest.BotUsername + " what is a hashtag?",
		"/start",
	} {
		r.fake.SendText(group, user, text)
	}
	poll.Until(t, "all group updates confirmed", func() bool { return r.fake.Pending() == 0 })
	poll.Until(t, "three replies", func() bool { return len(sentTo(r.fake, group)) == 3 })
	var got []string
	for _, u := range s.all() {
		got = append(got, u.Text)
		if !u.Group {
			t.Errorf("update %q not marked as a group's", u.Text)
		}
	}
	want := []string{"/help@" + telegramtest.BotUsername, "what is a hashtag?", "/start"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("handled %q, want %q", got, want)
	}
}

// In a group the bot answers the message of the person it talks to, and
// its buttons act for that person only: someone else pressing them gets a
// toast, and nothing changes.
func TestGroupButtonsBelongToWhoAsked(t *testing.T) {
	r := newRig(t)
	var s seen
	x := r.start(r.transport(func(o *telegram.Options) { o.Texts = r.texts }), s.wrap(r.flows()), nil, 2)
	defer x.stop(t)
	const group, giulia, marco = -100600, 42, 43
	start := r.fake.TextUpdate(group, giulia, "/start")
	r.fake.Inject(start)
	poll.Until(t, "the onboarding in the group", func() bool { return len(sentTo(r.fake, group)) == 1 })
	shown := sentTo(r.fake, group)[0]
	if got, want := shown.Params["reply_to_message_id"], strconv.Itoa(start.Message.MessageID); got != want {
		t.Fatalf("the onboarding answers message %q, want Giulia's /start (%s)", got, want)
	}
	data := shown.FirstData()

	// Marco presses Giulia's button: a toast, no edit, nothing handled.
	r.fake.Press(group, marco, shown.MessageID, data)
	poll.Until(t, "Marco's press confirmed", func() bool { return r.fake.Pending() == 0 })
	poll.Until(t, "Marco's toast", func() bool {
		for _, c := range r.fake.Calls("answerCallbackQuery") {
			if strings.Contains(c.Params["text"], "un'altra persona") {
				return true
			}
		}
		return false
	})
	if n := len(s.all()); n != 1 {
		t.Errorf("%d updates handled, want only Giulia's /start", n)
	}

	// Giulia presses it: her onboarding goes on, in the same message.
	r.fake.Press(group, giulia, shown.MessageID, data)
	poll.Until(t, "Giulia's press handled", func() bool { return len(s.all()) == 2 })
	poll.Until(t, "the message edited", func() bool { return len(r.fake.Calls("editMessageText")) == 1 })
	if u := s.all()[1]; u.UserID != strconv.Itoa(giulia) || u.ReplyTo != strconv.Itoa(start.Message.MessageID) {
		t.Errorf("Giulia's press arrived as %+v", u)
	}
	for _, c := range r.fake.Calls("editMessageText", "editMessageReplyMarkup") {
		if c.Params["message_id"] != strconv.Itoa(shown.MessageID) {
			t.Errorf("edited message %s, want %d", c.Params["message_id"], shown.MessageID)
		}
	}
}

// crashable wraps the store and the sender of a bot process that is about
// to die: once crashed, every database call and send fails, as if the
// process were gone.
type crashable struct {
	bot.Store
	crashed chan struct{}
	once    sync.Once
}

func newCrashable(s bot.Store) *crashable { return &crashable{Store: s, crashed: make(chan struct{})} }

func (c *crashable) crash() { c.once.Do(func() { close(c.crashed) }) }

func (c *crashable) dead() bool {
	select {
	case <-c.crashed:
		return true
	default:
		return false
	}
}

var errCrashed = errors.New("process crashed")

func (c *crashable) UpdateTx(ctx context.Context, platform string, updateID string, chatID, userID string, fn func(tx bot.Tx) ([]byte, error)) (bool, error) {
	if c.dead() {
		return false, errCrashed
	}
	return c.Store.UpdateTx(ctx, platform, updateID, chatID, userID, func(tx bot.Tx) ([]byte, error) {
		b, err := fn(tx)
		if err == nil && c.dead() {
			return nil, errCrashed // no commit
		}
		return b, err
	})
}

func (c *crashable) MarkSent(ctx context.Context, platform string, ids ...string) error {
	if c.dead() {
		return errCrashed
	}
	return c.Store.MarkSent(ctx, platform, ids...)
}

// crashSender dies at its nth send.
type crashSender struct {
	bot.Sender
	c     *crashable
	mu    sync.Mutex
	n     int
	crash int
}

func (s *crashSender) Send(ctx context.Context, chat string, r bot.Reply) (string, error) {
	s.mu.Lock()
	s.n++
	if s.n >= s.crash {
		s.c.crash()
	}
	s.mu.Unlock()
	if s.c.dead() {
		return "", errCrashed
	}
	return s.Sender.Send(ctx, chat, r)
}

// TestPollingCrashExactlyOnce kills a bot in the middle of a queue of
// updates (its database and network calls start failing at once), starts a
// new one on the same database, and checks that every update was handled
// once and answered once.
func TestPollingCrashExactlyOnce(t *testing.T) {
	r := newRig(t)
	const chats, perChat = 20, 3
	for i := range chats * perChat {
		chat := int64(2000 + i%chats)
		r.fake.SendText(chat, chat, "/help")
	}

	tr1 := r.transport(nil)
	cs := newCrashable(r.db)
	// One worker, so that the crash falls between two updates' sends: a
	// crash between a send and its MarkSent would resend that reply (at
	// least once is all a chat API allows there).
	d1 := bot.New(bot.Config{Platform: telegram.Platform, Store: cs, Handler: r.flows(),
		Sender: &crashSender{Sender: tr1, c: cs, crash: 17}, Workers: 1, Logger: r.logger()})
	ctx1, cancel1 := context.WithCancel(context.Background())
	done1 := make(chan error, 1)
	go func() { done1 <- tr1.Run(ctx1, d1) }()
	<-cs.crashed
	cancel1() // no draining: the process is gone
	<-done1
	crashedAt := countUpdates(t, r.db)
	if crashedAt == 0 || crashedAt >= chats*perChat {
		t.Fatalf("the crash left %d of %d updates recorded; the test needs some before and after", crashedAt, chats*perChat)
	}

	x := r.start(r.transport(nil), r.flows(), nil, 4)
	poll.Until(t, "every update recorded", func() bool { return countUpdates(t, r.db) == chats*perChat })
	poll.Until(t, "every update confirmed", func() bool { return r.fake.Pending() == 0 })
	x.stop(t)
	d1.Close()

	for i := range chats {
		chat := int64(2000 + i)
		if got := len(sentTo(r.fake, chat)); got != perChat {
			t.Errorf("chat %d got %d replies, want %d (one per update)", chat, got, perChat)
		}
	}
	unsent := 0
	r.db.Unsent(context.Background(), telegram.Platform, func(string, string, []byte) error { unsent++; return nil })
	if unsent != 0 {
		t.Errorf("%d updates have unsent replies", unsent)
	}
}

// TestPollingTakesOverAndStopsPromptly: a webhook left registered is
// deleted before polling (Telegram refuses getUpdates while one is set),
// and cancelling the context ends a long poll at once, well before its
// 50-second timeout.
func TestPollingTakesOverAndStopsPromptly(t *testing.T) {
	r := newRig(t)
	r.fake.SetWebhook("https://old.example.org/hook", "old")
	tr := r.transport(func(o *telegram.Options) { o.PollTimeout = 50 * time.Second })
	x := r.start(tr, r.flows(), nil, 2)
	r.fake.SendText(9100, 9100, "/start")
	poll.Until(t, "a reply", func() bool { return len(sentTo(r.fake, 9100)) == 1 })
	if url, _ := r.fake.Webhook(); url != "" {
		t.Errorf("webhook still set: %q", url)
	}
	poll.Until(t, "the next long poll", func() bool { return r.fake.LongPolling() == 1 })
	x.cancel()
	select {
	case err := <-x.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after cancel: the long poll was not interrupted")
	}
	x.d.Close()
}

// TestRestartAnswersWhileOptionalCallsFail: the command menu and the
// description are optional. When Telegram answers them with 5xx, a bot
// that restarts answers its first message at once, while they are retried
// in the background, rather than after they give up.
func TestRestartAnswersWhileOptionalCallsFail(t *testing.T) {
	r := newRig(t)
	x := r.start(r.transport(nil), r.flows(), nil, 2)
	r.fake.SendText(9200, 9200, "/start")
	poll.Until(t, "the first run's reply", func() bool { return len(sentTo(r.fake, 9200)) == 1 })
	x.stop(t)

	// While the bot is down, Telegram starts failing the optional calls,
	// and a learner writes.
	r.fake.Fail("setMyCommands", 0, telegramtest.Fault{Code: 500, Description: "Internal Server Error"})
	r.fake.Fail("setMyDescription", 0, telegramtest.Fault{Code: 502, Proxy: true})
	r.fake.SendText(9201, 9201, "/start")
	replied := make(chan struct{})
	var once sync.Once
	r.fake.OnCall(func(c telegramtest.Call) {
		if c.Method == "sendMessage" && c.ChatID() == 9201 && c.Status == 200 {
			once.Do(func() { close(replied) })
		}
	})
	// Retries wait until the learner is answered, so the background calls
	// give up after the reply however slow the machine. The timer only
	// ends the waits of a start that waits for them, which would otherwise
	// last until the set-up's deadline; here the reply would have to take
	// over a minute (14 calls, 5s each) to be overtaken.
	afterReply := func(ctx context.Context, _ time.Duration) error {
		guard := time.NewTimer(5 * time.Second)
		defer guard.Stop()
		select {
		case <-replied:
			return nil
		case <-guard.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	tr := r.transport(func(o *telegram.Options) {
		o.Texts, o.Languages, o.Commands = r.texts, locales.Supported, []string{"start", "help"}
		o.Retries, o.Sleep = 1, afterReply
	})
	x = r.start(tr, r.flows(), nil, 2)
	defer x.stop(t)
	menus := len(locales.Supported) + 1 // and the default
	poll.Until(t, "the optional calls to give up", func() bool {
		logs := r.logs.String()
		return strings.Count(logs, "command menu not set") == menus && strings.Count(logs, "bot description not set") == menus
	})
	reply, last := -1, -1
	for i, c := range r.fake.Calls() {
		switch {
		case c.Method == "sendMessage" && c.ChatID() == 9201 && reply < 0:
			reply = i
		case c.Method == "setMyCommands" || c.Method == "setMyDescription":
			last = i
		}
	}
	if reply < 0 || reply > last {
		t.Errorf("the first message after the restart was answered at call %d (-1: not yet), after the optional calls gave up (last at call %d)", reply, last)
	}
	if n := len(r.fake.Calls("setMyCommands", "setMyDescription")); n != 2*2*menus {
		t.Errorf("%d optional calls, want %d (each tried twice)", n, 2*2*menus)
	}
}
