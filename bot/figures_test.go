package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/workflows"
)

// TestRangesAreKeptWholeInChat: a range in a typed statement or in figure=
// is one figure with a bottom and a top, read as the extractor reads it,
// and a source's figure inside the claim's range does not dispute it.
func TestRangesAreKeptWholeInChat(t *testing.T) {
	d := newDeskUnderTest(t)
	for i, tc := range []struct {
		statement string
		lo, hi    float64
	}{
		{"Between 200 and 350 people were killed in Mosul, officials said.", 200, 350},
		{"154,000 to 172,000 people took part in the march", 154000, 172000},
	} {
		reply := d.say("rita", 0, "claim "+tc.statement)
		if want := fmt.Sprintf("figure %s to %s", workflows.FormatNumber(tc.lo), workflows.FormatNumber(tc.hi)); !strings.Contains(reply.Text, want) {
			t.Errorf("filing %q answered %q, want it to say %q", tc.statement, reply.Text, want)
		}
		c := d.claim(int64(i + 1))
		if c.Figure == nil || c.Figure.Value != tc.lo || c.Figure.Max != tc.hi {
			t.Errorf("claim %q has figure %+v, want %v to %v", tc.statement, c.Figure, tc.lo, tc.hi)
		}
	}
	d.say("rita", 0, `evidence 1 supports source=X figure=340`)
	if c := d.claim(1); c.State == workflows.Disputed {
		t.Errorf("340 inside the claim's 200 to 350 disputes it: %s", conflict(c))
	}
	d.say("rita", 0, `evidence 2 supports source=Y figure=160,000`)
	if c := d.claim(2); c.State == workflows.Disputed {
		t.Errorf("160,000 inside 154,000 to 172,000 disputes it: %s", conflict(c))
	}
	for _, typed := range []string{`figure="between 200 and 350"`, `figure=200-350`, `figure="200 to 350"`} {
		reply := d.say("rita", 0, "evidence 1 supports source=Z "+typed)
		if strings.Contains(reply.Text, "not a figure") || strings.Contains(reply.Text, "don't know") {
			t.Errorf("%s refused: %s", typed, reply.Text)
		}
	}
	c := d.claim(1)
	for _, e := range c.Evidence[1:] {
		if e.Figure == nil || e.Figure.Value != 200 || e.Figure.Max != 350 {
			t.Errorf("evidence %q figure %+v, want 200 to 350", e.Source, e.Figure)
		}
	}
	if c.State == workflows.Disputed {
		t.Errorf("ranges equal to the claim's dispute it: %s", conflict(c))
	}
	// Outside the range by more than the tolerance still disputes, and
	// the conflict names the range.
	d.say("rita", 0, "claim between 200 and 350 people were killed in Homs")
	d.say("rita", 0, `evidence 3 supports source=W figure=500`)
	if c := d.claim(3); c.State != workflows.Disputed || !strings.Contains(conflict(c), "200 to 350") {
		t.Errorf("500 against 200 to 350: state %s, conflict %q; want disputed naming the range", c.State, conflict(c))
	}
}

func conflict(c *workflows.Claim) string {
	return workflows.DefaultRules().Assess(c.Figure, c.Evidence).Conflict
}

// TestScaleWordsAndUnreadFiguresInChat: lakh, crore and trillion scale in
// figure= and in statements; a figure the desk cannot read is refused in
// figure=, and a claim filed without one says why in its answer.
func TestScaleWordsAndUnreadFiguresInChat(t *testing.T) {
	d := newDeskUnderTest(t)
	reply := d.say("rita", 0, "claim Floods displaced 3 lakh people in Assam")
	if !strings.Contains(reply.Text, "figure 300,000") {
		t.Errorf("3 lakh answered %q, want figure 300,000", reply.Text)
	}
	if c := d.claim(1); c.Figure == nil || c.Figure.Value != 3e5 {
		t.Errorf("3 lakh stored as %+v", c.Figure)
	}
	d.say("rita", 0, `evidence 1 supports source=A figure="1.2 crore"`)
	c := d.claim(1)
	if e := c.Evidence[len(c.Evidence)-1]; e.Figure == nil || e.Figure.Value != 1.2e7 || e.Figure.Unit != "" {
		t.Errorf("figure=\"1.2 crore\" stored as %+v", e.Figure)
	}
	if c.State != workflows.Disputed || !strings.Contains(conflict(c), "12,000,000") {
		t.Errorf("1.2 crore against 3 lakh: state %s, conflict %q", c.State, conflict(c))
	}
	before := len(c.Evidence)
	reply = d.say("rita", 0, `evidence 1 supports source=B figure="2 trillion"`)
	if !strings.Contains(reply.Text, "above 10^12") {
		t.Errorf("figure=\"2 trillion\" answered %q, want the 10^12 refusal", reply.Text)
	}
	if c := d.claim(1); len(c.Evidence) != before {
		t.Errorf("a refused figure added evidence: %+v", c.Evidence[len(c.Evidence)-1])
	}
	reply = d.say("rita", 0, `evidence 1 supports source=C figure="at least 300 and at most 400"`)
	c = d.claim(1)
	if e := c.Evidence[len(c.Evidence)-1]; e.Source != "C" || e.Figure == nil || e.Figure.Value != 300 || e.Figure.Max != 400 || e.Figure.Unit != "" {
		t.Errorf("bounded range answered %q, stored %+v", reply.Text, c.Evidence[len(c.Evidence)-1])
	}
	for i, tc := range []struct{ statement, why string }{
		{"2 trillion dollars were lost", "above 10^12"},
		{"99999999999999999999999 people died", "above 10^12"},
		{"1,000,000,000,001 people", "above 10^12"},
		{"3,86 people", "groups of three"},
		{"between 350 and 200 people were killed", "not a range"},
	} {
		reply := d.say("rita", 0, "claim "+tc.statement)
		if !strings.Contains(reply.Text, "filed") || !strings.Contains(reply.Text, "figure was not read") || !strings.Contains(reply.Text, tc.why) {
			t.Errorf("claim %q answered %q, want it filed saying the figure was not read: %s", tc.statement, reply.Text, tc.why)
		}
		if c := d.claim(int64(i + 2)); c.Figure != nil || c.Statement == "" {
			t.Errorf("claim %q stored figure %+v", tc.statement, c.Figure)
		}
	}
	reply = d.say("rita", 0, "edit 1 Floods displaced 3,86 people in Assam")
	if c := d.claim(1); c.Figure != nil || !strings.Contains(reply.Text, "figure was not read") {
		t.Errorf("edit to 3,86 answered %q, figure %+v; want no figure and the reason", reply.Text, c.Figure)
	}
	reply = d.say("rita", 0, "edit 6 between 200 and 350 people were killed")
	if c := d.claim(6); c.Figure == nil || c.Figure.Value != 200 || c.Figure.Max != 350 || strings.Contains(reply.Text, "not read") {
		t.Errorf("edit answered %q, figure %+v; want 200 to 350", reply.Text, c.Figure)
	}
}
