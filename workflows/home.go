package workflows

import (
	"context"
	"slices"
	"time"
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

// RefreshHome asks for who's home view to be redrawn (they opened it),
// and remembers that they use it: an editor's is then redrawn whenever a
// claim enters or leaves the list waiting for a decision.
func (e *Engine) RefreshHome(ctx context.Context, who Actor) error {
	if !e.Home[who.Platform] {
		return nil
	}
	// A roles lookup that fails counts as "not an editor" until the next
	// opening; the view itself asks again when it is drawn.
	editor, _ := e.IsEditor(ctx, Request{Actor: who, Conv: Conversation{Platform: who.Platform}})
	return e.commit(ctx, Request{}, &change{homeViewer: &homeViewer{actor: who, editor: editor}})
}

// homeViewer is a person who opened their home view.
type homeViewer struct {
	actor  Actor
	editor bool
}

func homeRow(platform, user, requester string) Outgoing {
	return Outgoing{Platform: platform, Channel: HomeChannel(user), Kind: KindHome, User: user, Requester: requester}
}

// homeViewerWindow is how long after last opening their home view an
// editor's is still redrawn on every change to the decision list.
const homeViewerWindow = 30 * 24 * time.Hour

// homeRefreshes are the home views a change to a claim redraws, on
// platforms with home views: its reporter's and its assignee's (before
// and after), the person's who made the change, and, when the change moves
// the claim into or out of the list waiting for a decision (its evidence
// state, approval, rejection or reopening), those of the editors who
// opened theirs in the last 30 days.
func (e *Engine) homeRefreshes(ctx context.Context, tx Tx, req Request, ch *change) ([]Outgoing, error) {
	c := ch.claim
	if len(e.Home) == 0 || c == nil {
		return nil, nil
	}
	keys := []string{c.FiledBy, c.Assignee, ch.formerAssignee}
	if req.Actor != System {
		keys = append(keys, req.Actor.Key())
	}
	if slices.ContainsFunc(ch.events, func(ev Event) bool {
		return ev.Kind == EvStateChanged || ev.Kind == EvApproved || ev.Kind == EvRejected || ev.Kind == EvReopened
	}) {
		editors, err := tx.HomeEditors(ctx, e.Clock.Now().Add(-homeViewerWindow))
		if err != nil {
			return nil, err
		}
		keys = append(keys, editors...)
	}
	var out []Outgoing
	var seen []string
	for _, key := range keys {
		if key == "" || slices.Contains(seen, key) {
			continue
		}
		seen = append(seen, key)
		who := ActorFromKey(key)
		if e.Home[who.Platform] && who.ID != "" {
			out = append(out, homeRow(who.Platform, who.ID, req.Actor.Key()))
		}
	}
	return out, nil
}
