package workflows

import (
	"context"
	"fmt"
	"strings"
)

// Show answers with a claim's card.
func (e *Engine) Show(ctx context.Context, req Request, id int64) error {
	c, err := e.Store.Claim(ctx, id)
	if err != nil {
		return err
	}
	e.nameCard(ctx, c)
	return e.Reply(ctx, req, CardMessage(c, e.Rules.Assess(c.Figure, c.Evidence)))
}

// History answers with a claim's audit trail.
func (e *Engine) History(ctx context.Context, req Request, id int64) error {
	c, err := e.Store.Claim(ctx, id)
	if err != nil {
		return err
	}
	events, err := e.Store.Events(ctx, id)
	if err != nil {
		return err
	}
	for _, ev := range events {
		e.name(ctx, c, ev.Actor)
		if ev.Kind == EvAssigned {
			e.name(ctx, c, ev.Old, ev.New)
		}
	}
	return e.Reply(ctx, req, HistoryMessage(c, events))
}

// ListLimit caps list and search answers; a newsroom narrows further by state.
const ListLimit = 50

// List answers with the claims matching f.
func (e *Engine) List(ctx context.Context, req Request, f ClaimFilter) error {
	if f.Limit == 0 {
		f.Limit = ListLimit
	}
	claims, err := e.Store.ListClaims(ctx, f)
	if err != nil {
		return err
	}
	title := "Claims"
	var parts []string
	if f.State != "" {
		parts = append(parts, string(f.State))
	}
	if f.Decision != "" {
		parts = append(parts, string(f.Decision))
	}
	if f.FiledBy != "" {
		parts = append(parts, "filed by "+e.display(ctx, ActorFromKey(f.FiledBy)))
	}
	switch f.Assignee {
	case "":
	case NoAssignee:
		parts = append(parts, "unassigned")
	default:
		parts = append(parts, "assigned to "+e.display(ctx, ActorFromKey(f.Assignee)))
	}
	if len(parts) > 0 {
		title += ": " + strings.Join(parts, ", ")
	}
	NameAssignees(ctx, e.Names, claims)
	if f.State != "" {
		return e.Reply(ctx, req, StateListMessage(title, claims))
	}
	return e.Reply(ctx, req, ListMessage(title, claims))
}

// Search answers with the claims whose statement has every word.
func (e *Engine) Search(ctx context.Context, req Request, words []string) error {
	if len(words) == 0 {
		return Errorf(EINVALID, "search needs words: search mosul airstrike")
	}
	claims, err := e.Store.SearchClaims(ctx, words, ListLimit)
	if err != nil {
		return err
	}
	NameAssignees(ctx, e.Names, claims)
	return e.Reply(ctx, req, ListMessage(fmt.Sprintf("Claims matching “%s”", strings.Join(words, " ")), claims))
}
