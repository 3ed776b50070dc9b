package digest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/factdesk/factdesk/workflows"
)

// statementChars bounds the statement quoted in an item, so an item stays
// far below any platform's item limit and is never cut where its link is.
const statementChars = 100

// Message renders the digest as one neutral message with an item per claim;
// workflows.Split divides it for a platform without cutting an item. The
// boolean is false when the digest is empty and the schedule says skip (a
// digest someone asked for always answers).
func (d Digest) Message() (workflows.Message, bool) {
	m := workflows.Message{Title: "Digest · " + d.Schedule, Unverified: true}
	m.Footer = d.footer()
	if d.Empty() {
		if d.WhenEmpty == WhenEmptySkip && !d.Manual {
			return workflows.Message{}, false
		}
		m.Text = "All clear: nothing is disputed, stale or unassigned."
		if d.Late {
			m.Text += "\n" + d.lateLine()
		}
		m.Tone = workflows.ToneSuccess
		return m, true
	}
	var lines []string
	lines = append(lines, d.countsLine())
	if d.Late {
		lines = append(lines, d.lateLine())
	}
	m.Text = strings.Join(lines, "\n")
	if d.Counts[Disputed] > 0 {
		m.Tone = workflows.ToneWarning
	}
	m.Items = make([]string, len(d.Entries))
	for i, e := range d.Entries {
		m.Items[i] = e.Line()
	}
	return m, true
}

// countsLine: "14 unresolved: 8 disputed, 4 stale, 2 unassigned · 3 new since the last digest".
func (d Digest) countsLine() string {
	var parts []string
	for _, k := range Kinds {
		if n := d.Counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", workflows.FormatNumber(float64(n)), k))
		}
	}
	s := fmt.Sprintf("%s unresolved: %s", workflows.FormatNumber(float64(len(d.Entries))), strings.Join(parts, ", "))
	if d.HasPrevious {
		s += fmt.Sprintf(" · %s new since the last digest", workflows.FormatNumber(float64(d.New)))
	}
	return s
}

func (d Digest) lateLine() string {
	return fmt.Sprintf("Late: this digest was due %s; the desk was down then.", d.Slot.In(d.loc()).Format("Mon 2 Jan 15:04 MST"))
}

func (d Digest) footer() string {
	at := d.At.In(d.loc()).Format("Mon 2 Jan 2006 15:04 MST")
	if d.Manual {
		return "asked for " + at
	}
	return "schedule " + d.Schedule + " · " + at
}

func (d Digest) loc() *time.Location {
	if d.Location == nil {
		return time.UTC
	}
	return d.Location
}

// Line is the entry as one list item:
//
//	new · #12 disputed 3d · 300 (UN) … 3,864 (Iraqi army), ×12.9 · “statement” · assigned ana · link
func (e Entry) Line() string {
	var b strings.Builder
	b.Grow(256)
	if e.New {
		b.WriteString("new · ")
	}
	b.WriteByte('#')
	b.WriteString(strconv.FormatInt(e.Claim.ID, 10))
	b.WriteByte(' ')
	b.WriteString(string(e.Kind))
	b.WriteByte(' ')
	b.WriteString(workflows.Age(e.Age))
	if e.Kind == Disputed {
		if f := Figures(e.Assessment); f != "" {
			b.WriteString(" · " + f)
		} else if e.Assessment.Conflict != "" {
			b.WriteString(" · " + e.Assessment.Conflict)
		}
	} else if e.Claim.Figure != nil {
		b.WriteString(" · " + amount(*e.Claim.Figure))
	}
	b.WriteString(" · ")
	b.WriteString(quoted(statement(e.Claim.Statement)))
	if e.Claim.Assignee != "" {
		b.WriteString(" · assigned ")
		b.WriteString(e.Claim.Person(e.Claim.Assignee))
	} else {
		b.WriteString(" · unassigned")
	}
	if e.Link != "" {
		b.WriteString(" · ")
		b.WriteString(e.Link)
	}
	return b.String()
}

// statement is a claim's statement on one line, shortened for an item.
// quoted puts a statement in quotes once: an ingested claim's statement
// already opens with the article's quoted clause (“4,000 … killed” (UN)).
func quoted(s string) string {
	if strings.HasPrefix(s, "“") || strings.HasPrefix(s, "\"") || strings.HasPrefix(s, "„") || strings.HasPrefix(s, "«") {
		return s
	}
	return "“" + s + "”"
}

func statement(s string) string {
	plain := len(s) <= statementChars // bytes bound runes
	for i := 0; plain && i < len(s); i++ {
		plain = s[i] != '\n' && s[i] != '\r' && s[i] != '\t' && !(s[i] == ' ' && i+1 < len(s) && s[i+1] == ' ')
	}
	if plain {
		return s
	}
	return workflows.Shorten(strings.Join(strings.Fields(s), " "), statementChars)
}

// Figures is a disputed claim's figures by source, lowest to highest, as
// hedged, with their ratio: "at least 300 (UN) … as many as 3,864 (Iraqi
// army), ×12.9". It is "" when the claim has fewer than two figures.
func Figures(a workflows.Assessment) string {
	if a.Low == nil || a.High == nil {
		return ""
	}
	s := amount(a.Low.Figure) + " (" + a.Low.Source + ") … " + amount(a.High.Figure) + " (" + a.High.Source + ")"
	if a.Low.Figure.Value > 0 {
		s += ", ×" + ratio(spread(a))
	}
	return s
}

// amount is a figure as its source hedged it, without the unit a digest
// line has no room for: "more than 500,000", "200 to 350".
func amount(f workflows.Figure) string {
	f.Unit = ""
	return f.String()
}

func ratio(r float64) string {
	if r >= 100 {
		return workflows.FormatNumber(float64(int64(r + 0.5)))
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}

// Text renders messages as plain text, for the terminal, a dry run and
// golden files: title, body, fields, one "- " line per item, footer, and a
// blank line between messages.
func Text(msgs []workflows.Message) string {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteString("\n")
		}
		if m.Title != "" {
			b.WriteString(m.Title + "\n")
		}
		if m.Text != "" {
			b.WriteString(m.Text + "\n")
		}
		for _, f := range m.Fields {
			b.WriteString(f.Label + ": " + f.Value + "\n")
		}
		for _, it := range m.Items {
			b.WriteString("- " + it + "\n")
		}
		if m.Footer != "" {
			b.WriteString(m.Footer + "\n")
		}
	}
	return b.String()
}
