package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store"
)

func benchUpdates(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "updates", "Drive simulated learners (each: /start, then button presses, each once the previous one was answered and its keyboard shown) through the Telegram transport against a fake Bot API and Postgres; then run plain SQL transactions doing the same writes as the presses did (the update record with its replies, the lesson position, ...; then marking it sent) with the same concurrency, and compare.")
	chats := fs.Int("chats", 24, "learners pressing buttons at the same time")
	presses := fs.Int("presses", 200, "button presses per learner")
	workers := fs.Int("workers", 16, "dispatcher workers")
	rate := fs.Float64("rate", 1e6, "global Telegram send rate (msgs/s) for the run")
	chatRate := fs.Float64("chat-rate", 1000, "per-chat send rate (msgs/s); Telegram's is about 1, but edits are exempt anyway")
	cpuProfile := fs.String("cpuprofile", "", "write CPU profiles of the transport runs to this file name, plus .0, .1")
	verbose := fs.Bool("v", false, "print details: dispatcher time per update, polls, CPU per update of this process and of the machine")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *chats < 1 || *presses < 1 || *workers < 1 {
		return usagef("-chats, -presses and -workers must be at least 1")
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	db, where, closeDB, err := benchDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	texts, err := locales.Load()
	if err != nil {
		return fmt.Errorf("load messages: %w", err)
	}
	if err := publishBuiltin(ctx, db); err != nil {
		return err
	}
	settings, err := db.Settings(ctx, "server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "max_connections")
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		fmt.Fprintf(e.stderr, "profiling the runs to %s.<run>\n", *cpuProfile)
	}
	// Ids unique to this run, so that runs on one database do not meet.
	base := time.Now().UnixMilli() % 1_000_000_000 * 1000

	// The flows run first: the others repeat the writes its presses made.
	w := &pressWrites{DB: db}
	fl := flows.New(flows.Options{Store: w, Texts: texts, Library: store.NewLibrary(db, 0), Clock: time.Now})
	runs := []struct {
		name    string
		handler func() bot.Handler
	}{
		{"telegram + flows", func() bot.Handler { return w.handler(fl) }},
		{"telegram + writes", func() bot.Handler { return writesHandler(db, w) }},
	}
	results := make([]telegramtest.LoadResult, len(runs))
	details := make([]strings.Builder, len(runs))
	for i, run := range runs {
		profile := ""
		if *cpuProfile != "" {
			profile = fmt.Sprintf("%s.%d", *cpuProfile, i)
		}
		res, err := driveTelegram(ctx, db, run.handler(), driveOptions{
			chats: *chats, presses: *presses, workers: *workers, rate: *rate, chatRate: *chatRate,
			base: base + int64(i)*10_000_000, profile: profile, log: newLogger(e, cfg), verbose: *verbose, out: &details[i],
		})
		if err != nil {
			return fmt.Errorf("%s: %w", run.name, err)
		}
		results[i] = res
	}

	cpu0 := sampleCPU()
	plain, err := benchPlainSQL(ctx, db, w, *chats, *presses, *workers, base)
	if err != nil {
		return err
	}
	plainCPU := sampleCPU().since(cpu0)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(e.stdout, "bench updates: %d learners × %d button presses, %d workers, GOMAXPROCS %d\n",
		*chats, *presses, *workers, runtime.GOMAXPROCS(0))
	var pg []string
	for _, st := range settings {
		pg = append(pg, st.Name+" "+st.Value)
	}
	fmt.Fprintf(e.stdout, "postgres (%s, the same pool for every run): %s; pool of %d connections\n",
		where, strings.Join(pg, ", "), db.MaxConns())
	for i, run := range runs {
		res := results[i]
		fmt.Fprintf(e.stdout, "  %-19s %6.0f updates/s  p50 %7s  p99 %7s  %.2f of plain SQL\n",
			run.name+":", res.Rate(), ms(res.Percentile(50)), ms(res.Percentile(99)), res.Rate()/math.Max(plain.Rate(), 1))
		if details[i].Len() > 0 {
			fmt.Fprintf(e.stdout, "    %s", details[i].String())
		}
	}
	fmt.Fprintf(e.stdout, "  %-19s %6.0f tx/s       p50 %7s  p99 %7s  (the same writes per press, below)\n",
		"plain SQL:", plain.Rate(), ms(plain.Percentile(50)), ms(plain.Percentile(99)))
	if *verbose {
		fmt.Fprintf(e.stdout, "    CPU per transaction: %s\n", plainCPU.per(plain.Updates))
	}
	fmt.Fprintf(e.stdout, "  writes per press, as the flows made them: %s\n", w.summary())
	fmt.Fprintf(e.stdout, "  (flows: the real conversations; writes: a handler finding the learner and making those writes, answering with the flows' reply; plain SQL: those writes alone, in one transaction per press, then the record marked sent in batches as the dispatcher does; latency to the answer, or to the commit for plain SQL)\n")
	return nil
}

