package workflows

import (
	"context"
	"slices"
)

// KindHome asks a platform to redraw one person's home view (Slack's App
// Home tab) from the claims as they are when it is delivered: the row
// carries no content, so rows that pile up for one person all show the
// latest queue. User is the person; Channel is HomeChannel(User).
const KindHome OutboxKind = "home"

// HomeChannel is the outbox channel of a person's home view refreshes.
func HomeChannel(user string) string { return "home:" + user }

// homeQueueLimit caps each list of a queue: a home view is for what to do
// next, and Slack's views hold at most 100 blocks.
const homeQueueLimit = 15

// Queue is one person's work, for their home view.
type Queue struct {
	Assigned  []Claim // pending claims assigned to them, newest first
	Unsourced []Claim // pending claims they filed that have no evidence yet
	// Editor is set when the person is an editor; Decide then lists the
	// pending claims waiting for a decision: corroborated first, then
	// disputed, each with its assessment (Disputed's spread in Conflict).
	Editor bool
	Decide []QueuedClaim
	// NotifyOff is their "notify off".
	NotifyOff bool
}

// QueuedClaim is a claim with its assessment.
type QueuedClaim struct {
	Claim
	Assessment Assessment
}

// Queue reads a person's queue. channel is where their editor role is
// asked ("" for the workspace at large).
func (e *Engine) Queue(ctx context.Context, who Actor, channel string) (Queue, error) {
	var q Queue
	key := who.Key()
	var err error
	if q.Assigned, err = e.Store.ListClaims(ctx, ClaimFilter{Assignee: key, Decision: Pending, Limit: homeQueueLimit}); err != nil {
		return q, err
	}
	filed, err := e.Store.ListClaims(ctx, ClaimFilter{FiledBy: key, Decision: Pending, Limit: 100, WithEvidence: true})
	if err != nil {
		return q, err
	}
	for _, c := range filed {
		if len(c.Evidence) == 0 && len(q.Unsourced) < homeQueueLimit {
			q.Unsourced = append(q.Unsourced, c)
		}
	}
	if q.Editor, err = e.IsEditor(ctx, Request{Actor: who, Conv: Conversation{Platform: who.Platform, Channel: channel}}); err != nil {
		return q, err
	}
	if q.Editor {
		for _, st := range []EvidenceState{Corroborated, Disputed} {
			cs, err := e.Store.ListClaims(ctx, ClaimFilter{State: st, Decision: Pending, Limit: homeQueueLimit, WithEvidence: true})
			if err != nil {
				return q, err
			}
			for _, c := range cs {
				q.Decide = append(q.Decide, QueuedClaim{Claim: c, Assessment: e.Rules.Assess(c.Figure, c.Evidence)})
			}
		}
	}
	if q.NotifyOff, err = e.Store.NotifyOff(ctx, key); err != nil {
		return q, err
	}
	return q, nil
}

// RefreshHome asks for who's home view to be redrawn (they opened it).
func (e *Engine) RefreshHome(ctx context.Context, who Actor) error {
	if !e.Home[who.Platform] {
		return nil
	}
	return e.commit(ctx, Request{}, &change{out: []Outgoing{homeRow(who.Platform, who.ID, "")}})
}

func homeRow(platform, user, requester string) Outgoing {
	return Outgoing{Platform: platform, Channel: HomeChannel(user), Kind: KindHome, User: user, Requester: requester}
}

// homeRefreshes are the home views a change to c redraws: its reporter's
// and its assignee's (before and after), on platforms with home views.
// Editors' lists are redrawn when they open their home.
func (e *Engine) homeRefreshes(req Request, c *Claim, formerAssignee string) []Outgoing {
	if len(e.Home) == 0 || c == nil {
		return nil
	}
	var out []Outgoing
	var seen []string
	for _, key := range []string{c.FiledBy, c.Assignee, formerAssignee} {
		if key == "" || slices.Contains(seen, key) {
			continue
		}
		seen = append(seen, key)
		who := ActorFromKey(key)
		if e.Home[who.Platform] && who.ID != "" {
			out = append(out, homeRow(who.Platform, who.ID, req.Actor.Key()))
		}
	}
	return out
}
