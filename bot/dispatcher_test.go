package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// recorder is a Sender that remembers what it sent, per chat.
type recorder struct {
	mu    sync.Mutex
	chats map[string][]string
	fail  error
}

func (r *recorder) Send(_ context.Context, chat string, rep bot.Reply) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return "", r.fail
	}
	if r.chats == nil {
		r.chats = map[string][]string{}
	}
	r.chats[chat] = append(r.chats[chat], rep.Text)
	return strconv.Itoa(len(r.chats[chat])), nil
}

func (r *recorder) sent(chat string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.chats[chat]...)
}

// counter is a handler whose effect is a row per update in the learner's
// state, so effects can be counted in Postgres.
func counter(db *store.DB) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, a bot.Tx, u bot.Update) ([]bot.Reply, error) {
		tx := a.(*store.Tx)
		l, _, err := tx.EnsureLearner(ctx, u.Platform, u.UserID, u.ChatID, "", "it")
		if err != nil {
			return nil, err
		}
		st, err := tx.LoadState(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		n := 0
		if st != nil {
			n, _ = strconv.Atoi(string(st))
		}
		n++
		if err := tx.SaveState(ctx, l.ID, []byte(strconv.Itoa(n))); err != nil {
			return nil, err
		}
		return []bot.Reply{{Text: u.Text}}, nil
	})
}

func stateOf(t *testing.T, db *store.DB, user string) int {
	t.Helper()
	l, _, err := db.EnsureLearner(context.Background(), "test", user, user, "", "it")
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.LoadState(context.Background(), l.ID)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(string(st))
	return n
}

func TestDuplicateUpdateHasOneEffect(t *testing.T) {
	db := pgtest.New(t)
	rec := &recorder{}
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: counter(db), Sender: rec})
	defer d.Close()
	ctx := context.Background()
	u := bot.Update{Platform: "test", ID: "wamid.HBgLMzkzNDcxMjM0NTY3FQIAEhgUM0VCMDQ0", ChatID: "c1", UserID: "c1", Text: "hello"}
	for range 3 {
		if err := bot.Deliver(ctx, d, u); err != nil {
			t.Fatal(err)
		}
	}
	if got := stateOf(t, db, "c1"); got != 1 {
		t.Errorf("effects = %d, want 1", got)
	}
	if got := rec.sent("c1"); len(got) != 1 {
		t.Errorf("replies sent = %v, want one", got)
	}
}

func TestRedeliveryToAnotherProcessHasOneEffect(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	// Two dispatchers on one database, as two processes behind a webhook:
	// the update reaches the second while the first is handling it.
	inside, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	slow := bot.HandlerFunc(func(ctx context.Context, a bot.Tx, u bot.Update) ([]bot.Reply, error) {
		r, err := counter(db).Handle(ctx, a, u)
		once.Do(func() { close(inside); <-release })
		return r, err
	})
	rec1, rec2 := &recorder{}, &recorder{}
	d1 := bot.New(bot.Config{Platform: "test", Store: db, Handler: slow, Sender: rec1})
	defer d1.Close()
	d2 := bot.New(bot.Config{Platform: "test", Store: db, Handler: counter(db), Sender: rec2})
	defer d2.Close()
	u := bot.Update{Platform: "test", ID: "8", ChatID: "c2", UserID: "c2", Text: "hello"}
	first := make(chan error, 1)
	go func() { first <- bot.Deliver(ctx, d1, u) }()
	<-inside
	second := make(chan error, 1)
	go func() { second <- bot.Deliver(ctx, d2, u) }()
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, db, "c2"); got != 1 {
		t.Errorf("effects = %d, want 1", got)
	}
	if got := len(rec1.sent("c2")) + len(rec2.sent("c2")); got != 1 {
		t.Errorf("replies sent = %d, want one", got)
	}
}

