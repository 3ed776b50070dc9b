package matrix_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/factdesk/factdesk/internal/golden"

	matrixbot "github.com/factdesk/factdesk/bot/matrix"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/digest/digesttest"
)

// TestDigestGolden renders a digest as Matrix events, split to Matrix's
// limits the way the outbox splits it. -update rewrites the golden file.
func TestDigestGolden(t *testing.T) {
	parts := workflows.Split(digesttest.Message("matrix", "!desk:example.org"), matrixbot.Limits)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	for _, m := range parts {
		if err := enc.Encode(matrixbot.Content(m, false)); err != nil {
			t.Fatal(err)
		}
	}
	golden.Check(t, "digest.golden", buf.Bytes())
}
