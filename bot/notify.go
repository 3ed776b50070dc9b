package bot

import (
	"context"
	"strings"

	"github.com/factdesk/factdesk/workflows"
)

// parseNotify reads "notify on" or "notify off": Args[0] is "on" or "off".
func parseNotify(cmd *Command, rest string) error {
	switch w := strings.ToLower(strings.TrimSpace(rest)); w {
	case "on", "off":
		cmd.Args = []string{w}
		return nil
	}
	return errUsage
}

// runNotify records whether the requester gets direct notices.
func (r *Router) runNotify(ctx context.Context, req workflows.Request, cmd Command) error {
	return r.Engine.SetNotify(ctx, req, cmd.Args[0] == "on")
}
