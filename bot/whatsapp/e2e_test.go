package whatsapp_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/journeytest"
	"github.com/bottega-app/bottega/bot/whatsapp"
	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/internal/logbuf"
	"github.com/bottega-app/bottega/internal/poll"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// builtin serves the curriculum embedded in the binary to the flows.
type builtin struct{}

var curriculum = sync.OnceValues(content.Builtin)

func (builtin) Current(context.Context) (*content.Curriculum, int64, error) {
	c, err := curriculum()
	return c, 0, err
}

// rig is a fake WhatsApp, a fresh database, the real flows and dispatcher,
// and the transport's webhook on an HTTP server the fake posts to.
type rig struct {
	t        testing.TB
	db       *store.DB
	fake     *whatsapptest.Server
	tr       *whatsapp.Transport
	d        *bot.Dispatcher
	logs     *logbuf.Buffer
	statuses []whatsapp.Status
	mu       sync.Mutex
	// later is how far the flows' clock is ahead of the real one.
	later atomic.Int64
}

// now is the flows' clock.
func (r *rig) now() time.Time { return time.Now().Add(time.Duration(r.later.Load())) }

// clock is the rig's clock for the assistant; its waits are real.
type clock struct{ r *rig }

func (c clock) Now() time.Time                       { return c.r.now() }
func (clock) After(d time.Duration) <-chan time.Time { return time.After(d) }

func newRig(t *testing.T, edit func(*whatsapp.Options)) *rig {
	t.Helper()
	return newRigWith(t, edit, nil)
}

// newRigWith is newRig with handler h instead of the flows (nil: the
// flows, answering questions with llm if given, else offline).
func newRigWith(t testing.TB, edit func(*whatsapp.Options), h bot.Handler, llm ...assistant.LLM) *rig {
	t.Helper()
	texts, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, db: pgtest.New(t), fake: whatsapptest.New(t), logs: &logbuf.Buffer{}}
	log := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opt := whatsapp.Options{
		Token:         whatsapptest.Token,
		PhoneNumberID: whatsapptest.PhoneNumberID,
		AppSecret:     whatsapptest.AppSecret,
		VerifyToken:   "verify-me",
		Endpoint:      r.fake.URL(),
		Store:         r.db,
		Texts:         texts,
		Logger:        log,
		Rate:          10000,
		Backoff:       time.Millisecond,
		OnStatus: func(_ context.Context, st whatsapp.Status) error {
			r.mu.Lock()
			r.statuses = append(r.statuses, st)
			r.mu.Unlock()
			return nil
		},
	}
	if edit != nil {
		edit(&opt)
	}
	r.tr, err = whatsapp.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	var tasks map[string]bot.TaskFunc
	if h == nil {
		// The flows, with questions answered from the built-in lessons
		// (indexed as a publish does), without an LLM.
		c, err := curriculum()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.db.PublishCurriculum(context.Background(), c, store.PublishOptions{Builtin: true, Source: "built-in", Index: assistant.Index}); err != nil {
			t.Fatal(err)
		}
		// Answers go whole because WhatsApp's Capabilities say it cannot
		// edit a message, not because the assistant is told so.
		o := assistant.Options{DB: r.db, Texts: texts, Clock: clock{r}, Model: "gpt-4o-mini", EditEvery: time.Millisecond}
		if len(llm) > 0 {
			o.LLM = llm[0]
		}
		a, err := assistant.New(o)
		if err != nil {
			t.Fatal(err)
		}
		tasks = a.Tasks()
		h = flows.New(flows.Options{Store: r.db, Texts: texts, Library: builtin{}, Clock: r.now, Contact: journeytest.Contact, Answerer: a})
	}
	r.d = bot.New(bot.Config{Platform: whatsapp.Platform, Store: r.db, Handler: h, Sender: r.tr, Workers: 4, Logger: log, Tasks: tasks})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.tr.Run(ctx, r.d) }()
	srv := httptest.NewServer(r.tr.Handler())
	r.fake.SetWebhook(srv.URL, whatsapptest.AppSecret)
	// The webhook answers 503 until Run has started: an empty delivery
	// tells when it has.
	poll.Until(t, "the webhook to accept deliveries", func() bool {
		code, err := r.fake.Deliver(context.Background(), whatsapptest.Payload())
		return err == nil && code == http.StatusOK
	})
	t.Cleanup(func() {
		srv.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("transport: %v", err)
		}
		r.d.Close()
		if t.Failed() {
			t.Logf("log:\n%s", r.logs.String())
		}
	})
	return r
}

