package slack_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/factdesk/factdesk/internal/golden"

	slackbot "github.com/factdesk/factdesk/bot/slack"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/digest/digesttest"
)

// TestDigestGolden renders a digest as Slack blocks, split to Slack's
// limits the way the outbox splits it. -update rewrites the golden file.
func TestDigestGolden(t *testing.T) {
	parts := workflows.Split(digesttest.Message("slack", "C0DESK"), slackbot.Limits)
	var rendered []map[string]any
	for _, m := range parts {
		blocks, text := slackbot.Render(m)
		rendered = append(rendered, map[string]any{"text": text, "blocks": blocks})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rendered); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "digest.golden", buf.Bytes())
}