func TestUpdatesOfAChatStayInOrder(t *testing.T) {
	db := pgtest.New(t)
	rec := &recorder{}
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: counter(db), Sender: rec, Workers: 4})
	defer d.Close()
	const chats, perChat = 12, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	// Each chat's updates are submitted in order by one goroutine; chats
	// are submitted concurrently.
	for c := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chat := fmt.Sprintf("chat%d", c)
			for i := range perChat {
				u := bot.Update{Platform: "test", ID: "wamid." + strconv.Itoa(c) + "." + strconv.Itoa(i), ChatID: chat, UserID: chat, Text: strconv.Itoa(i)}
				wg.Add(1)
				d.Submit(context.Background(), u, func(err error) {
					defer wg.Done()
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				})
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	for c := range chats {
		chat := fmt.Sprintf("chat%d", c)
		got := rec.sent(chat)
		if len(got) != perChat {
			t.Fatalf("%s got %d replies, want %d", chat, len(got), perChat)
		}
		for i, text := range got {
			if text != strconv.Itoa(i) {
				t.Fatalf("%s reply %d = %q: out of order (%v)", chat, i, text, got)
			}
		}
		if n := stateOf(t, db, chat); n != perChat {
			t.Errorf("%s effects = %d, want %d", chat, n, perChat)
		}
	}
}

func TestPanicBecomesApologyAndRollsBack(t *testing.T) {
	db := pgtest.New(t)
	rec := &recorder{}
	inner := counter(db)
	h := bot.HandlerFunc(func(ctx context.Context, a bot.Tx, u bot.Update) ([]bot.Reply, error) {
		if _, err := inner.Handle(ctx, a, u); err != nil {
			return nil, err
		}
		if u.Text == "boom" {
			panic("flow bug")
		}
		return []bot.Reply{{Text: "fine"}}, nil
	})
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: h, Sender: rec,
		Fallback: func(u bot.Update) bot.Reply { return bot.Reply{Text: "sorry"} }})
	defer d.Close()
	ctx := context.Background()
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "1", ChatID: "c", UserID: "c", Text: "boom"}); err != nil {
		t.Fatal(err)
	}
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "2", ChatID: "c", UserID: "c", Text: "ok"}); err != nil {
		t.Fatal(err)
	}
	got := rec.sent("c")
	if len(got) != 2 || got[0] != "sorry" || got[1] != "fine" {
		t.Fatalf("replies = %q, want [sorry fine]", got)
	}
	// The panicking update's effects were rolled back; the next one's kept.
	if n := stateOf(t, db, "c"); n != 1 {
		t.Errorf("effects = %d, want 1", n)
	}
	// The panicking update was recorded: a redelivery is skipped.
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "1", ChatID: "c", UserID: "c", Text: "boom"}); err != nil {
		t.Fatal(err)
	}
	if got := rec.sent("c"); len(got) != 2 {
		t.Errorf("redelivered update answered again: %q", got)
	}
}

