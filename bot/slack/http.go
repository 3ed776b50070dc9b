package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/workflows"
)

// HTTP mode paths on the run command's server.
const (
	PathCommands     = "/slack/commands"
	PathEvents       = "/slack/events"
	PathInteractions = "/slack/interactions"
)

// maxBody bounds a request body; Slack's are a few kilobytes.
const maxBody = 1 << 20

// signatureWindow is how far a request's timestamp may be from now.
const signatureWindow = 5 * time.Minute

// Mount registers the HTTP mode handlers.
func (a *Adapter) Mount(mux *http.ServeMux) {
	mux.Handle("POST "+PathCommands, a.Handler())
	mux.Handle("POST "+PathEvents, a.Handler())
	mux.Handle("POST "+PathInteractions, a.Handler())
}

// Handler serves the three HTTP mode paths. Every request is verified with
// the signing secret before anything in it is read; an unsigned, forged or
// stale one gets 401 and leaves no trace.
func (a *Adapter) Handler() http.Handler {
	return http.HandlerFunc(a.serveHTTP)
}

func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := a.verify(r)
	if err != nil {
		a.log.Warn("refused an unsigned slack request", "path", r.URL.Path, "reason", err.Error())
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	switch r.URL.Path {
	case PathCommands:
		a.serveCommand(w, r, body)
	case PathEvents:
		a.serveEvent(w, r, body)
	case PathInteractions:
		a.serveInteraction(w, r, body)
	default:
		http.NotFound(w, r)
	}
}

var (
	errNoSignature = errors.New("missing signature headers")
	errStale       = errors.New("timestamp outside the 5-minute window")
	errForged      = errors.New("signature does not match")
)

// verify reads the raw body and checks Slack's v0 signature over
// "v0:{timestamp}:{body}" in constant time, with the desk's clock.
func (a *Adapter) verify(r *http.Request) ([]byte, error) {
	tsText, sig := r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature")
	if tsText == "" || sig == "" || a.cfg.SigningSecret == "" {
		return nil, errNoSignature
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return nil, errNoSignature
	}
	if d := a.clock.Now().Sub(time.Unix(ts, 0)); d > signatureWindow || d < -signatureWindow {
		return nil, errStale
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		return nil, errForged
	}
	mac := hmac.New(sha256.New, []byte(a.cfg.SigningSecret))
	mac.Write([]byte("v0:" + tsText + ":"))
	mac.Write(body)
	want := "v0=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return nil, errForged
	}
	return body, nil
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	if form, err := url.ParseQuery(string(body)); err == nil && form.Get("ssl_check") == "1" {
		w.WriteHeader(http.StatusOK)
		return
	}
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	ev, err := a.commandInbound(cmd, body)
	if err != nil {
		http.Error(w, "unknown command", http.StatusBadRequest)
		return
	}
	a.recordThenHandle(w, r, ev)
}

// recordThenHandle records ev before answering, so a command Slack was told
// we have is never lost (a crash leaves it for Router.Recover), and handles
// it after answering, so Slack hears back at once. A replayed request finds
// its event recorded and changes nothing.
func (a *Adapter) recordThenHandle(w http.ResponseWriter, r *http.Request, ev workflows.Inbound) {
	fresh, err := a.router.Record(r.Context(), &ev)
	if err != nil {
		a.log.Error("recording a slack event", "event_id", ev.EventID, "err", err)
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	if fresh {
		a.begin().run(func(ctx context.Context) { a.router.Handle(ctx, ev) })
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	var cb callback
	if err := json.Unmarshal(body, &cb); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if cb.Type == "url_verification" {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, cb.Challenge)
		return
	}
	ev, ok := a.eventInbound(r.Context(), cb)
	if !ok {
		w.WriteHeader(http.StatusOK)
		return
	}
	a.recordThenHandle(w, r, ev)
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	raw := []byte(form.Get("payload"))
	var ic slack.InteractionCallback
	if err := json.Unmarshal(raw, &ic); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	// An empty 200 closes a submitted modal; the answer comes in the channel.
	a.begin().run(func(ctx context.Context) { a.interaction(ctx, ic, raw) })
	w.WriteHeader(http.StatusOK)
}