type driveOptions struct {
	chats, presses, workers int
	rate, chatRate          float64
	base                    int64
	profile                 string
	log                     *slog.Logger
	verbose                 bool
	out                     io.Writer
}

// driveTelegram serves h through the Telegram transport (long polling a
// fake Bot API) and drives the learners.
func driveTelegram(ctx context.Context, db *store.DB, h bot.Handler, o driveOptions) (telegramtest.LoadResult, error) {
	fake := telegramtest.NewServer(telegramtest.Token)
	defer fake.Close()
	fake.SetFirstUpdateID(o.base)
	tr, err := telegram.New(ctx, telegram.Options{
		Token:    telegramtest.Token,
		Endpoint: fake.Endpoint(),
		Store:    db,
		Limits:   telegram.Limits{Rate: o.rate, ChatRate: o.chatRate, ChatBurst: 3},
		Logger:   o.log,
	})
	if err != nil {
		return telegramtest.LoadResult{}, err
	}
	reg := prometheus.NewRegistry()
	d := bot.New(bot.Config{Platform: tr.Platform(), Store: db, Handler: h, Sender: tr, Workers: o.workers, Logger: o.log, Metrics: bot.NewMetrics(reg)})
	if o.profile != "" {
		f, err := os.Create(o.profile)
		if err != nil {
			return telegramtest.LoadResult{}, fmt.Errorf("create profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return telegramtest.LoadResult{}, fmt.Errorf("start profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	cpu0 := sampleCPU()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- tr.Run(rctx, d) }()
	dctx, dcancel := context.WithTimeout(ctx, 3*time.Minute)
	res, err := fake.Drive(dctx, telegramtest.Load{Chats: o.chats, Presses: o.presses, FirstChat: o.base})
	dcancel()
	cpu := sampleCPU().since(cpu0)
	cancel()
	if rerr := <-done; err == nil && rerr != nil {
		err = rerr
	}
	d.Close()
	if err != nil {
		return res, fmt.Errorf("drive the bot: %w", err)
	}
	if o.verbose {
		polls, polled := fake.Polls()
		fmt.Fprintf(o.out, "%d polls carried %d updates (%.1f per update handled); CPU per update: %s",
			polls, polled, float64(polled)/float64(max(res.Updates, 1)), cpu.per(res.Updates))
		mfs, _ := reg.Gather()
		for _, mf := range mfs {
			if mf.GetName() == "bottega_update_duration_seconds" {
				h := mf.GetMetric()[0].GetHistogram()
				fmt.Fprintf(o.out, "; the dispatcher took %.2fms per update", h.GetSampleSum()/float64(max(h.GetSampleCount(), 1))*1000)
			}
		}
		fmt.Fprintln(o.out)
	}
	return res, nil
}

// pressWrites is the flows' store during the flows run: it counts the
// writes that button presses make, by kind, and keeps the latest of each,
// so that the other runs can make the same writes.
type pressWrites struct {
	*store.DB

	mu       sync.Mutex
	presses  int
	counts   map[string]int
	reply    []bot.Reply            // the latest press's replies
	pressed  string                 // the message whose button it was
	position bottega.LessonProgress // the latest position saved
	state    []byte                 // the latest state saved
	learner  *bottega.Learner       // the latest learner updated
}

type pressKey struct{}

// handler is h, telling the store which updates are presses.
func (w *pressWrites) handler(h bot.Handler) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, tx bot.Tx, u bot.Update) ([]bot.Reply, error) {
		tw := txWrites{Tx: tx.(*store.Tx), w: w}
		if u.Data == "" {
			return h.Handle(ctx, tw, u)
		}
		r, err := h.Handle(context.WithValue(ctx, pressKey{}, true), tw, u)
		if err == nil {
			w.mu.Lock()
			w.presses++
			w.reply, w.pressed = r, u.MessageID
			w.mu.Unlock()
		}
		return r, err
	})
}

// txWrites is the flows' store in an update: its transaction, whose
// writes pressWrites counts.
type txWrites struct {
	*store.Tx
	w *pressWrites
}

func (w *pressWrites) count(ctx context.Context, kind string, keep func()) {
	if ctx.Value(pressKey{}) == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.counts == nil {
		w.counts = map[string]int{}
	}
	w.counts[kind]++
	if keep != nil {
		keep()
	}
}

func (t txWrites) SavePosition(ctx context.Context, p bottega.LessonProgress) error {
	t.w.count(ctx, "position", func() { t.w.position = p })
	return t.Tx.SavePosition(ctx, p)
}

