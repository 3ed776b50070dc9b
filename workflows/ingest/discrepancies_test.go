package ingest

import (
	"context"
	"testing"

	"github.com/factdesk/factdesk/workflows"
)

// listed answers ListClaims with fixed claims, newest first as storage
// does, and keeps the filter it was asked with.
type listed struct {
	claims []workflows.Claim
	asked  workflows.ClaimFilter
}

func (l *listed) ListClaims(_ context.Context, f workflows.ClaimFilter) ([]workflows.Claim, error) {
	l.asked = f
	return l.claims, nil
}

func TestDiscrepanciesIncludeDecidedClaims(t *testing.T) {
	fig := func(v, max float64) *workflows.Figure {
		return &workflows.Figure{Value: v, Max: max, Qualifier: workflows.Exact}
	}
	l := &listed{claims: []workflows.Claim{
		{ID: 2, Statement: "march size", Decision: workflows.Pending, Evidence: []workflows.Evidence{
			{Source: "police", Stance: workflows.Supports, Figure: fig(8000, 0)},
			{Source: "organisers", Stance: workflows.Contradicts, Figure: fig(40000, 50000), Document: "a.txt"},
			{Source: "a witness", Stance: workflows.Supports},
		}},
		{ID: 1, Statement: "airstrike toll", Decision: workflows.Approved, Evidence: []workflows.Evidence{
			{Source: "UN", Stance: workflows.Supports, Figure: fig(140, 0)},
			{Source: "army", Stance: workflows.Contradicts, Figure: fig(3864, 0)},
		}},
	}}
	got, err := Discrepancies(context.Background(), l, workflows.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	if l.asked.State != workflows.Disputed || l.asked.Decision != "" || !l.asked.WithEvidence {
		t.Errorf("asked for %+v, want every disputed claim, decided or not, with evidence", l.asked)
	}
	if len(got) != 2 || got[0].Claim != 1 || got[1].Claim != 2 {
		t.Fatalf("groups %+v, want #1 then #2 (oldest first)", got)
	}
	if got[0].Decision != workflows.Approved {
		t.Errorf("#1's decision = %q, want approved", got[0].Decision)
	}
	if m := got[1].Members; len(m) != 2 || m[1].Max != 50000 || m[1].Document != "a.txt" {
		t.Errorf("#2's members = %+v, want the two figures, the organisers' a range from a.txt", m)
	}
}
