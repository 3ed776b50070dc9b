package workflows

import (
	"fmt"
	"time"
)

// ArchiveState says where the snapshot of an evidence link stands.
type ArchiveState string

const (
	// ArchivePending: the page has not been fetched yet (or will be tried
	// again).
	ArchivePending ArchiveState = "pending"
	// Archived: the page was fetched and kept.
	Archived ArchiveState = "archived"
	// ArchiveFailed: the desk gave up; Error says why.
	ArchiveFailed ArchiveState = "failed"
)

// Snapshot is what the desk kept of the page a piece of evidence links to,
// fetched once after the evidence was committed (see workflows/archive).
type Snapshot struct {
	EvidenceID int64
	ClaimID    int64
	State      ArchiveState
	// URL is the link as the evidence gave it; FinalURL is where it led
	// after redirects.
	URL, FinalURL string
	// Status is the HTTP status of the final answer.
	Status      int
	ContentType string
	FetchedAt   time.Time
	// SHA256 is the lower-case hex SHA-256 of the body as received (up to
	// the fetch cap).
	SHA256 string
	Title  string
	// Text is the page's readable text, cut at the archive's text cap;
	// Truncated says it was cut. It is read only by the archive command,
	// never with a claim.
	Text      string
	Truncated bool
	// ArchiveURL is the Internet Archive's copy, when Save Page Now is
	// configured and answered.
	ArchiveURL string
	// Error is why the last attempt failed ("" once archived).
	Error    string
	Attempts int
}

// Line says how the snapshot stands, for a card or a list:
// "archived 12:03 UTC · sha256 3f2a9c1e…", "archive pending",
// "archive failed: the page answered 404 Not Found".
func (s *Snapshot) Line() string {
	switch s.State {
	case Archived:
		return fmt.Sprintf("archived %s · sha256 %s…", s.FetchedAt.UTC().Format("15:04 MST"), shortHash(s.SHA256))
	case ArchiveFailed:
		return "archive failed: " + s.Error
	}
	if s.Error != "" {
		return fmt.Sprintf("archive pending (attempt %d failed: %s)", s.Attempts, s.Error)
	}
	return "archive pending"
}

func shortHash(h string) string {
	if len(h) > 8 {
		return h[:8]
	}
	return h
}

// ArchiveLink is the page a piece of evidence points at, which the desk
// archives: its link, or else the article it was ingested from when that
// is a web address. "" for evidence with neither.
func ArchiveLink(e Evidence) string {
	if e.URL != "" {
		return e.URL
	}
	if e.Document != "" && CheckURL(e.Document) == nil {
		return e.Document
	}
	return ""
}
