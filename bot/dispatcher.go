package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Store is what the dispatcher needs from the database.
type Store interface {
	// UpdateTx runs fn in the update's transaction, which holds a lock on
	// the chat from before fn's first read to its commit (updates of a chat
	// are handled one at a time, across processes too) and records the
	// update with the replies fn returns. An update recorded before is a
	// redelivery: UpdateTx reports it seen without calling fn. fn's error
	// rolls everything back. fn receives the transaction, which the
	// dispatcher hands to the handler.
	UpdateTx(ctx context.Context, platform string, updateID string, chatID, userID string, fn func(tx Tx) (replies []byte, err error)) (seen bool, err error)
	MarkSent(ctx context.Context, platform string, updateIDs ...string) error
	// SaveReplyProgress records, after a send failed or timed out, that an
	// update's first done replies need no sending again (uncertain of them
	// may have arrived) and that the next one failed attempts times.
	SaveReplyProgress(ctx context.Context, platform string, updateID string, done, uncertain, attempts int) error
	// UnsentReplies calls fn, oldest first, for each update whose replies
	// are not all sent, with what SaveReplyProgress saved last.
	UnsentReplies(ctx context.Context, platform string, fn func(updateID string, chatID string, replies []byte, done, uncertain int) error) error
}

// ErrBlocked is returned by a Sender when the learner blocked the bot: the
// reply is dropped for good, not retried.
var ErrBlocked = errors.New("the learner blocked the bot")

// ErrClosed is passed to done for updates submitted after Close.
var ErrClosed = errors.New("dispatcher closed")

// Config configures a Dispatcher.
type Config struct {
	Platform string
	Store    Store
	Handler  Handler
	Sender   Sender
	// Workers bounds how many chats are served at once (default 16).
	Workers int
	// Queue is how many updates may wait for each worker (default 64);
	// Submit blocks when it is full.
	Queue int
	// Fallback is the reply sent when the handler fails or panics.
	Fallback func(u Update) Reply
	Logger   *slog.Logger
	Metrics  *Metrics
	// Tasks run the deferred replies, by Task.Kind.
	Tasks map[string]TaskFunc
	// MaxAttempts bounds the tries of a reply whose sends fail (default
	// 8); then it is given up, and the update's next reply goes.
	MaxAttempts int
	// RetryBackoff is the wait before a failed reply's second try, doubled
	// for each further one up to MaxBackoff (defaults 1s and 1m), or longer
	// when the platform asks (retry_after).
	RetryBackoff, MaxBackoff time.Duration
	// ConfirmWait is how long a reply that was being sent when the last
	// process stopped waits for the platform's confirmation before it is
	// sent again (default 1m), where the platform confirms messages (see
	// ConfirmStore).
	ConfirmWait time.Duration
}

// Dispatcher hands each update to the handler inside a transaction that
// also records the update (a redelivered update is skipped) and its replies
// (sent after commit; replies a crash left unsent go out on Resend). Updates
// of one chat go to the same worker, so they are handled in order; a
// per-chat advisory lock keeps that order across processes too.
//
// A reply whose send fails is tried again in the background, with a bounded
// backoff, while the chat's later replies wait behind it, so a chat never
// sees them out of order. A send that timed out may have arrived: it is
// recorded as uncertain and never sent again, and the next reply goes on.
type Dispatcher struct {
	cfg    Config
	log    *slog.Logger
	shards []chan job
	wg     sync.WaitGroup
	// marker marks replies sent in batches. Workers wait for their mark,
	// so that the window in which a crash makes a reply go out twice stays
	// as short as one round trip.
	marker *Marker
	// confirm keeps the reply in flight, where the platform confirms
	// messages (nil otherwise).
	confirm ConfirmStore
	// stopped is set from a fatal send error to the next send that is
	// not, so that the stop is logged once.
	stopped atomic.Bool

	// Tasks (a streamed answer can take many seconds) and replies waiting
	// to be tried again run off the chat workers, so they hold up no other
	// chat: one goroutine per chat with a queue runs it in order, and
	// sleeps on a timer while its first reply waits for its retry;
	// taskSlots bounds how many run at once.
	taskMu    sync.Mutex
	queues    map[string]*chatQueue
	stopping  bool // Close: no runner starts, no retry is waited for
	taskSlots chan struct{}
	taskWG    sync.WaitGroup

	mu     sync.RWMutex
	closed bool
}

