package bot

import (
	"context"
	"encoding/json"
	"time"
)

// outgoing is an update's replies on their way to the chat.
type outgoing struct {
	// ctx is the update's context, never cancelled: a send once begun
	// finishes and is recorded.
	ctx      context.Context
	updateID string
	chatID   string
	replies  []Reply
	// next is the first reply not done: those before it were sent, may
	// have arrived (uncertain counts those) or were given up.
	next, uncertain int
	// attempts counts the failed tries of replies[next]; at is when to try
	// it again.
	attempts int
	at       time.Time
	// holds is set on replies that the chat's later replies must not
	// overtake: one waiting for its retry and those queued behind it.
	holds bool
	// unconfirmed is set on replies resumed while replies[next] waits for
	// the platform's confirmation that it went before the last stop.
	unconfirmed bool
}

// chatQueue is what waits to go out to one chat, in order.
type chatQueue struct {
	items   []*outgoing
	holding int // items with holds set
	// busy is set while a runner, or the timer that will start one, owns
	// the queue.
	busy  bool
	timer *time.Timer
	// idle is closed when the queue is empty and gone: Flush waits on it.
	idle chan struct{}
}

// start delivers o, or queues it behind what the chat's queue holds (a task
// under way, such as an answer being streamed, or replies waiting for a
// retry), so that a chat reads its replies in the order of the messages
// they answer. inline runs tasks here instead of in the chat's queue. A
// reply that fails is queued for its retry.
func (d *Dispatcher) start(ctx context.Context, o *outgoing, inline bool) {
	o.ctx = ctx
	d.taskMu.Lock()
	q := d.queues[o.chatID]
	held := q != nil && len(q.items) > 0
	d.taskMu.Unlock()
	// Only this chat's worker (or Resend, before the workers get updates)
	// adds to the chat's queue, so it cannot fill meanwhile; if it empties
	// meanwhile, o just waits for nothing.
	if held || !d.deliver(o, inline) {
		o.holds = true
		d.enqueue(o)
	}
}

