package shell

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/chzyer/readline"

	"github.com/factdesk/factdesk/workflows"
)

// terminalLines reads from an interactive terminal with line editing:
// arrow keys move in the line and through the history (they never reach
// a command as escape sequences), Ctrl-R searches the history, Ctrl-A/E,
// Ctrl-W and the like edit as in a shell. Commands, not pasted article
// lines, are kept in the history file.
type terminalLines struct {
	rl  *readline.Instance
	cfg *readline.Config // the editor's own; PasteMode swaps in a copy
	// pasteMode is on while an article is pasted (PasteMode).
	pasteMode bool
	typed     *lineCap
	// stdin is what the editor reads; closing it ends a read waiting for a
	// key. readline's own Close does not reach it (it closes the buffer it
	// wraps stdin in), so a desk told to stop at the prompt would wait for
	// one more key.
	stdin io.Closer

	// columns is the terminal's width as it reports it (-1 when it cannot
	// say); prompt is the display width of the prompt being shown. The
	// editor asks width (its FuncGetWidth) for the two together.
	columns func() int
	prompt  atomic.Int64
	// widthChanged is the editor's own "the width changed" callback, which
	// it hands over through FuncOnWidthChanged: ReadLine calls it when the
	// prompt changes, so the editor never keeps a width that was safe for
	// another prompt.
	widthChanged func()

	out    io.Writer
	pasted atomic.Bool // the last line read ended inside a bracketed paste
}

// Bracketed paste mode (xterm's DECSET 2004): the terminal wraps what is
// pasted in ESC [ 200 ~ … ESC [ 201 ~, so the desk can tell a pasted line
// from a typed one. Terminals without it ignore the request.
const (
	bracketedPasteOn  = "\x1b[?2004h"
	bracketedPasteOff = "\x1b[?2004l"
)

// MaxTypedLine is the longest line the terminal's line editor takes, in
// characters: 4,096, room for any command (a statement is at most 2,000
// characters). The editor redraws the whole line for every key, so a long
// line pasted at the prompt would keep the desk busy for minutes: input past
// the limit is dropped before the editor sees it, and the line is refused
// when it ends. Articles go in with ingest's paste mode, a paragraph a line.
const MaxTypedLine = 4096

// TerminalLines reads lines from the terminal in, echoing to out, with the
// history kept in historyFile ("" for none; its directory is created).
func TerminalLines(in *os.File, out io.Writer, historyFile string) (LineReader, error) {
	if historyFile != "" {
		if err := os.MkdirAll(filepath.Dir(historyFile), 0o700); err != nil {
			historyFile = "" // a desk without history is still a desk
		} else if err := privateFile(historyFile); err != nil {
			historyFile = ""
		}
	}
	typed := &lineCap{r: in, limit: MaxTypedLine}
	stdin := readline.NewCancelableStdin(typed)
	t := &terminalLines{typed: typed, stdin: stdin, columns: columnsOf(in)}
	raw := &rawMode{f: in}
	cfg := &readline.Config{
		Stdin:                  stdin,
		Stdout:                 out,
		Stderr:                 out,
		HistoryFile:            historyFile,
		HistoryLimit:           1000,
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
		FuncGetWidth:           t.width,
		FuncOnWidthChanged: func(f func()) {
			t.widthChanged = f
			readline.DefaultOnWidthChanged(f) // on SIGWINCH
		},
		// The terminal the desk reads is the one it draws on and puts in
		// raw mode; the editor would look at the process's fds 0 and 1.
		FuncIsTerminal: func() bool { return drawsOnTerminal(out) },
		FuncMakeRaw:    raw.enter,
		FuncExitRaw:    raw.exit,
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return nil, err
	}
	t.rl, t.cfg = rl, cfg
	t.out = out
	_, _ = io.WriteString(out, bracketedPasteOn)
	return t, nil
}

