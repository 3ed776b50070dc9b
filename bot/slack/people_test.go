package slack_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

// slashAsTyped runs /factdesk with text exactly as typed, as Slack sends it
// from a client that does not escape the command (or with should_escape
// off): "@rita" stays a plain handle.
func (d *desk) slashAsTyped(user, text, trigger string) {
	d.t.Helper()
	form := slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk", Text: text, UserID: user,
		ChannelID: channel, TriggerID: trigger})
	d.post(slackbot.PathCommands, []byte(form.Encode()), http.StatusOK)
	d.settle()
}

// TestAssignByMention: "@rita" picked from Slack's list arrives as
// <@U…|rita> and assigns her; a handle typed as plain text is looked up in
// users.list (across its pages, once); ids keep their case in list
// assigned:.
func TestAssignByMention(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	// 250 people: users.list needs two pages of 200 to reach Rita and Tom.
	for i := range 250 {
		d.fake.AddUser(slack.User{ID: fmt.Sprintf("U1%04d", i), Name: fmt.Sprintf("person%d", i)})
	}
	d.fake.AddUser(slack.User{ID: "UZZRITA", Name: "rita", Profile: slack.UserProfile{DisplayName: "Rita R"}})
	d.fake.AddUser(slack.User{ID: "UZZTOM", Name: "tom.k", Profile: slack.UserProfile{DisplayName: "Tommy"}})
	d.slash(reporter, "claim The ministry said 300 civilians were killed", "trig-1")
	d.slash(reporter, "claim The governor said 12 bridges were closed", "trig-2")

	if sent := d.fake.TypedCommand("assign 1 @rita"); sent != "assign 1 <@UZZRITA|rita>" {
		t.Fatalf("the fake sent %q", sent)
	}
	d.slash(editor, "assign 1 @rita", "trig-a1")
	if got := d.claim(1).Assignee; got != "slack:UZZRITA" {
		t.Fatalf("assignee %q; told %q", got, d.ephemeralsTo(editor))
	}
	if n := len(d.fake.Calls("users.list")); n != 0 {
		t.Errorf("a mention Slack filled in asked users.list %d times", n)
	}

	d.slashAsTyped(editor, "assign 2 @tom.k", "trig-a2")
	if got := d.claim(2).Assignee; got != "slack:UZZTOM" {
		t.Fatalf("plain handle: assignee %q; told %q", got, d.ephemeralsTo(editor))
	}
	pages := len(d.fake.Calls("users.list"))
	if pages != 2 {
		t.Errorf("users.list asked %d times, want its 2 pages", pages)
	}
	d.slashAsTyped(editor, "assign 2 @Tommy", "trig-a3") // a display name, any case
	d.slashAsTyped(editor, "assign 1 rita", "trig-a4")
	if got := d.claim(2).Assignee; got != "slack:UZZTOM" {
		t.Errorf("display name: assignee %q", got)
	}
	if n := len(d.fake.Calls("users.list")); n != pages {
		t.Errorf("known handles asked users.list again (%d calls)", n-pages)
	}

	// Ids are case-sensitive: assigned: keeps the case it was given.
	d.slash(editor, "list assigned:@rita", "trig-l1")
	d.slashAsTyped(editor, "list assigned:UZZTOM", "trig-l2")
	var lists []string
	for _, e := range d.fake.Ephemerals(channel) {
		if e.User == editor && strings.HasPrefix(e.Text, "Claims") {
			lists = append(lists, e.Text+string(e.Blocks))
		}
	}
	if len(lists) != 2 || !strings.Contains(lists[0], "#1") || strings.Contains(lists[0], "#2") ||
		!strings.Contains(lists[1], "#2") || strings.Contains(lists[1], "#1") {
		t.Errorf("list assigned: answered %q", lists)
	}
}

// TestAssignUnknownUser: a user Slack does not know, by id or by handle, is
// refused with a sentence that says so, and nothing changes.
func TestAssignUnknownUser(t *testing.T) {
	d := newDesk(t, slackbot.ModeSocket)
	d.slash(reporter, "claim The ministry said 300 civilians were killed", "trig-1")
	cases := map[string]string{
		"<@U0GHOST>":                  "Slack knows no user @U0GHOST",
		"<@U0GHOST|ghost>":            "Slack knows no user @U0GHOST",
		"@zed":                        "no one in this Slack workspace is called @zed",
		"@" + strings.Repeat("U", 40): "is not a Slack user",
		"@u0ghost":                    "no one in this Slack workspace is called @u0ghost",
	}
	i := 0
	for typed, want := range cases {
		i++
		form := slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk", Text: "assign 1 " + typed,
			UserID: editor, ChannelID: channel, TriggerID: fmt.Sprint("trig-u", i)})
		d.ack(d.fake.SendSlashCommand(form))
		d.settle()
		if told := d.ephemeralsTo(editor); !contains(told[len(told)-1:], want) {
			t.Errorf("assign 1 %s: told %q, want %q", typed, told[len(told)-1:], want)
		}
	}
	if got := d.claim(1).Assignee; got != "" {
		t.Errorf("assignee %q after refusals", got)
	}
	// users.info is asked once per unknown id: a miss is remembered.
	if n := len(d.fake.Calls("users.info")); n > 2 { // the ghost, and the editor's name on the answer
		t.Errorf("users.info asked %d times", n)
	}
}
