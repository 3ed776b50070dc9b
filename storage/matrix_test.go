package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
)

func openMatrixTestDB(t *testing.T, backend string) *DB {
	t.Helper()
	return openTestDB(t, storagetest.URL(t, backend))
}

func matrixInbound(id string) workflows.Inbound {
	return workflows.Inbound{Platform: "matrix", EventID: id,
		Actor: workflows.Actor{Platform: "matrix", ID: "@ana:example.org"},
		Conv:  workflows.Conversation{Platform: "matrix", Channel: "!room:example.org", MessageID: id},
		Text:  "claim 300 people"}
}

func TestMatrixCommitBatchRecordsEventsWithToken(t *testing.T) {
	eachBackend(t, testMatrixCommitBatchRecordsEventsWithToken)
}

func testMatrixCommitBatchRecordsEventsWithToken(t *testing.T, backend string) {
	ctx := context.Background()
	db := openMatrixTestDB(t, backend)
	now := time.UnixMilli(1_700_000_000_000)
	const acct, owner = "@desk:example.org", "replica-a"
	if ok, err := db.MatrixLease(ctx, acct, owner, now, time.Minute); err != nil || !ok {
		t.Fatalf("lease: %v %v", ok, err)
	}
	if tok, err := db.MatrixSyncToken(ctx, acct); err != nil || tok != "" {
		t.Fatalf("token before any batch = %q, %v", tok, err)
	}
	once := map[string]workflows.Outgoing{"encrypted:!room": {Platform: "matrix", Channel: "!room", Kind: workflows.KindPost,
		Message: workflows.Message{Text: "cannot read"}}}
	fresh, err := db.MatrixCommitBatch(ctx, acct, owner, "s1", []workflows.Inbound{matrixInbound("$a"), matrixInbound("$b")}, once, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) != 2 || fresh[0].ID == 0 || fresh[1].ID == 0 {
		t.Fatalf("fresh = %+v", fresh)
	}
	// The same events again (a replayed batch) and one new: only the new one is fresh; the notice is not queued again.
	fresh, err = db.MatrixCommitBatch(ctx, acct, owner, "s2", []workflows.Inbound{matrixInbound("$b"), matrixInbound("$c")}, once, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) != 1 || fresh[0].EventID != "$c" {
		t.Fatalf("fresh after replay = %+v", fresh)
	}
	if tok, _ := db.MatrixSyncToken(ctx, acct); tok != "s2" {
		t.Fatalf("token = %q, want s2", tok)
	}
	if n, _ := db.Depth(ctx); n != 1 {
		t.Fatalf("outbox depth = %d, want the one notice", n)
	}
	msg, err := db.MatrixInboundMessage(ctx, fresh[0].ID)
	if err != nil || msg != "$c" {
		t.Fatalf("inbound message = %q, %v", msg, err)
	}
	unhandled, err := db.Unhandled(ctx, now.Add(time.Hour), 10)
	if err != nil || len(unhandled) != 3 {
		t.Fatalf("unhandled = %d, %v; want 3", len(unhandled), err)
	}
}

func TestMatrixCommitBatchFailsWithoutLeaseAndKeepsNothing(t *testing.T) {
	eachBackend(t, testMatrixCommitBatchFailsWithoutLeaseAndKeepsNothing)
}

