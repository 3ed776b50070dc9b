package slack_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

// suggest types query into the form's claim picker and returns the
// options' texts and values as the desk answered them.
func (d *desk) suggest(user, viewID, query string) (texts, values []string) {
	d.t.Helper()
	payload := slackfake.BlockSuggestionJSON(slackfake.BlockSuggestion{UserID: user, ActionID: "claim", BlockID: "claim",
		Value: query, ViewID: viewID, CallbackID: "factdesk_message_evidence"})
	var body []byte
	if d.mode == slackbot.ModeSocket {
		ack, err := d.fake.WaitAck(d.ctx, d.fake.SendInteraction(payload))
		if err != nil {
			d.t.Fatal(err)
		}
		body = ack.Payload
	} else {
		body = d.post(slackbot.PathInteractions, []byte(slackfake.InteractionForm(payload).Encode()), http.StatusOK).Body.Bytes()
	}
	var answer struct {
		Options []struct {
			Text struct {
				Type, Text string
			} `json:"text"`
			Value string `json:"value"`
		} `json:"options"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		d.t.Fatalf("suggestion answer %q: %v", body, err)
	}
	for _, o := range answer.Options {
		if o.Text.Type != "plain_text" || len(o.Text.Text) > 75 {
			d.t.Errorf("option %+v: Slack wants plain_text of at most 75 characters", o)
		}
		texts, values = append(texts, o.Text.Text), append(values, o.Value)
	}
	return texts, values
}

// TestAddAsEvidence: "Add as evidence" on a message opens a form whose
// claim picker is searched as the person types (by words, by number, the
// newest pending claims when nothing is typed), with the message's author
// as source and the figure the desk reads in it; submitting adds evidence
// as the typed command does, with the permalink and the message's text as
// link and quote, once however often Slack sends it.
func TestAddAsEvidence(t *testing.T) {
	for _, mode := range []string{slackbot.ModeHTTP, slackbot.ModeSocket} {
		t.Run(mode, func(t *testing.T) {
			d := newDesk(t, mode)
			d.addStringer()
			d.slash(reporter, "claim The ministry said 300 civilians were killed", "trig-1")
			d.slash(reporter, "claim The army says 3,864 were killed in Mosul", "trig-2")
			typed := "UN office now counts 310 civilians killed"
			ts := d.fake.AddMessage(slackfake.Message{Channel: channel, User: stringer, Text: d.fake.Typed(typed)})
			m, _ := d.fake.Message(channel, ts)
			d.interact(slackfake.MessageActionJSON(slackfake.MessageAction{CallbackID: slackbot.ShortcutAddEvidence,
				UserID: reporter, ChannelID: channel, TriggerID: "trig-ev", Message: m}))
			d.adapter.Wait()
			v := d.lastView()
			if v.CallbackID != "factdesk_message_evidence" || v.initial("source") != "Sam Okafor" || v.initial("figure") != "310 civilians killed" {
				t.Fatalf("form = %+v", v)
			}

			if texts, values := d.suggest(reporter, v.ID, "ministry"); len(values) != 1 || values[0] != "1" ||
				!strings.HasPrefix(texts[0], "#1 The ministry") {
				t.Errorf("'ministry' suggests %q %q", texts, values)
			}
			if _, values := d.suggest(reporter, v.ID, "#2"); len(values) != 1 || values[0] != "2" {
				t.Errorf("'#2' suggests %q", values)
			}
			if _, values := d.suggest(reporter, v.ID, ""); len(values) != 2 {
				t.Errorf("nothing typed suggests %q, want both pending claims", values)
			}
			if _, values := d.suggest(reporter, v.ID, "#99"); len(values) != 0 {
				t.Errorf("'#99' suggests %q", values)
			}

			state := map[string]any{
				"claim":  map[string]any{"claim": map[string]any{"type": "external_select", "selected_option": map[string]any{"value": "1"}}},
				"stance": map[string]any{"stance": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "contradicts"}}},
				"source": map[string]any{"source": map[string]any{"type": "plain_text_input", "value": "UN human rights office"}},
				"figure": map[string]any{"figure": map[string]any{"type": "plain_text_input", "value": "310"}},
			}
			payload, _ := json.Marshal(map[string]any{
				"type": "view_submission", "team": map[string]any{"id": slackfake.DefaultTeamID},
				"user": map[string]any{"id": reporter, "name": "ureporter"},
				"view": map[string]any{"id": v.ID, "hash": "1.h", "type": "modal", "callback_id": v.CallbackID,
					"private_metadata": v.PrivateMetadata, "state": map[string]any{"values": state}},
			})
			d.interact(payload)
			d.settle()
			d.interact(payload) // Slack sends it again
			d.settle()
			c := d.claim(1)
			if len(c.Evidence) != 1 {
				t.Fatalf("claim 1 has %d evidence, want 1", len(c.Evidence))
			}
			e := c.Evidence[0]
			if e.Source != "UN human rights office" || string(e.Stance) != "contradicts" || e.Figure == nil || e.Figure.Value != 310 ||
				e.URL != d.fake.Permalink(channel, ts, "") || e.Quote != typed || e.AddedBy != "slack:"+reporter {
				t.Errorf("evidence = %+v", e)
			}
		})
	}
}
