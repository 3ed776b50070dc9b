package workflows

import (
	"strings"
	"unicode/utf8"
)

// CleanText makes text people or web pages sent safe to store and to show:
// on a chat card, in a terminal, in a log. It is applied on the way in (the
// router, the engine) and again on the way out to a terminal, for text stored
// before it existed. It is idempotent.
//
//   - Line ends become "\n": "\r\n" and a lone "\r" (which would let a line
//     overwrite another in a terminal) end a line.
//   - Other C0 control characters (U+0000–U+001F except tab and newline),
//     DEL (U+007F) and the C1 controls (U+0080–U+009F) are removed: they are
//     never text, and a terminal reads ESC, CSI (U+009B) and their kin as
//     commands that can move the cursor, rewrite the screen or set the
//     window title.
//   - Bidirectional formatting characters are removed: the embeddings and
//     overrides U+202A–U+202E, the isolates U+2066–U+2069, and the marks
//     LRM U+200E, RLM U+200F and ALM U+061C. They can make a card show
//     "140" where the stored text says "041", or move a source's name
//     across a figure (Unicode Technical Standard #39 §3 and the "Trojan
//     Source" report, CVE-2021-42574). The desk neutralises rather than
//     refuses: Arabic and Hebrew text still displays in its own direction by
//     the Unicode bidirectional algorithm, which needs none of them, and a
//     user loses nothing they could see.
//   - Invalid UTF-8 becomes U+FFFD.
func CleanText(s string) string {
	if isClean(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case removed(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CleanLine is CleanText for a one-line value (a display name, a terminal
// user): line breaks and tabs become spaces, and the ends are trimmed.
func CleanLine(s string) string {
	s = CleanText(s)
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// isClean reports whether CleanText would leave s as it is, without
// allocating: most text is.
func isClean(s string) bool {
	for _, r := range s {
		if r == '\r' || r == utf8.RuneError || removed(r) {
			return false
		}
	}
	return true
}

// removed reports whether CleanText drops r.
func removed(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20 || r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
