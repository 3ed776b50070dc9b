package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/export"
)

func TestExportStreamsEveryClaimInPages(t *testing.T) { eachBackend(t, testExportStreams) }

// testExportStreams files more claims than one export page holds, some
// disputed, some with a linked piece of evidence, and reads them back.
func testExportStreams(t *testing.T, backend string) {
	ctx := context.Background()
	db := dbtest.Open(t, storagetest.URL(t, backend))
	const n = 1234
	err := db.Within(ctx, func(tx workflows.Tx) error {
		for i := 1; i <= n; i++ {
			at := t0.Add(time.Duration(i) * time.Minute)
			state := workflows.Unverified
			if i%10 == 0 {
				state = workflows.Disputed
			}
			c := &workflows.Claim{Statement: fmt.Sprintf("claim %d", i), FiledBy: "shell:rita", State: state,
				Decision: workflows.Pending, CreatedAt: at, UpdatedAt: at, StateSince: at, Version: 1}
			if err := tx.CreateClaim(ctx, c); err != nil {
				return err
			}
			if i%3 == 0 {
				e := &workflows.Evidence{ClaimID: c.ID, Source: "UN", Stance: workflows.Supports,
					URL: fmt.Sprintf("https://example.org/%d", i), AddedBy: "shell:ana", AddedAt: at}
				if err := tx.AddEvidence(ctx, e); err != nil {
					return err
				}
			}
			if err := tx.AppendEvents(ctx, workflows.Event{ClaimID: c.ID, At: at, Actor: "shell:rita", Kind: workflows.EvFiled}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	withEvidence := 0
	err = db.EachClaim(ctx, export.Filter{}, func(c *workflows.Claim) error {
		got = append(got, c.ID)
		if len(c.Evidence) > 0 {
			withEvidence++
			a := c.Evidence[0].Archive
			if a == nil || a.State != workflows.ArchivePending || a.URL != c.Evidence[0].URL {
				t.Errorf("claim %d evidence snapshot = %+v, want a pending job for its link", c.ID, a)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n || withEvidence != n/3 {
		t.Fatalf("exported %d claims (%d with evidence), want %d (%d)", len(got), withEvidence, n, n/3)
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("ids out of order at %d: %d after %d", i, got[i], got[i-1])
		}
	}

	count := func(f export.Filter) int {
		k := 0
		if err := db.EachClaim(ctx, f, func(*workflows.Claim) error { k++; return nil }); err != nil {
			t.Fatal(err)
		}
		return k
	}
	if got := count(export.Filter{States: []workflows.EvidenceState{workflows.Disputed}}); got != n/10 {
		t.Errorf("disputed: %d claims, want %d", got, n/10)
	}
	if got := count(export.Filter{Since: t0.Add(1000 * time.Minute)}); got != n-999 {
		t.Errorf("since minute 1000: %d claims, want %d", got, n-999)
	}
	if got := count(export.Filter{Decisions: []workflows.Decision{workflows.Approved}}); got != 0 {
		t.Errorf("approved: %d claims, want 0", got)
	}

	stop := errors.New("stop")
	k := 0
	if err := db.EachClaim(ctx, export.Filter{}, func(*workflows.Claim) error { k++; return stop }); !errors.Is(err, stop) || k != 1 {
		t.Errorf("an error from fn gave %v after %d claims; want it back after 1", err, k)
	}

	events := 0
	if err := db.EachEvent(ctx, t0.Add(2*time.Minute), func(workflows.Event) error { events++; return nil }); err != nil {
		t.Fatal(err)
	}
	if events != n-1 {
		t.Errorf("%d events since minute 2, want %d", events, n-1)
	}
}
