package storage

import (
	"context"
	"testing"

	"github.com/factdesk/factdesk/storage/storagetest"
)

// eachBackend runs a test on SQLite and, when a server is configured, on
// PostgreSQL; fn gets the backend's name for storagetest.URL.
func eachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	storagetest.Run(t, func(t *testing.T, b storagetest.Backend) { fn(t, b.Name) })
}

// openTestDB opens and migrates the database at url and closes it when the
// test ends: storage/dbtest.Open for the tests inside this package, which
// cannot import dbtest (it imports storage).
func openTestDB(t testing.TB, url string) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
