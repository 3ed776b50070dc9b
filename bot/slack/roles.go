package slack

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/workflows"
)

// Roles makes the members of one Slack user group editors. The group's
// members are cached for a TTL, so a click does not cost two API calls; when
// Slack cannot be reached the last known members are used, and with none
// known the answer is an error (the engine then refuses, saying so).
type Roles struct {
	api    *slack.Client
	handle string
	ttl    time.Duration
	clock  workflows.Clock

	mu      sync.Mutex
	groupID string
	members map[string]bool
	fetched time.Time
}

// groupFetchTimeout bounds one look-up of the group's members, and
// groupRetry is how soon a failed look-up is tried again while the last
// known members serve.
const (
	groupFetchTimeout = 10 * time.Second
	groupRetry        = time.Minute
)

// NewRoles returns the roles of the user group with the given handle
// ("@desk-editors" or "desk-editors").
func NewRoles(api *slack.Client, handle string, ttl time.Duration, clock workflows.Clock) *Roles {
	return &Roles{api: api, handle: strings.TrimPrefix(handle, "@"), ttl: ttl, clock: clock}
}

// IsEditor implements workflows.Roles.
func (r *Roles) IsEditor(ctx context.Context, actor workflows.Actor, _ string) (bool, error) {
	if actor.Platform != Platform {
		return false, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	if r.members == nil || now.Sub(r.fetched) >= r.ttl {
		// One caller fetches (the lock makes the others wait for its answer),
		// and never for long: a slow Slack must not stall every decision.
		fctx, cancel := context.WithTimeout(ctx, groupFetchTimeout)
		members, err := r.fetch(fctx)
		cancel()
		switch {
		case err == nil:
			r.members, r.fetched = members, now
		case r.members == nil:
			return false, err
		default:
			// Slack is failing: keep the last known members, and ask again
			// in a while rather than on every question.
			r.fetched = now.Add(-r.ttl + min(r.ttl, groupRetry))
		}
	}
	return r.members[actor.ID], nil
}

func (r *Roles) fetch(ctx context.Context) (map[string]bool, error) {
	if r.groupID == "" {
		groups, err := r.api.GetUserGroupsContext(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing slack user groups: %w", err)
		}
		for _, g := range groups {
			if g.Handle == r.handle {
				r.groupID = g.ID
			}
		}
		if r.groupID == "" {
			return nil, fmt.Errorf("slack user group @%s not found", r.handle)
		}
	}
	ids, err := r.api.GetUserGroupMembersContext(ctx, r.groupID)
	if err != nil {
		return nil, fmt.Errorf("listing members of @%s: %w", r.handle, err)
	}
	members := make(map[string]bool, len(ids))
	for _, id := range ids {
		members[id] = true
	}
	return members, nil
}
