package storage

import (
	"cmp"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/jmoiron/sqlx"
)

// dialect holds every difference between SQLite and PostgreSQL the storage
// layer knows of. Queries are written once, for both.
type dialect struct {
	name string // "sqlite" or "postgres"
	// driver is the database/sql driver name.
	driver string
	// bindAs is the driver name sqlx rebinds ? placeholders for, when
	// sqlx does not know driver itself.
	bindAs string
	// skipLocked is appended to a SELECT that leases rows, so replicas
	// pass over each other's rows instead of waiting for them.
	skipLocked string
}

// insertQuery is how the dialect runs an INSERT written with a trailing
// RETURNING id. SQLite gets the id and whether a row went in from the
// statement's own result, which costs far less than reading a RETURNING
// row back through database/sql on the one write connection.
func (d dialect) insertQuery(q string) string {
	if d.name == "sqlite" {
		return strings.TrimSuffix(q, " RETURNING id")
	}
	return q
}

var (
	// modernc.org/sqlite registers as "sqlite", a name sqlx does not
	// know; bindAs tells sqlx its placeholders are ? as sqlite3's.
	sqliteDialect   = dialect{name: "sqlite", driver: "sqlite", bindAs: "sqlite3"}
	postgresDialect = dialect{name: "postgres", driver: "pgx", skipLocked: " FOR UPDATE SKIP LOCKED"}
)

// open opens a database of this dialect, for sqlx with its placeholders.
func (d dialect) open(dsn string) (*sqlx.DB, error) {
	db, err := sql.Open(d.driver, dsn)
	if err != nil {
		return nil, err
	}
	return sqlx.NewDb(db, cmp.Or(d.bindAs, d.driver)), nil
}

// ddl adapts migration text written for PostgreSQL to the dialect.
func (d dialect) ddl(sql string) string {
	if d.name == "sqlite" {
		return strings.ReplaceAll(sql, "BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT")
	}
	// PostgreSQL tables are heaps with separate indexes either way.
	return strings.ReplaceAll(sql, ") WITHOUT ROWID;", ");")
}

// CheckURL reports whether the config's db URL is one Open can use, with
// the same sentence Open would fail with.
func CheckURL(raw string) error {
	_, _, err := parseURL(raw)
	return err
}

// parseURL turns the config's db URL into a dialect and a driver DSN.
//
//	sqlite:///var/lib/factdesk/factdesk.db  (absolute path)
//	sqlite://data/factdesk.db               (relative path, as written)
//	postgres://user@host:5432/db?sslmode=disable
func parseURL(raw string) (dialect, string, error) {
	switch {
	case strings.HasPrefix(raw, "sqlite://"):
		path := strings.TrimPrefix(raw, "sqlite://")
		if path == "" {
			return dialect{}, "", fmt.Errorf("db %q names no file: write sqlite://data/factdesk.db", raw)
		}
		path, query, _ := strings.Cut(path, "?")
		return sqliteDialect, sqliteDSN(path, query), nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		if _, err := url.Parse(raw); err != nil {
			return dialect{}, "", fmt.Errorf("db %q is not a valid PostgreSQL URL: %v", raw, err)
		}
		return postgresDialect, raw, nil
	}
	return dialect{}, "", fmt.Errorf("db %q: use sqlite://PATH or postgres://…", raw)
}

// sqliteDSN sets the pragmas the desk relies on: WAL so readers never block
// the writer; synchronous=FULL because a lost commit would lose a reporter's
// message or double a post; a busy timeout; foreign keys; reads through a
// memory map, which large digests scan much faster than through each
// connection's small page cache; and BEGIN IMMEDIATE for every transaction, so two
// writers never deadlock upgrading a read lock.
func sqliteDSN(path, extra string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(1)", "mmap_size(1073741824)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	if extra != "" {
		dsn += "&" + extra
	}
	return dsn
}