// LastPasted reports whether the line ReadLine returned last is one of
// several lines pasted at once (bracketed paste), not a line the person
// typed and sent with Enter. One complete line pasted alone counts as
// typed: it is what typing it and pressing Enter sends.
func (t *terminalLines) LastPasted() bool { return t.pasted.Load() }

// PasteMode turns paste mode on or off: while it is on (an article pasted
// after a lone ingest) the editor does not draw a line as it comes; each
// line is shown once, when it ends. The editor draws the whole line again
// for every character (chzyer/readline v1.5.1, RuneBuffer.Refresh), which
// made a paste of long lines cost time in the square of their length:
// 200 KB in lines of 1,000 characters took 44 s. Lines read in paste mode
// are ingested, never run, so nothing is lost by not editing them as they
// are typed. It is called between reads, never during one.
func (t *terminalLines) PasteMode(on bool) {
	if on == t.pasteMode {
		return
	}
	t.pasteMode = on
	if !on {
		t.rl.SetConfig(t.cfg)
		return
	}
	quiet := *t.cfg
	quiet.FuncIsTerminal = func() bool { return false } // no drawing
	t.rl.SetConfig(&quiet)
}

// Screen writes above the line being edited: while the editor waits for
// a line, what is written clears the prompt and the line typed so far,
// shows, and draws them again below it; between reads it writes as is.
// Messages the desk posts on its own (a scheduled digest) go through it.
func (t *terminalLines) Screen() io.Writer { return t.rl.Stdout() }

// MinColumns is the narrowest terminal width the line editor is told, and
// FallbackColumns what it is told instead. The editor (chzyer/readline
// v1.5.1, RuneBuffer.getBackspaceSequence) loops for ever, holding the
// keyboard, when the cursor moves left on a line while its width is 0,
// negative (unknown) or divides the prompt's width: a terminal reporting 0
// columns (a serial console, some containers and `script` sessions; the
// library's issue #215) froze the desk on the first Left arrow. A width
// wider than the prompt never loops; a report under MinColumns is taken for
// a broken one rather than a real terminal.
const (
	MinColumns      = 20
	FallbackColumns = 80
)

// width is the width the editor works with: the terminal's own when it is
// a sane one wider than the prompt, else FallbackColumns (or more, past a
// prompt wider than that). A wrong width only misplaces the redraw of a
// line longer than the screen; the loop froze the desk.
func (t *terminalLines) width() int {
	return usableColumns(t.columns(), int(t.prompt.Load()))
}

func usableColumns(columns, prompt int) int {
	if columns >= MinColumns && columns > prompt {
		return columns
	}
	return max(FallbackColumns, prompt+MinColumns)
}

// drawsOnTerminal reports whether the editor's redrawing of the line goes
// to a terminal: not when out is a file or a pipe (the line is then
// written once, when it is sent).
func drawsOnTerminal(out io.Writer) bool {
	f, ok := out.(*os.File)
	if !ok {
		return true // a test's buffer stands for the screen
	}
	conn, err := f.SyscallConn()
	if err != nil {
		return false
	}
	terminal := false
	_ = conn.Control(func(fd uintptr) { terminal = readline.IsTerminal(int(fd)) })
	return terminal
}

// columnsOf reads the width of the terminal f, -1 when it has none.
func columnsOf(f *os.File) func() int {
	conn, err := f.SyscallConn()
	return func() int {
		cols := -1
		if err == nil {
			_ = conn.Control(func(fd uintptr) {
				if c, _, err := readline.GetSize(int(fd)); err == nil {
					cols = c
				}
			})
		}
		return cols
	}
}

// rawMode puts the terminal f in raw mode while the editor reads a line,
// and back as it was after.
type rawMode struct {
	f     *os.File
	state *readline.State
}

func (r *rawMode) enter() error {
	conn, err := r.f.SyscallConn()
	if err != nil {
		return err
	}
	var rawErr error
	if err := conn.Control(func(fd uintptr) { r.state, rawErr = readline.MakeRaw(int(fd)) }); err != nil {
		return err
	}
	return rawErr
}

