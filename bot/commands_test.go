package bot_test

import (
	"fmt"
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

// TestListAndSearchSayHowManyMatch: with more matches than a page holds,
// list and search say how many match and how to see the rest, and that way
// works.
func TestListAndSearchSayHowManyMatch(t *testing.T) {
	d := newDeskUnderTest(t)
	for i := 1; i <= 60; i++ {
		d.say("rita", 0, fmt.Sprintf("claim %d people were hurt in Mosul", i))
	}
	d.say("rita", 0, "claim 5 bridges closed in Basra")
	for _, tc := range []struct {
		first, next string
	}{
		{"list pending", "list pending page 2"},
		{"search mosul", "search mosul page 2"},
	} {
		m := d.say("rita", 0, tc.first)
		total := 60
		if tc.first == "list pending" {
			total = 61
		}
		want := fmt.Sprintf("50 of %d claims, newest first; say %s for the next %d", total, tc.next, total-50)
		if len(m.Items) != 50 || m.Footer != want {
			t.Errorf("%s: %d items, footer %q; want 50, %q", tc.first, len(m.Items), m.Footer, want)
		}
		m = d.say("rita", 0, tc.next)
		if len(m.Items) != total-50 || m.Footer != fmt.Sprintf("51–%d of %d claims, newest first", total, total) {
			t.Errorf("%s: %d items, footer %q; want the last %d", tc.next, len(m.Items), m.Footer, total-50)
		}
		if len(m.Items) > 0 && !strings.HasPrefix(m.Items[len(m.Items)-1], "#1 ") {
			t.Errorf("%s ends with %q, want the oldest claim #1", tc.next, m.Items[len(m.Items)-1])
		}
	}
	if m := d.say("rita", 0, "list page 3"); !strings.Contains(m.Text, "there is no page 3") {
		t.Errorf("list page 3 of 61 claims answered %q", m.Text)
	}
	if m := d.say("rita", 0, "list page x"); !strings.Contains(m.Text, "page takes a number") {
		t.Errorf("list page x answered %q", m.Text)
	}
	// A list that fits keeps its plain count.
	if m := d.say("rita", 0, "search bridges"); m.Footer != "1 claim" {
		t.Errorf("search bridges footer %q, want 1 claim", m.Footer)
	}
}
