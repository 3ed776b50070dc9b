package ingest

import (
	"context"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/workflows"
)

func TestThreadedAndLinkOf(t *testing.T) {
	req := workflows.Request{Conv: workflows.Conversation{Platform: "slack", Channel: "C1", MessageID: "171.5"}}
	if got := Threaded(req).Conv.Thread; got != "171.5" {
		t.Errorf("reply to a channel command goes to thread %q, want the command's own", got)
	}
	req.Conv.Thread = "100.1"
	if got := Threaded(req).Conv.Thread; got != "100.1" {
		t.Errorf("reply in a thread goes to %q, want that thread", got)
	}
	for in, want := range map[string]string{
		"<https://example.org/a|example.org/a>": "https://example.org/a",
		"https://example.org/a":                 "https://example.org/a",
		"  http://example.org/b\n":              "http://example.org/b",
		"<http://10.0.0.1/|a harmless link>":    "http://10.0.0.1/",
		// Links the fetcher will refuse are links, not pasted text.
		"ftp://example.org/file.txt":          "ftp://example.org/file.txt",
		"<file:///etc/passwd>":                "file:///etc/passwd",
		"file:///etc/passwd":                  "file:///etc/passwd",
		"javascript:alert(1)":                 "javascript:alert(1)",
		"mailto:x@y":                          "mailto:x@y",
		"http:/127.0.0.1/":                    "http:/127.0.0.1/",
		"https:example.org":                   "https:example.org",
		"HTTP:/example.org":                   "HTTP:/example.org",
		"10:30":                               "",
		"killed:":                             "",
		"3x:y":                                "",
		"At least 120 civilians were killed.": "",
		"120":                                 "",
		"see https://example.org/a":           "",
		"a://b c":                             "",
		"://nothing":                          "",
	} {
		got, ok := LinkOf(in)
		if got != want || ok != (want != "") {
			t.Errorf("LinkOf(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestAcquireTakesAFreeSlotAfterTheDeadline: a handler that reaches the
// ingest just as its deadline passes still gets a free slot; it is told
// the desk is busy only when every slot is taken.
func TestAcquireTakesAFreeSlotAfterTheDeadline(t *testing.T) {
	c := &Chat{Limits: Limits{Running: 1, PerPerson: 1}}
	c.init()
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	// select would pick the ended context about half the time: many tries
	// make a lucky pass of the wrong code all but impossible.
	for i := range 64 {
		release, err := c.acquire(ended, "matrix:@ana:example.org")
		if err != nil {
			t.Fatalf("try %d: a free slot was refused after the deadline: %v", i, err)
		}
		release()
	}
	hold, err := c.acquire(context.Background(), "matrix:@ana:example.org")
	if err != nil {
		t.Fatal(err)
	}
	defer hold()
	if _, err := c.acquire(ended, "matrix:@ben:example.org"); workflows.ErrorCode(err) != workflows.EINVALID {
		t.Errorf("with every slot taken, acquire after the deadline = %v, want the busy answer", err)
	}
}

// TestIngestSaysALinkHasNoHost: "http://" is refused for what it lacks,
// before any fetch; other schemes keep their answer.
func TestIngestSaysALinkHasNoHost(t *testing.T) {
	c := &Chat{}
	req := workflows.Request{Actor: workflows.Actor{Platform: "test", ID: "rita"}}
	for link, want := range map[string]string{
		"http://":                    "the link has no host",
		"https:///news":              "the link has no host",
		"ftp://example.org/file.txt": "only http(s) links can be read",
		"http:/127.0.0.1/":           "only http(s) links can be read",
	} {
		err := c.Ingest(context.Background(), req, link)
		if workflows.ErrorCode(err) != workflows.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("ingest %s: %v, want it to say %q", link, err, want)
		}
	}
}
