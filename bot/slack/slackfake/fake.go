package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// Defaults used when no Option overrides them. The builders in payloads.go use
// the same values, so payloads built without an explicit team or app match a
// fake built without options.
const (
	DefaultBotToken  = "xoxb-0000000000-fake-bot-token"
	DefaultAppToken  = "xapp-1-A0FAKEAPP-fake-app-token"
	DefaultTeamID    = "T0FAKETEAM"
	DefaultTeamName  = "Fake Newsroom"
	DefaultDomain    = "fakenewsroom"
	DefaultAppID     = "A0FAKEAPP"
	DefaultBotUserID = "U0FAKEBOT"
	DefaultBotID     = "B0FAKEBOT"
	DefaultBotName   = "factdesk"
)

// defaultTSBase is the first second of the counter that hands out message
// timestamps when no WithNow clock is given.
const defaultTSBase = 1700000000

// ErrClosed is returned by the Wait helpers once the fake is closed.
var ErrClosed = errors.New("slackfake: server closed")

type config struct {
	botToken     string
	appToken     string
	teamID       string
	teamName     string
	domain       string
	appID        string
	botUserID    string
	botID        string
	botName      string
	pingInterval time.Duration
	now          func() time.Time
	tsBase       time.Time
}

// Option configures a Server.
type Option func(*config)

// WithBotToken sets the bot token (xoxb-) the Web API accepts.
func WithBotToken(token string) Option { return func(c *config) { c.botToken = token } }

// WithAppToken sets the app-level token (xapp-) apps.connections.open accepts.
func WithAppToken(token string) Option { return func(c *config) { c.appToken = token } }

// WithTeam sets the workspace id, name and domain.
func WithTeam(id, name, domain string) Option {
	return func(c *config) { c.teamID, c.teamName, c.domain = id, name, domain }
}

// WithAppID sets the app id reported in hello and connection info.
func WithAppID(id string) Option { return func(c *config) { c.appID = id } }

// WithBot sets the bot's user id, bot id and name (auth.test, posted messages).
func WithBot(userID, botID, name string) Option {
	return func(c *config) { c.botUserID, c.botID, c.botName = userID, botID, name }
}

// WithPingInterval sets how often the Socket Mode server pings its clients.
// slack-go reconnects when it hears no ping for 30 s (OptionPingInterval), so
// the default of 10 s keeps long tests connected.
func WithPingInterval(d time.Duration) Option { return func(c *config) { c.pingInterval = d } }

// WithNow makes message timestamps and call times follow the given clock
// (still strictly increasing: two posts in the same microsecond get distinct
// ts). Without it, timestamps come from a counter starting at
// "1700000000.000100" and stepping 100 µs, and call times use time.Now.
func WithNow(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithTSBase moves the start of the timestamp counter (ignored with WithNow).
func WithTSBase(t time.Time) Option { return func(c *config) { c.tsBase = t } }

// Server is the fake Slack. Create it with New; it is safe for concurrent use.
type Server struct {
	cfg  config
	tb   testing.TB
	http *httptest.Server
	done chan struct{}

	closeOnce sync.Once
	wg        sync.WaitGroup // websocket handlers and the dispatcher

	mu      sync.Mutex
	changed chan struct{} // closed and replaced whenever recorded state changes

	calls    []Call
	faults   map[string][]Fault
	lastTS   int64 // microseconds
	seq      int
	channel  map[string][]*Message // by channel, in ts order
	updates  map[msgKey][]Update
	ephem    []Ephemeral
	views    []View
	homes    map[string]json.RawMessage // user → their Home tab, as last published
	users    map[string]slack.User
	groups   []slack.UserGroup
	usedTrg  map[string]bool
	channels map[string]string // name → id, for Typed

	// Socket Mode state, see socket.go.
	tickets    map[string]bool
	ticketSeq  int
	conns      []*wsConn
	connTotal  int // connections upgraded
	helloTotal int // connections that got their hello
	pending    []*envelope
	envs       []*envelope
	envByID    map[string]*envelope
	acks       []Ack
	wake       chan struct{}
}

// New starts a fake Slack on 127.0.0.1. When tb is not nil the fake is
// closed by tb.Cleanup; otherwise call Close.
func New(tb testing.TB, opts ...Option) *Server {
	cfg := config{
		botToken:     DefaultBotToken,
		appToken:     DefaultAppToken,
		teamID:       DefaultTeamID,
		teamName:     DefaultTeamName,
		domain:       DefaultDomain,
		appID:        DefaultAppID,
		botUserID:    DefaultBotUserID,
		botID:        DefaultBotID,
		botName:      DefaultBotName,
		pingInterval: 10 * time.Second,
		tsBase:       time.Unix(defaultTSBase, 0),
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg:     cfg,
		tb:      tb,
		done:    make(chan struct{}),
		changed: make(chan struct{}),
		faults:  map[string][]Fault{},
		lastTS:  cfg.tsBase.UnixMicro(),
		channel: map[string][]*Message{},
		updates: map[msgKey][]Update{},
		users:   map[string]slack.User{},
		usedTrg: map[string]bool{},
		homes:   map[string]json.RawMessage{},
		tickets: map[string]bool{},
		envByID: map[string]*envelope{},
		wake:    make(chan struct{}, 1),
	}
	s.users[cfg.botUserID] = slack.User{
		ID: cfg.botUserID, TeamID: cfg.teamID, Name: cfg.botName, RealName: cfg.botName,
		IsBot: true, Profile: slack.UserProfile{BotID: cfg.botID, RealName: cfg.botName, DisplayName: cfg.botName},
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	s.http = httptest.NewServer(mux)

	s.wg.Add(1)
	go s.dispatch()

	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// Close stops the fake: it releases hanging requests, drops Socket Mode
// connections and shuts the HTTP server down. It is safe to call twice.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.mu.Lock()
		conns := append([]*wsConn(nil), s.conns...)
		s.mu.Unlock()
		for _, c := range conns {
			c.close()
		}
		s.http.Close()
		s.wg.Wait()
	})
}

