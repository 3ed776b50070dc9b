package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/ptytest"
)

// ttyDesk is `factdesk ARGS…` run in process with a pseudo-terminal as its
// stdin and stdout, as a person runs it: the terminal chat uses its line
// editor. SIGINT and SIGHUP are the test's to send.
type ttyDesk struct {
	master    *os.File
	screen    *syncBuffer // what the desk drew
	interrupt chan os.Signal
	hangup    chan os.Signal
	done      chan error
}

func startTTYDesk(t *testing.T, cols int, args ...string) *ttyDesk {
	t.Helper()
	master, slave := ptytest.Open(t, cols)
	d := &ttyDesk{master: master, screen: &syncBuffer{}, interrupt: make(chan os.Signal, 1),
		hangup: make(chan os.Signal, 1), done: make(chan error, 1)}
	go io.Copy(d.screen, master)
	m := offline(&Main{Stdin: slave, Stdout: slave, Stderr: &syncBuffer{}, Getenv: func(string) string { return "" },
		Interrupt: d.interrupt, Hangup: d.hangup})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { d.done <- m.Run(ctx, args) }()
	return d
}

func (d *ttyDesk) typeKeys(t *testing.T, keys string) {
	t.Helper()
	if _, err := d.master.WriteString(keys); err != nil {
		t.Fatal(err)
	}
}

// waitScreen waits until the desk has drawn want.
func (d *ttyDesk) waitScreen(t *testing.T, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	waitText(t, ctx, d.screen, want)
}

// waitPrompt waits until the desk, having said answer, shows the prompt
// again: it reads the next line.
func (d *ttyDesk) waitPrompt(t *testing.T, answer string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		screen := d.screen.String()
		if i := strings.LastIndex(screen, answer); i >= 0 && strings.Contains(screen[i:], "> ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("never saw %q and a prompt after it in:\n%q", answer, screen)
		}
		<-tick.C
	}
}

// ended waits for the desk to stop and returns what it ended with.
func (d *ttyDesk) ended(t *testing.T, why string) error {
	t.Helper()
	select {
	case err := <-d.done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: the desk is still running after 20 s; it drew:\n%q", why, d.screen.String())
		return nil
	}
}

// A terminal that reports 0 columns (or a few) neither freezes the desk
// on the Left arrow nor keeps it running once the terminal is gone.
func TestTerminalWithNoColumns(t *testing.T) {
	for _, cols := range []int{0, 5, 10} {
		cfg := digestDesk(t, "")
		d := startTTYDesk(t, cols, "shell", "--config", cfg)
		d.waitScreen(t, "reporter> ")
		d.typeKeys(t, "lis\x1b[Dt\r")
		d.waitScreen(t, `did you mean`) // "lits" is no command: answered
		d.typeKeys(t, "lis\x1b[D")
		d.master.Close() // the terminal goes away mid-line
		if err := d.ended(t, fmt.Sprintf("%d columns, terminal closed", cols)); err != nil {
			t.Errorf("%d columns: %v", cols, err)
		}
	}
}

// SIGHUP (the terminal hung up) stops a desk whose chat is the terminal,
// even at a prompt that still waits for a key.
func TestTerminalHangupStopsTheDesk(t *testing.T) {
	for _, args := range [][]string{{"shell"}, {"run"}} {
		cfg := digestDesk(t, "")
		d := startTTYDesk(t, 80, append(args, "--config", cfg)...)
		d.waitScreen(t, "reporter> ")
		d.hangup <- syscall.SIGHUP
		if err := d.ended(t, args[0]+": SIGHUP"); err != nil {
			t.Errorf("%s: %v", args[0], err)
		}
	}
}

