package bot

import (
	"context"
	"errors"
	"time"
)

// A Sender's error tells what became of the message through these small
// interfaces, implemented by any error along its chain of wrapped errors
// (errors.As finds them). An error that tells nothing is transient: the
// message did not arrive and may be sent again. The dispatcher (replies) and
// the delivery worker (broadcasts, reminders) act on them alike: an uncertain
// message is never sent again, a transient one is retried with a bounded
// backoff that honours RetryIn, and a gone recipient gets nothing more.

// UncertainError is a failed send whose message may have arrived all the
// same: the request left and its answer was lost (a timeout). Sending the
// message again could deliver it twice.
type UncertainError interface {
	error
	Uncertain() bool
}

// ThrottledError is a send refused for flooding: nothing should go before
// RetryIn has passed (Telegram's retry_after).
type ThrottledError interface {
	error
	RetryIn() time.Duration
}

// GoneError is a send whose recipient can no longer be reached (they
// blocked the bot or left): the message is dropped, not retried. ErrBlocked
// says the same.
type GoneError interface {
	error
	Gone() bool
}

// RejectedError is a send the platform refused for the message itself (a
// bad request): sending it again would fail the same way.
type RejectedError interface {
	error
	Rejected() bool
}

// IsUncertain reports whether the message of a failed send may have
// arrived: the error says so, or the send was cancelled or timed out.
func IsUncertain(err error) bool {
	if e := UncertainError(nil); errors.As(err, &e) && e.Uncertain() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// RetryIn returns how long the platform asked to wait before the next
// send, 0 if it did not.
func RetryIn(err error) time.Duration {
	if e := ThrottledError(nil); errors.As(err, &e) {
		return e.RetryIn()
	}
	return 0
}

// IsGone reports whether the recipient of a failed send can no longer be
// reached.
func IsGone(err error) bool {
	if errors.Is(err, ErrBlocked) {
		return true
	}
	e := GoneError(nil)
	return errors.As(err, &e) && e.Gone()
}

// IsRejected reports whether the platform refused the message itself.
func IsRejected(err error) bool {
	e := RejectedError(nil)
	return errors.As(err, &e) && e.Rejected()
}
