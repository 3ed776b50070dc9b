package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// MaxAckBytes is Slack's limit for a Socket Mode response: an ack of this
// size or more is dropped by Slack, so the fake records it as Dropped and
// does not count it as an acknowledgement.
const MaxAckBytes = 20 * 1024

// writeTimeout bounds a write to a client that stopped reading.
const writeTimeout = 10 * time.Second

// Envelope is a Socket Mode envelope the fake sent or has queued.
type Envelope struct {
	ID                     string
	Type                   string // events_api, slash_commands or interactive
	Payload                json.RawMessage
	AcceptsResponsePayload bool
	RetryAttempt           int
	RetryReason            string
	Deliveries             int // times written to a connection
}

// Ack is one Socket Mode response read from a client.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil when the ack carried no payload
	Size       int             // bytes on the wire
	Dropped    bool            // Size >= MaxAckBytes: Slack ignores it
	Conn       int             // 1-based number of the connection it came on
	Time       time.Time
}

type envelope struct {
	Envelope
}

func (e *envelope) wire() []byte {
	b, _ := json.Marshal(map[string]any{
		"envelope_id":              e.ID,
		"type":                     e.Type,
		"payload":                  e.Payload,
		"accepts_response_payload": e.AcceptsResponsePayload,
		"retry_attempt":            e.RetryAttempt,
		"retry_reason":             e.RetryReason,
	})
	return b
}

type wsConn struct {
	id    int
	ws    *websocket.Conn
	wmu   sync.Mutex // gorilla allows one writer at a time
	ready bool       // hello sent; guarded by Server.mu
	once  sync.Once
	gone  chan struct{}
}

func (c *wsConn) write(data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// close drops the connection without a close frame, as a network failure
// would.
func (c *wsConn) close() {
	c.once.Do(func() {
		close(c.gone)
		_ = c.ws.Close()
	})
}

func (s *Server) appsConnectionsOpen(_ *apiRequest) (map[string]any, string) {
	s.ticketSeq++
	ticket := fmt.Sprintf("ticket-%d", s.ticketSeq)
	s.tickets[ticket] = true
	u := url.URL{
		Scheme:   "ws",
		Host:     s.http.Listener.Addr().String(),
		Path:     "/link/",
		RawQuery: url.Values{"ticket": {ticket}, "app_id": {s.cfg.appID}}.Encode(),
	}
	return map[string]any{"url": u.String()}, ""
}

var upgrader = websocket.Upgrader{
	CheckOrigin: func(*http.Request) bool { return true },
}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	ok := s.tickets[ticket]
	delete(s.tickets, ticket) // a ticket is good for one connection
	s.mu.Unlock()
	if !ok {
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}

	s.mu.Lock()
	select {
	case <-s.done:
		s.mu.Unlock()
		_ = ws.Close()
		return
	default:
	}
	s.connTotal++
	c := &wsConn{id: s.connTotal, ws: ws, gone: make(chan struct{})}
	s.conns = append(s.conns, c)
	live := len(s.conns)
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	defer s.dropConn(c)

	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": live,
		"debug_info": map[string]any{
			"host": "slackfake", "build_number": 1, "approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": s.cfg.appID},
	})
	if err := c.write(hello); err != nil {
		return
	}
	s.mu.Lock()
	c.ready = true
	s.helloTotal++
	s.notifyLocked()
	s.mu.Unlock()
	s.kick()

	s.wg.Add(1)
	go s.ping(c)
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		s.recordAck(c, data)
	}
}

func (s *Server) ping(c *wsConn) {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.pingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.gone:
			return
		case <-t.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)); err != nil {
				c.close()
				return
			}
		}
	}
}

func (s *Server) dropConn(c *wsConn) {
	c.close()
	s.mu.Lock()
	s.conns = slices.DeleteFunc(s.conns, func(e *wsConn) bool { return e == c })
	s.notifyLocked()
	s.mu.Unlock()
}

