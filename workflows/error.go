package workflows

import (
	"errors"
	"fmt"
)

// Error codes. The chat layer shows the message of any error carrying one of
// these codes (other than EINTERNAL) to the user as it is; everything else is
// "internal error" to the user and full detail in the log.
const (
	EINVALID   = "invalid"   // the request is malformed or not allowed in the claim's state
	ENOTFOUND  = "not_found" // the claim (or thing) does not exist
	ECONFLICT  = "conflict"  // the claim changed between reading and writing
	EFORBIDDEN = "forbidden" // the actor's role does not allow this
	EINTERNAL  = "internal"  // a bug or an unavailable dependency
	ECANCELLED = "cancelled" // the person took the request back while it ran (see ErrCancelled)
)

// Error is factdesk's application error: a code for programs and a sentence a
// journalist can read.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing sentence for err: the message of an
// application error, or "internal error" for anything else, so that driver
// errors and stack details never reach a chat channel.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e) && e.Code != EINTERNAL:
		return e.Message
	default:
		return "internal error; the desk has logged it"
	}
}

// ErrHandled is returned by Tx.MarkHandled when the inbound event was already
// handled (by an earlier attempt or another replica): the caller rolls back
// and says nothing, because the first handling already answered.
var ErrHandled = &Error{Code: ECONFLICT, Message: "that message was already handled"}
