package slack_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
	"github.com/factdesk/factdesk/workflows"
)

func slashBody(user, text, trigger string) []byte {
	return []byte(slackfake.SlashCommandForm(slack.SlashCommand{Command: "/factdesk", Text: slackfake.Encode(text), UserID: user,
		ChannelID: channel, TriggerID: trigger}).Encode())
}

// TestRefusedRequests: nothing unsigned, forged or stale is read, recorded
// or answered.
func TestRefusedRequests(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	body := slashBody(reporter, "claim "+statement, "trig-x")
	now := d.clock.Now()
	cases := map[string]*http.Request{
		"bad signature":    slackfake.SignedRequest("not-the-secret", "http://desk/slack/commands", body, now),
		"stale timestamp":  slackfake.SignedRequest(secret, "http://desk/slack/commands", body, now.Add(-6*time.Minute)),
		"future timestamp": slackfake.SignedRequest(secret, "http://desk/slack/commands", body, now.Add(6*time.Minute)),
	}
	missing := slackfake.SignedRequest(secret, "http://desk/slack/commands", body, now)
	missing.Header.Del("X-Slack-Signature")
	cases["missing signature"] = missing
	noTS := slackfake.SignedRequest(secret, "http://desk/slack/events", body, now)
	noTS.Header.Del("X-Slack-Request-Timestamp")
	cases["missing timestamp"] = noTS
	changed := slackfake.SignedRequest(secret, "http://desk/slack/commands", body, now)
	changed.Body = http.NoBody
	tampered := slackfake.SignedRequest(secret, "http://desk/slack/commands", body, now)
	tampered2 := slackfake.SignedRequest(secret, "http://desk/slack/commands",
		slashBody(editor, "claim "+statement, "trig-x"), now)
	tampered2.Header.Set("X-Slack-Signature", tampered.Header.Get("X-Slack-Signature"))
	cases["body changed after signing"] = tampered2
	cases["body removed"] = changed
	oldTS := slackfake.SignedRequest(secret, "http://desk/slack/commands", body, now.Add(-10*time.Minute))
	oldTS.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix(), 10))
	cases["timestamp header swapped"] = oldTS
	for name, req := range cases {
		t.Run(name, func(t *testing.T) {
			d.serve(req, http.StatusUnauthorized)
		})
	}
	d.adapter.Wait()
	if n := d.count("inbox"); n != 0 {
		t.Errorf("%d inbox rows after refused requests", n)
	}
	if calls := d.fake.Calls("chat.postMessage"); len(calls) != 0 {
		t.Errorf("refused requests caused %d posts", len(calls))
	}
}

func TestHandshakes(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	rec := d.post(slackbot.PathEvents, slackfake.URLVerificationJSON("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"), http.StatusOK)
	if got := rec.Body.String(); got != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("challenge answer = %q", got)
	}
	d.post(slackbot.PathCommands, []byte("ssl_check=1&token=x"), http.StatusOK)
	if d.count("inbox") != 0 {
		t.Error("a handshake was recorded")
	}
}

// TestReplayedRequest: a signed request sent again (a replay inside the
// window, or Slack's own retry) changes nothing the second time.
func TestReplayedRequest(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	body := slashBody(reporter, "claim "+statement, "trig-replay")
	for i := 0; i < 3; i++ {
		d.serve(slackfake.SignedRequest(secret, "http://desk/slack/commands", body, d.clock.Now()), http.StatusOK)
	}
	ev := slackfake.EventCallbackJSON(slackfake.EventCallback{Event: slackfake.Event{Type: "app_mention",
		User: reporter, Text: d.fake.Typed("@factdesk claim The mayor said 40 schools closed"), Channel: channel, TS: "1772442000.000900"}})
	for i := 0; i < 3; i++ {
		req := slackfake.SignedRequest(secret, "http://desk/slack/events", ev, d.clock.Now())
		if i > 0 {
			slackfake.SetRetry(req, i, "http_timeout")
		}
		d.serve(req, http.StatusOK)
	}
	d.settle()
	if n := d.count("claims"); n != 2 {
		t.Fatalf("%d claims, want 2", n)
	}
	if n := len(d.cards()); n != 2 {
		t.Fatalf("%d cards, want 2", n)
	}
}

