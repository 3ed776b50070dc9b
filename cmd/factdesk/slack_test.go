package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

// TestSlackStoryThroughMain runs the real `factdesk run` in HTTP mode
// against the fake Slack: a claim by slash command, evidence in the card's
// thread, and an editor's Approve button.
func TestSlackStoryThroughMain(t *testing.T) {
	fake := slackfake.New(t)
	const secret = "e2e-signing-secret"
	cfgPath, _ := slackDeskConfig(t, "", fake, secret, "editors:\n  slack: [UEDITOR]\nlog:\n  level: warn\n")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	addr, logs := startDesk(t, ctx, offline(&Main{Getenv: slackEnv(fake)}), cfgPath)
	post := func(path string, body []byte) {
		t.Helper()
		req := slackfake.SignedRequest(secret, "http://"+addr+path, body, time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", path, resp.Status)
		}
	}
	wait := func(method string, n int) []slackfake.Call {
		t.Helper()
		calls, err := fake.WaitCalls(ctx, method, n)
		if err != nil {
			t.Fatalf("%v\n%s", err, logs.String())
		}
		return calls
	}

	// Unsigned requests are refused by the real server too.
	resp, err := http.Post("http://"+addr+"/slack/commands", "application/x-www-form-urlencoded", strings.NewReader("command=/factdesk&text=claim+x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned request: %s", resp.Status)
	}

	post("/slack/commands", []byte(slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk",
		Text: fake.TypedCommand("claim The ministry said at least 300 civilians were killed"), UserID: "UREPORTER", ChannelID: "C0NEWS", TriggerID: "t1"}).Encode()))
	cardTS := wait("chat.postMessage", 1)[0]
	// The answer is delivered after the card is recorded as the thread root.
	wait("chat.postEphemeral", 1)
	var card slackfake.Message
	for _, msg := range fake.Messages("C0NEWS") {
		if msg.ThreadTS == "" {
			card = msg
		}
	}
	if card.TS == "" || !strings.Contains(card.Text, "300 civilians") {
		t.Fatalf("no card: %+v %+v", cardTS, fake.Messages("C0NEWS"))
	}
	for i, src := range []string{"UN", "Red Crescent"} {
		text := fake.Typed(fmt.Sprintf(`evidence supports source=%q figure=300`, src))
		ts := fake.AddMessage(slackfake.Message{Channel: "C0NEWS", User: "UREPORTER", Text: text, ThreadTS: card.TS})
		post("/slack/events", slackfake.EventCallbackJSON(slackfake.EventCallback{Event: slackfake.Event{
			User: "UREPORTER", Text: text, Channel: "C0NEWS", TS: ts, ThreadTS: card.TS}}))
		wait("chat.update", i+1)
	}
	card, _ = fake.Message("C0NEWS", card.TS)
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	_ = json.Unmarshal(card.Blocks, &blocks)
	value := ""
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == "approve" {
				value = e.Value
			}
		}
	}
	if value != "1:3" {
		t.Fatalf("approve button value = %q, want 1:3", value)
	}
	post("/slack/interactions", []byte(slackfake.InteractionForm(slackfake.BlockActionsJSON(slackfake.BlockActions{
		UserID: "UEDITOR", ChannelID: "C0NEWS", MessageTS: card.TS, TriggerID: "t-approve",
		Actions: []slackfake.BlockAction{{ActionID: "approve", Value: value}}})).Encode()))
	wait("chat.update", 3)
	card, _ = fake.Message("C0NEWS", card.TS)
	if !strings.Contains(card.Text, "approved") {
		t.Fatalf("card after approval: %q", card.Text)
	}
}

// TestSlackSocketModeThroughMain: with an app token the real program
// connects over Socket Mode, acknowledges and files the claim.
func TestSlackSocketModeThroughMain(t *testing.T) {
	fake := slackfake.New(t)
	cfgPath, _ := slackDeskConfig(t, "", fake, "", "log:\n  level: warn\n")
	env := map[string]string{"FACTDESK_SLACK_BOT_TOKEN": fake.BotToken(), "FACTDESK_SLACK_APP_TOKEN": fake.AppToken()}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, logs := startDesk(t, ctx, offline(&Main{Getenv: envOf(env)}), cfgPath)
	if err := fake.WaitConnections(ctx, 1); err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	env1 := fake.SendSlashCommand(slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk",
		Text: fake.TypedCommand("claim The ministry said 40 schools closed"), UserID: "UREPORTER", ChannelID: "C0NEWS", TriggerID: "s1"}))
	if _, err := fake.WaitAck(ctx, env1); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitCalls(ctx, "chat.postMessage", 1); err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	if msgs := fake.Messages("C0NEWS"); len(msgs) != 1 || !strings.Contains(msgs[0].Text, "40 schools") {
		t.Fatalf("messages = %+v", msgs)
	}
}
