package ingest

import (
	"context"

	"github.com/factdesk/factdesk/workflows"
)

// Group is one discrepancy a desk must see: a disputed claim with every
// figure stated for it and who stated it, as `factdesk discrepancies`
// prints it (one JSON object a line with --format json).
type Group struct {
	Claim     int64  `json:"claim"`
	Statement string `json:"statement"`
	Conflict  string `json:"conflict"`
	// Decision is the editors' decision so far: a disputed claim stays a
	// discrepancy after it is approved (with a resolution note) or rejected.
	Decision workflows.Decision `json:"decision"`
	Metric   string             `json:"metric"`
	Who      string             `json:"who"`
	Place    string             `json:"place"`
	Period   string             `json:"period"`
	Members  []Member           `json:"members"`
}

// Member is one source's figure in a Group.
type Member struct {
	Claim     int64               `json:"claim"`
	Document  string              `json:"document"` // the article it was read in; "" when typed
	Figure    float64             `json:"figure"`
	Max       float64             `json:"max,omitempty"` // the top of a range
	Qualifier workflows.Qualifier `json:"qualifier"`
	Source    string              `json:"source"`
	Via       string              `json:"via,omitempty"`
}

// ClaimLister is what Discrepancies reads (storage implements it).
type ClaimLister interface {
	ListClaims(ctx context.Context, f workflows.ClaimFilter) ([]workflows.Claim, error)
}

// Discrepancies lists every disputed claim, pending or decided, oldest
// first, each with the figures its evidence states; rules say what the
// conflict is.
func Discrepancies(ctx context.Context, claims ClaimLister, rules workflows.Rules) ([]Group, error) {
	list, err := claims.ListClaims(ctx, workflows.ClaimFilter{State: workflows.Disputed, WithEvidence: true})
	if err != nil {
		return nil, err
	}
	out := make([]Group, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- { // oldest first
		c := &list[i]
		a := rules.Assess(c.Figure, c.Evidence)
		g := Group{Claim: c.ID, Statement: c.Statement, Conflict: a.Conflict, Decision: c.Decision,
			Metric: c.Metric, Who: c.Who, Place: c.Place, Period: c.Period}
		for _, e := range c.Evidence {
			if e.Figure == nil {
				continue
			}
			g.Members = append(g.Members, Member{Claim: c.ID, Document: e.Document, Figure: e.Figure.Value,
				Max: e.Figure.Max, Qualifier: e.Figure.Qualifier, Source: e.Source, Via: e.Via})
		}
		out = append(out, g)
	}
	return out, nil
}
