package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/factdesk/factdesk/bot/bottest"
	"github.com/factdesk/factdesk/workflows"
)

type counted struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counted) Command(name, outcome string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[name+"/"+outcome]++
}

// deskUnderTest is the in-memory platform with "ed" an editor, counting
// command outcomes; threads are named by their claim's number.
type deskUnderTest struct {
	*bottest.Desk
	t       *testing.T
	metrics *counted
}

const platform = bottest.Platform

func newDeskUnderTest(t *testing.T) *deskUnderTest {
	t.Helper()
	m := &counted{n: map[string]int{}}
	return &deskUnderTest{Desk: bottest.New(t, bottest.Editors("ed"), bottest.Observe(m)), t: t, metrics: m}
}

// say sends text as user in the newsroom, in the thread of claim thread's
// card when thread > 0, and returns the reply it caused.
func (d *deskUnderTest) say(user string, thread int64, text string) workflows.Message {
	d.t.Helper()
	root := ""
	if thread > 0 {
		root = d.Card(thread).ID
	}
	sent := d.Say(user, "newsroom", root, text)
	for i := len(sent) - 1; i >= 0; i-- {
		if sent[i].Kind == workflows.KindReply {
			return sent[i].Message
		}
	}
	return workflows.Message{}
}

func (d *deskUnderTest) claim(id int64) *workflows.Claim {
	d.t.Helper()
	c, err := d.DB.Claim(context.Background(), id)
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
	ev := d.Event("rita", "newsroom", "", "claim 140 civilians\x1b[31m killed\r\u202eper the UN\x00")
	ev.EventID, ev.Actor.Name = "raw", "Rita\u202e\x1b[2J"
	d.Deliver(ev)
	if got, want := d.claim(1).Statement, "140 civilians killed per the UN"; got != want {
		t.Errorf("statement stored as %q, want %q", got, want)
	}
	var body, name string
	if err := d.DB.SQL().QueryRow(d.DB.SQL().Rebind("SELECT body, actor_name FROM inbox WHERE event_id = ?"), "raw").Scan(&body, &name); err != nil {
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
	for _, del := range d.Sent() {
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