func (t txWrites) SaveState(ctx context.Context, learnerID int64, state []byte) error {
	t.w.count(ctx, "state", func() { t.w.state = state })
	return t.Tx.SaveState(ctx, learnerID, state)
}

func (t txWrites) UpdateLearner(ctx context.Context, l bottega.Learner) error {
	t.w.count(ctx, "learner", func() { t.w.learner = &l })
	return t.Tx.UpdateLearner(ctx, l)
}

func (t txWrites) TouchActivity(ctx context.Context, learnerID int64, day string) error {
	t.w.count(ctx, "activity", nil)
	return t.Tx.TouchActivity(ctx, learnerID, day)
}

func (t txWrites) DeleteLearner(ctx context.Context, id int64) error {
	t.w.count(ctx, "other", nil)
	return t.Tx.DeleteLearner(ctx, id)
}

func (t txWrites) SaveQuizResult(ctx context.Context, learnerID int64, lessonID string, right, total int, at time.Time) error {
	t.w.count(ctx, "other", nil)
	return t.Tx.SaveQuizResult(ctx, learnerID, lessonID, right, total, at)
}

func (t txWrites) RecordAnswer(ctx context.Context, a bottega.Answer) error {
	t.w.count(ctx, "other", nil)
	return t.Tx.RecordAnswer(ctx, a)
}

func (t txWrites) SaveReviewItem(ctx context.Context, it bottega.ReviewItem) error {
	t.w.count(ctx, "other", nil)
	return t.Tx.SaveReviewItem(ctx, it)
}

func (t txWrites) DeleteReviewItem(ctx context.Context, learnerID int64, lessonID, questionID string) error {
	t.w.count(ctx, "other", nil)
	return t.Tx.DeleteReviewItem(ctx, learnerID, lessonID, questionID)
}

// replies returns the latest press's replies as the dispatcher stores
// them: edits point at the message.
func (w *pressWrites) replies() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := slices.Clone(w.reply)
	for i := range r {
		if r[i].Edit {
			r[i].EditID = w.pressed
		}
	}
	b, _ := json.Marshal(r)
	return b
}

// replayKinds are the writes the other runs repeat, in order.
var replayKinds = []string{"position", "state", "learner", "activity"}

// due reports whether press k (from 0) of a learner makes a write of kind:
// as many of them, spread evenly, as the flows' presses made.
func (w *pressWrites) due(kind string, k int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	rate := float64(w.counts[kind]) / float64(max(w.presses, 1))
	return math.Floor(float64(k+1)*rate) > math.Floor(float64(k)*rate)
}

