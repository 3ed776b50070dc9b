package shell

import (
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/factdesk/factdesk/workflows"
)

// Limits are generous: a terminal scrolls. Splitting still keeps one
// message from flooding the screen.
var Limits = workflows.Limits{MaxItems: 200, MaxChars: 40000}

// Render writes a delivery as terminal text. Cards are boxed, thread notices
// are marked with the claim they belong to, card edits are one line.
func Render(d workflows.Delivery) string {
	m := d.Message
	var b strings.Builder
	switch d.Kind {
	case workflows.KindCard:
		b.WriteString("┌─ " + m.Title + "\n")
		line := func(s string) { b.WriteString("│ " + s + "\n") }
		if m.Text != "" {
			line(m.Text)
		}
		for _, f := range m.Fields {
			line(f.Label + ": " + f.Value)
		}
		for _, it := range m.Items {
			line("• " + it)
		}
		if m.Footer != "" {
			line(m.Footer)
		}
		var btn []string
		for _, a := range m.Actions {
			btn = append(btn, "["+a.Label+"]")
		}
		b.WriteString("└─ " + strings.Join(btn, " ") + "\n")
	case workflows.KindCardUpdate:
		// The terminal cannot edit what it printed; the notice or reply
		// that comes with every change already says what changed.
	default:
		prefix := ""
		if d.Kind == workflows.KindNotice {
			prefix = "  ↳ "
		}
		// A title and a one-line text share a line ("#1 filed: …"); a
		// text of several lines (a numbered list) starts under its title.
		oneLine := len(m.Fields) == 0 && len(m.Items) == 0 && !strings.Contains(strings.TrimSpace(m.Text), "\n")
		if m.Title != "" && (d.Kind == workflows.KindNotice || oneLine) && m.Text != "" {
			m.Text, m.Title = m.Title+": "+m.Text, ""
		}
		if m.Title != "" {
			b.WriteString(prefix + m.Title + "\n")
		}
		text := m.Text
		if m.Tone == workflows.ToneError {
			text = "! " + text
		}
		if text = strings.TrimRight(text, "\n"); text != "" {
			b.WriteString(prefix + text + "\n")
		}
		for _, f := range m.Fields {
			b.WriteString(prefix + f.Label + ": " + f.Value + "\n")
		}
		for _, it := range m.Items {
			b.WriteString(prefix + "  " + it + "\n")
		}
		if m.Footer != "" {
			b.WriteString(prefix + "(" + m.Footer + ")\n")
		}
	}
	return b.String()
}

// SafeWriter writes to w what a terminal may show: every write passes
// through workflows.CleanText, so no control or bidirectional formatting
// character from a chat user or a web page reaches the terminal raw,
// whichever path printed it (a card, a digest preview, extract's output).
// A character or a "\r\n" split across two writes is kept until the next.
func SafeWriter(w io.Writer) io.Writer { return &safeWriter{w: w} }

type safeWriter struct {
	mu      sync.Mutex
	w       io.Writer
	pending []byte
}

func (s *safeWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := append(s.pending, p...)
	cut := len(data)
	// Hold back an unfinished UTF-8 sequence or a final "\r".
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
		if utf8.RuneStart(data[i]) {
			if !utf8.FullRune(data[i:]) {
				cut = i
			}
			break
		}
	}
	if cut > 0 && data[cut-1] == '\r' {
		cut--
	}
	s.pending = append([]byte(nil), data[cut:]...)
	if _, err := io.WriteString(s.w, workflows.CleanText(string(data[:cut]))); err != nil {
		return 0, err
	}
	return len(p), nil
}