func (r *rawMode) exit() error {
	if r.state == nil {
		return nil
	}
	conn, err := r.f.SyscallConn()
	if err != nil {
		return err
	}
	var restoreErr error
	if err := conn.Control(func(fd uintptr) { restoreErr = readline.Restore(int(fd), r.state) }); err != nil {
		return err
	}
	return restoreErr
}

// ReadLine implements LineReader.
func (t *terminalLines) ReadLine(prompt string) (string, error) {
	width := int64(readline.Runes{}.WidthAll([]rune(prompt)))
	t.rl.SetPrompt(prompt)
	if t.prompt.Swap(width) != width && t.widthChanged != nil {
		t.widthChanged() // the editor takes a width safe for this prompt
	}
	if t.pasteMode {
		_, _ = io.WriteString(t.out, prompt) // the editor draws nothing now
	}
	line, err := t.rl.Readline()
	if t.pasteMode {
		// The line is shown once, now that it has ended, cleaned as all
		// the desk prints: a paste can carry anything.
		if err != nil {
			line = ""
		}
		_, _ = io.WriteString(t.out, workflows.CleanText(line+"\n"))
	}
	over := t.typed.takeOver()
	refused := over > 0 && (err == nil || errors.Is(err, readline.ErrInterrupt))
	t.pasted.Store((err == nil || refused) && t.typed.takeEnd() && !refused)
	switch {
	case refused:
		return "", &LineTooLongError{Chars: over, Limit: MaxTypedLine}
	case errors.Is(err, readline.ErrInterrupt):
		return line, ErrInterrupted
	case err != nil:
		return "", err
	}
	return line, nil
}

// Remember implements LineReader.
// Remember keeps line in the history as the desk reads it: cleaned as
// commands are, on one line, so the history file never stores a control
// character typed or pasted at the prompt.
func (t *terminalLines) Remember(line string) {
	if line = workflows.CleanLine(line); line != "" {
		_ = t.rl.SaveHistory(line)
	}
}

// Close ends a read waiting for a key and gives the terminal back as it
// was.
func (t *terminalLines) Close() error {
	_, _ = io.WriteString(t.out, bracketedPasteOff)
	t.stdin.Close()
	t.typed.close()
	return t.rl.Close()
}

// HistoryPath is where the terminal desk keeps its history: under
// $XDG_STATE_HOME, else ~/.local/state (the XDG Base Directory
// specification's place for history), in factdesk/history. It is "" when
// neither is known.
func HistoryPath(getenv func(string) string) string {
	return StatePath(getenv, "history")
}

// StatePath is a file in factdesk's state directory; see HistoryPath.
func StatePath(getenv func(string) string, name string) string {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "factdesk", name)
}

// lineCap passes keyboard input to the line editor up to limit characters
// per line (counting every key, the escape sequences of arrow keys too) and
// drops the rest of a longer line, keeping its length for ReadLine to
// report.
type lineCap struct {
	r     io.Reader
	limit int

	mu   sync.Mutex
	n    int // characters typed on the current line
	over int // size of the last line that went over the limit, until taken
	// ends holds, for each line end passed to the editor and not yet
	// taken, whether it came inside a bracketed paste.
	ends []bool

	filter keyFilter // only Read touches it
	ready  []byte    // filtered input the editor has not taken yet
	err    error     // the terminal's read error, once ready is given

	once, closeOnce sync.Once
	chunks          chan chunk
	stop            chan struct{} // closed when the terminal is closed
}

const (
	keyInterrupt = 0x03 // Ctrl-C
)

// PasteIdle is how long a bracketed paste may go without input before it
// is taken to have ended: a terminal sends a paste at once, so a paste
// whose end marker never comes (a broken or hostile terminal, a marker
// lost in transit) would otherwise swallow every later line as pasted.
const PasteIdle = 2 * time.Second