// write makes press k's share of the flows' writes for learner l.
func (w *pressWrites) write(ctx context.Context, db *store.DB, l bottega.Learner, k int) error {
	w.mu.Lock()
	p, state, learner := w.position, w.state, w.learner
	w.mu.Unlock()
	for _, kind := range replayKinds {
		if !w.due(kind, k) {
			continue
		}
		var err error
		switch kind {
		case "position":
			p.LearnerID, p.UpdatedAt = l.ID, time.Now()
			if n := len(p.StepIDs); n > 1 { // page back and forth, as the presses did
				p.StepIndex = k % 2
				p.StepID = p.StepIDs[p.StepIndex]
			}
			err = db.SavePosition(ctx, p)
		case "state":
			err = db.SaveState(ctx, l.ID, state)
		case "learner":
			u := l
			if learner != nil {
				u.Locale, u.Role, u.Level, u.Reminder, u.ConsentAt = learner.Locale, learner.Role, learner.Level, learner.Reminder, learner.ConsentAt
			}
			err = db.UpdateLearner(ctx, u)
		case "activity":
			err = db.TouchActivity(ctx, l.ID, time.Now().Format(time.DateOnly))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// summary says what a press wrote, on average.
func (w *pressWrites) summary() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := float64(max(w.presses, 1))
	parts := []string{"1 update record with its replies (1 insert, then 1 update marking it sent)"}
	for _, kind := range append(replayKinds, "other") {
		if c := w.counts[kind]; c > 0 {
			parts = append(parts, fmt.Sprintf("%.2f %s", float64(c)/n, kind))
		}
	}
	s := strings.Join(parts, " + ")
	if w.counts["other"] > 0 {
		s += " (other writes are not repeated)"
	}
	return s
}

// writesHandler finds the learner and makes the flows' presses' writes,
// answering presses with their replies.
func writesHandler(db *store.DB, w *pressWrites) bot.Handler {
	var mu sync.Mutex
	presses := map[string]int{}
	return bot.HandlerFunc(func(ctx context.Context, a bot.Tx, u bot.Update) ([]bot.Reply, error) {
		tx := a.(*store.Tx)
		l, _, _, err := tx.EnsureLearnerState(ctx, u.Platform, u.UserID, u.ChatID, u.Name, "it")
		if err != nil {
			return nil, err
		}
		reply := bot.Reply{Text: "Ciao", Buttons: [][]bot.Button{{{Label: "Avanti", Data: "v1|bench"}}}}
		if u.Data == "" {
			return []bot.Reply{reply}, nil
		}
		mu.Lock()
		k := presses[u.ChatID]
		presses[u.ChatID]++
		mu.Unlock()
		if err := w.write(ctx, tx.DB, l, k); err != nil {
			return nil, err
		}
		w.mu.Lock()
		rs := slices.Clone(w.reply)
		w.mu.Unlock()
		if len(rs) == 0 {
			rs = []bot.Reply{reply}
		}
		// Telegram refuses an edit that changes nothing.
		rs[len(rs)-1].Text += "\n" + strconv.Itoa(k)
		return rs, nil
	})
}

// benchPlainSQL makes the writes of the flows' presses as bare
// transactions, chats at a time: per press, the update record with its
// replies and the press's share of the other writes, committed, then the
// record marked sent by markers batching what is pending, as the
// dispatcher does.
func benchPlainSQL(ctx context.Context, db *store.DB, w *pressWrites, chats, presses, workers int, base int64) (telegramtest.LoadResult, error) {
	const platform = "bench-sql"
	learners := make([]bottega.Learner, chats)
	for i := range learners {
		id := fmt.Sprint(base + int64(i))
		l, _, err := db.EnsureLearner(ctx, platform, id, id, "", "it")
		if err != nil {
			return telegramtest.LoadResult{}, err
		}
		learners[i] = l
	}
	replies := w.replies()
	// The same batched marking as the dispatcher's; an error shows as a
	// failed transaction next.
	marker := bot.NewMarker(workers, func(ctx context.Context, ids ...string) error {
		return db.MarkSent(ctx, platform, ids...)
	}, nil)
	var (
		mu   sync.Mutex
		lats = make([]time.Duration, 0, chats*presses)
		errs = make(chan error, chats)
		wg   sync.WaitGroup
	)
	start := time.Now()
	for i := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chat := fmt.Sprint(base + int64(i))
			local := make([]time.Duration, 0, presses)
			for k := range presses {
				t0 := time.Now()
				id := strconv.FormatInt(base*10+int64(i*presses+k), 10)
				err := db.InTx(ctx, func(tx *store.Tx) error {
					if _, err := tx.RecordUpdateReplies(ctx, platform, id, chat, replies); err != nil {
						return err
					}
					return w.write(ctx, tx.DB, learners[i], k)
				})
				if err != nil {
					errs <- err
					return
				}
				// The latency ends at the commit, as the transport runs'
				// end at the answer, which comes before the mark.
				local = append(local, time.Since(t0))
				marker.Mark(id)
			}
			mu.Lock()
			lats = append(lats, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	marker.Close()
	close(errs)
	if err := <-errs; err != nil {
		return telegramtest.LoadResult{}, fmt.Errorf("plain SQL: %w", err)
	}
	slices.Sort(lats)
	return telegramtest.LoadResult{Updates: len(lats), Elapsed: elapsed, Latencies: lats}, nil
}

// cpuUse is CPU time used so far: by this process, by Postgres' processes
// (whoever started them) and by the whole machine (0 where /proc is
// missing).
type cpuUse struct{ self, postgres, machine time.Duration }

func sampleCPU() cpuUse {
	return cpuUse{self: cpuTime(), postgres: postgresCPU(), machine: machineBusy()}
}

func (c cpuUse) since(start cpuUse) cpuUse {
	return cpuUse{c.self - start.self, c.postgres - start.postgres, c.machine - start.machine}
}

// per says what c comes to for each of n units of work.
func (c cpuUse) per(n int) string {
	d := time.Duration(max(n, 1))
	s := fmt.Sprintf("this process %s", (c.self / d).Round(time.Microsecond))
	if c.machine > 0 {
		s += fmt.Sprintf(", Postgres %s, the machine %s", (c.postgres / d).Round(time.Microsecond), (c.machine / d).Round(time.Microsecond))
	}
	return s
}

// machineBusy is the CPU time all processes used so far (Linux; 0
// elsewhere).
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / 100 // USER_HZ
}

// postgresCPU is the CPU time that the processes named postgres used so
// far (Linux; 0 elsewhere).
func postgresCPU() time.Duration {
	dirs, _ := os.ReadDir("/proc")
	var ticks int64
	for _, d := range dirs {
		if d.Name()[0] < '0' || d.Name()[0] > '9' {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... utime stime: fields 14 and 15.
		open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
		if open < 0 || end < open || string(b[open+1:end]) != "postgres" {
			continue
		}
		f := strings.Fields(string(b[end+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + s
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ
}

// cpuTime is the CPU this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