// TestOnlyEditorsApprove tries every way a reporter could approve: the
// button, a reply in the card's thread, the slash command, and a button
// whose value was edited to name another claim.
func TestOnlyEditorsApprove(t *testing.T) {
	for _, mode := range []string{slackbot.ModeSocket, slackbot.ModeHTTP} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode)
			d.slash(reporter, "claim "+statement, "trig-1")
			d.slash(reporter, "claim The governor said 12 bridges were closed", "trig-2")
			cards := d.cards()
			first, _ := d.fake.Message(channel, cards[0].TS)
			d.say(reporter, `evidence supports source="UN" figure=300`, first.TS)
			d.say(reporter, `evidence supports source="Red Crescent" figure=300`, first.TS)
			first, _ = d.fake.Message(channel, first.TS)
			updates := len(d.fake.Updates(channel, first.TS))

			d.click(outsider, "approve", d.buttonValue(first, "approve"), first.TS, "trig-b1")
			if !contains(d.ephemeralsTo(outsider), "only editors can approve claims") {
				t.Errorf("button: outsider was told %q", d.ephemeralsTo(outsider))
			}
			if len(d.fake.Views()) != 0 {
				t.Error("a modal opened for a non-editor's approval")
			}

			d.say(outsider, "approve looks right to me", first.TS)
			replies := d.botReplies(first.TS)
			if last := replies[len(replies)-1]; !strings.Contains(last.Text, "only editors can approve claims") {
				t.Errorf("thread reply: got %q", last.Text)
			}

			d.slash(outsider, "approve 1 fine by me", "trig-s1")
			if n := len(d.ephemeralsTo(outsider)); n != 2 {
				t.Errorf("slash: outsider got %d answers, want 2: %q", n, d.ephemeralsTo(outsider))
			}

			// The value names claim 2, on claim 1's card.
			d.click(outsider, "approve", "2:1", first.TS, "trig-b2")
			if n := len(d.ephemeralsTo(outsider)); n != 3 || !strings.Contains(d.ephemeralsTo(outsider)[2], "only editors") {
				t.Errorf("crafted value: outsider was told %q", d.ephemeralsTo(outsider))
			}

			for _, id := range []int64{1, 2} {
				if c := d.claim(id); c.Decision != workflows.Pending || c.Version == 0 {
					t.Errorf("claim %d = %s", id, c.Decision)
				}
			}
			if got := len(d.fake.Updates(channel, first.TS)); got != updates {
				t.Errorf("refusals updated the card %d times", got-updates)
			}

			// The same button in an editor's hands works.
			d.click(editor, "approve", d.buttonValue(first, "approve"), first.TS, "trig-b3")
			if c := d.claim(1); c.Decision != workflows.Approved {
				t.Errorf("editor's click: %s", c.Decision)
			}
		})
	}
}

// TestEditorGroup: members of slack.editor_group are editors, looked up
// once per TTL.
func TestEditorGroup(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP, func(c *slackbot.Config) { c.EditorGroup = "desk-editors" })
	d.fake.AddUsergroup(slack.UserGroup{ID: "S0EDITORS", Handle: "desk-editors", Name: "Desk editors", Users: []string{"UCHIEF"}})
	d.slash(reporter, "claim "+statement, "trig-1")
	d.slash("UCHIEF", "approve 1 attribute to the ministry", "trig-2")
	if c := d.claim(1); c.Decision != workflows.Approved || c.DecidedBy != "slack:UCHIEF" {
		t.Fatalf("claim = %s by %s", c.Decision, c.DecidedBy)
	}
	d.slash(outsider, "reopen 1 wrong", "trig-3")
	d.slash("UCHIEF", "reopen 1 new doubts", "trig-4")
	if calls := d.fake.Calls("usergroups.users.list"); len(calls) != 1 {
		t.Errorf("%d member look-ups inside the TTL, want 1", len(calls))
	}
	if c := d.claim(1); c.Decision != workflows.Pending {
		t.Errorf("claim = %s", c.Decision)
	}
}

func TestParseMention(t *testing.T) {
	for in, want := range map[string]string{"<@U123ABC>": "U123ABC", "<@U123ABC|ana>": "U123ABC", "W0ENT": "W0ENT", "@U123ABC": "U123ABC", "@u123abc": "", "<!channel>": "", "ana": "", "@ana": "", "<@U1> x": ""} {
		got, ok := slackbot.ParseMention(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseMention(%q) = %q %v", in, got, ok)
		}
	}
}
