package workflows

import (
	"context"
	"fmt"
)

// KindDirect is a private message to one person (User on Platform) about a
// claim they filed or are assigned: the platform finds or opens its direct
// conversation with them (a Slack DM, a Matrix direct room). Channel is
// DirectChannel(User), so one person's notices keep their order.
const KindDirect OutboxKind = "direct"

// DirectChannel is the outbox channel of a person's direct notices.
func DirectChannel(user string) string { return "@" + user }

// directStatementLen is how much of a statement a direct notice quotes.
const directStatementLen = 120

// notifySetting is a person's choice of direct notices, written with the
// answer to their "notify on|off".
type notifySetting struct {
	actor string
	on    bool
}

// SetNotify records whether the requester gets direct notices about their
// claims, and tells them so.
func (e *Engine) SetNotify(ctx context.Context, req Request, on bool) error {
	text := "Direct notices are on: you are told privately when a claim you filed or are assigned is assigned, disputed, approved or rejected. Say notify off to stop them."
	if !on {
		text = "Direct notices are off. Say notify on to have them again."
	}
	ch := &change{notify: &notifySetting{actor: req.Actor.Key(), on: on}}
	ch.out = e.replyTo(req, 0, Message{Text: text})
	if e.Home[req.Actor.Platform] { // the home view shows the switch
		ch.out = append(ch.out, homeRow(req.Actor.Platform, req.Actor.ID, req.Actor.Key()))
	}
	return e.commit(ctx, req, ch)
}

// directNotices tells a claim's reporter and assignee privately what
// happened to it (text), unless they did it themselves, said "notify off",
// or are on a platform that cannot deliver direct notices (Engine.Direct).
// A preference that cannot be read sends the notice: one message too many
// is better than a decision a reporter never hears of.
func (e *Engine) directNotices(ctx context.Context, req Request, c *Claim, text string, tone Tone) []Outgoing {
	var out []Outgoing
	seen := map[string]bool{req.Actor.Key(): true, "": true}
	for _, key := range []string{c.FiledBy, c.Assignee} {
		if seen[key] {
			continue
		}
		seen[key] = true
		who := ActorFromKey(key)
		if !e.Direct[who.Platform] || who.ID == "" {
			continue
		}
		if off, err := e.Store.NotifyOff(ctx, key); err != nil {
			if e.Logger != nil {
				e.Logger.Warn("reading a notify preference; sending the notice", "actor", key, "err", err)
			}
		} else if off {
			continue
		}
		out = append(out, Outgoing{Platform: who.Platform, Channel: DirectChannel(who.ID), Kind: KindDirect,
			ClaimID: c.ID, User: who.ID, Requester: req.Actor.Key(),
			Message: Message{Text: text + "\nSay notify off to stop these notices.", Tone: tone}})
	}
	return out
}

// DirectText is what a direct notice says: the claim, quoted short, and
// what happened to it.
func DirectText(c *Claim, happened string) string {
	return fmt.Sprintf("%s “%s” %s", c.Ref(), Shorten(c.Statement, directStatementLen), happened)
}