func (s *Server) recordAck(c *wsConn, data []byte) {
	var msg struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	_ = json.Unmarshal(data, &msg)
	a := Ack{
		EnvelopeID: msg.EnvelopeID,
		Size:       len(data),
		Dropped:    len(data) >= MaxAckBytes,
		Conn:       c.id,
		Time:       s.now(),
	}
	if len(msg.Payload) > 0 && string(msg.Payload) != "null" {
		a.Payload = msg.Payload
	}
	s.mu.Lock()
	s.acks = append(s.acks, a)
	s.notifyLocked()
	s.mu.Unlock()
}

// kick wakes the dispatcher.
func (s *Server) kick() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// liveConnLocked picks the connection for the next envelope: like Slack,
// each envelope goes to one connection; the fake uses the newest.
func (s *Server) liveConnLocked() *wsConn {
	for i := len(s.conns) - 1; i >= 0; i-- {
		if s.conns[i].ready {
			return s.conns[i]
		}
	}
	return nil
}

// dispatch writes queued envelopes, in order, to a live connection. An
// envelope that cannot be written stays queued for the next connection.
func (s *Server) dispatch() {
	defer s.wg.Done()
	for {
		select {
		case <-s.done:
			return
		case <-s.wake:
		}
		for {
			s.mu.Lock()
			c := s.liveConnLocked()
			if c == nil || len(s.pending) == 0 {
				s.mu.Unlock()
				break
			}
			e := s.pending[0]
			s.pending = s.pending[1:]
			data := e.wire()
			s.mu.Unlock()

			err := c.write(data)

			s.mu.Lock()
			if err != nil {
				s.pending = append([]*envelope{e}, s.pending...)
				c.ready = false
			} else {
				e.Deliveries++
			}
			s.notifyLocked()
			s.mu.Unlock()
			if err != nil {
				c.close()
			}
		}
	}
}

func (s *Server) newEnvelopeIDLocked() string {
	n := len(s.envs) + 1
	return fmt.Sprintf("%08x-fa4e-4d5e-8000-%012x", n, n)
}

func (s *Server) enqueue(typ string, payload json.RawMessage, accepts bool) string {
	s.mu.Lock()
	e := &envelope{Envelope{
		ID: s.newEnvelopeIDLocked(), Type: typ, Payload: payload, AcceptsResponsePayload: accepts,
	}}
	s.envs = append(s.envs, e)
	s.envByID[e.ID] = e
	s.pending = append(s.pending, e)
	s.notifyLocked()
	s.mu.Unlock()
	s.kick()
	return e.ID
}

func (s *Server) rawJSON(v any) json.RawMessage {
	var raw []byte
	switch p := v.(type) {
	case json.RawMessage:
		raw = p
	case []byte:
		raw = p
	case string:
		raw = []byte(p)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			s.fatalf("slackfake: marshal payload: %v", err)
		}
		raw = b
	}
	if !json.Valid(raw) {
		s.fatalf("slackfake: payload is not JSON: %.200s", raw)
	}
	return json.RawMessage(slices.Clone(raw))
}

// SendEvent sends an events_api envelope whose payload is an Events API
// callback (see EventCallbackJSON), given as JSON bytes or a value to
// marshal. Envelopes sent while no client is connected wait for the next
// connection. It returns the envelope id.
func (s *Server) SendEvent(payload any) string {
	return s.enqueue("events_api", s.rawJSON(payload), false)
}

// SendSlashCommand sends a slash_commands envelope; the payload carries the
// form fields (see SlashCommandForm) as a JSON object, as Slack does.
func (s *Server) SendSlashCommand(form url.Values) string {
	obj := map[string]string{}
	for k, v := range form {
		if len(v) > 0 {
			obj[k] = v[0]
		}
	}
	return s.enqueue("slash_commands", s.rawJSON(obj), true)
}

// SendInteraction sends an interactive envelope with the given interaction
// payload (see BlockActionsJSON): the JSON that HTTP mode would carry in the
// form field "payload".
func (s *Server) SendInteraction(payload any) string {
	raw := s.rawJSON(payload)
	var typ struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(raw, &typ)
	accepts := typ.Type == "view_submission" || typ.Type == "block_suggestion"
	return s.enqueue("interactive", raw, accepts)
}

// Redeliver sends the very same envelope (same envelope_id) again.
func (s *Server) Redeliver(envelopeID string) error {
	s.mu.Lock()
	e, ok := s.envByID[envelopeID]
	if ok {
		s.pending = append(s.pending, e)
	}
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("slackfake: unknown envelope %q", envelopeID)
	}
	s.kick()
	return nil
}

