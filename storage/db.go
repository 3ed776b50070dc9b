package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // SQLite driver "sqlite", pure Go

	"github.com/factdesk/factdesk/workflows"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is factdesk's database. It implements workflows.Store, Inbox and Outbox.
type DB struct {
	db      *sqlx.DB
	dialect dialect
	stmts   stmtCache
	writer  *groupWriter // SQLite only: see commit.go
	// lock is the shared lock on DBFILE.lock a SQLite desk holds while
	// open, so a restore can tell it is running (see backup.go).
	lock *os.File
}

// Open connects to the database named by a db URL (sqlite://PATH or
// postgres://…), creating a SQLite file's directory if needed. It does not
// migrate; call Migrate.
func Open(ctx context.Context, dbURL string) (*DB, error) {
	d, dsn, err := parseURL(dbURL)
	if err != nil {
		return nil, err
	}
	var lock *os.File
	if d.name == "sqlite" {
		path := strings.TrimPrefix(dsn, "file:")
		path, _, _ = strings.Cut(path, "?")
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("creating the database directory: %w", err)
			}
		}
		// A new database file is the owner's only (0600), as backups are;
		// SQLite gives its -wal and -shm files the database file's mode.
		if path != "" && !strings.HasPrefix(path, ":memory:") && !strings.Contains(dsn, "mode=memory") {
			if f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err == nil {
				f.Close()
			}
		}
		if lock, err = lockShared(path); err != nil {
			return nil, err
		}
	}
	db, err := d.open(dsn)
	if err != nil {
		closeLock(lock)
		return nil, err
	}
	if d.name == "postgres" {
		db.SetMaxOpenConns(16)
		db.SetMaxIdleConns(16)
	} else {
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		closeLock(lock)
		return nil, fmt.Errorf("connecting to the database: %w", err)
	}
	s := &DB{db: db, dialect: d, lock: lock}
	if d.name == "sqlite" {
		s.writer = startGroupWriter(s)
	}
	return s, nil
}

// Close closes the database.
func (s *DB) Close() error {
	if s.writer != nil {
		s.writer.stop()
	}
	s.stmts.mu.Lock()
	for _, st := range s.stmts.m {
		st.Close()
	}
	s.stmts.m = nil
	s.stmts.mu.Unlock()
	err := s.db.Close()
	closeLock(s.lock)
	return err
}

// closeLock drops the shared lock, after the database is closed.
func closeLock(f *os.File) {
	if f != nil {
		f.Close()
	}
}

// Dialect is "sqlite" or "postgres".
func (s *DB) Dialect() string { return s.dialect.name }

// SQL exposes the connection pool, for health checks and tests. Writing
// through it would pass by the group writer (commit.go); write with Within.
func (s *DB) SQL() *sqlx.DB { return s.db }

// Migration is one embedded schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded migrations in order.
func Migrations() ([]Migration, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s is not named NNNN_name.sql", e.Name())
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	// Two files with one number would leave the second unapplied for ever
	// on a database that recorded the first.
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %04d_%s and %04d_%s have the same number", out[i-1].Version, out[i-1].Name, out[i].Version, out[i].Name)
		}
	}
	return out, nil
}

// Migrate applies the migrations not yet recorded, each in its own
// transaction with its record, then fills what a migration added but only
// Go can compute (a claim's folded statement, see backfillFolded), and
// returns the migrations it applied. Replicas
// starting together are safe: on PostgreSQL an advisory lock serialises them;
// on SQLite the immediate transaction does.
func (s *DB) Migrate(ctx context.Context) ([]Migration, error) {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if s.dialect.name == "postgres" {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7240113)`); err != nil {
			return nil, err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7240113)`)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("creating schema_migrations: %w", err)
	}
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	var applied []Migration
	for _, m := range all {
		tx, err := conn.BeginTxx(ctx, nil)
		if err != nil {
			return applied, err
		}
		var n int
		if err := tx.GetContext(ctx, &n, s.db.Rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.Version); err != nil {
			tx.Rollback()
			return applied, err
		}
		if n > 0 {
			tx.Rollback()
			continue
		}
		for _, stmt := range splitStatements(s.dialect.ddl(m.SQL)) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.db.Rebind(`INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)`),
			m.Version, m.Name, time.Now().UnixMilli()); err != nil {
			tx.Rollback()
			return applied, err
		}
		if err := tx.Commit(); err != nil {
			return applied, err
		}
		applied = append(applied, m)
	}
	if _, err := s.backfillFolded(ctx); err != nil {
		return applied, err
	}
	s.warm(ctx)
	return applied, nil
}

// PendingMigrations counts the embedded migrations the database has not
// recorded as applied: 0 on a database this version can run.
func (s *DB) PendingMigrations(ctx context.Context) (int, error) {
	all, err := Migrations()
	if err != nil {
		return 0, err
	}
	var versions []int
	if err := s.db.SelectContext(ctx, &versions, `SELECT version FROM schema_migrations`); err != nil {
		return 0, err
	}
	applied := make(map[int]bool, len(versions))
	for _, v := range versions {
		applied[v] = true
	}
	pending := 0
	for _, m := range all {
		if !applied[m.Version] {
			pending++
		}
	}
	return pending, nil
}

// splitStatements splits a migration on semicolons ending a line, dropping
// comment-only pieces. Migrations hold no semicolons inside literals.
func splitStatements(sql string) []string {
	var out []string
	for _, part := range strings.Split(sql, ";\n") {
		var code []string
		for _, line := range strings.Split(part, "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
				code = append(code, line)
			}
		}
		if stmt := strings.TrimSpace(strings.TrimSuffix(strings.Join(code, "\n"), ";")); stmt != "" {
			out = append(out, stmt)
		}
	}
	return out
}