// APIURL is the Web API base for slack.OptionAPIURL; it ends with "/".
func (s *Server) APIURL() string { return s.http.URL + "/api/" }

// URL is the root of the fake's HTTP server.
func (s *Server) URL() string { return s.http.URL }

// Client returns a slack-go client pointed at the fake with its bot and app
// tokens. Extra options are applied after those.
func (s *Server) Client(opts ...slack.Option) *slack.Client {
	all := append([]slack.Option{
		slack.OptionAPIURL(s.APIURL()),
		slack.OptionAppLevelToken(s.cfg.appToken),
	}, opts...)
	return slack.New(s.cfg.botToken, all...)
}

// BotToken returns the accepted bot token.
func (s *Server) BotToken() string { return s.cfg.botToken }

// AppToken returns the accepted app-level token.
func (s *Server) AppToken() string { return s.cfg.appToken }

// BotUserID returns the bot's user id (auth.test user_id).
func (s *Server) BotUserID() string { return s.cfg.botUserID }

// BotID returns the bot id (auth.test bot_id, bot_id on its messages).
func (s *Server) BotID() string { return s.cfg.botID }

// TeamID returns the workspace id.
func (s *Server) TeamID() string { return s.cfg.teamID }

// AppID returns the app id.
func (s *Server) AppID() string { return s.cfg.appID }

// Call is one recorded Web API request.
type Call struct {
	Seq        int    // 1-based order of arrival across all methods
	Method     string // Slack method, e.g. "chat.postMessage"
	HTTPMethod string
	// Params holds query and form values, and for JSON bodies each top-level
	// field (strings as is, anything else as JSON text). The token is not
	// kept here; see Token.
	Params url.Values
	JSON   json.RawMessage // raw body when it was JSON
	Token  string          // from "Authorization: Bearer" or the token field
	Time   time.Time       // arrival (WithNow clock when set)
	Fault  string          // the injected fault, if any
	Status int             // HTTP status the fake answered (0 when it sent none)
	Error  string          // Slack error code answered, if any
}

type msgKey struct{ channel, ts string }

// notifyLocked wakes every waiter; callers hold s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond (evaluated under s.mu) holds.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return ErrClosed
		}
	}
}

func (s *Server) now() time.Time {
	if s.cfg.now != nil {
		return s.cfg.now()
	}
	return time.Now()
}

// Calls returns the recorded calls of method, or of every method when method
// is "".
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			c.Params = cloneValues(c.Params)
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls blocks until at least n calls of method were answered (or met
// their fault) and returns all calls of method so far.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	var out []Call
	err := s.waitFor(ctx, func() bool {
		out = s.callsLocked(method)
		return len(out) >= n
	})
	if err != nil {
		return out, fmt.Errorf("waiting for %d %s calls, have %d: %w", n, method, len(out), err)
	}
	return out, nil
}

