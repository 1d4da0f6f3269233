package flows_test

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/assistant/llmtest"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/console"
	"github.com/bottega-app/bottega/certificate"
	"github.com/bottega-app/bottega/drill"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/flows/admin"
	"github.com/bottega-app/bottega/internal/logbuf"
	"github.com/bottega-app/bottega/plain/rewrite"
	"github.com/bottega-app/bottega/reminders"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pgtest"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata from the bot's answers")

// TestTranscripts replays each conversation in testdata/*.txt on the console
// transport, with a real dispatcher and a fresh Postgres database, and
// compares the whole chat with the file.
//
// A transcript is what the console prints: "> " lines are what the learner
// types (a number presses a button of the latest message that had any),
// the lines after them are the bot's answer. Lines starting with "#" are
// comments, kept as they are, and directives:
//
//	# lang: en                   the platform's language code for the learner
//	# name: Giulia                the learner's first name
//	# curriculum: test            builtin, test or test-v2 (a new version)
//	# learner: it artisan base    the learner exists already, onboarded
//	# clock: +26h                 time passes; the drills' timers due are delivered
//	# restart                     the program restarts: new flows, dispatcher, console
//	# press: v1|s|x               a button with this data arrives (stale, forged)
//	                              from a message further up the chat
//	# drill feedback: <reply>     a fake LLM server comments on drill answers
//	                              with this reply
//	# assistant                   questions are answered from the lessons (the
//	                              assistant without an LLM, its answers as tasks)
//	# read: a b                   the learner has read lessons a and b to the end
//	# invite: code course         an admin made an invitation code for a course
//	# busy                        the answer to the next line is still being
//	                              written when the line after it arrives (an
//	                              LLM taking its time): that line is handled
//	                              first, and the answer comes out after it
//	# llm: <reply>                an LLM is configured (a fake server that answers
//	                              <reply>, "\n" for a line break): checked texts
//	                              get a rewrite, as a task
//
// Only "> " lines and directives are read; go test ./flows -update rewrites
// everything else.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no transcripts in testdata")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := replay(t, string(want))
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(want) {
				t.Errorf("transcript differs (run go test ./flows -update and review the diff):\n%s", diff(string(want), got))
			}
		})
	}
}

// signalSink passes updates to the dispatcher and tells the test when each
// is done, its replies all out (the console flushes after each input), so
// that directives apply between inputs.
type signalSink struct {
	d    *bot.Dispatcher
	done chan error

	mu sync.Mutex
	// skip leaves the next flush out: the next line comes while the
	// tasks of this one wait for release, which the flush after it closes.
	skip    bool
	release chan struct{}
}

// hold makes the tasks of the next line wait until the line after it is
// handled.
func (s *signalSink) hold() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skip, s.release = true, make(chan struct{})
}

// wait is where a task waits for its release.
func (s *signalSink) wait() {
	s.mu.Lock()
	ch := s.release
	s.mu.Unlock()
	if ch != nil {
		<-ch
	}
}

func (s *signalSink) Submit(ctx context.Context, u bot.Update, done func(error)) {
	s.d.Submit(ctx, u, func(err error) {
		done(err)
		if err != nil {
			s.done <- err
		}
	})
}

func (s *signalSink) Flush(ctx context.Context, chatID string) error {
	s.mu.Lock()
	skip := s.skip
	s.skip = false
	if !skip && s.release != nil {
		close(s.release)
		s.release = nil
	}
	s.mu.Unlock()
	if skip {
		s.done <- nil
		return nil
	}
	err := s.d.Flush(ctx, chatID)
	s.done <- err
	return err
}

// session is one run of the program on the shared database.
type session struct {
	tr   *console.Transport
	d    *bot.Dispatcher
	sink *signalSink
	in   *io.PipeWriter
	ran  chan error
}

type replayer struct {
	t       *testing.T
	ctx     context.Context
	db      *store.DB
	lib     *library
	clk     *fakeClock
	out     *logbuf.Buffer
	lang    string
	name    string
	s       *session
	pressed int64
	busy    bool
	// asst answers questions when the transcript asks for the assistant.
	asst *assistant.Assistant
	// feedback comments on drill answers, through a fake LLM server.
	feedback *drill.Feedback
	// rw rewrites checked texts when the transcript configures an LLM.
	rw *rewrite.Rewriter
}

func replay(t *testing.T, script string) string {
	r := &replayer{
		t: t, ctx: context.Background(), db: pgtest.New(t), lib: &library{}, clk: newClock(),
		out: &logbuf.Buffer{}, lang: "it",
	}
	r.lib.publish(curriculum(t, "builtin"))
	defer r.stop()
	sc := bufio.NewScanner(strings.NewReader(script))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "> "):
			r.input(strings.TrimPrefix(line, "> "))
		case strings.HasPrefix(line, "#"):
			fmt.Fprintln(r.out, line)
			r.directive(strings.TrimSpace(strings.TrimPrefix(line, "#")))
		}
	}
	r.stop() // the last replies are out
	return r.out.String()
}

