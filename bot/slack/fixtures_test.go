package slack_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/workflows"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "slackdocs", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// docsDesk is a desk whose workspace, bot and command are those of Slack's
// documented examples, so they can be fed as they are.
func docsDesk(t *testing.T, opts ...slackfake.Option) *desk {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	clock := fakeclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	opts = append([]slackfake.Option{slackfake.WithNow(clock.Now), slackfake.WithBot("U0LAN0Z89", "B0LAN0Z89", "factdesk"),
		slackfake.WithTeam("T123ABC456", "Docs", "docs")}, opts...)
	fake := slackfake.New(t, opts...)
	return openDesk(t, ctx, slackbot.ModeHTTP, fake, clock, "sqlite://"+filepath.Join(t.TempDir(), "desk.db"),
		func(c *slackbot.Config) {
			c.Command = "/weather"
			c.AllowExternal = []string{"T0001", "T9TK3CUKW"}
		})
}

// TestDocumentedAppMention: the text after the desk's own mention is the
// command, from the user who wrote it, in the channel, as its own message.
func TestDocumentedAppMention(t *testing.T) {
	d := docsDesk(t)
	ev, ok := d.adapter.EventInbound(d.ctx, fixture(t, "app_mention.json"))
	if !ok {
		t.Fatal("the documented app_mention was not taken")
	}
	want := workflows.Inbound{Platform: "slack", EventID: "Ev123ABC456",
		Actor: workflows.Actor{Platform: "slack", ID: "U061F7AUR"},
		Conv:  workflows.Conversation{Platform: "slack", Channel: "C123ABC456", MessageID: "1515449522.000016"},
		Text:  "is it everything a river should be?"}
	if ev.EventID != want.EventID || ev.Actor != want.Actor || ev.Conv != want.Conv || ev.Text != want.Text {
		t.Errorf("got  %+v\nwant %+v", ev, want)
	}
}