func TestUnsentRepliesAreResentOnce(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	down := &recorder{fail: errors.New("network down")}
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: counter(db), Sender: down})
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "1", ChatID: "c", UserID: "c", Text: "one"}); err != nil {
		t.Fatal(err)
	}
	d.Close()

	// A new process: the committed but unsent reply goes out, once.
	up := &recorder{}
	d2 := bot.New(bot.Config{Platform: "test", Store: db, Handler: counter(db), Sender: up})
	defer d2.Close()
	for range 2 {
		if err := d2.Resend(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := up.sent("c"); len(got) != 1 || got[0] != "one" {
		t.Fatalf("resent = %q, want [one]", got)
	}
	if n := stateOf(t, db, "c"); n != 1 {
		t.Errorf("effects = %d, want 1", n)
	}
}

func TestTasksRunAfterCommitInOrder(t *testing.T) {
	db := pgtest.New(t)
	rec := &recorder{}
	h := bot.HandlerFunc(func(ctx context.Context, _ bot.Tx, u bot.Update) ([]bot.Reply, error) {
		return []bot.Reply{{Text: "before"}, {Task: &bot.Task{Kind: "echo", Data: []byte(`"` + u.Text + `"`)}}, {Text: "after"}}, nil
	})
	tasks := map[string]bot.TaskFunc{"echo": func(ctx context.Context, s bot.Sender, chat string, data json.RawMessage) error {
		_, err := s.Send(ctx, chat, bot.Reply{Text: "task " + string(data)})
		return err
	}}
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: h, Sender: rec, Tasks: tasks})
	if err := bot.Deliver(context.Background(), d, bot.Update{Platform: "test", ID: "1", ChatID: "c", UserID: "c", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	d.Close() // waits for the task
	got := rec.sent("c")
	want := []string{"before", `task "x"`, "after"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sent %q, want %q", got, want)
	}
}

func TestSlowTaskHoldsUpNoOtherChat(t *testing.T) {
	db := pgtest.New(t)
	rec := &recorder{}
	release := make(chan struct{})
	h := bot.HandlerFunc(func(ctx context.Context, _ bot.Tx, u bot.Update) ([]bot.Reply, error) {
		if u.Text == "slow" {
			return []bot.Reply{{Task: &bot.Task{Kind: "wait"}}, {Text: "after the task"}}, nil
		}
		return []bot.Reply{{Text: u.Text}}, nil
	})
	tasks := map[string]bot.TaskFunc{"wait": func(ctx context.Context, s bot.Sender, chat string, _ json.RawMessage) error {
		<-release
		_, err := s.Send(ctx, chat, bot.Reply{Text: "task done"})
		return err
	}}
	// One worker: without the task queue, chat b would wait behind chat a.
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: h, Sender: rec, Tasks: tasks, Workers: 1})
	ctx := context.Background()
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "1", ChatID: "a", UserID: "a", Text: "slow"}); err != nil {
		t.Fatal(err)
	}
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "2", ChatID: "b", UserID: "b", Text: "quick"}); err != nil {
		t.Fatal(err)
	}
	if got := rec.sent("b"); len(got) != 1 {
		t.Fatalf("chat b got %q while chat a's task ran, want its reply", got)
	}
	close(release)
	d.Close() // waits for the task
	if got := rec.sent("a"); fmt.Sprint(got) != fmt.Sprint([]string{"task done", "after the task"}) {
		t.Fatalf("chat a got %q", got)
	}
	// Everything went out, so nothing is left to resend.
	n := 0
	if err := db.Unsent(ctx, "test", func(string, string, []byte) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("unsent after close = %d, %v", n, err)
	}
}

// TestTaskKeepsTheChatsOrder: replies to a chat's later message wait for a
// task of an earlier one (an answer being streamed), so the chat reads them
// in the order of its messages; Flush waits for all of them.
func TestTaskKeepsTheChatsOrder(t *testing.T) {
	db := pgtest.New(t)
	rec := &recorder{}
	release := make(chan struct{})
	h := bot.HandlerFunc(func(ctx context.Context, _ bot.Tx, u bot.Update) ([]bot.Reply, error) {
		if u.Text == "question" {
			return []bot.Reply{{Task: &bot.Task{Kind: "wait"}}, {Text: "after the answer"}}, nil
		}
		return []bot.Reply{{Text: u.Text}}, nil
	})
	tasks := map[string]bot.TaskFunc{"wait": func(ctx context.Context, s bot.Sender, chat string, _ json.RawMessage) error {
		<-release
		_, err := s.Send(ctx, chat, bot.Reply{Text: "answer"})
		return err
	}}
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: h, Sender: rec, Tasks: tasks})
	defer d.Close()
	var once sync.Once
	defer once.Do(func() { close(release) })
	ctx := context.Background()
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "1", ChatID: "a", UserID: "a", Text: "question"}); err != nil {
		t.Fatal(err)
	}
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "2", ChatID: "a", UserID: "a", Text: "/lessons"}); err != nil {
		t.Fatal(err)
	}
	if got := rec.sent("a"); len(got) != 0 {
		t.Fatalf("the chat got %q while the answer to its earlier message was under way", got)
	}
	once.Do(func() { close(release) })
	if err := d.Flush(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if got := rec.sent("a"); fmt.Sprint(got) != fmt.Sprint([]string{"answer", "after the answer", "/lessons"}) {
		t.Fatalf("chat got %q, want the answer, then what followed it, then the reply to the next message", got)
	}
	if err := d.Flush(ctx, "nobody"); err != nil {
		t.Errorf("flush of a chat with nothing queued: %v", err)
	}
}

// links records what each reply answers ("text>reply_to", or "text~edit").
type links struct {
	mu  sync.Mutex
	got []string
}

