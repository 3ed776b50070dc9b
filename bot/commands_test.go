package bot_test

import (
	"strings"
	"testing"

	"github.com/factdesk/factdesk/workflows"
)

// TestDecisionNotesAreCapped: a note longer than a statement may be is
// refused with the limit, and the claim stays as it was.
func TestDecisionNotesAreCapped(t *testing.T) {
	d := newDeskUnderTest(t)
	d.say("rita", 0, "claim 140 civilians killed in Mosul")
	for _, cmd := range []string{"reject 1 ", "approve 1 "} {
		reply := d.say("ed", 0, cmd+strings.Repeat("x", 60000))
		if !strings.Contains(reply.Text, "2000") {
			t.Errorf("%s with a 60,000-character note answered %q, want the limit", cmd, workflows.Shorten(reply.Text, 200))
		}
	}
	if c := d.claim(1); c.Decision != workflows.Pending || c.Version != 1 {
		t.Errorf("after over-long notes claim #1 is %s, version %d; want pending, version 1", c.Decision, c.Version)
	}
	d.say("ed", 0, "reject 1 "+strings.Repeat("x", workflows.MaxStatementLen))
	if c := d.claim(1); c.Decision != workflows.Rejected {
		t.Errorf("a note of exactly the limit was refused: claim is %s", c.Decision)
	}
}

// TestAdviceFollowedInTheThread: the desk advises "approve 1 <note>" on a
// disputed claim; typed in #1's thread, 1 names the claim and the note is
// the rest.
func TestAdviceFollowedInTheThread(t *testing.T) {
	d := newDeskUnderTest(t)
	d.say("rita", 0, "claim 140 civilians killed in Mosul")
	d.say("rita", 1, `evidence contradicts source="army" figure=90`)
	if advice := d.say("ed", 1, "approve"); !strings.Contains(advice.Text, "approve 1 <note>") {
		t.Fatalf("approve on a disputed claim answered %q, want the advice approve 1 <note>", advice.Text)
	}
	d.say("ed", 1, "approve 1 publish the UN's 140, attributed")
	c := d.claim(1)
	if c.Decision != workflows.Approved || c.DecisionNote != "publish the UN's 140, attributed" {
		t.Errorf("claim #1 is %s with note %q; want approved with the note after the number", c.Decision, c.DecisionNote)
	}
}
