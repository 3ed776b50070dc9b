package workflows

import (
	"context"
	"strings"
)

// Actor is the person (or the desk itself) doing something. It is passed
// explicitly to every engine call: cron, tests and each platform set it.
type Actor struct {
	Platform string // "slack", "matrix", "shell", or "system"
	ID       string // the platform's user id: U123, @ana:example.org, ana
	Name     string // display name when known; ID otherwise
}

// System is the actor for changes the desk makes on its own (a reopen caused
// by new evidence, a scheduled digest).
var System = Actor{Platform: "system", ID: "factdesk", Name: "factdesk"}

// Key is the actor's identity across platforms, as stored in the database:
// "slack:U123". Two actors are the same person only if their keys are equal.
func (a Actor) Key() string { return a.Platform + ":" + a.ID }

// Display is how the actor is named in messages.
func (a Actor) Display() string {
	if a.Name != "" {
		return a.Name
	}
	return a.ID
}

// Names gives people's display names for messages: "Ana Ruiz" for
// "slack:U0ANA", or "" when it does not know the person (the message then
// shows the id). Platforms whose ids are not names implement it; the engine
// asks before it writes a message naming someone, never inside a write
// transaction, and implementations cache and bound their look-ups.
type Names interface {
	Name(ctx context.Context, key string) string
}

// NamesByPlatform asks each platform's Names about that platform's people.
type NamesByPlatform map[string]Names

// Name implements Names.
func (m NamesByPlatform) Name(ctx context.Context, key string) string {
	platform, _, _ := strings.Cut(key, ":")
	if n := m[platform]; n != nil {
		return n.Name(ctx, key)
	}
	return ""
}

// NameAssignees gives claims the display names of their assignees (what a
// list or a digest line names), asking n once per person; the claims share
// one map. A nil n leaves them unnamed.
func NameAssignees(ctx context.Context, n Names, claims []Claim) {
	if n == nil {
		return
	}
	names := map[string]string{}
	for i := range claims {
		if k := claims[i].Assignee; k != "" {
			if _, done := names[k]; !done {
				names[k] = n.Name(ctx, k)
			}
		}
		claims[i].Names = names
	}
}

// ActorFromKey reverses Key; the name is the id.
func ActorFromKey(key string) Actor {
	platform, id, ok := strings.Cut(key, ":")
	if !ok {
		return Actor{ID: key, Name: key}
	}
	return Actor{Platform: platform, ID: id}
}

// DisplayKey names a stored actor key for people: the id without its platform.
func DisplayKey(key string) string {
	if key == "" {
		return ""
	}
	return ActorFromKey(key).ID
}

// Conversation is where a command was said: the platform, the channel (Slack
// channel id, Matrix room id, "terminal"), the thread root when it was said in
// a thread, and the message itself (for reactions and replies).
type Conversation struct {
	Platform  string `json:"platform"`
	Channel   string `json:"channel"`
	Thread    string `json:"thread,omitempty"`
	MessageID string `json:"message_id,omitempty"`
	// Threadless is set by platforms that show everything in one stream
	// (the terminal): there a claim's thread notice and the reply to the
	// command would say the same thing twice, so only the reply is sent.
	Threadless bool `json:"threadless,omitempty"`
	// User is set when replies may be shown to this user alone (Slack
	// ephemeral messages); platforms without that post to the thread.
	User string `json:"user,omitempty"`
	// Captured is the chat message the command was made from (a Slack
	// message shortcut, a Matrix reply), nil for a command typed on its
	// own. It is kept with the inbox event, so a recovered event still
	// knows it.
	Captured *Captured `json:"captured,omitempty"`
}

// Roles answers who may decide. The desk asks it in one place (Engine.authorize)
// on every path, so a button, a reaction, a thread reply and a slash command are
// checked alike. Implementations must return an EINTERNAL-coded or plain error
// only when they could not tell (an API down), never to mean "no".
type Roles interface {
	IsEditor(ctx context.Context, actor Actor, channel string) (bool, error)
}
