// Package broadcast owns Bottega's outgoing bulk messages: broadcasts an
// admin sends to many learners and the daily reminders. Both go through one
// delivery queue in Postgres (table deliveries, one row per learner and
// message), which a Worker sends at a configured rate.
//
// # Exactly once
//
// A broadcast's rows are all created in the transaction that starts it, so
// a crash never leaves half an audience. A Worker then, for each row:
//
//  1. claims a small batch of pending rows with FOR UPDATE SKIP LOCKED and
//     leases them to itself (lease_owner, lease_until), so concurrent
//     senders never hold the same row;
//  2. waits for a free send slot, then for the rate limiter;
//  3. marks the row sending, if its lease is still its own and its
//     broadcast still running, and commits that durably;
//  4. sends the message, on a goroutine of its own, while the worker goes
//     on with the next row: a request that stalls holds its slot, not the
//     messages after it (InFlight bounds the sends under way);
//  5. records the outcome: sent, failed, blocked, or pending again with a
//     backoff for a transient error (bounded attempts).
//
// The window between 3 and 5 is closed this way: a row is only ever sent
// from state sending, and sending is only entered from pending by the lease
// holder. A row found sending when a worker starts (it takes a per-platform
// sender lock, which a crashed process loses with its connection) was
// marked microseconds before its request left, and the answer was lost: it
// may have reached the learner, so it becomes uncertain and is never sent
// again: no learner gets a message twice. Every row still pending is sent
// after the restart: none is skipped. Only the rows in flight at the
// instant of a SIGKILL (at most InFlight) are uncertain,
// and reports show them. On SIGTERM no row is left uncertain: a send that
// started finishes and is recorded (context.WithoutCancel) before the
// worker returns.
//
// The sending mark is committed synchronously (a database crash cannot
// forget it, which would resend); the outcome is committed asynchronously
// (losing it only leaves the row sending, hence uncertain).
//
// A timeout is also uncertain: the message may have arrived. What a failed
// send means comes from package bot's error interfaces, the same for every
// transport: a throttled send (Telegram's 429, after the transport's own
// retries) holds every sender for its RetryIn; a busy recipient (WhatsApp's
// pair rate) waits alone; a gone recipient (Telegram's 403) is marked
// blocked; a fatal error (a revoked token) holds every sender for FatalHold
// and keeps its message pending, however long that lasts.
//
// # Rate
//
// One process at a time sends a platform's deliveries (a Postgres advisory
// lock), so the rate is the bot's, however many replicas run. The rate is
// the broadcast's own (default 25 messages/s, below Telegram's 30/s so that
// chat replies still flow), capped by the worker's; reminders go at the
// worker's rate.
package broadcast

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/store"
)

// DefaultRate is the default sending rate, messages per second.
const DefaultRate = 25

// MaxRate is the highest rate a broadcast may ask for (bots with paid
// broadcasts).
const MaxRate = 1000

// Store is the queue the worker works through.
type Store interface {
	LockSender(ctx context.Context, platform string) (*store.SenderLock, bool, error)
	RecoverDeliveries(ctx context.Context, platform string) (int, error)
	ExpireDeliveries(ctx context.Context) (int, error)
	ClaimDeliveries(ctx context.Context, platform, owner string, n int, lease time.Duration) ([]bottega.Delivery, error)
	StartDelivery(ctx context.Context, id int64, owner string) (bool, error)
	FinishDelivery(ctx context.Context, id int64, r bottega.DeliveryResult) error
	SkipDelivery(ctx context.Context, id int64, owner, status, reason string) error
	ReleaseDeliveries(ctx context.Context, owner string) error
	ActiveBroadcasts(ctx context.Context, platform string) ([]bottega.Broadcast, error)
	Broadcast(ctx context.Context, id int64) (bottega.Broadcast, error)
	FinishBroadcast(ctx context.Context, id int64) (bool, error)
	DeliveryCounts(ctx context.Context, broadcastID int64) (bottega.DeliveryCounts, error)
	QueueDepth(ctx context.Context, platform string) (int, error)
}

// ErrSkip, wrapped in a Render error, skips a delivery: it is not sent,
// and counted as skipped (WhatsApp outside the 24-hour window without a
// template).
var ErrSkip = errors.New("not sent")

// Outcome is what a failed send means for the message.
type Outcome int

const (
	// Retry: the message did not arrive and may later.
	Retry Outcome = iota
	// Fail: the message did not arrive and never will.
	Fail
	// Uncertain: the message may have arrived; it is not sent again.
	Uncertain
)

