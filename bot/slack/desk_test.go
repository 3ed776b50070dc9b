package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot"
	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/workflows"
)

const (
	secret   = "8f742231b10e8888abcd99yyyzzz85a5"
	channel  = "C0NEWS"
	reporter = "UREPORTER"
	editor   = "UEDITOR"
	outsider = "UOUTSIDER"
)

// desk is a whole desk on a real SQLite database, talking to the fake Slack.
type desk struct {
	t       testing.TB
	ctx     context.Context
	fake    *slackfake.Server
	db      *storage.DB
	clock   *fakeclock.Clock
	engine  *workflows.Engine
	router  *bot.Router
	disp    *workflows.Dispatcher
	adapter *slackbot.Adapter
	mode    string
	dbURL   string // where db lives; a replica opens it again
	stop    func() // Socket Mode: ends Run and waits for it; nil in HTTP mode
}

type deskOption func(*slackbot.Config)

func newDesk(t testing.TB, mode string, opts ...deskOption) *desk {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	clock := fakeclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	fake := slackfake.New(t, slackfake.WithNow(clock.Now))
	return openDesk(t, ctx, mode, fake, clock, "sqlite://"+filepath.Join(t.TempDir(), "desk.db"), opts...)
}

// openDesk builds a desk on a given fake Slack, clock and database. Called
// again with the same ones it builds another replica of the same desk.
func openDesk(t testing.TB, ctx context.Context, mode string, fake *slackfake.Server, clock *fakeclock.Clock,
	dbURL string, opts ...deskOption) *desk {
	t.Helper()
	db := dbtest.Open(t, dbURL)
	roles := &bot.StaticRoles{Editors: map[string][]string{"slack": {editor}}, Dynamic: map[string]workflows.Roles{}}
	d := &desk{t: t, ctx: ctx, fake: fake, db: db, clock: clock, mode: mode, dbURL: dbURL}
	d.engine = &workflows.Engine{Store: db, Roles: roles, Rules: workflows.DefaultRules(), Clock: clock,
		Limits: map[string]workflows.Limits{slackbot.Platform: slackbot.Limits}}
	d.router = &bot.Router{Engine: d.engine, Inbox: db, Grammar: bot.NewGrammar(), Clock: clock,
		Mentions: map[string]func(string) (string, bool){slackbot.Platform: slackbot.ParseMention}}
	cfg := slackbot.Config{Mode: mode, BotToken: fake.BotToken(), AppToken: fake.AppToken(), SigningSecret: secret,
		APIURL: fake.APIURL(), CallTimeout: 2 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	a := slackbot.NewAdapter(cfg, d.router, clock, nil)
	if err := a.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	d.router.Resolve = map[string]func(context.Context, string) (string, error){slackbot.Platform: a.ResolveMention}
	d.router.Order = map[string]func(workflows.Inbound) string{slackbot.Platform: a.OrderKey}
	if r := a.Roles(); r != nil {
		roles.Dynamic[slackbot.Platform] = r
	}
	d.adapter = a
	d.disp = &workflows.Dispatcher{Outbox: db, Deliverers: map[string]workflows.Deliverer{slackbot.Platform: a},
		Clock: clock, Owner: "test"}
	if mode == slackbot.ModeSocket {
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- a.Run(runCtx) }()
		d.stop = sync.OnceFunc(func() {
			stop()
			<-done
		})
		t.Cleanup(d.stop)
		if err := fake.WaitConnections(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// stall gives the desk a command, "stall", whose handling holds its worker
// until release is called (at the latest when the test ends) and then
// answers "done": the stand-in for a slow command such as a huge paste.
// started returns once one more stall holds its worker (a recorded command
// may not be running yet), or fails the test after a minute.
func (d *desk) stall() (started func(), release func()) {
	hold, begun := make(chan struct{}), make(chan struct{}, 16)
	release = sync.OnceFunc(func() { close(hold) })
	d.t.Cleanup(release)
	d.router.Register(bot.Spec{Name: "stall", Usage: "stall", Summary: "hold a worker",
		Parse: func(*bot.Command, string) error { return nil }},
		func(ctx context.Context, req workflows.Request, cmd bot.Command) error {
			select {
			case begun <- struct{}{}:
			default:
			}
			<-hold
			return d.engine.Reply(ctx, req, workflows.Message{Text: "done"})
		})
	started = func() {
		d.t.Helper()
		select {
		case <-begun:
		case <-time.After(time.Minute):
			d.t.Fatal("no stall held a worker within a minute")
		}
	}
	return started, release
}

// settle waits for every handed-off event to be handled, then delivers the
// outbox, moving the fake clock past pacing and backoff as needed.
func (d *desk) settle() {
	d.t.Helper()
	d.adapter.Wait()
	for i := 0; i < 200; i++ {
		if _, err := d.disp.Drain(d.ctx); err != nil {
			d.t.Fatal(err)
		}
		n, err := d.db.Depth(d.ctx)
		if err != nil {
			d.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		d.clock.Advance(250 * time.Millisecond)
	}
	d.t.Fatal("the outbox never emptied")
}

// slash runs /factdesk text as user typed it: the fake sends it as Slack
// does with should_escape (entities, <https://…>, <@U…|name>).
func (d *desk) slash(user, text, trigger string) {
	d.t.Helper()
	form := slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk", Text: d.fake.TypedCommand(text), UserID: user,
		UserName: strings.ToLower(user), ChannelID: channel, TriggerID: trigger})
	if d.mode == slackbot.ModeSocket {
		d.ack(d.fake.SendSlashCommand(form))
	} else {
		d.post(slackbot.PathCommands, []byte(form.Encode()), http.StatusOK)
	}
	d.settle()
}

// say posts a message event (in a thread when threadTS is set) with the
// text user typed, as Slack encodes it ("@factdesk" becomes the bot's
// mention and makes it an app_mention).
func (d *desk) say(user, typed, threadTS string) {
	d.t.Helper()
	text := d.fake.Typed(typed)
	ts := d.fake.AddMessage(slackfake.Message{Channel: channel, User: user, Text: text, ThreadTS: threadTS})
	typ := "message"
	if strings.Contains(text, "<@"+d.fake.BotUserID()+">") {
		typ = "app_mention"
	}
	d.event(slackfake.EventCallbackJSON(slackfake.EventCallback{Event: slackfake.Event{
		Type: typ, User: user, Text: text, Channel: channel, TS: ts, ThreadTS: threadTS,
	}}))
	d.settle()
}

func (d *desk) event(body []byte) {
	d.t.Helper()
	if d.mode == slackbot.ModeSocket {
		d.ack(d.fake.SendEvent(body))
	} else {
		d.post(slackbot.PathEvents, body, http.StatusOK)
	}
}

// click presses a button on the card.
func (d *desk) click(user, actionID, value, cardTS, trigger string) {
	d.t.Helper()
	payload := slackfake.BlockActionsJSON(slackfake.BlockActions{UserID: user, UserName: strings.ToLower(user),
		ChannelID: channel, MessageTS: cardTS, TriggerID: trigger,
		Actions: []slackfake.BlockAction{{ActionID: actionID, BlockID: "factdesk_actions", Value: value}}})
	d.interact(payload)
	d.settle()
}

func (d *desk) interact(payload []byte) {
	d.t.Helper()
	if d.mode == slackbot.ModeSocket {
		d.ack(d.fake.SendInteraction(payload))
	} else {
		d.post(slackbot.PathInteractions, []byte(slackfake.InteractionForm(payload).Encode()), http.StatusOK)
	}
}

// submitView submits the last opened modal with the given input values.
func (d *desk) submitView(user string, values map[string]string) {
	d.t.Helper()
	views := d.fake.Views()
	if len(views) == 0 {
		d.t.Fatal("no modal was opened")
	}
	v := views[len(views)-1]
	var sent struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
	}
	if err := json.Unmarshal(v.View, &sent); err != nil {
		d.t.Fatal(err)
	}
	state := map[string]any{}
	for k, val := range values {
		if k == "stance" {
			state[k] = map[string]any{k: map[string]any{"type": "static_select", "selected_option": map[string]any{"value": val}}}
		} else {
			state[k] = map[string]any{k: map[string]any{"type": "plain_text_input", "value": val}}
		}
	}
	payload, _ := json.Marshal(map[string]any{
		"type": "view_submission", "trigger_id": "", "team": map[string]any{"id": slackfake.DefaultTeamID},
		"user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"view": map[string]any{"id": v.ID, "hash": fmt.Sprintf("%d.h", len(views)), "type": "modal",
			"callback_id": sent.CallbackID, "private_metadata": sent.PrivateMetadata,
			"state": map[string]any{"values": state}},
	})
	d.interact(payload)
	d.settle()
}

