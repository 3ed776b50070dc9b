package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
)

var t0 = time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)

func TestMigrateTwiceAppliesNothing(t *testing.T) { eachBackend(t, testMigrateTwiceAppliesNothing) }

func testMigrateTwiceAppliesNothing(t *testing.T, backend string) {
	url := storagetest.URL(t, backend)
	db := dbtest.Open(t, url)
	if applied, err := db.Migrate(context.Background()); err != nil || len(applied) != 0 {
		t.Fatalf("second Migrate applied %v, %v", applied, err)
	}
	if db.Dialect() != backend {
		t.Errorf("dialect %q on backend %q", db.Dialect(), backend)
	}
}

func TestClaimsRoundTrip(t *testing.T) { eachBackend(t, testClaimsRoundTrip) }

func testClaimsRoundTrip(t *testing.T, backend string) {
	ctx := context.Background()
	db := dbtest.Open(t, storagetest.URL(t, backend))
	mk := func(statement string, fig *workflows.Figure) *workflows.Claim {
		c := &workflows.Claim{Statement: statement, Figure: fig, FiledBy: "shell:rita", State: workflows.Unverified,
			Decision: workflows.Pending, CreatedAt: t0, UpdatedAt: t0, StateSince: t0, Version: 1}
		if err := db.Within(ctx, func(tx workflows.Tx) error { return tx.CreateClaim(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		return c
	}
	a := mk("100% of 40_000 homes in C:\\Gaza destroyed", nil)
	b := mk("10 homes destroyed", &workflows.Figure{Value: 10, Qualifier: workflows.Exact, Unit: "homes"})
	mk("1000 homes destroyed", nil)

	got, err := db.Claim(ctx, a.ID)
	if err != nil || got.Figure != nil || got.Statement != a.Statement || !got.CreatedAt.Equal(t0) {
		t.Fatalf("claim a = %+v, %v", got, err)
	}
	if got, err := db.Claim(ctx, b.ID); err != nil || got.Figure == nil || got.Figure.Value != 10 || got.Figure.Unit != "homes" {
		t.Fatalf("claim b = %+v, %v", got, err)
	}
	if _, err := db.Claim(ctx, 999); workflows.ErrorCode(err) != workflows.ENOTFOUND {
		t.Errorf("missing claim: %v", err)
	}
	// LIKE wildcards and the escape character in words match literally.
	for _, tc := range []struct {
		words []string
		want  int
	}{{[]string{"100%"}, 1}, {[]string{"%"}, 1}, {[]string{"40_000"}, 1}, {[]string{"_"}, 1},
		{[]string{`c:\gaza`}, 1}, {[]string{`\`}, 1}, {[]string{"homes", "destroyed"}, 3}, {[]string{"10"}, 3}, {[]string{"0 h"}, 3}} {
		res, err := db.SearchClaims(ctx, tc.words, 10)
		if err != nil || len(res) != tc.want {
			t.Errorf("search %q: %d claims, %v; want %d", tc.words, len(res), err, tc.want)
		}
	}
	// Optimistic concurrency: a stale version is a conflict.
	upd := *got
	upd.Assignee = "shell:eve"
	if err := db.Within(ctx, func(tx workflows.Tx) error { return tx.UpdateClaim(ctx, &upd, 1) }); err != nil {
		t.Fatal(err)
	}
	err = db.Within(ctx, func(tx workflows.Tx) error { return tx.UpdateClaim(ctx, &upd, 1) })
	if workflows.ErrorCode(err) != workflows.ECONFLICT {
		t.Errorf("stale update: %v, want a conflict", err)
	}
	if list, err := db.ListClaims(ctx, workflows.ClaimFilter{Assignee: workflows.NoAssignee}); err != nil || len(list) != 2 {
		t.Errorf("unassigned: %d, %v", len(list), err)
	}
	// A failed transaction leaves nothing.
	boom := errors.New("boom")
	err = db.Within(ctx, func(tx workflows.Tx) error {
		c := &workflows.Claim{Statement: "x", FiledBy: "f", State: workflows.Unverified, Decision: workflows.Pending, Version: 1}
		if err := tx.CreateClaim(ctx, c); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if list, _ := db.ListClaims(ctx, workflows.ClaimFilter{}); len(list) != 3 {
		t.Errorf("%d claims after a rolled-back insert, want 3", len(list))
	}
}

func TestInboxDedupe(t *testing.T) { eachBackend(t, testInboxDedupe) }

func testInboxDedupe(t *testing.T, backend string) {
	ctx := context.Background()
	url := storagetest.URL(t, backend)
	dbs := []*storage.DB{dbtest.Open(t, url), dbtest.Open(t, url)}
	// Both replicas record the same 50 events at once: each is new once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := map[string]int{}
	ids := map[string]map[int64]bool{}
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				ev := &workflows.Inbound{Platform: "slack", EventID: fmt.Sprint("ev", i), Text: "hi",
					Actor: workflows.Actor{Platform: "slack", ID: "U1"}, ReceivedAt: t0}
				isNew, err := dbs[r%2].Record(ctx, ev)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if isNew {
					fresh[ev.EventID]++
				}
				if ids[ev.EventID] == nil {
					ids[ev.EventID] = map[int64]bool{}
				}
				ids[ev.EventID][ev.ID] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 50; i++ {
		id := fmt.Sprint("ev", i)
		if fresh[id] != 1 || len(ids[id]) != 1 {
			t.Errorf("%s: new %d times, ids %v", id, fresh[id], ids[id])
		}
	}
	un, err := dbs[0].Unhandled(ctx, t0.Add(time.Second), 100)
	if err != nil || len(un) != 50 {
		t.Fatalf("unhandled: %d, %v", len(un), err)
	}
	// One platform's, however recent, after a given id, oldest first.
	matrixEv := &workflows.Inbound{Platform: "matrix", EventID: "$m1", Text: "hi",
		Actor: workflows.Actor{Platform: "matrix", ID: "@ana:example.org"}, ReceivedAt: t0.Add(time.Hour)}
	if _, err := dbs[0].Record(ctx, matrixEv); err != nil {
		t.Fatal(err)
	}
	on, err := dbs[1].UnhandledOn(ctx, "slack", un[9].ID, 5)
	if err != nil || len(on) != 5 || on[0].ID != un[10].ID || on[4].ID != un[14].ID {
		t.Errorf("UnhandledOn slack after the 10th: %d events, %v; want the 11th to 15th", len(on), err)
	}
	if on, err := dbs[1].UnhandledOn(ctx, "matrix", 0, 5); err != nil || len(on) != 1 || on[0].EventID != "$m1" ||
		on[0].Actor.ID != "@ana:example.org" {
		t.Errorf("UnhandledOn matrix: %+v, %v; want the one recent matrix event", on, err)
	}
	mark := func() error {
		return dbs[1].Within(ctx, func(tx workflows.Tx) error {
			id, err := tx.MarkHandled(ctx, un[0], t0)
			if err == nil && id != un[0].ID {
				t.Errorf("MarkHandled returned id %d for event %d", id, un[0].ID)
			}
			return err
		})
	}
	if err := mark(); err != nil {
		t.Fatal(err)
	}
	if err := mark(); !errors.Is(err, workflows.ErrHandled) {
		t.Errorf("second MarkHandled: %v, want ErrHandled", err)
	}
	if un, _ := dbs[0].Unhandled(ctx, t0.Add(time.Second), 100); len(un) != 49 {
		t.Errorf("%d unhandled after one handled", len(un))
	}

	// An event handled without being recorded first is recorded by the
	// change that handles it, already handled, and only once.
	typed := workflows.Inbound{Platform: "shell", EventID: "session-1", Text: "show 1",
		Actor: workflows.Actor{Platform: "shell", ID: "rita"}}
	handle := func(db *storage.DB) (int64, error) {
		var id int64
		err := db.Within(ctx, func(tx workflows.Tx) error {
			var err error
			id, err = tx.MarkHandled(ctx, typed, t0)
			return err
		})
		return id, err
	}
	id, err := handle(dbs[0])
	if err != nil || id == 0 {
		t.Fatalf("handling an unrecorded event: id %d, %v", id, err)
	}
	if _, err := handle(dbs[1]); !errors.Is(err, workflows.ErrHandled) {
		t.Errorf("handling it again: %v, want ErrHandled", err)
	}
	if fresh, err := dbs[1].Record(ctx, &typed); err != nil || fresh || typed.ID != id {
		t.Errorf("recording it afterwards: fresh %v, id %d (want %d), %v", fresh, typed.ID, id, err)
	}
	if un, _ := dbs[0].Unhandled(ctx, t0.Add(time.Second), 100); len(un) != 49 {
		t.Errorf("%d unhandled after an event recorded handled", len(un))
	}
}

func TestOutboxLifecycle(t *testing.T) { eachBackend(t, testOutboxLifecycle) }

func testOutboxLifecycle(t *testing.T, backend string) {
	ctx := context.Background()
	db := dbtest.Open(t, storagetest.URL(t, backend))
	c := &workflows.Claim{Statement: "s", FiledBy: "f", State: workflows.Unverified, Decision: workflows.Pending, Version: 1}
	err := db.Within(ctx, func(tx workflows.Tx) error {
		if err := tx.CreateClaim(ctx, c); err != nil {
			return err
		}
		if err := tx.AddThread(ctx, workflows.Thread{ClaimID: c.ID, Platform: "slack", Channel: "C1"}); err != nil {
			return err
		}
		return tx.Enqueue(ctx,
			workflows.Outgoing{Platform: "slack", Channel: "C1", Kind: workflows.KindCard, ClaimID: c.ID, Message: workflows.Message{Text: "card"}, CreatedAt: t0},
			workflows.Outgoing{Platform: "slack", Channel: "C1", Kind: workflows.KindReply, ClaimID: c.ID, InClaimThread: true, Message: workflows.Message{Text: "reply"}, CreatedAt: t0},
			workflows.Outgoing{Platform: "matrix", Channel: "!r", Kind: workflows.KindReply, Message: workflows.Message{Text: "m"}, CreatedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := db.Depth(ctx); n != 3 {
		t.Fatalf("depth %d", n)
	}
	rows, err := db.Lease(ctx, "a", []string{"slack"}, t0, time.Minute, 10)
	if err != nil || len(rows) != 1 || rows[0].Message.Text != "card" || rows[0].Attempts != 0 {
		t.Fatalf("lease: %+v, %v", rows, err)
	}
	card := rows[0]
	// Leased and at the head: nobody else gets C1's rows.
	if rows, _ := db.Lease(ctx, "b", []string{"slack", "matrix"}, t0, time.Minute, 10); len(rows) != 1 || rows[0].Platform != "matrix" {
		t.Fatalf("second lease: %+v", rows)
	}
	// A retry releases it for later, counting the attempt.
	if err := db.Retry(ctx, card.ID, "a", t0.Add(time.Second), true, "429"); err != nil {
		t.Fatal(err)
	}
	if rows, _ := db.Lease(ctx, "a", []string{"slack"}, t0, time.Minute, 10); len(rows) != 0 {
		t.Fatalf("leased before its next attempt: %+v", rows)
	}
	// Lease ran out (a dead owner): the row is due again.
	rows, _ = db.Lease(ctx, "b", []string{"slack"}, t0.Add(2*time.Second), time.Minute, 10)
	if len(rows) != 1 || rows[0].ID != card.ID || rows[0].Attempts != 1 {
		t.Fatalf("after retry: %+v", rows)
	}
	if err := db.Delivered(ctx, card.ID, "a", "1.0001", t0); workflows.ErrorCode(err) != workflows.ECONFLICT {
		t.Errorf("delivered by a former owner: %v", err)
	}
	if err := db.Delivered(ctx, card.ID, "b", "1.0001", t0); err != nil {
		t.Fatal(err)
	}
	if root, err := db.ThreadRoot(ctx, c.ID, "slack", "C1"); err != nil || root != "1.0001" {
		t.Errorf("thread root %q, %v", root, err)
	}
	if root, err := db.ThreadRoot(ctx, c.ID, "slack", "C9"); err != nil || root != "" {
		t.Errorf("thread root elsewhere %q, %v", root, err)
	}
	rows, _ = db.Lease(ctx, "b", []string{"slack"}, t0.Add(3*time.Second), time.Minute, 10)
	if len(rows) != 1 || rows[0].Message.Text != "reply" || !rows[0].InClaimThread {
		t.Fatalf("reply: %+v", rows)
	}
	if err := db.Failed(ctx, rows[0].ID, "b", "channel_not_found", t0); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.Depth(ctx); n != 1 {
		t.Errorf("depth %d, want the matrix row only", n)
	}
}

// TestLeaseRacingReplicas: workers on two handles drain many channels at
// once; every row is delivered once, and in order within its channel.
func TestLeaseRacingReplicas(t *testing.T) { eachBackend(t, testLeaseRacingReplicas) }

func testLeaseRacingReplicas(t *testing.T, backend string) {
	ctx := context.Background()
	url := storagetest.URL(t, backend)
	dbs := []*storage.DB{dbtest.Open(t, url), dbtest.Open(t, url)}
	const channels, perChannel = 8, 40
	err := dbs[0].Within(ctx, func(tx workflows.Tx) error {
		for i := 0; i < perChannel; i++ {
			for ch := 0; ch < channels; ch++ {
				if err := tx.Enqueue(ctx, workflows.Outgoing{Platform: "slack", Channel: fmt.Sprint("C", ch),
					Kind: workflows.KindReply, Message: workflows.Message{Text: fmt.Sprint(i)}, CreatedAt: t0}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	delivered := map[string][]string{}
	count := map[int64]int{}
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, owner := dbs[w%2], fmt.Sprint("w", w)
			for idle := 0; idle < 200; {
				rows, err := db.Lease(ctx, owner, []string{"slack"}, time.Now(), time.Minute, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(rows) == 0 {
					idle++
					if n, _ := db.Depth(ctx); n == 0 {
						return
					}
					continue
				}
				// Empty leases count while others hold every head: only a
				// run of them ends a worker, not a total over the drain,
				// which a loaded machine could reach with rows still queued.
				idle = 0
				for _, r := range rows {
					mu.Lock()
					delivered[r.Channel] = append(delivered[r.Channel], r.Message.Text)
					count[r.ID]++
					mu.Unlock()
					if err := db.Delivered(ctx, r.ID, owner, "", time.Now()); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if len(count) != channels*perChannel {
		t.Errorf("%d rows delivered, want %d", len(count), channels*perChannel)
	}
	for id, n := range count {
		if n != 1 {
			t.Errorf("row %d leased %d times", id, n)
		}
	}
	for ch, texts := range delivered {
		for i, s := range texts {
			if s != fmt.Sprint(i) {
				t.Fatalf("channel %s out of order: %v", ch, texts)
			}
		}
	}
}

func TestListClaimsWithEvidence(t *testing.T) { eachBackend(t, testListClaimsWithEvidence) }

// More claims than one evidence query takes: each gets its own evidence,
// oldest first, and a claim without any gets none.
func testListClaimsWithEvidence(t *testing.T, backend string) {
	ctx := context.Background()
	db := dbtest.Open(t, storagetest.URL(t, backend))
	const n = 1100
	err := db.Within(ctx, func(tx workflows.Tx) error {
		for i := range n {
			c := &workflows.Claim{Statement: fmt.Sprint("claim ", i), FiledBy: "shell:rita", State: workflows.Unverified,
				Decision: workflows.Pending, Version: 1, CreatedAt: t0, UpdatedAt: t0, StateSince: t0}
			if err := tx.CreateClaim(ctx, c); err != nil {
				return err
			}
			for j := range i % 3 {
				e := &workflows.Evidence{ClaimID: c.ID, Source: fmt.Sprintf("source %d.%d", i, j), Stance: workflows.Supports,
					AddedBy: "shell:rita", AddedAt: t0}
				if err := tx.AddEvidence(ctx, e); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := db.ListClaims(ctx, workflows.ClaimFilter{WithEvidence: true})
	if err != nil || len(claims) != n {
		t.Fatalf("%d claims, %v", len(claims), err)
	}
	for _, c := range claims {
		var i int
		fmt.Sscanf(c.Statement, "claim %d", &i)
		var got []string
		for _, e := range c.Evidence {
			got = append(got, e.Source)
		}
		var want []string
		for j := range i % 3 {
			want = append(want, fmt.Sprintf("source %d.%d", i, j))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s has evidence %q, want %q", c.Ref(), got, want)
		}
	}
	if plain, _ := db.ListClaims(ctx, workflows.ClaimFilter{Limit: 5}); len(plain) != 5 || plain[0].Evidence != nil {
		t.Errorf("without WithEvidence: %d claims, evidence %v", len(plain), plain[0].Evidence)
	}
}

func TestFigureRangesRoundTrip(t *testing.T) { eachBackend(t, testFigureRangesRoundTrip) }

// testFigureRangesRoundTrip: a range ("154,000 to 172,000") keeps its top
// in the claim and in evidence; a single figure has none.
func testFigureRangesRoundTrip(t *testing.T, backend string) {
	ctx := context.Background()
	db := dbtest.Open(t, storagetest.URL(t, backend))
	rng := &workflows.Figure{Value: 154000, Max: 172000, Qualifier: workflows.Exact}
	c := &workflows.Claim{Statement: "154,000 to 172,000 displaced", Figure: rng, FiledBy: "shell:rita",
		State: workflows.Unverified, Decision: workflows.Pending, CreatedAt: t0, UpdatedAt: t0, StateSince: t0, Version: 1}
	err := db.Within(ctx, func(tx workflows.Tx) error {
		if err := tx.CreateClaim(ctx, c); err != nil {
			return err
		}
		for _, f := range []*workflows.Figure{rng, {Value: 160000, Qualifier: workflows.About}} {
			if err := tx.AddEvidence(ctx, &workflows.Evidence{ClaimID: c.ID, Source: "UNHCR", Stance: workflows.Supports,
				Figure: f, AddedBy: "shell:rita", AddedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Claim(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Figure == nil || got.Figure.Value != 154000 || got.Figure.Max != 172000 {
		t.Errorf("claim figure = %+v, want 154,000 to 172,000", got.Figure)
	}
	if len(got.Evidence) != 2 || got.Evidence[0].Figure.Max != 172000 || got.Evidence[1].Figure.Max != 0 {
		t.Errorf("evidence figures = %+v / %+v, want a range then a single figure", got.Evidence[0].Figure, got.Evidence[1].Figure)
	}
	if s := got.Figure.String(); !strings.Contains(s, "154,000 to 172,000") {
		t.Errorf("range shown as %q", s)
	}
}
