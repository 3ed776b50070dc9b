package shell

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/workflows"
)

// Platform is the name of the terminal platform in config and storage.
const Platform = "shell"

// Channel is the terminal's one channel.
const Channel = "terminal"

// Deliverer writes outbox rows to the terminal. With a transcript file it is
// exactly-once across crashes: every delivered row is appended (and synced)
// to the transcript under its outbox id before it is written out, and a row
// already in the transcript is not written again. Without one, a crash
// between writing and marking can repeat a line.
type Deliverer struct {
	mu         sync.Mutex
	out        io.Writer
	transcript *os.File
	seen       map[int64]bool
}

// NewDeliverer writes to out, keeping a transcript at path when path is set.
func NewDeliverer(out io.Writer, path string) (*Deliverer, error) {
	d := &Deliverer{out: out, seen: map[int64]bool{}}
	if path == "" {
		return d, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("opening the transcript: %w", err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if id, ok := transcriptID(sc.Text()); ok {
			d.seen[id] = true
		}
	}
	if err := sc.Err(); err != nil {
		f.Close()
		return nil, fmt.Errorf("reading the transcript: %w", err)
	}
	d.transcript = f
	return d, nil
}

// transcriptID reads the outbox id a transcript record starts with.
func transcriptID(line string) (int64, bool) {
	rest, ok := strings.CutPrefix(line, "@outbox ")
	if !ok {
		return 0, false
	}
	idText, _, _ := strings.Cut(rest, " ")
	id, err := strconv.ParseInt(idText, 10, 64)
	return id, err == nil
}

// SetOutput makes the deliverer write to w from now on: the terminal's
// screen once the line editor draws on it.
func (d *Deliverer) SetOutput(w io.Writer) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.out = w
}

// Close closes the transcript.
func (d *Deliverer) Close() error {
	if d.transcript != nil {
		return d.transcript.Close()
	}
	return nil
}

// Deliver implements workflows.Deliverer.
func (d *Deliverer) Deliver(ctx context.Context, del workflows.Delivery) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	remote := fmt.Sprintf("t%d", del.ID)
	if del.Kind == workflows.KindCard {
		remote = fmt.Sprintf("card-%d", del.ClaimID)
	}
	if d.seen[del.ID] {
		return remote, nil
	}
	text := workflows.CleanText(Render(del))
	if d.transcript != nil {
		rec := fmt.Sprintf("@outbox %d %s\n", del.ID, strconv.Quote(text))
		if _, err := d.transcript.WriteString(rec); err != nil {
			return "", err
		}
		if err := d.transcript.Sync(); err != nil {
			return "", err
		}
	}
	d.seen[del.ID] = true
	if _, err := io.WriteString(d.out, text); err != nil {
		return "", err
	}
	return remote, nil
}

// Session reads commands from a terminal or a pipe.
type Session struct {
	Router *bot.Router
	// User is who speaks first; "as NAME" changes it.
	User string
	// Lines gives the lines; when nil, In is read plainly.
	Lines LineReader
	In    io.Reader
	// Out is where the session writes its own answers (the deliverer
	// writes the desk's).
	Out io.Writer
	// Flush delivers what the last command caused before the next is read,
	// so replies follow their commands.
	Flush func(ctx context.Context) error
	// Prompt is shown before each line when the input is a terminal.
	Prompt bool

	mu      sync.Mutex
	running context.CancelCauseFunc // the command under way, nil at the prompt
}

// Interrupt is Ctrl-C pressed while a command runs (SIGINT: the line editor
// reads Ctrl-C as a key only while it reads a line). It cancels that command
// (with cause workflows.ErrCancelled: the command is answered "cancelled",
// or with its own error, and keeps nothing half-done) and reports true; the
// session reads on. It reports false at the prompt, where the caller stops
// the desk, as SIGINT does.
func (s *Session) Interrupt() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running == nil {
		return false
	}
	s.running(workflows.ErrCancelled)
	return true
}

// handle runs one line as a command and delivers what it caused, taking
// Interrupt meanwhile. Delivery goes on after an interrupt: the answer, if
// only "cancelled", is shown before the next prompt.
func (s *Session) handle(ctx context.Context, ev workflows.Inbound) {
	cmd, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	s.mu.Lock()
	s.running = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = nil
		s.mu.Unlock()
	}()
	// The line is recorded in the inbox by the change that answers it:
	// nothing is acknowledged before the answer is shown, so there is
	// nothing to recover if the desk stops in between.
	if err := s.Router.Handle(cmd, ev); err != nil {
		fmt.Fprintf(s.Out, "! not done, nothing changed (%v): say it again\n", err)
	}
	if s.Flush != nil {
		if err := s.Flush(ctx); err != nil && ctx.Err() == nil {
			fmt.Fprintf(s.Out, "! delivering replies: %v\n", err)
		}
	}
}

// Help is what help adds on the terminal, for bot.Router.Help.
var Help = bot.PlatformHelp{
	Items: []string{
		"as NAME — speak as someone else from now on (the terminal has no log-in)",
		"quit or exit — leave (Ctrl-D too)",
	},
	Topics: map[string]string{
		"as": "as NAME: what you type from now on is said by NAME, one word of up to " +
			strconv.Itoa(bot.MaxPlainName) + " characters.",
		"quit":   "quit or exit: leave the terminal (Ctrl-D too).",
		"exit":   "quit or exit: leave the terminal (Ctrl-D too).",
		"ingest": "On the terminal, to paste an article: type ingest alone, paste the text, then a line with a single . (or Ctrl-D); Ctrl-C cancels.",
	},
}

