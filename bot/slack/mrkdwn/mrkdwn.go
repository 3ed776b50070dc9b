package mrkdwn

import "strings"

// Decode turns Slack message markup into the plain text a person reads,
// in one pass from left to right (so "&amp;lt;" is "&lt;", never "<"):
//
//   - entities "&amp;" "&lt;" "&gt;" become "&" "<" ">"; Slack escapes
//     only those three, so any other "&…;" is left as it is;
//   - a link "<https://a.example/?x=1&amp;y=2>" or
//     "<https://a.example/x|label>" becomes its address
//     "https://a.example/?x=1&y=2" (the label is only how Slack showed it;
//     a bare "a.example" a person typed arrives as
//     "<http://a.example|a.example>" and reads "http://a.example");
//     "<mailto:ana@a.example|ana@a.example>" becomes "ana@a.example";
//   - a user mention "<@U012AB>" or "<@U012AB|ana>" becomes "@U012AB":
//     the id, which is what names the person (ParseMention reads it back);
//   - a channel "<#C012AB|desk>" becomes "#desk", "<#C012AB>" "#C012AB";
//   - a user group "<!subteam^S012AB|@editors>" becomes "@editors"
//     ("@S012AB" without a handle);
//   - "<!here>", "<!channel>", "<!everyone>" become the plain words
//     "@here", "@channel", "@everyone";
//   - a date "<!date^1392734382^{date_short}|Feb 18>" becomes its
//     fallback text "Feb 18".
//
// A "<" without a closing ">" is kept as it is. Decode never fails.
func Decode(s string) string {
	if !strings.ContainsAny(s, "&<") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		switch s[i] {
		case '&':
			if r, n := entity(s[i:]); n > 0 {
				b.WriteByte(r)
				i += n
				continue
			}
		case '<':
			if j := strings.IndexByte(s[i+1:], '>'); j >= 0 {
				b.WriteString(decodeTag(s[i+1 : i+1+j]))
				i += j + 2
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// entity reads one of Slack's three entities at the start of s.
func entity(s string) (byte, int) {
	switch {
	case strings.HasPrefix(s, "&amp;"):
		return '&', 5
	case strings.HasPrefix(s, "&lt;"):
		return '<', 4
	case strings.HasPrefix(s, "&gt;"):
		return '>', 4
	}
	return 0, 0
}

// entities decodes the entities of a tag's inside (a link's address, a
// label), which Slack escapes like the rest of the text.
func entities(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if r, n := entity(s[i:]); n > 0 {
			b.WriteByte(r)
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// decodeTag reads the inside of one <…>.
func decodeTag(tag string) string {
	target, label, hasLabel := strings.Cut(tag, "|")
	label = entities(label)
	switch {
	case strings.HasPrefix(target, "@"):
		return "@" + target[1:]
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			return "#" + label
		}
		return target
	case strings.HasPrefix(target, "!"):
		return special(target[1:], label, hasLabel)
	case strings.HasPrefix(target, "mailto:"):
		return entities(strings.TrimPrefix(target, "mailto:"))
	}
	return entities(target)
}

// special reads <!…>: user groups, @here and friends, dates.
func special(cmd, label string, hasLabel bool) string {
	name, arg, _ := strings.Cut(cmd, "^")
	switch name {
	case "here", "channel", "everyone":
		// Kept as words: the desk must never echo a live mention.
		return "@" + name
	case "subteam":
		if hasLabel && label != "" {
			if !strings.HasPrefix(label, "@") {
				label = "@" + label
			}
			return label
		}
		id, _, _ := strings.Cut(arg, "^")
		return "@" + id
	case "date":
		return label
	}
	if hasLabel {
		return label
	}
	return name
}

// Escape escapes "&", "<" and ">" once, as Slack requires of text that is
// not meant as markup. Decode(Escape(s)) == s for every s.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		// Byte by byte: the three are ASCII, and bytes that are not UTF-8
		// pass through unchanged.
		switch c := s[i]; c {
		case '&', '<', '>':
			b.WriteString(EscapeRune(rune(c)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// EscapeRune is Escape for one rune: its entity, or the rune itself.
func EscapeRune(r rune) string {
	switch r {
	case '&':
		return "&amp;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	}
	return string(r)
}
