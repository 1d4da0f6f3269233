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
	"time"
)

// Store is what the dispatcher needs from the database.
type Store interface {
	// UpdateTx runs fn in the update's transaction, which holds a lock on
	// the chat from before fn's first read to its commit (updates of a chat
	// are handled one at a time, across processes too) and records the
	// update with the replies fn returns. An update recorded before is a
	// redelivery: UpdateTx reports it seen without calling fn. fn's error
	// rolls everything back. Store methods called with the context fn
	// receives run in the transaction.
	UpdateTx(ctx context.Context, platform string, updateID int64, chatID, userID string, fn func(ctx context.Context) (replies []byte, err error)) (seen bool, err error)
	MarkSent(ctx context.Context, platform string, updateIDs ...int64) error
	Unsent(ctx context.Context, platform string, fn func(updateID int64, chatID string, replies []byte) error) error
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
}

// Dispatcher hands each update to the handler inside a transaction that
// also records the update (a redelivered update is skipped) and its replies
// (sent after commit; replies a crash left unsent go out on Resend). Updates
// of one chat go to the same worker, so they are handled in order; a
// per-chat advisory lock keeps that order across processes too.
type Dispatcher struct {
	cfg    Config
	log    *slog.Logger
	shards []chan job
	wg     sync.WaitGroup
	// marker marks replies sent in batches. Workers wait for their mark,
	// so that the window in which a crash makes a reply go out twice stays
	// as short as one round trip.
	marker *Marker

	// Tasks (a streamed answer can take many seconds) run off the chat
	// workers, so they hold up no other chat: one goroutine per chat with
	// queued tasks runs them in order; taskSlots bounds how many run at once.
	taskMu    sync.Mutex
	taskQueue map[string][]func()
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
	d := &Dispatcher{cfg: cfg, log: cfg.Logger.With("platform", cfg.Platform),
		taskQueue: map[string][]func(){}, taskSlots: make(chan struct{}, 4*cfg.Workers)}
	d.marker = NewMarker(cfg.Workers, func(ctx context.Context, ids ...int64) error {
		return cfg.Store.MarkSent(ctx, cfg.Platform, ids...)
	}, func(ids []int64, err error) { d.log.Warn("mark replies sent", "updates", ids, "err", err) })
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
	h.Write([]byte(u.ChatID))
	select {
	case d.shards[h.Sum32()%uint32(len(d.shards))] <- job{ctx: context.WithoutCancel(ctx), u: u, done: done}:
	case <-ctx.Done():
		if done != nil {
			done(ctx.Err())
		}
	}
}

// Close stops accepting updates and waits for the queued ones to finish.
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
	d.taskWG.Wait()
	d.marker.Close()
}

type handlerError struct{ err error }

func (e handlerError) Error() string { return e.err.Error() }