// Classifier tells what a Sender's error means, and how long the platform
// asked to wait before sending again (429's retry_after).
type Classifier func(err error) (Outcome, time.Duration)

// DefaultClassify reads what the error tells through package bot's
// interfaces: a send that may have arrived (timeouts, cancellations) is
// uncertain, a message the platform refused fails, and every other error is
// transient, to be tried again after the wait the platform asked for.
func DefaultClassify(err error) (Outcome, time.Duration) {
	switch {
	case bot.IsUncertain(err):
		return Uncertain, 0
	case bot.IsRejected(err):
		return Fail, 0
	}
	return Retry, bot.RetryIn(err)
}

// Config configures a Worker.
type Config struct {
	Platform string
	Store    Store
	Sender   bot.Sender
	// Render turns a delivery into the learner's message.
	Render func(ctx context.Context, d bottega.Delivery) (bot.Reply, error)
	// Progress renders a broadcast's progress message for the admin who
	// started it; nil shows none.
	Progress func(b bottega.Broadcast, c bottega.DeliveryCounts) bot.Reply
	// Classify tells transient errors from permanent ones (default
	// DefaultClassify). ErrBlocked is always the learner blocking the bot.
	Classify Classifier
	// Rate caps the sending rate, messages per second (default
	// DefaultRate).
	Rate float64
	// Senders is how many loops claim rows and start their sends (default:
	// 2, plus one per 100 messages/s of Rate, at most 8: more only add
	// contention).
	Senders int
	// InFlight bounds the sends under way at once, across senders
	// (default: a second's worth at Rate, 16 to 256). A send that stalls
	// holds one of them, so the others still go at the rate.
	InFlight int
	// Batch is how many rows a sender claims at once (default: about two
	// seconds' worth, 1 to 100).
	Batch int
	// MaxAttempts bounds the tries of a message that meets transient
	// errors (default 4).
	MaxAttempts int
	// Backoff is the wait before the second try, doubled for each further
	// one (default 10s).
	Backoff time.Duration
	// Poll is how often an idle worker looks for new rows, and how often
	// it tries to take the sender lock while another process holds it
	// (default 1s).
	Poll time.Duration
	// ProgressEvery is how often progress messages are updated (default
	// 3s).
	ProgressEvery time.Duration
	// SendTimeout bounds one send, retries included (default 2m).
	SendTimeout time.Duration
	// FatalHold is how long every send waits after a fatal error (see
	// bot.FatalError: a revoked token), before one is tried again (default
	// 1m).
	FatalHold time.Duration
	// Requeue, if set, puts back in the queue the messages the platform
	// accepted and then reported failed in a way a message survives
	// (WhatsApp's window and marketing cap); Tick calls it and returns how
	// many it requeued.
	Requeue func(ctx context.Context) (int, error)
	Logger  *slog.Logger
	Metrics *Metrics
}

