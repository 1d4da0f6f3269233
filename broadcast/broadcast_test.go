package broadcast_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/internal/poll"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

const childEnv = "BOTTEGA_BROADCAST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		// The worker of TestKillAndResume, killed with SIGKILL mid-broadcast.
		if err := runChild(); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	pgtest.Main(m)
}

var bg = context.Background()

// rig is a database with learners, the fake Bot API and a transport.
type rig struct {
	t    *testing.T
	db   *store.DB
	dsn  string
	fake *telegramtest.Server
	tr   *telegram.Transport
	lib  *store.Library
	ls   []bottega.Learner
}

func newRig(t *testing.T, n int) *rig {
	t.Helper()
	r := &rig{t: t, dsn: pgtest.DSN(t), fake: telegramtest.New(t)}
	db, err := store.Open(bg, r.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r.db = db
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.PublishCurriculum(bg, c, store.PublishOptions{Builtin: true}); err != nil {
		t.Fatal(err)
	}
	r.lib = store.NewLibrary(r.db, time.Hour)
	r.tr = r.transport(r.fake.Endpoint(), 2000)
	r.ls = learners(0, n)
	if err := r.db.CreateLearners(bg, r.ls); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rig) transport(endpoint string, rate float64) *telegram.Transport {
	tr, err := telegram.New(bg, telegram.Options{Token: telegramtest.Token, Endpoint: endpoint, Store: r.db,
		Limits: telegram.Limits{Rate: rate, Burst: 1}})
	if err != nil {
		r.t.Fatal(err)
	}
	return tr
}

// learners makes n learners with chat ids from 100000+from.
func learners(from, n int) []bottega.Learner {
	roles := []string{bottega.RoleShopkeeper, bottega.RoleArtisan, bottega.RoleGuide, bottega.RoleMunicipal}
	langs := []string{"it", "en", "de"}
	ls := make([]bottega.Learner, n)
	consent := time.Now() // broadcasts go only to learners who gave consent
	for i := range ls {
		id := strconv.Itoa(100000 + from + i)
		ls[i] = bottega.Learner{Platform: telegram.Platform, ExternalID: id, ChatID: id, Name: "L" + id,
			Locale: langs[i%len(langs)], Role: roles[i%len(roles)], Level: bottega.LevelBase, ConsentAt: &consent}
	}
	return ls
}

func (r *rig) worker(cfg broadcast.Config) *broadcast.Worker {
	texts, err := locales.Load()
	if err != nil {
		r.t.Fatal(err)
	}
	cfg.Platform = telegram.Platform
	cfg.Store = r.db
	if cfg.Sender == nil {
		cfg.Sender = r.tr
	}
	cfg.Render = broadcast.Messages{Texts: texts, Library: r.lib}.Render
	if cfg.Rate == 0 {
		cfg.Rate = 500
	}
	cfg.Poll = 10 * time.Millisecond
	cfg.ProgressEvery = 20 * time.Millisecond
	if cfg.Backoff == 0 {
		cfg.Backoff = 10 * time.Millisecond
	}
	return broadcast.NewWorker(cfg)
}

// start runs w until the test ends or stop is called.
func start(t *testing.T, w *broadcast.Worker) (stop func()) {
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("worker: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func (r *rig) create(a bottega.Audience, b bottega.Broadcast) bottega.Broadcast {
	r.t.Helper()
	a.Platform = telegram.Platform
	if b.Kind == "" {
		b.Kind, b.LessonID = bottega.BroadcastLesson, "google-business-profile"
	}
	out, err := r.db.CreateBroadcast(bg, b, a)
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

func (r *rig) status(id int64) string {
	b, err := r.db.Broadcast(bg, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return b.Status
}

func (r *rig) counts(id int64) bottega.DeliveryCounts {
	c, err := r.db.DeliveryCounts(bg, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// received counts the messages (not edits) each chat got at the fake.
func received(f *telegramtest.Server) map[int64]int {
	m := map[int64]int{}
	for _, c := range f.Sent() {
		if c.Method == "sendMessage" {
			m[c.ChatID()]++
		}
	}
	return m
}

func TestDeliversOnceWithLessonButton(t *testing.T) {
	r := newRig(t, 60)
	b := r.create(bottega.Audience{}, bottega.Broadcast{Rate: 500})
	if b.Total != 60 {
		t.Fatalf("total %d, want 60", b.Total)
	}
	reg := prometheus.NewRegistry()
	metrics := broadcast.NewMetrics(reg)
	start(t, r.worker(broadcast.Config{Metrics: metrics}))
	poll.Until(t, "the broadcast to finish", func() bool { return r.status(b.ID) == bottega.BroadcastDone })
	got := received(r.fake)
	for _, l := range r.ls {
		chat, _ := strconv.ParseInt(l.ChatID, 10, 64)
		if got[chat] != 1 {
			t.Errorf("chat %d got %d messages, want 1", chat, got[chat])
		}
	}
	want := flows.OpenLessonData("google-business-profile", "")
	for _, c := range r.fake.Sent() {
		if c.FirstData() != want {
			t.Fatalf("message to %d has button %q, want %q", c.ChatID(), c.FirstData(), want)
		}
	}
	if c := r.counts(b.ID); c.Sent != 60 || c.Left() != 0 {
		t.Errorf("counts %+v, want 60 sent", c)
	}
	if got := counter(t, reg, "bottega_deliveries_total", "sent"); got != 60 {
		t.Errorf("bottega_deliveries_total{outcome=sent} = %v, want 60", got)
	}
}

// counter reads a counter with one outcome label from reg.
func counter(t *testing.T, reg *prometheus.Registry, name, outcome string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" && l.GetValue() == outcome {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestAudience(t *testing.T) {
	r := newRig(t, 0)
	// 12 learners: roles cycle over 4, languages over 3.
	ls := learners(0, 12)
	ls[1].Level = bottega.LevelIntermediate
	ls[5].Level = bottega.LevelIntermediate
	if err := r.db.CreateLearners(bg, ls); err != nil {
		t.Fatal(err)
	}
	consent := time.Now()
	ls[2].ConsentAt = &consent // activity and progress are kept only with consent
	if err := r.db.UpdateLearner(bg, ls[2]); err != nil {
		t.Fatal(err)
	}
	// ls[2] is active today and opened a lesson of comune-social; ls[3]
	// blocked the bot.
	if err := r.db.TouchActivity(bg, ls[2].ID, time.Now().Format(time.DateOnly)); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := r.db.SavePosition(bg, bottega.LessonProgress{LearnerID: ls[2].ID, LessonID: "emergency-before", StepIDs: []string{"a", "b"}, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := r.db.MarkBlocked(bg, telegram.Platform, ls[3].ChatID); err != nil {
		t.Fatal(err)
	}
	idx := func(is ...int) map[int64]bool {
		m := map[int64]bool{}
		for _, i := range is {
			m[int64(100000+i)] = true
		}
		return m
	}
	tests := []struct {
		name string
		a    bottega.Audience
		want map[int64]bool
	}{
		{"everyone but the blocked", bottega.Audience{}, idx(0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11)},
		{"role", bottega.Audience{Roles: []string{bottega.RoleArtisan}}, idx(1, 5, 9)},
		{"level", bottega.Audience{Levels: []string{bottega.LevelIntermediate}}, idx(1, 5)},
		{"language", bottega.Audience{Languages: []string{"en"}}, idx(1, 4, 7, 10)},
		{"role and language", bottega.Audience{Roles: []string{bottega.RoleShopkeeper}, Languages: []string{"it"}}, idx(0)},
		{"track by role or lesson", bottega.Audience{Tracks: []string{"comune-social"}, TrackRoles: []string{bottega.RoleMunicipal}, TrackLessons: []string{"emergency-before"}}, idx(2, 7, 11)},
		{"active", bottega.Audience{ActiveDays: 7}, idx(2)},
		{"inactive", bottega.Audience{InactiveDays: 30, Roles: []string{bottega.RoleGuide}}, idx(6, 10)},
	}
	w := r.worker(broadcast.Config{})
	stop := start(t, w)
	defer stop()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(r.fake.Sent())
			n, err := r.db.CountAudience(bg, bottega.Audience{Platform: telegram.Platform, Roles: tt.a.Roles, Levels: tt.a.Levels,
				Languages: tt.a.Languages, TrackRoles: tt.a.TrackRoles, TrackLessons: tt.a.TrackLessons,
				ActiveDays: tt.a.ActiveDays, InactiveDays: tt.a.InactiveDays})
			if err != nil {
				t.Fatal(err)
			}
			if n != len(tt.want) {
				t.Errorf("CountAudience = %d, want %d", n, len(tt.want))
			}
			b := r.create(tt.a, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "Ciao " + tt.name, Rate: 500})
			w.Wake()
			poll.Until(t, "the broadcast to finish", func() bool { return r.status(b.ID) == bottega.BroadcastDone })
			got := map[int64]bool{}
			for _, c := range r.fake.Sent()[before:] {
				if c.Text() != "Ciao "+tt.name {
					t.Fatalf("chat %d got %q", c.ChatID(), c.Text())
				}
				if got[c.ChatID()] {
					t.Errorf("chat %d got it twice", c.ChatID())
				}
				got[c.ChatID()] = true
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("sent to %v, want %v", keys(got), keys(tt.want))
			}
		})
	}
}

func keys(m map[int64]bool) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPauseResumeCancel(t *testing.T) {
	r := newRig(t, 120)
	w := r.worker(broadcast.Config{Rate: 200})
	var pausing atomic.Bool
	b := r.create(bottega.Audience{}, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "pausa", Rate: 200})
	var sent atomic.Int32
	r.fake.OnCall(func(c telegramtest.Call) {
		if c.Method == "sendMessage" && sent.Add(1) == 20 && pausing.CompareAndSwap(false, true) {
			if ok, err := r.db.SetBroadcastStatus(bg, b.ID, bottega.BroadcastPaused, bottega.BroadcastRunning); err != nil || !ok {
				t.Errorf("pause: %v %v", ok, err)
			}
		}
	})
	stop := start(t, w)
	defer stop()
	poll.Until(t, "the pause to take effect", func() bool {
		c := r.counts(b.ID)
		return pausing.Load() && c.Sending == 0 && c.Sent == int(sent.Load())
	})
	c := r.counts(b.ID)
	if c.Sent < 20 || c.Pending == 0 || c.Sent+c.Pending != 120 {
		t.Fatalf("paused with %+v", c)
	}
	// While paused nothing can be claimed.
	if ds, err := r.db.ClaimDeliveries(bg, telegram.Platform, "probe", 10, time.Second); err != nil || len(ds) != 0 {
		t.Fatalf("claimed %d rows of a paused broadcast (%v)", len(ds), err)
	}
	if ok, err := r.db.SetBroadcastStatus(bg, b.ID, bottega.BroadcastRunning, bottega.BroadcastPaused); err != nil || !ok {
		t.Fatalf("resume: %v %v", ok, err)
	}
	w.Wake()
	poll.Until(t, "the broadcast to finish", func() bool { return r.status(b.ID) == bottega.BroadcastDone })
	for chat, n := range received(r.fake) {
		if n != 1 {
			t.Errorf("chat %d got %d", chat, n)
		}
	}
	if got := len(received(r.fake)); got != 120 {
		t.Errorf("%d chats reached, want 120", got)
	}

	// Cancel a second broadcast midway.
	before := len(r.fake.Sent())
	b2 := r.create(bottega.Audience{}, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "annullato", Rate: 200})
	var cancelled atomic.Bool
	sent.Store(0)
	r.fake.OnCall(func(c telegramtest.Call) {
		if c.Method == "sendMessage" && sent.Add(1) == 30 && cancelled.CompareAndSwap(false, true) {
			if ok, err := r.db.SetBroadcastStatus(bg, b2.ID, bottega.BroadcastCancelled, bottega.BroadcastRunning, bottega.BroadcastPaused); err != nil || !ok {
				t.Errorf("cancel: %v %v", ok, err)
			}
		}
	})
	w.Wake()
	poll.Until(t, "the cancel to take effect", func() bool {
		c := r.counts(b2.ID)
		return cancelled.Load() && c.Left() == 0
	})
	c = r.counts(b2.ID)
	atFake := len(r.fake.Sent()[before:])
	if c.Cancelled == 0 || c.Sent != atFake || c.Sent+c.Cancelled != 120 {
		t.Errorf("cancelled broadcast: %+v, %d at the fake", c, atFake)
	}
	if s := r.status(b2.ID); s != bottega.BroadcastCancelled {
		t.Errorf("status %s", s)
	}
}

func TestRateLimitedAnswersAreRetried(t *testing.T) {
	r := newRig(t, 40)
	// The fake allows 20 messages/s; the worker tries 200/s.
	r.fake.EnforceRate(20, 5)
	b := r.create(bottega.Audience{}, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "429", Rate: 200})
	start(t, r.worker(broadcast.Config{Rate: 200}))
	poll.Until(t, "the broadcast to finish", func() bool { return r.status(b.ID) == bottega.BroadcastDone })
	limited := 0
	for _, c := range r.fake.Calls("sendMessage") {
		if c.Status == 429 {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("the fake never answered 429: the test does not test anything")
	}
	got := received(r.fake)
	if len(got) != 40 {
		t.Errorf("%d chats reached, want 40", len(got))
	}
	for chat, n := range got {
		if n != 1 {
			t.Errorf("chat %d got %d", chat, n)
		}
	}
	if c := r.counts(b.ID); c.Sent != 40 {
		t.Errorf("counts %+v", c)
	}
}

func TestBlockedLearnerIsMarked(t *testing.T) {
	r := newRig(t, 10)
	r.fake.Fail("sendMessage", 1, telegramtest.Fault{Code: 403, Description: "Forbidden: bot was blocked by the user"})
	b := r.create(bottega.Audience{}, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "403", Rate: 500})
	start(t, r.worker(broadcast.Config{}))
	poll.Until(t, "the broadcast to finish", func() bool { return r.status(b.ID) == bottega.BroadcastDone })
	var blockedChat int64
	for _, c := range r.fake.Calls("sendMessage") {
		if c.Status == 403 {
			blockedChat = c.ChatID()
		}
	}
	st, err := r.db.DeliveryStatuses(bg, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range r.ls {
		want := bottega.DeliverySent
		if l.ChatID == strconv.FormatInt(blockedChat, 10) {
			want = bottega.DeliveryBlocked
			got, err := r.db.Learner(bg, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.BlockedAt == nil {
				t.Error("the learner who blocked the bot is not marked")
			}
		}
		if st[l.ID] != want {
			t.Errorf("learner %s: %s, want %s", l.ChatID, st[l.ID], want)
		}
	}
	// A later broadcast leaves them out.
	if n, err := r.db.CountAudience(bg, bottega.Audience{Platform: telegram.Platform}); err != nil || n != 9 {
		t.Errorf("audience after a block: %d (%v), want 9", n, err)
	}
}

// failing is a Sender that fails the first n sends with err.
type failing struct {
	mu   sync.Mutex
	n    int
	err  error
	sent map[string]int
}

func (f *failing) Send(_ context.Context, chatID string, _ bot.Reply) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n > 0 {
		f.n--
		return "", f.err
	}
	f.sent[chatID]++
	return "1", nil
}

// fatal is an error that fails every send alike (a revoked token).
type fatal struct{}

func (fatal) Error() string { return "token revoked" }
func (fatal) Fatal() bool   { return true }

// busy is an error for a recipient who has had enough for now.
type busy struct{}

func (busy) Error() string                   { return "too many messages to this learner" }
func (busy) RecipientRetryIn() time.Duration { return time.Millisecond }

// TestDefaultClassify: what Telegram's errors mean for a message that
// must arrive exactly once, read through package bot's interfaces.
func TestDefaultClassify(t *testing.T) {
	wrap := func(e *telegram.Error) error { return fmt.Errorf("send to chat 1: %w", e) }
	tests := []struct {
		name  string
		err   error
		want  broadcast.Outcome
		after time.Duration
	}{
		{"429 waits retry_after", wrap(&telegram.Error{Code: 429, RetryAfter: 7 * time.Second}), broadcast.Retry, 7 * time.Second},
		{"429 without retry_after", wrap(&telegram.Error{Code: 429}), broadcast.Retry, time.Second},
		{"chat not found", wrap(&telegram.Error{Code: 400, Description: "Bad Request: chat not found"}), broadcast.Fail, 0},
		{"server error", wrap(&telegram.Error{Code: 502}), broadcast.Retry, 0},
		{"network error", wrap(&telegram.Error{Description: "connection refused"}), broadcast.Retry, 0},
		{"timeout may have arrived", wrap(&telegram.Error{Timeout: true}), broadcast.Uncertain, 0},
		{"cancelled send", fmt.Errorf("send: %w", context.Canceled), broadcast.Uncertain, 0},
		{"refused before any request", bot.Reject(errors.New("telegram: chat id \"x\" is not a number")), broadcast.Fail, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, after := broadcast.DefaultClassify(tt.err)
			if got != tt.want || after != tt.after {
				t.Errorf("DefaultClassify = %v, %v; want %v, %v", got, after, tt.want, tt.after)
			}
		})
	}
	if !bot.IsFatal(wrap(&telegram.Error{Code: 401, Description: "Unauthorized"})) {
		t.Error("a 401 (the token revoked) is not fatal")
	}
	if bot.IsFatal(wrap(&telegram.Error{Code: 403})) || !bot.IsGone(wrap(&telegram.Error{Code: 403})) {
		t.Error("a 403 is the learner gone, not a fatal error")
	}
}

func TestTransientErrorsAreRetriedBounded(t *testing.T) {
	tests := []struct {
		name      string
		failures  int
		classify  broadcast.Classifier
		err       error
		want      string
		attempts  int
		delivered int
	}{
		{"recovers", 2, func(error) (broadcast.Outcome, time.Duration) { return broadcast.Retry, 0 }, nil, bottega.DeliverySent, 3, 1},
		{"gives up", 10, func(error) (broadcast.Outcome, time.Duration) { return broadcast.Retry, 0 }, nil, bottega.DeliveryFailed, 3, 0},
		{"permanent", 10, func(error) (broadcast.Outcome, time.Duration) { return broadcast.Fail, 0 }, nil, bottega.DeliveryFailed, 1, 0},
		{"timeout", 10, func(error) (broadcast.Outcome, time.Duration) { return broadcast.Uncertain, 0 }, nil, bottega.DeliveryUncertain, 1, 0},
		// What the errors say through package bot, the same for every
		// transport.
		{"rejected", 10, nil, &telegram.Error{Code: 400, Description: "Bad Request: chat not found"}, bottega.DeliveryFailed, 1, 0},
		{"transient", 10, nil, &telegram.Error{Code: 502}, bottega.DeliveryFailed, 3, 0},
		{"a fatal error keeps the message until it passes", 5, nil, fatal{}, bottega.DeliverySent, 6, 1},
		{"a busy recipient is waited for", 5, nil, busy{}, bottega.DeliverySent, 6, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, 1)
			err := tt.err
			if err == nil {
				err = fmt.Errorf("boom")
			}
			s := &failing{n: tt.failures, err: fmt.Errorf("send: %w", err), sent: map[string]int{}}
			b := r.create(bottega.Audience{}, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "x", Rate: 500})
			start(t, r.worker(broadcast.Config{Sender: s, MaxAttempts: 3, Classify: tt.classify, FatalHold: time.Millisecond}))
			poll.Until(t, "the broadcast to end", func() bool { return r.status(b.ID) == bottega.BroadcastDone })
			st, err := r.db.DeliveryStatuses(bg, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := st[r.ls[0].ID]; got != tt.want {
				t.Errorf("status %s, want %s", got, tt.want)
			}
			if got := s.sent[r.ls[0].ChatID]; got != tt.delivered {
				t.Errorf("delivered %d times, want %d", got, tt.delivered)
			}
			if used := tt.failures - s.n + s.sent[r.ls[0].ChatID]; used != tt.attempts {
				t.Errorf("%d attempts, want %d", used, tt.attempts)
			}
		})
	}
}

