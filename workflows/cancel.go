package workflows

import (
	"context"
	"errors"
)

// ErrCancelled is the cause a chat platform gives a request's context when
// the person who made it took it back while it ran (Ctrl-C at the terminal).
// A command that fails after that is answered with this sentence: its work
// ran in one transaction, or stopped before writing (ingest's fetch), so
// nothing of it was kept.
var ErrCancelled = &Error{Code: ECANCELLED, Message: "cancelled; nothing was done"}

// Cancelled reports whether the person who made the request behind ctx
// cancelled it (ctx ended with cause ErrCancelled).
func Cancelled(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), ErrCancelled)
}

// Outlive returns a context for work that must go on past ctx's deadline
// and the desk's shutdown (an answer must be written for an event to count
// as handled; a page's fetch has a deadline of its own), yet stops when the
// person cancels the request (see Cancelled), with ErrCancelled as its
// cause. Call stop when the work is done.
func Outlive(ctx context.Context) (work context.Context, stop context.CancelFunc) {
	work, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	unhook := context.AfterFunc(ctx, func() {
		if Cancelled(ctx) {
			cancel(ErrCancelled)
		}
	})
	return work, func() { unhook(); cancel(nil) }
}
