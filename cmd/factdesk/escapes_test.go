package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/ingest"
)

// escapedPage is a PageFetcher whose article carries terminal escape
// sequences, as a page's text can.
type escapedPage struct{}

func (escapedPage) FetchPage(_ context.Context, rawURL string) (*workflows.Page, error) {
	return &workflows.Page{URL: rawURL, FinalURL: rawURL, Status: 200, ContentType: "text/plain",
		Text: "45 people \x1b[1mkilled\x1b[0m in Homs, the governor said."}, nil
}

// TestIngestCleansEscapes reads an article with escape sequences from a
// page and from a file: the figure keeps its metric, and no sequence's
// parameters are left in the text.
func TestIngestCleansEscapes(t *testing.T) {
	d := ingestBotDesk(t, escapedPage{}, ingest.Limits{})
	got := d.Say("ana", "C1", "", "ingest https://news.example/homs")
	text := ""
	for _, m := range got {
		text += m.Text()
	}
	if !strings.Contains(text, "45 people killed in Homs") || strings.Contains(text, "[1m") {
		t.Errorf("ingest of a page with escapes answered:\n%s", text)
	}

	file := filepath.Join(t.TempDir(), "homs.txt")
	if err := os.WriteFile(file, []byte("45 people \x1b[1mkilled\x1b[0m in Homs, the governor said."), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _ := ingestDesk(t)
	out := ingestMain(t, "", "extract", "--config", cfg, "--format", "json", file)
	if !strings.Contains(out, `"metric":"killed"`) || strings.Contains(out, "[1m") {
		t.Errorf("extract of a file with escapes printed:\n%s", out)
	}
}