func (l *links) Send(_ context.Context, _ string, rep bot.Reply) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if rep.EditID != "" {
		l.got = append(l.got, rep.Text+"~"+rep.EditID)
	} else {
		l.got = append(l.got, rep.Text+">"+rep.ReplyTo)
	}
	return "m", nil
}

// In a group, new messages (a task's too) answer the update's ReplyTo, so
// the group sees whom they are for; edits stay as they are.
func TestGroupRepliesAnswerTheirMessage(t *testing.T) {
	db := pgtest.New(t)
	rec := &links{}
	h := bot.HandlerFunc(func(ctx context.Context, _ bot.Tx, u bot.Update) ([]bot.Reply, error) {
		return []bot.Reply{{Text: "edited", Edit: true}, {Text: "new"}, {Task: &bot.Task{Kind: "stream"}}}, nil
	})
	tasks := map[string]bot.TaskFunc{"stream": func(ctx context.Context, s bot.Sender, chat string, _ json.RawMessage) error {
		id, err := s.Send(ctx, chat, bot.Reply{Text: "answer"})
		if err != nil {
			return err
		}
		_, err = s.Send(ctx, chat, bot.Reply{Text: "answer, finished", EditID: id})
		return err
	}}
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: h, Sender: rec, Tasks: tasks})
	u := bot.Update{Platform: "test", ID: "1", ChatID: "-5", UserID: "42", Data: "v1|x", MessageID: "10", Group: true, ReplyTo: "7"}
	if err := bot.Deliver(context.Background(), d, u); err != nil {
		t.Fatal(err)
	}
	d.Close()
	want := []string{"edited~10", "new>7", "answer>7", "answer, finished~m"}
	if fmt.Sprint(rec.got) != fmt.Sprint(want) {
		t.Errorf("sent %q, want %q", rec.got, want)
	}
}

// timedOut is a send error after which the message may have arrived (the
// request left, its answer did not come back).
type timedOut struct{}

func (timedOut) Error() string   { return "timed out waiting for the answer" }
func (timedOut) Uncertain() bool { return true }

// scripted is a Sender whose sends go through fn, which decides their fate
// by the reply's text and how many times that text was tried (from 1). A
// reply counts as received unless fn's error is transient: a timed-out
// one may have arrived, so it does.
type scripted struct {
	mu    sync.Mutex
	tries map[string]int
	got   map[string][]string
	fn    func(text string, try int) error
	// sent is signalled after every received reply.
	sent chan struct{}
}

func newScripted(fn func(text string, try int) error) *scripted {
	return &scripted{tries: map[string]int{}, got: map[string][]string{}, fn: fn, sent: make(chan struct{}, 100)}
}

func (s *scripted) Send(_ context.Context, chat string, rep bot.Reply) (string, error) {
	s.mu.Lock()
	s.tries[rep.Text]++
	try := s.tries[rep.Text]
	s.mu.Unlock()
	err := s.fn(rep.Text, try)
	if err != nil && !bot.IsUncertain(err) {
		return "", err
	}
	s.mu.Lock()
	s.got[chat] = append(s.got[chat], rep.Text)
	s.mu.Unlock()
	select {
	case s.sent <- struct{}{}:
	default:
	}
	return "1", err
}

func (s *scripted) received(chat string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got[chat]...)
}

// waitReceived waits until chat received n replies; the deadline only
// turns a hang into a failure.
func (s *scripted) waitReceived(t *testing.T, chat string, n int) []string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if got := s.received(chat); len(got) >= n {
			return got
		}
		select {
		case <-s.sent:
		case <-deadline:
			t.Fatalf("chat %s received %q, want %d replies", chat, s.received(chat), n)
		}
	}
}

// replies answers each update with the replies its text lists, "|"
// separated.
var replies = bot.HandlerFunc(func(_ context.Context, _ bot.Tx, u bot.Update) ([]bot.Reply, error) {
	var rs []bot.Reply
	for _, t := range strings.Split(u.Text, "|") {
		rs = append(rs, bot.Reply{Text: t})
	}
	return rs, nil
})

