package webfetch

import (
	"errors"
	"fmt"
	"time"
)

// Reason says why a fetch failed, in classes a caller can act on.
type Reason int

const (
	// ReasonScheme: the link is not http or https.
	ReasonScheme Reason = iota + 1
	// ReasonBadURL: the link cannot be parsed or names no host.
	ReasonBadURL
	// ReasonUserinfo: the link carries a user name or password.
	ReasonUserinfo
	// ReasonInternal: the address is inside a private network. Given alike
	// whatever listens there, so it reveals nothing about the network.
	ReasonInternal
	// ReasonPort: a port the operator has not allowed.
	ReasonPort
	// ReasonTimeout: the page did not finish within Options.Timeout.
	ReasonTimeout
	// ReasonRedirects: more than Options.MaxRedirects redirects.
	ReasonRedirects
	// ReasonUnreachable: the name did not resolve, or the connection or TLS
	// handshake failed.
	ReasonUnreachable
	// ReasonBusy: too many pages are being fetched at once.
	ReasonBusy
)

// Error is a failed fetch. Message is the sentence to show the user; Err
// holds the detail (resolver, Go error chain) for the log only.
type Error struct {
	Reason Reason
	URL    string // the link as given, for the log
	msg    string
	Err    error
}

// Message is a short sentence for the user, naming what was refused or what
// went wrong and nothing internal.
func (e *Error) Message() string { return e.msg }

// Error includes the detail: for logs, never for chat.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("webfetch %s: %s: %v", e.URL, e.msg, e.Err)
	}
	return fmt.Sprintf("webfetch %s: %s", e.URL, e.msg)
}

func (e *Error) Unwrap() error { return e.Err }

// ReasonOf returns the reason of a fetch error, or 0 when err is not one.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return 0
}

// MessageOf returns the user's sentence of a fetch error, or "" when err is
// not one.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.msg
	}
	return ""
}

// The sentences. msgInternal is the one given for every refused address,
// whatever its port state or range.
const (
	msgScheme    = "only http(s) links can be read"
	msgBadURL    = "that is not a link I can read"
	msgUserinfo  = "links with a user name or password in them are not fetched"
	msgInternal  = "that address is inside a private network, which the desk does not fetch"
	msgBusy      = "the desk is reading too many pages at once; try again in a minute"
	msgReachable = "the page could not be reached"
)

func refusal(r Reason, rawURL, msg string, detail error) *Error {
	return &Error{Reason: r, URL: rawURL, msg: msg, Err: detail}
}

func portMessage(ports []int) string {
	return fmt.Sprintf("the desk fetches pages on ports %s only", joinPorts(ports))
}

func timeoutMessage(d time.Duration) string {
	return fmt.Sprintf("the page did not answer within %s", seconds(d))
}

func redirectMessage(n int) string {
	return fmt.Sprintf("the page redirected more than %d times", n)
}

// seconds writes a duration as journalists read it: "20 s", "1.5 s".
func seconds(d time.Duration) string {
	return fmt.Sprintf("%g s", d.Seconds())
}

func joinPorts(ports []int) string {
	s := ""
	for i, p := range ports {
		switch {
		case i == 0:
		case i == len(ports)-1:
			s += " and "
		default:
			s += ", "
		}
		s += fmt.Sprint(p)
	}
	return s
}
