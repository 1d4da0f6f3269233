package telegram

import (
	"net/http"
	"time"
)

// What a failed call means for its message, as package bot asks (see
// bot.UncertainError and its siblings).

// Uncertain reports whether the request may have reached Telegram: it timed
// out waiting for the answer.
func (e *Error) Uncertain() bool { return e.Timeout }

// RetryIn is how long Telegram asked to wait (429's retry_after, at least
// a second when a 429 does not say).
func (e *Error) RetryIn() time.Duration {
	if e.Code == http.StatusTooManyRequests {
		return max(e.RetryAfter, time.Second)
	}
	return e.RetryAfter
}

// Fatal reports whether the bot's token no longer works (401): no call can
// succeed until it is replaced.
func (e *Error) Fatal() bool { return e.Code == http.StatusUnauthorized }

// Gone reports whether the chat can no longer be reached (the learner
// blocked the bot, the bot left the group).
func (e *Error) Gone() bool { return e.Code == http.StatusForbidden }

// Rejected reports whether Telegram refused the message itself.
func (e *Error) Rejected() bool {
	return e.Code == http.StatusBadRequest || e.Code == http.StatusNotFound
}
