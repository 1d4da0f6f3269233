package bottega

import (
	"errors"
	"fmt"
)

// Error codes: what kind of failure an Error is, so that the chat, the
// command line and the console each answer it in their own way.
const (
	// EINVALID: the request is wrong (an unknown role, an empty message).
	EINVALID = "invalid"
	// ENOTFOUND: what the request names does not exist.
	ENOTFOUND = "not_found"
	// ECONFLICT: the request does not fit the current state (pausing a
	// broadcast that is done).
	ECONFLICT = "conflict"
)

// Error is a failure the person who asked can act on. Message is safe to
// show them (it names no secret and no internal detail).
type Error struct {
	Code    string
	Message string
	// Key, when set, names what went wrong for an edge that says it in the
	// reader's language (the console's and the chat's texts have a
	// message for it); Data fills that message's blanks.
	Key  string
	Data map[string]any
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Errork is Errorf with a Key and its Data.
func Errork(code, key string, data map[string]any, format string, args ...any) *Error {
	e := Errorf(code, format, args...)
	e.Key, e.Data = key, data
	return e
}

// ErrorKey returns the Key and Data of the *Error in err's chain.
func ErrorKey(err error) (string, map[string]any) {
	var e *Error
	if errors.As(err, &e) {
		return e.Key, e.Data
	}
	return "", nil
}

// ErrorCode returns the code of the *Error in err's chain, "" if none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ErrorMessage returns the message of the *Error in err's chain, "" if
// none (an internal error, not for the user).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}