// push posts items and waits until the replies are out.
func (r *rig) push(user string, items ...whatsapptest.Item) {
	r.t.Helper()
	code, err := r.fake.Push(context.Background(), items...)
	if err != nil || code != http.StatusOK {
		r.t.Fatalf("webhook answered %d, %v", code, err)
	}
	if err := r.d.Flush(context.Background(), user); err != nil {
		r.t.Fatal(err)
	}
}

// say sends text from user and returns the messages it got back.
func (r *rig) say(user, text string) []whatsapptest.Message {
	r.t.Helper()
	before := len(r.fake.Sent(user))
	r.push(user, r.fake.Text(user, "Giulia", text))
	return r.fake.Sent(user)[before:]
}

// press chooses the button or list row whose title contains title, in the
// last message that has choices.
func (r *rig) press(user, title string) []whatsapptest.Message {
	r.t.Helper()
	sent := r.fake.Sent(user)
	for i := len(sent) - 1; i >= 0; i-- {
		m := sent[i]
		for _, c := range m.Choices() {
			if strings.Contains(c.Title, title) || strings.Contains(c.Description, title) {
				before := len(sent)
				var in whatsapptest.Inbound
				if m.Buttons() != nil {
					in = r.fake.ButtonReply(user, "Giulia", m.ID, c.ID, c.Title)
				} else {
					in = r.fake.ListReply(user, "Giulia", m.ID, c.ID, c.Title)
				}
				r.push(user, in)
				return r.fake.Sent(user)[before:]
			}
		}
		if m.Choices() != nil {
			r.t.Fatalf("no choice %q in the last message with choices: %+v", title, m.Choices())
		}
	}
	r.t.Fatalf("no message with choices to press %q in", title)
	return nil
}

func texts(ms []whatsapptest.Message) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Text())
		for _, c := range m.Choices() {
			b.WriteString("\n [" + c.Title + "]")
		}
		b.WriteString("\n---\n")
	}
	return b.String()
}

func expect(t *testing.T, ms []whatsapptest.Message, want ...string) {
	t.Helper()
	all := texts(ms)
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Fatalf("the replies lack %q:\n%s", w, all)
		}
	}
}

// learner plays the journey's learner on the fake WhatsApp.
type learner struct {
	r    *rig
	user string
}

func (l learner) Say(text string) []journeytest.Message { return seen(l.r.say(l.user, text)) }
func (l learner) Press(title string) []journeytest.Message {
	return seen(l.r.press(l.user, title))
}
func (l learner) Later(d time.Duration) { l.r.later.Add(int64(d)) }

func seen(ms []whatsapptest.Message) []journeytest.Message {
	out := make([]journeytest.Message, 0, len(ms))
	for _, m := range ms {
		jm := journeytest.Message{Text: m.Text(), File: m.Filename()}
		for _, c := range m.Choices() {
			jm.Choices = append(jm.Choices, c.Title)
		}
		out = append(out, jm)
	}
	return out
}

