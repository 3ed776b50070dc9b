package workflows

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText makes text people or web pages sent safe to store and to show:
// on a chat card, in a terminal, in a log. It is applied on the way in (the
// router, the engine, an article read for ingest) and again on the way out
// to a terminal, for text stored before it existed. It is idempotent.
//
//   - Line ends become "\n": "\r\n", a lone "\r" (which would let a line
//     overwrite another in a terminal), VT, FF, NEL (U+0085) and the
//     Unicode line and paragraph separators U+2028 and U+2029 each end one
//     line (Unicode Standard Annex #14, mandatory breaks).
//   - Terminal escape sequences are removed whole, not only their ESC, so no
//     "[31m" is left in a statement: CSI (ESC [ or U+009B, parameter and
//     intermediate bytes, then a final byte 0x40–0x7E), the string commands
//     OSC (ESC ] or U+009D), DCS, SOS, PM and APC up to their terminator
//     (BEL or ST: ESC \ or U+009C), and other two-byte ESC sequences
//     (ECMA-48 §5.3–5.6). A string command that is never terminated loses
//     only its introducer: the text after it is kept.
//   - Other C0 control characters (U+0000–U+001F except tab and newline),
//     DEL (U+007F) and the C1 controls (U+0080–U+009F) are removed: they are
//     never text, and a terminal reads them as commands that can move the
//     cursor, rewrite the screen or set the window title.
//   - Bidirectional formatting characters are removed: the embeddings and
//     overrides U+202A–U+202E, the isolates U+2066–U+2069, and the marks
//     LRM U+200E, RLM U+200F and ALM U+061C. They can make a card show
//     "140" where the stored text says "041", or move a source's name
//     across a figure (Unicode Technical Standard #39 §3 and the "Trojan
//     Source" report, CVE-2021-42574). The desk neutralises rather than
//     refuses: Arabic and Hebrew text still displays in its own direction by
//     the Unicode bidirectional algorithm, which needs none of them, and a
//     user loses nothing they could see.
//   - The byte order mark U+FEFF is removed: a paste from a file that
//     starts with one would otherwise begin a statement with an invisible
//     character (as a word joiner it is deprecated, Unicode §23.8).
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
		case lineBreak(r):
			b.WriteByte('\n')
		case r == 0x1b:
			i = skipEscape(s, i)
		case r == 0x9b:
			i = skipCSI(s, i)
		case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f:
			i = skipString(s, i)
		case removed(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lineBreak reports whether r ends a line other than by "\n" or "\r":
// VT, FF, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR.
func lineBreak(r rune) bool {
	return r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029
}

// skipEscape returns where the escape sequence whose ESC ends just before
// s[i] ends (ECMA-48 §5.3–5.4).
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// nF sequences: intermediate bytes 0x20–0x2F, then a final byte 0x30–0x7E.
	j := i
	for j < len(s) && s[j] >= 0x20 && s[j] <= 0x2f {
		j++
	}
	if j < len(s) && s[j] >= 0x30 && s[j] <= 0x7e {
		return j + 1
	}
	return i // not a sequence: only the ESC goes
}

// skipCSI returns where a control sequence whose introducer ends just
// before s[i] ends: parameter bytes 0x30–0x3F, intermediate bytes
// 0x20–0x2F, a final byte 0x40–0x7E. A sequence broken by any other byte
// ends there.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x20 && c <= 0x3f:
			i++
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		default:
			return i
		}
	}
	return i
}

// skipString returns where a command string (OSC, DCS, SOS, PM, APC) whose
// introducer ends just before s[i] ends: after BEL, ESC \ or U+009C. When
// none follows, the string is kept as text (only the introducer goes), so
// a stray introducer cannot swallow what follows it.
func skipString(s string, i int) int {
	for j := i; j < len(s); j++ {
		switch {
		case s[j] == 0x07:
			return j + 1
		case s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\':
			return j + 2
		case strings.HasPrefix(s[j:], "\u009c"):
			return j + len("\u009c")
		}
	}
	return i
}

// CleanLine is CleanText for a one-line value (a statement, a source, a
// quote, a note, a name): every line break and tab becomes one space, and
// the ends are trimmed, so a value can never forge a row of its own in a
// list or a line on a card.
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
		if r == '\r' || r == utf8.RuneError || removed(r) || lineBreak(r) {
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
	case r == 0xfeff:
		return true
	}
	return false
}

// Blank reports whether s shows nothing: it holds only spaces, line breaks,
// control characters, invisible characters (format characters such as
// U+200B and the bidi controls, default-ignorables such as the Hangul
// fillers) and combining marks with no letter to sit on. A statement,
// source or required note that is blank is refused as an empty one is.
func Blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.IsControl(r) && !invisible(r) && !unicode.In(r, unicode.Mn, unicode.Me) && r != 0x2800 {
			return false
		}
	}
	return true
}

// Invisible reports whether r changes nothing a reader sees: a format
// character (zero-width space and joiners, bidi controls, the byte-order
// mark, soft hyphen, tags) or another default-ignorable (variation
// selectors, the combining grapheme joiner, Hangul fillers). A name holding
// one shows as another name.
func Invisible(r rune) bool { return invisible(r) }

// lineValue is CleanLine, and "" when what is left shows nothing.
func lineValue(s string) string {
	if s = CleanLine(s); Blank(s) {
		return ""
	}
	return s
}
