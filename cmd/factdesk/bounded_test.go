package main

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/factdesk/factdesk/bot/bottest"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/ingest"
)

// heldPages is a PageFetcher whose pages arrive when the test releases
// them, as a slow site's would. It ignores ctx, as the real fetcher's own
// timeout makes it outlive a handler's deadline.
type heldPages struct {
	calls   atomic.Int32
	arrived chan string // each call's URL, as it starts
	release chan struct{}
}

func newHeldPages() *heldPages {
	return &heldPages{arrived: make(chan string, 16), release: make(chan struct{})}
}

func (h *heldPages) FetchPage(_ context.Context, rawURL string) (*workflows.Page, error) {
	h.calls.Add(1)
	h.arrived <- rawURL
	<-h.release
	return &workflows.Page{URL: rawURL, FinalURL: rawURL, Status: 200, ContentType: "text/html",
		Text: "At least 120 civilians were killed in Tikrit since January, according to the provincial council.\n\n" +
			"A hospital director said 45 people were injured in Samarra."}, nil
}

// ingestBotDesk is an in-memory desk with ingest and keep wired to pages.
func ingestBotDesk(t *testing.T, pages workflows.PageFetcher, limits ingest.Limits) *bottest.Desk {
	d := bottest.New(t)
	registerIngest(d.Router, &ingest.Chat{Engine: d.Engine, Pending: d.DB,
		Ingester: &ingest.Ingester{Engine: d.Engine, Claims: d.DB}, Pages: pages, Clock: d.Clock, Limits: limits})
	return d
}

// within waits for ch or fails the test after a generous deadline.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// TestSlowIngestRunsOnce lets an ingest outlive its handler's deadline
// (Slack's handler gives 30 s): its answer is still written, the event is
// handled, and recovering unhandled events does not run it again.
func TestSlowIngestRunsOnce(t *testing.T) {
	pages := newHeldPages()
	d := ingestBotDesk(t, pages, ingest.Limits{})
	ctx := context.Background()
	ev := d.Event("ana", "C1", "", "ingest https://news.example/slow")
	if _, err := d.Router.Record(ctx, &ev); err != nil {
		t.Fatal(err)
	}
	// The handler's time runs out while the page is on its way. It ends
	// when the test says, not after a fixed 50 ms: on a loaded machine those
	// could pass before the ingest had even asked for the page.
	handler, deadline := context.WithCancel(ctx)
	defer deadline()
	done := make(chan error, 1)
	go func() { done <- d.Router.Handle(handler, ev) }()
	within(t, pages.arrived, "the fetch")
	deadline()
	close(pages.release)
	if err := within(t, done, "the ingest"); err != nil {
		t.Fatalf("handling the slow ingest: %v", err)
	}
	if err := d.Router.RecoverAll(ctx); err != nil {
		t.Fatal(err)
	}
	if n := pages.calls.Load(); n != 1 {
		t.Errorf("the page was fetched %d times, want once", n)
	}
	if left, err := d.DB.Unhandled(ctx, d.Clock.Now().Add(time.Hour), 10); err != nil || len(left) != 0 {
		t.Errorf("unhandled events after the slow ingest: %v, %v", left, err)
	}
	if _, err := d.Dispatcher.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	sent := d.Sent()
	if len(sent) != 1 || !strings.Contains(sent[0].Text(), "2 figures in news.example") {
		t.Errorf("sent %d messages, want the one list: %+v", len(sent), sent)
	}
}

// TestIngestLimits: one ingest at a time per person, and a desk-wide cap
// that others wait for until their handler's deadline.
func TestIngestLimits(t *testing.T) {
	pages := newHeldPages()
	d := ingestBotDesk(t, pages, ingest.Limits{Running: 1, PerPerson: 1})
	ctx := context.Background()
	first := d.Event("ana", "C1", "", "ingest https://news.example/a")
	if _, err := d.Router.Record(ctx, &first); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- d.Router.Handle(ctx, first) }()
	within(t, pages.arrived, "ana's fetch")

	got := d.Say("ana", "C1", "", "ingest At least 300 homes were destroyed in Mosul, officials said.")
	if len(got) != 1 || !strings.Contains(got[0].Text(), "I am still reading your last article") {
		t.Errorf("ana's second ingest got %+v, want to wait for her first", got)
	}
	bob := d.Event("bob", "C2", "", "ingest https://news.example/b")
	if _, err := d.Router.Record(ctx, &bob); err != nil {
		t.Fatal(err)
	}
	handler, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := d.Router.Handle(handler, bob); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Dispatcher.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if s := d.Sent(); len(s) != 2 || !strings.Contains(s[1].Text(), "the desk is reading as many articles as it may at once") {
		t.Errorf("bob, with the desk busy, got %+v", s)
	}
	close(pages.release)
	if err := within(t, done, "ana's ingest"); err != nil {
		t.Fatal(err)
	}
	// The slot is free again.
	// (ana's list is delivered with it, in her channel.)
	got = d.Say("bob", "C2", "", "ingest https://news.example/b")
	bobs := 0
	for _, m := range got {
		if m.Channel == "C2" && strings.Contains(m.Text(), "2 figures in news.example") {
			bobs++
		}
	}
	if bobs != 1 {
		t.Errorf("bob, once the desk is free, got %+v", got)
	}
	if n := pages.calls.Load(); n != 2 {
		t.Errorf("%d fetches, want 2 (ana's and bob's second)", n)
	}
}

// TestKeepAllOverTheCap asks to choose instead of filing every figure.
func TestKeepAllOverTheCap(t *testing.T) {
	d := ingestBotDesk(t, newHeldPages(), ingest.Limits{KeepMax: 2})
	text := "ingest At least 120 civilians were killed in Tikrit since January, according to the provincial council. " +
		"Separately, 45 people were injured in Samarra, hospital staff said. " +
		"Some 300 homes were destroyed in Mosul, the city council said."
	got := d.Say("ana", "C1", "", text)
	if len(got) != 1 || !strings.Contains(got[0].Text(), "3 figures in pasted text") ||
		!strings.Contains(got[0].Text(), "keep files up to 2 at a time (keep 1-2)") {
		t.Fatalf("ingest answered %+v", got)
	}
	got = d.Say("ana", "C1", "", "keep all")
	want := "that is 3 figures; keep files up to 2 at a time so the channel stays usable. Choose the ones worth checking (keep 1 3 4), or go in pages: keep 1-2, then keep 3."
	if len(got) != 1 || !strings.Contains(got[0].Text(), want) {
		t.Fatalf("keep all answered %+v, want %q", got, want)
	}
	if claims, err := d.DB.ListClaims(context.Background(), workflows.ClaimFilter{}); err != nil || len(claims) != 0 {
		t.Fatalf("keep all over the cap filed %d claims (%v)", len(claims), err)
	}
	d.Say("ana", "C1", "", "keep 1-2")
	d.Say("ana", "C1", "", "keep 3")
	if claims, err := d.DB.ListClaims(context.Background(), workflows.ClaimFilter{}); err != nil || len(claims) != 3 {
		t.Errorf("after two pages, %d claims (%v), want 3", len(claims), err)
	}
}
