package shell

import (
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/factdesk/factdesk/internal/ptytest"
)

// readTyped types keys at the terminal behind lines and returns the line
// read, failing if the editor has not given it back within 10 s (it loops
// for ever on some widths, holding the keyboard).
func readTyped(t *testing.T, lines LineReader, master interface{ WriteString(string) (int, error) }, prompt, keys string) string {
	t.Helper()
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := lines.ReadLine(prompt)
		done <- result{line, err}
	}()
	if _, err := master.WriteString(keys); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("typed %q at %q: %v", keys, prompt, r.err)
		}
		return r.line
	case <-time.After(10 * time.Second):
		t.Fatalf("typed %q at %q: the line editor is stuck", keys, prompt)
		return ""
	}
}

// openEditor opens the line editor on the terminal tty. Closing it at the
// end of the test must not wait for ever on an editor that is stuck.
func openEditor(t *testing.T, tty *os.File) LineReader {
	t.Helper()
	lines, err := TerminalLines(tty, tty, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		closed := make(chan struct{})
		go func() { lines.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Error("closing the line editor is stuck")
		}
	})
	return lines
}

// A terminal that reports 0 columns, or a few, or exactly the prompt's
// width, does not freeze the editor on the Left arrow (chzyer/readline
// issue #215): the desk answers as on any terminal.
func TestTerminalNarrowOrNoWidth(t *testing.T) {
	for _, cols := range []int{0, 1, 2, 5, 10, 9, 11, 80} {
		t.Run(strconv.Itoa(cols), func(t *testing.T) {
			master, slave := ptytest.Open(t, cols)
			go io.Copy(io.Discard, master)
			lines := openEditor(t, slave)
			if got := readTyped(t, lines, master, "reporter> ", "lis\x1b[Dt\r"); got != "lits" {
				t.Errorf("%d columns: read %q, want %q", cols, got, "lits")
			}
		})
	}
}

// The width the editor works with suits the prompt shown now: "as NAME"
// with a name as wide as the terminal does not freeze it either.
func TestTerminalPromptAsWideAsTheScreen(t *testing.T) {
	master, slave := ptytest.Open(t, 40)
	go io.Copy(io.Discard, master)
	lines := openEditor(t, slave)
	if got := readTyped(t, lines, master, "rita> ", "show 1\x1b[D\x1b[D\r"); got != "show 1" {
		t.Errorf("read %q", got)
	}
	long := strings.Repeat("x", 38) + "> "
	if got := readTyped(t, lines, master, long, "lis\x1b[Dt\r"); got != "lits" {
		t.Errorf("read %q", got)
	}
}

func TestUsableColumns(t *testing.T) {
	for _, tc := range []struct{ columns, prompt, want int }{
		{80, 10, 80}, {120, 10, 120}, {20, 10, 20},
		{0, 10, FallbackColumns}, {-1, 10, FallbackColumns}, {10, 10, FallbackColumns}, {19, 6, FallbackColumns},
		{40, 40, FallbackColumns}, {40, 66, 86}, {100, 130, 150},
	} {
		if got := usableColumns(tc.columns, tc.prompt); got != tc.want {
			t.Errorf("usableColumns(%d, %d) = %d, want %d", tc.columns, tc.prompt, got, tc.want)
		}
	}
}
