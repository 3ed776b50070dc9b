package shell

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxLineBytes is the longest line the terminal desk reads as one command:
// 64 KiB, far more than any command needs (a statement is at most 2,000
// characters). A longer line is refused with its size and the desk reads
// on; an article goes in with ingest's paste mode, many lines at once.
const MaxLineBytes = 64 << 10

// MaxPasteBytes caps an article pasted after a lone "ingest": 1 MiB of
// text, several long articles.
const MaxPasteBytes = 1 << 20

// LineReader gives the session one line at a time. ReadLine returns io.EOF
// when the input ends, ErrInterrupted when the person pressed Ctrl-C (with
// what they had typed), and a *LineTooLongError for a line over the limit,
// after which it reads on.
type LineReader interface {
	ReadLine(prompt string) (string, error)
	// Remember adds a command line to the history, where there is one.
	Remember(line string)
	Close() error
}

// ErrInterrupted is Ctrl-C at the prompt.
var ErrInterrupted = errors.New("interrupted")

// LineTooLongError is a line over the limit, which was read and dropped.
// Its size is in Bytes (read from a pipe) or Chars (typed at a terminal).
type LineTooLongError struct {
	Bytes, Chars, Limit int
}

func (e *LineTooLongError) Error() string {
	if e.Chars > 0 {
		return fmt.Sprintf("that line is %d characters; the desk reads lines of up to %d at the terminal, so it did nothing with it", e.Chars, e.Limit)
	}
	return fmt.Sprintf("that line is %d bytes; the desk reads lines of up to %d bytes, so it did nothing with it", e.Bytes, e.Limit)
}

// plainLines reads lines from a pipe or a file: no prompt, no editing.
type plainLines struct {
	r     *bufio.Reader
	limit int
}

// PlainLines reads lines of at most limit bytes from r (MaxLineBytes when
// limit is 0), for input that is not a terminal: tests, pipes, scripts.
func PlainLines(r io.Reader, limit int) LineReader {
	if limit <= 0 {
		limit = MaxLineBytes
	}
	return &plainLines{r: bufio.NewReaderSize(r, 64<<10), limit: limit}
}

// ReadLine implements LineReader. A line over the limit is skipped to its
// end without being kept in memory.
func (p *plainLines) ReadLine(string) (string, error) {
	var buf []byte
	for {
		chunk, err := p.r.ReadSlice('\n')
		if len(buf)+len(chunk) > p.limit+2 { // room for "\r\n"
			n := len(buf) + len(chunk)
			for err == bufio.ErrBufferFull {
				chunk, err = p.r.ReadSlice('\n')
				n += len(chunk)
			}
			if err != nil && err != io.EOF {
				return "", err
			}
			n -= len(chunk) - len(strings.TrimRight(string(chunk), "\r\n"))
			return "", &LineTooLongError{Bytes: n, Limit: p.limit}
		}
		buf = append(buf, chunk...)
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(buf) > 0:
			return strings.TrimRight(string(buf), "\r\n"), nil
		case err != nil:
			return "", err
		}
		line := strings.TrimRight(string(buf), "\r\n")
		if len(line) > p.limit {
			return "", &LineTooLongError{Bytes: len(line), Limit: p.limit}
		}
		return line, nil
	}
}

func (p *plainLines) Remember(string) {}
func (p *plainLines) Close() error    { return nil }
