package slack_test

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/mrkdwn"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

// TestAmpersandOnceEachWay: "&" typed in a mention and in a slash command is
// stored as "&", and the card shows it escaped exactly once.
func TestAmpersandOnceEachWay(t *testing.T) {
	for _, mode := range []string{slackbot.ModeHTTP, slackbot.ModeSocket} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode)
			const typed = "Doctors & nurses say 40 people were injured"
			if sent := d.fake.Typed("@factdesk claim " + typed); !strings.Contains(sent, "Doctors &amp; nurses") {
				t.Fatalf("the fake did not encode as Slack does: %q", sent)
			}
			d.say(reporter, "@factdesk claim "+typed, "")
			d.slash(reporter, "claim "+typed, "trig-amp")
			for id := int64(1); id <= 2; id++ {
				if got := d.claim(id).Statement; got != typed {
					t.Errorf("claim %d stored %q, want %q", id, got, typed)
				}
			}
			for _, card := range d.cards() {
				all := card.Text + string(card.Blocks)
				if !strings.Contains(all, "Doctors &amp; nurses") || strings.Contains(all, "&amp;amp;") {
					t.Errorf("card shows %q", all)
				}
				// Round trip: what Slack shows of the card is what was typed.
				if got := mrkdwn.Decode(card.Text); !strings.Contains(got, typed) {
					t.Errorf("the card reads %q, want it to hold %q", got, typed)
				}
			}
		})
	}
}

// TestLimitsCountDecodedText: 1,900 typed ampersands are 9,500 characters
// as Slack sends them, but under the 2,000 a statement may have.
func TestLimitsCountDecodedText(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	typed := "The ministry said " + strings.Repeat("&", 1900)
	d.slash(reporter, "claim "+typed, "trig-long")
	if n := d.count("claims"); n != 1 {
		t.Fatalf("%d claims; reporter was told %q", n, d.ephemeralsTo(reporter))
	}
	if got := d.claim(1).Statement; got != typed {
		t.Errorf("stored %d characters, want %d", len(got), len(typed))
	}
}

// TestLinksAreReadAsAddresses: a link Slack wraps, with its "&" escaped, is
// evidence's url; so is a bare domain Slack linked with a label.
func TestLinksAreReadAsAddresses(t *testing.T) {
	d := newDesk(t, slackbot.ModeSocket)
	d.slash(reporter, "claim The ministry said 300 civilians were killed", "trig-1")
	card := d.onlyCard()
	d.say(reporter, `evidence supports source="UN" figure=300 url=https://example.org/report?id=7&lang=en`, card.TS)
	d.say(reporter, `evidence supports source="Red Crescent" figure=300 url=example.org/x`, card.TS)
	// A link someone gave a label of their own in the composer.
	d.event(slackfake.EventCallbackJSON(slackfake.EventCallback{Event: slackfake.Event{User: reporter,
		Text:    `evidence supports source="WHO" figure=300 url=<https://example.org/who?a=1&amp;b=2|the WHO report>`,
		Channel: channel, TS: d.fake.AddMessage(slackfake.Message{Channel: channel, User: reporter, Text: "x", ThreadTS: card.TS}),
		ThreadTS: card.TS}}))
	d.settle()
	c := d.claim(1)
	want := map[string]string{"UN": "https://example.org/report?id=7&lang=en", "Red Crescent": "http://example.org/x",
		"WHO": "https://example.org/who?a=1&b=2"}
	if len(c.Evidence) != len(want) {
		t.Fatalf("%d evidence, want %d; told %q", len(c.Evidence), len(want), d.ephemeralsTo(reporter))
	}
	for _, e := range c.Evidence {
		if e.URL != want[e.Source] {
			t.Errorf("%s: url %q, want %q", e.Source, e.URL, want[e.Source])
		}
	}
}

// TestSpecialMentionsStayWords: "@here" and "@channel" typed in a claim
// reach the desk as words and never come back out as live mentions.
func TestSpecialMentionsStayWords(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	d.fake.AddUser(slack.User{ID: "U0RITA", Name: "rita"})
	d.say(reporter, "@factdesk claim @here @channel @rita: the mayor said 40 schools closed", "")
	// A person mentioned in a statement is kept by id, which names them
	// for good, and written back as text: the card notifies nobody.
	if got, want := d.claim(1).Statement, "@here @channel @U0RITA: the mayor said 40 schools closed"; got != want {
		t.Errorf("stored %q, want %q", got, want)
	}
	card := d.onlyCard()
	if all := card.Text + string(card.Blocks); strings.Contains(all, "<!") || strings.Contains(all, "<@") {
		t.Errorf("the card pings: %s", all)
	}
}
