package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/archive"
)

func TestArchiveJobs(t *testing.T) { eachBackend(t, testArchiveJobs) }

// testArchiveJobs: evidence with a link (typed, or the web article it was
// ingested from) gets one job in its own transaction; leases keep two
// workers off one job; only the holder can finish it.
func testArchiveJobs(t *testing.T, backend string) {
	ctx := context.Background()
	db := dbtest.Open(t, storagetest.URL(t, backend))
	c := &workflows.Claim{Statement: "s", FiledBy: "shell:rita", State: workflows.Unverified, Decision: workflows.Pending,
		CreatedAt: t0, UpdatedAt: t0, StateSince: t0, Version: 1}
	evs := []*workflows.Evidence{
		{Source: "typed", Stance: workflows.Supports, URL: "https://example.org/a", AddedBy: "shell:rita", AddedAt: t0},
		{Source: "ingested", Stance: workflows.Supports, Document: "https://example.org/article", AddedBy: "shell:rita", AddedAt: t0},
		{Source: "file", Stance: workflows.Supports, Document: "reports/march.txt", AddedBy: "shell:rita", AddedAt: t0},
		{Source: "no link", Stance: workflows.Supports, AddedBy: "shell:rita", AddedAt: t0},
	}
	err := db.Within(ctx, func(tx workflows.Tx) error {
		if err := tx.CreateClaim(ctx, c); err != nil {
			return err
		}
		for _, e := range evs {
			e.ClaimID = c.ID
			if err := tx.AddEvidence(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A change that rolls back leaves no job behind.
	rollback := &workflows.Evidence{ClaimID: c.ID, Source: "x", Stance: workflows.Supports, URL: "https://example.org/x", AddedBy: "shell:rita", AddedAt: t0}
	_ = db.Within(ctx, func(tx workflows.Tx) error {
		if err := tx.AddEvidence(ctx, rollback); err != nil {
			return err
		}
		return workflows.Errorf(workflows.EINVALID, "changed my mind")
	})
	if n, err := db.PendingArchiveJobs(ctx); err != nil || n != 2 {
		t.Fatalf("%d pending jobs (%v), want 2: the typed link and the web article", n, err)
	}
	got, err := db.Claim(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a := got.Evidence[1].Archive; a == nil || a.URL != "https://example.org/article" || a.State != workflows.ArchivePending {
		t.Errorf("ingested evidence snapshot = %+v", a)
	}
	if got.Evidence[2].Archive != nil || got.Evidence[3].Archive != nil {
		t.Error("evidence without a web link has a snapshot")
	}

	jobs, err := db.LeaseArchiveJobs(ctx, "a", t0, time.Minute, 10)
	if err != nil || len(jobs) != 2 || jobs[0].URL != "https://example.org/a" {
		t.Fatalf("owner a leased %+v, %v", jobs, err)
	}
	if other, err := db.LeaseArchiveJobs(ctx, "b", t0.Add(30*time.Second), time.Minute, 10); err != nil || len(other) != 0 {
		t.Fatalf("owner b leased %+v while a holds them (%v)", other, err)
	}
	snap := workflows.Snapshot{EvidenceID: jobs[0].EvidenceID, ClaimID: c.ID, URL: jobs[0].URL, State: workflows.Archived,
		FinalURL: "https://example.org/a2", Status: 200, ContentType: "text/html", FetchedAt: t0, SHA256: "ab", Title: "T", Text: "body"}
	if err := db.FinishArchive(ctx, "b", snap); workflows.ErrorCode(err) != workflows.ECONFLICT {
		t.Errorf("finishing a job another owner holds gave %v, want ECONFLICT", err)
	}
	if err := db.FinishArchive(ctx, "a", snap); err != nil {
		t.Fatal(err)
	}
	if err := db.RetryArchive(ctx, jobs[1].EvidenceID, "a", t0.Add(5*time.Minute), "the page took too long to answer"); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.LeaseArchiveJobs(ctx, "b", t0.Add(4*time.Minute), time.Minute, 10); len(again) != 0 {
		t.Errorf("a job due at 5 min was leased at 4: %+v", again)
	}
	again, err := db.LeaseArchiveJobs(ctx, "b", t0.Add(5*time.Minute), time.Minute, 10)
	if err != nil || len(again) != 1 || again[0].Attempts != 1 {
		t.Errorf("at 5 min owner b leased %+v (%v), want the retried job with 1 attempt", again, err)
	}
	s, err := db.Snapshot(ctx, jobs[0].EvidenceID)
	if err != nil || s.Text != "body" || s.FinalURL != "https://example.org/a2" || s.Attempts != 1 {
		t.Errorf("snapshot = %+v, %v", s, err)
	}
	if r, err := db.RecentSnapshot(ctx, "https://example.org/a", t0); err != nil || r.SHA256 != "ab" {
		t.Errorf("recent snapshot = %+v, %v", r, err)
	}
	if _, err := db.RecentSnapshot(ctx, "https://example.org/a", t0.Add(time.Second)); workflows.ErrorCode(err) != workflows.ENOTFOUND {
		t.Errorf("a snapshot older than asked: %v, want ENOTFOUND", err)
	}
	if err := db.AddRecheck(ctx, archive.Recheck{EvidenceID: jobs[0].EvidenceID, At: t0, Actor: "shell:rita", Outcome: archive.Changed}); err != nil {
		t.Error(err)
	}
}