// TestJourney is a learner's way through Bottega on WhatsApp
// (journeytest.Run: onboarding, a lesson, its quiz, the review, a question
// answered with a citation, /progress, /export as a document), then a
// voice note and /delete. Every message the fake accepted fits WhatsApp's
// limits: it refuses the others.
func TestJourney(t *testing.T) {
	r := newRig(t, nil)
	const user = "393331234567"
	journeytest.Run(t, learner{r, user})
	if ups := r.fake.Uploads(); len(ups) != 1 || ups[0].Type != "application/json" {
		t.Fatalf("uploads = %+v, want the export as application/json", ups)
	}
	before := len(r.fake.Sent(user))
	r.push(user, r.fake.Media(user, "Giulia", "audio"))
	expect(t, r.fake.Sent(user)[before:], "messaggi vocali")
	got := r.say(user, "/delete")
	last := got[len(got)-1]
	if len(last.Choices()) == 0 {
		t.Fatalf("/delete asks no confirmation:\n%s", texts(got))
	}
	if lang, err := r.db.LearnerLocale(context.Background(), whatsapp.Platform, user); err != nil || lang != "it" {
		t.Fatalf("before /delete the learner's language is %q (%v)", lang, err)
	}
	got = r.press(user, last.Choices()[0].Title)
	if lang, err := r.db.LearnerLocale(context.Background(), whatsapp.Platform, user); err != nil || lang != "" {
		t.Errorf("the learner is still there after /delete (%q, %v):\n%s", lang, err, texts(got))
	}
	// Every request was accepted: the replies fit WhatsApp.
	for _, m := range r.fake.Messages() {
		if m.Code != 0 {
			t.Errorf("a %s message was refused with %d: %s", m.Type, m.Code, m.Body)
		}
	}
	if len(r.fake.Reads()) == 0 {
		t.Error("no message was marked read")
	}
}

// TestForgedWebhook: an unsigned or wrongly signed webhook gets 401 and
// changes nothing; the handshake answers only the verify token.
func TestForgedWebhook(t *testing.T) {
	r := newRig(t, nil)
	body := whatsapptest.Payload(r.fake.Text("393331234567", "Giulia", "/start"))
	for name, post := range map[string]func(context.Context, []byte) (int, error){
		"unsigned": r.fake.DeliverUnsigned, "forged": r.fake.DeliverForged,
	} {
		code, err := post(context.Background(), body)
		if err != nil || code != http.StatusUnauthorized {
			t.Errorf("%s webhook: %d %v, want 401", name, code, err)
		}
	}
	if n, err := r.db.CountUpdates(context.Background(), whatsapp.Platform); err != nil || n != 0 {
		t.Errorf("forged webhooks recorded %d updates (%v)", n, err)
	}
	if n := len(r.fake.Sent("")); n != 0 {
		t.Errorf("forged webhooks got %d replies", n)
	}
	h := r.tr.Handler()
	for token, want := range map[string]int{"verify-me": 200, "wrong": 403} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/whatsapp?hub.mode=subscribe&hub.verify_token="+token+"&hub.challenge=1158201444", nil))
		if rec.Code != want || (want == 200 && rec.Body.String() != "1158201444") {
			t.Errorf("handshake with %q: %d %q", token, rec.Code, rec.Body.String())
		}
	}
}

