// Package telegram is Bottega's Telegram transport, on the Bot API through
// github.com/go-telegram-bot-api/telegram-bot-api/v5 (the only package that
// imports it).
//
// Receiving: long polling with our own loop, whose offset only moves past
// updates whose effects are committed, or a webhook whose handler answers 200
// only once the update is recorded. Sending: platform-neutral replies
// rendered as HTML messages with inline keyboards, edits, callback answers,
// photos, videos and documents, under flood limits, with retries, and with
// errors that never contain the bot token.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bottega-app/bottega/bot"
)

// Platform is Telegram's platform name in updates and the database.
const Platform = "telegram"

// Store is what the transport keeps in the database.
type Store interface {
	// MarkBlocked records that the learner in chatID blocked the bot.
	MarkBlocked(ctx context.Context, platform, chatID string) error
	// The file_ids Telegram gave the files sent, under Platform.
	bot.MediaCache
}

// Texts renders the command menu, the bot description and the transport's
// own toasts.
type Texts interface {
	T(lang, id string, data map[string]any) string
	Has(lang, id string) bool
}

// Options configure a Transport.
type Options struct {
	Token string
	// Endpoint is the Bot API endpoint format with two %s (token, method);
	// default tgbotapi.APIEndpoint.
	Endpoint string
	// WebhookURL switches to webhook mode; WebhookSecret is then required.
	WebhookURL    string
	WebhookSecret string
	Store         Store
	Limits        Limits
	Logger        *slog.Logger
	// HTTPClient makes the Bot API calls (default: a pooled client). Calls
	// get their timeouts from contexts.
	HTTPClient *http.Client
	// PollTimeout is the long-polling timeout (default 50s).
	PollTimeout time.Duration
	// RequestTimeout bounds every other call (default 30s).
	RequestTimeout time.Duration
	// Retries is how many times a call is tried again after a 5xx or a
	// network error, with exponential backoff from 0.5s (default 4; -1 for
	// none). 429s are retried after Telegram's retry_after, up to 8 times.
	Retries int
	// Sleep waits between the attempts of a call (default: a timer that
	// stops with ctx). Tests replace it to order events without timing.
	Sleep func(ctx context.Context, d time.Duration) error
	// Texts, Languages and Commands set up the command menu per language:
	// the description of command c is message "tg_cmd_"+c ("-" leaves c
	// out of that language's menu), the bot description
	// "tg_cmd_bot_description". The first language is the
	// default menu. Nil Texts skips the set-up.
	Texts     Texts
	Languages []string
	Commands  []string
	// MaxBody bounds a webhook request body (default 1 MiB).
	MaxBody int64
}

// Transport is a Telegram bot. It implements bot.Transport.
type Transport struct {
	opt    Options
	c      *client
	lim    *limiter
	log    *slog.Logger
	me     tgbotapi.User
	secret []byte

	sink atomic.Pointer[sinkBox] // the webhook's, once Run started

	memoMu sync.Mutex
	memo   map[fileStamp]string // local file -> content hash

	pressMu sync.Mutex
	presses map[string]*press // the button presses being handled, by id
}

type sinkBox struct{ bot.Sink }

// allowedUpdates are the update kinds Bottega handles.
var allowedUpdates = []string{"message", "callback_query"}

// New checks the token with getMe and returns a transport. Its error says
// what to fix when the token is rejected.
func New(ctx context.Context, opt Options) (*Transport, error) {
	if opt.Token == "" {
		return nil, errors.New("telegram: no token")
	}
	if opt.Endpoint == "" {
		opt.Endpoint = tgbotapi.APIEndpoint
	}
	if opt.WebhookURL != "" && opt.WebhookSecret == "" {
		return nil, errors.New("telegram: a webhook needs a secret")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.HTTPClient == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = 256
		tr.MaxIdleConnsPerHost = 256
		opt.HTTPClient = &http.Client{Transport: tr}
	}
	if opt.PollTimeout <= 0 {
		opt.PollTimeout = 50 * time.Second
	}
	if opt.MaxBody <= 0 {
		opt.MaxBody = 1 << 20
	}
	c := newClient(opt.Token, opt.Endpoint, opt.HTTPClient)
	if opt.RequestTimeout > 0 {
		c.timeout = opt.RequestTimeout
	}
	if opt.Retries != 0 {
		c.retries = max(opt.Retries, 0)
	}
	if opt.Sleep != nil {
		c.sleep = opt.Sleep
	}
	t := &Transport{
		opt:     opt,
		c:       c,
		lim:     newLimiter(opt.Limits),
		log:     opt.Logger.With("platform", Platform),
		secret:  []byte(opt.WebhookSecret),
		memo:    map[fileStamp]string{},
		presses: map[string]*press{},
	}
	res, err := t.c.call(ctx, params("getMe", nil))
	if err != nil {
		if c := codeOf(err); c == http.StatusUnauthorized || c == http.StatusNotFound {
			return nil, fmt.Errorf("telegram rejected the token (copy it again from @BotFather): %w", err)
		}
		return nil, fmt.Errorf("reach the Telegram Bot API: %w", err)
	}
	if err := decode("getMe", res, &t.me); err != nil {
		return nil, err
	}
	return t, nil
}

