package slack_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

const (
	partnerTeam = "T0PARTNER"
	guest       = "UGUEST"
)

// TestForeignWorkspaceRefused: a guest from another workspace (Slack
// Connect) who mentions the desk, runs its command or clicks a card's
// button is told, briefly, that the desk is not theirs; nothing is
// recorded or changed. Their ordinary chatter gets no answer at all.
func TestForeignWorkspaceRefused(t *testing.T) {
	for _, mode := range []string{slackbot.ModeHTTP, slackbot.ModeSocket} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode)
			d.slash(reporter, "claim The ministry said 300 civilians were killed", "trig-1")
			card := d.onlyCard()
			inbox := d.count("inbox")

			// A mention, and a command in the claim's thread.
			for _, typed := range []string{"@factdesk claim The mayor said 40 schools closed", `evidence supports source="UN" figure=300`} {
				thread := ""
				if !strings.HasPrefix(typed, "@") {
					thread = card.TS
				}
				text := d.fake.Typed(typed)
				typ := "message"
				if thread == "" {
					typ = "app_mention"
				}
				d.event(slackfake.EventCallbackJSON(slackfake.EventCallback{Event: slackfake.Event{Type: typ, User: guest,
					UserTeam: partnerTeam, Text: text, Channel: channel, ThreadTS: thread,
					TS: d.fake.AddMessage(slackfake.Message{Channel: channel, User: guest, Text: text, ThreadTS: thread})}}))
				d.settle()
			}
			// Chatter: not for the desk, so not answered either.
			d.event(slackfake.EventCallbackJSON(slackfake.EventCallback{Event: slackfake.Event{User: guest, UserTeam: partnerTeam,
				Text: "nice weather", Channel: channel, TS: d.fake.AddMessage(slackfake.Message{Channel: channel, User: guest, Text: "nice weather"})}}))
			d.settle()

			// The slash command: its answer is the response (HTTP) or the ack's payload (Socket Mode).
			form := slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk", Text: d.fake.TypedCommand("claim X said 3 things"),
				UserID: guest, TeamID: partnerTeam, ChannelID: channel, TriggerID: "trig-guest"})
			var answer string
			if mode == slackbot.ModeHTTP {
				answer = d.post(slackbot.PathCommands, []byte(form.Encode()), http.StatusOK).Body.String()
			} else {
				ack, err := d.fake.WaitAck(d.ctx, d.fake.SendSlashCommand(form))
				if err != nil {
					t.Fatal(err)
				}
				var p struct{ Text string }
				_ = json.Unmarshal(ack.Payload, &p)
				answer = p.Text
			}
			if !strings.Contains(answer, "only for its own newsroom") {
				t.Errorf("the guest's command was answered %q", answer)
			}

			// A click on the card's "assign to me".
			d.interact(slackfake.BlockActionsJSON(slackfake.BlockActions{UserID: guest, TeamID: partnerTeam, ChannelID: channel,
				MessageTS: card.TS, TriggerID: "trig-click", Actions: []slackfake.BlockAction{{ActionID: "assign_me",
					BlockID: "factdesk_actions", Value: d.buttonValue(card, "assign_me")}}}))
			d.settle()

			if n := d.count("inbox"); n != inbox {
				t.Errorf("%d inbox rows recorded for the guest", n-inbox)
			}
			if n := d.count("claims"); n != 1 {
				t.Errorf("%d claims", n)
			}
			c := d.claim(1)
			if len(c.Evidence) != 0 || c.Assignee != "" {
				t.Errorf("the guest changed the claim: %+v", c)
			}
			told := d.ephemeralsTo(guest)
			if len(told) != 3 || !contains(told, "only for its own newsroom") {
				t.Errorf("the guest was told %q, want three refusals (mention, thread command, click)", told)
			}
		})
	}
}

// TestAllowedExternalWorkspace: slack.allow_external lets a partner
// workspace's people in.
func TestAllowedExternalWorkspace(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP, func(c *slackbot.Config) { c.AllowExternal = []string{partnerTeam} })
	form := slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk", Text: d.fake.TypedCommand("claim The mayor said 40 schools closed"),
		UserID: guest, TeamID: partnerTeam, ChannelID: channel, TriggerID: "trig-partner"})
	d.post(slackbot.PathCommands, []byte(form.Encode()), http.StatusOK)
	d.settle()
	if n := d.count("claims"); n != 1 {
		t.Fatalf("%d claims from an allowed workspace; told %q", n, d.ephemeralsTo(guest))
	}
}

// TestConfiguredTeam: slack.team_id names the workspace served; the bot
// token's own (auth.test) is then another one like any other.
func TestConfiguredTeam(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP, func(c *slackbot.Config) { c.TeamID = "T0NEWSROOM" })
	d.slash(reporter, "claim The mayor said 40 schools closed", "trig-own") // the fake's team, T0FAKETEAM
	if n := d.count("claims"); n != 0 {
		t.Fatalf("a command from a workspace that is not slack.team_id was taken")
	}
	form := slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk", Text: d.fake.TypedCommand("claim The mayor said 40 schools closed"),
		UserID: reporter, TeamID: "T0NEWSROOM", ChannelID: channel, TriggerID: "trig-newsroom"})
	d.post(slackbot.PathCommands, []byte(form.Encode()), http.StatusOK)
	d.settle()
	if n := d.count("claims"); n != 1 {
		t.Fatalf("%d claims from slack.team_id's workspace", n)
	}
	if err := (slackbot.Config{Mode: slackbot.ModeHTTP, SigningSecret: "s", BotToken: "xoxb-1", TeamID: "t0lower"}).Validate(); err == nil {
		t.Error("a malformed team id was accepted")
	}
}
