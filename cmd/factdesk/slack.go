package main

import (
	"context"
	"net/http"

	slackbot "github.com/factdesk/factdesk/bot/slack"
)

// startSlack attaches Slack to the desk: the adapter delivers the outbox's
// Slack rows, answers for the editor group, resolves mentions, names people
// in messages and, in HTTP mode, serves Slack's requests on the run
// command's server. It calls no Slack API: the runner it returns connects
// (auth.test), trying again while Slack is unreachable, and then receives.
func startSlack(ctx context.Context, d *Desk, mux *http.ServeMux) (func(ctx context.Context) error, error) {
	cfg := d.Config.Slack
	if cfg.BotToken == "" {
		return nil, nil
	}
	// The adapter calls no Slack API until it connects (auth.test): until
	// then it is on standby and the dispatcher keeps Slack's rows queued.
	a := slackbot.NewAdapter(cfg, d.Router, d.Clock, d.Logger)
	if cfg.AppHome {
		if d.Engine.Home == nil {
			d.Engine.Home = map[string]bool{}
		}
		d.Engine.Home[slackbot.Platform] = true // each person's queue in the App Home tab
	}
	d.Logger.Info("slack attached", "platform", slackbot.Platform, "mode", modeName(cfg.Mode))
	return d.attachPlatform(a, mux), nil
}

func modeName(m string) string {
	if m == "" {
		return slackbot.ModeSocket
	}
	return m
}
