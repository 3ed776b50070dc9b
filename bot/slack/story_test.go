package slack_test

import (
	"strings"
	"testing"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/workflows"
)

const statement = "The ministry said at least 300 civilians were killed in Mosul"

// story files a claim, adds evidence in the card's thread, and has an editor
// approve it with the card's button.
func story(t *testing.T, d *desk) {
	d.slash(reporter, "claim "+statement, "trig-claim")
	card := d.onlyCard()
	if !strings.Contains(card.Text, statement) || len(card.Blocks) == 0 {
		t.Fatalf("card = %q %s", card.Text, card.Blocks)
	}
	if card.UnfurlLinks == nil || *card.UnfurlLinks || card.UnfurlMedia == nil || *card.UnfurlMedia {
		t.Errorf("an unverified card must not unfurl: links %v media %v", card.UnfurlLinks, card.UnfurlMedia)
	}
	if card.Metadata == nil || card.Metadata.EventType != slackbot.OutboxEventType {
		t.Errorf("card metadata = %+v", card.Metadata)
	}
	if !contains(d.ephemeralsTo(reporter), "#1 filed") {
		t.Errorf("reporter was not told the claim was filed: %q", d.ephemeralsTo(reporter))
	}

	// Evidence said in the card's thread needs no claim id.
	d.say(reporter, `evidence supports source="UN human rights office" figure="at least 300"`, card.TS)
	d.say(reporter, `evidence supports source="Iraqi Red Crescent" figure=310`, card.TS)
	if got := d.claim(1).State; got != workflows.Corroborated {
		t.Fatalf("state = %s, want corroborated", got)
	}
	card = d.onlyCard()
	if card.EditedTS == "" || !strings.Contains(string(card.Blocks), "corroborated") {
		t.Fatalf("card not updated: %s", card.Blocks)
	}
	replies := d.botReplies(card.TS)
	if len(replies) != 2 || !strings.Contains(replies[0].Text, "added evidence") || !strings.Contains(replies[1].Text, "Now corroborated") {
		t.Fatalf("thread = %+v", replies)
	}

	// The editor approves with the button.
	d.click(editor, "approve", d.buttonValue(card, "approve"), card.TS, "trig-approve")
	c := d.claim(1)
	if c.Decision != workflows.Approved || c.DecidedBy != "slack:"+editor {
		t.Fatalf("decision = %s by %s", c.Decision, c.DecidedBy)
	}
	card = d.onlyCard()
	if !strings.Contains(card.Text, "approved") || !strings.Contains(string(card.Blocks), "approved by "+editor) {
		t.Fatalf("card does not show the approval: %q %s", card.Text, card.Blocks)
	}
	if strings.Contains(string(card.Blocks), `"approve"`) {
		t.Errorf("an approved card still offers Approve: %s", card.Blocks)
	}
	replies = d.botReplies(card.TS)
	if last := replies[len(replies)-1]; !strings.Contains(last.Text, "approved #1") {
		t.Errorf("thread was not told: %q", last.Text)
	}
	if !contains(d.ephemeralsTo(editor), "approved #1") {
		t.Errorf("editor got %q", d.ephemeralsTo(editor))
	}
}

func TestStorySocketMode(t *testing.T) { story(t, newDesk(t, slackbot.ModeSocket)) }

func TestStoryHTTPMode(t *testing.T) { story(t, newDesk(t, slackbot.ModeHTTP)) }

// TestModals: an unverified claim needs a note, so Approve asks for one;
// Reject asks for a reason; Add evidence asks for the source.
func TestModals(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	d.slash(reporter, "claim "+statement, "trig-1")
	card := d.onlyCard()

	d.click(reporter, "evidence", d.buttonValue(card, "evidence"), card.TS, "trig-ev")
	d.submitView(reporter, map[string]string{"source": `UN "human rights" office`, "stance": "supports",
		"figure": "at least 300", "url": "https://example.org/report", "quote": "at least 300 \"civilians\""})
	c := d.claim(1)
	if len(c.Evidence) != 1 || c.Evidence[0].Source != "UN 'human rights' office" || c.Evidence[0].URL != "https://example.org/report" {
		t.Fatalf("evidence = %+v", c.Evidence)
	}

	card = d.onlyCard()
	d.click(editor, "approve", d.buttonValue(card, "approve"), card.TS, "trig-ap")
	if d.claim(1).Decision != workflows.Pending {
		t.Fatal("an unverified claim was approved without a note")
	}
	if n := len(d.fake.Views()); n != 2 {
		t.Fatalf("%d modals, want the note modal", n)
	}
	d.submitView(editor, map[string]string{"note": "attribute to the UN; one source only"})
	c = d.claim(1)
	if c.Decision != workflows.Approved || c.DecisionNote != "attribute to the UN; one source only" {
		t.Fatalf("claim = %s %q", c.Decision, c.DecisionNote)
	}

	d.slash(reporter, "claim The governor said 12 bridges were closed", "trig-2")
	cards := d.cards()
	second, _ := d.fake.Message(channel, cards[1].TS)
	d.click(editor, "reject", d.buttonValue(second, "reject"), second.TS, "trig-rej")
	d.submitView(editor, map[string]string{"note": "the governor denies saying it"})
	if c := d.claim(2); c.Decision != workflows.Rejected {
		t.Fatalf("claim 2 = %s", c.Decision)
	}
}
