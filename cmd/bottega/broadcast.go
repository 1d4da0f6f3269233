package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/console"
	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/bot/whatsapp"
	"github.com/bottega-app/bottega/broadcast"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/flows/admin"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/reminders"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/video"
)

func runBroadcast(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "broadcast", `Send a new lesson (-lesson) or a message (-text) to the learners matching the filters, after a preview and a confirmation, and show the progress until it is done. The bot sends it: this command when TELEGRAM_TOKEN is set and no running bot holds the queue, otherwise the running bot. Ctrl-C stops watching, not the broadcast. -pause, -resume, -cancel and -watch act on an existing broadcast.`)
	lesson := fs.String("lesson", "", "announce this lesson (id), with a button that opens it")
	text := fs.String("text", "", "send this message (with -lesson: shown above the announcement)")
	roles := fs.String("role", "", "only these roles (comma-separated: shopkeeper, artisan, guide, municipal)")
	levels := fs.String("level", "", "only these levels (base, intermediate)")
	langs := fs.String("lang", "", "only learners using these languages (it, en, es, fr, de, pl)")
	tracks := fs.String("track", "", "only learners of these tracks (ids): their role fits, or they opened a lesson of it")
	active := fs.Int("active", 0, "only learners active in the last N days")
	inactive := fs.Int("inactive", 0, "only learners not active in the last N days")
	platform := fs.String("platform", telegram.Platform, "the learners' platform: telegram, whatsapp or console")
	rate := fs.Float64("rate", broadcast.DefaultRate, fmt.Sprintf("messages per second (up to %d, for bots with paid broadcasts)", broadcast.MaxRate))
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	dry := fs.Bool("dry-run", false, "show the preview and the audience, send nothing")
	detach := fs.Bool("detach", false, "start it and return: the running bot sends it")
	pause := fs.Int64("pause", 0, "pause broadcast ID")
	resume := fs.Int64("resume", 0, "resume broadcast ID")
	cancel := fs.Int64("cancel", 0, "cancel broadcast ID (what is not sent yet is dropped)")
	watch := fs.Int64("watch", 0, "show the progress of broadcast ID")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	control := map[string]int64{bottega.BroadcastPaused: *pause, bottega.BroadcastRunning: *resume, bottega.BroadcastCancelled: *cancel}
	acting := 0
	for _, id := range control {
		if id != 0 {
			acting++
		}
	}
	creating := *lesson != "" || *text != ""
	switch {
	case acting > 1 || (acting == 1 && (creating || *watch != 0)):
		return usagef("use one of -pause, -resume, -cancel, -watch, or -lesson/-text to start a broadcast")
	case acting == 0 && *watch == 0 && !creating:
		return usagef("broadcast needs -lesson ID or -text MESSAGE (see 'bottega broadcast --help')")
	case *rate <= 0 || *rate > broadcast.MaxRate:
		return usagef("-rate must be between 0 and %d messages per second", broadcast.MaxRate)
	}
	if err := checkPlatform(*platform); err != nil {
		return err
	}
	cfg, log, db, srv, closeDB, err := toolServer(ctx, e)
	if err != nil {
		return err
	}
	defer closeDB()
	texts, err := locales.Load()
	if err != nil {
		return fmt.Errorf("load messages: %w", err)
	}
	lib := store.NewLibrary(db, 0)
	svc := &store.Broadcasts{DB: db, Library: lib}
	for status, id := range control {
		if id == 0 {
			continue
		}
		p, err := svc.SetBroadcastStatus(ctx, id, status)
		if m := bottega.ErrorMessage(err); m != "" {
			return usagef("%s", m)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Broadcast %d is %s.\n", id, p.Status)
		return nil
	}
	var b bottega.Broadcast
	if *watch != 0 {
		p, err := svc.BroadcastProgress(ctx, *watch)
		if m := bottega.ErrorMessage(err); m != "" {
			return usagef("%s", m)
		} else if err != nil {
			return err
		}
		b = p.Broadcast
	} else {
		cur, _, err := lib.Current(ctx)
		if err != nil {
			return err
		}
		aud := bottega.Audience{Platform: *platform, Roles: splitList(*roles), Levels: splitList(*levels),
			Languages: splitList(*langs), Tracks: splitList(*tracks), ActiveDays: *active, InactiveDays: *inactive}
		kind := bottega.BroadcastText
		if *lesson != "" {
			kind = bottega.BroadcastLesson
		}
		draft := bottega.Broadcast{CreatedBy: "cli", Kind: kind, LessonID: *lesson, Text: *text, Rate: *rate}
		if err := draft.Check(cur); err != nil {
			return usagef("%s", bottega.ErrorMessage(err))
		}
		n, err := svc.CountAudience(ctx, aud)
		if m := bottega.ErrorMessage(err); m != "" {
			return usagef("%s", m)
		} else if err != nil {
			return err
		}
		msg, err := broadcast.Messages{Texts: texts, Library: lib}.Render(ctx, bottega.Delivery{
			Kind: bottega.DeliveryBroadcast, BroadcastKind: kind, LessonID: *lesson, Text: *text, Locale: locales.Default})
		if err != nil {
			return err
		}
		if kind == bottega.BroadcastLesson {
			fmt.Fprintf(e.stdout, "Message (in Italian; each learner gets it in their language):\n\n%s\n", indent(msg.Text))
		} else {
			fmt.Fprintf(e.stdout, "Message (every learner gets it as written):\n\n%s\n", indent(msg.Text))
		}
		for _, row := range msg.Buttons {
			for _, btn := range row {
				fmt.Fprintf(e.stdout, "    [%s]\n", btn.Label)
			}
		}
		fmt.Fprintf(e.stdout, "\nAudience: %s on %s, at %.0f messages/s (about %s).\n", count(n, "learner"), *platform, *rate,
			(time.Duration(float64(n) / *rate * float64(time.Second))).Round(time.Second))
		if *rate > cfg.TelegramRate {
			fmt.Fprintf(e.stdout, "Note: a bot sends at most TELEGRAM_RATE messages/s in all (%g here, 30 if unset).\n"+
				"For %g/s, the bot that sends it needs TELEGRAM_RATE=%g or more.\n", cfg.TelegramRate, *rate, *rate)
		}
		if *dry || n == 0 {
			return nil
		}
		if !*yes && !confirm(e, fmt.Sprintf("Send to %s? [y/N] ", count(n, "learner"))) {
			fmt.Fprintln(e.stdout, "Nothing sent.")
			return nil
		}
		b, err = svc.StartBroadcast(ctx, draft, aud)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Broadcast %d started: %d deliveries.\n", b.ID, b.Total)
		if *detach {
			return nil
		}
	}
	if cfg.TelegramToken != "" && b.Platform == telegram.Platform {
		tr, err := telegram.New(ctx, telegram.Options{Token: cfg.TelegramToken, Endpoint: cfg.TelegramEndpoint, Store: db,
			Limits: telegram.Limits{Rate: max(cfg.TelegramRate, b.Rate)}, Logger: log})
		if err != nil {
			return err
		}
		w := broadcast.NewWorker(broadcast.Config{
			Platform: b.Platform, Store: db, Sender: tr, Rate: b.Rate,
			Render: broadcast.Messages{Texts: texts, Library: lib}.Render, Logger: log,
		})
		wctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan error, 1)
		go func() { done <- w.Run(wctx) }()
		defer func() {
			stop()
			if err := <-done; err != nil {
				log.Warn("delivery worker stopped", "err", err)
			}
		}()
	} else if srv != nil && !srv.Shared() && (b.Status == bottega.BroadcastRunning || b.Status == bottega.BroadcastPaused) {
		// This command started the data folder's server: no bot runs
		// there to send it, and none would while it is watched.
		fmt.Fprintf(e.stdout, "No bot is running on %s: broadcast %d waits, and goes out when the bot starts (make run, or bottega serve).\n", cfg.DataDir, b.ID)
		return nil
	} else {
		fmt.Fprintln(e.stderr, "No TELEGRAM_TOKEN here: the running bot sends the broadcast.")
	}
	return watchBroadcast(ctx, e, svc, b.ID)
}

