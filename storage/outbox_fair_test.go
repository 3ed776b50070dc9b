package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
)

// TestFairOutbox: two people's bursts in one channel go out interleaved.
// Ana's forty messages are going out when Ben asks three times; each of
// Ben's answers waits behind at most two of Ana's, each person's messages
// keep their order, and Ben's reply in the thread of a claim whose card is
// still in Ana's queue waits for that card.
func TestFairOutbox(t *testing.T) { eachBackend(t, testFairOutbox) }

func testFairOutbox(t *testing.T, backend string) {
	ctx := context.Background()
	db := dbtest.Open(t, storagetest.URL(t, backend))
	enqueue := func(requester, text string, claimID int64, kind workflows.OutboxKind) {
		t.Helper()
		err := db.Within(ctx, func(tx workflows.Tx) error {
			return tx.Enqueue(ctx, workflows.Outgoing{Platform: "slack", Channel: "C1", Kind: kind,
				ClaimID: claimID, InClaimThread: claimID != 0 && kind == workflows.KindReply,
				Message: workflows.Message{Text: text}, Requester: requester, CreatedAt: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var sent []string
	deliver := func(n int) {
		t.Helper()
		for i := 0; n < 0 || i < n; i++ {
			rows, err := db.Lease(ctx, "d", []string{"slack"}, t0, time.Minute, 64)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				return
			}
			if len(rows) != 1 {
				t.Fatalf("%d rows leased in one channel at once", len(rows))
			}
			if err := db.Delivered(ctx, rows[0].ID, "d", fmt.Sprint("ts", len(sent)), t0); err != nil {
				t.Fatal(err)
			}
			sent = append(sent, rows[0].Message.Text)
		}
	}
	for i := 1; i <= 40; i++ {
		kind, claim := workflows.KindReply, int64(0)
		if i == 12 {
			kind, claim = workflows.KindCard, 7 // the card of claim 7
		}
		enqueue("slack:UANA", fmt.Sprintf("ana%02d", i), claim, kind)
	}
	deliver(5)
	enqueue("slack:UBEN", "ben1", 0, workflows.KindReply)
	enqueue("slack:UBEN", "ben2", 7, workflows.KindReply) // in claim 7's thread
	enqueue("slack:UBEN", "ben3", 0, workflows.KindReply)
	deliver(-1)

	pos := map[string]int{}
	for i, s := range sent {
		pos[s] = i
	}
	if len(sent) != 43 {
		t.Fatalf("%d sent, want 43: %v", len(sent), sent)
	}
	// ben1 is asked after five messages went out: it is among the next two.
	if pos["ben1"] > 6 {
		t.Errorf("ben1 went out %dth, behind %d of Ana's (%v)", pos["ben1"]+1, pos["ben1"]-5, sent)
	}
	if pos["ben2"] < pos["ana12"] {
		t.Errorf("ben2 (in claim 7's thread) went out before claim 7's card: %v", sent)
	}
	if pos["ben3"]-pos["ben2"] > 3 {
		t.Errorf("ben3 waited behind %d messages after ben2: %v", pos["ben3"]-pos["ben2"]-1, sent)
	}
	if pos["ben3"] > 16 {
		t.Errorf("Ben's three answers took until message %d: %v", pos["ben3"]+1, sent)
	}
	last := map[string]int{}
	for _, s := range sent {
		who := strings.TrimRight(s, "0123456789")
		var n int
		fmt.Sscanf(strings.TrimPrefix(s, who), "%d", &n)
		if n < last[who] {
			t.Errorf("%s went out after %s%02d: %v", s, who, last[who], sent)
		}
		last[who] = n
	}
	t.Logf("order: %s", strings.Join(sent, " "))
}
