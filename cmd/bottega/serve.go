package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/bot/console"
	"github.com/bottega-app/bottega/bot/whatsapp"
	"github.com/bottega-app/bottega/certificate"
	"github.com/bottega-app/bottega/drill"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/store/pglocal"
	"github.com/bottega-app/bottega/web"
)

func runServe(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve", "Run the bot: on WhatsApp when the four WHATSAPP_* variables are set, on Telegram when TELEGRAM_TOKEN is, on both when both are, otherwise as a chat in this terminal.")
	workers := fs.Int("workers", 16, "chats served at once")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	if cfg.TelegramToken == "" && cfg.WhatsAppToken == "" {
		return chat(ctx, e, cfg, *workers, true)
	}
	if cfg.WhatsAppToken == "" {
		return serveTelegram(ctx, e, cfg, *workers)
	}
	return serveBots(ctx, e, cfg, *workers)
}

func runChat(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "chat", "Chat with the bot in this terminal. Type a number to press a button, or any text or /command; end with Ctrl-D.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	return chat(ctx, e, cfg, 1, false)
}

func newLogger(e env, cfg config, quiet bool) *slog.Logger {
	lv := cfg.LogLevel
	if quiet && !cfg.logLevelSet {
		lv = slog.LevelWarn // the terminal is the chat: keep it readable
	}
	return slog.New(e.redact.handler(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: lv})))
}

// app is everything a transport needs, built once.
type app struct {
	cfg     config
	log     *slog.Logger
	db      *store.DB
	texts   *locales.Catalog
	handler bot.Handler
	reg     *prometheus.Registry
	metrics *bot.Metrics
	close   func()
	// pg is the private Postgres server that the bot started; nil with
	// DATABASE_URL.
	pg *pglocal.Server
	// bulk is the admin side: broadcasts, reminders (broadcast.go).
	bulk *bulk
	// assistant answers questions; tasks are its deferred work
	// (assistant.go).
	assistant *assistant.Assistant
	tasks     map[string]bot.TaskFunc
	// dbWatch logs database outages; /readyz asks through it.
	dbWatch *dbWatch
	// ready are the transports' own readiness checks (WhatsApp stops when
	// Meta refuses the token), asked by /readyz.
	ready []func() error
	// console is the web console, at /console/ on HTTP_ADDR.
	console *web.Handler
}

func newApp(ctx context.Context, e env, cfg config, quiet bool) (*app, error) {
	log := newLogger(e, cfg, quiet)
	texts, err := locales.Load()
	if err != nil {
		return nil, fmt.Errorf("load messages: %w", err)
	}
	db, pg, closeDB, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := publishBuiltin(ctx, db, log); err != nil {
		closeDB()
		return nil, err
	}
	warnMissingFiles(ctx, db, log)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a := &app{
		cfg:     cfg,
		log:     log,
		db:      db,
		texts:   texts,
		handler: newFlows(db, texts, cfg.Contact, cfg.certificateBase(), clipDir(cfg), nil, nil, false),
		reg:     reg,
		metrics: bot.NewMetrics(reg),
		close:   closeDB,
		dbWatch: newDBWatch(db.Ready, log, cfg.DBCheckEvery),
		pg:      pg,
	}
	if a.console, err = newConsole(a, e.getenv); err != nil {
		closeDB()
		return nil, err
	}
	a.bulk = newBulk(a, e.getenv)
	if a.assistant, a.tasks, err = newAssistant(a); err != nil {
		closeDB()
		return nil, err
	}
	rw, rwTasks, err := newRewriter(a)
	if err != nil {
		a.close()
		return nil, err
	}
	maps.Copy(a.tasks, rwTasks)
	fl := newFlows(db, texts, cfg.Contact, cfg.certificateBase(), clipDir(cfg), a.assistant, rw, a.tasks[drill.FeedbackKind] != nil, a.bulk.extensions()...)
	for kind, fn := range fl.Tasks() {
		a.tasks[kind] = fn
	}
	for kind, fn := range a.bulk.admin.Tasks() {
		a.tasks[kind] = fn
	}
	// Certificates' PDFs are rendered and sent after the update that
	// issued them is committed.
	a.tasks[bottega.CertificateTask] = certificate.Task{Store: db, Texts: texts, PublicURL: cfg.certificateBase()}.Run
	a.handler = a.bulk.admin.Wrap(fl)
	return a, nil
}

func (a *app) dispatcher(t bot.Transport, workers int) *bot.Dispatcher {
	cfg := bot.Config{
		Platform: t.Platform(),
		Store:    a.db,
		Handler:  a.handler,
		Sender:   t,
		Workers:  workers,
		Logger:   a.log,
		Metrics:  a.metrics,
		Tasks:    a.tasks,
		Fallback: func(u bot.Update) bot.Reply {
			return bot.Reply{Text: a.texts.T(locales.Match(u.Lang), "error_generic", nil)}
		},
	}
	if t.Platform() == whatsapp.Platform {
		// Only WhatsApp confirms the messages it took (status webhooks).
		cfg.ConfirmWait = a.cfg.WhatsAppConfirmWait
	}
	return bot.New(cfg)
}

