package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/configs"
)

func TestConfigExamplePrintsTheEmbeddedFile(t *testing.T) {
	got := runMain(t, "", "config", "example")
	if got != string(configs.Example) {
		t.Fatalf("config example printed %d bytes, want the %d of the embedded example", len(got), len(configs.Example))
	}
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, yaml string
		wantErr    string // empty: valid
	}{
		{"example", string(configs.Example), ""},
		{"unknown key", "db: sqlite://x.db\nbogus: 1\n", `unknown config key "bogus" (bogus, line 2)`},
		{"bad log level", "log:\n  level: loud\n", `log.level "loud"`},
		{"bad db", "db: mysql://x\n", `db "mysql://x"`},
		{"unknown editors platform", "editors:\n  irc: [ana]\n", "editors.irc: unknown platform"},
		{"unknown nested key", "http:\n  adr: 127.0.0.1:8080\n", `unknown config key "adr" (http.adr, line 2)`},
		{"value of the wrong kind", "rules:\n  figure_tolerance: abc\n", `config key rules.figure_tolerance (line 2): "abc" is not a number`},
		{"a list expected", "editors:\n  shell: eve\n", "config key editors.shell (line 2)"},
		{"address without a port", "http:\n  addr: not an addr\n", `http.addr "not an addr"`},
		{"port out of range", "http:\n  addr: 127.0.0.1:99999\n", "the port must be a number"},
		{"editor with a space", "editors:\n  shell: [\"two words\"]\n", `"two words" is not a user id`},
		{"empty editor", "editors:\n  shell: [\"\"]\n", `"" is not a user id`},
		// What run refuses, config check refuses, with the same sentence.
		{"sqlite without a file", "db: sqlite://\n", `db "sqlite://" names no file`},
		{"shell user of two words", "shell:\n  user: two words\n", `shell.user "two words"`},
		{"empty shell user", "shell:\n  user: \"\"\n", `shell.user ""`},
		{"schedule for a platform not set up", "schedules:\n  - name: morning\n    cron: \"0 9 * * *\"\n    platform: slack\n    channel: C0DESK\n",
			`"morning" posts to slack, which this config does not set up`},
		{"negative fetch timeout", "fetch:\n  timeout: -5s\n", "fetch.timeout -5s"},
		{"negative redirects", "fetch:\n  max_redirects: -1\n", "fetch.max_redirects -1"},
		{"negative ingest limit", "ingest:\n  max_running: -4\n", "ingest.max_running -4"},
		{"the desk's own name as a shell editor", "editors:\n  shell: [factdesk]\n", `editors.shell: "factdesk": factdesk is the desk's own name`},
		{"slack editor by name", "editors:\n  slack: [ana]\n", `editors.slack: "ana" is not a Slack user id`},
		{"slack team id", "slack:\n  bot_token: xoxb-1\n  app_token: xapp-1\n  team_id: acme\n", `slack.team_id "acme"`},
		{"slack capture channel by name", "slack:\n  bot_token: xoxb-1\n  app_token: xapp-1\n  capture_channel: \"#desk\"\n",
			`slack.capture_channel "#desk"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".yaml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			m := offline(&Main{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
			err := m.Run(context.Background(), []string{"config", "check", "--config", path})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("config check refused a valid file: %v", err)
			case tc.wantErr == "" && !strings.HasPrefix(out.String(), "config ok"):
				t.Fatalf("config check printed %q, want a line starting config ok", out.String())
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("config check error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestConfigUsage(t *testing.T) {
	m := offline(&Main{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }})
	for _, args := range [][]string{{"config"}, {"config", "print"}, {"config", "example", "extra"}} {
		if err := m.Run(context.Background(), args); err == nil || !strings.Contains(err.Error(), "usage: factdesk config") {
			t.Errorf("factdesk %v: error %v, want the usage", args, err)
		}
	}
}