// Retry sends the payload of an earlier envelope again in a new envelope,
// as Slack retries an event that was not acknowledged: same payload (so the
// same event_id), retry_attempt one higher, retry_reason set ("timeout" when
// reason is empty). It returns the new envelope id.
func (s *Server) Retry(envelopeID, reason string) (string, error) {
	if reason == "" {
		reason = "timeout"
	}
	s.mu.Lock()
	old, ok := s.envByID[envelopeID]
	if !ok {
		s.mu.Unlock()
		return "", fmt.Errorf("slackfake: unknown envelope %q", envelopeID)
	}
	e := &envelope{Envelope{
		ID: s.newEnvelopeIDLocked(), Type: old.Type, Payload: old.Payload,
		AcceptsResponsePayload: old.AcceptsResponsePayload,
		RetryAttempt:           old.RetryAttempt + 1, RetryReason: reason,
	}}
	s.envs = append(s.envs, e)
	s.envByID[e.ID] = e
	s.pending = append(s.pending, e)
	s.notifyLocked()
	s.mu.Unlock()
	s.kick()
	return e.ID, nil
}

// Envelopes returns every envelope sent or queued, in order of creation.
func (s *Server) Envelopes() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Envelope, len(s.envs))
	for i, e := range s.envs {
		out[i] = e.Envelope
	}
	return out
}

// Acks returns every response read from clients, dropped ones included.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.acks)
}

// WaitAck blocks until the envelope is acknowledged with an ack Slack would
// accept (a Dropped ack does not count) and returns that ack.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	var got Ack
	err := s.waitFor(ctx, func() bool {
		for _, a := range s.acks {
			if a.EnvelopeID == envelopeID && !a.Dropped {
				got = a
				return true
			}
		}
		return false
	})
	if err != nil {
		return Ack{}, fmt.Errorf("waiting for ack of %s: %w", envelopeID, err)
	}
	return got, nil
}

// WaitAcks blocks until the envelope has n acks Slack would accept and
// returns them in the order they came. After Redeliver, whose envelope keeps
// its id, WaitAck would return the first ack; wait for one more here.
func (s *Server) WaitAcks(ctx context.Context, envelopeID string, n int) ([]Ack, error) {
	var got []Ack
	err := s.waitFor(ctx, func() bool {
		got = got[:0]
		for _, a := range s.acks {
			if a.EnvelopeID == envelopeID && !a.Dropped {
				got = append(got, a)
			}
		}
		return len(got) >= n
	})
	if err != nil {
		return nil, fmt.Errorf("waiting for %d acks of %s, have %d: %w", n, envelopeID, len(got), err)
	}
	return got, nil
}

// WaitConnections blocks until n Socket Mode connections in total have been
// established (hello sent) since the fake started.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	err := s.waitFor(ctx, func() bool { return s.helloTotal >= n })
	if err != nil {
		return fmt.Errorf("waiting for %d socket connections: %w", n, err)
	}
	return nil
}

// ConnectionCount returns how many Socket Mode connections were established
// since the fake started, and how many are live now.
func (s *Server) ConnectionCount() (total, live int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		if c.ready {
			live++
		}
	}
	return s.helloTotal, live
}

// Disconnect drops every live Socket Mode connection without a close frame,
// as a network failure would. slack-go then calls apps.connections.open and
// connects again; envelopes sent meanwhile wait for that connection.
func (s *Server) Disconnect() {
	s.mu.Lock()
	conns := slices.Clone(s.conns)
	for _, c := range conns {
		c.ready = false
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// RequestReconnect sends Slack's "disconnect" message (reason
// refresh_requested) to every live connection, asking clients to reconnect.
func (s *Server) RequestReconnect() {
	msg, _ := json.Marshal(map[string]any{
		"type": "disconnect", "reason": "refresh_requested",
		"debug_info": map[string]any{"host": "slackfake"},
	})
	s.mu.Lock()
	var conns []*wsConn
	for _, c := range s.conns {
		if c.ready {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.write(msg)
	}
}
