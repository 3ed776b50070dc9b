package slack_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/golden"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/workflows"
)

func goldenClaim() *workflows.Claim {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	fig := &workflows.Figure{Value: 300, Qualifier: workflows.AtLeast, Unit: "civilians killed"}
	return &workflows.Claim{
		ID: 12, Statement: "The ministry said at least 300 civilians were killed in Mosul <!channel> & more",
		Figure: fig, FiledBy: "slack:UREPORTER", Assignee: "slack:UCHECKER", State: workflows.Disputed,
		Decision: workflows.Pending, CreatedAt: at, Version: 4,
		Evidence: []workflows.Evidence{
			{Source: "UN human rights office", Stance: workflows.Supports, Figure: fig, URL: "https://example.org/un"},
			{Source: "Health ministry", Via: "Reuters", Stance: workflows.Contradicts,
				Figure: &workflows.Figure{Value: 3864, Qualifier: workflows.UpTo, Unit: "civilians killed"}, Quote: "as many as 3,864"},
		},
	}
}

func TestGolden(t *testing.T) {
	c := goldenClaim()
	rules := workflows.DefaultRules()
	cases := map[string]workflows.Message{
		"card":   workflows.CardMessage(c, rules.Assess(c.Figure, c.Evidence)),
		"notice": {Title: "#12", Text: "UEDITOR approved #12: attribute to the UN <b>", Tone: workflows.ToneSuccess},
		"error":  {Text: "only editors can approve claims", Tone: workflows.ToneError},
		"list": workflows.ListMessage("Claims: disputed", []workflows.Claim{*c, {ID: 13, Statement: "12 bridges closed",
			State: workflows.Unverified, Decision: workflows.Pending}}),
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			blocks, text := slackbot.Render(m)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // keep &amp; readable in the file
			enc.SetIndent("", "  ")
			if err := enc.Encode(map[string]any{"text": text, "blocks": blocks}); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden.Check(t, name+".golden", got)
		})
	}
}
