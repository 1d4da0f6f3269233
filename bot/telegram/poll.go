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
	close(tr.changed)
	tr.changed = make(chan struct{})
}

// next returns the offset to poll with (0 before any update: every update
// below it is done), whether updates are in flight, and the channel closed
// when one finishes.
func (tr *tracker) next() (offset int64, busy bool, changed <-chan struct{}) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	offset = tr.seen + 1
	for id, inflight := range tr.open {
		offset = min(offset, id)
		busy = busy || inflight
	}
	if tr.seen == 0 {
		offset = 0
	}
	return offset, busy, tr.changed
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

// busyPoll is how long, at most, the next poll waits for an update in
// flight to finish: while updates are in flight Telegram answers a poll at
// once, with them (they are not confirmed yet), so polling without a pause
// would spin; new updates from other chats wait no longer than this.
const busyPoll = 25 * time.Millisecond

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
		offset, busy, changed := tr.next()
		timeout := t.opt.PollTimeout
		if busy {
			timeout = 0 // Telegram answers at once anyway: with them
		}
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
			// A type Telegram changed fails only its field: the update id
			// is still read, so the update is skipped, not polled forever.
			var u tgbotapi.Update
			uerr := json.Unmarshal(raw, &u)
			id := int64(u.UpdateID)
			if !tr.start(id) {
				continue // in flight or done: Telegram sends it until confirmed
			}
			busy = true
			if uerr != nil {
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
		if busy {
			pause := time.NewTimer(busyPoll)
			select {
			case <-changed:
			case <-pause.C:
			case <-ctx.Done():
			}
			pause.Stop()
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