// TestBatchDuplicatesAndStatuses: a batch of several messages, the same
// batch again and a status webhook with read before delivered: every
// message is answered once, the statuses arrive as they came.
func TestBatchDuplicatesAndStatuses(t *testing.T) {
	r := newRig(t, nil)
	a, b := "393330000001", "IT.1502576394655843" // b has no phone number
	ina, inb := r.fake.Text(a, "Anna", "/start"), r.fake.Text(b, "Bruno", "/start")
	body := whatsapptest.Changes(ina, inb)
	for range 2 {
		code, err := r.fake.Deliver(context.Background(), body)
		if err != nil || code != 200 {
			t.Fatalf("batch: %d %v", code, err)
		}
	}
	for _, u := range []string{a, b} {
		if err := r.d.Flush(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	if na, nb := len(r.fake.Sent(a)), len(r.fake.Sent(b)); na != 1 || nb != 1 {
		t.Fatalf("replies: %d to a, %d to b; want 1 each (the duplicate skipped)", na, nb)
	}
	if n, _ := r.db.CountUpdates(context.Background(), whatsapp.Platform); n != 2 {
		t.Fatalf("%d updates recorded, want 2", n)
	}
	var body2 []byte
	for _, m := range r.fake.Sent(b) {
		if !strings.Contains(string(m.Body), `"recipient":"IT.1502576394655843"`) {
			t.Errorf("a user without a phone number is not addressed by recipient: %s", m.Body)
		}
	}
	id := r.fake.Sent(a)[0].ID
	body2 = whatsapptest.Payload(
		whatsapptest.Status{ID: id, Recipient: a, Status: "read", At: time.Now()},
		whatsapptest.Status{ID: id, Recipient: a, Status: "delivered", At: time.Now()},
	)
	if code, err := r.fake.Deliver(context.Background(), body2); err != nil || code != 200 {
		t.Fatalf("statuses: %d %v", code, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.statuses) != 2 || r.statuses[0].Status != "read" || r.statuses[0].MessageID != id {
		t.Fatalf("statuses = %+v", r.statuses)
	}
}

// TestErrors: each error code does what it should.
func TestErrors(t *testing.T) {
	r := newRig(t, nil)
	const user = "393330000009"
	r.say(user, "/start")
	send := func() error {
		_, err := r.tr.Send(context.Background(), user, bot.Reply{Text: "Ciao"})
		return err
	}
	// 131056: this learner waits (others do not), and their next send waits
	// without a request.
	r.fake.Fail(1, whatsapptest.Fault{Code: whatsapptest.CodePairRate, To: user})
	err := send()
	if bot.RecipientRetryIn(err) <= 0 || bot.RetryIn(err) > 0 || bot.IsRejected(err) || bot.IsGone(err) {
		t.Fatalf("131056: %v (learner's retry in %v, everyone's in %v)", err, bot.RecipientRetryIn(err), bot.RetryIn(err))
	}
	n := len(r.fake.Messages())
	if err := send(); bot.RecipientRetryIn(err) <= 0 || len(r.fake.Messages()) != n {
		t.Fatalf("a send under the pair rate's backoff: %v, %d requests", err, len(r.fake.Messages())-n)
	}
	// 130429: retried later.
	const other = "393330000010"
	r.fake.Fail(1, whatsapptest.Fault{Code: whatsapptest.CodeThroughput, To: other})
	if _, err := r.tr.Send(context.Background(), other, bot.Reply{Text: "Ciao"}); bot.RetryIn(err) <= 0 {
		t.Fatalf("130429: %v", err)
	}
	// 5xx: tried again at once, and the message goes.
	r.fake.Fail(1, whatsapptest.Fault{Code: 503, To: other})
	if _, err := r.tr.Send(context.Background(), other, bot.Reply{Text: "Ciao"}); err != nil {
		t.Fatalf("after a 503: %v", err)
	}
	// A timeout may have arrived.
	r.fake.Fail(1, whatsapptest.Fault{Stall: time.Second, To: other})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, err = r.tr.Send(ctx, other, bot.Reply{Text: "Ciao"})
	cancel()
	if !bot.IsUncertain(err) {
		t.Fatalf("a stalled send: %v, want uncertain", err)
	}
	r.fake.ClearFaults()
	// 190: stop sending, not ready.
	r.fake.Fail(1, whatsapptest.Fault{Code: whatsapptest.CodeToken, To: other})
	if err := r.tr.Ready(); err != nil {
		t.Fatalf("ready before: %v", err)
	}
	if _, err := r.tr.Send(context.Background(), other, bot.Reply{Text: "Ciao"}); err == nil {
		t.Fatal("190 accepted")
	}
	if r.tr.Ready() == nil {
		t.Fatal("ready after 190")
	}
	n = len(r.fake.Messages())
	if _, err := r.tr.Send(context.Background(), other, bot.Reply{Text: "Ciao"}); err == nil || len(r.fake.Messages()) != n {
		t.Fatal("a send after 190 made a request")
	}
	if c := strings.Count(r.logs.String(), "sending stopped"); c != 1 {
		t.Errorf("the stop is logged %d times, want once", c)
	}
}

// TestUnreachable: a failed status with 131026 (not on WhatsApp) or
// 131050 (the learner stopped the business's messages) marks the learner
// unreachable: out of every audience.
func TestUnreachable(t *testing.T) {
	for _, code := range []int{whatsapptest.CodeUndeliver, whatsapptest.CodeOptedOut} {
		t.Run(fmt.Sprint(code), func(t *testing.T) { unreachable(t, code) })
	}
}

func unreachable(t *testing.T, code int) {
	r := newRig(t, nil)
	const user = "393330000011"
	r.say(user, "/start")
	l, _, err := r.db.EnsureLearner(context.Background(), whatsapp.Platform, user, user, "", "it")
	if err != nil {
		t.Fatal(err)
	}
	consent := time.Now() // audiences hold only learners who gave consent
	l.ConsentAt = &consent
	if err := r.db.UpdateLearner(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	if n, err := r.db.CountAudience(context.Background(), bottega.Audience{Platform: whatsapp.Platform}); err != nil || n != 1 {
		t.Fatalf("the learner is not in audiences before the status: %d (%v)", n, err)
	}
	st := whatsapptest.Status{ID: r.fake.Sent(user)[0].ID, Recipient: user, Status: "failed", Code: code, At: time.Now()}
	if code, err := r.fake.Push(context.Background(), st); err != nil || code != 200 {
		t.Fatalf("status: %d %v", code, err)
	}
	r.mu.Lock()
	got := r.statuses
	r.mu.Unlock()
	if len(got) != 1 || got[0].Err == nil || got[0].Err.Code != code {
		t.Fatalf("statuses = %+v", got)
	}
	if n, err := r.db.CountAudience(context.Background(), bottega.Audience{Platform: whatsapp.Platform}); err != nil || n != 0 {
		t.Fatalf("the unreachable learner is still in audiences: %d (%v)", n, err)
	}
}

// TestWindowTemplates: within the 24-hour window a reminder goes as it is;
// outside it, as the template configured for its kind and language, which
// WhatsApp accepts; without one it is not sent (ErrNoTemplate).
func TestWindowTemplates(t *testing.T) {
	tpl, err := whatsapp.ParseTemplates("reminder.it=bottega_promemoria/it, broadcast.en=bottega_news/en_US")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := whatsapp.ParseTemplates("reminder.it=Bad Name/it"); err == nil {
		t.Error("a malformed template was accepted")
	}
	r := newRig(t, func(o *whatsapp.Options) { o.Templates = tpl })
	r.fake.ApproveTemplate("bottega_promemoria", "it")
	ctx := context.Background()
	const inside, outside = "393330000021", "393330000022"
	for _, u := range []string{inside, outside} {
		if _, _, err := r.db.EnsureLearner(ctx, whatsapp.Platform, u, u, "", "it"); err != nil {
			t.Fatal(err)
		}
	}
	r.fake.Text(inside, "Anna", "ciao") // the fake's window opens
	if err := r.db.TouchInbound(ctx, whatsapp.Platform, inside, time.Now()); err != nil {
		t.Fatal(err)
	}
	reminder := bot.Reply{Text: "Un minuto per ripassare?\nTre domande ti aspettano.", Buttons: [][]bot.Button{{{Label: "Sì, vai", Data: "v1|r"}}}}
	got, err := r.tr.Fit(ctx, inside, "reminder", "it", reminder)
	if err != nil || got.Template != nil || got.Text != reminder.Text {
		t.Fatalf("inside the window: %+v %v", got, err)
	}
	got, err = r.tr.Fit(ctx, outside, "reminder", "it", reminder)
	if err != nil || got.Template == nil || got.Template.Name != "bottega_promemoria" || got.Template.Params[0] != "Un minuto per ripassare?" {
		t.Fatalf("outside the window: %+v %v", got, err)
	}
	if _, err := r.tr.Send(ctx, outside, got); err != nil {
		t.Fatalf("send the template: %v", err)
	}
	sent := r.fake.Sent(outside)
	if name, lang, params := sent[len(sent)-1].Template(); name != "bottega_promemoria" || lang != "it" || len(params) != 1 {
		t.Fatalf("template sent as %q %q %q", name, lang, params)
	}
	for _, st := range r.fake.Pending() {
		if st.Status == "failed" {
			t.Fatalf("the template failed: %+v", st)
		}
	}
	if _, err := r.tr.Fit(ctx, outside, "broadcast", "it", reminder); !errors.Is(err, whatsapp.ErrNoTemplate) {
		t.Fatalf("no template for broadcast.it: %v, want ErrNoTemplate", err)
	}
}
