package slack

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/factdesk/factdesk/bot/slack/mrkdwn"
	"github.com/factdesk/factdesk/workflows"
)

// Slack's message limits, and the share of them the renderer allows itself.
const (
	maxBlocks       = 50
	maxSectionText  = 3000
	maxFields       = 10
	maxFieldText    = 2000
	maxContextText  = 2000
	maxButtonLabel  = 75
	maxButtonValue  = 2000
	maxFallbackText = 3000
	// maxBlocksChars keeps all blocks together under the ~12k characters past
	// which Slack answers msg_blocks_too_long.
	maxBlocksChars = 11000
	// reserveChars and reserveBlocks keep room for the footer, the buttons
	// and a "not shown" note after a long list.
	reserveChars  = 700
	reserveBlocks = 3
)

// Limits are what one message may carry so that it renders within Slack's
// limits with ordinary text. Hostile text (a statement of ampersands, which
// escaping multiplies) is still cut by the renderer itself.
var Limits = workflows.Limits{MaxItems: 40, MaxChars: 6000, MaxItemChars: 1500}

// escapeRune is the codec's escaping: user text goes out escaped once.
func escapeRune(r rune) string { return mrkdwn.EscapeRune(r) }

// escapeCut escapes s and cuts the result to at most n runes, marking the
// cut, without splitting an entity such as &amp;.
func escapeCut(s string, n int) string {
	if n <= 0 {
		return ""
	}
	var b strings.Builder
	size := 0
	for i, r := range s {
		e := escapeRune(r)
		k := utf8.RuneCountInString(e)
		rest := s[i+utf8.RuneLen(r):]
		limit := n
		if rest != "" {
			limit = n - 1 // keep room for the mark
		}
		if size+k > limit {
			b.WriteString("…")
			return b.String()
		}
		b.WriteString(e)
		size += k
	}
	return b.String()
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// renderer builds blocks while counting what Slack counts.
type renderer struct {
	blocks []slack.Block
	chars  int
}

func (r *renderer) room(reserve bool) (chars, blocks int) {
	chars, blocks = maxBlocksChars-r.chars, maxBlocks-len(r.blocks)
	if reserve {
		chars -= reserveChars
		blocks -= reserveBlocks
	}
	return chars, blocks
}

// section adds a mrkdwn section of already escaped text.
func (r *renderer) section(text string) {
	r.blocks = append(r.blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil))
	r.chars += runes(text)
}

func (r *renderer) context(text string) {
	r.blocks = append(r.blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, text, false, false)))
	r.chars += runes(text)
}

// Render turns a message into Block Kit blocks and the plain-text fallback
// Slack shows in notifications. The result is always within Slack's limits:
// at most 50 blocks, sections of at most 3000 characters, at most 10 fields
// of at most 2000, all blocks under about 11k characters; what does not fit
// is cut and says so. All text is escaped.
func Render(m workflows.Message) ([]slack.Block, string) {
	r := &renderer{}
	title := escapeCut(m.Title, 300)
	if title != "" {
		title = toneMark(m.Tone) + "*" + title + "*"
	}
	compact := len(m.Fields) == 0 && len(m.Items) == 0
	chars, _ := r.room(true)
	switch {
	case compact && m.Text != "":
		head := ""
		if title != "" {
			head = title + " "
		} else {
			head = toneMark(m.Tone)
		}
		r.section(head + escapeCut(m.Text, min(maxSectionText, chars)-runes(head)))
	default:
		if title != "" {
			r.section(title)
		}
		if m.Text != "" {
			chars, _ = r.room(true)
			r.section(escapeCut(m.Text, min(maxSectionText, chars)))
		}
	}
	r.fields(m.Fields)
	shown := r.items(m.Items)
	if hidden := len(m.Items) - shown; hidden > 0 {
		r.context(strconv.Itoa(hidden) + " more not shown here: the message was too long for Slack")
	}
	if m.Footer != "" {
		r.context(escapeCut(m.Footer, 500))
	}
	if len(m.Actions) > 0 {
		for _, a := range m.Actions {
			r.chars += runes(a.Label)
		}
		r.blocks = append(r.blocks, buttons("factdesk_actions", m.Actions))
	}
	return r.blocks, Fallback(m)
}

// buttons draws a row of buttons as an actions block; blockID must be
// unique within its message or view.
func buttons(blockID string, actions []workflows.Button) *slack.ActionBlock {
	var els []slack.BlockElement
	for _, a := range actions {
		b := slack.NewButtonBlockElement(a.ID, workflows.Shorten(a.Value, maxButtonValue),
			slack.NewTextBlockObject(slack.PlainTextType, workflows.Shorten(a.Label, maxButtonLabel), false, false))
		switch a.Style {
		case "primary":
			b.Style = slack.StylePrimary
		case "danger":
			b.Style = slack.StyleDanger
		}
		els = append(els, b)
	}
	return slack.NewActionBlock(blockID, els...)
}

// fields adds the labelled facts, ten to a section.
func (r *renderer) fields(fs []workflows.Field) {
	for len(fs) > 0 {
		chars, blocks := r.room(true)
		if blocks < 1 || chars < 100 {
			return
		}
		n := min(len(fs), maxFields)
		var objs []*slack.TextBlockObject
		per := min(maxFieldText, chars/n)
		for _, f := range fs[:n] {
			label := "*" + escapeCut(f.Label, 100) + "*\n"
			text := label + escapeCut(f.Value, per-runes(label))
			objs = append(objs, slack.NewTextBlockObject(slack.MarkdownType, text, false, false))
			r.chars += runes(text)
		}
		r.blocks = append(r.blocks, slack.NewSectionBlock(nil, objs, nil))
		fs = fs[n:]
	}
}

// items packs list entries as bullet lines into as few sections as fit and
// returns how many it could show.
func (r *renderer) items(items []string) int {
	var cur strings.Builder
	curLen, shown := 0, 0
	flush := func() {
		if curLen > 0 {
			r.section(cur.String())
			cur.Reset()
			curLen = 0
		}
	}
	for _, it := range items {
		chars, blocks := r.room(true)
		chars -= curLen
		if curLen == 0 {
			blocks--
		}
		line := "• " + escapeCut(it, min(maxSectionText-2, chars-2))
		switch {
		case blocks < 0 || chars < 40:
			flush()
			return shown
		case curLen > 0 && curLen+1+runes(line) > maxSectionText:
			flush()
			if _, b := r.room(true); b < 1 {
				return shown
			}
		}
		if curLen > 0 {
			cur.WriteString("\n")
			curLen++
		}
		cur.WriteString(line)
		curLen += runes(line)
		shown++
	}
	flush()
	return shown
}

func toneMark(t workflows.Tone) string {
	switch t {
	case workflows.ToneSuccess:
		return ":white_check_mark: "
	case workflows.ToneWarning:
		return ":warning: "
	case workflows.ToneError:
		return ":x: "
	}
	return ""
}

// Fallback is a message as plain text: what notifications and clients
// without blocks show. It is escaped like the blocks.
func Fallback(m workflows.Message) string {
	var parts []string
	if m.Title != "" {
		parts = append(parts, m.Title)
	}
	if m.Text != "" {
		parts = append(parts, m.Text)
	}
	if len(parts) == 0 && len(m.Items) > 0 {
		parts = append(parts, m.Items[0])
	}
	if len(parts) == 0 {
		parts = append(parts, m.Footer)
	}
	s := escapeCut(strings.Join(parts, ": "), maxFallbackText)
	if strings.TrimSpace(s) == "" {
		return "factdesk"
	}
	return s
}