// deliver sends o's replies in order from o.next, then marks them sent: at
// once when inline, else through the marker. From the first task on, the
// rest goes to the chat's queue unless inline. A send that timed out may
// have arrived: it is recorded uncertain, and the next reply goes. One that
// failed otherwise is tried again at o.at, when deliver returns false; after
// MaxAttempts it is given up. A recipient who is gone gets nothing more.
func (d *Dispatcher) deliver(o *outgoing, inline bool) bool {
	ctx := o.ctx
	if o.unconfirmed {
		// The wait for the platform's confirmation is over: whatever it
		// confirmed is not sent again.
		o.unconfirmed = false
		if _, done, err := d.confirm.InFlight(ctx, d.cfg.Platform, o.updateID); err != nil {
			d.log.Warn("read the reply in flight", "update", o.updateID, "err", err)
		} else if done > o.next {
			o.next = min(done, len(o.replies))
		}
	}
replies:
	for ; o.next < len(o.replies); o.next++ {
		r := o.replies[o.next]
		if r.Task != nil {
			if !inline {
				d.enqueue(o)
				return true
			}
			if err := d.runTask(ctx, o.chatID, r.Task, r.ReplyTo); err != nil {
				d.log.Error("task failed", "update", o.updateID, "chat", o.chatID, "kind", r.Task.Kind, "err", err)
			}
			continue
		}
		sctx := ctx
		if d.confirm != nil {
			// Durably before the send: a process that stops after it
			// waits for the platform to confirm it rather than sending it
			// again.
			if err := d.confirm.MarkInFlight(ctx, d.cfg.Platform, o.updateID, o.next); err != nil {
				d.log.Warn("record the reply in flight", "update", o.updateID, "err", err)
			} else {
				sctx = withRef(ctx, Ref(o.updateID, o.next))
			}
		}
		_, err := d.cfg.Sender.Send(sctx, o.chatID, r)
		if d.stopped.Load() && !IsFatal(err) {
			d.stopped.Store(false)
		}
		switch {
		case err == nil:
		case IsGone(err):
			break replies
		case IsUncertain(err):
			o.uncertain++
			d.log.Warn("reply may have arrived; it is not sent again", "update", o.updateID, "chat", o.chatID, "reply", o.next, "err", err)
			// Before the next send, so that a restart does not repeat it.
			d.saveProgress(ctx, o, o.next+1)
		case IsRejected(err):
			d.log.Error("reply refused by the platform, dropped", "update", o.updateID, "chat", o.chatID, "reply", o.next, "err", err)
		case IsFatal(err):
			// Every send fails alike until someone acts: the reply keeps
			// its attempts and its place, and is tried again at the
			// longest backoff.
			if d.stopped.CompareAndSwap(false, true) {
				d.log.Error("sending stopped: the platform refuses every message until someone acts; trying again from time to time", "err", err)
			}
			o.at = time.Now().Add(d.cfg.MaxBackoff)
			return false
		case RecipientRetryIn(err) > 0:
			// This learner has had enough for now: their replies wait,
			// without using up attempts; other chats go on.
			o.at = time.Now().Add(RecipientRetryIn(err))
			return false
		default:
			o.attempts++
			if o.attempts < d.cfg.MaxAttempts {
				wait := max(min(d.cfg.RetryBackoff<<min(o.attempts-1, 16), d.cfg.MaxBackoff), RetryIn(err))
				o.at = time.Now().Add(wait)
				d.log.Warn("send reply; trying again later", "update", o.updateID, "chat", o.chatID, "reply", o.next,
					"attempts", o.attempts, "in", wait, "err", err)
				d.saveProgress(ctx, o, o.next)
				return false
			}
			d.log.Error("reply given up", "update", o.updateID, "chat", o.chatID, "reply", o.next, "attempts", o.attempts, "err", err)
		}
		o.attempts = 0
	}
	if !inline {
		d.marker.Mark(o.updateID)
		return true
	}
	if err := d.cfg.Store.MarkSent(ctx, d.cfg.Platform, o.updateID); err != nil {
		d.log.Warn("mark replies sent", "update", o.updateID, "err", err)
	}
	return true
}

func (d *Dispatcher) saveProgress(ctx context.Context, o *outgoing, done int) {
	if err := d.cfg.Store.SaveReplyProgress(ctx, d.cfg.Platform, o.updateID, done, o.uncertain, o.attempts); err != nil {
		d.log.Warn("save reply progress", "update", o.updateID, "err", err)
	}
}

// enqueue adds o to its chat's queue.
func (d *Dispatcher) enqueue(o *outgoing) {
	d.taskMu.Lock()
	defer d.taskMu.Unlock()
	q := d.queues[o.chatID]
	if q == nil {
		q = &chatQueue{}
		d.queues[o.chatID] = q
	}
	q.items = append(q.items, o)
	if o.holds {
		q.holding++
	}
	d.wakeLocked(o.chatID, q)
}

// wakeLocked starts q's runner unless it has one. d.taskMu is held.
func (d *Dispatcher) wakeLocked(chatID string, q *chatQueue) {
	if q.busy || d.stopping {
		return
	}
	q.busy = true
	d.taskWG.Add(1)
	go d.runQueue(chatID, q)
}

