// Package whatsapp is Bottega's WhatsApp transport, on Meta's official
// WhatsApp Business Cloud API (the Graph API), with nothing but net/http.
//
// Receiving: a webhook (Handler) that answers the verification handshake,
// checks every POST's X-Hub-Signature-256 over the raw body in constant
// time, turns the messages of a batch into updates (text, reply buttons,
// list choices; media it cannot read become updates that say so) and
// answers 200 only once all of them are committed; message statuses (sent,
// delivered, read, failed) go to OnStatus. Sending: platform-neutral
// replies fitted to WhatsApp (3 reply buttons or a list of 10 rows, no
// edits, no toasts), uploaded media cached by content, documents, read
// receipts with the typing indicator, under the number's throughput, with
// Meta's error codes turned into what package bot understands.
package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/bottega-app/bottega/bot"
)

// Platform is WhatsApp's platform name in updates and the database.
const Platform = "whatsapp"

// DefaultVersion is the Graph API version used unless configured.
const DefaultVersion = "v25.0"

// DefaultEndpoint is the Graph API.
const DefaultEndpoint = "https://graph.facebook.com"

// DefaultRate is the Cloud API's default throughput per number.
const DefaultRate = 80

// The pair rate: WhatsApp takes about one message every 6 seconds to the
// same learner, after a burst of up to 45; more fail with 131056.
const (
	DefaultPairInterval = 6 * time.Second
	DefaultPairBurst    = 45
)

// maxPaired bounds the learners whose pair rate is tracked; those with a
// full allowance are forgotten first.
const maxPaired = 100000

// Store is what the transport keeps in the database.
type Store interface {
	// MarkBlocked records that the learner in chatID cannot be reached.
	MarkBlocked(ctx context.Context, platform, chatID string) error
	// LearnerLocale is the learner's interface language, "" if unknown.
	LearnerLocale(ctx context.Context, platform, externalID string) (string, error)
	// TouchInbound records a learner's message, which opens the 24-hour
	// window; LastInbound reads it back.
	TouchInbound(ctx context.Context, platform, chatID string, at time.Time) error
	LastInbound(ctx context.Context, platform, chatID string) (time.Time, error)
}

// MediaStore keeps the media ids the platform gave uploads, by key, with
// when they were uploaded (store.DB).
type MediaStore interface {
	MediaUpload(ctx context.Context, platform, key string) (id string, at time.Time, err error)
	SaveMediaUpload(ctx context.Context, platform, key, id string, at time.Time) error
}

// Texts renders the transport's own words (the list button).
type Texts interface {
	T(lang, id string, data map[string]any) string
}

// Status is what WhatsApp says became of a message the bot sent.
type Status struct {
	MessageID string
	ChatID    string
	// Status is sent, delivered, read or failed.
	Status string
	At     time.Time
	// Err is the error of a failed message.
	Err *Error
	// Ref is the reference the message was sent with (bot.RefOf), "" if
	// none.
	Ref string
}

