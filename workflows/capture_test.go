package workflows_test

import (
	"context"
	"sync"
	"testing"

	"github.com/factdesk/factdesk/workflows"
)

// TestFileFromMessage: a claim filed from a chat message gets the message's
// link as its first evidence, says where it came from in its audit trail,
// and the same message filed again (however the second attempt comes,
// even at the same moment) is answered with the claim it already is.
func TestFileFromMessage(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	capture := &workflows.Captured{Platform: "slack", Channel: "C1", MessageID: "1700000000.000100",
		Link: "https://news.slack.com/archives/C1/p1700000000000100", Source: "Army spokesman",
		Text: "The army now says 3,864", Via: "slack message shortcut"}
	c, err := h.engine.File(ctx, req("ana"), workflows.FileInput{Statement: "The army now says 3,864 were killed", Capture: capture})
	if err != nil {
		t.Fatal(err)
	}
	got, err := h.db.Claim(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Evidence) != 1 || got.Evidence[0].URL != capture.Link || got.Evidence[0].Source != "Army spokesman" ||
		got.Evidence[0].Stance != workflows.Supports || got.Evidence[0].Quote != capture.Text ||
		got.Evidence[0].Figure == nil || got.Evidence[0].Figure.Value != 3864 {
		t.Fatalf("first evidence = %+v", got.Evidence)
	}
	events, err := h.db.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var audited bool
	for _, e := range events {
		if e.Kind == workflows.EvCaptured && e.Actor == "shell:ana" && e.New == "slack message shortcut" &&
			e.Note == "slack message 1700000000.000100 in C1 "+capture.Link {
			audited = true
		}
	}
	if !audited {
		t.Errorf("no capture event in %+v", events)
	}

	_, err = h.engine.File(ctx, req("ben"), workflows.FileInput{Statement: "reworded 3,864", Capture: capture})
	wantCode(t, err, workflows.ECONFLICT, "already filed as #1")

	// Two people filing another message at once: one claim.
	other := *capture
	other.MessageID = "1700000000.000200"
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = h.engine.File(ctx, req("ana"), workflows.FileInput{Statement: "again 12 dead", Capture: &other})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			wantCode(t, err, workflows.ECONFLICT, "already filed as #2")
		}
	}
	if ok != 1 {
		t.Errorf("%d of 4 racing filings succeeded, want 1: %v", ok, errs)
	}
	if n, err := h.engine.CapturedAs(ctx, "slack", "C1", other.MessageID); err != nil || n != 2 {
		t.Errorf("CapturedAs = %d, %v; want 2", n, err)
	}
	// A message without a source files the claim alone.
	bare := workflows.Captured{Platform: "matrix", Channel: "!r:x", MessageID: "$e", Link: "https://matrix.to/#/!r:x/$e"}
	c3, err := h.engine.File(ctx, req("ana"), workflows.FileInput{Statement: "5 dead", Capture: &bare})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := h.db.Claim(ctx, c3.ID); len(got.Evidence) != 0 {
		t.Errorf("evidence without a source: %+v", got.Evidence)
	}
}