// runQueue delivers a chat's queue in order. While the first item waits
// for its retry, no goroutine waits: a timer starts the runner again.
func (d *Dispatcher) runQueue(chatID string, q *chatQueue) {
	defer d.taskWG.Done()
	d.taskSlots <- struct{}{}
	defer func() { <-d.taskSlots }()
	for {
		d.taskMu.Lock()
		if len(q.items) == 0 {
			q.busy = false
			delete(d.queues, chatID)
			if q.idle != nil {
				close(q.idle)
			}
			d.taskMu.Unlock()
			return
		}
		o := q.items[0]
		if wait := time.Until(o.at); wait > 0 {
			if d.stopping {
				q.busy = false // left unsent, for Resend at the next start
				if q.idle != nil {
					close(q.idle) // nothing more goes out: nobody waits
					q.idle = nil
				}
			} else {
				q.timer = time.AfterFunc(wait, func() {
					d.taskMu.Lock()
					defer d.taskMu.Unlock()
					q.timer, q.busy = nil, false
					d.wakeLocked(chatID, q)
				})
			}
			d.taskMu.Unlock()
			return
		}
		d.taskMu.Unlock()
		if !d.deliver(o, true) {
			// The chat's later replies wait for this one (it may have been
			// queued for a task only); o.at is set, so the loop hands over
			// to a timer.
			d.taskMu.Lock()
			if !o.holds {
				o.holds = true
				q.holding++
			}
			d.taskMu.Unlock()
			continue
		}
		d.taskMu.Lock()
		q.items = q.items[1:]
		if o.holds {
			q.holding--
		}
		d.taskMu.Unlock()
	}
}

// Flush waits until every reply of the updates of chatID handled so far is
// out, those of their tasks (a streamed answer) included, or until ctx ends.
// The terminal chat calls it before it reads the next line, so that each
// reply prints after its input and before the next input's replies.
func (d *Dispatcher) Flush(ctx context.Context, chatID string) error {
	d.taskMu.Lock()
	q := d.queues[chatID]
	if q == nil || d.stopping && !q.busy {
		d.taskMu.Unlock()
		return nil
	}
	if q.idle == nil {
		q.idle = make(chan struct{})
	}
	idle := q.idle
	d.taskMu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// queued reports whether an update's replies are in a chat's queue.
func (d *Dispatcher) queued(updateID string) bool {
	d.taskMu.Lock()
	defer d.taskMu.Unlock()
	for _, q := range d.queues {
		for _, o := range q.items {
			if o.updateID == updateID {
				return true
			}
		}
	}
	return false
}

// Resend delivers the replies that were committed but not all sent when the
// process last stopped, skipping those that were sent or may have arrived
// (a send that timed out is never repeated), each chat's in order. Replies
// that fail again are retried in the background, ahead of the chat's new
// ones. Call it before receiving new updates.
func (d *Dispatcher) Resend(ctx context.Context) error {
	return d.cfg.Store.UnsentReplies(ctx, d.cfg.Platform, func(id string, chatID string, b []byte, done, uncertain int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.queued(id) {
			return nil // on its way already
		}
		var replies []Reply
		if err := json.Unmarshal(b, &replies); err != nil {
			d.log.Error("unreadable unsent replies dropped", "update", id, "err", err)
			return d.cfg.Store.MarkSent(ctx, d.cfg.Platform, id)
		}
		if uncertain > 0 {
			d.log.Warn("replies that may have arrived are not sent again", "update", id, "chat", chatID, "count", uncertain)
		}
		// Once begun, a send finishes and is recorded even if ctx ends.
		o := &outgoing{updateID: id, chatID: chatID, replies: replies, next: min(done, len(replies)), uncertain: uncertain}
		if d.confirm != nil {
			at, done, err := d.confirm.InFlight(ctx, d.cfg.Platform, id)
			if err != nil {
				return err
			}
			o.next = min(max(o.next, done), len(replies))
			if at >= 0 && at < len(replies) {
				// It was being sent at the stop: the platform may confirm
				// it yet. It and the chat's later replies wait.
				o.next, o.unconfirmed, o.holds = at, true, true
				o.at = time.Now().Add(d.cfg.ConfirmWait)
				o.ctx = context.WithoutCancel(ctx)
				d.log.Info("a reply was being sent at the last stop; waiting for the platform to confirm it", "update", id, "chat", chatID, "reply", at)
				d.enqueue(o)
				return nil
			}
		}
		d.start(context.WithoutCancel(ctx), o, true)
		return nil
	})
}
