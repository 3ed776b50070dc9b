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
	"strings"
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

// Limits of the HTTP mode endpoints. Slack sends a few kilobytes at once
// and must hear back within 3 s, so nothing legitimate is slow or large.
const (
	// maxBody bounds a request body; Slack's are a few kilobytes (an event
	// with a 40,000-character message and its blocks stays well under it).
	maxBody = 1 << 20
	// bodyTimeout bounds reading a body once its headers are in: Slack's own
	// ack window, since a request that arrives slower cannot be answered in
	// time anyway. A stranger trickling a body is cut off after it.
	bodyTimeout = 3 * time.Second
	// defaultMaxRequests bounds Slack requests in progress (reading, verifying,
	// recording) on one adapter. Beyond it a request waits up to slotWait
	// and is then refused with 503, so a flood of forged slow bodies holds at
	// most this many of the server's connections and /healthz keeps the rest.
	defaultMaxRequests = 256
	// slotWait is how long a request waits for a free slot.
	slotWait = time.Second
)

// signatureWindow is how far a request's timestamp may be from now.
const signatureWindow = 5 * time.Minute

// Mount registers the HTTP mode handlers.
func (a *Adapter) Mount(mux *http.ServeMux) {
	if a.cfg.Mode != ModeHTTP {
		return // Socket Mode: Slack sends nothing over HTTP
	}
	mux.Handle("POST "+PathCommands, a.Handler())
	mux.Handle("POST "+PathEvents, a.Handler())
	mux.Handle("POST "+PathInteractions, a.Handler())
}

// Handler serves the three HTTP mode paths. A request's signature headers
// and timestamp are checked before its body is read, and the body is read
// under maxBody and bodyTimeout and verified before anything in it is
// parsed; an unsigned, forged or stale request gets 401, leaves no trace,
// and its connection is closed. At most Config.MaxRequests requests are in
// progress at once; one beyond that gets 503 after slotWait.
func (a *Adapter) Handler() http.Handler {
	return http.HandlerFunc(a.serveHTTP)
}

func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	ts, sig, err := a.checkHeaders(r.Header)
	if err != nil {
		a.refuse(w, r, err)
		return
	}
	if !a.waitConnected(r.Context()) {
		// Until auth.test has told the bot's own ids its own messages
		// cannot be told apart; Slack sends the request again later.
		w.Header().Set("Retry-After", "5")
		http.Error(w, "starting, try again", http.StatusServiceUnavailable)
		return
	}
	if !a.takeSlot(r.Context()) {
		// Closing the connection frees it for health checks and Slack.
		dropConnection(w)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy, try again", http.StatusServiceUnavailable)
		return
	}
	defer a.releaseSlot()
	body, err := a.readBody(w, r, ts, sig)
	if err != nil {
		a.refuse(w, r, err)
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

// refuse answers an unverified request with 401 and closes its connection,
// without reading (or draining) what is left of its body.
func (a *Adapter) refuse(w http.ResponseWriter, r *http.Request, reason error) {
	a.log.Warn("refused an unsigned slack request", "path", r.URL.Path, "reason", reason.Error())
	dropConnection(w)
	http.Error(w, "invalid signature", http.StatusUnauthorized)
}

// dropConnection makes the server close the connection once the answer is
// written, without first draining the rest of the body: net/http would
// otherwise read up to 256 KB of it, as slowly as the client sends it.
func dropConnection(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	_ = http.NewResponseController(w).SetReadDeadline(time.Now())
}

// connectWait is how long a request that arrives while the adapter is
// still connecting (the first moments of a start) waits for it, well
// inside Slack's three seconds.
const connectWait = time.Second

// waitConnected reports whether Connect has succeeded, waiting up to
// connectWait for it.
func (a *Adapter) waitConnected(ctx context.Context) bool {
	if a.connected.Load() {
		return true
	}
	t := time.NewTimer(connectWait)
	defer t.Stop()
	select {
	case <-a.up:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

func (a *Adapter) takeSlot(ctx context.Context) bool {
	select {
	case a.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(slotWait)
	defer t.Stop()
	select {
	case a.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (a *Adapter) releaseSlot() { <-a.slots }

var (
	errNoSignature = errors.New("missing or malformed signature headers")
	errStale       = errors.New("timestamp outside the 5-minute window")
	errForged      = errors.New("signature does not match")
	errBody        = errors.New("body too large, too slow or cut off")
)

// checkHeaders checks, before any of the body is read, that the request
// carries a well-formed signature ("v0=" and 64 hex digits) and a timestamp
// within signatureWindow of the desk's clock.
func (a *Adapter) checkHeaders(h http.Header) (ts, sig string, err error) {
	ts, sig = h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	if ts == "" || a.cfg.SigningSecret == "" || !wellFormedSignature(sig) {
		return "", "", errNoSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", "", errNoSignature
	}
	if d := a.clock.Now().Sub(time.Unix(sec, 0)); d > signatureWindow || d < -signatureWindow {
		return "", "", errStale
	}
	return ts, sig, nil
}

func wellFormedSignature(sig string) bool {
	hexPart, ok := strings.CutPrefix(sig, "v0=")
	if !ok || len(hexPart) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(hexPart)
	return err == nil
}

// readBody reads the raw body within bodyTimeout and maxBody and checks
// Slack's v0 signature over "v0:{timestamp}:{body}" in constant time.
func (a *Adapter) readBody(w http.ResponseWriter, r *http.Request, ts, sig string) ([]byte, error) {
	if r.ContentLength > maxBody {
		return nil, errBody
	}
	// Not every ResponseWriter can set deadlines (a test recorder cannot);
	// the server's own ReadTimeout still bounds those.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyTimeout))
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		return nil, errBody
	}
	mac := hmac.New(sha256.New, []byte(a.cfg.SigningSecret))
	mac.Write([]byte("v0:" + ts + ":"))
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
	if errors.Is(err, errForeignTeam) {
		// The response body is shown to the person who typed the command.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, foreignAnswer)
		return
	}
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
		a.handleRecorded(ev)
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
	// An external select's options are the answer itself.
	if ic.Type == slack.InteractionTypeBlockSuggestion {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(a.suggest(r.Context(), ic))
		return
	}
	// A modal submission is recorded before Slack hears back, like a
	// command, so a crash after the answer loses nothing.
	if ev, ok := a.recordable(ic, raw); ok {
		a.recordThenHandle(w, r, ev)
		return
	}
	// A click is recorded only as it is handled: with no room in the pool
	// it is refused, and Slack shows the clicker that it failed.
	if !a.handle(ic.User.ID, func(ctx context.Context) { a.interaction(ctx, ic, raw) }) {
		a.log.Warn("event queue full; a click is refused", "user", ic.User.ID)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy, try again", http.StatusServiceUnavailable)
		return
	}
	// An empty 200 closes a submitted modal; the answer comes in the channel.
	w.WriteHeader(http.StatusOK)
}
