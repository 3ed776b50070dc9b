package archive_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/archive"
)

func TestCaptureCutsTextAtTheCapOnACharacter(t *testing.T) {
	text := strings.Repeat("é", 10) // 20 bytes
	s := archive.Capture(&workflows.Page{Status: 200, Body: []byte("<p>x</p>"), Text: text}, time.Unix(0, 0), 7)
	if !s.Truncated || len(s.Text) != 6 || !utf8.ValidString(s.Text) {
		t.Errorf("cut at 7 bytes: %q (truncated %v), want 3 whole characters", s.Text, s.Truncated)
	}
	sum := sha256.Sum256([]byte("<p>x</p>"))
	if s.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("sha256 %q is not the body's", s.SHA256)
	}
	whole := archive.Capture(&workflows.Page{Status: 200, Text: "short"}, time.Unix(0, 0), 0)
	if whole.Truncated || whole.Text != "short" {
		t.Errorf("under the cap: %+v", whole)
	}
}

func TestParagraphsNeverExceedTheLimit(t *testing.T) {
	long := strings.Repeat("word ", 500)
	for _, p := range archive.Paragraphs("first\n\n"+long+"\n\n\n\nlast", 100) {
		if n := utf8.RuneCountInString(p); n > 100 || n == 0 {
			t.Errorf("paragraph of %d runes", n)
		}
	}
	if got := archive.Paragraphs("a\n\nb", 100); len(got) != 2 {
		t.Errorf("two paragraphs gave %q", got)
	}
}

func TestSnapshotLine(t *testing.T) {
	at := time.Date(2026, 3, 20, 12, 3, 0, 0, time.UTC)
	for _, c := range []struct {
		s    workflows.Snapshot
		want string
	}{
		{workflows.Snapshot{State: workflows.Archived, FetchedAt: at, SHA256: "3f2a9c1e5b7d"}, "archived 12:03 UTC · sha256 3f2a9c1e…"},
		{workflows.Snapshot{State: workflows.ArchiveFailed, Error: "the page answered 404 Not Found"}, "archive failed: the page answered 404 Not Found"},
		{workflows.Snapshot{State: workflows.ArchivePending}, "archive pending"},
		{workflows.Snapshot{State: workflows.ArchivePending, Attempts: 2, Error: "the page answered 503 Service Unavailable"}, "archive pending (attempt 2 failed: the page answered 503 Service Unavailable)"},
	} {
		if got := c.s.Line(); got != c.want {
			t.Errorf("Line() = %q, want %q", got, c.want)
		}
	}
}
