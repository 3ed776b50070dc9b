package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Backup and restore of a SQLite desk.
//
// A backup is taken with VACUUM INTO on a pooled read connection, never on
// the group writer's: in WAL mode VACUUM INTO reads inside one read
// transaction, so the copy is the database as of one commit (a snapshot),
// while the writer keeps committing beside it. The copy is written under a
// temporary name, synced, and only then renamed to the name asked for, so a
// file with that name is always a whole backup.
//
// Every process that opens a SQLite desk holds a shared flock(2) on
// DBFILE.lock for as long as the database is open (see lockShared); restore
// takes that lock exclusively, without waiting, so it refuses while any desk
// (run, shell, digest, another replica) has the file open, and a desk that
// starts during a restore refuses to open. The kernel drops the lock when a
// process exits, however it exits, so a crashed desk leaves no stale lock.

// ErrNotSQLite answers Backup and Restore on PostgreSQL, whose own tools
// (pg_dump, pg_restore) do this job.
var ErrNotSQLite = errors.New("backup and restore handle SQLite desks only; for PostgreSQL use pg_dump and pg_restore")

// ErrDeskRunning is Restore's answer while a process has the target open.
var ErrDeskRunning = errors.New("a desk has this database open")

// SQLitePath returns the file a sqlite:// db URL names, or ErrNotSQLite.
func SQLitePath(dbURL string) (string, error) {
	d, dsn, err := parseURL(dbURL)
	if err != nil {
		return "", err
	}
	if d.name != "sqlite" {
		return "", ErrNotSQLite
	}
	path := strings.TrimPrefix(dsn, "file:")
	path, _, _ = strings.Cut(path, "?")
	return path, nil
}

// lockPath is the advisory lock file beside a SQLite database.
func lockPath(dbPath string) string { return dbPath + ".lock" }

// lockShared takes the shared lock every process holding the database open
// keeps; it fails at once, naming the reason, while a restore holds it.
func lockShared(dbPath string) (*os.File, error) {
	f, err := os.OpenFile(lockPath(dbPath), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is being restored; start the desk once `factdesk restore` has finished", dbPath)
		}
		return nil, fmt.Errorf("locking %s: %w", lockPath(dbPath), err)
	}
	return f, nil
}

// Backup writes a consistent copy of the live SQLite database to file,
// without stopping writers. file must not exist yet. It returns
// ErrNotSQLite on PostgreSQL.
func (s *DB) Backup(ctx context.Context, file string) error {
	if s.dialect.name != "sqlite" {
		return ErrNotSQLite
	}
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s exists: give a new file name, or remove it first", file)
	}
	tmp, err := tempName(file)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	// A connection of the pool, not the writer's: VACUUM INTO only reads
	// the source, in one read transaction, which WAL keeps apart from the
	// writer's commits.
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("copying the database: %w", err)
	}
	// Newsroom material: the copy is for the desk's user alone.
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, file); err != nil {
		return err
	}
	return syncDir(filepath.Dir(file))
}

// RestoreResult says what Restore did.
type RestoreResult struct {
	// Claims is how many claims the restored database holds.
	Claims int
	// Previous is where the database that was replaced now lives, "" when
	// there was none.
	Previous string
}

// Restore replaces the SQLite database dbURL names with the backup file.
// It refuses (ErrDeskRunning) while any process has the database open, and
// refuses a file that is not a sound factdesk database, or one from a newer
// factdesk (its migrations are unknown here). The replaced database, with
// its write-ahead log, is kept beside it as DBFILE.before-restore-TIME.
func Restore(ctx context.Context, dbURL, file string, now time.Time) (RestoreResult, error) {
	var res RestoreResult
	path, err := SQLitePath(dbURL)
	if err != nil {
		return res, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return res, fmt.Errorf("creating the database directory: %w", err)
	}
	lock, err := os.OpenFile(lockPath(path), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return res, fmt.Errorf("opening the lock file: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return res, fmt.Errorf("%s: %w; stop it (systemctl stop factdesk) and restore again", path, ErrDeskRunning)
		}
		return res, fmt.Errorf("locking %s: %w", lockPath(path), err)
	}
	if res.Claims, err = checkBackup(ctx, file); err != nil {
		return res, fmt.Errorf("%s: %w", file, err)
	}
	tmp, err := tempName(path)
	if err != nil {
		return res, err
	}
	defer os.Remove(tmp)
	if err := copyFile(file, tmp); err != nil {
		return res, err
	}
	if _, err := os.Lstat(path); err == nil {
		// The old database moves aside whole: its log and shared-memory
		// files go with it, so they can never be replayed into the
		// restored file, and the old copy stays readable.
		res.Previous = path + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		for n := 2; ; n++ { // never over an earlier restore's copy
			if _, err := os.Lstat(res.Previous); errors.Is(err, os.ErrNotExist) {
				break
			}
			res.Previous = fmt.Sprintf("%s.before-restore-%s-%d", path, now.UTC().Format("20060102T150405Z"), n)
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(path+suffix, res.Previous+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return res, fmt.Errorf("moving the current database aside: %w", err)
			} else if err == nil {
				// The copy is a backup: the owner's only, as backups are.
				if err := os.Chmod(res.Previous+suffix, 0o600); err != nil {
					return res, err
				}
			}
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return res, err
	}
	return res, syncDir(filepath.Dir(path))
}

// checkBackup opens a backup read-only and checks that it is a whole
// factdesk database this version can run; it returns its claim count.
func checkBackup(ctx context.Context, file string) (int, error) {
	if _, err := os.Stat(file); err != nil {
		return 0, err
	}
	db, err := sqliteDialect.open("file:" + file + "?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var check string
	if err := db.GetContext(ctx, &check, `PRAGMA quick_check`); err != nil {
		return 0, fmt.Errorf("not a SQLite database: %w", err)
	}
	if check != "ok" {
		return 0, fmt.Errorf("the file is damaged: %s", check)
	}
	var newest int
	if err := db.GetContext(ctx, &newest, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`); err != nil {
		return 0, errors.New("not a factdesk database (no schema_migrations table)")
	}
	all, err := Migrations()
	if err != nil {
		return 0, err
	}
	if known := all[len(all)-1].Version; newest > known {
		return 0, fmt.Errorf("made by a newer factdesk (migration %d; this one knows up to %d)", newest, known)
	}
	var claims int
	if err := db.GetContext(ctx, &claims, `SELECT COUNT(*) FROM claims`); err != nil {
		return 0, err
	}
	return claims, nil
}

// tempName returns an unused name in file's directory for writing it.
func tempName(file string) (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return file + ".partial-" + hex.EncodeToString(b[:]), nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}
