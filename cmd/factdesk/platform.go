package main

import (
	"context"
	"errors"
	"net/http"

	"github.com/factdesk/factdesk/bot"
)

// attachPlatform gives the desk a chat platform (see bot.Platform): the
// dispatcher delivers its outbox rows, the engine splits messages by its
// limits, and each optional power it offers is wired where the desk uses
// it. It returns the runner that connects (trying again with backoff while
// the platform is unreachable, stopping the desk on a rejected credential)
// and then receives until ctx ends; /readyz reports on it meanwhile.
func (d *Desk) attachPlatform(p bot.Platform, mux *http.ServeMux) func(ctx context.Context) error {
	name := p.Name()
	d.Dispatcher.Deliverers[name] = p
	d.Engine.Limits[name] = p.Limits()
	if m, ok := p.(bot.MentionParser); ok {
		d.Router.Mentions[name] = m.ParseMention
	}
	if m, ok := p.(bot.MentionResolver); ok {
		if d.Router.Resolve == nil {
			d.Router.Resolve = map[string]func(context.Context, string) (string, error){}
		}
		d.Router.Resolve[name] = m.ResolveMention
	}
	if r, ok := p.(bot.RoleSource); ok {
		if roles := r.Roles(); roles != nil {
			d.Roles.Dynamic[name] = roles
		}
	}
	if n, ok := p.(bot.PeopleNamer); ok {
		d.Names[name] = n.PeopleNames()
		d.Engine.Names = d.Names
	}
	if dn, ok := p.(bot.DirectNotifier); ok && dn.DirectNotices() {
		if d.Engine.Direct == nil {
			d.Engine.Direct = map[string]bool{}
		}
		d.Engine.Direct[name] = true
	}
	if h, ok := p.(bot.HTTPMounter); ok && mux != nil {
		h.Mount(mux)
	}
	if o, ok := p.(bot.Orderer); ok {
		d.Router.Order[name] = o.OrderKey
	}
	if h, ok := p.(bot.HelpAdder); ok {
		d.Router.Help[name] = h.Help()
	}
	state := newPartState("connecting")
	d.Health.Add(name, func(context.Context) (bool, string) {
		if ok, detail := state.get(); !ok {
			return false, detail
		}
		if s, ok := p.(bot.StatusReporter); ok {
			return s.Status()
		}
		return true, "connected"
	})
	return func(ctx context.Context) error {
		if c, ok := p.(bot.Connector); ok {
			if err := d.keepConnecting(ctx, name, state, c.Connect); err != nil {
				return err
			}
		} else {
			state.set(true, "connected")
		}
		d.Dispatcher.Kick() // what was queued while the platform was away goes now
		err := p.Run(ctx)
		if rej, ok := errors.AsType[*bot.RejectedCredential](err); ok {
			return rejectedError(rej)
		}
		return err
	}
}
