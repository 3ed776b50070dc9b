package slack

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/workflows"
)

// people tells who a typed mention is, for assign and list assigned:. An id
// (from a mention Slack filled in) must be a user Slack knows (users.info);
// a handle typed as plain text ("@rita", from an older client or a command
// Slack did not escape) is looked up in users.list. Answers are kept like
// Names keeps names: knownTTL for what Slack said, unknownRetry before a
// miss is asked again, so a burst of commands asks Slack once.
type people struct {
	api     *slack.Client
	clock   workflows.Clock
	timeout time.Duration

	mu      sync.Mutex
	ids     map[string]verdict // user id → what users.info said
	handles map[string]string  // lower-case handle → id
	display map[string]string  // lower-case one-word display name → id; "" when two people share it
	listed  time.Time          // when users.list was last read whole
	tried   time.Time          // when users.list was last asked, whatever the outcome
}

type verdict struct {
	err   error // nil: Slack knows the user
	until time.Time
}

const (
	knownTTL     = time.Hour
	unknownRetry = time.Minute
	// maxIDLen bounds what is sent to users.info: Slack's ids are 9 to 11
	// characters today; anything far longer is no id.
	maxIDLen = 32
)

func newPeople(api *slack.Client, clock workflows.Clock, timeout time.Duration) *people {
	return &people{api: api, clock: clock, timeout: timeout, ids: map[string]verdict{},
		handles: map[string]string{}, display: map[string]string{}}
}

// handleRE is a handle as people type it: Slack's usernames are lower-case
// letters, digits, ".", "-" and "_"; display names may use capitals.
var handleRE = regexp.MustCompile(`^@?([\pL\pN][\pL\pN._-]{0,79})$`)

// ResolveMention turns a typed mention into the id of a user Slack knows:
// "@U0RITA" (a mention Slack sent as "<@U0RITA>" or "<@U0RITA|rita>") or a
// bare id, checked with users.info; a plain "@rita" or "rita", looked up by
// handle, else by display name, in users.list. Ids are case-sensitive.
// Errors are workflows.EINVALID with a sentence for the user: no such user,
// a user who has left, two people with that name, or Slack not answering.
// It is the router's Resolve["slack"].
func (a *Adapter) ResolveMention(ctx context.Context, typed string) (string, error) {
	return a.people.resolve(ctx, typed)
}

func (p *people) resolve(ctx context.Context, typed string) (string, error) {
	shown := workflows.Shorten(typed, 40)
	if id, ok := ParseMention(typed); ok {
		if len(id) > maxIDLen {
			return "", workflows.Errorf(workflows.EINVALID, "%q is not a Slack user; mention them with @", shown)
		}
		return id, p.check(ctx, id, shown)
	}
	m := handleRE.FindStringSubmatch(typed)
	if m == nil {
		return "", workflows.Errorf(workflows.EINVALID, "%q is not a user I can assign; mention them, e.g. @ana", shown)
	}
	id, err := p.byHandle(ctx, strings.ToLower(m[1]), shown)
	if err != nil {
		return "", err
	}
	return id, p.check(ctx, id, shown)
}

// check asks users.info whether Slack knows id.
func (p *people) check(ctx context.Context, id, shown string) error {
	now := p.clock.Now()
	p.mu.Lock()
	v, ok := p.ids[id]
	p.mu.Unlock()
	if ok && now.Before(v.until) {
		return v.err
	}
	cctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	u, err := p.api.GetUserInfoContext(cctx, id)
	switch {
	case err == nil && u.Deleted:
		v = verdict{err: workflows.Errorf(workflows.EINVALID, "%s has left this Slack workspace; assign someone else", shown), until: now.Add(knownTTL)}
	case err == nil:
		v = verdict{until: now.Add(knownTTL)}
		p.mu.Lock()
		p.learn(*u)
		p.mu.Unlock()
	case isSlackError(err, "user_not_found"):
		v = verdict{err: workflows.Errorf(workflows.EINVALID, "Slack knows no user %s here; mention them with @ and pick them from the list", shown), until: now.Add(unknownRetry)}
	default:
		// Not remembered: the next command asks again.
		return workflows.Errorf(workflows.EINVALID, "Slack did not say who %s is; try again in a minute", shown)
	}
	p.mu.Lock()
	p.ids[id] = v
	p.mu.Unlock()
	return v.err
}

// byHandle finds the one user with a handle (else a display name). It reads
// users.list again when its copy is older than knownTTL or lacks the name
// (someone new), but at most once per unknownRetry.
func (p *people) byHandle(ctx context.Context, handle, shown string) (string, error) {
	now := p.clock.Now()
	p.mu.Lock()
	id, ok := p.lookup(handle)
	stale := now.Sub(p.listed) >= knownTTL
	mayAsk := p.tried.IsZero() || now.Sub(p.tried) >= unknownRetry
	p.mu.Unlock()
	if (!ok || stale) && mayAsk {
		if err := p.list(ctx, now); err != nil && !ok {
			return "", workflows.Errorf(workflows.EINVALID, "Slack did not say who %s is; mention them with @ so Slack fills in who they are", shown)
		}
		p.mu.Lock()
		id, ok = p.lookup(handle)
		p.mu.Unlock()
	}
	switch {
	case !ok:
		return "", workflows.Errorf(workflows.EINVALID, "no one in this Slack workspace is called @%s; mention them with @ and pick them from the list", handle)
	case id == "":
		return "", workflows.Errorf(workflows.EINVALID, "more than one person is called @%s; mention them with @ and pick them from the list", handle)
	}
	return id, nil
}

// lookup reads a handle, else a display name (p.mu held).
func (p *people) lookup(name string) (string, bool) {
	if id, ok := p.handles[name]; ok {
		return id, true
	}
	id, ok := p.display[name]
	return id, ok
}

// list reads users.list whole, page by page.
func (p *people) list(ctx context.Context, now time.Time) error {
	p.mu.Lock()
	p.tried = now
	p.mu.Unlock()
	cctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	users, err := p.api.GetUsersContext(cctx, slack.GetUsersOptionLimit(200))
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.handles, p.display = map[string]string{}, map[string]string{}
	for _, u := range users {
		p.learn(u)
	}
	p.listed = now
	return nil
}

// learn remembers one user's handle and display name (p.mu held).
func (p *people) learn(u slack.User) {
	if u.Deleted {
		return
	}
	if u.Name != "" {
		p.handles[strings.ToLower(u.Name)] = u.ID
	}
	name := strings.ToLower(strings.TrimSpace(u.Profile.DisplayName))
	if name == "" || strings.ContainsAny(name, " \t") {
		return
	}
	if have, ok := p.display[name]; ok && have != u.ID {
		p.display[name] = "" // two people: ask for a real mention
		return
	}
	p.display[name] = u.ID
}

// isSlackError reports whether err is Slack's answer with that error code.
func isSlackError(err error, code string) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err == code
	}
	return err != nil && err.Error() == code
}
