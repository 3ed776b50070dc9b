package storage_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/factdesk/factdesk/storage/dbtest"
)

// TestNewDatabaseIsPrivate: a new SQLite database, its write-ahead log and
// shared memory, and the directory the desk creates for them are the
// owner's only, as backups are.
func TestNewDatabaseIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	path := filepath.Join(dir, "desk.db")
	dbtest.Open(t, "sqlite://"+path) // creates the files, as the desk does
	want := map[string]os.FileMode{dir: 0o700, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600}
	for p, mode := range want {
		fi, err := os.Stat(p)
		if os.IsNotExist(err) && p != path && p != dir {
			continue // no log (yet) is fine
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != mode {
			t.Errorf("%s has mode %o, want %o", filepath.Base(p), got, mode)
		}
	}
}
