package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/workflows"
)

// Platform is Slack's name in config, storage and actor keys.
const Platform = "slack"

// Modes of receiving events.
const (
	ModeSocket = "socket"
	ModeHTTP   = "http"
)

// DefaultCommand is the slash command's default name.
const DefaultCommand = "/factdesk"

// Config is the Slack part of the desk's configuration.
type Config struct {
	Mode          string `yaml:"mode"`           // ModeSocket (default) or ModeHTTP
	BotToken      string `yaml:"bot_token"`      // xoxb-…; FACTDESK_SLACK_BOT_TOKEN
	AppToken      string `yaml:"app_token"`      // xapp-…, Socket Mode; FACTDESK_SLACK_APP_TOKEN
	SigningSecret string `yaml:"signing_secret"` // HTTP mode; FACTDESK_SLACK_SIGNING_SECRET
	APIURL        string `yaml:"api_url"`        // Web API base; "" for Slack's own
	Command       string `yaml:"command"`        // slash command name, DefaultCommand when empty
	EditorGroup   string `yaml:"editor_group"`   // user group handle whose members are editors
	// TeamID is the workspace the desk serves (T…); auth.test tells it
	// when empty. Requests from any other workspace (a Slack Connect guest,
	// another workspace of an Enterprise Grid) are refused with a short
	// answer, unless AllowExternal lists that workspace's id.
	TeamID        string   `yaml:"team_id"`
	AllowExternal []string `yaml:"allow_external"`
	AllowBots     bool     `yaml:"allow_bots"` // handle messages from other bots
	// CaptureChannel is where the card of a claim filed with a shortcut is
	// posted (a channel id): for "File as claim", the message's own
	// channel when empty; for "New claim", which has no message, it must
	// be set.
	CaptureChannel string `yaml:"capture_channel"`
	// AppHome draws each person's queue in the app's Home tab: a
	// views.publish whenever one of their claims changes or they open it.
	AppHome bool `yaml:"app_home"`

	// The rest are set by the wiring and tests, not the config file.

	// GroupTTL is how long user group members are cached (5 minutes when 0).
	GroupTTL time.Duration `yaml:"-"`
	// CallTimeout bounds one Web API call (10 s when 0). A post that times
	// out is looked up before it is sent again.
	CallTimeout time.Duration `yaml:"-"`
	// HTTPClient is used for the Web API when set.
	HTTPClient *http.Client `yaml:"-"`
	// MaxRequests bounds HTTP mode requests in progress at once (256 when
	// 0); see Handler.
	MaxRequests int `yaml:"-"`
	// Workers, Queue and QueuePerUser size the pool that handles events
	// once they are acknowledged (bot.DefaultWorkers, bot.DefaultQueue and
	// bot.DefaultQueuePerKey when 0); see bot.Pool.
	Workers      int `yaml:"-"`
	Queue        int `yaml:"-"`
	QueuePerUser int `yaml:"-"`
}

// CheckSection validates the slack: section as a config file gives it: an
// empty bot token turns Slack off (but not with the other secrets set,
// which is a half-done setup); otherwise see Validate.
func (c Config) CheckSection() error {
	if c.BotToken == "" {
		if c.AppToken != "" || c.SigningSecret != "" {
			return errors.New("slack.bot_token is empty: Slack needs the bot token (xoxb-…) as well")
		}
		return nil
	}
	return c.Validate()
}

// Validate checks a configuration that is meant to run.
func (c Config) Validate() error {
	switch c.Mode {
	case "", ModeSocket:
		if !strings.HasPrefix(c.AppToken, "xapp-") {
			return errors.New("slack.app_token: Socket Mode needs an app-level token (xapp-…), or set slack.mode: http")
		}
	case ModeHTTP:
		if c.SigningSecret == "" {
			return errors.New("slack.signing_secret: HTTP mode needs the app's signing secret")
		}
	default:
		return fmt.Errorf("slack.mode %q: use socket or http", c.Mode)
	}
	if c.TeamID != "" && !teamIDRE.MatchString(c.TeamID) {
		return fmt.Errorf("slack.team_id %q: a workspace id looks like T012AB3CD (Slack shows it in the workspace's settings)", c.TeamID)
	}
	for _, t := range c.AllowExternal {
		if !teamIDRE.MatchString(t) {
			return fmt.Errorf("slack.allow_external: %q is not a workspace id like T012AB3CD", t)
		}
	}
	if c.CaptureChannel != "" && !channelIDRE.MatchString(c.CaptureChannel) {
		return fmt.Errorf("slack.capture_channel %q: give the channel's id, like C012AB3CD, not its name (the channel's details show it)", c.CaptureChannel)
	}
	if !strings.HasPrefix(c.BotToken, "xoxb-") {
		return errors.New("slack.bot_token: use the bot token (xoxb-…)")
	}
	if cmd := c.command(); !strings.HasPrefix(cmd, "/") || len(cmd) > 32 || strings.ContainsAny(cmd, " \t") {
		return fmt.Errorf("slack.command %q: a slash and one word, at most 32 characters", cmd)
	}
	return nil
}