// TestTimedOutReplyIsNotSentAgain: a reply whose send timed out may have
// arrived, so it is never sent again, not even after a restart; the
// replies after it still go, and those that failed go after the restart.
func TestTimedOutReplyIsNotSentAgain(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	// The welcome times out; the menu after it fails until the restart.
	s := newScripted(func(text string, _ int) error {
		switch text {
		case "welcome":
			return timedOut{}
		case "menu":
			return errors.New("502 bad gateway")
		}
		return nil
	})
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: replies, Sender: s, RetryBackoff: time.Hour})
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "1", ChatID: "c", UserID: "c", Text: "welcome|menu"}); err != nil {
		t.Fatal(err)
	}
	d.Close()

	// A new process, with a network that works.
	s.fn = func(string, int) error { return nil }
	d2 := bot.New(bot.Config{Platform: "test", Store: db, Handler: replies, Sender: s})
	defer d2.Close()
	if err := d2.Resend(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.waitReceived(t, "c", 2); fmt.Sprint(got) != "[welcome menu]" {
		t.Errorf("chat received %q, want [welcome menu]: the timed-out welcome once", got)
	}
	n, err := db.UncertainReplies(ctx, "test")
	if err != nil || n != 1 {
		t.Errorf("uncertain replies recorded = %d, %v; want 1", n, err)
	}
	if err := d2.Resend(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.received("c"); len(got) != 2 {
		t.Errorf("after a second resend the chat received %q", got)
	}
}

// TestFailedReplyIsRetriedInOrder: a reply whose sends fail (five 502s)
// is tried again while the bot runs, and the chat's later replies wait for
// it: they never overtake it.
func TestFailedReplyIsRetriedInOrder(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	// The second try of "one" waits until the chat's next update was
	// handled, so that its reply is due while "one" still fails.
	gate := make(chan struct{})
	s := newScripted(func(text string, try int) error {
		if text != "one" {
			return nil
		}
		if try == 2 {
			<-gate
		}
		if try <= 5 {
			return errors.New("502 bad gateway")
		}
		return nil
	})
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: replies, Sender: s, RetryBackoff: time.Millisecond})
	defer d.Close()
	defer func() {
		select {
		case <-gate:
		default:
			close(gate)
		}
	}()
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "1", ChatID: "c", UserID: "c", Text: "one"}); err != nil {
		t.Fatal(err)
	}
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "2", ChatID: "c", UserID: "c", Text: "two|three"}); err != nil {
		t.Fatal(err)
	}
	if got := s.received("c"); len(got) != 0 {
		t.Errorf("chat received %q while the earlier reply waited for its retry", got)
	}
	// Another chat is not held up.
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "3", ChatID: "other", UserID: "other", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if got := s.received("other"); fmt.Sprint(got) != "[hi]" {
		t.Errorf("other chat received %q, want [hi]", got)
	}
	close(gate)
	if got := s.waitReceived(t, "c", 3); fmt.Sprint(got) != "[one two three]" {
		t.Errorf("chat received %q, want [one two three]", got)
	}
	d.Close()
	// All sent: nothing is left for a restart.
	n := 0
	if err := db.UnsentReplies(ctx, "test", func(string, string, []byte, int, int) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("unsent = %d, %v; want 0", n, err)
	}
}

// revoked fails every send alike until someone acts.
type revoked struct{}

func (revoked) Error() string { return "401 unauthorized" }
func (revoked) Fatal() bool   { return true }

// paced refuses a recipient who has had enough for now.
type paced struct{}

func (paced) Error() string                   { return "too many messages to this user" }
func (paced) RecipientRetryIn() time.Duration { return time.Millisecond }

// TestStopsAndWaitsKeepTheReply: a fatal error (a revoked token) or a busy
// recipient (a pair rate) uses up none of a reply's attempts: it goes out,
// in order, once the platform takes it again, however many tries that
// takes.
func TestStopsAndWaitsKeepTheReply(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
	}{{"fatal", revoked{}}, {"busy recipient", paced{}}} {
		t.Run(tt.name, func(t *testing.T) {
			db := pgtest.New(t)
			ctx := context.Background()
			s := newScripted(func(text string, try int) error {
				if text == "one" && try <= 5 {
					return fmt.Errorf("send: %w", tt.err)
				}
				return nil
			})
			d := bot.New(bot.Config{Platform: "test", Store: db, Handler: replies, Sender: s, MaxAttempts: 2,
				RetryBackoff: time.Hour, MaxBackoff: time.Millisecond})
			defer d.Close()
			if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "1", ChatID: "c", UserID: "c", Text: "one|two"}); err != nil {
				t.Fatal(err)
			}
			if got := s.waitReceived(t, "c", 2); fmt.Sprint(got) != "[one two]" {
				t.Errorf("chat received %q, want [one two]", got)
			}
		})
	}
}

