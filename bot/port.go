package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/factdesk/factdesk/workflows"
)

// Port is what a platform adapter may ask of the desk, and all it may: the
// narrow way in from an adapter to the core. The Router implements it; an
// adapter sees neither the engine nor the store.
type Port interface {
	// Record stores an inbound event before the platform acknowledges it;
	// false means it was recorded before (a redelivery). See Router.Record.
	Record(ctx context.Context, ev *workflows.Inbound) (fresh bool, err error)
	// Handle answers a recorded event. See Router.Handle.
	Handle(ctx context.Context, ev workflows.Inbound) error
	// Receive records and handles an event at once. See Router.Receive.
	Receive(ctx context.Context, ev workflows.Inbound) (fresh bool, err error)
	// RecoverAll handles every unhandled event of the platforms named, for
	// the one process that can be handling them. See Router.RecoverAll.
	RecoverAll(ctx context.Context, platforms ...string) error
	// UnhandledOf returns up to limit of platform's unhandled events that
	// keep accepts, oldest first. See Router.UnhandledOf.
	UnhandledOf(ctx context.Context, platform string, limit int, keep func(workflows.Inbound) bool) ([]workflows.Inbound, error)
	// IsCommand reports whether text starts with a command's name.
	IsCommand(text string) bool
	// Parse reads text as a command, without running it.
	Parse(text string) (Command, error)

	// Claim returns claim id with its evidence (ENOTFOUND when none).
	Claim(ctx context.Context, id int64) (*workflows.Claim, error)
	// ClaimInThread returns the claim whose card is the root message of a
	// thread (ENOTFOUND when the thread is no claim's).
	ClaimInThread(ctx context.Context, platform, channel, root string) (int64, error)
	// FindClaims returns up to limit claims for a picker as a person types:
	// "#12" or "12" is that claim, words search statements, "" lists
	// pending claims.
	FindClaims(ctx context.Context, query string, limit int) ([]workflows.Claim, error)
	// CapturedAs returns the claim a chat message was filed as (ENOTFOUND
	// when none).
	CapturedAs(ctx context.Context, platform, channel, messageID string) (int64, error)
	// IsEditor reports whether the requester is an editor where they ask.
	IsEditor(ctx context.Context, req workflows.Request) (bool, error)
	// ApprovalNeedsNote reports whether approving c needs a resolution note.
	ApprovalNeedsNote(c *workflows.Claim) bool
	// Queue is a person's queue, for their home view.
	Queue(ctx context.Context, who workflows.Actor, channel string) (workflows.Queue, error)
	// RefreshHome queues a refresh of a person's home view.
	RefreshHome(ctx context.Context, who workflows.Actor) error
}

var _ Port = (*Router)(nil)

// Parse reads text as a command of the router's grammar.
func (r *Router) Parse(text string) (Command, error) { return r.grammar().Parse(text) }

// Claim implements Port.
func (r *Router) Claim(ctx context.Context, id int64) (*workflows.Claim, error) {
	return r.Engine.Store.Claim(ctx, id)
}

// ClaimInThread implements Port.
func (r *Router) ClaimInThread(ctx context.Context, platform, channel, root string) (int64, error) {
	return r.Engine.Store.ClaimByThread(ctx, platform, channel, root)
}

// FindClaims implements Port.
func (r *Router) FindClaims(ctx context.Context, query string, limit int) ([]workflows.Claim, error) {
	store := r.Engine.Store
	if id, err := strconv.ParseInt(strings.TrimPrefix(query, "#"), 10, 64); err == nil && id > 0 {
		c, err := store.Claim(ctx, id)
		if workflows.ErrorCode(err) == workflows.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []workflows.Claim{*c}, nil
	}
	if words := strings.Fields(query); len(words) > 0 {
		return store.SearchClaims(ctx, words, limit)
	}
	return store.ListClaims(ctx, workflows.ClaimFilter{Decision: workflows.Pending, Limit: limit})
}

// CapturedAs implements Port.
func (r *Router) CapturedAs(ctx context.Context, platform, channel, messageID string) (int64, error) {
	return r.Engine.CapturedAs(ctx, platform, channel, messageID)
}

// IsEditor implements Port.
func (r *Router) IsEditor(ctx context.Context, req workflows.Request) (bool, error) {
	return r.Engine.IsEditor(ctx, req)
}

// ApprovalNeedsNote implements Port.
func (r *Router) ApprovalNeedsNote(c *workflows.Claim) bool { return r.Engine.ApprovalNeedsNote(c) }

// Queue implements Port.
func (r *Router) Queue(ctx context.Context, who workflows.Actor, channel string) (workflows.Queue, error) {
	return r.Engine.Queue(ctx, who, channel)
}

// RefreshHome implements Port.
func (r *Router) RefreshHome(ctx context.Context, who workflows.Actor) error {
	return r.Engine.RefreshHome(ctx, who)
}