// Platform implements bot.Transport.
func (t *Transport) Platform() string { return Platform }

// Username is the bot's @username, without the @.
func (t *Transport) Username() string { return t.me.UserName }

// Run receives updates until ctx is cancelled: by long polling (after
// deleting any webhook, as Telegram refuses getUpdates while one is set),
// or, in webhook mode, by registering the webhook and passing on what
// Handler receives. Meanwhile it publishes the command menu and the bot
// description: in the background, as they are optional (failures are
// logged) and Telegram may take long to accept them, while learners wait.
func (t *Transport) Run(ctx context.Context, sink bot.Sink) error {
	ctx, cancel := context.WithCancel(ctx)
	setupDone := make(chan struct{})
	go func() {
		defer close(setupDone)
		t.setup(ctx)
	}()
	defer func() {
		cancel()
		<-setupDone
	}()
	if t.opt.WebhookURL == "" {
		if err := t.deleteWebhook(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		return t.poll(ctx, sink)
	}
	t.sink.Store(&sinkBox{sink})
	defer t.sink.Store(nil)
	if err := t.setWebhook(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	t.log.Info("webhook registered", "url", redactURL(t.opt.WebhookURL))
	<-ctx.Done()
	return nil
}

// WebhookPath is the path of the webhook URL that Handler must be served at.
func WebhookPath(webhookURL string) string {
	u, err := url.Parse(webhookURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

func (t *Transport) deleteWebhook(ctx context.Context) error {
	_, err := t.c.call(ctx, config("deleteWebhook", tgbotapi.DeleteWebhookConfig{}))
	if err != nil {
		return fmt.Errorf("switch to long polling: %w", err)
	}
	return nil
}

func (t *Transport) setWebhook(ctx context.Context) error {
	data, _ := json.Marshal(allowedUpdates)
	p := tgbotapi.Params{
		"url":             t.opt.WebhookURL,
		"secret_token":    t.opt.WebhookSecret,
		"allowed_updates": string(data),
		"max_connections": "40",
	}
	if _, err := t.c.call(ctx, params("setWebhook", p)); err != nil {
		return fmt.Errorf("register webhook: %w", err)
	}
	return nil
}

// setupTimeout bounds the publishing of the menu and the description.
const setupTimeout = time.Minute

// setup publishes the command menu and description per language. It is
// optional: failures are logged and the bot runs on.
func (t *Transport) setup(ctx context.Context) {
	if t.opt.Texts == nil || len(t.opt.Languages) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	langs := append([]string{""}, t.opt.Languages...)
	for _, lang := range langs {
		text := lang
		if text == "" {
			text = t.opt.Languages[0]
		}
		var cmds []tgbotapi.BotCommand
		for _, c := range t.opt.Commands {
			id := "tg_cmd_" + c
			if !t.opt.Texts.Has(text, id) {
				continue
			}
			// "-" leaves the command out of this language's menu: /chiaro
			// is Italian, /clear the others' (both work everywhere).
			if d := t.opt.Texts.T(text, id, nil); d != "-" {
				cmds = append(cmds, tgbotapi.BotCommand{Command: c, Description: truncate(d, 256)})
			}
		}
		if len(cmds) > 0 {
			cfg := tgbotapi.SetMyCommandsConfig{Commands: cmds, LanguageCode: lang}
			if _, err := t.c.call(ctx, config("setMyCommands", cfg)); err != nil {
				t.log.Warn("command menu not set", "lang", lang, "err", err)
			}
		}
		if id := "tg_cmd_bot_description"; t.opt.Texts.Has(text, id) {
			// setMyDescription is newer than the library.
			p := tgbotapi.Params{"description": truncate(t.opt.Texts.T(text, id, nil), 512)}
			p.AddNonEmpty("language_code", lang)
			if _, err := t.c.call(ctx, params("setMyDescription", p)); err != nil {
				t.log.Warn("bot description not set", "lang", lang, "err", err)
			}
		}
		if ctx.Err() != nil {
			return
		}
	}
}