func (d *Dispatcher) process(ctx context.Context, u Update) error {
	start := time.Now()
	var replies []Reply
	// run handles u in its transaction with reply, which sets replies.
	run := func(reply func(ctx context.Context) ([]Reply, error)) (bool, error) {
		return d.cfg.Store.UpdateTx(ctx, d.cfg.Platform, u.ID, u.ChatID, u.UserID, func(ctx context.Context) ([]byte, error) {
			r, err := reply(ctx)
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
	dup, err := run(func(ctx context.Context) ([]Reply, error) {
		r, err := d.handle(ctx, u)
		if err != nil {
			return nil, handlerError{err}
		}
		return prepare(r, u), nil
	})
	if he := (handlerError{}); errors.As(err, &he) {
		// The handler's effects are rolled back; the update is still
		// recorded, with an apology, so a poisonous update is not retried
		// forever.
		d.log.Error("update failed", "update", u.ID, "chat", u.ChatID, "err", he.err)
		d.cfg.Metrics.observe(d.cfg.Platform, "error", time.Since(start))
		dup, err = run(func(context.Context) ([]Reply, error) { return prepare([]Reply{d.cfg.Fallback(u)}, u), nil })
	}
	if err != nil {
		d.cfg.Metrics.observe(d.cfg.Platform, "retry", time.Since(start))
		return fmt.Errorf("handle update %d: %w", u.ID, err)
	}
	if dup {
		d.cfg.Metrics.observe(d.cfg.Platform, "duplicate", time.Since(start))
		return nil
	}
	d.deliver(ctx, u.ID, u.ChatID, replies, false)
	d.cfg.Metrics.observe(d.cfg.Platform, "ok", time.Since(start))
	return nil
}

// handle calls the handler, turning a panic into an error.
func (d *Dispatcher) handle(ctx context.Context, u Update) (replies []Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return d.cfg.Handler.Handle(ctx, u)
}

// prepare points edits at the message whose button was pressed; without one
// an edit becomes a new message. New messages answer u.ReplyTo, if set.
func prepare(replies []Reply, u Update) []Reply {
	edited := false
	for i := range replies {
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

// deliver sends the replies in order, then marks them sent: by itself when
// now is set, else through the marker. A failed send stops the rest: they
// stay unsent, for Resend. From the first task on, the rest is handed to the
// chat's task queue unless now is set.
func (d *Dispatcher) deliver(ctx context.Context, updateID int64, chatID string, replies []Reply, now bool) {
	for i, r := range replies {
		if r.Task != nil {
			if !now {
				rest := replies[i:]
				d.enqueueTask(chatID, func() { d.deliver(ctx, updateID, chatID, rest, true) })
				return
			}
			if err := d.runTask(ctx, chatID, r.Task, r.ReplyTo); err != nil {
				d.log.Error("task failed", "update", updateID, "chat", chatID, "kind", r.Task.Kind, "err", err)
			}
			continue
		}
		if _, err := d.cfg.Sender.Send(ctx, chatID, r); err != nil {
			if errors.Is(err, ErrBlocked) {
				break
			}
			d.log.Warn("send reply", "update", updateID, "chat", chatID, "err", err)
			return
		}
	}
	if !now {
		d.marker.Mark(updateID)
		return
	}
	if err := d.cfg.Store.MarkSent(ctx, d.cfg.Platform, updateID); err != nil {
		d.log.Warn("mark replies sent", "update", updateID, "err", err)
	}
}

// enqueueTask runs fn after the chat's earlier tasks, off the chat workers.
func (d *Dispatcher) enqueueTask(chatID string, fn func()) {
	d.taskMu.Lock()
	q, busy := d.taskQueue[chatID]
	d.taskQueue[chatID] = append(q, fn)
	d.taskMu.Unlock()
	if busy {
		return // the chat's runner will get to it
	}
	d.taskWG.Add(1)
	go func() {
		defer d.taskWG.Done()
		d.taskSlots <- struct{}{}
		defer func() { <-d.taskSlots }()
		for {
			d.taskMu.Lock()
			q := d.taskQueue[chatID]
			if len(q) == 0 {
				delete(d.taskQueue, chatID)
				d.taskMu.Unlock()
				return
			}
			next := q[0]
			d.taskQueue[chatID] = q[1:]
			d.taskMu.Unlock()
			next()
		}
	}()
}

// Resend delivers the replies that were committed but not sent when the
// process last stopped. Call it before receiving new updates.
func (d *Dispatcher) Resend(ctx context.Context) error {
	return d.cfg.Store.Unsent(ctx, d.cfg.Platform, func(id int64, chatID string, b []byte) error {
		var replies []Reply
		if err := json.Unmarshal(b, &replies); err != nil {
			d.log.Error("unreadable unsent replies dropped", "update", id, "err", err)
			return d.cfg.Store.MarkSent(ctx, d.cfg.Platform, id)
		}
		d.deliver(ctx, id, chatID, replies, true)
		return nil
	})
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

func (r replying) Send(ctx context.Context, chatID string, reply Reply) (string, error) {
	if reply.EditID == "" && reply.ReplyTo == "" {
		reply.ReplyTo = r.to
	}
	return r.Sender.Send(ctx, chatID, reply)
}
