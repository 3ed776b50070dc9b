package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestCommandTable checks the chat command table of a fully wired desk
// (core commands and every feature's) against help and the README: each
// command has a handler, a usage that starts with its name and a summary;
// help lists each; the README's command table has a row for each, saying
// "editor" exactly for the editors' commands.
func TestCommandTable(t *testing.T) {
	cfgPath, _ := writeConfig(t, "")
	cfg, err := LoadConfig(cfgPath, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	m := offline(&Main{Getenv: func(string) string { return "" }})
	d, err := m.openDesk(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// Rows of the chat command table: | `usage` [/ `usage`…] | who | what |.
	// Each code span in the first cell names a command by its first word.
	rows := map[string]string{}
	span := regexp.MustCompile("`([a-z]+)[^`]*`")
	for _, line := range strings.Split(string(readme), "\n") {
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "/"), " | ")
		if !strings.HasPrefix(line, "| `") || len(cells) < 3 {
			continue
		}
		for _, m := range span.FindAllStringSubmatch(cells[0], -1) {
			if _, seen := rows[m[1]]; !seen {
				rows[m[1]] = strings.TrimSpace(cells[1])
			}
		}
	}
	help := d.Router.Grammar.HelpMessage(true, "")
	specs := d.Router.Grammar.Specs()
	if len(specs) < 15 {
		t.Fatalf("only %d commands in the table", len(specs))
	}
	for _, s := range specs {
		if s.Run == nil || s.Parse == nil {
			t.Errorf("command %q has no handler or no parser", s.Name)
		}
		if !strings.HasPrefix(s.Usage, s.Name) || s.Summary == "" {
			t.Errorf("command %q: usage %q must start with its name, and it needs a summary", s.Name, s.Usage)
		}
		listed := false
		for _, it := range help.Items {
			listed = listed || strings.HasPrefix(it, s.Usage+" — ")
		}
		if !listed {
			t.Errorf("help does not list %q", s.Usage)
		}
		who, ok := rows[s.Name]
		switch {
		case !ok:
			t.Errorf("the README's command table has no row for %q", s.Name)
		case s.EditorOnly != (who == "editor"):
			t.Errorf("README says %q is for %q; the table says editor-only=%v", s.Name, who, s.EditorOnly)
		}
	}
}

// --help on every subcommand prints its usage and succeeds, without doing
// what the subcommand does (matrix-recovery-key prints no key); backup and
// restore name the file they take.
func TestEverySubcommandHelp(t *testing.T) {
	for _, sc := range subcommands() {
		for _, help := range []string{"--help", "-h"} {
			var out, errOut bytes.Buffer
			m := offline(&Main{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
			if err := m.Run(context.Background(), []string{sc.name, help}); err != nil {
				t.Errorf("factdesk %s %s: %v", sc.name, help, err)
			}
			if !strings.Contains(errOut.String(), "usage: factdesk "+sc.name) {
				t.Errorf("factdesk %s %s printed no usage:\n%s", sc.name, help, errOut.String())
			}
			if out.Len() > 0 {
				t.Errorf("factdesk %s %s did its work, printing:\n%s", sc.name, help, out.String())
			}
			if (sc.name == "backup" || sc.name == "restore") && !strings.Contains(errOut.String(), "BACKUP-FILE") {
				t.Errorf("factdesk %s %s does not name its file:\n%s", sc.name, help, errOut.String())
			}
		}
	}
	// A subcommand that takes nothing refuses what it is given.
	m := offline(&Main{Getenv: func(string) string { return "" }})
	if err := m.Run(context.Background(), []string{"matrix-recovery-key", "extra"}); err == nil {
		t.Error("matrix-recovery-key took an argument")
	}
	// A stray word before the flags would end flag parsing, and --config
	// would be ignored for the default database: refused instead.
	for _, name := range []string{"run", "shell", "migrate", "discrepancies", "matrix-rotate-recovery-key"} {
		m := offline(&Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }})
		err := m.Run(context.Background(), []string{name, "extra", "--config", "desk.yaml"})
		if err == nil || !strings.Contains(err.Error(), `takes no arguments besides its flags, not "extra"`) {
			t.Errorf("factdesk %s extra --config desk.yaml: %v", name, err)
		}
	}
}