func (c Config) withDefaults() Config {
	if c.Rate <= 0 {
		c.Rate = DefaultRate
	}
	c.Rate = min(c.Rate, MaxRate)
	if c.Senders <= 0 {
		c.Senders = min(8, max(2, int(c.Rate/100)+2))
	}
	if c.InFlight <= 0 {
		c.InFlight = min(256, max(16, int(c.Rate)))
	}
	if c.Batch <= 0 {
		c.Batch = min(100, max(1, int(2*c.Rate)/c.Senders))
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 4
	}
	if c.Backoff <= 0 {
		c.Backoff = 10 * time.Second
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 3 * time.Second
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = 2 * time.Minute
	}
	if c.FatalHold <= 0 {
		c.FatalHold = time.Minute
	}
	if c.Classify == nil {
		c.Classify = DefaultClassify
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Worker sends a platform's deliveries. Create it with NewWorker and call
// Run.
type Worker struct {
	cfg  Config
	log  *slog.Logger
	lim  *rate.Limiter
	wake chan struct{}
	// slots holds a token per send under way; inflight waits for them.
	slots    chan struct{}
	inflight sync.WaitGroup
	// hold is when sending may resume after a 429 (unix nanoseconds).
	hold atomic.Int64
	// stopped is set from a fatal error to the next send that is not.
	stopped atomic.Bool

	mu       sync.Mutex
	reported map[int64]string // broadcast id -> progress text shown
}

// NewWorker returns a worker.
func NewWorker(cfg Config) *Worker {
	cfg = cfg.withDefaults()
	return &Worker{
		cfg:      cfg,
		log:      cfg.Logger.With("platform", cfg.Platform, "component", "deliveries"),
		lim:      rate.NewLimiter(rate.Limit(cfg.Rate), burst(cfg.Rate)),
		wake:     make(chan struct{}, 1),
		slots:    make(chan struct{}, cfg.InFlight),
		reported: map[int64]string{},
	}
}

// burst lets the worker catch up after a stall (a GC pause, a slow query)
// with up to 50 ms worth of messages at once, at least 2: with a burst of
// one, every stall would be time lost for good.
func burst(r float64) int { return max(2, int(r/20)) }

// Wake makes an idle worker look for new deliveries now (a broadcast was
// created or resumed). Callers are often inside the transaction that queues
// the rows, so a second nudge follows shortly, once it has committed.
func (w *Worker) Wake() {
	w.nudge()
	time.AfterFunc(200*time.Millisecond, w.nudge)
}

func (w *Worker) nudge() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends deliveries until ctx is cancelled. It first waits for the
// platform's sender lock; with it, it recovers what a crashed sender left
// and works through the queue. A send in flight when ctx ends is finished
// and recorded before Run returns.
func (w *Worker) Run(ctx context.Context) error {
	for {
		lock, err := w.acquire(ctx)
		if err != nil || lock == nil {
			return err
		}
		err = w.runLocked(ctx, lock)
		lock.Release()
		if ctx.Err() != nil {
			return nil
		}
		w.log.Warn("delivery worker restarts", "err", err)
		if !sleep(ctx, w.cfg.Poll) {
			return nil
		}
	}
}

// acquire waits for the sender lock; nil without error when ctx ended.
func (w *Worker) acquire(ctx context.Context) (*store.SenderLock, error) {
	logged := false
	for {
		lock, ok, err := w.cfg.Store.LockSender(ctx, w.cfg.Platform)
		if err != nil && ctx.Err() == nil {
			w.log.Warn("sender lock", "err", err)
		}
		if ok {
			return lock, nil
		}
		if !logged && err == nil {
			w.log.Info("another process sends the deliveries; waiting")
			logged = true
		}
		if !sleep(ctx, w.cfg.Poll) {
			return nil, nil
		}
	}
}

func (w *Worker) runLocked(ctx context.Context, lock *store.SenderLock) error {
	n, err := w.cfg.Store.RecoverDeliveries(ctx, w.cfg.Platform)
	if err != nil {
		return err
	}
	if n > 0 {
		w.log.Warn("deliveries interrupted by a crash are marked uncertain, not resent", "count", n)
		w.cfg.Metrics.add(OutcomeUncertain, n)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for range w.cfg.Senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.sendLoop(ctx)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(w.cfg.ProgressEvery)
		defer t.Stop()
		for {
			if err := lock.Alive(ctx); err != nil && ctx.Err() == nil {
				cancel(err)
				return
			}
			w.Tick(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	wg.Wait()
	w.inflight.Wait()
	// The final word on progress, once every send is recorded.
	w.Tick(context.WithoutCancel(ctx))
	return context.Cause(ctx)
}

// sendLoop claims batches and sends them until ctx ends.
func (w *Worker) sendLoop(ctx context.Context) {
	lease := time.Duration(float64(w.cfg.Batch)/w.cfg.Rate*float64(time.Second))*4 + 30*time.Second
	for ctx.Err() == nil {
		owner := newOwner()
		ds, err := w.cfg.Store.ClaimDeliveries(ctx, w.cfg.Platform, owner, w.cfg.Batch, lease)
		if err != nil {
			if ctx.Err() == nil {
				w.log.Warn("claim deliveries", "err", err)
			}
			sleep(ctx, w.cfg.Poll)
			continue
		}
		if len(ds) == 0 {
			select {
			case <-ctx.Done():
			case <-w.wake:
			case <-time.After(w.cfg.Poll):
			}
			continue
		}
		for _, d := range ds {
			if ctx.Err() != nil || !w.deliver(ctx, owner, d) {
				break
			}
		}
		// Rows not started (paused, shutting down) go back to the queue.
		if err := w.cfg.Store.ReleaseDeliveries(context.WithoutCancel(ctx), owner); err != nil {
			w.log.Warn("release deliveries", "err", err)
		}
	}
}

// deliver starts the send of one leased delivery, which records its
// outcome when it ends. It returns false when the rest of the batch should
// go back to the queue: the broadcast was paused or cancelled, the lease
// was lost, or ctx ended.
func (w *Worker) deliver(ctx context.Context, owner string, d bottega.Delivery) bool {
	if d.Blocked {
		if err := w.cfg.Store.SkipDelivery(ctx, d.ID, owner, bottega.DeliveryBlocked, "the learner blocked the bot"); err != nil {
			w.log.Warn("skip delivery", "delivery", d.ID, "err", err)
		}
		return true
	}
	reply, err := w.cfg.Render(ctx, d)
	if errors.Is(err, ErrSkip) {
		if err := w.cfg.Store.SkipDelivery(ctx, d.ID, owner, bottega.DeliverySkipped, err.Error()); err != nil {
			w.log.Warn("skip delivery", "delivery", d.ID, "err", err)
		}
		w.cfg.Metrics.add(OutcomeSkipped, 1)
		return true
	}
	if err != nil {
		w.log.Warn("render delivery", "delivery", d.ID, "err", err)
		if err := w.cfg.Store.SkipDelivery(ctx, d.ID, owner, bottega.DeliveryFailed, err.Error()); err != nil {
			w.log.Warn("skip delivery", "delivery", d.ID, "err", err)
		}
		w.cfg.Metrics.add(OutcomeError, 1)
		return true
	}
	// A slot first, then the rate: a slot that frees late wastes no
	// token of the limiter.
	select {
	case w.slots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	started := false
	defer func() {
		if !started {
			<-w.slots
		}
	}()
	if err := w.wait(ctx, d.Rate); err != nil {
		return false
	}
	ok, err := w.cfg.Store.StartDelivery(ctx, d.ID, owner)
	if err != nil || !ok {
		if err != nil && ctx.Err() == nil {
			w.log.Warn("start delivery", "delivery", d.ID, "err", err)
		}
		return false
	}
	started = true
	w.inflight.Add(1)
	go func() {
		defer w.inflight.Done()
		defer func() { <-w.slots }()
		w.send(ctx, d, reply)
	}()
	return true
}

// send sends a delivery marked sending and records the outcome. Both finish
// even if ctx ends.
func (w *Worker) send(ctx context.Context, d bottega.Delivery, reply bot.Reply) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.SendTimeout)
	defer cancel()
	msgID, err := w.cfg.Sender.Send(sctx, d.ChatID, reply)
	res := w.outcome(d, err)
	res.MessageID = msgID
	if ferr := w.cfg.Store.FinishDelivery(sctx, d.ID, res); ferr != nil {
		// The row stays sending: uncertain at the next start, not resent.
		w.log.Error("record delivery outcome", "delivery", d.ID, "status", res.Status, "err", ferr)
	}
}

// outcome classifies a send's result.
func (w *Worker) outcome(d bottega.Delivery, err error) bottega.DeliveryResult {
	if err == nil {
		w.stopped.Store(false)
		w.cfg.Metrics.add(OutcomeSent, 1)
		return bottega.DeliveryResult{Status: bottega.DeliverySent}
	}
	if bot.IsGone(err) {
		w.cfg.Metrics.add(OutcomeBlocked, 1)
		return bottega.DeliveryResult{Status: bottega.DeliveryBlocked, Error: err.Error()}
	}
	if bot.IsFatal(err) {
		// Every send would fail alike: hold them all, keep the message
		// (not its fault), and say so once per stop.
		w.cfg.Metrics.add(OutcomeError, 1)
		w.holdFor(w.cfg.FatalHold)
		if w.stopped.CompareAndSwap(false, true) {
			w.log.Error("sending stopped: the platform refuses every message until someone acts; trying again from time to time", "platform", w.cfg.Platform, "err", err)
		}
		return bottega.DeliveryResult{Status: bottega.DeliveryPending, Error: err.Error(), RetryAt: time.Now().Add(w.cfg.FatalHold)}
	}
	w.stopped.Store(false)
	if wait := bot.RecipientRetryIn(err); wait > 0 {
		// This learner has had enough for now; the others go on.
		w.cfg.Metrics.add(OutcomeRateLimited, 1)
		return bottega.DeliveryResult{Status: bottega.DeliveryPending, Error: err.Error(), RetryAt: time.Now().Add(wait)}
	}
	out, after := w.cfg.Classify(err)
	if after > 0 {
		w.cfg.Metrics.add(OutcomeRateLimited, 1)
		w.holdFor(after)
	} else {
		w.cfg.Metrics.add(OutcomeError, 1)
	}
	switch {
	case out == Uncertain:
		w.log.Warn("delivery uncertain", "delivery", d.ID, "err", err)
		return bottega.DeliveryResult{Status: bottega.DeliveryUncertain, Error: err.Error()}
	case out == Fail || d.Attempts+1 >= w.cfg.MaxAttempts:
		w.log.Warn("delivery failed", "delivery", d.ID, "attempts", d.Attempts+1, "err", err)
		return bottega.DeliveryResult{Status: bottega.DeliveryFailed, Error: err.Error()}
	}
	wait := max(after, w.cfg.Backoff<<min(d.Attempts, 10))
	return bottega.DeliveryResult{Status: bottega.DeliveryPending, Error: err.Error(), RetryAt: time.Now().Add(wait)}
}

// holdFor stops every sender for d (Telegram's retry_after applies to the
// bot, not to one chat).
func (w *Worker) holdFor(d time.Duration) {
	until := time.Now().Add(d).UnixNano()
	for {
		cur := w.hold.Load()
		if cur >= until || w.hold.CompareAndSwap(cur, until) {
			return
		}
	}
}

// wait blocks until a message may go: after any 429 hold, at the rate of
// the delivery's broadcast (capped by the worker's).
func (w *Worker) wait(ctx context.Context, broadcastRate float64) error {
	if until := time.Unix(0, w.hold.Load()); time.Now().Before(until) {
		if !sleep(ctx, time.Until(until)) {
			return ctx.Err()
		}
	}
	r := w.cfg.Rate
	if broadcastRate > 0 {
		r = min(r, broadcastRate)
	}
	if w.lim.Limit() != rate.Limit(r) {
		w.lim.SetLimit(rate.Limit(r))
		w.lim.SetBurst(burst(r))
	}
	return w.lim.Wait(ctx)
}

// Tick does the periodic work: it drops expired reminders, marks finished
// broadcasts done and updates the admins' progress messages. Run calls it
// every ProgressEvery.
func (w *Worker) Tick(ctx context.Context) {
	if _, err := w.cfg.Store.ExpireDeliveries(ctx); err != nil && ctx.Err() == nil {
		w.log.Warn("expire deliveries", "err", err)
	}
	if w.cfg.Requeue != nil {
		if n, err := w.cfg.Requeue(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("requeue messages refused after sending", "err", err)
		} else if n > 0 {
			w.log.Info("messages refused after sending are queued again", "count", n)
			w.nudge()
		}
	}
	if n, err := w.cfg.Store.QueueDepth(ctx, w.cfg.Platform); err == nil {
		w.cfg.Metrics.setDepth(w.cfg.Platform, n)
	}
	bs, err := w.cfg.Store.ActiveBroadcasts(ctx, w.cfg.Platform)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Warn("list broadcasts", "err", err)
		}
		return
	}
	active := map[int64]bool{}
	for _, b := range bs {
		active[b.ID] = true
		if b.Status == bottega.BroadcastRunning {
			done, err := w.cfg.Store.FinishBroadcast(ctx, b.ID)
			if err != nil {
				w.log.Warn("finish broadcast", "broadcast", b.ID, "err", err)
			} else if done {
				b.Status = bottega.BroadcastDone
				w.log.Info("broadcast done", "broadcast", b.ID)
			}
		}
		w.report(ctx, b)
	}
	// Broadcasts that ended since the last tick get their final edit.
	w.mu.Lock()
	var ended []int64
	for id := range w.reported {
		if !active[id] {
			ended = append(ended, id)
		}
	}
	w.mu.Unlock()
	for _, id := range ended {
		if b, err := w.cfg.Store.Broadcast(ctx, id); err == nil {
			w.report(ctx, b)
		}
		w.mu.Lock()
		delete(w.reported, id)
		w.mu.Unlock()
	}
}

// report edits a broadcast's progress message if what it shows changed.
func (w *Worker) report(ctx context.Context, b bottega.Broadcast) {
	if w.cfg.Progress == nil || b.ProgressChat == "" || b.ProgressMessage == "" {
		return
	}
	c, err := w.cfg.Store.DeliveryCounts(ctx, b.ID)
	if err != nil {
		w.log.Warn("count deliveries", "broadcast", b.ID, "err", err)
		return
	}
	r := w.cfg.Progress(b, c)
	key := fmt.Sprint(r.Text, r.Buttons)
	w.mu.Lock()
	same := w.reported[b.ID] == key
	w.reported[b.ID] = key
	w.mu.Unlock()
	if same {
		return
	}
	r.Edit, r.EditID = true, b.ProgressMessage
	if _, err := w.cfg.Sender.Send(ctx, b.ProgressChat, r); err != nil {
		w.log.Warn("update progress message", "broadcast", b.ID, "err", err)
	}
}

func newOwner() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// sleep waits d; false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