// apiRequest is a parsed Web API request.
type apiRequest struct {
	method string
	params url.Values
	json   json.RawMessage
	token  string
}

type apiHandler func(s *Server, r *apiRequest) (map[string]any, string)

var apiHandlers = map[string]apiHandler{
	"auth.test":             (*Server).authTest,
	"chat.postMessage":      (*Server).chatPostMessage,
	"chat.update":           (*Server).chatUpdate,
	"chat.delete":           (*Server).chatDelete,
	"chat.postEphemeral":    (*Server).chatPostEphemeral,
	"chat.getPermalink":     (*Server).chatGetPermalink,
	"conversations.history": (*Server).conversationsHistory,
	"conversations.replies": (*Server).conversationsReplies,
	"reactions.add":         (*Server).reactionsAdd,
	"users.info":            (*Server).usersInfo,
	"users.list":            (*Server).usersList,
	"usergroups.list":       (*Server).usergroupsList,
	"usergroups.users.list": (*Server).usergroupsUsersList,
	"views.open":            (*Server).viewsOpen,
	"conversations.open":    (*Server).conversationsOpen,
	"views.publish":         (*Server).viewsPublish,
	"apps.connections.open": (*Server).appsConnectionsOpen,
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	arrived := s.now()
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	req, perr := parseAPIRequest(r, method)

	s.mu.Lock()
	fault, hasFault := s.popFaultLocked(method)
	s.seq++
	call := Call{
		Seq: s.seq, Method: method, HTTPMethod: r.Method,
		Params: req.params, JSON: req.json, Token: req.token, Time: arrived,
	}
	var body []byte
	if hasFault {
		call.Fault = fault.String()
	}
	if !hasFault || fault.after {
		var out map[string]any
		code := perr
		if code == "" {
			code = s.authorizeLocked(method, req.token)
		}
		if code == "" {
			h, ok := apiHandlers[method]
			if !ok {
				code = "unknown_method"
			} else {
				out, code = h(s, req)
			}
		}
		if code != "" {
			out = map[string]any{"ok": false, "error": code}
		} else {
			out["ok"] = true
		}
		call.Error = code
		body, _ = json.Marshal(out)
	}
	if hasFault {
		call.Status, call.Error = fault.answer(call.Error)
	} else {
		call.Status = http.StatusOK
	}
	s.calls = append(s.calls, call)
	s.notifyLocked()
	s.mu.Unlock()

	if hasFault {
		fault.write(w, r, s.done)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(body)
}

// parseAPIRequest reads the body and collects params; a non-empty second
// result is a Slack error code for a body the fake cannot read.
func parseAPIRequest(r *http.Request, method string) (*apiRequest, string) {
	req := &apiRequest{method: method, params: url.Values{}}
	for k, v := range r.URL.Query() {
		req.params[k] = append(req.params[k], v...)
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return req, "request_timeout"
	}
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	code := ""
	switch {
	case len(raw) == 0:
	case ctype == "application/json":
		req.json = raw
		var top map[string]json.RawMessage
		if err := json.Unmarshal(raw, &top); err != nil {
			// slack-go posts apps.connections.open with a "null" body.
			if strings.TrimSpace(string(raw)) != "null" {
				code = "invalid_json"
			}
		}
		for k, v := range top {
			var str string
			if json.Unmarshal(v, &str) == nil {
				req.params.Set(k, str)
			} else {
				req.params.Set(k, string(v))
			}
		}
	default:
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			code = "invalid_form_data"
		}
		for k, v := range form {
			req.params[k] = append(req.params[k], v...)
		}
	}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		req.token = strings.TrimPrefix(auth, "Bearer ")
	} else {
		req.token = req.params.Get("token")
	}
	req.params.Del("token")
	return req, code
}

// authorizeLocked checks the token the way Slack does for bot and app-level
// tokens.
func (s *Server) authorizeLocked(method, token string) string {
	switch {
	case token == "":
		return "not_authed"
	case token != s.cfg.botToken && token != s.cfg.appToken:
		return "invalid_auth"
	case method == "auth.test":
		return ""
	case method == "apps.connections.open":
		if token != s.cfg.appToken {
			return "not_allowed_token_type"
		}
	case token != s.cfg.botToken:
		return "not_allowed_token_type"
	}
	return ""
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// fatalf reports a misuse of the fake by the test itself.
func (s *Server) fatalf(format string, args ...any) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf(format, args...)
	}
	panic(fmt.Sprintf(format, args...))
}