// runTransport resends what a crash left unsent, then serves t until ctx
// ends or t's input ends; in-flight updates finish before it returns.
func (a *app) runTransport(ctx context.Context, t bot.Transport, workers int) error {
	defer a.dbWatch.start(ctx)()
	if a.pg != nil {
		// Once the server the bot started is gone, whatever answers on its
		// socket (a server restarted by hand) is not the bot's to use.
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(ctx)
		defer cancel(nil)
		go func() {
			select {
			case <-a.pg.Exited():
				cancel(fmt.Errorf("the private PostgreSQL server stopped while the bot was running (%v; its log is in %s): start the bot again", a.pg.Err(), filepath.Join(a.cfg.DataDir, "postgres.log")))
			case <-ctx.Done():
			}
		}()
		err := a.serve(ctx, t, workers)
		if cause := context.Cause(ctx); a.pg.Err() != nil && cause != nil && !errors.Is(cause, context.Canceled) {
			return cause
		}
		return err
	}
	return a.serve(ctx, t, workers)
}

func (a *app) serve(ctx context.Context, t bot.Transport, workers int) error {
	d := a.dispatcher(t, workers)
	defer d.Close()
	defer a.bulk.start(ctx, t, a.log)() // broadcasts and reminders
	defer a.drillTimers(ctx, t.Platform(), d)()
	if err := d.Resend(ctx); err != nil {
		return fmt.Errorf("resend unsent replies: %w", err)
	}
	return t.Run(ctx, d)
}

// drillTimers delivers the drills' timed events to the learners of a
// platform through d until stop.
func (a *app) drillTimers(ctx context.Context, platform string, d *bot.Dispatcher) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	k := &drill.Ticker{Platform: platform, Store: a.db, Sink: d, Logger: a.log}
	go func() {
		defer close(done)
		_ = k.Run(ctx) // it returns only when ctx ends
	}()
	return func() { cancel(); <-done }
}

// chat runs the bot on this terminal; withHTTP also serves health and
// metrics, if the address is free (a demo should not fail over a busy port).
func chat(ctx context.Context, e env, cfg config, workers int, withHTTP bool) error {
	a, err := newApp(ctx, e, cfg, true)
	if err != nil {
		return err
	}
	defer a.close()
	if withHTTP {
		if stop, err := a.serveHTTP(ctx, nil); err != nil {
			a.log.Warn("health and metrics not served", "err", err)
		} else {
			defer stop()
		}
	}
	lang := terminalLang(e.getenv)
	t := console.New(e.stdin, e.stdout, console.Options{Echo: !isTerminal(e.stdin), Files: cfg.DataDir, Lang: lang})
	if isTerminal(e.stdin) {
		fmt.Fprintln(e.stdout, banner(ctx, a, lang))
		fmt.Fprintln(e.stdout)
	}
	return a.runTransport(ctx, t, workers)
}

// banner greets the terminal chat in the language of its learner, once
// known (the console's learner is "local"), else in the terminal's
// (terminalLang), else in Italian.
func banner(ctx context.Context, a *app, terminal string) string {
	lang, err := a.db.LearnerLocale(ctx, console.Platform, "local")
	if err != nil || lang == "" {
		lang = locales.Default
		if terminal != "" {
			lang = locales.Match(terminal)
		}
	}
	return a.texts.T(lang, "console_banner", nil)
}

// terminalLang is the language of the terminal's user, as a phone's
// language is on a chat platform: the locale of LC_ALL, else LC_MESSAGES,
// else LANG, as POSIX orders them ("en_GB.UTF-8" is "en_GB"). The C and
// POSIX locales name no language: "" (the chat then speaks Italian).
func terminalLang(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(k)
		if v == "" {
			continue
		}
		v, _, _ = strings.Cut(v, ".")
		v, _, _ = strings.Cut(v, "@")
		if v == "C" || v == "POSIX" {
			return ""
		}
		return v
	}
	return ""
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// serveHTTP serves health, readiness, metrics and extra handlers (webhooks)
// on cfg.HTTPAddr until ctx ends. The address may face the internet (a
// webhook): every connection is bounded in time and size, so idle or
// trickling clients cannot pile up.
func (a *app) serveHTTP(ctx context.Context, extra map[string]http.Handler) (stop func(), err error) {
	lim := a.cfg.HTTP
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		rctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := a.dbWatch.Check(rctx); err != nil {
			// The error names the database's address or socket path:
			// it is in the log, not for whoever asks.
			http.Error(w, "not ready: database unreachable", http.StatusServiceUnavailable)
			return
		}
		for _, check := range a.ready {
			if err := check(); err != nil {
				http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{}))
	if a.console != nil {
		// Not the webhooks' bound: the console takes uploads of lessons
		// up to bottega.MaxUpload, and bounds its bodies itself.
		mux.Handle("/console/", a.console)
	}
	// The public page that verifies a certificate: name, track, date.
	mux.Handle("GET /verify/{code}", certificate.Verify(a.db, a.texts, a.log))
	for p, h := range extra {
		mux.Handle(p, limitBody(h, lim.MaxBody))
	}
	ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on HTTP_ADDR %s: %w", a.cfg.HTTPAddr, err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: lim.ReadHeader,
		ReadTimeout:       lim.Read,
		WriteTimeout:      lim.Write,
		IdleTimeout:       lim.Idle,
		MaxHeaderBytes:    lim.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelDebug),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("http server", "err", err)
		}
	}()
	a.log.Info("http listening", "addr", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			a.log.Warn("http server did not stop cleanly", "err", err)
		}
		if a.console != nil {
			a.console.Close() // publishing with videos started on the console
		}
	}, nil
}

// limitBody reads a webhook's body before h sees it, up to limit bytes, and
// answers 413 beyond: every webhook handler gets the same bound and the
// same answer, whether the client announced the length or not.
func limitBody(h http.Handler, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		if err != nil {
			if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
				http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	})
}