func (d *desk) ack(envID string) {
	d.t.Helper()
	if _, err := d.fake.WaitAck(d.ctx, envID); err != nil {
		d.t.Fatal(err)
	}
}

// post sends a signed HTTP mode request straight to the handler.
func (d *desk) post(path string, body []byte, want int) *httptest.ResponseRecorder {
	d.t.Helper()
	req := slackfake.SignedRequest(secret, "http://desk"+path, body, d.clock.Now())
	return d.serve(req, want)
}

func (d *desk) serve(req *http.Request, want int) *httptest.ResponseRecorder {
	d.t.Helper()
	rec := httptest.NewRecorder()
	d.adapter.Handler().ServeHTTP(rec, req)
	if rec.Code != want {
		d.t.Fatalf("%s: status %d, want %d (%s)", req.URL.Path, rec.Code, want, rec.Body.String())
	}
	return rec
}

// cards are the desk's top-level messages in the channel.
func (d *desk) cards() []slackfake.Message {
	var out []slackfake.Message
	for _, m := range d.fake.Messages(channel) {
		if m.ThreadTS == "" && m.BotID == d.fake.BotID() {
			out = append(out, m)
		}
	}
	return out
}

// botReplies are the desk's messages in a thread.
func (d *desk) botReplies(root string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range d.fake.Thread(channel, root) {
		if m.BotID == d.fake.BotID() {
			out = append(out, m)
		}
	}
	return out
}

