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

// TestSameEventFourTimes: Slack delivers one mention twice at once, then
// retries it, then redelivers it after a reconnect: one claim, one card.
func TestSameEventFourTimes(t *testing.T) {
	d := newDesk(t, slackbot.ModeSocket)
	body := slackfake.EventCallbackJSON(slackfake.EventCallback{EventID: "Ev0DUPLICATE", Event: slackfake.Event{
		Type: "app_mention", User: reporter, Text: d.fake.Typed("@factdesk claim " + statement),
		Channel: channel, TS: "1772442000.000500"}})
	first := d.fake.SendEvent(body)
	second := d.fake.SendEvent(body)
	d.ack(first)
	d.ack(second)
	retry, err := d.fake.Retry(first, "timeout")
	if err != nil {
		t.Fatal(err)
	}
	d.ack(retry)
	// The connection drops; the next delivery waits for the new one.
	d.fake.Disconnect()
	again, err := d.fake.Retry(first, "timeout")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.fake.WaitConnections(d.ctx, 2); err != nil {
		t.Fatal(err)
	}
	d.ack(again)
	d.settle()
	if n := d.count("claims"); n != 1 {
		t.Fatalf("%d claims, want 1", n)
	}
	if n := len(d.cards()); n != 1 {
		t.Fatalf("%d cards, want 1", n)
	}
	if n := d.count("inbox"); n != 1 {
		t.Errorf("%d inbox rows, want 1", n)
	}
}

// sayAndWait sends a message event and waits until it is handled, without
// delivering anything.
func (d *desk) sayAndWait(user, typed, threadTS string) {
	d.t.Helper()
	text := d.fake.Typed(typed)
	ts := d.fake.AddMessage(slackfake.Message{Channel: channel, User: user, Text: text, ThreadTS: threadTS})
	d.event(slackfake.EventCallbackJSON(slackfake.EventCallback{Event: slackfake.Event{
		User: user, Text: text, Channel: channel, TS: ts, ThreadTS: threadTS}}))
	d.adapter.Wait()
}

// TestRateLimitedPost: a 429 with Retry-After holds the channel for that
// long; then everything is delivered, in order, nothing dropped.
func TestRateLimitedPost(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	d.slash(reporter, "claim "+statement, "trig-1")
	card := d.onlyCard()
	sources := []string{"UN", "Red Crescent", "Health ministry", "Reuters"}
	for _, s := range sources {
		d.sayAndWait(reporter, fmt.Sprintf(`evidence supports source=%q figure=300`, s), card.TS)
	}
	d.fake.FailNext("chat.postMessage", slackfake.RateLimited(3))
	d.settle()
	replies := d.botReplies(card.TS)
	if len(replies) != len(sources) {
		t.Fatalf("%d replies, want %d", len(replies), len(sources))
	}
	for i, s := range sources {
		if !strings.Contains(replies[i].Text, "evidence: "+s+" supports") {
			t.Errorf("reply %d = %q, want %s's", i, replies[i].Text, s)
		}
	}
	calls := d.fake.Calls("chat.postMessage")
	var limited, next time.Time
	for i, c := range calls {
		if c.Status == 429 {
			limited, next = c.Time, calls[i+1].Time
		}
	}
	if limited.IsZero() || next.Sub(limited) < 3*time.Second {
		t.Errorf("retried %s after the 429, want at least Retry-After 3s", next.Sub(limited))
	}
	var failed int
	if err := d.db.SQL().GetContext(d.ctx, &failed, "SELECT count(*) FROM outbox WHERE failed_ms IS NOT NULL AND failed_ms > 0"); err != nil {
		t.Logf("counting failed rows: %v", err)
	}
	if failed != 0 {
		t.Errorf("%d rows failed for good", failed)
	}
}