func (c Config) command() string {
	if c.Command == "" {
		return DefaultCommand
	}
	return c.Command
}

// teamIDRE is a workspace id: T (E for an Enterprise Grid org) and capitals
// or digits. Ids are case-sensitive.
var teamIDRE = regexp.MustCompile(`^[TE][A-Z0-9]{2,}$`)

// channelIDRE is a conversation id: C (public), G (private, older) or D
// (direct) and capitals or digits.
var channelIDRE = regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`)

// IsUserID reports whether s is written as a Slack user id (U012ABCDEF; W…
// for an Enterprise Grid org's users).
func IsUserID(s string) bool {
	m := bareIDRE.FindStringSubmatch(s)
	return m != nil && m[1] == s
}

// Adapter is the desk in one Slack workspace: it receives events for the
// router and delivers outbox rows to Slack.
type Adapter struct {
	cfg    Config
	api    *slack.Client
	router bot.Port // the desk, as far as an adapter may see it
	clock  workflows.Clock
	log    *slog.Logger

	botUserID, botID string
	teamID           string // the workspace served: Config.TeamID, else auth.test's
	// connected is set once Connect succeeded; socketUp while a Socket
	// Mode connection is open.
	connected, socketUp atomic.Bool
	up                  chan struct{} // closed once connected
	upOnce              sync.Once

	people *people // who a typed mention is

	inflight sync.WaitGroup // handlers started and not finished

	slots chan struct{} // HTTP mode requests in progress; see Handler
	pool  *bot.Pool     // acknowledged events being handled

	// pacing: per channel, when the next chat.postMessage may go.
	paceMu sync.Mutex
	nextAt map[string]time.Time
}

// NewAdapter makes the adapter without calling Slack, so the desk can start
// while Slack is unreachable. Until Connect succeeds the adapter delivers
// nothing (Standby is true) and HTTP mode answers Slack's requests, after
// a short wait for it, with 503, which Slack retries.
func NewAdapter(cfg Config, router bot.Port, clock workflows.Clock, log *slog.Logger) *Adapter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = 10 * time.Second
	}
	if cfg.GroupTTL == 0 {
		cfg.GroupTTL = 5 * time.Minute
	}
	if cfg.MaxRequests <= 0 {
		cfg.MaxRequests = defaultMaxRequests
	}
	opts := []slack.Option{}
	if cfg.APIURL != "" {
		u := cfg.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, slack.OptionHTTPClient(cfg.HTTPClient))
	}
	a := &Adapter{
		cfg: cfg, api: slack.New(cfg.BotToken, opts...), router: router, clock: clock,
		log: log.With("platform", Platform), nextAt: map[string]time.Time{},
		slots: make(chan struct{}, cfg.MaxRequests), up: make(chan struct{}),
	}
	a.pool = bot.NewPool(cfg.Workers, cfg.Queue, cfg.QueuePerUser, handleTimeout, a.log)
	a.pool.SetDrain(bot.DrainOf(a.router, Platform, a.OrderKey))
	a.people = newPeople(a.api, clock, cfg.CallTimeout)
	return a
}

// Connect calls auth.test, which proves the bot token and tells the bot's
// own ids (so its own messages are ignored). A token Slack rejects is a
// *bot.RejectedCredential for slack.bot_token; any other error (refused
// connection, DNS, 5xx, rate limit) may pass, and Connect may be called again.
func (a *Adapter) Connect(ctx context.Context) error {
	tctx, cancel := context.WithTimeout(ctx, a.cfg.CallTimeout)
	defer cancel()
	who, err := a.api.AuthTestContext(tctx)
	if err != nil {
		return credentialError("slack.bot_token", fmt.Errorf("slack auth.test: %w", err))
	}
	a.botUserID, a.botID = who.UserID, who.BotID
	a.teamID = a.cfg.TeamID
	if a.teamID == "" {
		a.teamID = who.TeamID
	}
	a.connected.Store(true)
	a.upOnce.Do(func() { close(a.up) })
	return nil
}

// Standby is true until Connect has succeeded: the dispatcher leaves
// Slack's rows queued, their attempts unspent, while Slack is unreachable
// at start (workflows.Standby).
func (a *Adapter) Standby() bool { return !a.connected.Load() }

// Status says whether the adapter is ready to receive, for the desk's
// readiness check: connected to the Web API and, in Socket Mode, holding a
// websocket; detail says what it waits for.
func (a *Adapter) Status() (ready bool, detail string) {
	switch {
	case !a.connected.Load():
		return false, "connecting to the Web API"
	case a.cfg.Mode != ModeHTTP && !a.socketUp.Load():
		return false, "opening the Socket Mode connection"
	}
	return true, "connected"
}

// rejectedCodes are Slack's answers to a token that will never work; see
// https://api.slack.com/methods/auth.test#errors. slack-go's Socket Mode
// client gives up on the same codes.
var rejectedCodes = map[string]bool{
	"invalid_auth": true, "not_authed": true, "account_inactive": true,
	"token_revoked": true, "token_expired": true, "not_allowed_token_type": true,
}

// credentialError turns Slack's refusal of the token in key into a
// *bot.RejectedCredential and leaves every other error as it is.
func credentialError(key string, err error) error {
	var resp slack.SlackErrorResponse
	if errors.As(err, &resp) && rejectedCodes[resp.Err] {
		return &bot.RejectedCredential{Key: key, Reason: resp.Err, Err: err}
	}
	return err
}

// API is the Web API client the adapter uses.
func (a *Adapter) API() *slack.Client { return a.api }

// Roles returns the editor roles of slack.editor_group, or nil when none is
// configured.
func (a *Adapter) Roles() workflows.Roles {
	if a.cfg.EditorGroup == "" {
		return nil
	}
	return NewRoles(a.api, a.cfg.EditorGroup, a.cfg.GroupTTL, a.clock)
}

// Wait blocks until every event handed to a handler has been handled.
// That includes the refused events the pool works off itself (drain).
func (a *Adapter) Wait() {
	a.inflight.Wait()
	a.pool.Wait()
}

// Run receives events until ctx ends: over Socket Mode, or, in HTTP mode,
// through the handlers mounted with Mount. Events being handled when ctx
// ends are finished first.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.Wait()
	if a.cfg.Mode == ModeHTTP {
		<-ctx.Done()
		return nil
	}
	return a.runSocket(ctx)
}

// handleTimeout bounds handling one event after it was acknowledged.
const handleTimeout = 30 * time.Second

// handle queues fn as the next job of user (a Slack user id) in the
// adapter's pool and reports whether the pool took it. An event it did not
// take must stay recorded and unhandled in the inbox, where the pool's
// drain (bot.Pool) finds it, or failing that the sweep (Router.Recover);
// Wait covers every job taken and what the drain works off.
func (a *Adapter) handle(user string, fn func(ctx context.Context)) bool {
	a.inflight.Add(1)
	ok := a.pool.Submit(user, func(ctx context.Context) {
		defer a.inflight.Done()
		fn(ctx)
	})
	if !ok {
		a.inflight.Done()
	}
	return ok
}

// OrderKey is whose turn ev is in: a person's commands are handled in the
// order they came, people's at once (Slack sends requests at once, so no
// order across people exists to keep). See bot.Orderer.
func (a *Adapter) OrderKey(ev workflows.Inbound) string { return ev.Actor.ID }

// handleRecorded hands a recorded event to the pool; one the pool has no
// room for is left in the inbox, never dropped, and the pool works it off
// in its turn once the person's earlier commands are done (drain).
func (a *Adapter) handleRecorded(ev workflows.Inbound) {
	if !a.handle(a.OrderKey(ev), func(ctx context.Context) { a.router.Handle(ctx, ev) }) {
		a.log.Warn("event queue full; the event waits in the inbox for its turn",
			"event_id", ev.EventID, "inbox_id", ev.ID, "user", ev.Actor.ID)
	}
}
