package savepagenow

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// standIn answers as the SPN2 documentation shows: a capture request gives
// a job id; status requests answer pending, then the outcome.
type standIn struct {
	t        *testing.T
	mu       sync.Mutex
	pending  int    // status answers "pending" this many times first
	outcome  string // the final status answer (JSON)
	captured []string
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "LOW key:secret" || r.Header.Get("Accept") != "application/json" {
		http.Error(w, `{"message":"You need to be logged in to use Save Page Now."}`, http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/save":
		if err := r.ParseForm(); err != nil {
			s.t.Error(err)
		}
		s.captured = append(s.captured, r.PostForm.Get("url"))
		// The documented answer to a capture request.
		w.Write([]byte(`{"url":"` + r.PostForm.Get("url") + `","job_id":"spn2-cce034d987d6c0d5e3c5e8e0a6b3e1fb2f1b2a3c"}`))
	case r.Method == http.MethodGet && r.URL.Path == "/save/status/spn2-cce034d987d6c0d5e3c5e8e0a6b3e1fb2f1b2a3c":
		if s.pending > 0 {
			s.pending--
			w.Write([]byte(`{"status":"pending","job_id":"spn2-cce034d987d6c0d5e3c5e8e0a6b3e1fb2f1b2a3c","resources":[]}`))
			return
		}
		w.Write([]byte(s.outcome))
	default:
		http.NotFound(w, r)
	}
}

// successAnswer is the documented shape of a finished capture.
const successAnswer = `{"status":"success","job_id":"spn2-cce034d987d6c0d5e3c5e8e0a6b3e1fb2f1b2a3c",
	"original_url":"https://news.example.org/mosul","timestamp":"20260320100300","duration_sec":6.2,
	"resources":["https://news.example.org/mosul"],"outlinks":{}}`

func TestSaveWaitsForTheCapture(t *testing.T) {
	s := &standIn{t: t, pending: 2, outcome: successAnswer}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := &Client{HTTP: srv.Client(), Endpoint: srv.URL, AccessKey: "key", SecretKey: "secret", PollEvery: time.Millisecond}
	got, err := c.Save(context.Background(), "https://news.example.org/mosul")
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.URL + "/web/20260320100300/https://news.example.org/mosul"; got != want {
		t.Errorf("archive URL %q, want %q", got, want)
	}
	if len(s.captured) != 1 || s.captured[0] != "https://news.example.org/mosul" || s.pending != 0 {
		t.Errorf("captures %v, pending left %d", s.captured, s.pending)
	}
}

func TestSaveReportsFailures(t *testing.T) {
	// The documented answer to a capture that failed.
	errAnswer := `{"status":"error","exception":"[Errno -2] Name or service not known","status_ext":"error:invalid-host-resolution",
		"job_id":"spn2-cce034d987d6c0d5e3c5e8e0a6b3e1fb2f1b2a3c","message":"Couldn't resolve host for http://example5123.com."}`
	s := &standIn{t: t, outcome: errAnswer}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := &Client{HTTP: srv.Client(), Endpoint: srv.URL, AccessKey: "key", SecretKey: "secret", PollEvery: time.Millisecond}
	if _, err := c.Save(context.Background(), "http://example5123.com"); err == nil || !strings.Contains(err.Error(), "invalid-host-resolution") {
		t.Errorf("error answer gave %v", err)
	}
	bad := &Client{HTTP: srv.Client(), Endpoint: srv.URL, AccessKey: "key", SecretKey: "wrong"}
	if _, err := bad.Save(context.Background(), "https://news.example.org/"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("wrong keys gave %v", err)
	}
	slow := &standIn{t: t, pending: 1 << 30, outcome: successAnswer}
	srv2 := httptest.NewServer(slow)
	defer srv2.Close()
	c2 := &Client{HTTP: srv2.Client(), Endpoint: srv2.URL, AccessKey: "key", SecretKey: "secret", PollEvery: time.Millisecond, Timeout: 50 * time.Millisecond}
	if _, err := c2.Save(context.Background(), "https://news.example.org/"); err == nil {
		t.Error("a capture that never finishes did not time out")
	}
}
