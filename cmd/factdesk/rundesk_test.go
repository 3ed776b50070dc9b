package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

// runningDesk is `factdesk run` started in process by runDesk.
type runningDesk struct {
	addr string      // where it serves HTTP
	logs *syncBuffer // its Stderr

	cancel context.CancelFunc
	done   chan error
	ended  bool // Run has returned err, or did not within stopWithin
	err    error
	waited bool // the test took the outcome itself
}

// stopWithin is how long a desk may take to stop: one that takes longer
// fails the test instead of holding it until the test binary's timeout.
const stopWithin = 30 * time.Second

// runDesk runs `factdesk run --config cfgPath` in process and returns once
// it serves. Its logs go to the returned buffer (m.Stderr is replaced); m's
// Stdin, Stdout, Getenv, Hangup and the rest are the test's. ctx bounds the
// start and the run; when the test ends the desk is stopped and an error it
// ended with fails the test, unless the test took the outcome with stop or
// wait itself.
func runDesk(t *testing.T, ctx context.Context, m *Main, cfgPath string) *runningDesk {
	t.Helper()
	d := &runningDesk{logs: &syncBuffer{}, done: make(chan error, 1)}
	ready := make(chan string, 1)
	m.Stderr, m.Ready = d.logs, func(addr string) { ready <- addr }
	if m.Backoff == (Backoff{}) {
		m.Backoff = Backoff{Min: 5 * time.Millisecond, Max: 20 * time.Millisecond}
	}
	runCtx, cancel := context.WithCancel(ctx)
	d.cancel = cancel
	go func() { d.done <- m.Run(runCtx, []string{"run", "--config", cfgPath}) }()
	t.Cleanup(func() {
		waited := d.waited
		if err := d.stop(); err != nil && !waited {
			t.Errorf("run: %v\n%s", err, d.logs.String())
		}
	})
	select {
	case d.addr = <-ready:
		return d
	case err := <-d.done:
		d.ended, d.err, d.waited = true, err, true // said here
		t.Fatalf("run stopped: %v\n%s", err, d.logs.String())
	case <-ctx.Done():
		t.Fatal("the desk never served")
	}
	return nil
}

// startDesk is runDesk for tests that want only the address and the log.
func startDesk(t *testing.T, ctx context.Context, m *Main, cfgPath string) (string, *syncBuffer) {
	t.Helper()
	d := runDesk(t, ctx, m, cfgPath)
	return d.addr, d.logs
}

// stop ends the desk's context, as SIGINT does, and returns what Run
// returned (an error when it did not return within stopWithin).
func (d *runningDesk) stop() error {
	d.cancel()
	return d.wait()
}

// wait returns what Run returned once the desk stopped by itself (its
// terminal closed, say), or an error when it did not within stopWithin.
func (d *runningDesk) wait() error {
	d.waited = true
	if !d.ended {
		select {
		case d.err = <-d.done:
		case <-time.After(stopWithin):
			d.err = fmt.Errorf("run did not stop within %s", stopWithin)
		}
		d.ended = true
	}
	return d.err
}

// silentTerminal is a terminal nobody types on, open until the test ends:
// a desk whose only chat is the terminal stops when its input ends.
func silentTerminal(t *testing.T) io.Reader {
	r, w := io.Pipe()
	t.Cleanup(func() { w.Close() })
	return r
}

// envOf is a Getenv that knows only the variables in env (read at each
// call, so a test may change them between runs).
func envOf(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// slackEnv is the environment of a desk whose Slack is fake: its bot token.
func slackEnv(fake *slackfake.Server) func(string) string {
	return envOf(map[string]string{"FACTDESK_SLACK_BOT_TOKEN": fake.BotToken()})
}

// deskConfig writes a config file in a fresh temporary directory: dbURL
// (a SQLite file in that directory when it is ""), HTTP on a free loopback
// port, then the YAML in rest. It returns the file's path and the db URL.
func deskConfig(t *testing.T, dbURL, rest string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	if dbURL == "" {
		dbURL = "sqlite://" + filepath.Join(dir, "desk.db")
	}
	path := filepath.Join(dir, "factdesk.yaml")
	cfg := fmt.Sprintf("db: %s\nhttp:\n  addr: 127.0.0.1:0\n%s", dbURL, rest)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, dbURL
}

// slackDeskConfig is deskConfig for a desk whose Slack is fake: in HTTP
// mode with requests signed with secret, or in Socket Mode when secret is
// "" (the app token comes from the environment).
func slackDeskConfig(t *testing.T, dbURL string, fake *slackfake.Server, secret, rest string) (string, string) {
	t.Helper()
	slack := "slack:\n"
	if secret != "" {
		slack += "  mode: http\n  signing_secret: " + secret + "\n"
	}
	return deskConfig(t, dbURL, slack+"  api_url: "+fake.APIURL()+"\n"+rest)
}
