// Package storagetest gives tests a fresh database on every backend the
// desk supports: a SQLite file always, and a PostgreSQL schema of its own
// when FACTDESK_TEST_PG_DSN names a server.
//
// It imports nothing of the desk, so the storage package's own tests can use
// it too.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
)

// EnvDSN names the variable holding an admin URL of a PostgreSQL server for
// tests, e.g. postgres://postgres@127.0.0.1:55432/factdesk_test?sslmode=disable.
const EnvDSN = "FACTDESK_TEST_PG_DSN"

// EnvDB picks the backend of tests that run on one only: "postgres" or
// "sqlite" (the default).
const EnvDB = "FACTDESK_TEST_DB"

// Backend is a database for one test.
type Backend struct {
	Name string // "sqlite" or "postgres"
	URL  string // a db URL as the config takes it
}

// SQLiteURL returns the db URL of a new SQLite file in the test's temporary
// directory.
func SQLiteURL(t testing.TB) string {
	t.Helper()
	return "sqlite://" + filepath.Join(t.TempDir(), "desk.db")
}

// PostgresDSN returns the admin DSN. Without one the test is skipped, or
// fails when CI=true, since CI must run every backend.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is unset; CI runs every test on PostgreSQL too (make testenv starts one)", EnvDSN)
		}
		t.Skipf("PostgreSQL: %s is unset (run `make testenv` and source .testenv to include it)", EnvDSN)
	}
	return dsn
}

// PostgresURL creates an empty schema on the test server and returns a db
// URL whose connections use it (search_path); the schema is dropped when the
// test ends. The test is skipped without a server (see PostgresDSN).
func PostgresURL(t testing.TB) string {
	t.Helper()
	dsn := PostgresDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "fdtest_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("creating a test schema on %s: %v", u.Host, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("dropping test schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Backends lists the backends a test should run on: SQLite, and PostgreSQL
// when a server is configured (always under CI=true).
func Backends(t testing.TB) []string {
	t.Helper()
	names := []string{"sqlite"}
	if os.Getenv(EnvDSN) != "" || os.Getenv("CI") == "true" {
		names = append(names, "postgres")
	}
	return names
}

// URL returns a fresh database of the named backend.
func URL(t testing.TB, backend string) string {
	t.Helper()
	if backend == "postgres" {
		return PostgresURL(t)
	}
	return SQLiteURL(t)
}

// Run runs fn once per backend as subtests named after it, each with a fresh
// database.
func Run(t *testing.T, fn func(t *testing.T, b Backend)) {
	t.Helper()
	for _, name := range Backends(t) {
		t.Run(name, func(t *testing.T) {
			fn(t, Backend{Name: name, URL: URL(t, name)})
		})
	}
}

// FromEnv returns a fresh database of the backend FACTDESK_TEST_DB names:
// a switch for test suites too slow to run twice.
func FromEnv(t testing.TB) Backend {
	t.Helper()
	name := os.Getenv(EnvDB)
	switch name {
	case "", "sqlite":
		return Backend{Name: "sqlite", URL: SQLiteURL(t)}
	case "postgres", "postgresql":
		return Backend{Name: "postgres", URL: PostgresURL(t)}
	}
	t.Fatalf("%s=%q: want sqlite or postgres", EnvDB, name)
	return Backend{}
}
