package shell

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

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
	text := Render(del)
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
	In   io.Reader
	Out  io.Writer
	// Flush delivers what the last command caused before the next is read,
	// so replies follow their commands.
	Flush func(ctx context.Context) error
	// Prompt is shown before each line when the input is a terminal.
	Prompt bool
}

// Run reads lines until the input ends or ctx is done. Each line is one
// inbound event with an id unique to this session, recorded in the inbox by
// the change that answers it: a line the desk dies handling is not done, and
// its answer never shown.
func (s *Session) Run(ctx context.Context) error {
	session := newSessionID()
	user := s.User
	sc := bufio.NewScanner(s.In)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(lines)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	n := 0
	for {
		if s.Prompt {
			fmt.Fprintf(s.Out, "%s> ", user)
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			select {
			case err := <-errc:
				return err
			default:
				return nil
			}
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#!") {
			continue
		}
		if name, ok := strings.CutPrefix(line, "as "); ok {
			name = strings.TrimPrefix(strings.TrimSpace(name), "@")
			if name == "" || strings.ContainsAny(name, " \t") {
				fmt.Fprintln(s.Out, "! usage: as NAME")
				continue
			}
			user = name
			fmt.Fprintf(s.Out, "now speaking as %s\n", user)
			continue
		}
		n++
		ev := workflows.Inbound{
			Platform: Platform,
			EventID:  fmt.Sprintf("%s-%d", session, n),
			Actor:    workflows.Actor{Platform: Platform, ID: user, Name: user},
			Conv:     workflows.Conversation{Platform: Platform, Channel: Channel, Threadless: true},
			Text:     line,
		}
		// The line is recorded in the inbox by the change that answers it:
		// nothing is acknowledged before the answer is shown, so there is
		// nothing to recover if the desk stops in between.
		if err := s.Router.Handle(ctx, ev); err != nil {
			fmt.Fprintf(s.Out, "! not done, nothing changed (%v): say it again\n", err)
		}
		if s.Flush != nil {
			if err := s.Flush(ctx); err != nil && ctx.Err() == nil {
				fmt.Fprintf(s.Out, "! delivering replies: %v\n", err)
			}
		}
	}
}

func newSessionID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