type job struct {
	ctx  context.Context
	u    Update
	done func(error)
}

// New starts a dispatcher's workers. Call Close to stop them.
func New(cfg Config) *Dispatcher {
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 64
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Fallback == nil {
		cfg.Fallback = func(Update) Reply { return Reply{Text: "Something went wrong, please try again."} }
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = time.Minute
	}
	if cfg.ConfirmWait <= 0 {
		cfg.ConfirmWait = time.Minute
	}
	d := &Dispatcher{cfg: cfg, log: cfg.Logger.With("platform", cfg.Platform),
		queues: map[string]*chatQueue{}, taskSlots: make(chan struct{}, 4*cfg.Workers)}
	if cs, ok := cfg.Store.(ConfirmStore); ok && CapabilitiesOf(cfg.Sender).Confirms {
		d.confirm = cs
	}
	d.marker = NewMarker(cfg.Workers, func(ctx context.Context, ids ...string) error {
		return cfg.Store.MarkSent(ctx, cfg.Platform, ids...)
	}, func(ids []string, err error) { d.log.Warn("mark replies sent", "updates", ids, "err", err) })
	d.shards = make([]chan job, cfg.Workers)
	for i := range d.shards {
		ch := make(chan job, cfg.Queue)
		d.shards[i] = ch
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			for j := range ch {
				err := d.process(j.ctx, j.u)
				if j.done != nil {
					j.done(err)
				}
			}
		}()
	}
	return d
}

// Submit queues u for its chat's worker. It blocks while that worker's queue
// is full or until ctx is cancelled. In-flight work is not cancelled with
// ctx: an update that was accepted is finished.
func (d *Dispatcher) Submit(ctx context.Context, u Update, done func(error)) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		if done != nil {
			done(ErrClosed)
		}
		return
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(u.ChatID))                   // a hash.Hash never fails to write
	shard := d.shards[h.Sum32()%uint32(len(d.shards))] // #nosec G115 -- len(d.shards) is Workers, a small positive int
	select {
	case shard <- job{ctx: context.WithoutCancel(ctx), u: u, done: done}:
	case <-ctx.Done():
		if done != nil {
			done(ctx.Err())
		}
	}
}

// Close stops accepting updates and waits for the queued ones to finish,
// and for the tasks under way. Replies waiting for a retry are left for
// Resend at the next start.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		for _, ch := range d.shards {
			close(ch)
		}
	}
	d.mu.Unlock()
	d.wg.Wait()
	d.taskMu.Lock()
	d.stopping = true
	for _, q := range d.queues {
		if q.timer != nil && q.timer.Stop() {
			q.timer, q.busy = nil, false
			if q.idle != nil {
				close(q.idle) // left for Resend: nobody waits for it
				q.idle = nil
			}
		}
	}
	d.taskMu.Unlock()
	d.taskWG.Wait()
	d.marker.Close()
}

type handlerError struct{ err error }

func (e handlerError) Error() string { return e.err.Error() }

func (d *Dispatcher) process(ctx context.Context, u Update) error {
	start := time.Now()
	var replies []Reply
	// run handles u in its transaction with reply, which sets replies.
	run := func(reply func(tx Tx) ([]Reply, error)) (bool, error) {
		return d.cfg.Store.UpdateTx(ctx, d.cfg.Platform, u.ID, u.ChatID, u.UserID, func(tx Tx) ([]byte, error) {
			r, err := reply(tx)
			if err != nil {
				return nil, err
			}
			replies = r
			b, err := json.Marshal(r)
			if err != nil {
				return nil, fmt.Errorf("encode replies: %w", err)
			}
			return b, nil
		})
	}
	dup, err := run(func(tx Tx) ([]Reply, error) {
		r, err := d.handle(ctx, tx, u)
		if err != nil {
			return nil, handlerError{err}
		}
		return d.merge(prepare(r, u)), nil
	})
	if he := (handlerError{}); errors.As(err, &he) {
		// The handler's effects are rolled back; the update is still
		// recorded, with an apology, so a poisonous update is not retried
		// forever.
		d.log.Error("update failed", "update", u.ID, "chat", u.ChatID, "err", he.err)
		d.cfg.Metrics.observe(d.cfg.Platform, "error", time.Since(start))
		dup, err = run(func(Tx) ([]Reply, error) { return prepare([]Reply{d.cfg.Fallback(u)}, u), nil })
	}
	if err != nil {
		d.cfg.Metrics.observe(d.cfg.Platform, "retry", time.Since(start))
		return fmt.Errorf("handle update %s: %w", u.ID, err)
	}
	if dup {
		d.cfg.Metrics.observe(d.cfg.Platform, "duplicate", time.Since(start))
		return nil
	}
	d.start(ctx, &outgoing{updateID: u.ID, chatID: u.ChatID, replies: replies}, false)
	d.cfg.Metrics.observe(d.cfg.Platform, "ok", time.Since(start))
	return nil
}