// chunk is one read of the terminal.
type chunk struct {
	b   []byte
	err error
}

// pump reads the terminal on a goroutine of its own, so Read can stop
// waiting when a paste goes idle.
func (c *lineCap) pump() {
	for {
		buf := make([]byte, 4096)
		n, err := c.r.Read(buf)
		select {
		case c.chunks <- chunk{buf[:n], err}:
		case <-c.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// next waits for the next read of the terminal; idle is true when a paste
// (or a paste marker's start) waited PasteIdle for more in vain.
func (c *lineCap) next() (ch chunk, idle bool) {
	var timeout <-chan time.Time
	if c.filter.pasting || len(c.filter.carry) > 0 {
		t := time.NewTimer(PasteIdle)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case ch = <-c.chunks:
		return ch, false
	case <-timeout:
		return chunk{}, true
	}
}

func (c *lineCap) Read(p []byte) (int, error) {
	c.once.Do(func() {
		c.chunks = make(chan chunk)
		if c.stop == nil {
			c.stop = make(chan struct{})
		}
		go c.pump()
	})
	for len(c.ready) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		ch, idle := c.next()
		// A paste marker split between two reads was kept back.
		b := append(append([]byte(nil), c.filter.carry...), ch.b...)
		c.filter.carry = c.filter.carry[:0]
		b = b[:c.filter.apply(b, !idle && ch.err == nil)]
		if idle || ch.err != nil {
			b = c.filter.endPaste(b)
		}
		c.mu.Lock()
		c.ends = append(c.ends, c.filter.ends...)
		c.filter.ends = c.filter.ends[:0]
		for _, r := range b {
			switch r {
			case '\r', '\n', keyInterrupt:
				if c.n > c.limit && r != keyInterrupt {
					c.over = c.n
					// The refused line ends as Ctrl-C does: the editor
					// then drops it and any history entry it was made
					// from goes back as it was (readline's history
					// Revert), where Enter would have kept the cut line
					// as the entry's edited form, for Up and for the
					// next save to bring back.
					r = keyInterrupt
				}
				c.n = 0
			default:
				if utf8.RuneStart(r) {
					c.n++
				}
				if c.n > c.limit {
					continue
				}
			}
			c.ready = append(c.ready, r)
		}
		c.mu.Unlock()
		c.err = ch.err
	}
	n := copy(p, c.ready)
	c.ready = c.ready[:copy(c.ready, c.ready[n:])]
	return n, nil
}

// close stops the reading of the terminal.
func (c *lineCap) close() {
	c.once.Do(func() { c.stop = make(chan struct{}) }) // never read
	c.closeOnce.Do(func() { close(c.stop) })
}

// takeEnd reports whether the end of the line the editor gave last came in
// a bracketed paste.
func (c *lineCap) takeEnd() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.ends) == 0 {
		return false // the input ended without one
	}
	pasted := c.ends[0]
	c.ends = c.ends[1:]
	return pasted
}

// takeOver returns the size of a line that went over the limit, once.
func (c *lineCap) takeOver() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	over := c.over
	c.over = 0
	return over
}