// Within runs fn in one write transaction. See workflows.Store.
func (s *DB) Within(ctx context.Context, fn func(tx workflows.Tx) error) error {
	return s.write(ctx, func(t *Tx) error { return fn(t) })
}

// write runs fn in a write transaction: on SQLite through the group
// writer, elsewhere in a transaction of its own.
func (s *DB) write(ctx context.Context, fn func(*Tx) error) error {
	if s.writer != nil {
		return s.writer.submit(ctx, fn)
	}
	err := s.writeAlone(ctx, fn)
	if p, ok := err.(memberPanic); ok {
		panic(p.value)
	}
	return err
}

// writeAlone runs fn in a transaction of its own. Once begun, it runs to
// the end even if ctx ends, as statements inside it do (see exec).
func (s *DB) writeAlone(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tx, err := s.db.BeginTxx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return fmt.Errorf("beginning a transaction: %w", err)
	}
	if err := runMember(&Tx{tx: tx, dialect: s.dialect, db: s}, fn); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// execWrite runs one writing statement as a change of its own.
func (s *DB) execWrite(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := s.write(ctx, func(t *Tx) error {
		var err error
		res, err = t.exec(ctx, query, args...)
		return err
	})
	return res, err
}

// Tx is a write transaction; it implements workflows.Tx.
type Tx struct {
	tx      *sqlx.Tx
	dialect dialect
	db      *DB
	// bound holds the hot statements bound to this transaction, so the
	// changes of a group commit bind each once rather than on every use.
	bound map[string]*sqlx.Stmt
}

// ms converts a time to stored milliseconds; the zero time is 0.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts stored milliseconds back; 0 is the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return workflows.Errorf(workflows.ENOTFOUND, format, args...)
	}
	return err
}

// stmtCache keeps prepared statements for the queries on the write path, so
// SQLite compiles each once per connection instead of once per call (the
// compile cost was a quarter of filing a claim). It is filled once, after
// migrating, and only read afterwards: preparing on demand would take a
// pooled connection while transactions hold the others, and a full pool
// would then wait on itself.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sqlx.Stmt
}

// hotQueries are prepared ahead: every claim, evidence and message goes
// through them. selectTurns, with its three subqueries, took longer to
// compile than to run, and every message asks it.
var hotQueries = append([]string{insertInbox, markInboxHandled, insertClaim, updateClaim, insertEvidence, insertThread,
	insertEvent, selectTurns}, insertOutbox[1:]...)

// warm prepares the hot queries; a query that cannot be prepared simply
// runs unprepared.
func (s *DB) warm(ctx context.Context) {
	m := map[string]*sqlx.Stmt{}
	for _, q := range hotQueries {
		q = s.dialect.insertQuery(q)
		if st, err := s.db.PreparexContext(ctx, s.db.Rebind(q)); err == nil {
			m[q] = st
		}
	}
	s.stmts.mu.Lock()
	old := s.stmts.m
	s.stmts.m = m
	s.stmts.mu.Unlock()
	for _, st := range old {
		st.Close()
	}
}

// prepared returns the prepared statement for a hot query, or nil.
func (s *DB) prepared(query string) *sqlx.Stmt {
	s.stmts.mu.RLock()
	defer s.stmts.mu.RUnlock()
	return s.stmts.m[query]
}

// Statements inside a write transaction run to the end even when the
// caller's context ends: SQLite answers an interrupted write by rolling back
// the whole transaction, which in a group commit holds other callers'
// changes too. The transaction is short; the caller is told the outcome.

// stmt returns a hot query's statement bound to the transaction, or nil
// for a query that is not hot.
func (t *Tx) stmt(ctx context.Context, query string) *sqlx.Stmt {
	if st, ok := t.bound[query]; ok {
		return st
	}
	st := t.db.prepared(query)
	if st != nil {
		st = t.tx.StmtxContext(ctx, st)
	}
	if t.bound == nil {
		t.bound = map[string]*sqlx.Stmt{}
	}
	t.bound[query] = st
	return st
}

// exec runs a query inside the transaction, prepared when it is hot.
func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.tx.Rebind(query), args...)
}

// get runs a single-row query inside the transaction, prepared when hot.
func (t *Tx) get(ctx context.Context, dest any, query string, args ...any) error {
	ctx = context.WithoutCancel(ctx)
	if st := t.stmt(ctx, query); st != nil {
		return st.GetContext(ctx, dest, args...)
	}
	return t.tx.GetContext(ctx, dest, t.tx.Rebind(query), args...)
}

// insert runs an INSERT … RETURNING id inside the transaction, prepared
// when hot, sets *id and reports whether a row went in (false: ON CONFLICT
// DO NOTHING skipped it).
func (t *Tx) insert(ctx context.Context, id *int64, query string, args ...any) (bool, error) {
	if t.dialect.name != "sqlite" {
		err := t.get(ctx, id, query, args...)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	res, err := t.exec(ctx, t.dialect.insertQuery(query), args...)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	*id, err = res.LastInsertId()
	return err == nil, err
}

// selectRows runs a many-row query inside the transaction.
func (t *Tx) selectRows(ctx context.Context, dest any, query string, args ...any) error {
	return t.tx.SelectContext(context.WithoutCancel(ctx), dest, t.tx.Rebind(query), args...)
}
