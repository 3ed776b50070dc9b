package slack_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

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
	path := filepath.Join("testdata", "digest.golden")
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s changed; got:\n%s\n(run go test -update if the change is intended)", path, buf.Bytes())
	}
}
