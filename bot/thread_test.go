package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
)

// chat is a platform for the router's tests: cards get the thread id
// "card-N", and every delivered message is kept.
type chat struct {
	mu   sync.Mutex
	sent []workflows.Delivery
}

func (c *chat) Deliver(_ context.Context, d workflows.Delivery) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent = append(c.sent, d)
	if d.Kind == workflows.KindCard {
		return fmt.Sprintf("card-%d", d.ClaimID), nil
	}
	return fmt.Sprintf("m%d", d.ID), nil
}

// last is the last reply delivered.
func (c *chat) last() workflows.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.sent) - 1; i >= 0; i-- {
		if c.sent[i].Kind == workflows.KindReply {
			return c.sent[i].Message
		}
	}
	return workflows.Message{}
}

type counted struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counted) Command(name, outcome string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[name+"/"+outcome]++
}

type editorsOnly map[string]bool

func (e editorsOnly) IsEditor(_ context.Context, a workflows.Actor, _ string) (bool, error) {
	return e[a.ID], nil
}

type deskUnderTest struct {
	t       *testing.T
	db      *storage.DB
	router  *bot.Router
	disp    *workflows.Dispatcher
	chat    *chat
	metrics *counted
	n       int
}

const platform = "test"

func newDeskUnderTest(t *testing.T) *deskUnderTest {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, storagetest.FromEnv(t).URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clock := fakeclock.New(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	c := &chat{}
	m := &counted{n: map[string]int{}}
	engine := &workflows.Engine{Store: db, Roles: editorsOnly{"ed": true}, Rules: workflows.DefaultRules(), Clock: clock}
	return &deskUnderTest{t: t, db: db, chat: c, metrics: m,
		router: &bot.Router{Engine: engine, Inbox: db, Grammar: bot.NewGrammar(), Clock: clock, Observer: m},
		disp:   &workflows.Dispatcher{Outbox: db, Deliverers: map[string]workflows.Deliverer{platform: c}, Clock: clock, Owner: "test"},
	}
}

// say sends text as user, in the thread of a claim's card when thread > 0,
// and delivers what it caused.
func (d *deskUnderTest) say(user string, thread int64, text string) workflows.Message {
	d.t.Helper()
	d.n++
	conv := workflows.Conversation{Platform: platform, Channel: "newsroom"}
	if thread > 0 {
		conv.Thread = fmt.Sprintf("card-%d", thread)
	}
	ev := workflows.Inbound{Platform: platform, EventID: fmt.Sprintf("ev%d", d.n), Text: text, Conv: conv,
		Actor: workflows.Actor{Platform: platform, ID: user, Name: user}}
	if _, err := d.router.Receive(context.Background(), ev); err != nil {
		d.t.Fatal(err)
	}
	if _, err := d.disp.Drain(context.Background()); err != nil {
		d.t.Fatal(err)
	}
	return d.chat.last()
}

func (d *deskUnderTest) claim(id int64) *workflows.Claim {
	d.t.Helper()
	c, err := d.db.Claim(context.Background(), id)
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

// TestThreadClaimIsTheTarget: in a claim's thread the thread's claim is the
// target, a bare number after the command is text, and another claim is
// named only as #N. Outside a thread a claim is named as N or #N.
func TestThreadClaimIsTheTarget(t *testing.T) {
	d := newDeskUnderTest(t)
	for i := 1; i <= 5; i++ {
		d.say("rita", 0, fmt.Sprintf("claim %d homes destroyed in district %d", 100+i, i))
	}

	reply := d.say("rita", 2, "edit 4 people were killed in district 2")
	if got := d.claim(2).Statement; got != "4 people were killed in district 2" {
		t.Errorf("edit in #2's thread: #2 says %q", got)
	}
	if got := d.claim(4).Statement; got != "104 homes destroyed in district 4" {
		t.Errorf("edit in #2's thread changed #4 to %q", got)
	}
	if !strings.Contains(reply.Text, "#2") || !strings.Contains(reply.Footer, "Acted on #2") || !strings.Contains(reply.Footer, "write #4") {
		t.Errorf("the answer does not say which claim it acted on: %+v", reply)
	}

	d.say("ed", 2, "reject 3 sources disagree")
	if c := d.claim(2); c.Decision != workflows.Rejected || c.DecisionNote != "3 sources disagree" {
		t.Errorf("reject in #2's thread: #2 is %s with note %q", c.Decision, c.DecisionNote)
	}
	if c := d.claim(3); c.Decision != workflows.Pending {
		t.Errorf("reject in #2's thread decided #3: %s", c.Decision)
	}
	d.say("ed", 2, "reopen 3 sources now agree")
	// A reopened claim has no decision standing (its note is in the audit trail).
	if c := d.claim(2); c.Decision != workflows.Pending || c.DecisionNote != "" || c.DecidedBy != "" {
		t.Errorf("reopen in #2's thread: #2 is %s by %q with note %q", c.Decision, c.DecidedBy, c.DecisionNote)
	}

	reply = d.say("ed", 2, "reject #3 duplicate of #2")
	if c := d.claim(3); c.Decision != workflows.Rejected || c.DecisionNote != "duplicate of #2" {
		t.Errorf("reject #3 in #2's thread: #3 is %s with note %q", c.Decision, c.DecisionNote)
	}
	if strings.Contains(reply.Footer, "Acted on") {
		t.Errorf("#3 named explicitly, yet the answer explains a bare number: %+v", reply)
	}

	for _, text := range []string{"show 5", "history 5", "assign 5 @ana"} {
		reply = d.say("rita", 2, text)
		if reply.Tone != workflows.ToneError || !strings.Contains(reply.Text, "write #5") {
			t.Errorf("%q in #2's thread answered %+v, want a refusal saying to write #5", text, reply)
		}
	}
	reply = d.say("rita", 2, "show")
	if !strings.HasPrefix(reply.Title, "#2") {
		t.Errorf("show in #2's thread showed %q", reply.Title)
	}
	d.say("rita", 2, "assign #5 @ana")
	if got := d.claim(5).Assignee; got != platform+":ana" {
		t.Errorf("assign #5 in #2's thread: #5 is assigned to %q", got)
	}

	// Outside a thread: N and #N both name a claim.
	d.say("rita", 0, "edit 4 more homes destroyed in district 4")
	if got := d.claim(4).Statement; got != "more homes destroyed in district 4" {
		t.Errorf("edit 4 outside a thread: #4 says %q", got)
	}
	d.say("rita", 0, "edit #5 12 homes destroyed in district 5")
	if got := d.claim(5).Statement; got != "12 homes destroyed in district 5" {
		t.Errorf("edit #5 outside a thread: #5 says %q", got)
	}
	reply = d.say("rita", 0, "edit people were killed")
	if reply.Tone != workflows.ToneError || !strings.Contains(reply.Text, "which claim?") {
		t.Errorf("edit without a claim outside a thread answered %+v", reply)
	}
}

// TestMetricsNameEveryCommand: a refused command is counted under its own
// name; only words that name no command are "unknown".
func TestMetricsNameEveryCommand(t *testing.T) {
	d := newDeskUnderTest(t)
	d.say("rita", 0, "claim 140 civilians killed")
	d.say("rita", 0, "claim")
	d.say("ed", 0, "reject 1")
	d.say("ed", 0, "Approve 1 version=9 looks right")
	d.say("rita", 0, "frobnicate 1")
	d.say("rita", 0, "show 99")
	want := map[string]int{"claim/ok": 1, "claim/refused": 1, "reject/refused": 1, "approve/refused": 1, "unknown/refused": 1, "show/refused": 1}
	for k, n := range want {
		if d.metrics.n[k] != n {
			t.Errorf("%s counted %d times, want %d (all: %v)", k, d.metrics.n[k], n, d.metrics.n)
		}
	}
}

// TestControlsAndBidiNeverStored: what a chat user sends is cleaned before
// it reaches the inbox, the claims or a card.
func TestControlsAndBidiNeverStored(t *testing.T) {
	d := newDeskUnderTest(t)
	d.n++
	ev := workflows.Inbound{Platform: platform, EventID: "raw", Conv: workflows.Conversation{Platform: platform, Channel: "newsroom"},
		Actor: workflows.Actor{Platform: platform, ID: "rita", Name: "Rita\u202e\x1b[2J"},
		Text:  "claim 140 civilians\x1b[31m killed\r\u202eper the UN\x00"}
	if _, err := d.router.Receive(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if _, err := d.disp.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := d.claim(1).Statement, "140 civilians killed per the UN"; got != want {
		t.Errorf("statement stored as %q, want %q", got, want)
	}
	var body, name string
	if err := d.db.SQL().QueryRow(d.db.SQL().Rebind("SELECT body, actor_name FROM inbox WHERE event_id = ?"), "raw").Scan(&body, &name); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(body+name, "\x1b\x00\r\u202e") {
		t.Errorf("the inbox keeps controls: body %q, name %q", body, name)
	}
	d.say("rita", 1, "evidence supports source=\"U\u202eN\" via=\"Reu\u2067ters\" \"a\x07quote\"")
	e := d.claim(1).Evidence[0]
	if e.Source != "UN" || e.Via != "Reuters" || e.Quote != "aquote" {
		t.Errorf("evidence stored as %+v", e)
	}
	for _, del := range d.chat.sent {
		m := del.Message
		all := m.Title + m.Text + m.Footer + strings.Join(m.Items, "")
		for _, f := range m.Fields {
			all += f.Value
		}
		if workflows.CleanText(all) != all {
			t.Errorf("a %s shows controls: %q", del.Kind, all)
		}
	}
}

// TestListByStateShowsTheState: list disputed labels each row with the
// state it filtered by, even when the claim is decided.
func TestListByStateShowsTheState(t *testing.T) {
	d := newDeskUnderTest(t)
	d.say("rita", 0, "claim 140 civilians killed")
	d.say("rita", 1, `evidence supports source="UN" figure=140`)
	d.say("rita", 1, `evidence supports source="Army" figure=3864`)
	d.say("ed", 1, "approve publish the UN figure, attributed")
	reply := d.say("rita", 0, "list disputed")
	if len(reply.Items) != 1 || !strings.HasPrefix(reply.Items[0], "#1 disputed, approved · ") {
		t.Errorf("list disputed = %+v", reply)
	}
	reply = d.say("rita", 0, "list approved")
	if len(reply.Items) != 1 || !strings.HasPrefix(reply.Items[0], "#1 approved · ") {
		t.Errorf("list approved = %+v", reply)
	}
}