func TestShutdownFinishesInFlightSends(t *testing.T) {
	r := newRig(t, 200)
	b := r.create(bottega.Audience{}, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "sigterm", Rate: 300})
	var sent atomic.Int32
	stopAt := make(chan struct{})
	r.fake.OnCall(func(c telegramtest.Call) {
		if c.Method == "sendMessage" && sent.Add(1) == 50 {
			close(stopAt)
		}
	})
	stop := start(t, r.worker(broadcast.Config{Rate: 300}))
	<-stopAt
	stop() // as on SIGTERM: returns once in-flight sends are recorded
	c := r.counts(b.ID)
	if c.Sending != 0 || c.Uncertain != 0 {
		t.Fatalf("after a graceful stop: %+v", c)
	}
	if c.Sent != len(r.fake.Sent()) || c.Pending == 0 {
		t.Fatalf("after a graceful stop: %+v, %d at the fake", c, len(r.fake.Sent()))
	}
	start(t, r.worker(broadcast.Config{Rate: 300}))
	poll.Until(t, "the broadcast to finish", func() bool { return r.status(b.ID) == bottega.BroadcastDone })
	got := received(r.fake)
	if len(got) != 200 {
		t.Errorf("%d chats reached, want 200", len(got))
	}
	for chat, n := range got {
		if n != 1 {
			t.Errorf("chat %d got %d", chat, n)
		}
	}
}

