package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pglocal"
)

// bench is one `bottega bench <name>` measurement.
type bench struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

// benches are the measurements `bottega bench` knows, by name.
var benches = map[string]bench{
	"broadcast": {"achieved rate, 429s, duplicates and misses of a broadcast to many learners against a rate-enforcing fake", benchBroadcast},
	"updates":   {"updates/s and latency of button presses through the Telegram transport, against plain SQL", benchUpdates},
}

func runBench(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(e.stdout, "Usage: bottega bench <name> [flags]\n\nBenchmarks:\n")
		names := make([]string, 0, len(benches))
		for n := range benches {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(e.stdout, "  %-10s %s\n", n, benches[n].summary)
		}
		if len(args) == 0 {
			return usagef("bench needs a benchmark name: run 'bottega bench --help'")
		}
		return nil
	}
	b, ok := benches[args[0]]
	if !ok {
		return usagef("unknown benchmark %q: run 'bottega bench --help'", args[0])
	}
	return b.run(ctx, e, args[1:])
}

// benchDatabase opens DATABASE_URL, or starts a throw-away private Postgres
// (fsync off, like the tests'), and migrates it.
func benchDatabase(ctx context.Context, cfg config) (db *store.DB, where string, closeDB func(), err error) {
	if cfg.DatabaseURL != "" {
		db, err := store.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, "", nil, err
		}
		if _, err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, "", nil, err
		}
		return db, "DATABASE_URL", func() { db.Close() }, nil
	}
	dir, err := os.MkdirTemp("", "bottega-bench-")
	if err != nil {
		return nil, "", nil, fmt.Errorf("create temporary directory: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, "", nil, err
	}
	srv, err := pglocal.Start(ctx, pglocal.Options{Dir: filepath.Join(dir, "pg"), Fast: true})
	if err != nil {
		os.RemoveAll(dir)
		if err == pglocal.ErrNoServer {
			return nil, "", nil, usageError{err.Error()}
		}
		return nil, "", nil, fmt.Errorf("start private postgres: %w", err)
	}
	cleanup := func() { srv.Stop(); os.RemoveAll(dir) }
	if err := createDatabase(ctx, srv.DSN("postgres"), "bench"); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	db, err = store.Open(ctx, srv.DSN("bench"))
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		cleanup()
		return nil, "", nil, err
	}
	return db, "private Postgres, fsync off", func() { db.Close(); cleanup() }, nil
}

