package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/fakeclock"
	"github.com/factdesk/factdesk/storage"
)

// rawControls are what must never reach an operator's terminal raw: ESC
// (and so every escape sequence), BEL, CR, NUL, the C1 CSI, and the bidi
// override that reverses what follows.
const rawControls = "\x1b\x07\r\x00\u009b\u202e"

// TestNoControlsReachTheTerminal: text from chat users, web pages, or a
// database written before text was cleaned on the way in, is printed without
// its control and bidi formatting characters by show, digest --dry-run and
// extract.
func TestNoControlsReachTheTerminal(t *testing.T) {
	cfg := digestDesk(t, digestSchedules)
	clock := fakeclock.New(time.Date(2026, 3, 16, 8, 0, 0, 0, time.UTC))
	out, err := digestMain(t, clock, "claim 300 civilians\x1b[2J killed\r in the \u202eMosul strike\x00\nshow 1\n", "shell", "--config", cfg, "--user", "rita")
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(out, rawControls) || !strings.Contains(out, "300 civilians killed  in the Mosul strike") {
		t.Errorf("show printed %q", out)
	}

	// A claim stored raw, as a database from before could hold it.
	cfgData, _ := os.ReadFile(cfg)
	dbURL := strings.TrimPrefix(strings.SplitN(string(cfgData), "\n", 2)[0], "db: ")
	db, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("UPDATE claims SET statement = ?", "300 killed \x1b]0;owned\x07\u009b2J\r\u202eper UN"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, args := range [][]string{
		{"digest", "--config", cfg, "--dry-run"},
		{"shell", "--config", cfg},
	} {
		out, err := digestMain(t, clock, "show 1\nlist\n", args...)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(out, rawControls) || !strings.Contains(out, "300 killed  per UN") {
			t.Errorf("factdesk %s printed %q", args[0], out)
		}
	}

	article := filepath.Join(t.TempDir(), "article.txt")
	text := "MOSUL \x1b[31m- At least 140 civilians were killed,\r the UN \u202ehuman rights office said.\x07\n"
	if err := os.WriteFile(article, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json"} {
		out, err := digestMain(t, clock, "", "extract", "--format", format, article)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(out, rawControls) || !strings.Contains(out, "140") {
			t.Errorf("extract --format %s printed %q", format, out)
		}
	}
}

// TestTerminalHelpAndQuit: the terminal's own words are in help, and quit
// ends the session without being taken for a typo.
func TestTerminalHelpAndQuit(t *testing.T) {
	cfg := digestDesk(t, "")
	out := runMain(t, "help\nhelp ingest\nquit\nclaim 3 homes destroyed\n", "shell", "--config", cfg)
	for _, want := range []string{"as NAME — speak as someone else", "quit or exit — leave", "type ingest alone, paste the text"} {
		if !strings.Contains(out, want) {
			t.Errorf("help does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "did you mean") || strings.Contains(out, "#1") {
		t.Errorf("quit did not end the session:\n%s", out)
	}
}

// The terminal's first speaker, and who files the claims of `factdesk
// ingest`, follow the rule of "as NAME"; a refusal names the flag or the
// key the name came from.
func TestShellUserIsAPlainName(t *testing.T) {
	cfg := digestDesk(t, "")
	article := filepath.Join(t.TempDir(), "article.txt")
	if err := os.WriteFile(article, []byte("At least 140 civilians were killed in Mosul, the UN said.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"two words", "ev\x1b[31mil", "rita\x1b[2J", strings.Repeat("r", 65), "editor\u200b", "factdesk"} {
		for _, args := range [][]string{{"shell", "--config", cfg}, {"ingest", "--config", cfg, article}} {
			args = append(args[:len(args):len(args)], "--user", user)
			if args[0] == "ingest" { // flags before the file
				args = []string{"ingest", "--config", cfg, "--user", user, article}
			}
			out, err := digestMain(t, nil, "claim 3 homes destroyed\n", args...)
			if err == nil || !strings.Contains(err.Error(), "--user") || strings.Contains(err.Error(), "shell.user") {
				t.Errorf("%s --user %q: err = %v, want it refused naming --user", args[0], user, err)
			}
			if strings.Contains(out, "#1") || strings.Contains(out, "new claim") {
				t.Errorf("%s --user %q filed something:\n%s", args[0], user, out)
			}
		}
	}
	// From the config, the key is named.
	bad := digestDesk(t, "shell:\n  user: two words\n")
	if _, err := digestMain(t, nil, "", "ingest", "--config", bad, article); err == nil || !strings.Contains(err.Error(), "shell.user") {
		t.Errorf("shell.user of two words: err = %v", err)
	}
	// "@rita" is rita, as "as @rita" is.
	clock := fakeclock.New(time.Date(2026, 3, 16, 8, 0, 0, 0, time.UTC))
	out, err := digestMain(t, clock, "", "ingest", "--config", cfg, "--user", "@rita", article)
	if err != nil || !strings.Contains(out, "new claim") {
		t.Fatalf("ingest --user @rita: %v\n%s", err, out)
	}
	shown, err := digestMain(t, clock, "history 1\n", "shell", "--config", cfg)
	if err != nil || !strings.Contains(shown, "rita") || strings.Contains(shown, "@rita") {
		t.Errorf("history of the ingested claim: %v\n%s", err, shown)
	}
}

// An error that names what a user gave (here a file name) reaches stderr
// without its control characters.
func TestErrorsReachStderrClean(t *testing.T) {
	var out, errOut bytes.Buffer
	m := offline(&Main{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	err := m.Run(context.Background(), []string{"extract", "--bogus\x1b[2J\u202e"})
	if err == nil {
		t.Fatal("a bad flag was accepted")
	}
	if strings.ContainsAny(errOut.String(), rawControls) || !strings.Contains(errOut.String(), "bogus") {
		t.Errorf("stderr: %q", errOut.String())
	}
}
