package workflows

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CardMessage is a claim's card: statement, figure, state, decision, sources
// with their figures, assignee, and the buttons editors and reporters use.
func CardMessage(c *Claim, a Assessment) Message {
	m := Message{
		Title:      fmt.Sprintf("%s · %s", c.Ref(), c.Status()),
		Text:       CleanLine(c.Statement),
		Tone:       toneFor(c),
		Unverified: c.Decision != Approved,
	}
	if c.Figure != nil {
		m.Fields = append(m.Fields, Field{"Figure", c.Figure.String()})
	}
	evidence := string(c.State)
	if a.Conflict != "" {
		evidence += ": " + a.Conflict
	} else if len(a.Origins) > 0 {
		evidence += fmt.Sprintf(" (%d independent %s)", len(a.Origins), plural(len(a.Origins), "source", "sources"))
	}
	m.Fields = append(m.Fields, Field{"Evidence", evidence})
	decision := string(c.Decision)
	if c.DecidedBy != "" && c.Decision != Pending { // claims reopened before reopen cleared these keep them
		decision += fmt.Sprintf(" by %s, %s", CleanLine(c.Person(c.DecidedBy)), c.DecidedAt.UTC().Format("2 Jan 15:04 MST"))
	}
	if c.DecisionNote != "" && c.Decision != Pending {
		decision += ": " + CleanLine(c.DecisionNote)
	}
	m.Fields = append(m.Fields, Field{"Decision", decision})
	assignee := "nobody"
	if c.Assignee != "" {
		assignee = CleanLine(c.Person(c.Assignee))
	}
	m.Fields = append(m.Fields, Field{"Assigned", assignee})
	for i, e := range c.Evidence {
		if i == cardEvidenceLines {
			m.Items = append(m.Items, fmt.Sprintf("… and %d more: history %d", len(c.Evidence)-i, c.ID))
			break
		}
		m.Items = append(m.Items, EvidenceLine(e))
	}
	m.Footer = fmt.Sprintf("filed by %s, %s · version %d", CleanLine(c.Person(c.FiledBy)), c.CreatedAt.UTC().Format("2 Jan 15:04 MST"), c.Version)
	m.Actions = ClaimActions(*c)
	return m
}

// ClaimActions are the buttons for a claim, wherever it is shown (its card,
// a person's Home tab): approve and reject while it is pending, add
// evidence, and assign to me while it is pending. Each value is
// "claimID:version", so a decision on a stale view is refused.
func ClaimActions(c Claim) []Button {
	value := fmt.Sprintf("%d:%d", c.ID, c.Version)
	var b []Button
	if c.Decision == Pending {
		b = append(b,
			Button{ID: "approve", Label: "Approve", Value: value, Style: "primary"},
			Button{ID: "reject", Label: "Reject", Value: value, Style: "danger"})
	}
	b = append(b, Button{ID: "evidence", Label: "Add evidence", Value: value})
	if c.Decision == Pending {
		b = append(b, Button{ID: "assign_me", Label: "Assign to me", Value: value})
	}
	return b
}

// cardEvidenceLines bounds the sources a card lists, so a card always fits
// in one message on every platform (a card is edited in place, never split).
const cardEvidenceLines = 12

// EvidenceLine is one source on a card: "UN human rights office supports: at
// least 300 (via Reuters) “quote” <url>". Each part is one line, also when
// it was stored before line breaks were folded on the way in.
func EvidenceLine(e Evidence) string {
	s := fmt.Sprintf("%s %s", CleanLine(e.Source), e.Stance)
	if e.Figure != nil {
		s += ": " + e.Figure.String()
	}
	if e.Via != "" {
		s += " (via " + CleanLine(e.Via) + ")"
	}
	if e.Quote != "" {
		s += " “" + CleanLine(e.Quote) + "”"
	}
	if e.URL != "" {
		s += " " + CleanLine(e.URL)
	}
	if e.Archive != nil {
		s += " · " + e.Archive.Line()
	}
	return s
}

// FiledMessage answers the reporter who filed a claim.
func FiledMessage(c *Claim) Message {
	text := fmt.Sprintf("%s filed: %s", c.Ref(), c.State)
	if c.Figure != nil {
		// In words, as the source hedged it, a range whole: "figure at
		// least 300 civilians killed", "figure 200 to 350 people killed".
		text += " · figure " + c.Figure.String()
	}
	if c.FigureNote != "" {
		text += ". " + strings.TrimSuffix(c.FigureNote, ".")
	}
	return Message{Text: text + fmt.Sprintf(`. Add sources: evidence %d supports source="…" figure=…`, c.ID)}
}

// HistoryMessage lists a claim's audit trail.
func HistoryMessage(c *Claim, events []Event) Message {
	m := Message{Title: fmt.Sprintf("History of %s", c.Ref()), Text: CleanLine(c.Statement)}
	for _, ev := range events {
		line := fmt.Sprintf("%s · %s · %s", ev.At.UTC().Format("2006-01-02 15:04:05 MST"), c.Person(ev.Actor), strings.ReplaceAll(string(ev.Kind), "_", " "))
		if ev.Old != "" || ev.New != "" {
			if ev.Kind == EvEdited {
				line += fmt.Sprintf(": “%s” → “%s”", CleanLine(ev.Old), CleanLine(ev.New))
			} else if ev.Old != "" {
				line += fmt.Sprintf(": %s → %s", displayValue(c, ev.Kind, ev.Old), displayValue(c, ev.Kind, ev.New))
			} else {
				line += ": " + displayValue(c, ev.Kind, ev.New)
			}
		}
		if ev.Note != "" && ev.Kind != EvFiled {
			line += " — " + CleanLine(ev.Note)
		}
		m.Items = append(m.Items, line)
	}
	return m
}

func displayValue(c *Claim, k EventKind, v string) string {
	if k == EvAssigned {
		if v == "" {
			return "nobody"
		}
		return CleanLine(c.Person(v))
	}
	return CleanLine(v)
}

// ClaimLine is one claim in a list: "#12 disputed · 140 civilians killed … · assigned ana".
func ClaimLine(c Claim) string { return claimLine(c, c.Status()) }

func claimLine(c Claim, status string) string {
	s := fmt.Sprintf("%s %s · %s", c.Ref(), status, Shorten(CleanLine(c.Statement), 120))
	if c.Assignee != "" {
		s += " · assigned " + CleanLine(c.Person(c.Assignee))
	}
	return s
}

// ListMessage lists claims under a title.
func ListMessage(title string, claims []Claim) Message {
	return listMessage(title, claims, ClaimLine)
}

// StateListMessage lists claims filtered by their evidence state: each row
// shows that state first (a decided claim's status is otherwise its
// decision), then the decision if there is one: "#3 disputed, approved".
func StateListMessage(title string, claims []Claim) Message {
	return listMessage(title, claims, func(c Claim) string {
		status := string(c.State)
		if c.Decision != Pending && c.Decision != "" {
			status += ", " + string(c.Decision)
		}
		return claimLine(c, status)
	})
}

func listMessage(title string, claims []Claim, line func(Claim) string) Message {
	m := Message{Title: title}
	if len(claims) == 0 {
		m.Text = "no claims"
	}
	for _, c := range claims {
		m.Items = append(m.Items, line(c))
	}
	if len(claims) > 0 {
		m.Footer = fmt.Sprintf("%d %s", len(claims), plural(len(claims), "claim", "claims"))
	}
	return m
}

// Shorten cuts s to at most n runes, marking the cut.
func Shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Age says how old something is in the largest sensible unit: "3d", "5h", "12m".
func Age(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	case d >= time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	default:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
}
