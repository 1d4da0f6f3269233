package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/bottega-app/bottega/bot"
)

// tracker knows which polled updates are done. Telegram forgets every update
// below the offset we poll with, so the offset is the lowest update that is
// not done: in flight in the dispatcher, or failed and waiting to be
// submitted again. Above it, finished updates may still come back in a poll
// answer; they are recognised (id <= seen and not open) and skipped.
type tracker struct {
	mu   sync.Mutex
	seen int64          // highest update id submitted
	open map[int64]bool // not done: true while in flight, false once failed
	// changed is closed (and replaced) whenever an update finishes.
	changed chan struct{}
	// failed and succeeded tell what finished since the loop last looked.
	failed, succeeded bool
	// finished counts the updates finished since the last poll.
	finished int
}

func newTracker() *tracker {
	return &tracker{open: map[int64]bool{}, changed: make(chan struct{})}
}

// start claims update id for submission. It returns false for an update
// that is in flight or done.
func (tr *tracker) start(id int64) bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if inflight, open := tr.open[id]; (open && inflight) || (!open && id <= tr.seen) {
		return false
	}
	tr.open[id] = true
	tr.seen = max(tr.seen, id)
	return true
}

// finish records the outcome of update id. A failed update stays open, so
// the offset stays at or below it and Telegram delivers it again.
func (tr *tracker) finish(id int64, err error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if err == nil {
		delete(tr.open, id)
		tr.succeeded = true
	} else {
		tr.open[id] = false
		tr.failed = true
	}
	tr.finished++
	close(tr.changed)
	tr.changed = make(chan struct{})
}

// next returns the offset to poll with (0 before any update: every update
// below it is done) and how many updates are in flight, and restarts the
// count of finished ones.
func (tr *tracker) next() (offset int64, inflight int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.finished = 0
	offset = tr.seen + 1
	for id, in := range tr.open {
		offset = min(offset, id)
		if in {
			inflight++
		}
	}
	if tr.seen == 0 {
		offset = 0
	}
	return offset, inflight
}

// progress returns how many updates finished since the last poll, and the
// channel closed when the next one does.
func (tr *tracker) progress() (int, <-chan struct{}) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.finished, tr.changed
}

// outcomes reports (and clears) whether updates failed or succeeded since
// the last call.
func (tr *tracker) outcomes() (failed, succeeded bool) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	failed, succeeded = tr.failed, tr.succeeded
	tr.failed, tr.succeeded = false, false
	return failed, succeeded
}

// While updates are in flight Telegram answers a poll at once, with them
// (they are not confirmed yet): polling without a pause would spin, and
// polling after every update finishes would fetch the same updates over and
// over. So the next poll waits until half of those in flight finished (at
// least one), or busyPoll passed: new updates from other chats wait no
// longer than that.
const busyPoll = 25 * time.Millisecond

// pause waits before the next poll while inflight updates are in flight.
func pause(ctx context.Context, tr *tracker, inflight int, polled time.Time) {
	deadline := time.NewTimer(time.Until(polled.Add(busyPoll)))
	defer deadline.Stop()
	for {
		n, changed := tr.progress()
		if n >= max(1, inflight/2) {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// poll receives updates by long polling until ctx is cancelled. It does not
// use the library's update channel, which moves the offset before the
// update is handled: here the offset moves past an update only once the
// dispatcher reports it done, so a crash never loses one (and the
// dispatcher skips the ones it already recorded).
//
// Shutting down does not wait for updates in flight: their offset is not
// confirmed, so Telegram delivers them again and the dispatcher skips the
// ones it recorded.
func (t *Transport) poll(ctx context.Context, sink bot.Sink) error {
	tr := newTracker()
	const maxBackoff = 30 * time.Second
	var backoff, failBackoff time.Duration
	for {
		if ctx.Err() != nil {
			return nil
		}
		switch failed, succeeded := tr.outcomes(); {
		case failed:
			// The dispatcher could not record an update (the database is
			// down?): slow down before it is delivered again.
			if succeeded {
				failBackoff = 0
			}
			failBackoff = min(max(2*failBackoff, 500*time.Millisecond), maxBackoff)
			if sleep(ctx, failBackoff) != nil {
				return nil
			}
		case succeeded:
			failBackoff = 0
		}
		offset, inflight := tr.next()
		timeout := t.opt.PollTimeout
		if inflight > 0 {
			timeout = 0 // Telegram answers at once anyway: with them
		}
		polled := time.Now()
		updates, err := t.getUpdates(ctx, offset, timeout)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			switch codeOf(err) {
			case http.StatusUnauthorized, http.StatusNotFound:
				return fmt.Errorf("receive updates: %w", err)
			case http.StatusConflict:
				// A webhook is set (or another poller runs): take over.
				t.log.Warn("getUpdates conflict, deleting the webhook", "err", err)
				if err := t.deleteWebhook(ctx); err != nil && ctx.Err() == nil {
					t.log.Warn("delete webhook", "err", err)
				}
			default:
				t.log.Warn("receive updates", "err", err)
			}
			backoff = min(max(2*backoff, time.Second), maxBackoff)
			if sleep(ctx, backoff) != nil {
				return nil
			}
			continue
		}
		backoff = 0
		for _, raw := range updates {
			// Most updates in an answer are in flight: only their id is
			// read. One that Bottega cannot decode (a type Telegram
			// changed) is skipped by its id, not polled forever.
			var head struct {
				UpdateID int64 `json:"update_id"`
			}
			_ = json.Unmarshal(raw, &head)
			id := head.UpdateID
			if !tr.start(id) {
				continue // in flight or done: Telegram sends it until confirmed
			}
			inflight++
			var u tgbotapi.Update
			if uerr := json.Unmarshal(raw, &u); uerr != nil {
				t.log.Warn("unreadable update skipped", "update", id, "err", uerr)
				tr.finish(id, nil)
				continue
			}
			upd, ok := t.convert(ctx, u)
			if !ok {
				tr.finish(id, nil)
				continue
			}
			t.submit(ctx, sink, upd, func(err error) { tr.finish(id, err) })
		}
		if inflight > 0 {
			pause(ctx, tr, inflight, polled)
		}
	}
}

// pollMargin is how much longer than the long-poll timeout a getUpdates
// request may take before it is abandoned.
const pollMargin = 15 * time.Second

// getUpdates returns the updates undecoded, so that one Bottega cannot read
// does not stop the others.
func (t *Transport) getUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]json.RawMessage, error) {
	r := config("getUpdates", tgbotapi.UpdateConfig{
		Offset:         int(offset),
		Limit:          100,
		Timeout:        int(timeout / time.Second),
		AllowedUpdates: allowedUpdates,
	})
	r.timeout = timeout + pollMargin
	res, err := t.c.once(ctx, r)
	if err != nil {
		return nil, err
	}
	var updates []json.RawMessage
	if err := json.Unmarshal(res, &updates); err != nil {
		return nil, fmt.Errorf("read getUpdates answer: %w", err)
	}
	return updates, nil
}