// handle calls the handler, turning a panic into an error.
func (d *Dispatcher) handle(ctx context.Context, tx Tx, u Update) (replies []Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return d.cfg.Handler.Handle(ctx, tx, u)
}

// prepare points edits at the message whose button was pressed; without one
// an edit becomes a new message. New messages answer u.ReplyTo, if set.
// Every reply carries the button press, if any, for the sender to
// acknowledge.
func prepare(replies []Reply, u Update) []Reply {
	edited := false
	for i := range replies {
		replies[i].CallbackID = u.CallbackID
		if replies[i].Edit && !edited && u.MessageID != "" {
			replies[i].EditID = u.MessageID
			edited = true
		} else {
			replies[i].Edit = false
			replies[i].ReplyTo = u.ReplyTo
		}
	}
	return replies
}

// merge joins consecutive replies into one message where the sender asks
// for it (Capabilities.Merge) and the text fits: a reply of text alone goes
// at the head of the next one that carries text, with or without buttons.
func (d *Dispatcher) merge(replies []Reply) []Reply {
	c := CapabilitiesOf(d.cfg.Sender)
	if !c.Merge || len(replies) < 2 {
		return replies
	}
	out := replies[:0:0]
	for _, r := range replies {
		if n := len(out); n > 0 && plainText(out[n-1]) && mergeable(r) {
			text := out[n-1].Text + "\n\n" + r.Text
			limit := c.MaxText
			if len(r.Buttons) > 0 && c.MaxBody > 0 {
				limit = c.MaxBody
			}
			if limit <= 0 || textLen(text, c.UTF16) <= limit {
				r.Text = text
				out[n-1] = r
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// plainText reports whether r is a message of text alone.
func plainText(r Reply) bool {
	return mergeable(r) && len(r.Buttons) == 0 && r.Notice == ""
}

// mergeable reports whether r is a new message of text, perhaps with
// buttons: no media, file, edit, task, template or typing indicator.
func mergeable(r Reply) bool {
	return r.Text != "" && r.Media == nil && r.File == nil && !r.Edit && r.EditID == "" &&
		r.Task == nil && r.Template == nil && !r.Typing
}

// textLen counts s as a platform does: UTF-16 code units or characters.
func textLen(s string, units bool) int {
	if !units {
		return utf8.RuneCountInString(s)
	}
	return len(utf16.Encode([]rune(s)))
}

// runTask runs t; the new messages it sends answer replyTo, if set.
func (d *Dispatcher) runTask(ctx context.Context, chatID string, t *Task, replyTo string) (err error) {
	fn := d.cfg.Tasks[t.Kind]
	if fn == nil {
		return fmt.Errorf("no task %q", t.Kind)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	var s Sender = d.cfg.Sender
	if replyTo != "" {
		s = replying{s, replyTo}
	}
	return fn(ctx, s, chatID, t.Data)
}

// replying makes the new messages sent through it answer a message.
type replying struct {
	Sender
	to string
}

// Capabilities are those of the Sender wrapped.
func (r replying) Capabilities() Capabilities { return CapabilitiesOf(r.Sender) }

func (r replying) Send(ctx context.Context, chatID string, reply Reply) (string, error) {
	if reply.EditID == "" && reply.ReplyTo == "" {
		reply.ReplyTo = r.to
	}
	return r.Sender.Send(ctx, chatID, reply)
}
