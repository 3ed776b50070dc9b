package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/storage/dbtest"
	"github.com/factdesk/factdesk/workflows"
)

// TestBackupUnderLoadRestoresEveryCommittedRow backs up a desk while four
// writers file claims, each with its outbox row in the same transaction;
// restore refuses while the desk has the database open, and once it is
// closed puts the backup back. The restored database holds every claim
// committed before the backup began, each with its outbox row, and nothing
// that was never committed.
func TestBackupUnderLoadRestoresEveryCommittedRow(t *testing.T) {
	ctx := context.Background()
	cfgPath, dbURL := writeConfig(t, "")
	db := dbtest.Open(t, dbURL)
	now := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
	file := func(i int) (int64, error) {
		c := &workflows.Claim{Statement: fmt.Sprintf("claim %d", i), FiledBy: "shell:rita", State: workflows.Unverified,
			Decision: workflows.Pending, CreatedAt: now, UpdatedAt: now, StateSince: now, Version: 1}
		err := db.Within(ctx, func(tx workflows.Tx) error {
			if err := tx.CreateClaim(ctx, c); err != nil {
				return err
			}
			return tx.Enqueue(ctx, workflows.Outgoing{Platform: "shell", Channel: "desk", Kind: workflows.KindCard,
				ClaimID: c.ID, Message: workflows.Message{Text: c.Statement}, CreatedAt: now})
		})
		return c.ID, err
	}

	var mu sync.Mutex
	var committed []int64
	progress := make(chan struct{}, 1)
	stop := make(chan struct{})
	var writers sync.WaitGroup
	for w := range 4 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id, err := file(w*1_000_000 + i)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				committed = append(committed, id)
				mu.Unlock()
				select {
				case progress <- struct{}{}:
				default:
				}
			}
		}()
	}
	snapshot := func() []int64 {
		mu.Lock()
		defer mu.Unlock()
		return append([]int64(nil), committed...)
	}
	deadline := time.After(30 * time.Second)
	for len(snapshot()) < 300 {
		select {
		case <-progress:
		case <-deadline:
			t.Fatal("the writers are stuck")
		}
	}

	before := snapshot()
	backup := filepath.Join(t.TempDir(), "desk-backup.db")
	out := runMain(t, "", "backup", "--config", cfgPath, backup)
	during := len(snapshot()) - len(before)
	if !strings.Contains(out, "backup written to "+backup) {
		t.Errorf("backup said %q", out)
	}
	// A second backup to the same name would overwrite the first: refused.
	var stderr bytes.Buffer
	m := offline(&Main{Stdout: &stderr, Stderr: &stderr, Getenv: func(string) string { return "" }})
	if err := m.Run(ctx, []string{"backup", "--config", cfgPath, backup}); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: %v", err)
	}
	// The desk is still open: restore must refuse and change nothing.
	err := m.Run(ctx, []string{"restore", "--config", cfgPath, backup})
	if err == nil || !strings.Contains(err.Error(), "a desk has this database open") {
		t.Fatalf("restore while the desk runs: %v", err)
	}
	close(stop)
	writers.Wait()
	all := snapshot()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d claims committed before the backup, %d while it ran, %d in all", len(before), during, len(all))

	out = runMain(t, "", "restore", "--config", cfgPath, backup)
	if !strings.Contains(out, "restored "+backup) || !strings.Contains(out, "kept as ") {
		t.Errorf("restore said %q", out)
	}

	restored, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if n, err := restored.PendingMigrations(ctx); err != nil || n != 0 {
		t.Fatalf("restored database: %d migrations pending, %v", n, err)
	}
	var claimIDs, outboxClaims []int64
	if err := restored.SQL().SelectContext(ctx, &claimIDs, `SELECT id FROM claims`); err != nil {
		t.Fatal(err)
	}
	if err := restored.SQL().SelectContext(ctx, &outboxClaims, `SELECT claim_id FROM outbox`); err != nil {
		t.Fatal(err)
	}
	inClaims, inOutbox := idSet(claimIDs), idSet(outboxClaims)
	for _, id := range before {
		if !inClaims[id] || !inOutbox[id] {
			t.Fatalf("claim %d was committed before the backup: claim restored %v, outbox row restored %v", id, inClaims[id], inOutbox[id])
		}
	}
	wasCommitted := idSet(all)
	for _, id := range claimIDs {
		if !wasCommitted[id] || !inOutbox[id] {
			t.Fatalf("restored claim %d: committed %v, its outbox row restored %v", id, wasCommitted[id], inOutbox[id])
		}
	}
	if len(outboxClaims) != len(claimIDs) {
		t.Fatalf("restored %d claims but %d outbox rows", len(claimIDs), len(outboxClaims))
	}
	// The replaced database is kept whole, with everything committed.
	prev, _ := filepath.Glob(strings.TrimPrefix(dbURL, "sqlite://") + ".before-restore-*")
	if len(prev) == 0 {
		t.Fatal("the replaced database was not kept")
	}
	for _, p := range prev { // a copy of the desk's data, like a backup: the owner's only
		if fi, err := os.Stat(p); err != nil {
			t.Error(err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	old, err := storage.Open(ctx, "sqlite://"+prev[0])
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	var n int
	if err := old.SQL().GetContext(ctx, &n, `SELECT COUNT(*) FROM claims`); err != nil || n != len(all) {
		t.Fatalf("kept database has %d claims (%v), want %d", n, err, len(all))
	}
}

// TestBackupOnPostgreSQLNamesPGTools: the commands point at pg_dump and
// pg_restore, fail, and never print the db URL (it may hold a password).
func TestBackupOnPostgreSQLNamesPGTools(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "factdesk.yaml")
	if err := os.WriteFile(cfg, []byte("db: postgres://desk:s3cret@127.0.0.1:1/desk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"backup", "restore"} {
		var out bytes.Buffer
		m := offline(&Main{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }})
		err := m.Run(context.Background(), []string{cmd, "--config", cfg, filepath.Join(dir, "x.dump")})
		if err == nil || !strings.Contains(err.Error(), "pg_dump") || !strings.Contains(err.Error(), "pg_restore") {
			t.Errorf("%s on PostgreSQL: %v", cmd, err)
		}
		if err != nil && strings.Contains(err.Error()+out.String(), "s3cret") {
			t.Errorf("%s printed the password: %v", cmd, err)
		}
	}
}

// TestRestoreRefusesWhatIsNoDesk: a file that is not a factdesk database
// is refused and the desk's database is left as it was.
func TestRestoreRefusesWhatIsNoDesk(t *testing.T) {
	cfgPath, dbURL := writeConfig(t, "")
	runMain(t, "", "migrate", "--config", cfgPath)
	junk := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(junk, []byte("not a database at all, just some words\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	m := offline(&Main{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }})
	if err := m.Run(context.Background(), []string{"restore", "--config", cfgPath, junk}); err == nil {
		t.Fatal("restore accepted a text file")
	}
	if prev, _ := filepath.Glob(strings.TrimPrefix(dbURL, "sqlite://") + ".before-restore-*"); len(prev) != 0 {
		t.Errorf("the database was moved aside: %v", prev)
	}
}

func idSet(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// TestRestoreTwiceKeepsBothReplacedDatabases: two restores in the same
// second keep both databases they replaced.
func TestRestoreTwiceKeepsBothReplacedDatabases(t *testing.T) {
	cfgPath, dbURL := writeConfig(t, "")
	runMain(t, "", "migrate", "--config", cfgPath)
	backup := filepath.Join(t.TempDir(), "b.db")
	runMain(t, "", "backup", "--config", cfgPath, backup)
	clock := fakeclock.New(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	for range 2 {
		m := offline(&Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Clock: clock})
		if err := m.Run(context.Background(), []string{"restore", "--config", cfgPath, backup}); err != nil {
			t.Fatal(err)
		}
	}
	prev, _ := filepath.Glob(strings.TrimPrefix(dbURL, "sqlite://") + ".before-restore-*")
	if len(prev) != 2 {
		t.Fatalf("kept %v, want two replaced databases", prev)
	}
}
