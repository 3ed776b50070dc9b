// Package storagetest gives tests a fresh database on every backend the
// desk supports: a SQLite file always, and a PostgreSQL schema of its own
// when FACTDESK_TEST_PG_DSN names a server.
//
// It imports nothing of the desk, so the storage package's own tests can use
// it too; the servers themselves come from internal/testenv.
package storagetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/factdesk/factdesk/internal/testenv"
)

// EnvDSN names the variable holding an admin URL of a PostgreSQL server for
// tests, e.g. postgres://postgres@127.0.0.1:55432/factdesk_test?sslmode=disable.
const EnvDSN = testenv.EnvPostgresDSN

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

// PostgresDSN returns the admin DSN of the test server. Without one the
// test is skipped, or fails under CI, since CI must run every backend.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	return testenv.PostgresDSN(t)
}

// PostgresURL creates an empty schema on the test server and returns a db
// URL whose connections use it (search_path); the schema is dropped when the
// test ends. The test is skipped without a server (see PostgresDSN).
func PostgresURL(t testing.TB) string {
	t.Helper()
	return testenv.FreshPostgresSchema(t, PostgresDSN(t))
}

// Backends lists the backends a test should run on: SQLite, and PostgreSQL
// when a server is configured (always under CI=true).
func Backends(t testing.TB) []string {
	t.Helper()
	names := []string{"sqlite"}
	if os.Getenv(EnvDSN) != "" || testenv.InCI() {
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
