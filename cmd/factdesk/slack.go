package main

import (
	"context"
	"errors"
	"net/http"

	slackbot "github.com/factdesk/factdesk/bot/slack"
)

// SlackConfig is the slack: section of the config.
type SlackConfig struct {
	Mode          string `yaml:"mode"`           // socket (default) or http
	BotToken      string `yaml:"bot_token"`      // xoxb-…; FACTDESK_SLACK_BOT_TOKEN
	AppToken      string `yaml:"app_token"`      // xapp-…, Socket Mode; FACTDESK_SLACK_APP_TOKEN
	SigningSecret string `yaml:"signing_secret"` // HTTP mode; FACTDESK_SLACK_SIGNING_SECRET
	APIURL        string `yaml:"api_url"`        // Web API base URL override
	Command       string `yaml:"command"`        // slash command, default /factdesk
	EditorGroup   string `yaml:"editor_group"`   // user group handle whose members are editors
	AllowBots     bool   `yaml:"allow_bots"`     // handle other bots' messages
	// TeamID is the workspace served (T…); auth.test tells it when empty.
	TeamID string `yaml:"team_id"`
	// AllowExternal lists other workspaces whose people may use the desk.
	AllowExternal []string `yaml:"allow_external"`
	// CaptureChannel is where cards of claims filed with a shortcut go.
	CaptureChannel string `yaml:"capture_channel"`
}

func (c SlackConfig) adapterConfig() slackbot.Config {
	return slackbot.Config{
		Mode: c.Mode, BotToken: c.BotToken, AppToken: c.AppToken, SigningSecret: c.SigningSecret,
		APIURL: c.APIURL, Command: c.Command, EditorGroup: c.EditorGroup, AllowBots: c.AllowBots,
		TeamID: c.TeamID, AllowExternal: c.AllowExternal, CaptureChannel: c.CaptureChannel,
	}
}

// validate checks the slack: section.
func (c SlackConfig) validate() error {
	if c.BotToken == "" {
		if c.AppToken != "" || c.SigningSecret != "" {
			return errors.New("slack.bot_token is empty: Slack needs the bot token (xoxb-…) as well")
		}
		return nil
	}
	return c.adapterConfig().Validate()
}

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
	a := slackbot.Build(cfg.adapterConfig(), d.Router, d.Clock, d.Logger)
	d.Logger.Info("slack attached", "platform", slackbot.Platform, "mode", modeName(cfg.Mode))
	return d.attachPlatform(a, mux), nil
}

func modeName(m string) string {
	if m == "" {
		return slackbot.ModeSocket
	}
	return m
}
