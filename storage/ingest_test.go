package storage

import (
	"context"
	"testing"
	"time"

	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/extract"
	"github.com/factdesk/factdesk/workflows/ingest"
)

func openIngestTestDB(t *testing.T) *DB {
	t.Helper()
	return openTestDB(t, storagetest.SQLiteURL(t))
}

func TestPendingIngestRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openIngestTestDB(t)
	if _, err := db.LatestPending(ctx, "slack", "C1", "slack:U1"); workflows.ErrorCode(err) != workflows.ENOTFOUND {
		t.Fatalf("no ingest yet: got %v, want ENOTFOUND", err)
	}
	for _, v := range []float64{10, 20} {
		p := &ingest.Pending{Platform: "slack", Channel: "C1", User: "slack:U1",
			Document:  ingest.Document{Name: "https://example.org/a", Publication: "example.org"},
			Figures:   []extract.Figure{{Value: v, Qualifier: extract.AtLeast, Metric: "killed", Place: "Tikrit"}},
			CreatedAt: time.UnixMilli(1000)}
		if err := db.SavePending(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.LatestPending(ctx, "slack", "C1", "slack:U1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Figures[0].Value != 20 || got.Document.Publication != "example.org" || len(got.Kept) != 0 {
		t.Errorf("latest pending %+v, want the second one, nothing kept", got)
	}
	// A kept figure refers to a claim.
	c := workflows.Claim{Statement: "at least 20 killed in Tikrit", Metric: "killed", Place: "Tikrit", FiledBy: "slack:U1",
		State: workflows.Unverified, Decision: workflows.Pending, Version: 1}
	if err := db.Within(ctx, func(tx workflows.Tx) error { return tx.CreateClaim(ctx, &c) }); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := db.MarkKept(ctx, got.ID, 1, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	got, err = db.LatestPending(ctx, "slack", "C1", "slack:U1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Kept[1] != c.ID {
		t.Errorf("kept %v, want figure 1 as %s", got.Kept, c.Ref())
	}
	open, err := db.OpenClaimsByTopic(ctx, "Killed")
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].ID != c.ID {
		t.Errorf("open claims about killed: %v, want %s", open, c.Ref())
	}
	if open, _ := db.OpenClaimsByTopic(ctx, "injured"); len(open) != 0 {
		t.Errorf("open claims about injured: %v, want none", open)
	}
}
