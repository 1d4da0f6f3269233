// Package tg tells the broadcast worker what the Telegram transport's send
// errors mean for a message that must arrive exactly once.
package tg

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/bottega-app/bottega/bot/telegram"
	"github.com/bottega-app/bottega/broadcast"
)

// Classify implements broadcast.Classifier for bot/telegram errors:
//   - 429: not delivered; wait retry_after, then try again;
//   - 400 and 404 (chat not found, bad request): not delivered, never will;
//   - 5xx, 401 and network errors: try again later (bounded);
//   - a timeout or a cancelled send: the request may have arrived:
//     uncertain, not resent.
func Classify(err error) (broadcast.Outcome, time.Duration) {
	var e *telegram.Error
	if !errors.As(err, &e) {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return broadcast.Uncertain, 0
		}
		return broadcast.Fail, 0 // rejected before any request: a bad reply
	}
	switch {
	case e.Code == http.StatusTooManyRequests:
		return broadcast.Retry, max(e.RetryAfter, time.Second)
	case e.Code == http.StatusBadRequest || e.Code == http.StatusNotFound:
		return broadcast.Fail, 0
	case e.Timeout || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		return broadcast.Uncertain, 0
	}
	return broadcast.Retry, 0
}