// Options configure a Transport.
type Options struct {
	Token         string
	PhoneNumberID string
	AppSecret     string
	VerifyToken   string
	// Endpoint is the Graph API's base URL (default DefaultEndpoint);
	// Version its version (default DefaultVersion).
	Endpoint string
	Version  string
	// Rate is messages per second for the number (default DefaultRate).
	Rate float64
	// PairInterval and PairBurst are the pair rate (default
	// DefaultPairInterval and DefaultPairBurst): a learner's messages are
	// paced to it, so that WhatsApp does not refuse them with 131056.
	PairInterval time.Duration
	PairBurst    int
	Store        Store
	// Media keeps the ids of uploads named by a key (a lesson clip's
	// content address), so that each is uploaded once and then sent by
	// its id, across restarts and replicas too; nil keeps them in memory.
	Media MediaStore
	Texts Texts
	// Templates replace reminders and broadcasts outside the 24-hour
	// window (see Fit).
	Templates Templates
	Logger    *slog.Logger
	// OnStatus hears every message status, in the order of the webhook.
	// An error makes the webhook answer 500, so WhatsApp sends it again.
	OnStatus func(ctx context.Context, st Status) error
	// HTTPClient makes the calls (default: a pooled client).
	HTTPClient *http.Client
	// RequestTimeout bounds a call (default 30s); uploads get 5 minutes.
	RequestTimeout time.Duration
	// Retries is how many times a call that met a 5xx or could not
	// connect is tried again (default 3; -1 for none), after Backoff
	// (default 500ms) doubled each time.
	Retries int
	Backoff time.Duration
	// MaxBody bounds a webhook request body (default 1 MiB).
	MaxBody int64
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Transport is a WhatsApp Business number. It implements bot.Transport.
type Transport struct {
	opt Options
	c   *client
	log *slog.Logger
	lim *rate.Limiter

	sink atomic.Pointer[sinkBox]

	// hold is when sending may resume after 130429 (unix nanoseconds).
	hold atomic.Int64
	// fatal is the error that stopped all sending (190, 368, 131031).
	fatal     atomic.Pointer[Error]
	fatalOnce sync.Once

	mu      sync.Mutex
	paced   map[string]time.Time   // learners under the pair rate's backoff after a 131056
	pair    map[string]*pairBucket // each learner's pair rate
	lastIn  map[string]string      // the last message of each chat, for read receipts
	media   map[string]cached      // uploaded media by content
	pending sync.WaitGroup         // read receipts under way
}

type sinkBox struct{ bot.Sink }

type cached struct {
	id string
	at time.Time
}

// mediaTTL is how long an uploaded media id is used: Meta keeps uploads
// for 30 days.
const mediaTTL = 29 * 24 * time.Hour

// New returns a transport. It makes no call: the configuration is checked
// by the first send, and a token Meta refuses stops sending and makes
// Ready fail.
func New(opt Options) (*Transport, error) {
	switch {
	case opt.Token == "":
		return nil, errors.New("whatsapp: no access token")
	case opt.PhoneNumberID == "":
		return nil, errors.New("whatsapp: no phone number id")
	case opt.AppSecret == "":
		return nil, errors.New("whatsapp: no app secret (webhooks could not be checked)")
	}
	if opt.Endpoint == "" {
		opt.Endpoint = DefaultEndpoint
	}
	if opt.Version == "" {
		opt.Version = DefaultVersion
	}
	if opt.Rate <= 0 {
		opt.Rate = DefaultRate
	}
	if opt.PairInterval <= 0 {
		opt.PairInterval = DefaultPairInterval
	}
	if opt.PairBurst <= 0 {
		opt.PairBurst = DefaultPairBurst
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
	if opt.RequestTimeout <= 0 {
		opt.RequestTimeout = 30 * time.Second
	}
	if opt.Retries == 0 {
		opt.Retries = 3
	}
	if opt.Backoff <= 0 {
		opt.Backoff = 500 * time.Millisecond
	}
	if opt.MaxBody <= 0 {
		opt.MaxBody = 1 << 20
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	t := &Transport{
		opt: opt,
		c: &client{
			http:     opt.HTTPClient,
			base:     strings.TrimRight(opt.Endpoint, "/") + "/" + opt.Version + "/" + opt.PhoneNumberID,
			token:    opt.Token,
			timeout:  opt.RequestTimeout,
			retries:  max(opt.Retries, 0),
			backoff:  opt.Backoff,
			uploadTO: 5 * time.Minute,
		},
		log:    opt.Logger.With("platform", Platform),
		lim:    rate.NewLimiter(rate.Limit(opt.Rate), max(1, int(opt.Rate/20))),
		paced:  map[string]time.Time{},
		pair:   map[string]*pairBucket{},
		lastIn: map[string]string{},
		media:  map[string]cached{},
	}
	return t, nil
}

// Platform implements bot.Transport.
func (t *Transport) Platform() string { return Platform }

// Run passes what the webhook receives to sink until ctx is cancelled.
func (t *Transport) Run(ctx context.Context, sink bot.Sink) error {
	t.sink.Store(&sinkBox{sink})
	<-ctx.Done()
	t.sink.Store(nil)
	t.pending.Wait()
	return nil
}

// Ready reports whether the number can send: nil until Meta refused the
// token or the account (then the error says what to do).
func (t *Transport) Ready() error {
	if e := t.fatal.Load(); e != nil {
		return fmt.Errorf("WhatsApp refuses to send (%w): renew WHATSAPP_TOKEN or check the account in WhatsApp Manager, then restart", e)
	}
	return nil
}

// stop records a fatal error: nothing more is sent, and it is logged once.
func (t *Transport) stop(e *Error) {
	t.fatal.CompareAndSwap(nil, e)
	t.fatalOnce.Do(func() {
		t.log.Error("WhatsApp refused the account; sending stopped until a restart", "err", e)
	})
}

// pairBucket is a learner's allowance under the pair rate: tokens, refilled
// one per PairInterval up to PairBurst, as of last.
type pairBucket struct {
	tokens float64
	last   time.Time
}

// admit takes n messages of chat's pair rate (at most a burst), or, when
// the learner has had enough for now, says how long to wait: the caller
// sends nothing meanwhile, and the learner's other messages wait too.
func (t *Transport) admit(chat string, n int) error {
	now := t.opt.Now()
	burst := float64(t.opt.PairBurst)
	t.mu.Lock()
	defer t.mu.Unlock()
	if until, ok := t.paced[chat]; ok {
		if now.Before(until) {
			return &paceError{wait: until.Sub(now)}
		}
		delete(t.paced, chat)
	}
	b := t.pair[chat]
	if b == nil {
		if len(t.pair) >= maxPaired {
			for c, b := range t.pair {
				if b.tokens+float64(now.Sub(b.last))/float64(t.opt.PairInterval) >= burst {
					delete(t.pair, c)
				}
			}
		}
		b = &pairBucket{tokens: burst, last: now}
		t.pair[chat] = b
	}
	if now.After(b.last) {
		b.tokens = min(burst, b.tokens+float64(now.Sub(b.last))/float64(t.opt.PairInterval))
		b.last = now
	}
	need := min(float64(n), burst)
	if b.tokens < need {
		return &paceError{wait: time.Duration((need - b.tokens) * float64(t.opt.PairInterval))}
	}
	b.tokens -= need
	return nil
}

// answered notes that a message to chat got WhatsApp's answer. WhatsApp
// counted it at some moment before: the allowance earns nothing for the
// time the request took, so that it never runs ahead of WhatsApp's
// however late the message arrived there.
func (t *Transport) answered(chat string) {
	now := t.opt.Now()
	t.mu.Lock()
	if b := t.pair[chat]; b != nil && now.After(b.last) {
		b.last = now
	}
	t.mu.Unlock()
}

// wait blocks until a message may go: after any throughput hold, within
// the number's rate.
func (t *Transport) wait(ctx context.Context) error {
	if e := t.fatal.Load(); e != nil {
		return e
	}
	if d := time.Until(time.Unix(0, t.hold.Load())); d > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	return t.lim.Wait(ctx)
}

// paceError is a send not made, or refused with 131056, because the
// learner's pair rate is spent; err is WhatsApp's error, if any.
type paceError struct {
	wait time.Duration
	err  error
}

func (e *paceError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%v; next message in %v", e.err, e.wait.Round(time.Millisecond))
	}
	return fmt.Sprintf("whatsapp: the learner's pair rate is spent; next message in %v", e.wait.Round(time.Millisecond))
}

func (e *paceError) Unwrap() error { return e.err }

// RecipientRetryIn implements bot.BusyRecipientError: this learner's
// messages wait, others' go on.
func (e *paceError) RecipientRetryIn() time.Duration { return e.wait }

// failed acts on an error of a send to chat: a throughput error holds every
// send, a pair rate error the learner's, a gone learner is marked, a fatal
// error stops everything.
func (t *Transport) failed(ctx context.Context, chat string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case e.Fatal():
		t.stop(e)
	case e.Code == codeThroughput:
		t.hold.Store(time.Now().Add(throughputWait).UnixNano())
	case e.Code == codePairRate:
		// Another process may have written to them: hold their messages
		// for a whole interval.
		t.mu.Lock()
		t.paced[chat] = t.opt.Now().Add(t.opt.PairInterval)
		t.mu.Unlock()
		return &paceError{wait: t.opt.PairInterval, err: fmt.Errorf("send to %s: %w", chat, err)}
	case e.Gone():
		t.unreachable(ctx, chat)
	}
	return fmt.Errorf("send to %s: %w", chat, err)
}

func (t *Transport) unreachable(ctx context.Context, chat string) {
	if t.opt.Store == nil {
		return
	}
	if err := t.opt.Store.MarkBlocked(context.WithoutCancel(ctx), Platform, chat); err != nil {
		t.log.Warn("mark learner unreachable", "chat", chat, "err", err)
	}
}

var _ bot.Transport = (*Transport)(nil)
