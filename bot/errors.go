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
// backoff that honours RetryIn (and RecipientRetryIn for that recipient
// alone), a gone recipient gets nothing more, and a fatal error holds every
// send for a while.

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

// FatalError is a send that failed for a reason that fails every send
// alike until someone acts (a revoked token, a suspended account): nothing
// should be sent for a while, and the error is worth an operator's eye.
type FatalError interface {
	error
	Fatal() bool
}

// BusyRecipientError is a send refused because its recipient has had
// enough for now (WhatsApp's pair rate, a marketing cap): the message may
// go to them after RecipientRetryIn, and others' messages go on meanwhile.
type BusyRecipientError interface {
	error
	RecipientRetryIn() time.Duration
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

// IsFatal reports whether a failed send means that no send can succeed
// until someone acts.
func IsFatal(err error) bool {
	e := FatalError(nil)
	return errors.As(err, &e) && e.Fatal()
}

// RecipientRetryIn returns how long the recipient of a failed send cannot
// be sent to, 0 if that is not why it failed.
func RecipientRetryIn(err error) time.Duration {
	if e := BusyRecipientError(nil); errors.As(err, &e) {
		return e.RecipientRetryIn()
	}
	return 0
}

// Reject marks err, found before anything was sent, as a message the
// platform cannot take (IsRejected): sending it again would fail the same
// way.
func Reject(err error) error { return rejected{err} }

type rejected struct{ error }

func (e rejected) Unwrap() error  { return e.error }
func (e rejected) Rejected() bool { return true }