func (r *replayer) session() *session {
	if r.s != nil {
		return r.s
	}
	pr, pw := io.Pipe()
	tr := console.New(pr, r.out, console.Options{Echo: true, User: "u1", Lang: r.lang, Name: r.name, Clock: r.clk.Now})
	o := flows.Options{Store: r.db, Texts: texts(r.t), Library: r.lib, Clock: r.clk.Now, Quiet: reminders.Quiet,
		// /reminders, which every learner has; no admins.
		Extensions: []flows.Extension{admin.New(admin.Options{Store: r.db, Texts: texts(r.t), Library: r.lib, Clock: r.clk.Now})}}
	// Certificate codes drawn from a fixed seed, verified at an address
	// of the test; their PDFs are rendered and sent as tasks.
	o.Rand, o.PublicURL = rand.NewChaCha8([32]byte{18}), "https://bottega.example.org"
	// Every deferred task is registered before the flows and the
	// dispatcher are made, and all of them wait for their release the same
	// way (# busy), whoever provides them.
	tasks := map[string]bot.TaskFunc{}
	if r.asst != nil {
		o.Answerer = r.asst
		maps.Copy(tasks, r.asst.Tasks())
	}
	if r.feedback != nil {
		o.DrillFeedback = true
		maps.Copy(tasks, r.feedback.Tasks())
	}
	if r.rw != nil {
		o.Rewriter = r.rw
		maps.Copy(tasks, r.rw.Tasks())
	}
	fl := flows.New(o)
	maps.Copy(tasks, fl.Tasks())
	tasks[bottega.CertificateTask] = certificate.Task{Store: r.db, Texts: texts(r.t), PublicURL: o.PublicURL}.Run
	sink := &signalSink{done: make(chan error, 1)}
	for kind, fn := range tasks {
		tasks[kind] = func(ctx context.Context, s bot.Sender, chatID string, data json.RawMessage) error {
			sink.wait()
			return fn(ctx, s, chatID, data)
		}
	}
	d := bot.New(bot.Config{
		Platform: tr.Platform(), Store: r.db, Handler: fl, Sender: tr, Workers: 1, Tasks: tasks,
		Fallback: func(u bot.Update) bot.Reply {
			r.t.Errorf("the handler failed on %+v (see the log)", u)
			return bot.Reply{Text: "FAILED"}
		},
		Logger: testLogger(r.t),
	})
	sink.d = d
	s := &session{tr: tr, d: d, sink: sink, in: pw, ran: make(chan error, 1)}
	go func() { s.ran <- tr.Run(r.ctx, s.sink) }()
	r.s = s
	return s
}

func (r *replayer) stop() {
	if r.s == nil {
		return
	}
	r.s.in.Close()
	if err := <-r.s.ran; err != nil {
		r.t.Errorf("console: %v", err)
	}
	r.s.d.Close()
	r.s = nil
}

func (r *replayer) input(line string) {
	s := r.session()
	if r.busy {
		r.busy = false
		s.sink.hold()
	}
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		r.t.Fatalf("send %q: %v", line, err)
	}
	select {
	case err := <-s.sink.done:
		if err != nil {
			r.t.Fatalf("%q: %v", line, err)
		}
	case <-time.After(30 * time.Second):
		r.t.Fatalf("%q: no answer", line)
	}
}

func (r *replayer) directive(d string) {
	key, val, _ := strings.Cut(d, ":")
	val = strings.TrimSpace(val)
	switch strings.TrimSpace(key) {
	case "lang":
		r.lang = val
	case "name":
		r.name = val
	case "curriculum":
		r.lib.publish(curriculum(r.t, val))
	case "clock":
		dur, err := parseDuration(val)
		if err != nil {
			r.t.Fatalf("# clock: %v", err)
		}
		r.clk.Advance(dur)
		r.drillTimers()
	case "restart":
		r.stop()
		r.clk.Advance(time.Minute) // new update ids
	case "learner":
		r.learner(strings.Fields(val))
	case "assistant":
		r.assistant()
	case "drill feedback":
		r.drillFeedback(val)
	case "read":
		r.read(strings.Fields(val))
	case "invite":
		code, course, _ := strings.Cut(val, " ")
		if _, err := r.db.CreateInvite(r.ctx, bottega.Invite{Code: code, Course: course, CreatedAt: r.clk.Now()}); err != nil {
			r.t.Fatalf("# invite: %v", err)
		}
	case "busy":
		r.busy = true
	case "llm":
		r.llm(strings.ReplaceAll(val, `\n`, "\n"))
	case "press":
		s := r.session()
		r.pressed++
		u := bot.Update{Platform: console.Platform, ID: fmt.Sprint("press-", r.pressed), ChatID: "u1", UserID: "u1", Name: r.name, Lang: r.lang, Data: val, MessageID: "up", Received: r.clk.Now()}
		if err := bot.Deliver(r.ctx, s.d, u); err != nil {
			r.t.Fatalf("# press %s: %v", val, err)
		}
	}
}

