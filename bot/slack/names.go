package slack

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/workflows"
)

// Names gives Slack users' names for the desk's messages (workflows.Names),
// so a card says "assigned Ana Ruiz", not "assigned U0ANA". It asks
// users.info for the name people chose to be shown by, else their full name,
// else their handle. Mentions would say the same but notify the person on
// every card and notice, so the desk writes names as text.
//
// A name is kept for nameTTL and a failed look-up for nameRetry, so a busy
// desk asks about each person rarely; a look-up waits at most
// nameFetchTimeout (the command is waiting for it), and then the message
// shows the id.
type Names struct {
	api   *slack.Client
	clock workflows.Clock

	mu    sync.Mutex
	known map[string]knownName
	// asking holds the look-ups under way, so a burst of commands from one
	// person asks Slack once, not once a command.
	asking map[string]chan struct{}
}

type knownName struct {
	name  string
	until time.Time
}

const (
	nameTTL          = time.Hour
	nameRetry        = time.Minute
	nameFetchTimeout = 2 * time.Second
)

// NewNames returns the names of the workspace the client is in.
func NewNames(api *slack.Client, clock workflows.Clock) *Names {
	return &Names{api: api, clock: clock, known: map[string]knownName{}, asking: map[string]chan struct{}{}}
}

// Names returns the adapter's workflows.Names.
func (a *Adapter) Names() *Names { return NewNames(a.api, a.clock) }

// Name implements workflows.Names.
func (n *Names) Name(ctx context.Context, key string) string {
	platform, id, _ := strings.Cut(key, ":")
	if platform != Platform || id == "" {
		return ""
	}
	for {
		now := n.clock.Now()
		n.mu.Lock()
		k, ok := n.known[id]
		if ok && now.Before(k.until) {
			n.mu.Unlock()
			return k.name
		}
		if wait, busy := n.asking[id]; busy {
			n.mu.Unlock()
			select {
			case <-wait: // the answer is known now: read it
				continue
			case <-ctx.Done():
				return ""
			}
		}
		done := make(chan struct{})
		n.asking[id] = done
		n.mu.Unlock()

		k = n.fetch(ctx, id, now)
		n.mu.Lock()
		n.known[id] = k
		delete(n.asking, id)
		n.mu.Unlock()
		close(done)
		return k.name
	}
}

// fetch asks Slack for one user's name; a failure is remembered for
// nameRetry, so the id is shown meanwhile.
func (n *Names) fetch(ctx context.Context, id string, now time.Time) knownName {
	ctx, cancel := context.WithTimeout(ctx, nameFetchTimeout)
	defer cancel()
	if u, err := n.api.GetUserInfoContext(ctx, id); err == nil {
		return knownName{name: userName(u), until: now.Add(nameTTL)}
	}
	return knownName{until: now.Add(nameRetry)}
}

func userName(u *slack.User) string {
	for _, s := range []string{u.Profile.DisplayName, u.RealName, u.Profile.RealName, u.Name} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