// TestKillAndResume kills a worker process with SIGKILL in the middle of a
// broadcast, restarts one, and counts at the fake: nobody gets the message
// twice, and everyone gets it except possibly the few whose send was in
// flight at the kill (uncertain: never resent).
func TestKillAndResume(t *testing.T) {
	const n = 300
	r := newRig(t, n)
	b := r.create(bottega.Audience{}, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "kill -9", Rate: 400})
	var (
		sent   atomic.Int32
		killed = make(chan struct{})
		once   sync.Once
		child  = exec.Command(os.Args[0], "-test.run=^$")
		proc   = make(chan *os.Process, 1)
	)
	child.Env = append(os.Environ(), childEnv+"=1", "CHILD_DSN="+r.dsn, "CHILD_ENDPOINT="+r.fake.Endpoint())
	child.Stderr = os.Stderr
	r.fake.OnCall(func(c telegramtest.Call) {
		if c.Method == "sendMessage" && c.Status == 200 && sent.Add(1) >= 100 {
			once.Do(func() {
				(<-proc).Kill() // SIGKILL, while this answer is still unsent
				close(killed)
			})
		}
	})
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	proc <- child.Process
	<-killed
	child.Wait()
	if c := r.counts(b.ID); c.Sent+c.Sending == 0 || c.Pending == 0 {
		t.Fatalf("the kill did not land mid-broadcast: %+v", c)
	}
	start(t, r.worker(broadcast.Config{Rate: 400, Senders: 8}))
	poll.Until(t, "the broadcast to finish", func() bool { return r.status(b.ID) == bottega.BroadcastDone })
	st, err := r.db.DeliveryStatuses(bg, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := received(r.fake)
	uncertain, missed := 0, 0
	for _, l := range r.ls {
		chat, _ := strconv.ParseInt(l.ChatID, 10, 64)
		switch st[l.ID] {
		case bottega.DeliverySent:
			if got[chat] != 1 {
				t.Errorf("chat %d: sent, received %d times", chat, got[chat])
			}
		case bottega.DeliveryUncertain:
			uncertain++
			if got[chat] > 1 {
				t.Errorf("chat %d: uncertain, received %d times", chat, got[chat])
			}
			if got[chat] == 0 {
				missed++
			}
		default:
			t.Errorf("chat %d: status %s", chat, st[l.ID])
		}
	}
	if uncertain > 8 {
		t.Errorf("%d uncertain deliveries, more than the child's 8 sends in flight", uncertain)
	}
	t.Logf("killed after %d sends at the fake; %d uncertain after restart, %d of them never arrived", 100, uncertain, missed)
}

