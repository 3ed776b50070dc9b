package dbtest

import (
	"context"
	"testing"

	"github.com/factdesk/factdesk/storage"
	"github.com/factdesk/factdesk/storage/storagetest"
)

// Open opens and migrates the database at url (a db URL as the config
// takes it) and closes it when the test ends; closing it earlier is fine.
// Opening one URL twice stands for two replicas on one database.
func Open(t testing.TB, url string) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// FromEnv opens a fresh database of the backend FACTDESK_TEST_DB names: a
// SQLite file in the test's temporary directory, or a PostgreSQL schema of
// its own (see storagetest.FromEnv).
func FromEnv(t testing.TB) *storage.DB {
	t.Helper()
	return Open(t, storagetest.FromEnv(t).URL)
}
