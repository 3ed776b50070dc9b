package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
