package shell

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A line refused as too long leaves nothing in the history, also when it
// was made from a line brought back from it: Up then brings back what was
// sent before, and the history file holds only what the desk took.
func TestTerminalRefusedLineNotInHistory(t *testing.T) {
	history := filepath.Join(t.TempDir(), "history")
	lines, keys := typeInto(t, history)
	const up = "\x1b[A"
	long := strings.Repeat("x", 5000)
	go keys.WriteString("list\r" + up + " " + long + "\r" + up + "\r" + "show 1\r")
	for i, want := range []string{"list", "", "list", "show 1"} {
		got, err := lines.ReadLine("> ")
		var tooLong *LineTooLongError
		switch {
		case want == "" && !errors.As(err, &tooLong):
			t.Fatalf("line %d: %.20q (%d characters), %v; want it refused", i, got, len(got), err)
		case want != "" && (err != nil || got != want):
			t.Fatalf("line %d: %.20q (%d characters), %v; want %q", i, got, len(got), err, want)
		case err == nil:
			lines.Remember(got)
		}
	}
	data, err := os.ReadFile(history)
	if err != nil || string(data) != "list\nshow 1\n" {
		t.Errorf("history file: %.60q, %v", data, err)
	}
}
