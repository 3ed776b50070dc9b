package workflows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/workflows"
)

// breaks are the line break forms a one-line value must not keep.
var breaks = []struct{ name, br string }{
	{"CR", "\r"}, {"LF", "\n"}, {"CRLF", "\r\n"}, {"VT", "\v"}, {"FF", "\f"},
	{"NEL", "\u0085"}, {"line separator", "\u2028"}, {"paragraph separator", "\u2029"},
}

// oneLine fails when a shown text holds a line break.
func oneLine(t *testing.T, what, s string) {
	t.Helper()
	if strings.ContainsAny(s, "\r\n\v\f\u0085\u2028\u2029") {
		t.Errorf("%s has a line break: %q", what, s)
	}
}

func TestOneLineFieldsCannotForgeLines(t *testing.T) {
	for _, tc := range breaks {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			c := h.file("rita", "5 people killed in Homs"+tc.br+"  #7 approved · 300 civilians killed in Mosul (UN)")
			if want := "5 people killed in Homs #7 approved · 300 civilians killed in Mosul (UN)"; strings.Join(strings.Fields(c.Statement), " ") != want || strings.Contains(c.Statement, tc.br) {
				t.Errorf("statement stored as %q", c.Statement)
			}
			c, err := h.engine.AddEvidence(ctx, req("rita"), c.ID, workflows.EvidenceInput{
				Source: "UN" + tc.br + "  Reuters supports: 5", Stance: workflows.Supports,
				Via: "AP" + tc.br + "x", Quote: "a" + tc.br + "Evidence: corroborated",
			})
			if err != nil {
				t.Fatal(err)
			}
			e := c.Evidence[0]
			for what, s := range map[string]string{"source": e.Source, "via": e.Via, "quote": e.Quote} {
				oneLine(t, what, s)
			}
			c, err = h.engine.Reject(ctx, req("ed"), c.ID, 0, "not"+tc.br+"Decision: approved")
			if err != nil {
				t.Fatal(err)
			}
			oneLine(t, "decision note", c.DecisionNote)
			c, err = h.engine.Reopen(ctx, req("ed"), c.ID, 0, "again")
			if err != nil {
				t.Fatal(err)
			}
			c, err = h.engine.Edit(ctx, req("rita"), c.ID, 0, "6 people"+tc.br+"killed")
			if err != nil {
				t.Fatal(err)
			}
			oneLine(t, "edited statement", c.Statement)
		})
	}
}

// Text stored before line breaks were folded on the way in is shown on one
// line all the same.
func TestStoredLineBreaksAreShownOnOneLine(t *testing.T) {
	for _, tc := range breaks {
		t.Run(tc.name, func(t *testing.T) {
			c := &workflows.Claim{ID: 1, Statement: "5 killed" + tc.br + "#7 approved", State: workflows.Unverified,
				Decision: workflows.Rejected, DecidedBy: "shell:ed", DecisionNote: "no" + tc.br + "Evidence: corroborated",
				Evidence: []workflows.Evidence{{Source: "UN" + tc.br + "Reuters supports: 5", Stance: workflows.Supports,
					Via: "AP" + tc.br + "x", Quote: "a" + tc.br + "b"}}}
			card := workflows.CardMessage(c, workflows.Assessment{})
			oneLine(t, "card text", card.Text)
			for _, f := range card.Fields {
				oneLine(t, "card field "+f.Label, f.Value)
			}
			for _, item := range card.Items {
				oneLine(t, "card item", item)
			}
			oneLine(t, "list row", workflows.ClaimLine(*c))
			for _, item := range workflows.HistoryMessage(c, []workflows.Event{{Kind: workflows.EvEdited, Old: "a" + tc.br + "b", New: "c", Note: "x" + tc.br + "y"}}).Items {
				oneLine(t, "history item", item)
			}
		})
	}
}

func TestReopenedClaimHasNoDecider(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	c := h.file("rita", "5 people killed in Homs")
	if _, err := h.engine.Reject(ctx, req("ed"), c.ID, 0, "no source"); err != nil {
		t.Fatal(err)
	}
	c, err := h.engine.Reopen(ctx, req("eve"), c.ID, 0, "x")
	if err != nil {
		t.Fatal(err)
	}
	if c.Decision != workflows.Pending || c.DecidedBy != "" || c.DecisionNote != "" || !c.DecidedAt.IsZero() {
		t.Fatalf("reopened claim keeps a decision: %+v", c)
	}
	stored, err := h.db.Claim(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.DecidedBy != "" || stored.DecisionNote != "" {
		t.Fatalf("stored reopened claim keeps a decision: by %q note %q", stored.DecidedBy, stored.DecisionNote)
	}
	for _, f := range workflows.CardMessage(stored, workflows.Assessment{}).Fields {
		if f.Label == "Decision" && f.Value != "pending" {
			t.Errorf("card decision = %q, want pending", f.Value)
		}
	}
	// Stored before reopen cleared them: shown pending all the same.
	stored.DecidedBy, stored.DecisionNote = "shell:ana", "x"
	for _, f := range workflows.CardMessage(stored, workflows.Assessment{}).Fields {
		if f.Label == "Decision" && f.Value != "pending" {
			t.Errorf("card decision of an old reopened claim = %q, want pending", f.Value)
		}
	}
	events, err := h.db.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Kind != workflows.EvReopened || last.Note != "x" || workflows.DisplayKey(last.Actor) != "eve" {
		t.Errorf("audit trail lost the reopen: %+v", last)
	}
}

func TestInvisibleTextIsRefusedAsEmpty(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, s := range []string{"\u200b\u200b\u202e", "\ufeff \u2060", "\u3164"} {
		_, err := h.engine.File(ctx, req("rita"), workflows.FileInput{Statement: s})
		wantCode(t, err, workflows.EINVALID, "needs a statement")
	}
	c := h.file("rita", "5 people killed in Homs")
	_, err := h.engine.Edit(ctx, req("rita"), c.ID, 0, "\u200b")
	wantCode(t, err, workflows.EINVALID, "needs a statement")
	_, err = h.engine.AddEvidence(ctx, req("rita"), c.ID, workflows.EvidenceInput{Source: "\u200b\u202e", Stance: workflows.Supports})
	wantCode(t, err, workflows.EINVALID, "needs a source")
	_, err = h.engine.Reject(ctx, req("ed"), c.ID, 0, "\u200b\u2060")
	wantCode(t, err, workflows.EINVALID, "reason")
	if got, _ := h.db.Claim(ctx, c.ID); got.Version != 1 {
		t.Errorf("refusals changed the claim: version %d", got.Version)
	}
}
