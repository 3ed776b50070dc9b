package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// waitText polls a buffer until it holds want.
func waitText(t *testing.T, ctx context.Context, b *syncBuffer, want string) {
	t.Helper()
	waitCount(t, ctx, b, want, 1)
}

// waitCount polls a buffer until it holds want n times.
func waitCount(t *testing.T, ctx context.Context, b *syncBuffer, want string, n int) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for strings.Count(b.String(), want) < n {
		select {
		case <-ctx.Done():
			t.Fatalf("never saw %q in:\n%s", want, b.String())
		case <-tick.C:
		}
	}
}

// TestSIGHUPChangesEditors sends the test process a real SIGHUP while a
// terminal desk runs: the editors list and the schedules change without a
// restart, a changed key that needs one is named, and a broken config is
// refused without changing anything.
func TestSIGHUPChangesEditors(t *testing.T) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "factdesk.yaml")
	write := func(cfg string) {
		t.Helper()
		// Written aside and renamed, as editors and config tools do.
		if err := os.WriteFile(cfgPath+".new", []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(cfgPath+".new", cfgPath); err != nil {
			t.Fatal(err)
		}
	}
	base := "db: sqlite://" + filepath.Join(dir, "desk.db") + "\nhttp:\n  addr: 127.0.0.1:0\nlog:\n  level: info\n"
	write(base + "editors:\n  shell: [ed]\n")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	in, typed := io.Pipe()
	out := &syncBuffer{}
	reloaded := make(chan error, 1)
	d := runDesk(t, ctx, offline(&Main{Stdin: in, Stdout: out, Getenv: func(string) string { return "" }, Hangup: hup,
		Reloaded: func(err error) { reloaded <- err }}), cfgPath)
	logs := d.logs
	defer func() {
		typed.Close() // the terminal closes: the desk stops
		if err := d.wait(); err != nil {
			t.Errorf("run: %v\n%s", err, logs.String())
		}
	}()
	say := func(line string) {
		t.Helper()
		if _, err := io.WriteString(typed, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	hangup := func() error {
		t.Helper()
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-reloaded:
			return err
		case <-ctx.Done():
			t.Fatal("SIGHUP did not reload")
		}
		return nil
	}

	say("claim 40 homes destroyed in the north")
	waitText(t, ctx, out, "#1 filed")
	say("as nadia")
	say("approve 1 checked")
	waitText(t, ctx, out, "only editors can approve")
	say("as ed")
	say("digest evening")
	waitText(t, ctx, out, "no digest schedules are configured")

	// A broken config changes nothing.
	write(base + "editors:\n  shell: [ed, nadia]\n  telegram: [x]\n")
	if err := hangup(); err == nil || !strings.Contains(err.Error(), "editors.telegram") {
		t.Fatalf("reload of a broken config: %v", err)
	}
	waitText(t, ctx, logs, "config reload failed")
	say("as nadia")
	say("approve 1 checked")
	waitCount(t, ctx, out, "only editors can approve", 2) // the broken config was not applied

	// nadia becomes an editor and a schedule appears, without a restart.
	write(base + `editors:
  shell: [ed, nadia]
schedules:
  - name: evening
    cron: "0 18 * * *"
    platform: shell
    channel: terminal
`)
	if err := hangup(); err != nil {
		t.Fatal(err)
	}
	say("approve 1 checked")
	waitText(t, ctx, out, "nadia approved #1")
	say("digest evening")
	waitText(t, ctx, out, "Digest · evening")
	if strings.Contains(out.String(), "Late:") {
		t.Errorf("a schedule added by a reload posted a slot from before it existed:\n%s", out.String())
	}

	// A key read only at start is named.
	write(strings.Replace(base, "level: info", "level: warn", 1) + "editors:\n  shell: [ed, nadia]\n")
	if err := hangup(); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, logs, "take effect only after a restart")
	if l := logs.String(); !strings.Contains(l, "keys=log.level") {
		t.Errorf("the restart warning does not name log.level:\n%s", l)
	}
}

func TestChangedKeysNamesNestedKeys(t *testing.T) {
	a := defaultConfig()
	b := defaultConfig()
	b.Slack.BotToken = "xoxb-new"
	b.Editors = map[string][]string{"slack": {"U1"}}
	b.HTTP.Addr = "0.0.0.0:8080"
	got := strings.Join(changedKeys(a, b), " ")
	if want := "editors.slack http.addr slack.bot_token"; got != want {
		t.Errorf("changedKeys = %q, want %q", got, want)
	}
}