// privateFile creates path readable by its owner only (0600), or makes an
// existing one so: what was typed at the desk is nobody else's to read.
// The line editor would create it 0666 less the umask.
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// keyFilter rewrites what the keyboard (or a paste) sends before the line
// editor sees it, in place:
//   - Home and End as the Linux console, tmux and screen send them
//     (ESC [ 1 ~, ESC [ 7 ~ and ESC [ 4 ~, ESC [ 8 ~, the VT220's Find and
//     Select keys) become Ctrl-A and Ctrl-E, which the editor knows; it
//     knows only the xterm forms;
//   - Ctrl-Z is dropped: the editor would suspend the desk, and where
//     nothing resumes it (no job control: a service, tmux new "factdesk
//     run") the desk would hang, deaf even to SIGTERM;
//   - control strings (OSC ESC ] … BEL or ESC \, and DCS, SOS, PM, APC)
//     are dropped whole, also across reads: the editor drops only their
//     ESC, and the rest ("]0;title") would reach a claim;
//   - the bracketed paste markers ESC [ 200 ~ and ESC [ 201 ~ (xterm's
//     "bracketed paste mode", which TerminalLines turns on) are dropped,
//     also when split across reads, and each line end is noted in ends
//     with whether it is one of several pasted lines. A line end inside a
//     paste is held back until what follows shows which: when the paste
//     ends right after it (lineCap ends it too after PasteIdle without
//     input), it was one complete line pasted and counts as typed.
type keyFilter struct {
	inString bool // inside a control string
	sawEsc   bool // inside one, just after an ESC (a possible ST)
	pasting  bool // between ESC [ 200 ~ and ESC [ 201 ~

	ends  []bool // line ends passed since last taken: pasted or typed
	carry []byte // the start of a paste marker, left for the next read

	// held is a line end inside a paste, kept back until what follows
	// shows whether the paste is one line (its end then counts as typed)
	// or several; heldCR is whether it was a "\r" (a "\n" after it is
	// the same line end). several is set once a paste has shown a second
	// line.
	held, heldCR, several bool
}

// passHeld passes on a held line end as one of several pasted lines.
func (f *keyFilter) passHeld(out []byte) []byte {
	if !f.held {
		return out
	}
	f.held, f.several = false, true
	f.ends = append(f.ends, true)
	return append(out, '\r')
}

// endPaste ends the paste under way: a held line end that is the paste's
// only one is passed on as typed, since one complete line pasted is what
// typing it and pressing Enter sends.
func (f *keyFilter) endPaste(out []byte) []byte {
	if f.held {
		f.ends = append(f.ends, f.several)
		out = append(out, '\r')
	}
	f.pasting, f.held, f.heldCR, f.several = false, false, false, false
	return out
}

const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

const keySuspend = 0x1a // Ctrl-Z

func (f *keyFilter) apply(b []byte, more bool) int {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !f.inString && c == 0x1b {
			rest := string(b[i:])
			switch {
			case strings.HasPrefix(rest, pasteStart):
				if !f.pasting {
					f.pasting, f.held, f.heldCR, f.several = true, false, false, false
				}
				i += len(pasteStart) - 1
				continue
			case strings.HasPrefix(rest, pasteEnd):
				out = f.endPaste(out)
				i += len(pasteEnd) - 1
				continue
			case more && len(rest) < len(pasteStart) && (strings.HasPrefix(pasteStart, rest) || strings.HasPrefix(pasteEnd, rest)):
				f.carry = append(f.carry, rest...)
				return len(out)
			}
		}
		if !f.inString && f.pasting {
			switch {
			case c == '\n' && f.held && f.heldCR:
				f.heldCR = false // the "\n" of a "\r\n"
				continue
			case c == '\r' || c == '\n':
				out = f.passHeld(out)
				f.held, f.heldCR = true, c == '\r'
				continue
			default:
				out = f.passHeld(out)
			}
		}
		if !f.inString && (c == '\r' || c == '\n') {
			f.ends = append(f.ends, false)
		}
		if f.inString {
			switch {
			case c == 0x07 || (f.sawEsc && c == '\\'):
				f.inString, f.sawEsc = false, false
			default:
				f.sawEsc = c == 0x1b
			}
			continue
		}
		switch {
		case c == keySuspend:
			continue
		case c == 0x1b && i+1 < len(b) && strings.IndexByte("]PX^_", b[i+1]) >= 0:
			f.inString = true
			i++
			continue
		case c == 0x1b && i+3 < len(b) && b[i+1] == '[' && b[i+3] == '~':
			switch b[i+2] {
			case '1', '7':
				out = append(out, 0x01)
				i += 3
				continue
			case '4', '8':
				out = append(out, 0x05)
				i += 3
				continue
			}
		}
		out = append(out, c)
	}
	return len(out)
}