// TestResumedReplyStaysAheadOfNewOnes: a reply left unsent by the last
// process that fails again on resume keeps its place: the chat's new
// replies wait for its retry.
func TestResumedReplyStaysAheadOfNewOnes(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	gate := make(chan struct{})
	defer func() {
		select {
		case <-gate:
		default:
			close(gate)
		}
	}()
	s := newScripted(func(text string, try int) error {
		switch {
		case text != "old":
			return nil
		case try == 3: // the retry after the resume
			<-gate
			return nil
		case try < 3:
			return errors.New("502 bad gateway")
		}
		return nil
	})
	d := bot.New(bot.Config{Platform: "test", Store: db, Handler: replies, Sender: s, RetryBackoff: time.Hour})
	if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: "1", ChatID: "c", UserID: "c", Text: "old"}); err != nil {
		t.Fatal(err)
	}
	d.Close()

	d2 := bot.New(bot.Config{Platform: "test", Store: db, Handler: replies, Sender: s, RetryBackoff: time.Millisecond})
	defer d2.Close()
	if err := d2.Resend(ctx); err != nil {
		t.Fatal(err)
	}
	if err := bot.Deliver(ctx, d2, bot.Update{Platform: "test", ID: "2", ChatID: "c", UserID: "c", Text: "new"}); err != nil {
		t.Fatal(err)
	}
	if got := s.received("c"); len(got) != 0 {
		t.Errorf("chat received %q while the resumed reply waited for its retry", got)
	}
	close(gate)
	if got := s.waitReceived(t, "c", 2); fmt.Sprint(got) != "[old new]" {
		t.Errorf("chat received %q, want [old new]", got)
	}
}

// merging is a recorder whose platform asks for consecutive replies to be
// merged (WhatsApp's pair rate).
type merging struct{ recorder }

func (*merging) Capabilities() bot.Capabilities {
	return bot.Capabilities{Merge: true, MaxText: 20, MaxBody: 12}
}

// TestRepliesMergedWhereThePlatformAsks: text replies join the next reply
// with text while the result fits the platform's limit (the body of a
// message with buttons, else a text); media, and text that would not fit,
// stay messages of their own.
func TestRepliesMergedWhereThePlatformAsks(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	h := bot.HandlerFunc(func(context.Context, bot.Tx, bot.Update) ([]bot.Reply, error) {
		return []bot.Reply{
			{Text: "a"}, {Text: "b"}, {Text: "c", Buttons: [][]bot.Button{{{Label: "ok", Data: "ok"}}}},
			{Text: "d", Media: &bot.Media{Kind: "photo", URL: "https://example.org/d.jpg"}},
			{Text: "e"}, {Text: "f"},
			{Text: "g"}, {Text: strings.Repeat("h", 20)},
		}, nil
	})
	for _, tt := range []struct {
		name   string
		sender interface {
			bot.Sender
			sent(string) []string
		}
		want []string
	}{
		{"merged", &merging{}, []string{"a\n\nb\n\nc", "d", "e\n\nf\n\ng", strings.Repeat("h", 20)}},
		{"as they are", &recorder{}, []string{"a", "b", "c", "d", "e", "f", "g", strings.Repeat("h", 20)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := bot.New(bot.Config{Platform: "test", Store: db, Handler: h, Sender: tt.sender})
			defer d.Close()
			id := tt.name
			if err := bot.Deliver(ctx, d, bot.Update{Platform: "test", ID: id, ChatID: id, UserID: id, Text: "go"}); err != nil {
				t.Fatal(err)
			}
			if err := d.Flush(ctx, id); err != nil {
				t.Fatal(err)
			}
			if got := tt.sender.sent(id); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
				t.Errorf("sent %q, want %q", got, tt.want)
			}
		})
	}
}
