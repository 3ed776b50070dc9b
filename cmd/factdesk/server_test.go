package main

import (
	"context"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

// TestServerTimeouts: the run command's server has every timeout set.
func TestServerTimeouts(t *testing.T) {
	s := newServer(nil)
	for name, d := range map[string]int64{
		"ReadHeaderTimeout": int64(s.ReadHeaderTimeout), "ReadTimeout": int64(s.ReadTimeout),
		"WriteTimeout": int64(s.WriteTimeout), "IdleTimeout": int64(s.IdleTimeout),
		"MaxHeaderBytes": int64(s.MaxHeaderBytes),
	} {
		if d <= 0 {
			t.Errorf("%s is not set", name)
		}
	}
}

// TestOneServer: every HTTP server in the program is built by newServer,
// so none is without timeouts.
func TestOneServer(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && strings.HasPrefix(e.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			filepath.Base(path) == "server.go" && filepath.Base(filepath.Dir(path)) == "factdesk" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(src), "http.Server{") || strings.Contains(string(src), "http.ListenAndServe") {
			t.Errorf("%s builds its own HTTP server; use newServer", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A desk whose only chat is the terminal runs when http.addr is taken (a
// second `make run`), saying so in one line; a desk whose Slack takes
// events over HTTP still stops at start, naming http.addr.
func TestTakenHTTPAddr(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	useTaken := func(path string) {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(data), "addr: 127.0.0.1:0", "addr: "+addr, 1)), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	cfg, _ := deskConfig(t, "", "")
	useTaken(cfg)
	out := runMain(t, "claim 3 homes destroyed\nquit\n", "run", "--config", cfg)
	if !strings.Contains(out, "! http.addr "+addr+": bind: address already in use; the desk runs without its HTTP endpoints") ||
		strings.Count(out, "! http.addr") != 1 {
		t.Errorf("the taken port is not said once:\n%s", out)
	}
	if !strings.Contains(out, "#1") {
		t.Errorf("the terminal desk did not run:\n%s", out)
	}

	fake := slackfake.New(t)
	slackCfg, _ := slackDeskConfig(t, "", fake, "a-signing-secret", "")
	useTaken(slackCfg)
	m := offline(&Main{Getenv: slackEnv(fake)})
	err = m.Run(context.Background(), []string{"run", "--config", slackCfg})
	if err == nil || !strings.Contains(err.Error(), "http.addr "+addr) {
		t.Errorf("Slack in HTTP mode on a taken port: err = %v, want it to name http.addr", err)
	}
}