// TestDocumentedThreadReply: a reply in a thread is the desk's only when
// the thread is a claim's and the reply is a command; then it is taken in
// that thread.
func TestDocumentedThreadReply(t *testing.T) {
	d := docsDesk(t)
	body := fixture(t, "message_in_thread.json")
	if ev, ok := d.adapter.EventInbound(d.ctx, body); ok {
		t.Fatalf("chatter in a thread that is no claim's was taken: %+v", ev)
	}
	// File a claim in the documented channel, then reply in its thread.
	form := slackfake.SlashCommandForm(slack.SlashCommand{Command: "/weather", UserID: "U123ABC456", ChannelID: "C123ABC456",
		TeamID: "T123ABC456", TriggerID: "t-docs", Text: d.fake.TypedCommand("claim The ministry said 300 civilians were killed")})
	d.post(slackbot.PathCommands, []byte(form.Encode()), 200)
	d.settle()
	var card slackfake.Message
	for _, m := range d.fake.Messages("C123ABC456") {
		if m.ThreadTS == "" {
			card = m
		}
	}
	if card.TS == "" {
		t.Fatal("no card")
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	inner := doc["event"].(map[string]any)
	inner["thread_ts"] = card.TS
	inner["text"] = "show"
	body, _ = json.Marshal(doc)
	ev, ok := d.adapter.EventInbound(d.ctx, body)
	if !ok {
		t.Fatal("a command in the claim's thread was not taken")
	}
	if ev.Actor.ID != "U123ABC456" || ev.Conv.Channel != "C123ABC456" || ev.Conv.Thread != card.TS ||
		ev.Conv.MessageID != "1483037604.017506" || ev.Text != "show" {
		t.Errorf("got %+v", ev)
	}
}

// TestDocumentedSlashCommand: the documented form body is a command from
// its user in its channel; its trigger id makes its event id.
func TestDocumentedSlashCommand(t *testing.T) {
	d := docsDesk(t)
	ev, err := d.adapter.CommandInbound(fixture(t, "slash_command.form"))
	if err != nil {
		t.Fatal(err)
	}
	if ev.EventID != "cmd:13345224609.738474920.8088930838d88f008e0" || ev.Actor.ID != "U2147483697" ||
		ev.Actor.Name != "Steve" || ev.Conv.Channel != "C2147483705" || ev.Conv.User != "U2147483697" || ev.Text != "94070" {
		t.Errorf("got %+v", ev)
	}
}

// TestDocumentedBlockActions: slack-go reads the documented click; a button
// that is not the desk's does nothing, and the same payload carrying the
// desk's "assign to me" button assigns the claim to the clicker.
func TestDocumentedBlockActions(t *testing.T) {
	d := docsDesk(t)
	raw := fixture(t, "block_actions.json")
	var ic slack.InteractionCallback
	if err := json.Unmarshal(raw, &ic); err != nil {
		t.Fatal(err)
	}
	acts := ic.ActionCallback.BlockActions
	if ic.Type != slack.InteractionTypeBlockActions || ic.User.ID != "UA8RXUSPL" || ic.Channel.ID != "CBR2V3XEX" ||
		ic.Container.MessageTs != "1548261231.000200" || len(acts) != 1 || acts[0].ActionID != "WaXA" || acts[0].Value != "click_me_123" {
		t.Fatalf("slack-go read %+v", ic)
	}
	d.post(slackbot.PathInteractions, []byte(url.Values{"payload": {string(raw)}}.Encode()), 200)
	d.adapter.Wait()
	if n := d.count("inbox"); n != 0 {
		t.Fatalf("a button that is not the desk's was recorded (%d rows)", n)
	}

	d.fake.AddUser(slack.User{ID: "UA8RXUSPL", Name: "jtorrance", TeamID: "T9TK3CUKW"})
	form := slackfake.SlashCommandForm(slack.SlashCommand{Command: "/weather", UserID: "U123ABC456", ChannelID: "CBR2V3XEX",
		TeamID: "T123ABC456", TriggerID: "t-claim", Text: d.fake.TypedCommand("claim The ministry said 300 civilians were killed")})
	d.post(slackbot.PathCommands, []byte(form.Encode()), 200)
	d.settle()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	action := doc["actions"].([]any)[0].(map[string]any)
	action["action_id"], action["value"] = "assign_me", "1:0"
	raw, _ = json.Marshal(doc)
	d.post(slackbot.PathInteractions, []byte(url.Values{"payload": {string(raw)}}.Encode()), 200)
	d.settle()
	if got := d.claim(1).Assignee; got != "slack:UA8RXUSPL" {
		t.Errorf("assignee = %q, want slack:UA8RXUSPL; told %q", got, d.ephemeralsTo("UA8RXUSPL"))
	}
}

// TestDocumentedMessageShortcut: slack-go reads the documented message
// shortcut; with the desk's callback id it opens the claim form with the
// message's text as people read it (the link unwrapped), and a callback id
// that is not the desk's opens nothing.
func TestDocumentedMessageShortcut(t *testing.T) {
	d := docsDesk(t, slackfake.WithTeam("T0MJRM1A7", "Pandamonium", "pandamonium"))
	raw := fixture(t, "message_action.json")
	var ic slack.InteractionCallback
	if err := json.Unmarshal(raw, &ic); err != nil {
		t.Fatal(err)
	}
	if ic.Type != slack.InteractionTypeMessageAction || ic.Channel.ID != "D0LFFBKLZ" || ic.Message.Timestamp != "1516229207.000133" ||
		ic.Message.User != "U0MJRG1AL" || ic.TriggerID == "" {
		t.Fatalf("slack-go read %+v", ic)
	}
	d.fake.AddMessage(slackfake.Message{Channel: "D0LFFBKLZ", TS: "1516229207.000133", User: "U0MJRG1AL", Text: ic.Message.Text})
	d.post(slackbot.PathInteractions, []byte(url.Values{"payload": {string(raw)}}.Encode()), 200)
	d.adapter.Wait()
	if n := len(d.fake.Views()); n != 0 {
		t.Fatalf("a shortcut that is not the desk's opened %d modals", n)
	}

	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["callback_id"] = slackbot.ShortcutFileClaim
	raw, _ = json.Marshal(doc)
	d.post(slackbot.PathInteractions, []byte(url.Values{"payload": {string(raw)}}.Encode()), 200)
	d.adapter.Wait()
	v := d.lastView()
	if got, want := v.initial("statement"), "World's smallest big cat! https://youtube.com/watch?v=W86cTIoMv2U"; got != want {
		t.Errorf("statement prefilled with %q, want %q", got, want)
	}
	if link := d.fake.Permalink("D0LFFBKLZ", "1516229207.000133", ""); !strings.Contains(v.PrivateMetadata, link) {
		t.Errorf("the form does not carry the permalink %s: %s", link, v.PrivateMetadata)
	}
}

// TestDocumentedGlobalShortcut: the documented global shortcut, with the
// desk's callback id, opens the empty claim form bound for the capture
// channel.
func TestDocumentedGlobalShortcut(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	clock := fakeclock.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	fake := slackfake.New(t, slackfake.WithNow(clock.Now), slackfake.WithTeam("TXXXXXXXX", "Shortcuts", "shortcuts-test"))
	d := openDesk(t, ctx, slackbot.ModeHTTP, fake, clock, "sqlite://"+filepath.Join(t.TempDir(), "desk.db"),
		func(c *slackbot.Config) { c.CaptureChannel = "C0DESK" })
	var doc map[string]any
	if err := json.Unmarshal(fixture(t, "shortcut.json"), &doc); err != nil {
		t.Fatal(err)
	}
	doc["callback_id"] = slackbot.ShortcutNewClaim
	raw, _ := json.Marshal(doc)
	d.post(slackbot.PathInteractions, []byte(url.Values{"payload": {string(raw)}}.Encode()), 200)
	d.adapter.Wait()
	v := d.lastView()
	if v.CallbackID != "factdesk_claim" || v.initial("statement") != "" || !strings.Contains(v.PrivateMetadata, `"channel":"C0DESK"`) {
		t.Fatalf("opened %+v", v)
	}
	d.interact(submission(v, "UXXXXXXXXX", "TXXXXXXXX", "1.h", map[string]string{"statement": "The ministry says 40 bridges are down"}))
	d.settle()
	c := d.claim(1)
	if c.Statement != "The ministry says 40 bridges are down" || len(c.Evidence) != 0 || c.Threads[0].Channel != "C0DESK" {
		t.Errorf("claim from the global shortcut: %+v", c)
	}
}
