package slackfake

import (
	"fmt"
	"net/http"
	"strconv"
)

type faultKind int

const (
	faultRateLimit faultKind = iota + 1
	faultStatus
	faultSlackError
	faultClose
	faultHang
)

// Fault is a programmed failure for one Web API call; see FailNext. By
// default a fault replaces the call: the fake does nothing and only answers
// with the fault. AfterEffect makes the call take effect first (the message
// is stored, the update applied) and then answers with the fault, which is
// how a client ends up not knowing whether its post went through.
type Fault struct {
	kind       faultKind
	status     int
	retryAfter int
	code       string
	after      bool
}

// RateLimited answers HTTP 429 with a Retry-After of the given seconds;
// slack-go turns it into *slack.RateLimitedError.
func RateLimited(retryAfterSeconds int) Fault {
	return Fault{kind: faultRateLimit, status: http.StatusTooManyRequests, retryAfter: retryAfterSeconds}
}

// HTTPStatus answers with the given HTTP status and an HTML body, as Slack's
// front end does for 5xx; slack-go returns slack.StatusCodeError.
func HTTPStatus(code int) Fault { return Fault{kind: faultStatus, status: code} }

// ServerError is HTTPStatus(500).
func ServerError() Fault { return HTTPStatus(http.StatusInternalServerError) }

// SlackError answers HTTP 200 with {"ok":false,"error":code}; slack-go
// returns slack.SlackErrorResponse.
func SlackError(code string) Fault {
	return Fault{kind: faultSlackError, status: http.StatusOK, code: code}
}

// CloseConnection drops the TCP connection without answering.
func CloseConnection() Fault { return Fault{kind: faultClose} }

// Hang never answers: the request stays open until the client gives up
// (context deadline, http.Client timeout) or the fake closes, and then the
// connection is dropped.
func Hang() Fault { return Fault{kind: faultHang} }

// Timeout is Hang().AfterEffect(): the call takes effect, the client never
// hears back.
func Timeout() Fault { return Hang().AfterEffect() }

// LostResponse is CloseConnection().AfterEffect(): the call takes effect and
// the connection drops before the answer, so the client fails at once.
func LostResponse() Fault { return CloseConnection().AfterEffect() }

// AfterEffect returns f applied after the call has taken effect.
func (f Fault) AfterEffect() Fault {
	f.after = true
	return f
}

// String describes the fault, as recorded in Call.Fault.
func (f Fault) String() string {
	var s string
	switch f.kind {
	case faultRateLimit:
		s = fmt.Sprintf("429 retry-after %ds", f.retryAfter)
	case faultStatus:
		s = fmt.Sprintf("http %d", f.status)
	case faultSlackError:
		s = "slack error " + f.code
	case faultClose:
		s = "connection closed"
	case faultHang:
		s = "hang"
	default:
		s = "none"
	}
	if f.after {
		s += " after effect"
	}
	return s
}

// answer returns the status and Slack error code recorded for the call.
func (f Fault) answer(effectErr string) (int, string) {
	switch f.kind {
	case faultRateLimit:
		return f.status, "ratelimited"
	case faultSlackError:
		return f.status, f.code
	case faultStatus:
		return f.status, effectErr
	default:
		return 0, effectErr
	}
}

func (f Fault) write(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
	switch f.kind {
	case faultRateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(f.status)
		_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
	case faultStatus:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		_, _ = fmt.Fprintf(w, "<html><body>%d %s</body></html>", f.status, http.StatusText(f.status))
	case faultSlackError:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = fmt.Fprintf(w, `{"ok":false,"error":%q}`, f.code)
	case faultHang:
		select {
		case <-r.Context().Done():
		case <-done:
		}
		dropConnection(w)
	case faultClose:
		dropConnection(w)
	}
}

func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Without a hijackable connection, abort the handler: net/http then
	// closes the connection without a complete answer.
	panic(http.ErrAbortHandler)
}

// FailNext queues faults for the next calls of method, one fault per call in
// order. Calls beyond the queue behave normally.
func (s *Server) FailNext(method string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], faults...)
}

// ClearFaults forgets the faults still queued for method ("" for all).
func (s *Server) ClearFaults(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if method == "" {
		s.faults = map[string][]Fault{}
		return
	}
	delete(s.faults, method)
}

func (s *Server) popFaultLocked(method string) (Fault, bool) {
	q := s.faults[method]
	if len(q) == 0 {
		return Fault{}, false
	}
	f := q[0]
	s.faults[method] = q[1:]
	return f, true
}