// TestBurstIsPaced: thirty messages for one channel go out at most one a
// second, in order, on the desk's clock.
func TestBurstIsPaced(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	req := workflows.Request{Actor: workflows.System, Conv: workflows.Conversation{Platform: slackbot.Platform, Channel: "C0BURST"}}
	for i := 0; i < 30; i++ {
		if err := d.engine.Reply(d.ctx, req, workflows.Message{Text: fmt.Sprintf("message %02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	start := d.clock.Now()
	for i := 0; i < 1000; i++ {
		if _, err := d.disp.Drain(d.ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := d.db.Depth(d.ctx); n == 0 {
			break
		}
		d.clock.Advance(100 * time.Millisecond)
	}
	msgs := d.fake.Messages("C0BURST")
	if len(msgs) != 30 {
		t.Fatalf("%d messages, want 30", len(msgs))
	}
	calls := d.fake.Calls("chat.postMessage")
	for i, m := range msgs {
		if want := fmt.Sprintf("message %02d", i); m.Text != want {
			t.Errorf("message %d = %q, want %q", i, m.Text, want)
		}
		if i > 0 {
			if gap := calls[i].Time.Sub(calls[i-1].Time); gap < time.Second {
				t.Errorf("posts %d and %d were %s apart", i-1, i, gap)
			}
		}
	}
	if took := d.clock.Now().Sub(start); took < 29*time.Second || took > 40*time.Second {
		t.Errorf("the burst took %s on the desk's clock, want about 29s", took)
	}
}

// TestHugeAndHostileText: a 50,000-character statement is refused, and
// mrkdwn a reporter types is shown, not obeyed.
func TestHugeAndHostileText(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	d.slash(reporter, "claim "+strings.Repeat("x", 50000), "trig-huge")
	if len(d.cards()) != 0 {
		t.Fatal("a 50,000-character claim was filed")
	}
	if !contains(d.ephemeralsTo(reporter), "the limit is 2000") {
		t.Errorf("reporter was told %q", d.ephemeralsTo(reporter))
	}
	hostile := "<!channel> 300 dead <https://evil.example|see the UN report> & <@U0BOSS> *now*"
	d.slash(reporter, "claim "+hostile, "trig-hostile")
	card := d.onlyCard()
	all := card.Text + blockText(t, card.Blocks)
	for _, bad := range []string{"<!channel>", "<https://evil", "<@U0BOSS>"} {
		if strings.Contains(all, bad) {
			t.Errorf("the card carries %q live: %s", bad, all)
		}
	}
	if !strings.Contains(all, "&lt;!channel&gt;") || !strings.Contains(all, "&amp;") {
		t.Errorf("the card does not show the text escaped: %s", card.Blocks)
	}
}

// TestRenderWithinLimits renders the worst a message can carry and posts it
// to the fake, which enforces Slack's block limits.
func TestRenderWithinLimits(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP)
	m := workflows.Message{
		Title: strings.Repeat("<", 400), Text: strings.Repeat("&", 50000), Footer: strings.Repeat(">", 3000),
		Tone: workflows.ToneWarning, Unverified: true,
		Actions: []workflows.Button{{ID: "approve", Label: "Approve", Value: "1:1", Style: "primary"}},
	}
	for i := 0; i < 14; i++ {
		m.Fields = append(m.Fields, workflows.Field{Label: fmt.Sprintf("F%d", i), Value: strings.Repeat("&", 2500)})
	}
	for i := 0; i < 200; i++ {
		m.Items = append(m.Items, fmt.Sprintf("%03d ", i)+strings.Repeat("<", 1500))
	}
	for _, msg := range []workflows.Message{m, {Text: strings.Repeat("a", 50000)}, {Items: m.Items}} {
		blocks, text := slackbot.Render(msg)
		if len(blocks) > 50 {
			t.Errorf("%d blocks", len(blocks))
		}
		raw, _ := json.Marshal(blocks)
		var parsed []struct {
			Text *struct {
				Text string `json:"text"`
			} `json:"text"`
			Fields []struct {
				Text string `json:"text"`
			} `json:"fields"`
			Elements []struct {
				Text any `json:"text"`
			} `json:"elements"`
		}
		_ = json.Unmarshal(raw, &parsed)
		total := 0
		for _, b := range parsed {
			if b.Text != nil {
				if n := len([]rune(b.Text.Text)); n > 3000 {
					t.Errorf("section of %d characters", n)
				}
				total += len([]rune(b.Text.Text))
			}
			if len(b.Fields) > 10 {
				t.Errorf("%d fields", len(b.Fields))
			}
			for _, f := range b.Fields {
				if n := len([]rune(f.Text)); n > 2000 {
					t.Errorf("field of %d characters", n)
				}
				total += len([]rune(f.Text))
			}
		}
		if total >= 12000 {
			t.Errorf("blocks carry %d characters", total)
		}
		if text == "" || len([]rune(text)) > 3000 || strings.ContainsAny(text, "<>") {
			t.Errorf("fallback of %d characters: %.80q", len([]rune(text)), text)
		}
		_, _, err := d.adapter.API().PostMessage("C0LIMITS", slackMsgOptions(blocks, text)...)
		if err != nil {
			t.Errorf("Slack refused the rendering: %v", err)
		}
	}
}

// TestAmbiguousPostNotRepeated: a post that reached Slack but whose answer
// never came (a timeout, a dropped connection) is found by its outbox id
// and not posted again; a 5xx that did not post is posted once.
func TestAmbiguousPostNotRepeated(t *testing.T) {
	d := newDesk(t, slackbot.ModeHTTP, func(c *slackbot.Config) { c.CallTimeout = 300 * time.Millisecond })
	d.fake.FailNext("chat.postMessage", slackfake.Timeout())
	d.slash(reporter, "claim "+statement, "trig-1")
	cards := d.cards()
	if len(cards) != 1 {
		t.Fatalf("%d cards after a timeout and a retry, want 1", len(cards))
	}
	if n := len(d.fake.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d postMessage calls, want the one that timed out", n)
	}
	if len(d.fake.Calls("conversations.history")) == 0 {
		t.Error("the retry did not look for the earlier post")
	}
	card := cards[0]

	// The card's ts was recorded from the look-up: the thread works.
	d.fake.FailNext("chat.postMessage", slackfake.LostResponse())
	d.say(reporter, `evidence supports source="UN" figure=300`, card.TS)
	if n := len(d.botReplies(card.TS)); n != 1 {
		t.Fatalf("%d replies after a lost response, want 1", n)
	}
	if len(d.fake.Calls("conversations.replies")) == 0 {
		t.Error("the retry did not look in the thread")
	}

	d.fake.FailNext("chat.postMessage", slackfake.ServerError())
	d.say(reporter, `evidence supports source="Red Crescent" figure=300`, card.TS)
	if n := len(d.botReplies(card.TS)); n != 2 {
		t.Fatalf("%d replies after a 5xx, want 2", n)
	}
}

func slackMsgOptions(blocks []slack.Block, text string) []slack.MsgOption {
	return []slack.MsgOption{slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(text, false)}
}

// blockText is every string in a JSON value, decoded, one per line.
func blockText(t *testing.T, raw []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x + "\n")
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
}
