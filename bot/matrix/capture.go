package matrix

import (
	"context"
	"strings"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/workflows"
)

// captureVia names the Matrix capture path in a claim's audit trail.
const captureVia = "matrix reply"

// fromReply lets a command said as a reply act on the message it replies
// to: "claim" alone files that message's text, with a matrix.to link to it
// as the first evidence's link and its sender as the source; "evidence …"
// without a quote takes the message's text as its quote and its link as
// the evidence's link (unless url= is given). The reply's own text is kept
// otherwise; a replied-to message the desk cannot read (gone, encrypted
// without keys, not text) leaves the command as typed, and the grammar
// answers it.
func (b *Bot) fromReply(ctx context.Context, ev *event.Event, m *event.MessageEventContent, in *workflows.Inbound) {
	target := m.RelatesTo.GetNonFallbackReplyTo()
	if target == "" {
		return
	}
	name, rest, _ := strings.Cut(strings.TrimSpace(in.Text), " ")
	name = strings.ToLower(name)
	isClaim := name == "claim" && strings.TrimSpace(rest) == ""
	isEvidence := name == "evidence" && b.evidenceWithoutQuote(in.Text)
	if !isClaim && !isEvidence {
		return
	}
	text, sender, ok := b.repliedText(ctx, ev.RoomID, target)
	if !ok {
		return
	}
	link := "https://matrix.to/#/" + ev.RoomID.String() + "/" + target.String()
	if isClaim {
		in.Text = "claim " + strings.Join(strings.Fields(text), " ")
		in.Conv.Captured = &workflows.Captured{Platform: Platform, Channel: ev.RoomID.String(), MessageID: target.String(),
			Link: link, Source: sender, Text: workflows.Shorten(text, workflows.MaxStatementLen), Via: captureVia}
		return
	}
	cmd, _ := b.Router.Parse(in.Text)
	if cmd.Evidence.URL == "" {
		in.Text += " url=" + quoteValue(link)
	}
	in.Text += " quote=" + quoteValue(text)
}

// evidenceWithoutQuote reports whether text is an evidence command the
// grammar reads and that has no quote of its own.
func (b *Bot) evidenceWithoutQuote(text string) bool {
	cmd, err := b.Router.Parse(text)
	return err == nil && cmd.Name == "evidence" && cmd.Evidence.Quote == ""
}

// repliedText fetches a replied-to message: its text (without an older
// client's reply fallback) and its sender.
func (b *Bot) repliedText(ctx context.Context, room id.RoomID, target id.EventID) (text, sender string, ok bool) {
	ev, err := b.Client.GetEvent(ctx, room, target)
	if err != nil {
		b.log().Info("reading a replied-to message", "event_id", target.String(), "err", err)
		return "", "", false
	}
	if ev.Type != event.EventMessage {
		return "", "", false
	}
	if err := ev.Content.ParseRaw(ev.Type); err != nil {
		return "", "", false
	}
	m := ev.Content.AsMessage()
	text = strings.TrimSpace(stripReplyFallback(m.Body))
	if text == "" || (m.MsgType != event.MsgText && m.MsgType != event.MsgNotice) {
		return "", "", false
	}
	return text, ev.Sender.String(), true
}

// quoteValue quotes a value for the command grammar; quote marks inside
// (of any keyboard) become apostrophes, so the value cannot end early and
// add arguments.
func quoteValue(v string) string {
	v = strings.NewReplacer(`"`, "'", "“", "'", "”", "'", "„", "'", "‟", "'", "«", "'", "»", "'",
		"‹", "'", "›", "'", "「", "'", "」", "'", "『", "'", "』", "'", "＂", "'").Replace(v)
	return `"` + strings.Join(strings.Fields(v), " ") + `"`
}