func benchUpdates(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "bench updates", "Drive simulated learners (each: /start, then button presses, each after the previous one was answered) through the Telegram transport against a fake Bot API and Postgres; then run plain SQL transactions doing the same writes (record the update, save the state) with the same concurrency, and compare.")
	chats := fs.Int("chats", 24, "learners pressing buttons at the same time")
	presses := fs.Int("presses", 200, "button presses per learner")
	workers := fs.Int("workers", 16, "dispatcher workers")
	rate := fs.Float64("rate", 1e6, "global Telegram send rate (msgs/s) for the run")
	chatRate := fs.Float64("chat-rate", 1000, "per-chat send rate (msgs/s); Telegram's is about 1, but edits are exempt anyway")
	cpuProfile := fs.String("cpuprofile", "", "write CPU profiles of the transport runs to this file name, plus .0, .1")
	verbose := fs.Bool("v", false, "print details: dispatcher time per update, polls, CPU of this process per update")
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
	if err := publishBuiltin(ctx, db, newLogger(e, cfg, true)); err != nil {
		return err
	}
	if *cpuProfile != "" {
		fmt.Fprintf(e.stderr, "profiling the runs to %s.<run>\n", *cpuProfile)
	}
	// Ids unique to this run, so that runs on one database do not meet.
	base := time.Now().UnixMilli() % 1_000_000_000 * 1000

	runs := []struct {
		name    string
		handler bot.Handler
	}{
		{"telegram + flows", newFlows(db, texts, nil)},
		{"telegram + state", stateHandler(db)},
	}
	results := make([]telegramtest.LoadResult, len(runs))
	details := make([]strings.Builder, len(runs))
	for i, run := range runs {
		profile := ""
		if *cpuProfile != "" {
			profile = fmt.Sprintf("%s.%d", *cpuProfile, i)
		}
		res, err := driveTelegram(ctx, db, run.handler, driveOptions{
			chats: *chats, presses: *presses, workers: *workers, rate: *rate, chatRate: *chatRate,
			base: base + int64(i)*10_000_000, profile: profile, log: newLogger(e, cfg, true), verbose: *verbose, out: &details[i],
		})
		if err != nil {
			return fmt.Errorf("%s: %w", run.name, err)
		}
		results[i] = res
	}

	plain, err := benchPlainSQL(ctx, db, *chats, *presses, base)
	if err != nil {
		return err
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(e.stdout, "bench updates: %d learners × %d button presses, %d workers, GOMAXPROCS %d, %s\n",
		*chats, *presses, *workers, runtime.GOMAXPROCS(0), where)
	for i, run := range runs {
		res := results[i]
		fmt.Fprintf(e.stdout, "  %-18s %6.0f updates/s  p50 %7s  p99 %7s  %.2f of plain SQL\n",
			run.name+":", res.Rate(), ms(res.Percentile(50)), ms(res.Percentile(99)), res.Rate()/math.Max(plain.Rate(), 1))
		if details[i].Len() > 0 {
			fmt.Fprintf(e.stdout, "    %s", details[i].String())
		}
	}
	fmt.Fprintf(e.stdout, "  %-18s %6.0f tx/s       p50 %7s  p99 %7s  (record update + save state)\n",
		"plain SQL:", plain.Rate(), ms(plain.Percentile(50)), ms(plain.Percentile(99)))
	fmt.Fprintf(e.stdout, "  (flows: the real conversations; state: a handler doing the plain SQL's writes and editing the message)\n")
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
	cpu0 := cpuTime()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- tr.Run(rctx, d) }()
	dctx, dcancel := context.WithTimeout(ctx, 3*time.Minute)
	res, err := fake.Drive(dctx, telegramtest.Load{Chats: o.chats, Presses: o.presses, FirstChat: o.base})
	dcancel()
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
		fmt.Fprintf(o.out, "%d polls carried %d updates (%.1f per update handled); this process used %s of CPU per update",
			polls, polled, float64(polled)/float64(max(res.Updates, 1)), (cpuTime()-cpu0)/time.Duration(max(res.Updates, 1)))
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

// stateHandler does per update what the plain SQL does (record the update,
// which the dispatcher does, and save the learner's state), after finding
// the learner, and answers with an edit carrying a button.
func stateHandler(db *store.DB) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, u bot.Update) ([]bot.Reply, error) {
		l, _, err := db.EnsureLearner(ctx, u.Platform, u.UserID, u.ChatID, u.Name, "it")
		if err != nil {
			return nil, err
		}
		n := u.ID % 1000
		if err := db.SaveState(ctx, l.ID, fmt.Appendf(nil, `{"step":%d}`, n)); err != nil {
			return nil, err
		}
		return []bot.Reply{{
			Text:    fmt.Sprintf("Passo %d", n),
			Edit:    true,
			Buttons: [][]bot.Button{{{Label: "Avanti", Data: "v1|bench"}}},
		}}, nil
	})
}

// benchPlainSQL runs the writes an update needs at the least (record it,
// save the learner's state) as bare transactions, chats at a time.
func benchPlainSQL(ctx context.Context, db *store.DB, chats, presses int, base int64) (telegramtest.LoadResult, error) {
	const platform = "bench-sql"
	learners := make([]int64, chats)
	for i := range learners {
		id := fmt.Sprint(base + int64(i))
		l, _, err := db.EnsureLearner(ctx, platform, id, id, "", "it")
		if err != nil {
			return telegramtest.LoadResult{}, err
		}
		learners[i] = l.ID
	}
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
				id := base*10 + int64(i*presses+k)
				err := db.InTx(ctx, func(ctx context.Context) error {
					if _, err := db.RecordUpdate(ctx, platform, id, chat); err != nil {
						return err
					}
					return db.SaveState(ctx, learners[i], fmt.Appendf(nil, `{"step":%d}`, k))
				})
				if err != nil {
					errs <- err
					return
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			lats = append(lats, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		return telegramtest.LoadResult{}, fmt.Errorf("plain SQL: %w", err)
	}
	slices.Sort(lats)
	return telegramtest.LoadResult{Updates: len(lats), Elapsed: elapsed, Latencies: lats}, nil
}

// cpuTime is the CPU this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
