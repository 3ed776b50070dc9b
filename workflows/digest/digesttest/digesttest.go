// Package digesttest gives platform renderers a digest to render in their
// golden tests: a composed sample with the hard parts (figures, a
// contradiction, links, news marks, text that must be escaped).
package digesttest

import (
	"time"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/digest"
)

// Now is the sample's clock.
var Now = time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)

// Claims are a desk's unresolved claims on a Monday morning.
func Claims() []workflows.Claim {
	fig := func(v float64) *workflows.Figure { return &workflows.Figure{Value: v, Qualifier: workflows.Exact} }
	return []workflows.Claim{
		{ID: 12, Statement: "At least 300 civilians were killed in the Mosul market strike <!channel> & <b>more</b>",
			Figure: fig(300), Assignee: "slack:UCHECKER", State: workflows.Disputed, Decision: workflows.Pending,
			CreatedAt: Now.Add(-80 * time.Hour), StateSince: Now.Add(-72 * time.Hour),
			Evidence: []workflows.Evidence{
				{ID: 1, Source: "UN", Stance: workflows.Supports, Figure: fig(300)},
				{ID: 2, Source: "Iraqi army", Stance: workflows.Supports, Figure: fig(3864)},
			},
			Threads: []workflows.Thread{
				{ClaimID: 12, Platform: "slack", Channel: "C0DESK", RootID: "1773650000.000100"},
				{ClaimID: 12, Platform: "matrix", Channel: "!desk:example.org", RootID: "$card12"},
			}},
		{ID: 21, Statement: "The bridge at Qayyarah was destroyed on Tuesday.", Assignee: "matrix:@omar:example.org",
			State: workflows.Disputed, Decision: workflows.Pending,
			CreatedAt: Now.Add(-30 * time.Hour), StateSince: Now.Add(-26 * time.Hour),
			Evidence: []workflows.Evidence{{ID: 3, Source: "Reuters", Stance: workflows.Contradicts}}},
		{ID: 30, Statement: "Power was restored to half of Raqqa on Sunday.", Assignee: "slack:UBEN",
			State: workflows.Unverified, Decision: workflows.Pending,
			CreatedAt: Now.Add(-50 * time.Hour), StateSince: Now.Add(-50 * time.Hour)},
		{ID: 31, Statement: "A second convoy reached Deir ez-Zor.", State: workflows.Corroborated, Decision: workflows.Pending,
			CreatedAt: Now.Add(-3 * time.Hour), StateSince: Now.Add(-2 * time.Hour)},
	}
}

// Message is the sample digest as posted to (platform, channel), with claim
// 12 listed by the previous digest and the others new.
func Message(platform, channel string) workflows.Message {
	s, err := digest.Parse(digest.Config{Name: "morning", Cron: "CRON_TZ=Europe/London 0 9 * * 1-5",
		Platform: platform, Channel: channel})
	if err != nil {
		panic(err)
	}
	d := digest.Compose(Claims(), digest.Inputs{Schedule: s, Rules: workflows.DefaultRules(),
		Platform: platform, Channel: channel, Slot: Now, Now: Now, Previous: map[int64]bool{12: true}})
	m, _ := d.Message()
	return m
}