// drillFeedback makes a fake LLM server comment on drill answers.
func (r *replayer) drillFeedback(reply string) {
	srv := llmtest.New(reply)
	r.t.Cleanup(srv.Close)
	c, err := assistant.NewClient(srv.URL(), "test-key", nil)
	if err != nil {
		r.t.Fatal(err)
	}
	r.feedback = &drill.Feedback{LLM: c, Model: "test-model", Texts: texts(r.t)}
	r.stop() // the next session has it
}

// drillTimers delivers the drills' timers due at the transcript's time, as
// the drill loop does, and waits until their replies are out.
func (r *replayer) drillTimers() {
	s := r.session()
	k := &drill.Ticker{Platform: console.Platform, Store: r.db, Sink: s.d, Clock: r.clk.Now}
	n, err := k.Tick(r.ctx)
	if err != nil {
		r.t.Fatalf("drill timers: %v", err)
	}
	if n > 0 {
		if err := s.d.Flush(r.ctx, "u1"); err != nil {
			r.t.Fatalf("drill timers: %v", err)
		}
	}
}

// assistant answers the transcript's questions from the built-in lessons,
// indexed as a publish would, without an LLM.
func (r *replayer) assistant() {
	c := curriculum(r.t, "builtin")
	if _, err := r.db.PublishCurriculum(r.ctx, c, store.PublishOptions{Builtin: true, Source: "built-in", Index: assistant.Index}); err != nil {
		r.t.Fatalf("# assistant: %v", err)
	}
	c2, err := loadedTexts()
	if err != nil {
		r.t.Fatal(err)
	}
	a, err := assistant.New(assistant.Options{DB: r.db, Texts: c2, Clock: assistantClock{r.clk}})
	if err != nil {
		r.t.Fatalf("# assistant: %v", err)
	}
	r.asst = a
}

// llm configures a fake LLM server that answers reply to everything, and
// the rewriter of checked texts that uses it.
func (r *replayer) llm(reply string) {
	srv := llmtest.New(reply)
	r.t.Cleanup(srv.Close)
	c, err := assistant.NewClient(srv.URL(), "test-key", nil)
	if err != nil {
		r.t.Fatal(err)
	}
	w, err := rewrite.New(rewrite.Options{LLM: c, Model: "test-model", Texts: texts(r.t)})
	if err != nil {
		r.t.Fatalf("# llm: %v", err)
	}
	r.rw = w
	r.stop() // the next input starts a session with it
}

// assistantClock is the transcript's clock for the assistant; its waits
// are real (no LLM runs, so none is waited for).
type assistantClock struct{ *fakeClock }

func (assistantClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// learner creates the learner as if onboarding had been done.
func (r *replayer) learner(f []string) {
	if len(f) != 3 {
		r.t.Fatalf("# learner: want lang role level, got %v", f)
	}
	l, _, err := r.db.EnsureLearner(r.ctx, console.Platform, "u1", "u1", r.name, f[0])
	if err != nil {
		r.t.Fatal(err)
	}
	now := r.clk.Now()
	l.Role, l.Level, l.Reminder, l.ConsentAt = f[1], f[2], "13:00", &now
	if l.Role == "-" {
		l.Role = ""
	}
	if err := r.db.UpdateLearner(r.ctx, l); err != nil {
		r.t.Fatal(err)
	}
}

// read marks lessons as read to the end, as the lesson player does.
func (r *replayer) read(ids []string) {
	l, _, err := r.db.EnsureLearner(r.ctx, console.Platform, "u1", "u1", r.name, r.lang)
	if err != nil {
		r.t.Fatal(err)
	}
	cur, ver, err := r.lib.Current(r.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, id := range ids {
		ls := cur.Lesson(id)
		if ls == nil {
			r.t.Fatalf("# read: no lesson %q", id)
		}
		var steps []string
		for _, s := range ls.Steps {
			steps = append(steps, s.ID)
		}
		p := bottega.LessonProgress{LearnerID: l.ID, LessonID: id, StepIndex: len(steps), StepIDs: steps, Reached: len(steps), Version: ver, UpdatedAt: r.clk.Now()}
		if err := r.db.SavePosition(r.ctx, p); err != nil {
			r.t.Fatal(err)
		}
	}
}

// parseDuration accepts Go durations and days: "+26h", "+3d".
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimPrefix(s, "+")
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscan(days, &n); err != nil {
			return 0, err
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// diff shows the first lines where two transcripts part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			var b strings.Builder
			fmt.Fprintf(&b, "line %d:\n", i+1)
			for j := max(0, i-3); j < min(len(g), i+8); j++ {
				fmt.Fprintf(&b, "  got  | %s\n", g[j])
			}
			for j := i; j < min(len(w), i+5); j++ {
				fmt.Fprintf(&b, "  want | %s\n", w[j])
			}
			return b.String()
		}
	}
	return "(same lines)"
}
