package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/factdesk/factdesk/storage"
)

// The backup and restore subcommands, for SQLite desks. PostgreSQL has its
// own tools and the commands say so.

// errUsePGTools is what backup and restore answer for a PostgreSQL desk.
// The db URL is not repeated: it may hold a password.
var errUsePGTools = errors.New("the desk's database is PostgreSQL: back it up with `pg_dump -Fc -f FILE DBURL` and restore with `pg_restore --clean --if-exists -d DBURL FILE`")

// backupArgs parses [--config FILE] NAME for backup and restore.
func (m *Main) backupArgs(name string, args []string) (Config, string, error) {
	fs, cfgPath := m.flags(name)
	if err := fs.Parse(args); err != nil {
		return Config{}, "", err
	}
	if fs.NArg() != 1 {
		return Config{}, "", fmt.Errorf("usage: factdesk %s [--config FILE] BACKUP-FILE", name)
	}
	cfg, err := LoadConfig(*cfgPath, m.Getenv)
	if err != nil {
		return cfg, "", err
	}
	if _, err := storage.SQLitePath(cfg.DB); errors.Is(err, storage.ErrNotSQLite) {
		return cfg, "", errUsePGTools
	}
	return cfg, fs.Arg(0), nil
}

// cmdBackup writes a consistent copy of the database while the desk runs.
// It opens the database without migrating it: a backup taken before an
// upgrade must be of the old schema.
func (m *Main) cmdBackup(ctx context.Context, args []string) error {
	cfg, file, err := m.backupArgs("backup", args)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, file); err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backup written to %s (%d bytes)\n", file, st.Size())
	return nil
}

// cmdRestore puts a backup in place of the database. The desk must be
// stopped: every process with the database open holds a shared lock on
// DBFILE.lock, and restore refuses unless it gets that lock alone.
func (m *Main) cmdRestore(ctx context.Context, args []string) error {
	cfg, file, err := m.backupArgs("restore", args)
	if err != nil {
		return err
	}
	res, err := storage.Restore(ctx, cfg.DB, file, m.clock().Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "restored %s: %d claims\n", file, res.Claims)
	if res.Previous != "" {
		fmt.Fprintf(m.Stdout, "the database it replaced is kept as %s\n", res.Previous)
	}
	return nil
}