func (d *desk) onlyCard() slackfake.Message {
	d.t.Helper()
	cards := d.cards()
	if len(cards) != 1 {
		d.t.Fatalf("%d cards in the channel, want 1", len(cards))
	}
	m, _ := d.fake.Message(channel, cards[0].TS)
	return m
}

// buttonValue reads a button's value off the card as it is now.
func (d *desk) buttonValue(card slackfake.Message, actionID string) string {
	d.t.Helper()
	var blocks []struct {
		Type     string `json:"type"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(card.Blocks, &blocks); err != nil {
		d.t.Fatal(err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == actionID {
				return e.Value
			}
		}
	}
	d.t.Fatalf("no %s button on the card", actionID)
	return ""
}

func (d *desk) claim(id int64) *workflows.Claim {
	d.t.Helper()
	c, err := d.db.Claim(d.ctx, id)
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

func (d *desk) count(table string) int {
	d.t.Helper()
	var n int
	if err := d.db.SQL().GetContext(d.ctx, &n, "SELECT count(*) FROM "+table); err != nil {
		d.t.Fatal(err)
	}
	return n
}

// ephemeralsTo are the texts shown to one user alone.
func (d *desk) ephemeralsTo(user string) []string {
	var out []string
	for _, e := range d.fake.Ephemerals(channel) {
		if e.User == user {
			out = append(out, e.Text)
		}
	}
	return out
}

func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

var _ = url.Values{}
