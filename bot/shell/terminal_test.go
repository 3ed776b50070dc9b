package shell

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// typeInto opens the line editor on a pipe and types keys into it, as a
// terminal sends them: arrow keys as escape sequences, Enter as "\r".
func typeInto(t *testing.T, history string) (LineReader, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	lines, err := TerminalLines(r, &bytes.Buffer{}, history)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lines.Close() })
	return lines, w
}

// Arrow keys move the cursor and walk the history; they never reach a
// command as escape sequences. Commands are kept in the history file.
func TestTerminalArrowKeysAndHistory(t *testing.T) {
	history := filepath.Join(t.TempDir(), "state", "factdesk", "history")
	lines, keys := typeInto(t, history)
	const left, up, down, end = "\x1b[D", "\x1b[A", "\x1b[B", "\x05"
	const homeTmux, endTmux, homeRxvt, endRxvt = "\x1b[1~", "\x1b[4~", "\x1b[7~", "\x1b[8~"
	for _, tc := range []struct{ keys, want string }{
		{"claim 14" + left + "0" + end + " civilians killed\r", "claim 104 civilians killed"},
		{"show 1\r", "show 1"},
		{"1" + homeTmux + "show " + endTmux + "\r", "show 1"},
		{"1" + homeRxvt + "show " + endRxvt + "\r", "show 1"},
		{up + up + up + up + "\r", "claim 104 civilians killed"},
		{up + up + up + up + up + down + "\r", "show 1"}, // history: claim, show, show, show, claim
	} {
		if _, err := keys.WriteString(tc.keys); err != nil {
			t.Fatal(err)
		}
		got, err := lines.ReadLine("rita> ")
		if err != nil {
			t.Fatalf("after %q: %v", tc.keys, err)
		}
		if got != tc.want || strings.ContainsRune(got, 0x1b) {
			t.Errorf("typed %q, read %q; want %q", tc.keys, got, tc.want)
		}
		lines.Remember(got)
	}
	data, err := os.ReadFile(history)
	if err != nil {
		t.Fatalf("no history file: %v", err)
	}
	if !strings.Contains(string(data), "claim 104 civilians killed\nshow 1\n") {
		t.Errorf("history file holds %q", data)
	}
}

// A line longer than the editor takes is refused with its length, and the
// next line is read as usual.
func TestTerminalLongLine(t *testing.T) {
	lines, keys := typeInto(t, "")
	go keys.WriteString("claim " + strings.Repeat("x", 2*MaxTypedLine) + "\rshow 1\r")
	_, err := lines.ReadLine("> ")
	var tooLong *LineTooLongError
	if !errors.As(err, &tooLong) || tooLong.Chars != 6+2*MaxTypedLine {
		t.Fatalf("err = %v, want the line refused with its %d characters", err, 6+2*MaxTypedLine)
	}
	if got, err := lines.ReadLine("> "); err != nil || got != "show 1" {
		t.Errorf("next line: %q, %v", got, err)
	}
}

// Closing the editor while it waits for a key returns at once (SIGTERM at
// the prompt stops the desk without another key being pressed). The test
// types half a command and waits until the editor has taken the keys, so
// it is in the middle of reading when it is closed.
func TestTerminalCloseWhileWaiting(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	lines, err := TerminalLines(r, &bytes.Buffer{}, "")
	if err != nil {
		t.Fatal(err)
	}
	read := make(chan error, 1)
	go func() {
		_, err := lines.ReadLine("rita> ")
		read <- err
	}()
	if _, err := w.WriteString("sho"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	typed := lines.(*terminalLines).typed
	for {
		typed.mu.Lock()
		n := typed.n
		typed.mu.Unlock()
		if n >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the editor took %d of the 3 keys typed", n)
		}
		runtime.Gosched()
	}
	closed := make(chan error, 1)
	go func() { closed <- lines.Close() }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close is still waiting for a key after 5 s")
	}
	select {
	case err := <-read:
		if err == nil {
			t.Error("ReadLine returned a line after Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadLine is still waiting after Close")
	}
}

