package storage

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/factdesk/factdesk/storage/storagetest"
	"github.com/factdesk/factdesk/workflows"
)

// openScratch opens a migrated SQLite file with a table `notes` to write to.
func openScratch(t *testing.T) *DB {
	t.Helper()
	db := openTestDB(t, storagetest.SQLiteURL(t))
	if _, err := db.SQL().Exec(`CREATE TABLE notes (body TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db
}

func notes(t *testing.T, db *DB) []string {
	t.Helper()
	var out []string
	if err := db.SQL().Select(&out, `SELECT body FROM notes ORDER BY rowid`); err != nil {
		t.Fatal(err)
	}
	return out
}

func note(body string) func(*Tx) error {
	return func(t *Tx) error {
		_, err := t.exec(context.Background(), `INSERT INTO notes (body) VALUES (?)`, body)
		return err
	}
}

func request(ctx context.Context, fn func(*Tx) error) *writeRequest {
	return &writeRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}
}

// One batch holds changes that succeed, one that writes and then fails, one
// that panics and one whose caller gave up while it was queued: each caller
// gets its own outcome, and only the successful changes are committed.
func TestGroupCommitIsolatesEachChange(t *testing.T) {
	db := openScratch(t)
	refused := errors.New("refused")
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	ctx := context.Background()
	batch := []*writeRequest{
		request(ctx, note("first")),
		request(ctx, func(t *Tx) error {
			if err := note("written, then refused")(t); err != nil {
				return err
			}
			return refused
		}),
		request(gone, note("caller gone")),
		request(ctx, func(t *Tx) error {
			if err := note("written, then panicked")(t); err != nil {
				return err
			}
			panic("boom")
		}),
		request(ctx, note("last")),
	}
	db.writer.commit(batch)
	outcomes := make([]error, len(batch))
	for i, r := range batch {
		outcomes[i] = <-r.done
	}
	if outcomes[0] != nil || outcomes[4] != nil {
		t.Errorf("successful changes answered %v and %v", outcomes[0], outcomes[4])
	}
	if !errors.Is(outcomes[1], refused) {
		t.Errorf("refused change answered %v", outcomes[1])
	}
	if !errors.Is(outcomes[2], context.Canceled) {
		t.Errorf("abandoned change answered %v", outcomes[2])
	}
	if p, ok := outcomes[3].(memberPanic); !ok || p.value != "boom" {
		t.Errorf("panicking change answered %v", outcomes[3])
	}
	if got := notes(t, db); fmt.Sprint(got) != "[first last]" {
		t.Errorf("committed %q, want first and last only", got)
	}
}

// Changes in one batch see the ones before them, so of two decisions made
// on the same version of a claim exactly one is stored.
func TestGroupCommitKeepsOptimisticConcurrency(t *testing.T) {
	db := openScratch(t)
	ctx := context.Background()
	c := &workflows.Claim{Statement: "12 killed", FiledBy: "shell:rita", State: workflows.Unverified,
		Decision: workflows.Pending, Version: 1}
	if err := db.Within(ctx, func(tx workflows.Tx) error { return tx.CreateClaim(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	decide := func(d workflows.Decision) *writeRequest {
		return request(ctx, func(t *Tx) error {
			next := *c
			next.Decision = d
			return t.UpdateClaim(ctx, &next, 1)
		})
	}
	batch := []*writeRequest{decide(workflows.Approved), decide(workflows.Rejected)}
	db.writer.commit(batch)
	if err := <-batch[0].done; err != nil {
		t.Fatalf("first decision: %v", err)
	}
	if err := <-batch[1].done; workflows.ErrorCode(err) != workflows.ECONFLICT {
		t.Errorf("second decision on the same version: %v, want a conflict", err)
	}
	got, err := db.Claim(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Decision != workflows.Approved || got.Version != 2 {
		t.Errorf("stored %s at version %d, want approved at 2", got.Decision, got.Version)
	}
}

// rollbackThenFail ends the transaction under the writer's feet, as an I/O
// error would, and fails.
func rollbackThenFail(t *Tx) error {
	if _, err := t.tx.Exec(`ROLLBACK`); err != nil {
		return err
	}
	return errors.New("lost")
}

// A change that fails on the first pass, even taking the transaction with
// it, is answered alone: the others run again and commit.
func TestGroupCommitRunsTheOthersAgain(t *testing.T) {
	db := openScratch(t)
	ctx := context.Background()
	runs := 0
	batch := []*writeRequest{
		request(ctx, func(t *Tx) error { runs++; return note("ran twice")(t) }),
		request(ctx, rollbackThenFail),
		request(ctx, note("ran once")),
	}
	db.writer.commit(batch)
	for i, want := range []bool{true, false, true} {
		if err := <-batch[i].done; (err == nil) != want {
			t.Errorf("change %d answered %v", i, err)
		}
	}
	if got := notes(t, db); fmt.Sprint(got) != "[ran twice ran once]" || runs != 2 {
		t.Errorf("committed %q after %d runs of the first change", got, runs)
	}
}

// When the transaction is lost on the second pass, nothing of the batch is
// committed and every caller is told so, including those whose changes had
// already run.
func TestGroupCommitLosingTheTransactionCommitsNothing(t *testing.T) {
	db := openScratch(t)
	ctx := context.Background()
	batch := []*writeRequest{
		request(ctx, func(*Tx) error { return errors.New("refused") }), // sends the rest to the second pass
		request(ctx, note("ran first")),
		request(ctx, rollbackThenFail),
		request(ctx, note("never ran")),
	}
	db.writer.commit(batch)
	for i, r := range batch {
		if err := <-r.done; err == nil {
			t.Errorf("change %d reported committed", i)
		}
	}
	if got := notes(t, db); len(got) != 0 {
		t.Errorf("committed %q from a lost transaction", got)
	}
}

// Many writers at once through Within: every change lands exactly once and
// each caller sees its own refusal.
func TestGroupCommitConcurrentWriters(t *testing.T) {
	db := openScratch(t)
	ctx := context.Background()
	const writers, each = 16, 40
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				body := fmt.Sprintf("w%d-%d", w, i)
				err := db.write(ctx, func(t *Tx) error {
					if err := note(body)(t); err != nil {
						return err
					}
					if i%10 == 9 {
						return workflows.Errorf(workflows.EINVALID, "%s refused", body)
					}
					return nil
				})
				if (i%10 == 9) != (workflows.ErrorCode(err) == workflows.EINVALID) {
					t.Errorf("%s: %v", body, err)
				}
			}
		}()
	}
	wg.Wait()
	got := notes(t, db)
	seen := map[string]bool{}
	for _, b := range got {
		if seen[b] {
			t.Errorf("%s committed twice", b)
		}
		seen[b] = true
	}
	if want := writers * each * 9 / 10; len(got) != want {
		t.Errorf("%d changes committed, want %d", len(got), want)
	}
}

func TestWriteAfterCloseIsRefused(t *testing.T) {
	db := openScratch(t)
	db.Close()
	if err := db.write(context.Background(), note("late")); !errors.Is(err, errClosed) {
		t.Errorf("write after Close: %v", err)
	}
}