// watchBroadcast shows a broadcast's progress until nothing is left to send
// or ctx ends.
func watchBroadcast(ctx context.Context, e env, svc bottega.BroadcastService, id int64) error {
	start := time.Now()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		p, err := svc.BroadcastProgress(ctx, id)
		if err != nil && ctx.Err() == nil {
			return err
		}
		b, c := p.Broadcast, p.Counts
		if ctx.Err() != nil {
			fmt.Fprintf(e.stderr, "\nStopped watching; broadcast %d goes on (bottega broadcast -cancel %d stops it).\n", id, id)
			return nil
		}
		progressBar(e, c, time.Since(start))
		if c.Left() == 0 || b.Status == bottega.BroadcastCancelled || b.Status == bottega.BroadcastDone {
			fmt.Fprintln(e.stderr)
			fmt.Fprintf(e.stdout, "Broadcast %d: %s. Sent %d, failed %d, blocked %d, cancelled %d, uncertain %d (interrupted mid-send, not resent).\n",
				id, b.Status, c.Sent, c.Failed, c.Blocked, c.Cancelled, c.Uncertain)
			return nil
		}
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
}

func confirm(e env, question string) bool {
	fmt.Fprint(e.stdout, question)
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes" || a == "s" || a == "si" || a == "sì"
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// bulk is the admin side wired into a running bot: the admin extension of
// the flows, and, once a transport runs, the delivery worker and the
// reminder scheduler sending through it.
type bulk struct {
	cfg     config
	db      *store.DB
	texts   *locales.Catalog
	lib     *store.Library
	admin   *admin.Admin
	metrics *broadcast.Metrics
	// broadcasts is the service the chat, the command line and the
	// console share.
	broadcasts *store.Broadcasts

	mu sync.Mutex
	// workers are the delivery workers, one per running transport.
	workers []*broadcast.Worker
	dl      admin.Downloader
}

// newBulk wires the admin side; getenv finds ffmpeg (FFMPEG) for the videos
// of lessons uploaded through the chat.
func newBulk(a *app, getenv func(string) string) *bulk {
	b := &bulk{cfg: a.cfg, db: a.db, texts: a.texts, lib: store.NewLibrary(a.db, 0), metrics: broadcast.NewMetrics(a.reg)}
	b.broadcasts = &store.Broadcasts{DB: a.db, Library: b.lib, Wake: b.wake}
	pub := newPublishing(a, b.lib)
	b.admin = admin.New(admin.Options{
		Admins: a.cfg.Admins, Store: a.db, Broadcasts: b.broadcasts, Texts: a.texts, Library: b.lib, Downloader: b,
		ConsoleLink: a.console.NewLink,
		Publishing:  pub,
		InTx: func(tx bot.Tx) (admin.Tx, error) {
			t, ok := tx.(*store.Tx)
			if !ok {
				return admin.Tx{}, fmt.Errorf("an update's transaction of type %T", tx)
			}
			return admin.Tx{Store: t, Broadcasts: b.broadcasts.In(t), Publishing: pub.In(t)}, nil
		},
		// Cutting the videos of an upload runs in a task that edits a
		// progress message; ffmpeg is looked for then, so that a bot
		// without it runs until a lesson with a video comes.
		Videos: func(ctx context.Context, c *content.Curriculum, progress func(video.Event)) (video.Report, error) {
			p, err := newVideoPublisher(a.cfg, getenv)
			if err != nil {
				return video.Report{}, err
			}
			return p.Prepare(ctx, c, progress)
		},
		NoEdits: func(platform string) bool { return platform == whatsapp.Platform },
	})
	return b
}

// extensions are what the flows consult for commands they do not know.
func (b *bulk) extensions() []flows.Extension { return []flows.Extension{b.admin} }

// Download implements admin.Downloader with the running transport.
func (b *bulk) Download(ctx context.Context, fileID string) ([]byte, error) {
	b.mu.Lock()
	dl := b.dl
	b.mu.Unlock()
	if dl == nil {
		return nil, errors.New("this transport cannot download files")
	}
	return dl.Download(ctx, fileID)
}

func (b *bulk) wake() {
	b.mu.Lock()
	ws := b.workers
	b.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}

// windowed is a transport that lets reminders and broadcasts go free-form
// only within a window after the learner's last message, and fits them to
// it (whatsapp.Transport.Fit).
type windowed interface {
	Fit(ctx context.Context, chat, kind, locale string, r bot.Reply) (bot.Reply, error)
}

// What start looks for in the transports that have it.
var (
	_ admin.Downloader = (*telegram.Transport)(nil)
	_ windowed         = (*whatsapp.Transport)(nil)
)

// start runs the delivery worker and the reminders for t until stop.
func (b *bulk) start(ctx context.Context, t bot.Transport, log *slog.Logger) (stop func()) {
	cfg := broadcast.Config{
		Platform: t.Platform(), Store: b.db, Sender: t, Rate: min(float64(broadcast.DefaultRate), b.cfg.TelegramRate),
		Render: broadcast.Messages{Texts: b.texts, Library: b.lib}.Render,
		Progress: func(br bottega.Broadcast, c bottega.DeliveryCounts) bot.Reply {
			cur, _, _ := b.lib.Current(ctx)
			return admin.Progress(b.texts, cur)(br, c)
		},
		Metrics: b.metrics,
		Logger:  log,
	}
	// The broadcasts' own rate decides, up to the platform's.
	if rate, ok := map[string]float64{telegram.Platform: b.cfg.TelegramRate, whatsapp.Platform: b.cfg.WhatsAppRate}[t.Platform()]; ok {
		cfg.Rate = rate
	}
	if dl, ok := t.(admin.Downloader); ok {
		b.mu.Lock()
		b.dl = dl
		b.mu.Unlock()
	}
	if w, ok := t.(windowed); ok && t.Capabilities().Templates {
		cfg.Requeue = func(ctx context.Context) (int, error) { return requeueRefused(ctx, b.db, 0) }
		// Outside the platform's window a template goes instead, or
		// nothing.
		render := cfg.Render
		cfg.Render = func(ctx context.Context, d bottega.Delivery) (bot.Reply, error) {
			r, err := render(ctx, d)
			if err != nil {
				return r, err
			}
			r, err = w.Fit(ctx, d.ChatID, d.Kind, d.Locale, r)
			if errors.Is(err, whatsapp.ErrNoTemplate) {
				return r, fmt.Errorf("%w: %w", broadcast.ErrSkip, err)
			}
			return r, err
		}
	}
	w := broadcast.NewWorker(cfg)
	b.mu.Lock()
	b.workers = append(b.workers, w)
	b.mu.Unlock()
	sched := reminders.New(reminders.Config{Platform: t.Platform(), Store: b.db, Wake: w.Wake, Logger: log})
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := w.Run(ctx); err != nil {
			log.Warn("delivery worker stopped", "err", err)
		}
	}()
	go func() {
		defer wg.Done()
		if err := sched.Run(ctx); err != nil && ctx.Err() == nil {
			log.Warn("reminder scheduler stopped", "err", err)
		}
	}()
	return func() { cancel(); wg.Wait() }
}

// progressBar draws one line of progress on stderr.
func progressBar(e env, c bottega.DeliveryCounts, elapsed time.Duration) {
	total := max(c.Total(), 1)
	done := total - c.Left()
	const width = 30
	fill := width * done / total
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '.'
		if i < fill {
			bar[i] = '#'
		}
	}
	// On a terminal the line redraws itself; in a log each update is a line.
	start, end := "\r", "   "
	if f, ok := e.stderr.(*os.File); !ok || !isTerminal(f) {
		start, end = "", "\n"
	}
	fmt.Fprintf(e.stderr, "%s[%s] %d/%d  sent %d  failed %d  blocked %d  left %d  %.1f msg/s%s",
		start, bar, done, total, c.Sent, c.Failed, c.Blocked, c.Left(), float64(c.Sent)/math.Max(elapsed.Seconds(), 1e-9), end)
}

// count says how many of a noun with a plain English plural: "1 learner",
// "3 learners".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// checkPlatform refuses a -platform the bot has no transport for.
func checkPlatform(p string) error {
	switch p {
	case telegram.Platform, whatsapp.Platform, console.Platform:
		return nil
	}
	return usagef("-platform must be telegram, whatsapp or console, not %q", p)
}
