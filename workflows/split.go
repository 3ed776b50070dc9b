package workflows

import (
	"strconv"
	"unicode/utf8"
)

// Limits is how much one message may carry on a platform, in the neutral
// terms of Message: the renderer of each platform declares them so that any
// message within them renders within the platform's own limits (Slack blocks
// and section sizes, Matrix event size).
type Limits struct {
	// MaxItems is the most list items one message may carry (0: no limit).
	MaxItems int
	// MaxChars is the most characters of text, fields and items together
	// (0: no limit).
	MaxChars int
	// MaxItemChars is the most characters one item may have; longer items
	// are cut with a mark (0: no limit). Statements are capped well below.
	MaxItemChars int
}

// Size is the number of characters a message carries, as Limits count them.
func (m Message) Size() int {
	n := utf8.RuneCountInString(m.Title) + utf8.RuneCountInString(m.Text) + utf8.RuneCountInString(m.Footer)
	for _, f := range m.Fields {
		n += utf8.RuneCountInString(f.Label) + utf8.RuneCountInString(f.Value)
	}
	for _, it := range m.Items {
		n += utf8.RuneCountInString(it) + 1
	}
	return n
}

// Split divides a message whose items exceed the limits into several
// messages, never cutting an item in half. The first message keeps the text
// and fields, the last keeps the footer and the buttons; the ones after the
// first are titled "(continued k/n)". A message within the limits comes back
// alone and unchanged.
func Split(m Message, l Limits) []Message {
	if l.MaxItemChars > 0 {
		for i, it := range m.Items {
			if utf8.RuneCountInString(it) > l.MaxItemChars {
				m.Items[i] = Shorten(it, l.MaxItemChars)
			}
		}
	}
	if fits(m, l) {
		return []Message{m}
	}
	// Sizes are kept as running totals (a digest splits thousands of
	// items), with room reserved for the "(continued k/n)" title.
	reserve := utf8.RuneCountInString(" (continued 9999/9999)")
	cur := m
	cur.Items, cur.Footer, cur.Actions = nil, "", nil
	size := cur.Size() + reserve
	var parts []Message
	for _, it := range m.Items {
		n := utf8.RuneCountInString(it) + 1
		full := l.MaxItems > 0 && len(cur.Items) >= l.MaxItems
		if len(cur.Items) > 0 && (full || l.MaxChars > 0 && size+n > l.MaxChars) {
			parts = append(parts, cur)
			cur = Message{Title: m.Title, Tone: m.Tone, Unverified: m.Unverified}
			size = cur.Size() + reserve
		}
		cur.Items = append(cur.Items, it)
		size += n
	}
	if footer := utf8.RuneCountInString(m.Footer); l.MaxChars > 0 && size+footer > l.MaxChars && len(cur.Items) > 0 {
		parts = append(parts, cur)
		cur = Message{Title: m.Title, Tone: m.Tone, Unverified: m.Unverified}
	}
	cur.Footer, cur.Actions = m.Footer, m.Actions
	parts = append(parts, cur)
	for i := range parts[1:] {
		parts[i+1].Title = m.Title + " (continued " + strconv.Itoa(i+2) + "/" + strconv.Itoa(len(parts)) + ")"
	}
	return parts
}

func fits(m Message, l Limits) bool {
	return (l.MaxItems == 0 || len(m.Items) <= l.MaxItems) && (l.MaxChars == 0 || m.Size() <= l.MaxChars)
}

// SplitOutgoing applies each platform's limits to outbox rows: a row whose
// message is too big becomes several consecutive rows, delivered in order.
// Cards are never split (an edit replaces one message); CardMessage keeps
// them small instead.
func SplitOutgoing(out []Outgoing, limits map[string]Limits) []Outgoing {
	res := make([]Outgoing, 0, len(out))
	for _, o := range out {
		l, ok := limits[o.Platform]
		if !ok || o.Kind == KindCard || o.Kind == KindCardUpdate {
			res = append(res, o)
			continue
		}
		for _, m := range Split(o.Message, l) {
			part := o
			part.Message = m
			res = append(res, part)
		}
	}
	return res
}
