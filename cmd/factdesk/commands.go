package main

import (
	"context"
	"strings"
)

// subcommand is one `factdesk NAME`.
type subcommand struct {
	name    string
	summary string
	run     func(m *Main, ctx context.Context, args []string) error
	// operands are what follows the flags, as --help shows them.
	operands string
}

// lookup is the subcommand called name ("config check" is config's).
func lookup(name string) (subcommand, bool) {
	name, _, _ = strings.Cut(name, " ")
	for _, sc := range subcommands() {
		if sc.name == name {
			return sc, true
		}
	}
	return subcommand{}, false
}

// subcommands is every `factdesk NAME`, in the order help lists them. The
// README's table of the binary follows the same order.
func subcommands() []subcommand {
	return []subcommand{
		{"run", "start the desk: chat platforms, outbox, schedules, HTTP server", (*Main).cmdRun, ""},
		{"shell", "chat with the desk in the terminal: shell --user NAME", (*Main).cmdShell, ""},
		{"migrate", "apply database migrations", (*Main).cmdMigrate, ""},
		{"digest", "post a digest of unresolved claims now: digest [--schedule NAME] [--dry-run]", (*Main).cmdDigest, ""},
		{"extract", "print the figures in articles: extract [--config FILE] [--format text|json] [--explain] FILE|URL...", (*Main).cmdExtract, "FILE|URL..."},
		{"ingest", "file every figure in articles as claims or evidence: ingest [--user NAME] FILE|URL...", (*Main).cmdIngest, "FILE|URL..."},
		{"discrepancies", "print disputed claims with their conflicting figures: discrepancies [--format text|json]", (*Main).cmdDiscrepancies, ""},
		{"export", "write claims or the audit log: export --format csv|jsonl|claimreview|audit [--since DATE] [--state S] [--out FILE]", (*Main).cmdExport, ""},
		{"backup", "copy the live SQLite database to a new file: backup FILE", (*Main).cmdBackup, "BACKUP-FILE"},
		{"restore", "replace the stopped desk's SQLite database with a backup: restore FILE", (*Main).cmdRestore, "BACKUP-FILE"},
		{"matrix-recovery-key", "print a new recovery key for matrix.recovery_key", (*Main).cmdRecoveryKey, ""},
		{"matrix-rotate-recovery-key", "replace the Matrix account's recovery key and print the new one", (*Main).cmdRotateRecoveryKey, ""},
		{"config", "print the example config or check one: config example | config check [--config FILE]", (*Main).cmdConfig, ""},
		{"version", "print the version", (*Main).cmdVersion, ""},
	}
}
