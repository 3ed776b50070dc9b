package matrix

import (
	"html"
	"strings"

	"maunium.net/go/mautrix/event"

	"github.com/factdesk/factdesk/workflows"
)

// Limits keep a rendered reply below Matrix's 65,536-byte limit on the
// signed event: 3,000 characters are at most 48 KB of JSON even when every
// one of them is escaped both in the HTML and in the JSON. Cards are not
// split but are kept small by the core; Deliver checks every event's encoded
// size as a last guard.
var Limits = workflows.Limits{MaxItems: 60, MaxChars: 3000, MaxItemChars: 1000}

// maxContentBytes is the most JSON a sent event's content may have.
const maxContentBytes = 56 * 1024

// Content renders a message as an m.notice with a plain body and escaped
// HTML beside it. card adds how to act on a card, since Matrix has no
// buttons: reactions and thread replies.
func Content(m workflows.Message, card bool) *event.MessageEventContent {
	var plain, rich strings.Builder
	title := m.Title
	if mark := toneMark(m.Tone); mark != "" && title != "" {
		title = mark + " " + title
	}
	text := m.Text
	if m.Tone == workflows.ToneError && text != "" && title == "" {
		text = "⚠️ " + text
	}
	if title != "" {
		plain.WriteString(title + "\n")
		rich.WriteString("<strong>" + esc(title) + "</strong><br>")
	}
	if text != "" {
		plain.WriteString(text + "\n")
		rich.WriteString("<p>" + escLines(text) + "</p>")
	}
	if len(m.Fields) > 0 {
		rich.WriteString("<ul>")
		for _, f := range m.Fields {
			plain.WriteString(f.Label + ": " + f.Value + "\n")
			rich.WriteString("<li><strong>" + esc(f.Label) + ":</strong> " + esc(f.Value) + "</li>")
		}
		rich.WriteString("</ul>")
	}
	if len(m.Items) > 0 {
		rich.WriteString("<ul>")
		for _, it := range m.Items {
			plain.WriteString("• " + it + "\n")
			rich.WriteString("<li>" + esc(it) + "</li>")
		}
		rich.WriteString("</ul>")
	}
	if m.Footer != "" {
		plain.WriteString(m.Footer + "\n")
		rich.WriteString("<p><sub>" + esc(m.Footer) + "</sub></p>")
	}
	if card {
		if hint := actionHint(m.Actions); hint != "" {
			plain.WriteString(hint + "\n")
			rich.WriteString("<p><em>" + esc(hint) + "</em></p>")
		}
	}
	return &event.MessageEventContent{
		MsgType:       event.MsgNotice,
		Body:          strings.TrimRight(plain.String(), "\n"),
		Format:        event.FormatHTML,
		FormattedBody: strings.TrimSuffix(rich.String(), "<br>"),
		// Mentions nobody: text the desk repeats (a statement, a source, a
		// display name) must not ping a room or a person by name. Clients
		// that support intentional mentions (the spec since v1.7) then
		// ignore the body for notifications.
		Mentions: &event.Mentions{},
	}
}

// actionHint says in words what a card's buttons do elsewhere.
func actionHint(actions []workflows.Button) string {
	var parts []string
	for _, a := range actions {
		switch a.ID {
		case "approve":
			parts = append(parts, "editors: react ✅ to approve, ❌ to reject")
		case "evidence":
			parts = append(parts, `reply in the thread: evidence supports|contradicts source="…"`)
		}
	}
	return strings.Join(parts, " · ")
}

func toneMark(t workflows.Tone) string {
	switch t {
	case workflows.ToneSuccess:
		return "✅"
	case workflows.ToneWarning:
		return "⚠️"
	case workflows.ToneError:
		return "⛔"
	}
	return ""
}

// esc escapes user text for HTML; everything in a Message is plain text.
func esc(s string) string { return html.EscapeString(s) }

// escLines escapes and keeps line breaks.
func escLines(s string) string { return strings.ReplaceAll(esc(s), "\n", "<br>") }
