package slack_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
	"github.com/factdesk/factdesk/workflows"
)

// stringer is a freelancer whose messages the shortcuts file: Sam Okafor,
// once addStringer has told the fake Slack of him.
const stringer = "USTRINGER"

func (d *desk) addStringer() {
	d.fake.AddUser(slack.User{ID: stringer, Name: "sam", RealName: "Sam Okafor",
		Profile: slack.UserProfile{RealName: "Sam Okafor", DisplayName: "Sam Okafor"}})
}

// sentView is a modal as the desk opened it.
type sentView struct {
	ID              string
	CallbackID      string `json:"callback_id"`
	PrivateMetadata string `json:"private_metadata"`
	Blocks          []struct {
		Type    string `json:"type"`
		BlockID string `json:"block_id"`
		Text    *struct {
			Text string `json:"text"`
		} `json:"text"`
		Element *struct {
			InitialValue string `json:"initial_value"`
		} `json:"element"`
		Elements []struct {
			Text string `json:"text"`
		} `json:"elements"`
	} `json:"blocks"`
}

func (v sentView) initial(block string) string {
	for _, b := range v.Blocks {
		if b.BlockID == block && b.Element != nil {
			return b.Element.InitialValue
		}
	}
	return ""
}

// text is everything the modal shows as text (sections and context).
func (v sentView) text() string {
	var parts []string
	for _, b := range v.Blocks {
		if b.Text != nil {
			parts = append(parts, b.Text.Text)
		}
		for _, e := range b.Elements {
			parts = append(parts, e.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func (d *desk) lastView() sentView {
	d.t.Helper()
	views := d.fake.Views()
	if len(views) == 0 {
		d.t.Fatal("no modal was opened")
	}
	var v sentView
	if err := json.Unmarshal(views[len(views)-1].View, &v); err != nil {
		d.t.Fatal(err)
	}
	v.ID = views[len(views)-1].ID
	return v
}

// submission is the view_submission payload of v with plain text values.
func submission(v sentView, user, team, hash string, values map[string]string) []byte {
	state := map[string]any{}
	for k, val := range values {
		state[k] = map[string]any{k: map[string]any{"type": "plain_text_input", "value": val}}
	}
	payload, _ := json.Marshal(map[string]any{
		"type": "view_submission", "team": map[string]any{"id": team},
		"user": map[string]any{"id": user, "name": strings.ToLower(user), "team_id": team},
		"view": map[string]any{"id": v.ID, "hash": hash, "type": "modal",
			"callback_id": v.CallbackID, "private_metadata": v.PrivateMetadata,
			"state": map[string]any{"values": state}},
	})
	return payload
}

// shortcutOn uses "File as claim" on a stored message.
func (d *desk) shortcutOn(user, ts, trigger string) {
	d.t.Helper()
	m, ok := d.fake.Message(channel, ts)
	if !ok {
		d.t.Fatalf("no message %s", ts)
	}
	d.interact(slackfake.MessageActionJSON(slackfake.MessageAction{CallbackID: slackbot.ShortcutFileClaim,
		UserID: user, UserName: strings.ToLower(user), ChannelID: channel, ChannelName: "news",
		TriggerID: trigger, ActionTS: "1700000000.1", Message: m}))
	d.adapter.Wait()
}

// TestFileAsClaim: "File as claim" on a stringer's message opens a form
// with the message's text as people read it, its author as the source, the
// figure the desk reads and the message's permalink; submitting files the
// claim as the typed command does, its card in the message's channel and
// the permalink as the first evidence's link. The same submission sent
// again changes nothing; the message filed again is answered with its
// number; a submission from another workspace is refused.
func TestFileAsClaim(t *testing.T) {
	for _, mode := range []string{slackbot.ModeHTTP, slackbot.ModeSocket} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode)
			d.addStringer()
			typed := "The army now says 3,864 were killed & 12 missing <unconfirmed> https://example.org/r?a=1&b=2"
			ts := d.fake.AddMessage(slackfake.Message{Channel: channel, User: stringer, Text: d.fake.Typed(typed)})
			link := d.fake.Permalink(channel, ts, "")

			d.shortcutOn(reporter, ts, "trig-cap-1")
			v := d.lastView()
			if v.CallbackID != "factdesk_claim" {
				t.Fatalf("opened %q", v.CallbackID)
			}
			if got := v.initial("statement"); got != typed {
				t.Errorf("statement prefilled with %q, want the text as typed %q", got, typed)
			}
			if got := v.initial("source"); got != "Sam Okafor" {
				t.Errorf("source prefilled with %q, want the author's name", got)
			}
			if shown := v.text(); !strings.Contains(shown, "3,864") || !strings.Contains(shown, link) {
				t.Errorf("the form shows %q: want the figure 3,864 and the permalink %s", shown, link)
			}
			if calls := d.fake.Calls("chat.getPermalink"); len(calls) != 1 {
				t.Errorf("%d chat.getPermalink calls", len(calls))
			}

			statement := "The army now says 3,864 were killed"
			payload := submission(v, reporter, slackfake.DefaultTeamID, "1.h",
				map[string]string{"statement": statement, "source": "Army via Sam Okafor"})
			d.interact(payload)
			d.settle()
			c := d.claim(1)
			if c.Statement != statement || c.FiledBy != "slack:"+reporter {
				t.Fatalf("claim = %q by %s", c.Statement, c.FiledBy)
			}
			if len(c.Evidence) != 1 || c.Evidence[0].URL != link || c.Evidence[0].Source != "Army via Sam Okafor" ||
				c.Evidence[0].Quote != typed {
				t.Errorf("first evidence = %+v, want the permalink %s and the message as its quote", c.Evidence, link)
			}
			if got := d.cards(); len(got) != 1 || !strings.Contains(got[0].Text, "3,864") {
				t.Fatalf("cards in the message's channel: %+v", got)
			}
			events, err := d.db.Events(d.ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if !hasEvent(events, workflows.EvCaptured, "slack message "+ts+" in "+channel+" "+link) {
				t.Errorf("no capture in the audit trail: %+v", events)
			}

			// Slack sends the same submission again: one effect.
			inbox := d.count("inbox")
			d.interact(payload)
			d.settle()
			if d.count("claims") != 1 || len(d.cards()) != 1 || d.count("inbox") != inbox {
				t.Errorf("a redelivered submission had an effect: %d claims, %d cards, inbox %d→%d",
					d.count("claims"), len(d.cards()), inbox, d.count("inbox"))
			}

			// The message again: its number, no form.
			d.shortcutOn(editor, ts, "trig-cap-2")
			if again := d.lastView(); again.CallbackID == "factdesk_claim" || !strings.Contains(again.text(), "already filed as #1") {
				t.Errorf("the message filed again opened %q: %q", again.CallbackID, again.text())
			}
			// A second form opened before the first was submitted: refused
			// with the claim's number.
			v.ID = "VSECOND"
			d.interact(submission(v, editor, slackfake.DefaultTeamID, "2.h", map[string]string{"statement": "3,864 killed", "source": "Army"}))
			d.settle()
			if told := d.ephemeralsTo(editor); !contains(told, "already filed as #1") {
				t.Errorf("second filing told %q", told)
			}
			if d.count("claims") != 1 {
				t.Errorf("%d claims after filing the message twice", d.count("claims"))
			}

			// Another workspace's submission is refused and recorded nowhere.
			inbox = d.count("inbox")
			v.ID = "VFOREIGN"
			other := d.fake.AddMessage(slackfake.Message{Channel: channel, User: stringer, Text: "5 dead"})
			v.PrivateMetadata = strings.Replace(v.PrivateMetadata, ts, other, 1)
			d.interact(submission(v, outsider, "TOTHER", "3.h", map[string]string{"statement": "5 dead", "source": "x"}))
			d.settle()
			if d.count("claims") != 1 || d.count("inbox") != inbox {
				t.Errorf("a foreign submission had an effect")
			}
		})
	}
}

func hasEvent(events []workflows.Event, kind workflows.EventKind, note string) bool {
	for _, e := range events {
		if e.Kind == kind && e.Note == note {
			return true
		}
	}
	return false
}

// TestFileAsClaimSurvivesACrash: the submission is recorded before Slack
// hears back; a desk that dies before handling it leaves it in the inbox,
// and the desk that takes over files the claim once.
func TestFileAsClaimSurvivesACrash(t *testing.T) {
	for _, mode := range []string{slackbot.ModeHTTP, slackbot.ModeSocket} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode, func(c *slackbot.Config) { c.Workers, c.Queue, c.QueuePerUser = 2, 4, 1 })
			started, _ := d.stall() // released when the test ends
			d.slashNoWait(reporter, "stall", "trig-stall")
			started() // recorded is not yet running: wait for a worker to hold it

			ts := d.fake.AddMessage(slackfake.Message{Channel: channel, User: stringer, Text: "Officials say 41 schools closed"})
			m, _ := d.fake.Message(channel, ts)
			// The form opens on the other worker.
			d.interact(slackfake.MessageActionJSON(slackfake.MessageAction{CallbackID: slackbot.ShortcutFileClaim,
				UserID: editor, ChannelID: channel, TriggerID: "trig-crash", Message: m}))
			eventually(t, "the form to open", func() bool { return len(d.fake.Views()) == 1 })
			v := d.lastView()
			payload := submission(v, reporter, slackfake.DefaultTeamID, "1.h", map[string]string{"statement": "Officials say 41 schools closed", "source": "Officials"})
			d.interact(payload) // acknowledged; the reporter's worker is stuck
			if got := d.unhandled(); got != 2 {
				t.Fatalf("%d events unhandled after the acknowledgement, want 2 (the stall, the submission)", got)
			}

			// This desk is gone; another opens the same database and sweeps.
			d2 := openDesk(t, d.ctx, slackbot.ModeHTTP, d.fake, d.clock, d.dbURL)
			d.clock.Advance(2 * time.Minute)
			_, release := d2.stall()
			release() // on the new desk a stall holds nothing
			if err := d2.router.Recover(d2.ctx); err != nil {
				t.Fatal(err)
			}
			d2.settle()
			c := d2.claim(1)
			if len(c.Evidence) != 1 || c.Evidence[0].URL != d.fake.Permalink(channel, ts, "") {
				t.Errorf("recovered claim's evidence: %+v", c.Evidence)
			}
			// Slack sends the submission again to the new desk: nothing more.
			d2.interact(payload)
			d2.settle()
			if n := d2.count("claims"); n != 1 {
				t.Errorf("%d claims", n)
			}
		})
	}
}

var _ = fmt.Sprintf
