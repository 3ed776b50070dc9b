package shell

import (
	"context"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/workflows"
)

// Terminal is the terminal chat as a bot.Platform: the session reads what
// people type, the deliverer writes what the desk says. Run returns when
// the input ends (quit, Ctrl-D), and with it the terminal desk.
type Terminal struct {
	*Deliverer
	Session *Session
}

var (
	_ bot.Platform  = (*Terminal)(nil)
	_ bot.HelpAdder = (*Terminal)(nil)
)

// Name is "shell".
func (t *Terminal) Name() string { return Platform }

// Limits are the terminal's message limits (see Limits).
func (t *Terminal) Limits() workflows.Limits { return Limits }

// Run reads lines until the input ends or ctx does.
func (t *Terminal) Run(ctx context.Context) error { return t.Session.Run(ctx) }

// Help adds "as NAME" and quit to help, and how to paste an article.
func (t *Terminal) Help() bot.PlatformHelp { return Help }