// runChild is the worker process that TestKillAndResume kills.
func runChild() error {
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv("CHILD_DSN"))
	if err != nil {
		return err
	}
	tr, err := telegram.New(ctx, telegram.Options{Token: telegramtest.Token, Endpoint: os.Getenv("CHILD_ENDPOINT"), Store: db,
		Limits: telegram.Limits{Rate: 2000}})
	if err != nil {
		return err
	}
	texts, err := locales.Load()
	if err != nil {
		return err
	}
	w := broadcast.NewWorker(broadcast.Config{Platform: telegram.Platform, Store: db, Sender: tr, Rate: 400, Senders: 8, InFlight: 8,
		Render: broadcast.Messages{Texts: texts, Library: store.NewLibrary(db, time.Hour)}.Render,
		Poll:   10 * time.Millisecond})
	return w.Run(ctx) // until killed
}

// TestStalledSendHoldsNoOtherBack: one learner's request hangs (Telegram
// does not answer it); the rest of the broadcast goes out meanwhile, at
// its rate, instead of queueing behind it, and every delivery is still
// sent exactly once.
func TestStalledSendHoldsNoOtherBack(t *testing.T) {
	const n = 30
	r := newRig(t, n)
	stalled, _ := strconv.ParseInt(r.ls[0].ChatID, 10, 64)
	arrived, release := r.fake.Hold(stalled)
	defer release()
	others, ended := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	sent := 0
	r.fake.OnCall(func(c telegramtest.Call) {
		if c.Method != "sendMessage" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if c.ChatID() == stalled {
			close(ended)
			return
		}
		if sent++; sent == n-1 {
			close(others)
		}
	})
	b := r.create(bottega.Audience{}, bottega.Broadcast{Kind: bottega.BroadcastText, Text: "stall", Rate: 200})
	start(t, r.worker(broadcast.Config{Rate: 200}))
	<-arrived
	select {
	case <-others:
	case <-ended:
		t.Fatal("the other learners waited for the stalled request")
	case <-time.After(2 * time.Minute): // only guards against a hang
		t.Fatal("the other learners did not get the broadcast")
	}
	poll.Until(t, "the others recorded sent while the stalled one is sending", func() bool {
		c := r.counts(b.ID)
		return c.Sending == 1 && c.Sent == n-1
	})
	select {
	case <-ended:
		t.Fatal("the stalled request ended before it was released")
	default:
	}
	release()
	poll.Until(t, "the broadcast to finish", func() bool { return r.status(b.ID) == bottega.BroadcastDone })
	for chat, k := range received(r.fake) {
		if k != 1 {
			t.Errorf("chat %d got %d messages", chat, k)
		}
	}
	if c := r.counts(b.ID); c.Sent != n {
		t.Errorf("counts %+v, want %d sent", c, n)
	}
}
