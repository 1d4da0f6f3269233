package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/telegram/telegramtest"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/store"
)

// benchBroadcast sends a broadcast to many learners against a fake Bot API
// that answers 429 beyond the configured rate, and checks the run: the
// achieved rate, 429s, duplicates and learners missed.
func benchBroadcast(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "broadcast", "Send one broadcast to many learners through the delivery queue and the Telegram transport, against a fake Bot API that enforces the rate (answering 429 beyond it); report the achieved rate, 429s, duplicates and learners missed.")
	n := fs.Int("learners", 20000, "learners in the audience")
	rate := fs.Float64("rate", 30, "messages per second: the worker's and the broadcast's rate, and what the fake enforces")
	burst := fs.Int("fake-burst", 0, "how many messages the fake lets through at once (default: 1/5 s worth, at least 4)")
	senders := fs.Int("senders", 0, "messages in flight at once (default: from the rate)")
	onPlatform := fs.String("platform", "telegram", "telegram or whatsapp (the fake Cloud API, with its throughput, pair rate and 24-hour window)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *onPlatform != "telegram" && *onPlatform != "whatsapp" {
		return usagef("-platform must be telegram or whatsapp")
	}
	if *n < 1 || *rate <= 0 || *rate > broadcast.MaxRate {
		return usagef("-learners must be at least 1 and -rate between 0 and %d", broadcast.MaxRate)
	}
	if *burst <= 0 {
		*burst = max(4, int(*rate/5))
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
	if *onPlatform == "whatsapp" {
		return benchWhatsApp(ctx, e, db, where, *n, *rate, *burst, *senders)
	}

	platform := fmt.Sprintf("bench-%d", time.Now().UnixNano())
	ls := make([]bottega.Learner, *n)
	consent := time.Now() // broadcasts go only to learners who gave consent
	for i := range ls {
		id := strconv.Itoa(1_000_000 + i)
		ls[i] = bottega.Learner{Platform: platform, ExternalID: id, ChatID: id, Locale: "it", Role: bottega.RoleShopkeeper, ConsentAt: &consent}
	}
	if err := db.CreateLearners(ctx, ls); err != nil {
		return err
	}
	fake := telegramtest.NewServer(telegramtest.Token)
	defer fake.Close()
	fake.EnforceRate(*rate, *burst)
	var (
		mu          sync.Mutex
		perChat     = make(map[int64]int, *n)
		limited     int
		first, last time.Time
	)
	fake.OnCall(func(c telegramtest.Call) {
		if c.Method != "sendMessage" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if c.Status == 429 {
			limited++
			return
		}
		if c.Status == 200 {
			perChat[c.ChatID()]++
			if first.IsZero() {
				first = c.At
			}
			last = c.At
		}
	})
	tr, err := telegram.New(ctx, telegram.Options{Token: telegramtest.Token, Endpoint: fake.Endpoint(), Store: db,
		// The worker paces the sends; the transport's own limiter only caps them.
		Limits: telegram.Limits{Rate: *rate, Burst: *burst}})
	if err != nil {
		return err
	}
	b, err := db.CreateBroadcast(ctx, bottega.Broadcast{CreatedBy: "bench", Kind: bottega.BroadcastText,
		Text: "Nuova lezione in arrivo: provala! 📚", Rate: *rate}, bottega.Audience{Platform: platform})
	if err != nil {
		return err
	}
	w := broadcast.NewWorker(broadcast.Config{
		Platform: platform, Store: db, Sender: tr, Rate: *rate, Senders: *senders,
		Render: func(_ context.Context, d bottega.Delivery) (bot.Reply, error) { return bot.Reply{Text: d.Text}, nil },
		Poll:   50 * time.Millisecond, ProgressEvery: time.Second,
	})
	fmt.Fprintf(e.stdout, "bench broadcast: %d learners at %.0f msg/s (fake burst %d), GOMAXPROCS %d, %s\n",
		*n, *rate, *burst, runtime.GOMAXPROCS(0), where)
	start, c, err := deliverAll(ctx, e, db, w, b.ID)
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	// From the worker's start to the last message's arrival.
	elapsed := last.Sub(start)
	dups, missed := 0, 0
	for _, l := range ls {
		chat, _ := strconv.ParseInt(l.ChatID, 10, 64)
		switch k := perChat[chat]; {
		case k == 0:
			missed++
		case k > 1:
			dups += k - 1
		}
	}
	achieved := float64(c.Sent) / elapsed.Seconds()
	atFake := float64(len(perChat)-1) / math.Max(last.Sub(first).Seconds(), 1e-9)
	fmt.Fprintf(e.stdout, "  sent %d of %d in %s: %.2f msg/s achieved (%.1f%% of %.0f); %.2f msg/s first to last at the fake\n",
		c.Sent, *n, elapsed.Round(time.Millisecond), achieved, 100*achieved / *rate, *rate, atFake)
	fmt.Fprintf(e.stdout, "  429 answers: %d   duplicates: %d   missed: %d   failed: %d   uncertain: %d\n",
		limited, dups, missed, c.Failed, c.Uncertain)
	if limited > 0 || dups > 0 || missed > 0 {
		return fmt.Errorf("bench broadcast: %d 429s, %d duplicates, %d missed", limited, dups, missed)
	}
	return nil
}

// progressBar draws one line of progress on stderr.
func progressBar(e env, c bottega.DeliveryCounts, elapsed time.Duration) {
	total := max(c.Total(), 1)
	done := total - c.Left()
	// On a terminal the line redraws itself; in a log each update is a line.
	start, end := "\r", "   "
	if f, ok := e.stderr.(*os.File); !ok || !isTerminal(f) {
		start, end = "", "\n"
	}
	fmt.Fprintf(e.stderr, "%s%d/%d  sent %d  failed %d  left %d  %.1f msg/s%s",
		start, done, total, c.Sent, c.Failed, c.Left(), float64(c.Sent)/math.Max(elapsed.Seconds(), 1e-9), end)
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// deliverAll runs the worker until the broadcast has nothing left to
// send, drawing its progress, and returns when the worker started and the
// broadcast's final counts.
func deliverAll(ctx context.Context, e env, db *store.DB, w *broadcast.Worker, id int64) (time.Time, bottega.DeliveryCounts, error) {
	var c bottega.DeliveryCounts
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- w.Run(wctx) }()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			stop()
			<-done
			return start, c, ctx.Err()
		case <-tick.C:
		}
		var err error
		if c, err = db.DeliveryCounts(ctx, id); err != nil {
			stop()
			<-done
			return start, c, err
		}
		if i%10 == 0 || c.Left() == 0 {
			progressBar(e, c, time.Since(start))
		}
		if c.Left() == 0 {
			break
		}
	}
	stop()
	if err := <-done; err != nil {
		return start, c, err
	}
	fmt.Fprintln(e.stdout)
	return start, c, nil
}
