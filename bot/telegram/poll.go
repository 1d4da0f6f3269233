package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
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
	// finished counts updates finished since the last poll.
	finished int
}

func newTracker() *tracker {
	return &tracker{open: map[int64]bool{}, changed: make(chan struct{})}
}

// offset is what getUpdates must be called with: every update below it is
// done. 0 means none was seen yet.
func (tr *tracker) offset() int64 {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	low := tr.seen + 1
	for id := range tr.open {
		low = min(low, id)
	}
	if tr.seen == 0 {
		return 0
	}
	return low
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

// polling is called before each poll: it returns the offset to poll with
// and how many updates are in flight, and restarts the count of finished
// ones.
func (tr *tracker) polling() (offset int64, inflight int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.finished = 0
	low := tr.seen + 1
	for id, in := range tr.open {
		low = min(low, id)
		if in {
			inflight++
		}
	}
	if tr.seen == 0 {
		low = 0
	}
	return low, inflight
}

// snapshot returns how many updates finished since the last poll and how
// many are in flight.
func (tr *tracker) snapshot() (finished, inflight int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, in := range tr.open {
		if in {
			inflight++
		}
	}
	return tr.finished, inflight
}

// progress returns how many updates finished since the last poll, and the
// channel closed when the next one does.
func (tr *tracker) progress() (int, <-chan struct{}) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.finished, tr.changed
}

// busy reports whether updates are in flight, and returns the channel that
// is closed when one finishes.
func (tr *tracker) busy() (bool, <-chan struct{}) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, inflight := range tr.open {
		if inflight {
			return true, tr.changed
		}
	}
	return false, tr.changed
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

// poll receives updates by long polling until ctx is cancelled. It does not
// use the library's update channel, which moves the offset before the
// update is handled: here the offset moves past an update only once the
// dispatcher reports it done, so a crash never loses one (and the
// dispatcher skips the ones it already recorded).
//
// While updates are in flight, Telegram answers a poll at once (with them,
// as they are not confirmed yet), so the loop then paces its polls (see
// pace). Shutting down does not wait for updates in flight: their offset is
// not confirmed, so Telegram delivers them again and the dispatcher skips
// the ones it recorded.
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
		offset, inflight := tr.polling()
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
		fresh := 0
		for _, raw := range updates {
			id, err := updateID(raw)
			if err != nil {
				t.log.Warn("unreadable update skipped", "err", err)
				continue
			}
			if !tr.start(id) {
				continue // in flight or done: Telegram sends it until confirmed
			}
			fresh++
			var u tgbotapi.Update
			if err := json.Unmarshal(raw, &u); err != nil {
				t.log.Warn("unreadable update skipped", "update", id, "err", err)
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
		if err := t.pace(ctx, tr, polled); err != nil {
			return nil
		}
	}
}

// Pacing of polls while updates are in flight. Each answer then repeats
// every update not confirmed yet, so polling after every single completion
// would decode the same updates over and over: the loop waits until half of
// what was in flight finished (at least one), or busyPollMax passed (new
// updates from other chats must not wait for slow ones), and never polls
// more often than every busyPollMin.
const (
	busyPollMin = time.Millisecond
	busyPollMax = 25 * time.Millisecond
)

// pace waits before the next poll, if updates are in flight.
func (t *Transport) pace(ctx context.Context, tr *tracker, polled time.Time) error {
	_, inflight := tr.snapshot()
	if inflight == 0 {
		return nil
	}
	want := max(1, inflight/2)
	deadline := time.NewTimer(time.Until(polled.Add(busyPollMax)))
	defer deadline.Stop()
	for {
		n, changed := tr.progress()
		if n >= want {
			break
		}
		select {
		case <-changed:
		case <-deadline.C:
			return sleep(ctx, time.Until(polled.Add(busyPollMin)))
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return sleep(ctx, time.Until(polled.Add(busyPollMin)))
}

// pollMargin is how much longer than the long-poll timeout a getUpdates
// request may take before it is abandoned.
const pollMargin = 15 * time.Second

// getUpdates returns the updates undecoded: while updates are in flight,
// most of an answer is updates already submitted, which are skipped after
// reading their id only.
func (t *Transport) getUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]json.RawMessage, error) {
	data, _ := json.Marshal(allowedUpdates)
	params := tgbotapi.Params{"allowed_updates": string(data), "limit": "100"}
	if offset > 0 {
		params["offset"] = strconv.FormatInt(offset, 10)
	}
	params["timeout"] = strconv.Itoa(int(timeout / time.Second))
	res, err := t.c.once(ctx, "getUpdates", timeout+pollMargin, raw("getUpdates", params))
	if err != nil {
		return nil, err
	}
	updates, err := splitArray(res)
	if err != nil {
		return nil, fmt.Errorf("read getUpdates answer: %w", err)
	}
	return updates, nil
}

// updateID reads an update's id, cheaply when it comes first (as Telegram
// sends it).
func updateID(raw json.RawMessage) (int64, error) {
	const prefix = `{"update_id":`
	if bytes.HasPrefix(raw, []byte(prefix)) {
		rest := raw[len(prefix):]
		if end := bytes.IndexAny(rest, ",}"); end > 0 {
			if id, err := strconv.ParseInt(string(bytes.TrimSpace(rest[:end])), 10, 64); err == nil {
				return id, nil
			}
		}
	}
	var head struct {
		UpdateID int64 `json:"update_id"`
	}
	err := json.Unmarshal(raw, &head)
	return head.UpdateID, err
}

// splitArray cuts a JSON array into its elements without decoding them:
// most are skipped after reading their id; the others are decoded, which
// checks them.
func splitArray(b []byte) ([]json.RawMessage, error) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, fmt.Errorf("not a JSON array")
	}
	var (
		out     []json.RawMessage
		depth   int
		inStr   bool
		escaped bool
		start   = -1
	)
	for i := 1; i < len(b)-1; i++ {
		c := b[i]
		if inStr {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case ',':
			if depth == 0 {
				if start < 0 {
					return nil, fmt.Errorf("empty array element")
				}
				out = append(out, bytes.TrimSpace(b[start:i]))
				start = -1
				continue
			}
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, bytes.TrimSpace(b[start:len(b)-1]))
	}
	if depth != 0 || inStr {
		return nil, fmt.Errorf("unbalanced JSON array")
	}
	return out, nil
}
