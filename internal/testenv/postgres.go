package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// EnvPostgresDSN names the variable holding the test cluster's DSN.
const EnvPostgresDSN = "FACTDESK_TEST_PG_DSN"

// PostgresDSN returns the DSN of the test PostgreSQL database
// (FACTDESK_TEST_PG_DSN). If it is unset, the test is skipped, or failed
// under CI. Tests that create tables should use FreshPostgresSchema.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	return require(t, "PostgreSQL", EnvPostgresDSN)[0]
}

// FreshPostgresSchema creates a schema of its own for this test in the
// database that dsn names, and returns a DSN whose search_path is that schema
// alone, so unqualified tables land there and parallel tests and packages do
// not collide. The schema is dropped, with everything in it, when the test
// ends. Close connections opened with the returned DSN in a t.Cleanup
// registered after this call (or earlier in the test) so they are gone by
// then.
//
// dsn may be a URL (postgres://…) or keyword/value form (host=… dbname=…).
func FreshPostgresSchema(t testing.TB, dsn string) string {
	t.Helper()
	schema := "t_" + sanitize(t.Name(), 40) + "_" + randomSuffix(6)
	quoted := pgx.Identifier{schema}.Sanitize()

	if err := execAdmin(dsn, "CREATE SCHEMA "+quoted); err != nil {
		t.Fatalf("testenv: create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		if err := execAdmin(dsn, "SET lock_timeout = '10s'", "DROP SCHEMA IF EXISTS "+quoted+" CASCADE"); err != nil {
			t.Logf("testenv: drop schema %s: %v", schema, err)
		}
	})

	out, err := withSearchPath(dsn, schema)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return out
}

// execAdmin runs statements on a short-lived connection of its own.
func execAdmin(dsn string, stmts ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// withSearchPath returns dsn with its search_path run-time parameter set to schema.
func withSearchPath(dsn, schema string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse DSN: %w", err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	// Keyword/value form: a later setting overrides an earlier one.
	// The schema name is [a-z0-9_] only, so it needs no quoting.
	return strings.TrimSpace(dsn) + " search_path=" + schema, nil
}
