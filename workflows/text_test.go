package workflows

import (
	"testing"
	"unicode/utf8"
)

func TestCleanTextControls(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain text is kept", "140 civilians killed, per the UN", "140 civilians killed, per the UN"},
		{"tabs and newlines are kept", "line one\n\tline two", "line one\n\tline two"},
		{"CRLF is a newline", "first\r\nsecond", "first\nsecond"},
		{"a byte order mark is dropped", "\ufeff140 civilians killed", "140 civilians killed"},
		{"a lone CR cannot overwrite the line", "approved\rrejected", "approved\nrejected"},
		{"NUL is dropped", "UN\x00 office", "UN office"},
		{"ESC and its sequence's command are dropped", "\x1b[2J\x1b]0;pwned\x07title", "title"},
		{"backspace cannot erase what was shown", "140\b\b\b999", "140999"},
		{"DEL is dropped", "a\x7fb", "ab"},
		{"C1 CSI is dropped with its sequence", "a\u009b31mred", "ared"},
		{"NEL ends a line", "a\u0085b", "a\nb"},
		{"invalid UTF-8 is replaced", "a\xffb", "a\uFFFDb"},
		{"Arabic text is kept", "قتل ١٤٠ مدنيا", "قتل ١٤٠ مدنيا"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanText(tc.in); got != tc.want {
				t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCleanTextBidi(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"right-to-left override cannot reverse a figure", "killed: \u202e041\u202c people", "killed: 041 people"},
		{"left-to-right override", "\u202dUN\u202c", "UN"},
		{"embeddings", "\u202aa\u202c \u202bb\u202c", "a b"},
		{"isolates", "\u2066UN\u2069 \u2067army\u2069 \u2068x\u2069", "UN army x"},
		{"unterminated isolate cannot reach the rest of the card", "Reuters\u2067 supports", "Reuters supports"},
		{"marks", "140\u200f-300 \u200eUN\u061c", "140-300 UN"},
		{"Hebrew keeps its letters", "צבא \u202eעיראק", "צבא עיראק"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanText(tc.in); got != tc.want {
				t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCleanTextEscapeSequences(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"SGR colour", "were \x1b[31mkilled\x1b[0m", "were killed"},
		{"CSI with private parameters", "a\x1b[?25lb", "ab"},
		{"CSI cursor move", "140\x1b[3D999", "140999"},
		{"CSI cut short at the end", "killed\x1b[31", "killed"},
		{"OSC title ended by BEL", "\x1b]0;pwned\x07UN", "UN"},
		{"OSC hyperlink ended by ST", "\x1b]8;;http://x\x1b\\UN\x1b]8;;\x1b\\", "UN"},
		{"unterminated OSC keeps the text after it", "\x1b]0;UN says 5", "0;UN says 5"},
		{"two-byte ESC sequence", "a\x1bcb\x1b7c", "abc"},
		{"ESC with intermediate byte", "a\x1b(Bb", "ab"},
		{"C1 OSC ended by C1 ST", "a\u009d0;t\u009cb", "ab"},
		{"C1 DCS ended by BEL", "a\u0090q\x07b", "ab"},
		{"lone ESC at the end", "UN\x1b", "UN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanText(tc.in); got != tc.want {
				t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCleanLineBreaks(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"CR", "a\rb"},
		{"LF", "a\nb"},
		{"CRLF", "a\r\nb"},
		{"VT", "a\vb"},
		{"FF", "a\fb"},
		{"NEL", "a\u0085b"},
		{"line separator", "a\u2028b"},
		{"paragraph separator", "a\u2029b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanLine(tc.in); got != "a b" {
				t.Errorf("CleanLine(%q) = %q, want %q", tc.in, got, "a b")
			}
			if got := CleanText(tc.in); got != "a\nb" {
				t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, "a\nb")
			}
		})
	}
}

func TestCleanLine(t *testing.T) {
	if got := CleanLine(" Ana\n\tMaria\u202e \x1b"); got != "Ana  Maria" {
		t.Errorf("CleanLine = %q", got)
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", "\x1b[31m", "\u202e140", "\xff\xfe", "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanText(s)
		if !utf8.ValidString(got) {
			t.Fatalf("CleanText(%q) = %q is not valid UTF-8", s, got)
		}
		if CleanText(got) != got {
			t.Fatalf("CleanText is not idempotent on %q", s)
		}
		for _, r := range got {
			if r == '\r' || removed(r) || lineBreak(r) {
				t.Fatalf("CleanText(%q) kept %U", s, r)
			}
		}
	})
}

func TestBlank(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"", true},
		{" \t\n", true},
		{"\u200b\u200b\u202e", true},
		{"\ufeff\u2060\u200d\u00ad", true},
		{"\u3164\u115f\ufe0f", true},
		{"\u0301", true},
		{"\u2800", true},
		{"a", false},
		{"\u200b5", false},
		{"é", false},
		{"قتل", false},
		{"-", false},
	} {
		if got := Blank(tc.in); got != tc.want {
			t.Errorf("Blank(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