// Run reads lines until the input ends, quit or exit, or ctx is done. Each
// line is one inbound event with an id unique to this session, recorded in
// the inbox by the change that answers it: a line the desk dies handling is
// not done, and its answer never shown.
func (s *Session) Run(ctx context.Context) error {
	session := newSessionID()
	user := s.User
	lines := s.Lines
	if lines == nil {
		lines = PlainLines(s.In, 0)
	}
	read := lineFeed(ctx, lines)
	n := 0
	pasted, _ := lines.(interface{ LastPasted() bool })
	toldOfPaste := false
	for {
		prompt := ""
		if s.Prompt {
			prompt = user + "> "
		}
		line, err := read(prompt)
		var tooLong *LineTooLongError
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, context.Canceled):
			return nil
		case errors.Is(err, ErrInterrupted):
			if strings.TrimSpace(line) == "" {
				return nil // Ctrl-C at an empty prompt leaves, as people expect
			}
			continue // Ctrl-C on a line throws it away
		case errors.As(err, &tooLong):
			fmt.Fprintf(s.Out, "! %v. To give the desk an article, type ingest alone and paste it.\n", tooLong)
			continue
		case err != nil:
			return err
		}
		if pasted != nil && pasted.LastPasted() {
			// Lines pasted together at the prompt (an article, a chat log)
			// are not commands someone chose to run: a pasted "claim …"
			// line would file a claim. The paste's last line, if it had no
			// line end, stays in the editor to be sent or not.
			if !toldOfPaste && strings.TrimSpace(line) != "" {
				fmt.Fprintln(s.Out, "! those lines were pasted together, so the desk ran none of them: to give it an article, type ingest alone, then paste; commands are typed, or pasted one at a time")
				toldOfPaste = true
			}
			continue
		}
		toldOfPaste = false
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#!") {
			continue
		}
		lines.Remember(line)
		word, rest := firstWord(line)
		switch word {
		case "quit", "exit":
			if rest == "" {
				return nil
			}
			// "quit now" is no chat command: say how to leave rather than
			// guess another command.
			fmt.Fprintf(s.Out, "! %s takes nothing after it: type %s alone to leave\n", word, word)
			continue
		case "as":
			name, err := bot.PlainName(rest)
			if err != nil {
				fmt.Fprintf(s.Out, "! usage: as NAME (%s)\n", workflows.ErrorMessage(err))
				continue
			}
			user = name
			fmt.Fprintf(s.Out, "now speaking as %s\n", user)
			continue
		case "ingest":
			if rest == "" {
				// A terminal takes the article without drawing each line
				// as it comes (see terminalLines.PasteMode).
				quiet, _ := lines.(interface{ PasteMode(on bool) })
				if quiet != nil {
					quiet.PasteMode(true)
				}
				text, ok := s.paste(read)
				if quiet != nil {
					quiet.PasteMode(false)
				}
				if !ok {
					continue
				}
				line = "ingest\n" + text
			}
		}
		n++
		ev := workflows.Inbound{
			Platform: Platform,
			EventID:  fmt.Sprintf("%s-%d", session, n),
			Actor:    workflows.Actor{Platform: Platform, ID: user, Name: user},
			Conv:     workflows.Conversation{Platform: Platform, Channel: Channel, Threadless: true},
			Text:     line,
		}
		s.handle(ctx, ev)
	}
}

// paste reads an article after a lone "ingest": every line up to one with
// a single "." or the end of the input. It reports false, having said why,
// when nothing is to be ingested.
func (s *Session) paste(read func(prompt string) (string, error)) (string, bool) {
	prompt := ""
	if s.Prompt {
		prompt = "… "
		fmt.Fprintln(s.Out, "Paste the article, then a line with a single . (or Ctrl-D). Ctrl-C cancels.")
	}
	var b strings.Builder
	over := false
	for {
		line, err := read(prompt)
		var tooLong *LineTooLongError
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, context.Canceled):
		case errors.Is(err, ErrInterrupted):
			fmt.Fprintln(s.Out, "! paste cancelled; nothing was done")
			return "", false
		case errors.As(err, &tooLong):
			over = true
			continue
		case err != nil:
			fmt.Fprintf(s.Out, "! reading the paste: %v\n", err)
			return "", false
		case strings.TrimSpace(line) != ".":
			if b.Len()+len(line)+1 > MaxPasteBytes {
				over = true
			} else {
				b.WriteString(line + "\n")
			}
			continue
		}
		break
	}
	switch {
	case over:
		fmt.Fprintf(s.Out, "! that paste is longer than the desk takes (%d bytes in all, %d in one line); nothing was done\n", MaxPasteBytes, MaxLineBytes)
		return "", false
	case strings.TrimSpace(b.String()) == "":
		fmt.Fprintln(s.Out, "! nothing was pasted; nothing was done")
		return "", false
	}
	return b.String(), true
}

// lineFeed reads lines on a goroutine of its own, one each time it is
// asked, so that ctx can end the session while a read waits, and a
// terminal shows the next prompt only after the last answer.
func lineFeed(ctx context.Context, lines LineReader) func(prompt string) (string, error) {
	type result struct {
		line string
		err  error
	}
	asks := make(chan string)
	results := make(chan result, 1)
	go func() {
		for {
			select {
			case prompt := <-asks:
				line, err := lines.ReadLine(prompt)
				results <- result{line, err}
			case <-ctx.Done():
				return
			}
		}
	}()
	return func(prompt string) (string, error) {
		select {
		case asks <- prompt:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		select {
		case r := <-results:
			return r.line, r.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// firstWord is a line's first word, case-folded, and the rest trimmed.
func firstWord(line string) (string, string) {
	i := strings.IndexFunc(line, unicode.IsSpace)
	if i < 0 {
		return strings.ToLower(line), ""
	}
	return strings.ToLower(line[:i]), strings.TrimSpace(line[i:])
}

func newSessionID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
