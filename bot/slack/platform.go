package slack

import (
	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/workflows"
)

// The Adapter is a bot.Platform with these optional powers.
var (
	_ bot.Platform        = (*Adapter)(nil)
	_ bot.Connector       = (*Adapter)(nil)
	_ bot.StatusReporter  = (*Adapter)(nil)
	_ bot.MentionParser   = (*Adapter)(nil)
	_ bot.MentionResolver = (*Adapter)(nil)
	_ bot.RoleSource      = (*Adapter)(nil)
	_ bot.PeopleNamer     = (*Adapter)(nil)
	_ bot.DirectNotifier  = (*Adapter)(nil)
	_ bot.HTTPMounter     = (*Adapter)(nil)
	_ bot.Orderer         = (*Adapter)(nil)
)

// Name is "slack", the platform of Slack's events, rows and people.
func (a *Adapter) Name() string { return Platform }

// Limits are Slack's message limits (see Limits).
func (a *Adapter) Limits() workflows.Limits { return Limits }

// ParseMention reads a decoded Slack mention ("@U012AB"); see the package
// function.
func (a *Adapter) ParseMention(typed string) (string, bool) { return ParseMention(typed) }

// PeopleNames names Slack users in messages through users.info.
func (a *Adapter) PeopleNames() workflows.Names { return a.Names() }

// DirectNotices is true: Slack opens a direct message with
// conversations.open.
func (a *Adapter) DirectNotices() bool { return true }