// Ctrl-C while a command runs (SIGINT: the terminal is not in the line
// editor's raw mode then) cancels that command, which is answered and
// leaves nothing behind, and the desk reads on. SIGINT at the prompt
// still stops the desk.
func TestCtrlCCancelsTheRunningCommand(t *testing.T) {
	fetched := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched <- struct{}{}
		<-r.Context().Done() // a page that never comes
	}))
	defer srv.Close()
	cfg, _ := ingestDesk(t, allowTestServer(t, srv), "  timeout: 60s\n")
	for _, args := range [][]string{{"shell", "--user", "rita"}, {"run"}} {
		cmd := args[0]
		d := startTTYDesk(t, 80, append(args, "--config", cfg)...)
		d.waitScreen(t, "> ")
		d.typeKeys(t, "ingest "+srv.URL+"/slow\r")
		select {
		case <-fetched:
		case <-time.After(20 * time.Second):
			t.Fatal("the page was never asked for")
		}
		d.interrupt <- os.Interrupt
		d.waitPrompt(t, "cancelled; nothing was done")
		d.typeKeys(t, "keep all\r")
		d.waitPrompt(t, "nothing to keep") // the desk reads on
		if s := d.screen.String(); strings.Contains(s, "figures in") || strings.Contains(s, "new claim") {
			t.Errorf("%s: the cancelled ingest left something:\n%s", cmd, s)
		}
		select {
		case err := <-d.done:
			t.Fatalf("%s: Ctrl-C during a command stopped the desk (%v):\n%s", cmd, err, d.screen.String())
		default:
		}
		d.interrupt <- os.Interrupt // at the prompt
		if err := d.ended(t, cmd+": SIGINT at the prompt"); err != nil {
			t.Errorf("%s: %v", cmd, err)
		}
	}
}

// Lines pasted together at the prompt are not run as commands (a pasted
// "claim …" line would file a claim), but one complete line pasted is run
// as if typed; after a lone ingest, a pasted article is read as before.
func TestTerminalPasteIsNotRun(t *testing.T) {
	cfg := digestDesk(t, "")
	d := startTTYDesk(t, 80, "shell", "--config", cfg)
	d.waitScreen(t, "reporter> ")
	d.waitScreen(t, "\x1b[?2004h") // bracketed paste asked for
	d.typeKeys(t, "\x1b[200~claim 3 homes destroyed\rclaim 4 homes destroyed\r\x1b[201~")
	d.waitPrompt(t, "those lines were pasted together, so the desk ran none of them")
	d.typeKeys(t, "\x1b[200~claim 5 schools closed\r\x1b[201~") // a triple-click copy
	d.waitPrompt(t, "#1 filed")
	d.typeKeys(t, "ingest\r")
	d.waitScreen(t, "Paste the article, then a line with a single . (or Ctrl-D). Ctrl-C cancels.\r\n")
	d.waitScreen(t, "… ")
	d.typeKeys(t, "\x1b[200~At least 140 civilians were killed in Mosul, the UN said.\rOfficials said 12 schools closed.\r\x1b[201~.\r")
	d.waitPrompt(t, "2 figures in pasted text")
	if s := d.screen.String(); strings.Contains(s, "#2 filed") || strings.Contains(s, "homes destroyed\r\n\u250c") {
		t.Errorf("a pasted line was run:\n%q", s)
	}
	d.typeKeys(t, "quit\r")
	if err := d.ended(t, "quit"); err != nil {
		t.Error(err)
	}
	if !strings.Contains(d.screen.String(), "\x1b[?2004l") {
		t.Error("bracketed paste was left on")
	}
}

// A digest a schedule posts to the terminal shows while the person sits
// at the prompt, above it, and what they had typed is still there to send.
// The schedule runs every minute, so the test waits up to a minute for it.
func TestTerminalScheduledDigestShowsAtThePrompt(t *testing.T) {
	cfg := digestDesk(t, "schedules:\n  - name: desk\n    cron: \"* * * * *\"\n    platform: shell\n    channel: terminal\n")
	d := startTTYDesk(t, 80, "run", "--config", cfg)
	d.waitScreen(t, "reporter> ")
	d.typeKeys(t, "lis")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	waitText(t, ctx, d.screen, "All clear")
	d.waitPrompt(t, "All clear")
	for screen := d.screen.String(); !strings.Contains(screen[strings.LastIndex(screen, "All clear"):], "reporter> lis"); screen = d.screen.String() {
		if ctx.Err() != nil {
			t.Fatalf("the line typed so far was not drawn again below the digest:\n%q", screen)
		}
		runtime.Gosched()
	}
	d.typeKeys(t, "t\r")
	d.waitPrompt(t, "no claims") // "list" ran, with what had been typed
	d.typeKeys(t, "quit\r")
	if err := d.ended(t, "quit"); err != nil {
		t.Error(err)
	}
}