// TestKeyFilter: what the editor must not see is dropped before it, even
// when a control string is split across two reads.
func TestKeyFilter(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"claim 60 people \x1b]0;PWN\x07killed"}, "claim 60 people killed"},
		{[]string{"a\x1b]2;title\x1b\\b"}, "ab"},
		{[]string{"a\x1bPq#0;2\x1b\\b"}, "ab"},
		{[]string{"a\x1b]0;P", "WN\x07b"}, "ab"},
		{[]string{"a\x1a\x1ab"}, "ab"},
		{[]string{"\x1b[1~x\x1b[4~"}, "\x01x\x05"},
		{[]string{"\x1b[D\x1b[A"}, "\x1b[D\x1b[A"},         // arrows pass
		{[]string{"a\x1b[200~b\rc\x1b[201~d"}, "ab\rcd"},   // paste markers go
		{[]string{"a\x1b[20", "0~b\x1b[2", "01~c"}, "abc"}, // also split
	} {
		var f keyFilter
		got := ""
		for _, part := range tc.in {
			// As lineCap.Read does: what was kept back comes first.
			b := append(append([]byte{}, f.carry...), part...)
			f.carry = f.carry[:0]
			got += string(b[:f.apply(b, true)])
		}
		if got != tc.want {
			t.Errorf("%q became %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Lines pasted together (bracketed paste: the terminal marks them) are
// told from typed ones, also when the paste's end marker comes in a read
// of its own.
func TestTerminalPastedLines(t *testing.T) {
	lines, keys := typeInto(t, "")
	go func() {
		keys.WriteString("\x1b[200~claim 1 home destroyed\rclaim 2 homes destroyed\r\x1b[2")
		keys.WriteString("01~show 1\r")
	}()
	for _, want := range []struct {
		line   string
		pasted bool
	}{{"claim 1 home destroyed", true}, {"claim 2 homes destroyed", true}, {"show 1", false}} {
		got, err := lines.ReadLine("rita> ")
		if err != nil {
			t.Fatal(err)
		}
		if pasted := lines.(*terminalLines).LastPasted(); got != want.line || pasted != want.pasted {
			t.Errorf("read %q (pasted %v), want %q (pasted %v)", got, pasted, want.line, want.pasted)
		}
	}
}

// One complete line pasted (a triple-click copy carries its line end) is
// what typing it and pressing Enter sends: it reads as typed. Two or more
// lines in one paste read as pasted, "\r\n" line ends too.
func TestTerminalOnePastedLineIsTyped(t *testing.T) {
	lines, keys := typeInto(t, "")
	go func() {
		keys.WriteString("\x1b[200~claim 10 people died D\r\x1b[201~")
		keys.WriteString("\x1b[200~show 1\r\n\x1b[201~")
		keys.WriteString("\x1b[200~show 2\r\n")
		keys.WriteString("show 3\r\n\x1b[201~list\r")
	}()
	for _, want := range []struct {
		line   string
		pasted bool
	}{{"claim 10 people died D", false}, {"show 1", false}, {"show 2", true}, {"show 3", true}, {"list", false}} {
		got, err := lines.ReadLine("rita> ")
		if err != nil {
			t.Fatal(err)
		}
		if pasted := lines.(*terminalLines).LastPasted(); got != want.line || pasted != want.pasted {
			t.Errorf("read %q (pasted %v), want %q (pasted %v)", got, pasted, want.line, want.pasted)
		}
	}
}

// A paste whose end marker never comes ends itself once the input goes
// idle: what is typed after it is not swallowed as pasted.
func TestTerminalPasteWithoutItsEnd(t *testing.T) {
	lines, keys := typeInto(t, "")
	go keys.WriteString("\x1b[200~list\r")
	read := make(chan string, 1)
	go func() {
		got, err := lines.ReadLine("rita> ")
		if err != nil {
			got = err.Error()
		}
		read <- got
	}()
	select {
	case got := <-read:
		if pasted := lines.(*terminalLines).LastPasted(); got != "list" || pasted {
			t.Errorf("read %q (pasted %v), want list typed", got, pasted)
		}
	case <-time.After(PasteIdle + 10*time.Second):
		t.Fatal("the line typed after an unended paste was never read")
	}
	go keys.WriteString("show 1\r")
	if got, err := lines.ReadLine("rita> "); err != nil || got != "show 1" || lines.(*terminalLines).LastPasted() {
		t.Errorf("next line: %q, %v", got, err)
	}
}

// countingWriter counts what the editor draws.
type countingWriter struct {
	mu sync.Mutex
	n  int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += len(p)
	return len(p), nil
}

func (c *countingWriter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// In paste mode what is drawn grows with the paste, not with the square
// of its lines' length: the editor would draw a line again for each
// character, about 500 KB for one line of 1,000. Each line is read whole
// and shown once.
func TestTerminalPasteModeDrawsEachLineOnce(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	screen := &countingWriter{}
	lines, err := TerminalLines(r, screen, "")
	if err != nil {
		t.Fatal(err)
	}
	defer lines.Close()
	lines.(*terminalLines).PasteMode(true)
	line := strings.Repeat("y", 999)
	const n = 20
	go w.WriteString("\x1b[200~" + strings.Repeat(line+"\r", n) + "\x1b[201~")
	for i := range n {
		got, err := lines.ReadLine("… ")
		if err != nil || got != line {
			t.Fatalf("line %d: %.20q… (%d characters), %v", i, got, len(got), err)
		}
	}
	if drawn, pasted := screen.count(), n*(len(line)+1); drawn > 2*pasted {
		t.Errorf("drew %d bytes for a paste of %d", drawn, pasted)
	}
	lines.(*terminalLines).PasteMode(false) // back to editing
	go w.WriteString("show 1\r")
	if got, err := lines.ReadLine("rita> "); err != nil || got != "show 1" {
		t.Errorf("after paste mode: %q, %v", got, err)
	}
}
