package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/workflows"
)

// EventInbound is what the desk makes of an Events API body: the command it
// handles, or false when the event is none of its business.
func (a *Adapter) EventInbound(ctx context.Context, body []byte) (workflows.Inbound, bool) {
	var cb callback
	if json.Unmarshal(body, &cb) != nil {
		return workflows.Inbound{}, false
	}
	return a.eventInbound(ctx, cb)
}

// CommandInbound is what the desk makes of a slash command's form body.
func (a *Adapter) CommandInbound(form []byte) (workflows.Inbound, error) {
	req := httptest.NewRequest("POST", PathCommands, bytes.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cmd, err := slack.SlashCommandParse(req)
	if err != nil {
		return workflows.Inbound{}, err
	}
	return a.commandInbound(cmd, form)
}