func testMatrixCommitBatchFailsWithoutLeaseAndKeepsNothing(t *testing.T, backend string) {
	ctx := context.Background()
	db := openMatrixTestDB(t, backend)
	now := time.UnixMilli(1_700_000_000_000)
	const acct = "@desk:example.org"
	if ok, _ := db.MatrixLease(ctx, acct, "a", now, time.Minute); !ok {
		t.Fatal("a could not take a free lease")
	}
	if ok, _ := db.MatrixLease(ctx, acct, "b", now.Add(30*time.Second), time.Minute); ok {
		t.Fatal("b took a lease a holds")
	}
	_, err := db.MatrixCommitBatch(ctx, acct, "b", "s9", []workflows.Inbound{matrixInbound("$x")}, nil, now)
	if !errors.Is(err, ErrMatrixLeaseLost) {
		t.Fatalf("commit by b = %v, want ErrMatrixLeaseLost", err)
	}
	if tok, _ := db.MatrixSyncToken(ctx, acct); tok != "" {
		t.Fatalf("token moved to %q by a replica without the lease", tok)
	}
	// a dies; after its lease ends b takes over.
	if ok, _ := db.MatrixLease(ctx, acct, "b", now.Add(61*time.Second), time.Minute); !ok {
		t.Fatal("b could not take an expired lease")
	}
	if ok, _ := db.MatrixLease(ctx, acct, "a", now.Add(62*time.Second), time.Minute); ok {
		t.Fatal("a took back the lease b holds")
	}
	if err := db.MatrixReleaseLease(ctx, acct, "b"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.MatrixLease(ctx, acct, "a", now.Add(63*time.Second), time.Minute); !ok {
		t.Fatal("a could not take a released lease")
	}
}

func TestMatrixSession(t *testing.T) { eachBackend(t, testMatrixSession) }

func testMatrixSession(t *testing.T, backend string) {
	ctx := context.Background()
	db := openMatrixTestDB(t, backend)
	if tok, dev, err := db.MatrixSession(ctx, "@d:x"); err != nil || tok != "" || dev != "" {
		t.Fatalf("empty session = %q %q %v", tok, dev, err)
	}
	for _, tok := range []string{"t1", "t2"} {
		if err := db.MatrixSaveSession(ctx, "@d:x", tok, "DEV", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if tok, dev, _ := db.MatrixSession(ctx, "@d:x"); tok != "t2" || dev != "DEV" {
		t.Fatalf("session = %q %q", tok, dev)
	}
}

func TestMatrixHeldEvents(t *testing.T) { eachBackend(t, testMatrixHeldEvents) }

// testMatrixHeldEvents: an undecryptable event is held once (its first
// text kept), read back, and released in the transaction that records what
// it turned into; the sync token stays where it was.
func testMatrixHeldEvents(t *testing.T, backend string) {
	ctx := context.Background()
	db := openMatrixTestDB(t, backend)
	now := time.UnixMilli(1_700_000_000_000)
	const acct, owner = "@desk:example.org", "replica-a"
	if who, err := db.MatrixLeaseOwner(ctx, acct); err != nil || who != "" {
		t.Fatalf("lease owner before any lease = %q, %v", who, err)
	}
	if ok, err := db.MatrixLease(ctx, acct, owner, now, time.Minute); err != nil || !ok {
		t.Fatalf("lease: %v %v", ok, err)
	}
	if who, err := db.MatrixLeaseOwner(ctx, acct); err != nil || who != owner {
		t.Fatalf("lease owner = %q, %v", who, err)
	}
	if _, err := db.MatrixCommitBatch(ctx, acct, owner, "s1", nil, nil, now); err != nil {
		t.Fatal(err)
	}
	if err := db.MatrixHold(ctx, acct, map[string]string{"$a": "first", "$b": "second"}, now); err != nil {
		t.Fatal(err)
	}
	if err := db.MatrixHold(ctx, acct, map[string]string{"$a": "again"}, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	held, err := db.MatrixHeld(ctx, acct)
	if err != nil || len(held) != 2 || held[0] != "first" || held[1] != "second" {
		t.Fatalf("held = %q, %v", held, err)
	}
	fresh, err := db.MatrixCommitHeld(ctx, acct, owner, []string{"$a"}, []workflows.Inbound{matrixInbound("$a")}, nil, now)
	if err != nil || len(fresh) != 1 {
		t.Fatalf("commit held: %v %v", fresh, err)
	}
	if held, _ := db.MatrixHeld(ctx, acct); len(held) != 1 || held[0] != "second" {
		t.Errorf("after release held = %q", held)
	}
	if tok, _ := db.MatrixSyncToken(ctx, acct); tok != "s1" {
		t.Errorf("token = %q, want s1 untouched", tok)
	}
	// Another replica holding the lease now: nothing is released.
	if _, err := db.MatrixCommitHeld(ctx, acct, "replica-b", []string{"$b"}, nil, nil, now); !errors.Is(err, ErrMatrixLeaseLost) {
		t.Errorf("commit by a replica without the lease: %v", err)
	}
}
